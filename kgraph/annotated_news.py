"""Mention-level training sentences from article-level news annotations (``shared/data/news_annotated``).

Each annotated article lists its persons and organisations (with aliases) and the titles of its positions,
not where they occur. :func:`project_article` turns such an article into character spans for the NER tagger
(see :mod:`kgraph.training`):

* every annotated surface string (person name or alias -> PERSON, organisation name or alias ->
  ORGANIZATION, position title -> ROLE) is looked up in the text, longest match first, never overlapping;
* a match is *missing* (neither an entity nor "not an entity", so it teaches nothing) rather than labelled
  when its annotation is uncertain:

  - its entry is ``"optional"`` in the annotation;
  - it is a single character (姜, 雷: far more often part of a word than a name);
  - it cuts a word of jieba's dictionary (segmented without the HMM): a name inside a longer unannotated
    word (海屏 in 刘海屏, 平安 in 平安夜) is probably not that name;
  - a Latin-script match touches a Latin letter or digit (IG in BIG);

* titles seen in other training data (CLUENER/Resume ROLE spans, given as ``known_titles``) that are not
  a title of this article's positions are missing too: the guide annotates only titles held by a named
  person, so 记者 in 据记者了解 is neither labelled nor taught to be O;
* PLACE is not annotated in these articles: words that jieba's dictionary tags as place names (``ns``) and
  that no annotated span covers are missing, so that the tagger does not learn that 北京 is not a place.

Everything else is "not an entity": the guide asks for every person and organisation in the article.
Articles are cut into the same pieces the tagger sees at run time (:func:`kgraph.nlp.statistical.text_pieces`).
"""
from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .training_data import (
    RESUME_LABELS,
    DataPaths,
    Sentence,
    Spans,
    known_titles,
    read_char_tag_file,
    read_cluener,
)

# Which gold-graph lists give which label, and the key of the surface strings in each entry.
_ENTRY_LABELS = (("persons", "PERSON"), ("organizations", "ORGANIZATION"))
_LATIN = re.compile(r"[A-Za-z0-9]")
# One article in this many (by a checksum of its file name, so the split does not depend on the listing
# order or on which other articles exist) is held out for checkpoint selection.
DEV_SHARE = 10


@dataclass
class ProjectionCounts:
    """How the annotated strings of a set of articles were projected (reported in the model card)."""

    labelled: dict[str, int] = field(default_factory=dict)
    missing_optional: int = 0
    missing_single_char: int = 0
    missing_cuts_word: int = 0
    missing_latin_run_on: int = 0
    missing_other_title: int = 0
    missing_place: int = 0

    def as_dict(self) -> dict:
        return {"labelled": dict(self.labelled), **{k: v for k, v in self.__dict__.items() if k != "labelled"}}


def is_dev_article(name: str) -> bool:
    """Whether the article (its JSON file name) belongs to the held-out dev split."""
    return zlib.crc32(name.encode("utf-8")) % DEV_SHARE == 0


def _segmenter():
    import jieba
    import jieba.posseg

    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


def _word_spans(text: str, segmenter) -> tuple[set[int], list[tuple[int, int]]]:
    """The word boundaries of jieba's dictionary segmentation, and the spans of words tagged as places."""
    boundaries, places, offset = {0}, [], 0
    for pair in segmenter.cut(text, HMM=False):
        end = offset + len(pair.word)
        boundaries.add(end)
        if pair.flag == "ns" and len(pair.word) >= 2:
            places.append((offset, end))
        offset = end
    return boundaries, places


def _surface_forms(gold: dict) -> dict[str, tuple[str, bool]]:
    """Annotated string -> (label, optional). A string annotated both ways keeps the certain reading."""
    forms: dict[str, tuple[str, bool]] = {}

    def add(string: str | None, label: str, optional: bool) -> None:
        string = (string or "").strip()
        if not string:
            return
        previous = forms.get(string)
        if previous is None or (previous[1] and not optional):
            forms[string] = (label, optional)

    for key, label in _ENTRY_LABELS:
        for entry in gold.get(key) or []:
            for string in [entry.get("name"), *(entry.get("aliases") or [])]:
                add(string, label, bool(entry.get("optional")))
    for position in gold.get("positions") or []:
        title = position.get("title")
        if title and title not in forms:  # a person or organisation reading wins over a title one
            add(title, "ROLE", bool(position.get("optional")))
    return forms


