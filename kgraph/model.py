"""The records that flow through kgraph: documents in, entities and facts out.

Data flows one way: a loader yields :class:`Document`; the NLP pipeline turns each into an
:class:`Extraction` (entities and facts with evidence); :mod:`kgraph.graph` merges extractions into a
``networkx.MultiDiGraph``; exporters read that graph.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any


class Kind:
    """Entity kinds: the ``kind`` attribute of graph nodes."""

    PERSON = "person"
    ORGANIZATION = "organization"
    BRAND = "brand"
    PLACE = "place"
    EVENT = "event"
    INITIATIVE = "initiative"
    ROLE = "role"            # a job title, e.g. 高级副总裁 (org:Role)
    FIGURE = "figure"        # an amount, percentage or count
    STATEMENT = "statement"  # what somebody said
    WORK = "work"            # a report, book or regulation named in 《》
    DOCUMENT = "document"

    ALL = (PERSON, ORGANIZATION, BRAND, PLACE, EVENT, INITIATIVE, ROLE, FIGURE, STATEMENT, WORK, DOCUMENT)


class OrgType:
    """Organisation subtypes (node attribute ``subtype``)."""

    COMPANY = "company"
    GOVERNMENT = "government"
    MEDIA = "media"
    EDUCATION = "education"


class Rel:
    """Relation names: the ``relation`` attribute (and key prefix) of graph edges."""

    MEMBER_OF = "member_of"              # person -> organization, with title; org:Membership
    JOB_TITLE = "job_title"              # person -> role, a title stated without an organisation
    HEAD_OF = "head_of"                  # person -> organization
    FOUNDED = "founded"                  # person -> organization/brand
    SUB_ORGANIZATION_OF = "sub_organization_of"  # organization -> organization
    PROPOSED_BY = "proposed_by"          # initiative -> organization/person
    ORGANIZER = "organizer"              # event -> organization/person
    LOCATION = "location"                # event -> place
    SPEAKER = "speaker"                  # statement -> person
    MEASURES = "measures"                # figure -> what it measures (any entity)
    MENTIONS = "mentions"                # document -> entity

    ALL = (MEMBER_OF, JOB_TITLE, HEAD_OF, FOUNDED, SUB_ORGANIZATION_OF, PROPOSED_BY, ORGANIZER,
           LOCATION, SPEAKER, MEASURES, MENTIONS)


@dataclass(frozen=True)
class Document:
    """One input article, its text already reduced to clean text.

    ``id`` is the input's own identifier (a JSONL record's ``id``, else the file's path relative to a base
    folder, see :func:`kgraph.document_ids.document_id`); every character offset kgraph reports refers to ``text``.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None        # ISO 8601 date or date-time, as stated by the source
    publisher: str | None = None
    source: str | None = None      # where it was read from (path, "<stdin>", "corpus.jsonl:17")
    meta: tuple[tuple[str, Any], ...] = ()  # further front-matter fields (categories, tags ...)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def meta_dict(self) -> dict[str, Any]:
        return dict(self.meta)


EntityRef = tuple[str, str]
"""An entity within one extraction: ``(kind, canonical name)``."""


@dataclass
class Evidence:
    """Where a fact or mention is stated: document, sentence, offsets into the clean text."""

    doc_id: str
    sentence: str
    start: int
    end: int
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {"doc": self.doc_id, "sentence": self.sentence, "start": self.start,
                "end": self.end, "confidence": round(self.confidence, 3)}


@dataclass
class Entity:
    kind: str
    name: str
    subtype: str | None = None
    aliases: set[str] = field(default_factory=set)
    mentions: list[tuple[int, int]] = field(default_factory=list)  # (start, end) in the document
    props: dict[str, Any] = field(default_factory=dict)
    confidence: float = 0.5

    @property
    def ref(self) -> EntityRef:
        # statements and figures are told apart by where they stand, not by their text
        return (self.kind, self.props.get("key") or self.name)


@dataclass
class Fact:
    relation: str
    subject: EntityRef
    object: EntityRef
    evidence: Evidence
    props: dict[str, Any] = field(default_factory=dict)  # e.g. {"title": "总裁", "former": False}


@dataclass
class Extraction:
    """What the pipeline found in one document."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    def entity(self, ref: EntityRef) -> Entity | None:
        for e in self.entities:
            if e.ref == ref:
                return e
        return None

    def to_dict(self) -> dict[str, Any]:
        """The extraction as ``kgraph extract`` prints it: entities with their properties inline (the internal
        ``key`` left out), facts with their evidence inline, subject and object by name."""
        return {
            "document": self.document.id,
            "entities": [{"kind": e.kind, "name": e.name, "subtype": e.subtype, "aliases": sorted(e.aliases),
                          "mentions": e.mentions, "confidence": e.confidence,
                          **{k: v for k, v in e.props.items() if k != "key"}} for e in self.entities],
            "facts": [{"relation": f.relation, "subject": f.subject[1], "object": f.object[1], **f.props,
                       "confidence": f.evidence.confidence, "sentence": f.evidence.sentence,
                       "start": f.evidence.start, "end": f.evidence.end} for f in self.facts],
        }


class LoadError(Exception):
    """A document that cannot be read; the message names the file and the problem."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


# -- plain data: extractions cross process boundaries (spaCy's n_process, Dask) and sit in caches as JSON ----
def entity_to_data(e: Entity) -> dict[str, Any]:
    return {"kind": e.kind, "name": e.name, "subtype": e.subtype, "aliases": sorted(e.aliases),
            "mentions": [list(m) for m in e.mentions], "props": dict(e.props), "confidence": e.confidence}


def entity_from_data(d: dict[str, Any]) -> Entity:
    return Entity(d["kind"], d["name"], d.get("subtype"), set(d.get("aliases", ())),
                  [tuple(m) for m in d.get("mentions", ())], dict(d.get("props", {})), d.get("confidence", 0.5))


def fact_to_data(f: Fact) -> dict[str, Any]:
    return {"relation": f.relation, "subject": list(f.subject), "object": list(f.object),
            "evidence": dataclasses.asdict(f.evidence), "props": dict(f.props)}


def fact_from_data(d: dict[str, Any]) -> Fact:
    return Fact(d["relation"], tuple(d["subject"]), tuple(d["object"]), Evidence(**d["evidence"]),
                dict(d.get("props", {})))
