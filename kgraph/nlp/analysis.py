"""The shared state of one document between the entity and relation steps (:class:`Analysis`).

The rules combine evidence of several kinds: lexicons (titles, organisation suffixes, well-known
organisations, places, speech and proposal verbs, all under ``ontology/lexicons``), the part of speech
that jieba's dictionary gives a token, high-precision patterns (a title before a name, a name before a
speech verb, “…” after 提出/推出), and document-level consistency (a name found once in a strong pattern
is a mention wherever it recurs; each string gets one kind per document).

:mod:`kgraph.nlp.entities` finds the mentions, :mod:`kgraph.nlp.relations` the facts between them,
:mod:`kgraph.nlp.output` filters what a document hands on; the spaCy components in
:mod:`kgraph.nlp.components` drive them.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterable

from ..model import Entity, Evidence, Fact
from ..resources import Lexicons
from .dates import DateMention
from .patterns import CLAUSE_PUNCT, NAME_BOUNDARY_PUNCT


@dataclass
class Mention:
    start: int
    end: int
    kind: str
    name: str                  # canonical name (the entity key within the document)
    confidence: float
    subtype: str | None = None
    source: str = ""           # which rule found it (for debugging and the model card)

    @property
    def ref(self) -> tuple[str, str]:
        return (self.kind, self.name)


@dataclass
class Token:
    start: int
    end: int
    text: str
    tag: str | None
    freq: int


@dataclass
class Analysis:
    """One document's text, tokens and what the rules found in it."""

    text: str
    doc_id: str
    doc_date: str | None
    tokens: list[Token]
    sentences: list[tuple[int, int]]
    lex: Lexicons
    freq: dict
    entities: dict[tuple[str, str], Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)   # resolved, non-overlapping, sorted
    roles: list[Mention] = field(default_factory=list)      # title mentions (may sit inside a chain)
    quotes: list[tuple[int, int]] = field(default_factory=list)  # inner spans of “…”
    dates: list[DateMention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)   # unit org name -> parent org name
    ner_spans: list = field(default_factory=list)  # (start, end, label) from the statistical tagger, if any
    _candidates: list[Mention] = field(default_factory=list)
    _in_quote: list[bool] = field(default_factory=list)

    # ------------------------------------------------------------------ helpers
    def sentence_index(self, pos: int) -> int:
        """Index of the sentence holding ``pos``, -1 when it falls between sentences."""
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        return i if i >= 0 and pos < self.sentences[i][1] else -1

    def sentence_of(self, pos: int) -> tuple[int, int]:
        i = self.sentence_index(pos)
        return self.sentences[i] if i >= 0 else (max(0, pos), min(len(self.text), pos + 1))

    def evidence(self, pos: int, confidence: float) -> Evidence:
        s, e = self.sentence_of(pos)
        return Evidence(self.doc_id, self.text[s:e], s, e, confidence)

    def clause_start(self, pos: int, extra: str = "") -> int:
        s, _ = self.sentence_of(max(0, pos - 1)) if pos > 0 else (0, 0)
        i = pos - 1
        while i >= s:
            ch = self.text[i]
            if (ch in CLAUSE_PUNCT or ch in extra) and not self._in_quote[i]:
                return i + 1
            i -= 1
        return s

    def clause_end(self, pos: int) -> int:
        _, e = self.sentence_of(pos)
        i = pos
        while i < e:
            if self.text[i] in CLAUSE_PUNCT and not self._in_quote[i]:
                return i
            i += 1
        return e

    def mentions_in(self, start: int, end: int, kinds: Iterable[str] | None = None) -> list[Mention]:
        kinds = set(kinds) if kinds else None
        return [m for m in self.mentions if m.start >= start and m.end <= end and (kinds is None or m.kind in kinds)]

    def add_entity(self, kind: str, name: str, confidence: float, subtype: str | None = None,
                   alias: str | None = None, **props) -> Entity:
        key = (kind, name)
        ent = self.entities.get(key)
        if ent is None:
            ent = self.entities[key] = Entity(kind, name, subtype=subtype, confidence=confidence)
        else:
            ent.confidence = max(ent.confidence, confidence)
            ent.subtype = ent.subtype or subtype
        if alias and alias != name:
            ent.aliases.add(alias)
        for k, v in props.items():
            if v is not None:
                ent.props.setdefault(k, v)
        return ent

    def add_fact(self, relation: str, subject: tuple[str, str], obj: tuple[str, str], pos: int,
                 confidence: float, **props) -> None:
        if subject == obj:
            return
        for ref in (subject, obj):
            if ref not in self.entities:
                self.add_entity(ref[0], ref[1], confidence)
        self.facts.append(Fact(relation, subject, obj, self.evidence(pos, confidence), props))

    def token_index_at(self, pos: int) -> int | None:
        """Index of the token that starts at ``pos``, if any."""
        return self._token_starts.get(pos)

    def token_ending_at(self, pos: int) -> int | None:
        """Index of the token that ends at ``pos``, if any."""
        return self._token_ends.get(pos)

    def __post_init__(self) -> None:
        self._token_starts = {t.start: i for i, t in enumerate(self.tokens)}
        self._token_ends = {t.end: i for i, t in enumerate(self.tokens)}
        self._sentence_starts = [s for s, _ in self.sentences]


# ---------------------------------------------------------------------------------------------
# Entities


def boundary_at(a: Analysis, pos: int) -> bool:
    """Whether a name may end at ``pos``: the end of the text, punctuation, or a boundary word of the lexicons
    (a speech verb, a title)."""
    if pos >= len(a.text):
        return True
    if a.text[pos] in NAME_BOUNDARY_PUNCT:
        return True
    rx = a.lex.regex("name-boundaries", list(a.lex.name_boundaries) + list(a.lex.speech_verbs) + list(a.lex.titles))
    return rx.match(a.text, pos) is not None
