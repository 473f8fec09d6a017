"""A small statistical Chinese NER model, shipped inside the package, as a spaCy component.

The model (``kgraph/models/ner_zh``, trained by ``kgraph train``; see its MODEL_CARD.md) is a spaCy
pipeline of its own whose tokens are single characters, so it runs the same whatever tokenizer the host
pipeline has: the component reads ``doc.text``, tags it with the model's own character-tokenized Doc and
writes exact character offsets back to the host doc::

    nlp.add_pipe("kgraph_statistical_ner")      # before the rule-based recogniser
    doc._.kg_ner            # [[start, end, label], ...]  exact character offsets into doc.text, end exclusive
    doc.spans["kg_ner"]     # the same, widened to the host's token boundaries (alignment_mode="expand")

Labels: PERSON, ORGANIZATION, ROLE, PLACE. Without a pipeline, ``predict_spans(texts)`` gives the same
offsets as tuples.

The model is loaded on first use, once per process (so a forked worker loads its own copy), and the
component itself holds only the model's name: it pickles and forks cleanly.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

BUNDLED = "bundled"
BUNDLED_MODEL_NAME = "ner_zh"
MODELS_PACKAGE = "kgraph.models"
SPANS_KEY = "kg_ner"
LABELS = ("PERSON", "ORGANIZATION", "ROLE", "PLACE")

# Texts are cut into pieces of at most this many characters before tagging: short pieces of similar
# length batch well in the transition-based tagger, and its context window is a few characters wide anyway.
MAX_PIECE_CHARS = 200
# Preferred cut points, strongest first: sentence ends and line breaks, then clause punctuation.
_SENTENCE_END = re.compile(r"[。！？!?；;…\n]+[”’」』）)\"']*")
_CLAUSE_END = re.compile(r"[，,、：:\s]+")

_BIGRAM_SHIFT = numpy.uint64(21)  # every code point fits in 21 bits


def _register_extensions() -> None:
    if not Doc.has_extension(SPANS_KEY):
        Doc.set_extension(SPANS_KEY, default=None)


_register_extensions()


# ---------------------------------------------------------------------------------------------- tokenizer

def character_bigram_ids(text: str) -> numpy.ndarray:
    """For each character, a number that identifies it together with the character after it."""
    points = numpy.frombuffer(text.encode("utf-32-le"), dtype=numpy.uint32).astype(numpy.uint64)
    following = numpy.zeros_like(points)
    following[:-1] = points[1:]
    return (points << _BIGRAM_SHIFT) | following


class CharacterTokenizer:
    """One token per character, whitespace included, so that token ``i`` is ``text[i]``.

    Each token's NORM holds its character bigram id (see :func:`character_bigram_ids`): the model embeds
    ORTH (the character), NORM (the bigram) and SHAPE. These NORM values are not strings of the vocab, so
    ``token.norm_`` is undefined on these docs; they are internal to the model and never leave this module.
    """

    def __init__(self, vocab):
        self.vocab = vocab
        self._orth: dict[str, int] = {}

    def orth_ids(self, text: str) -> numpy.ndarray:
        """The ORTH value (string hash) of each character's token."""
        orth = self._orth
        missing = set(text).difference(orth)
        if missing:
            from spacy.strings import get_string_id

            orth.update((ch, get_string_id(ch)) for ch in missing)
        return numpy.fromiter((orth[ch] for ch in text), dtype="uint64", count=len(text))

    def __call__(self, text: str) -> Doc:
        from spacy.attrs import NORM

        doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        if text:
            doc.from_array([NORM], character_bigram_ids(text).reshape(-1, 1))
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # Nothing to save: the tokenizer has no settings and no data.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> CharacterTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> CharacterTokenizer:
        return self


class CharacterFeatures:
    """What the model's embedding layer reads of a text, without building a spaCy Doc.

    spaCy's ``FeatureExtractor`` only calls ``to_array(columns)`` on its inputs; for ORTH (the character's
    string hash) and NORM (the bigram id) this gives exactly what a :class:`CharacterTokenizer` Doc gives,
    at a fraction of the cost. Any other column is read from a real Doc.
    """

    __slots__ = ("text", "tokenizer")

    def __init__(self, text: str, tokenizer: CharacterTokenizer):
        self.text = text
        self.tokenizer = tokenizer

    def __len__(self) -> int:
        return len(self.text)

    def to_array(self, columns) -> numpy.ndarray:
        from spacy.attrs import NORM, ORTH, intify_attr

        single = isinstance(columns, (int, str))
        ids = [intify_attr(c) for c in ([columns] if single else columns)]
        if not set(ids) <= {ORTH, NORM}:
            return self.tokenizer(self.text).to_array(columns)
        out = numpy.empty((len(self.text), len(ids)), dtype="uint64")
        for j, attr in enumerate(ids):
            out[:, j] = self.tokenizer.orth_ids(self.text) if attr == ORTH else character_bigram_ids(self.text)
        return out[:, 0] if single else out


