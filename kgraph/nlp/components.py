"""kgraph's steps as spaCy components, registered by name so they can join any Chinese pipeline.

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "kgraph.ChineseTokenizer.v1"}}})
    nlp.add_pipe("kgraph_sentencizer")
    nlp.add_pipe("kgraph_entity_recognizer")
    nlp.add_pipe("kgraph_relation_extractor")
    doc = nlp("星河科技高级副总裁张明远表示……")
    doc.ents, doc.spans["kg_mentions"], doc._.kg_entities, doc._.kg_facts

Results are stored as plain lists and dicts (``doc._.kg_entities``, ``doc._.kg_facts``) so that docs
survive spaCy's serialisation, e.g. between the processes of ``nlp.pipe(n_process=2)``.
"""
from __future__ import annotations

import bisect

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..model import entity_from_data, entity_to_data, fact_from_data, fact_to_data
from ..resources import load_lexicons
from .analysis import Analysis, Token
from .entities import analyse_entities
from .output import entities_for_output, facts_for_output
from .relations import analyse_relations
from .segmenter import word_info

_ANALYSIS_KEY = "kgraph.analysis"
SENTENCE_PUNCT = "。！？!?；…"
CLOSING_PUNCT = "”’」』）)\"'"
CLOSING_SET = set(CLOSING_PUNCT)
MAX_SENTENCE_CHARS = 2000
"""A longer run without a sentence end is cut into sentences of at most this many characters: after its last
clause mark (，、；：, whitespace) when there is one, else before the token that would pass the limit. Every rule
works within a sentence, so this bounds the work per sentence. (The longest sentence in 2,390 real articles of
shared/data/news has 1,424 characters; such text is not cut.)"""
_CLAUSE_MARKS = frozenset("，、；：,;:")