def project_article(text: str, gold: dict, *, known_titles: Iterable[str] = (), segmenter=None,
                    counts: ProjectionCounts | None = None) -> tuple[Spans, list[tuple[int, int]]]:
    """(entity spans, missing stretches) of an article's text from its gold graph (see the module doc)."""
    from .resources import trie_regex

    counts = counts if counts is not None else ProjectionCounts()
    segmenter = segmenter or _segmenter()
    forms = _surface_forms(gold)
    other_titles = {t for t in known_titles if len(t) >= 2 and t not in forms}
    everything = sorted({*forms, *other_titles}, key=lambda w: (-len(w), w))
    boundaries, places = _word_spans(text, segmenter)
    spans: Spans = []
    missing: list[tuple[int, int]] = []
    if everything:
        for match in re.finditer(trie_regex(everything), text):
            start, end, string = match.start(), match.end(), match.group()
            if string not in forms:
                counts.missing_other_title += 1
                missing.append((start, end))
                continue
            label, optional = forms[string]
            if optional:
                counts.missing_optional += 1
            elif end - start == 1:
                counts.missing_single_char += 1
            elif _LATIN.match(string[0]) and start > 0 and _LATIN.match(text[start - 1]) or \
                    _LATIN.match(string[-1]) and end < len(text) and _LATIN.match(text[end]):
                counts.missing_latin_run_on += 1
            elif not _is_latin(string) and (start not in boundaries or end not in boundaries):
                counts.missing_cuts_word += 1
            else:
                counts.labelled[label] = counts.labelled.get(label, 0) + 1
                spans.append((start, end, label))
                continue
            missing.append((start, end))
    taken = sorted(spans + [(s, e, "") for s, e in missing])
    for start, end in places:
        if all(end <= s or start >= e for s, e, _ in taken):
            counts.missing_place += 1
            missing.append((start, end))
    return sorted(spans), sorted(missing)


def _is_latin(string: str) -> bool:
    return bool(_LATIN.search(string)) and not re.search(r"[\u4e00-\u9fff]", string)


def article_sentences(text: str, spans: Spans, missing: list[tuple[int, int]]) -> list[Sentence]:
    """The article cut into the tagger's run-time pieces, spans shifted into each piece.

    A piece boundary never cuts an annotated span in practice (pieces end at punctuation); a span that
    would be cut is dropped and its stretch marked missing.
    """
    from .nlp.statistical import text_pieces

    out = []
    for start, end in text_pieces(text):
        piece = text[start:end]
        if not piece.strip():
            continue
        inner = [(s - start, e - start, label) for s, e, label in spans if s >= start and e <= end]
        gaps = [(max(s, start) - start, min(e, end) - start) for s, e in missing if s < end and e > start]
        gaps += [(max(s, start) - start, min(e, end) - start) for s, e, _ in spans
                 if s < end and e > start and not (s >= start and e <= end)]
        out.append(Sentence(piece, inner, sorted(gaps)))
    return out


def read_annotated_news(folder: str | os.PathLike, *, known_titles: Iterable[str] = (),
                        counts: ProjectionCounts | None = None) -> dict[str, list[Sentence]]:
    """Training sentences of every annotated article in ``folder`` (gold-graph JSON files), by file name.

    The article text is the file named in each JSON's ``"file"``, resolved as ``kgraph eval gold`` does.
    """
    from .datasets import read_gold_graph

    known_titles = set(known_titles)
    segmenter = _segmenter()
    articles: dict[str, list[Sentence]] = {}
    for graph in read_gold_graph(folder):
        text = Path(graph.article).read_text(encoding="utf-8-sig")
        spans, missing = project_article(text, graph.data, known_titles=known_titles, segmenter=segmenter,
                                         counts=counts)
        articles[Path(graph.path).name] = article_sentences(text, spans, missing)
    return articles


def annotated_news_split(paths: DataPaths, report: dict | None = None) -> tuple[list[Sentence], list[Sentence]]:
    """(train, dev) sentences of the annotated news articles; dev is the held-out tenth, by article.

    Job titles annotated in CLUENER and Resume train that are no title of an article's positions are
    marked missing in that article (see :mod:`kgraph.annotated_news`).
    """
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


__all__ = ["DEV_SHARE", "ProjectionCounts", "annotated_news_split", "article_sentences", "is_dev_article",
           "project_article", "read_annotated_news"]