@registry.tokenizers("kgraph.CharacterTokenizer.v1")
def create_character_tokenizer():
    def make(nlp: Language) -> CharacterTokenizer:
        return CharacterTokenizer(nlp.vocab)

    return make


# ---------------------------------------------------------------------------------------------- the model

_load_lock = threading.Lock()
_loaded: dict[tuple[int, str], Language] = {}


def bundled_model_path(name: str = BUNDLED_MODEL_NAME) -> Path:
    """Directory of a model shipped in the installed package ``kgraph.models``."""
    from importlib import resources

    return Path(str(resources.files(MODELS_PACKAGE).joinpath(name)))


def resolve_model_path(model: str | os.PathLike = BUNDLED) -> Path:
    """``"bundled"`` is the model shipped with kgraph; anything else is a directory written by ``kgraph train``."""
    path = bundled_model_path() if str(model) == BUNDLED else Path(model)
    if not (path / "config.cfg").is_file():
        raise FileNotFoundError(f"no trained NER model in {path} (expected config.cfg and model files; "
                                f"`kgraph train` writes one)")
    return path


def load_model(model: str | os.PathLike = BUNDLED) -> Language:
    """The model's own spaCy pipeline, loaded once per process and cached."""
    path = resolve_model_path(model)
    key = (os.getpid(), str(path.resolve()))
    nlp = _loaded.get(key)
    if nlp is None:
        with _load_lock:
            nlp = _loaded.get(key)
            if nlp is None:
                import spacy

                nlp = spacy.load(path)
                _loaded[key] = nlp
    return nlp


def text_pieces(text: str, max_chars: int = MAX_PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) offsets of consecutive pieces that cover ``text``, each at most ``max_chars`` long.

    Whole sentences (ending at sentence punctuation or a line break) are packed into pieces; a sentence
    longer than ``max_chars`` is cut after clause punctuation or whitespace, and only a stretch with none
    of these is cut blindly.
    """
    sentences: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _cut_long(text, start, match.end(), max_chars, sentences)
        start = match.end()
    _cut_long(text, start, len(text), max_chars, sentences)
    pieces: list[tuple[int, int]] = []
    for s, e in sentences:
        if pieces and e - pieces[-1][0] <= max_chars:
            pieces[-1] = (pieces[-1][0], e)
        else:
            pieces.append((s, e))
    return pieces


def _cut_long(text: str, start: int, end: int, max_chars: int, out: list[tuple[int, int]]) -> None:
    while end - start > max_chars:
        cuts = [m.end() for m in _CLAUSE_END.finditer(text, start, start + max_chars)]
        cut = cuts[-1] if cuts else start + max_chars
        out.append((start, cut))
        start = cut
    if end > start:
        out.append((start, end))


def allowed_transitions(tags: Sequence[str]) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Log-space masks (0 allowed, -inf not) of BIOES tag sequences: (previous x next), first tag, last tag."""
    n = len(tags)
    between = numpy.full((n, n), -numpy.inf, dtype="float32")
    first = numpy.full(n, -numpy.inf, dtype="float32")
    last = numpy.full(n, -numpy.inf, dtype="float32")
    parts = [tag.partition("-")[::2] for tag in tags]
    for j, (prefix, label) in enumerate(parts):
        if prefix in ("O", "B", "S"):
            first[j] = 0
        if prefix in ("O", "E", "S"):
            last[j] = 0
    for i, (p_prefix, p_label) in enumerate(parts):
        for j, (n_prefix, n_label) in enumerate(parts):
            inside = p_prefix in ("B", "I")
            if inside and n_prefix in ("I", "E") and n_label == p_label or not inside and n_prefix in ("O", "B", "S"):
                between[i, j] = 0
    return between, first, last