def _register_extensions() -> None:
    for name in ("kg_doc_id", "kg_doc_date", "kg_entities", "kg_facts"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


_register_extensions()


class KGraphSentencizer:
    """Sentence boundaries after 。！？；… (keeping closing quotes with their sentence) and at line breaks."""

    def __init__(self, punct_chars: str = SENTENCE_PUNCT, max_chars: int = MAX_SENTENCE_CHARS):
        self.punct_chars = set(punct_chars)
        self.max_chars = max_chars

    def __call__(self, doc: Doc) -> Doc:
        # Set all boundaries in one array write: assigning token.is_sent_start one token at a time
        # re-checks the whole doc's annotation on every call (quadratic in the doc's length).
        starts = numpy.full(len(doc), -1, dtype="int64")
        end_seen = True
        sentence_start = 0      # character offset where the current sentence starts
        after_clause = None     # index of the token after the current sentence's last clause mark
        for i, token in enumerate(doc):
            text = token.text
            if end_seen and not (set(text) <= CLOSING_SET) and not text.isspace():
                starts[i] = 1
                end_seen = False
                sentence_start, after_clause = token.idx, None
            elif token.idx + len(text) - sentence_start > self.max_chars:  # too long: cut (MAX_SENTENCE_CHARS)
                cut = after_clause if after_clause is not None else i
                starts[cut] = 1
                sentence_start, after_clause = doc[cut].idx, None
            if "\n" in token.text_with_ws or any(ch in self.punct_chars for ch in text):
                end_seen = True
            elif token.whitespace_ or text.isspace() or text in _CLAUSE_MARKS:
                after_clause = i + 1 if i + 1 < len(doc) else None
        if len(doc):
            starts[0] = 1
            doc.from_array(["SENT_START"], starts.astype("uint64"))
        return doc


@Language.factory("kgraph_sentencizer", default_config={"punct_chars": SENTENCE_PUNCT,
                                                        "max_chars": MAX_SENTENCE_CHARS},
                  assigns=["token.is_sent_start", "doc.sents"])
def make_sentencizer(nlp: Language, name: str, punct_chars: str, max_chars: int) -> KGraphSentencizer:
    return KGraphSentencizer(punct_chars, max_chars)


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence, without surrounding whitespace."""
    text = doc.text
    spans = []
    for sent in doc.sents:
        s, e = sent.start_char, sent.end_char
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def new_analysis(doc: Doc) -> Analysis:
    freq, tags = word_info()
    tokens = [Token(t.idx, t.idx + len(t.text), t.text, tags.get(t.text), freq.get(t.text, 0))
              for t in doc if not t.is_space]
    sentences = sentence_spans(doc) if doc.has_annotation("SENT_START") else [(0, len(doc.text))]
    # the statistical tagger's spans, when kgraph_statistical_ner ran before this component
    ner = doc._.kg_ner if Doc.has_extension("kg_ner") else None
    return Analysis(text=doc.text, doc_id=doc._.kg_doc_id or "doc", doc_date=doc._.kg_doc_date,
                    tokens=tokens, sentences=sentences, lex=load_lexicons(), freq=freq,
                    ner_spans=[tuple(span) for span in ner or ()])


def _align(doc: Doc, boundaries: set[int]) -> Doc:
    """Split tokens so that every entity boundary falls between tokens (jieba may glue 明远在 together)."""
    cuts_at = sorted(boundaries)
    splits = []
    for token in doc:
        lo, hi = token.idx, token.idx + len(token.text)
        i = bisect.bisect_right(cuts_at, lo)
        if i < len(cuts_at) and cuts_at[i] < hi:
            inner = []
            while i < len(cuts_at) and cuts_at[i] < hi:
                inner.append(cuts_at[i] - lo)
                i += 1
            cuts = [0] + inner + [len(token.text)]
            splits.append((token, [token.text[a:b] for a, b in zip(cuts, cuts[1:])]))
    if splits:
        with doc.retokenize() as retokenizer:
            for token, orths in splits:
                retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))
    return doc


class EntityRecognizer:
    """Finds people, organisations, brands, places, events, initiatives and works; see kgraph.nlp.entities."""

    def __init__(self, spans_key: str = "kg_mentions", set_ents: bool = True):
        self.spans_key = spans_key
        self.set_ents = set_ents

    def __call__(self, doc: Doc) -> Doc:
        analysis = new_analysis(doc)
        analyse_entities(analysis)
        doc.user_data[_ANALYSIS_KEY] = analysis
        if self.set_ents:
            boundaries = {m.start for m in analysis.mentions} | {m.end for m in analysis.mentions}
            boundaries |= {m.start for m in analysis.roles} | {m.end for m in analysis.roles}
            boundaries |= {d.start for d in analysis.dates} | {d.end for d in analysis.dates}
            doc = _align(doc, boundaries)
            spans = [doc.char_span(m.start, m.end, label=m.kind.upper(), kb_id=m.name) for m in analysis.mentions]
            roles = [doc.char_span(m.start, m.end, label="ROLE") for m in analysis.roles]
            # dates are literals in the graph (an event's schema:startDate), spans here: kb_id is the ISO value
            dates = [doc.char_span(d.start, d.end, label="DATE", kb_id=d.value or "") for d in analysis.dates]
            spans = [s for s in spans if s is not None]
            dates = [d for d in dates if d is not None]
            doc.spans[self.spans_key] = spans + [r for r in roles if r is not None] + dates
            doc.ents = filter_spans(spans + dates)
        doc._.kg_entities = [entity_to_data(e) for e in entities_for_output(analysis)]
        return doc


@Language.factory("kgraph_entity_recognizer", default_config={"spans_key": "kg_mentions", "set_ents": True},
                  assigns=["doc.ents", "doc.spans", "doc._.kg_entities"], requires=["token.is_sent_start"])
def make_entity_recognizer(nlp: Language, name: str, spans_key: str, set_ents: bool) -> EntityRecognizer:
    return EntityRecognizer(spans_key, set_ents)


class RelationExtractor:
    """Positions, heads, founders, units, initiatives' proposers, events, statements and figures."""

    def __call__(self, doc: Doc) -> Doc:
        analysis = doc.user_data.pop(_ANALYSIS_KEY, None)
        if analysis is None or analysis.text != doc.text:
            analysis = new_analysis(doc)
            analyse_entities(analysis)
        analyse_relations(analysis)
        doc._.kg_entities = [entity_to_data(e) for e in entities_for_output(analysis)]
        doc._.kg_facts = [fact_to_data(f) for f in facts_for_output(analysis)]
        return doc


@Language.factory("kgraph_relation_extractor", assigns=["doc._.kg_facts", "doc._.kg_entities"],
                  requires=["doc._.kg_entities"])
def make_relation_extractor(nlp: Language, name: str) -> RelationExtractor:
    return RelationExtractor()


__all__ = ["KGraphSentencizer", "EntityRecognizer", "RelationExtractor", "Span", "sentence_spans",
           "entity_from_data", "fact_from_data"]