class TagDecoder:
    """Turns per-character BIOES tag scores into entities, allowing only valid tag sequences."""

    def __init__(self, tags: Sequence[str]):
        self.tags = list(tags)
        self.between, self.first, self.last = allowed_transitions(self.tags)
        prefixes = numpy.array([tag.partition("-")[0] for tag in self.tags])
        self.begins = numpy.isin(prefixes, ["B", "S"])
        self.ends = numpy.isin(prefixes, ["E", "S"])
        self.labels = [tag.partition("-")[2] for tag in self.tags]

    def decode(self, scores: Sequence[numpy.ndarray]) -> list[list[tuple[int, int, str]]]:
        """Entities (start, end, label) of each (length x tags) array of probabilities."""
        paths: list[numpy.ndarray | None] = []
        invalid = []
        for i, s in enumerate(scores):
            path = s.argmax(axis=1)
            # With no transition scores, a valid best-per-character path is also the best valid path.
            if len(path) and (self.first[path[0]] or self.last[path[-1]] or self.between[path[:-1], path[1:]].any()):
                invalid.append(i)
            paths.append(path)
        if invalid:
            best = self.viterbi([numpy.log(numpy.maximum(scores[i], 1e-9)) for i in invalid])
            for i, path in zip(invalid, best):
                paths[i] = path
        return [self.spans(path) for path in paths]

    def spans(self, path: numpy.ndarray) -> list[tuple[int, int, str]]:
        starts = numpy.flatnonzero(self.begins[path])
        ends = numpy.flatnonzero(self.ends[path])
        return [(int(s), int(e) + 1, self.labels[path[s]]) for s, e in zip(starts, ends)]

    def viterbi(self, log_probs: Sequence[numpy.ndarray]) -> list[numpy.ndarray]:
        """The best valid tag index sequence of each (length x tags) array of log-probabilities, as a batch."""
        if not log_probs:
            return []
        lengths = numpy.array([len(s) for s in log_probs])
        batch, width, n_tags = len(log_probs), int(lengths.max()), len(self.tags)
        scores = numpy.zeros((batch, width, n_tags), dtype="float32")
        for b, s in enumerate(log_probs):
            scores[b, :len(s)] = s
        best = scores[:, 0] + self.first
        back = numpy.zeros((batch, width, n_tags), dtype="int32")
        keep = numpy.arange(n_tags, dtype="int32")
        for t in range(1, width):
            candidates = best[:, :, None] + self.between[None]  # (batch, previous, next)
            previous = candidates.argmax(axis=1).astype("int32")
            stepped = numpy.take_along_axis(candidates, previous[:, None, :], axis=1)[:, 0] + scores[:, t]
            running = (t < lengths)[:, None]
            best = numpy.where(running, stepped, best)
            back[:, t] = numpy.where(running, previous, keep)
        current = (best + self.last).argmax(axis=1)
        paths = numpy.zeros((batch, width), dtype="int32")
        for t in range(width - 1, -1, -1):
            paths[:, t] = current
            current = back[numpy.arange(batch), t, current]
        return [paths[b, :n] for b, n in enumerate(lengths)]


def predict_spans(texts: Iterable[str], *, model: str | os.PathLike | Language = BUNDLED,
                  batch_size: int = 256) -> list[list[tuple[int, int, str]]]:
    """Entities in each text as ``(start, end, label)`` character offsets (end exclusive), in text order.

    ``model`` is "bundled", a model directory, or a loaded model pipeline.
    """
    texts = list(texts)
    nlp = model if isinstance(model, Language) else load_model(model)
    tagger = nlp.get_pipe("tagger")
    decoder = TagDecoder(tagger.labels)
    pieces = [(n, s, e) for n, text in enumerate(texts) for s, e in text_pieces(text)]
    # Pieces of similar length share a batch, so that little of the batch is padding.
    pieces.sort(key=lambda piece: piece[2] - piece[1])
    results: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    for i in range(0, len(pieces), batch_size):
        batch = pieces[i:i + batch_size]
        piece_texts = [texts[n][s:e] for n, s, e in batch]
        if isinstance(nlp.tokenizer, CharacterTokenizer):
            docs = [CharacterFeatures(text, nlp.tokenizer) for text in piece_texts]
        else:
            docs = [nlp.make_doc(text) for text in piece_texts]
        for (n, offset, _end), spans in zip(batch, decoder.decode(tagger.model.predict(docs))):
            results[n].extend((offset + s, offset + e, label) for s, e, label in spans
                              if not texts[n][offset + s:offset + e].isspace())
    for spans in results:
        spans.sort()
    return results


# ---------------------------------------------------------------------------------------------- component

class StatisticalEntityRecognizer:
    """Writes the model's entities to ``doc._.kg_ner`` (exact offsets) and ``doc.spans[spans_key]``."""

    def __init__(self, model: str = BUNDLED, spans_key: str = SPANS_KEY, batch_size: int = 256):
        self.model = model
        self.spans_key = spans_key
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate(doc, predict_spans([doc.text], model=self.model, batch_size=self.batch_size)[0])

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._annotate_batch(batch)
                batch = []
        if batch:
            yield from self._annotate_batch(batch)

    def _annotate_batch(self, docs: list[Doc]) -> Iterator[Doc]:
        found = predict_spans([d.text for d in docs], model=self.model, batch_size=self.batch_size)
        for doc, spans in zip(docs, found):
            yield self._annotate(doc, spans)

    def _annotate(self, doc: Doc, spans: list[tuple[int, int, str]]) -> Doc:
        doc._.kg_ner = [[start, end, label] for start, end, label in spans]
        aligned = (doc.char_span(start, end, label=label, alignment_mode="expand") for start, end, label in spans)
        doc.spans[self.spans_key] = [span for span in aligned if span is not None]
        return doc


@Language.factory("kgraph_statistical_ner", default_config={"model": BUNDLED, "spans_key": SPANS_KEY},
                  assigns=["doc.spans", f"doc._.{SPANS_KEY}"])
def make_statistical_ner(nlp: Language, name: str, model: str, spans_key: str) -> StatisticalEntityRecognizer:
    return StatisticalEntityRecognizer(model, spans_key)


__all__ = ["BUNDLED", "LABELS", "SPANS_KEY", "CharacterTokenizer", "StatisticalEntityRecognizer",
           "bundled_model_path", "character_bigram_ids", "load_model", "predict_spans", "resolve_model_path",
           "text_pieces"]
