"""The knowledge graph as RDF, in the shape docs/rdf-contract.md fixes (schema.org, W3C ORG, PROV-O).

Layout of the :class:`rdflib.Dataset` that :func:`to_dataset` returns:

* one named graph per source document, IRI ``<document IRI>#graph`` (see :func:`graph_iri`), holding
  everything that document states: the ``schema:NewsArticle`` node, the type/name triples of every entity
  it mentions (and of its publisher), and its facts. An entity mentioned by several documents is described
  in each of their graphs; the union of the graphs is the whole knowledge graph.
* provenance on every fact, evidence taken from the fact's own document (the best evidence of that
  document when there are several: highest confidence, then earliest):

  - a fact that is a node (``org:Membership``, ``kg:Statement``, ``kg:Figure``, ``schema:Event``) carries
    ``prov:wasDerivedFrom``, ``kg:sentence``, ``kg:startOffset``, ``kg:endOffset`` and ``kg:confidence``
    itself;
  - a plain triple (``org:headOf``, ``schema:founder``, ``org:subOrganizationOf``, ``kg:proposedBy``,
    ``schema:organizer``, ``schema:location``, a ``schema:jobTitle`` stated without an organisation) is
    described by an ``rdf:Statement`` node with ``rdf:subject/predicate/object`` and the same properties.

* no blank nodes: every node has an IRI from :mod:`kgraph.iri`, so the same input serialises to the same
  bytes.

Human-language text (names, headlines, sentences, titles) is tagged ``@zh``, Latin-only names included.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Iterable

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .iri import KG_NS, PREFIXES, document_iri, fact_iri
from .iri import entity_iri as _entity_iri
from .model import Kind, OrgType, Rel

if TYPE_CHECKING:
    import networkx as nx

    from .graph import KnowledgeGraph
    from .model import Extraction

KG = Namespace(KG_NS)
SCHEMA = Namespace(PREFIXES["schema"])
ORG = Namespace(PREFIXES["org"])
PROV = Namespace(PREFIXES["prov"])
DCTERMS = Namespace(PREFIXES["dcterms"])

LANG = "zh"
GRAPH_SUFFIX = "#graph"
GENERIC_ROLE = "成员"
"""The role of a membership stated without a title: org:Membership requires an org:role."""

_ORG_SUBTYPE_CLASS = {
    OrgType.COMPANY: SCHEMA.Corporation,
    OrgType.GOVERNMENT: SCHEMA.GovernmentOrganization,
    OrgType.MEDIA: SCHEMA.NewsMediaOrganization,
    OrgType.EDUCATION: SCHEMA.EducationalOrganization,
}
_KIND_CLASSES = {
    Kind.PERSON: (SCHEMA.Person,),
    Kind.ORGANIZATION: (SCHEMA.Organization, ORG.Organization),
    Kind.BRAND: (SCHEMA.Brand,),
    Kind.PLACE: (SCHEMA.Place,),
    Kind.EVENT: (SCHEMA.Event,),
    Kind.INITIATIVE: (KG.Initiative,),
    Kind.ROLE: (ORG.Role,),
    Kind.FIGURE: (KG.Figure,),
    Kind.STATEMENT: (KG.Statement,),
    Kind.WORK: (SCHEMA.CreativeWork,),
}
# Kinds whose name is a schema:name (role, figure and statement carry rdfs:label only).
_NAMED_KINDS = {Kind.PERSON, Kind.ORGANIZATION, Kind.BRAND, Kind.PLACE, Kind.EVENT, Kind.INITIATIVE, Kind.WORK}
# Entities that are facts themselves: they carry their evidence directly, taken from these outgoing edges.
_NODE_FACT_RELATIONS = {
    Kind.STATEMENT: {Rel.SPEAKER},
    Kind.FIGURE: {Rel.MEASURES},
    Kind.EVENT: {Rel.ORGANIZER, Rel.LOCATION},
}
# Relations that become one plain triple: predicate, and whether subject and object swap.
_TRIPLE_RELATIONS = {
    Rel.HEAD_OF: (ORG.headOf, False),
    Rel.FOUNDED: (SCHEMA.founder, True),  # X founded O  ->  <O> schema:founder <X>
    Rel.SUB_ORGANIZATION_OF: (ORG.subOrganizationOf, False),
    Rel.PROPOSED_BY: (KG.proposedBy, False),
    Rel.ORGANIZER: (SCHEMA.organizer, False),
    Rel.LOCATION: (SCHEMA.location, False),
    Rel.SPEAKER: (KG.speaker, False),
    Rel.MEASURES: (KG.measures, False),
}
# Of those, the ones whose subject node already carries the evidence: no rdf:Statement for them.
_UNREIFIED = {Rel.SPEAKER, Rel.MEASURES}

_Triples = set  # the triples of one graph, as rdflib (subject, predicate, object) tuples

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")
_YEAR_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_YEAR = re.compile(r"\d{4}")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`]')


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the contract's prefixes (and ``kg``) on ``graph``; returns ``graph``."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, URIRef(namespace), override=True, replace=True)
    return graph


def graph_iri(doc_id: str) -> URIRef:
    """The named graph of one document: the document's IRI with the fragment ``#graph``."""
    return URIRef(document_iri(doc_id) + GRAPH_SUFFIX)


def entity_iri(kind: str, key: str) -> URIRef:
    return URIRef(_entity_iri(kind, key))


def zh_literal(value: Any) -> Literal:
    """Human-language text: a ``@zh`` literal."""
    return Literal(str(value), lang=LANG)


def decimal_literal(value: float | int | str) -> Literal:
    """An ``xsd:decimal`` in its canonical form (XSD 1.1, as Oxigraph writes it back): plain notation (never
    ``1E+20``, which is no valid decimal lexical form), no trailing zeros, no point for a whole number."""
    number = Decimal(str(value))
    text = format(number.normalize(), "f") if number else "0"
    return Literal(text, datatype=XSD.decimal)


def date_literal(value: Any, *, date_only: bool = False) -> Literal | None:
    """An ISO 8601 date or date-time as a typed literal; ``None`` when ``value`` is not one.

    ``YYYY-MM-DD`` -> xsd:date, a date-time -> xsd:dateTime (or, with ``date_only``, the xsd:date of its day),
    ``YYYY-MM`` -> xsd:gYearMonth, ``YYYY`` -> xsd:gYear.
    """
    s = str(value).strip()
    if _DATETIME.fullmatch(s):
        try:
            _dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            return None
        return Literal(s[:10], datatype=XSD.date) if date_only else Literal(s, datatype=XSD.dateTime)
    if _DATE.fullmatch(s):
        try:
            _dt.date.fromisoformat(s)
        except ValueError:
            return None
        return Literal(s, datatype=XSD.date)
    if _YEAR_MONTH.fullmatch(s):
        return Literal(s, datatype=XSD.gYearMonth)
    if _YEAR.fullmatch(s):
        return Literal(s, datatype=XSD.gYear)
    return None


def _number_literal(value: Any) -> Literal:
    if isinstance(value, bool):
        return Literal(str(value))
    if isinstance(value, int):
        return Literal(value)
    try:
        return decimal_literal(value)
    except (InvalidOperation, ValueError):
        return Literal(str(value))


def _url_node(url: str) -> URIRef | Literal:
    """A document URL as an IRI; characters an IRI cannot hold are percent-encoded."""
    cleaned = _IRI_FORBIDDEN.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url.strip())
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", cleaned):
        return URIRef(cleaned)
    return Literal(url)


def _best(evidence: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Highest confidence first, then the earliest sentence."""
    return min(evidence, key=lambda e: (-float(e.get("confidence", 0.0)), int(e.get("start", 0)),
                                        int(e.get("end", 0)), str(e.get("sentence", ""))))


def _add_provenance(graph: _Triples, node: URIRef, doc: URIRef, evidence: dict[str, Any] | None,
                    fallback_confidence: float | None = None) -> None:
    graph.add((node, PROV.wasDerivedFrom, doc))
    if evidence is None:
        if fallback_confidence is not None:
            graph.add((node, KG.confidence, decimal_literal(fallback_confidence)))
        return
    if evidence.get("sentence"):
        graph.add((node, KG.sentence, zh_literal(evidence["sentence"])))
    if evidence.get("start") is not None:
        graph.add((node, KG.startOffset, Literal(int(evidence["start"]))))
    if evidence.get("end") is not None:
        graph.add((node, KG.endOffset, Literal(int(evidence["end"]))))
    if evidence.get("confidence") is not None:
        graph.add((node, KG.confidence, decimal_literal(evidence["confidence"])))


class _DatasetBuilder:
    """Collects the triples of one networkx graph, graph by graph (a set of rdflib triples per graph IRI, None
    for the default graph); split into methods only for readability. The triples are gathered in plain sets:
    rdflib's in-memory store indexes every triple it is given, which costs most of the time when the
    triples are bound for a file or for Oxigraph."""

    def __init__(self, kg: "KnowledgeGraph | nx.MultiDiGraph"):
        self.nx = kg.to_networkx() if hasattr(kg, "to_networkx") else kg
        # identifier -> document node IRI, for documents the graph knows
        self.documents: dict[str, str] = {
            str(data.get("identifier")): iri for iri, data in self.nx.nodes(data=True)
            if data.get("kind") == Kind.DOCUMENT}
        self.graphs: dict[str | None, _Triples] = {}
        # (node IRI, doc id) -> best evidence of the node-fact edges of that node in that document
        self.node_evidence: dict[tuple[str, str], dict[str, Any]] = {}

    # -- graphs and documents ------------------------------------------------------------------
    def graph_for(self, doc_id: str | None) -> _Triples:
        key = None if doc_id is None else str(graph_iri(doc_id))
        if key not in self.graphs:
            self.graphs[key] = set()
        return self.graphs[key]

    def doc_node(self, doc_id: str) -> URIRef:
        return URIRef(self.documents.get(doc_id) or document_iri(doc_id))

    def add_document(self, doc_id: str) -> None:
        graph = self.graph_for(doc_id)
        node = self.doc_node(doc_id)
        data = self.nx.nodes[str(node)] if str(node) in self.nx else {}
        graph.add((node, RDF.type, SCHEMA.NewsArticle))
        graph.add((node, SCHEMA.identifier, Literal(doc_id)))
        if data.get("headline"):
            graph.add((node, SCHEMA.headline, zh_literal(data["headline"])))
        if data.get("date"):
            published = date_literal(data["date"])
            graph.add((node, SCHEMA.datePublished, published if published is not None else Literal(str(data["date"]))))
        if data.get("publisher"):
            graph.add((node, SCHEMA.publisher, URIRef(data["publisher"])))
        if data.get("url"):
            graph.add((node, SCHEMA.url, _url_node(str(data["url"]))))
        for entity in sorted(set(data.get("entities", []))):
            graph.add((node, SCHEMA.mentions, URIRef(entity)))

    # -- entities -------------------------------------------------------------------------------
    def add_entity(self, iri: str, data: dict[str, Any], doc_id: str | None) -> None:
        graph = self.graph_for(doc_id)
        node = URIRef(iri)
        kind = data.get("kind")
        label = data.get("label")
        for cls in _KIND_CLASSES.get(kind, ()):
            graph.add((node, RDF.type, cls))
        if kind == Kind.ORGANIZATION and data.get("subtype") in _ORG_SUBTYPE_CLASS:
            graph.add((node, RDF.type, _ORG_SUBTYPE_CLASS[data["subtype"]]))
        if label:
            graph.add((node, RDFS.label, zh_literal(label)))
            if kind in _NAMED_KINDS:
                graph.add((node, SCHEMA.name, zh_literal(label)))
        if kind in _NAMED_KINDS:
            for alias in data.get("aliases", []):
                graph.add((node, SCHEMA.alternateName, zh_literal(alias)))
        if data.get("mentions"):
            graph.add((node, KG.mentionCount, Literal(len(data["mentions"]))))
        if data.get("merge_key"):  # why the mentions of several documents are this one node (kgraph.resolve)
            graph.add((node, KG.mergeKey, Literal(str(data["merge_key"]))))
            if data.get("merge_reason"):
                graph.add((node, KG.mergeReason, Literal(str(data["merge_reason"]))))

        if kind == Kind.EVENT:
            start = date_literal(data["start_date"], date_only=True) if data.get("start_date") else None
            if start is not None:  # an unparseable date stays out: schema:startDate must be a typed date
                graph.add((node, SCHEMA.startDate, start))
            if data.get("theme"):
                graph.add((node, KG.theme, zh_literal(data["theme"])))
        elif kind == Kind.FIGURE:
            if data.get("value") is not None:
                graph.add((node, SCHEMA.value, _number_literal(data["value"])))
            if data.get("unit"):
                graph.add((node, SCHEMA.unitText, zh_literal(data["unit"])))
            if data.get("measure"):
                graph.add((node, KG.measure, zh_literal(data["measure"])))
        elif kind == Kind.STATEMENT:
            graph.add((node, SCHEMA.text, zh_literal(data.get("text") or label or "")))
            if data.get("verb"):
                graph.add((node, KG.speechVerb, zh_literal(data["verb"])))

        confidence = data.get("confidence")
        if kind in _NODE_FACT_RELATIONS and doc_id is not None:
            # A node fact: its evidence (or, lacking any, its own confidence) describes it.
            _add_provenance(graph, node, self.doc_node(doc_id), self.node_evidence.get((iri, doc_id)),
                            fallback_confidence=confidence)
        elif confidence is not None:
            graph.add((node, KG.confidence, decimal_literal(confidence)))

    # -- facts ----------------------------------------------------------------------------------
    def add_role(self, graph: _Triples, title: str) -> URIRef:
        role = entity_iri(Kind.ROLE, title)
        graph.add((role, RDF.type, ORG.Role))
        graph.add((role, RDFS.label, zh_literal(title)))
        return role

    def add_membership(self, graph: _Triples, doc_id: str, u: str, v: str, key: str, data: dict[str, Any],
                       evidence: dict[str, Any]) -> None:
        person, organization = URIRef(u), URIRef(v)
        title = str(data.get("title") or GENERIC_ROLE)
        membership = URIRef(fact_iri("membership", u, v, key, doc_id))
        graph.add((membership, RDF.type, ORG.Membership))
        graph.add((membership, ORG.member, person))
        graph.add((membership, ORG.organization, organization))
        graph.add((membership, ORG.role, self.add_role(graph, title)))
        if data.get("former"):
            graph.add((membership, KG.former, Literal(True)))
        else:  # the schema.org shortcut states a current position only
            if data.get("title"):
                graph.add((person, SCHEMA.jobTitle, zh_literal(title)))
            graph.add((person, SCHEMA.worksFor, organization))
        _add_provenance(graph, membership, self.doc_node(doc_id), evidence)

    def add_reified(self, graph: _Triples, doc_id: str, relation: str, key: str, triple: tuple,
                    evidence: dict[str, Any]) -> None:
        graph.add(triple)
        subject, predicate, obj = triple
        statement = URIRef(fact_iri(relation, str(subject), str(obj), key, doc_id))
        graph.add((statement, RDF.type, RDF.Statement))
        graph.add((statement, RDF.subject, subject))
        graph.add((statement, RDF.predicate, predicate))
        graph.add((statement, RDF.object, obj))
        _add_provenance(graph, statement, self.doc_node(doc_id), evidence)

    def add_edge(self, u: str, v: str, key: str, data: dict[str, Any], doc_id: str | None,
                 evidence: dict[str, Any] | None) -> None:
        relation = data.get("relation")
        graph = self.graph_for(doc_id)
        if relation == Rel.MEMBER_OF:
            if doc_id is None:  # no evidence at all: state the membership, unsourced
                graph.add((URIRef(u), ORG.memberOf, URIRef(v)))
            else:
                self.add_membership(graph, doc_id, u, v, key, data, evidence or {})
            return
        if relation == Rel.JOB_TITLE:
            title = data.get("title") or self.nx.nodes[v].get("label")
            if not title:
                return
            self.add_role(graph, str(title))
            triple = (URIRef(u), SCHEMA.jobTitle, zh_literal(title))
        elif relation == Rel.MENTIONS:
            graph.add((URIRef(u), SCHEMA.mentions, URIRef(v)))
            return
        elif relation in _TRIPLE_RELATIONS:
            predicate, reverse = _TRIPLE_RELATIONS[relation]
            triple = (URIRef(v), predicate, URIRef(u)) if reverse else (URIRef(u), predicate, URIRef(v))
        else:
            return  # relations outside Rel.ALL have no RDF mapping
        if doc_id is None or relation in _UNREIFIED:
            graph.add(triple)
        else:
            self.add_reified(graph, doc_id, relation, key, triple, evidence or {})

    # -- driver ---------------------------------------------------------------------------------
    def build(self) -> dict[str | None, _Triples]:
        nx = self.nx
        # Facts per document, in a fixed order so that the same graph always gives the same triples.
        edge_plan: list[tuple[str, str, str, dict[str, Any], str | None, dict[str, Any] | None]] = []
        doc_ids: set[str] = set(self.documents)
        for u, v, key, data in sorted(nx.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
            by_doc: dict[str, list[dict[str, Any]]] = {}
            for ev in data.get("evidence", []):
                by_doc.setdefault(str(ev.get("doc")), []).append(ev)
            if not by_doc:
                edge_plan.append((u, v, str(key), data, None, None))
            for doc_id in sorted(by_doc):
                best = _best(by_doc[doc_id])
                doc_ids.add(doc_id)
                edge_plan.append((u, v, str(key), data, doc_id, best))
                kind = nx.nodes[u].get("kind")
                if data.get("relation") in _NODE_FACT_RELATIONS.get(kind, ()):
                    known = self.node_evidence.get((u, doc_id))
                    self.node_evidence[(u, doc_id)] = best if known is None else _best([known, best])

        entity_docs: dict[str, list[str | None]] = {}
        for iri, data in nx.nodes(data=True):
            if data.get("kind") == Kind.DOCUMENT:
                continue
            docs = sorted({str(d) for d in data.get("docs", [])})
            doc_ids.update(docs)
            entity_docs[iri] = list(docs) or [None]
        for doc_iri in self.documents.values():  # the entities a document lists, even if not in their docs
            doc_id = str(nx.nodes[doc_iri].get("identifier"))
            for entity in nx.nodes[doc_iri].get("entities", []):
                if entity in entity_docs and doc_id not in entity_docs[entity]:
                    entity_docs[entity] = sorted([d for d in entity_docs[entity] if d is not None] + [doc_id])

        for doc_id in sorted(doc_ids):
            self.add_document(doc_id)
        for iri in sorted(entity_docs):
            for doc_id in entity_docs[iri]:
                self.add_entity(iri, nx.nodes[iri], doc_id)
        for u, v, key, data, doc_id, best in edge_plan:
            self.add_edge(u, v, key, data, doc_id, best)
        return self.graphs


def to_dataset(kg: "KnowledgeGraph") -> Dataset:
    """The graph as an :class:`rdflib.Dataset`: one named graph per document (see the module docstring).

    The dataset answers SPARQL over the union of its graphs (``default_union``).
    """
    dataset = bind_prefixes(Dataset())
    # rdflib >= 7.1 names it default_graph; 7.0 only has default_context
    default = getattr(dataset, "default_graph", None)
    default = default if default is not None else dataset.default_context
    for key, triples in _DatasetBuilder(kg).build().items():
        graph = default if key is None else dataset.graph(URIRef(key))
        graph.addN((s, p, o, graph) for s, p, o in triples)
    dataset.default_union = True
    return dataset


def to_ntriples(kg: "KnowledgeGraph | nx.MultiDiGraph") -> dict[str | None, list[str]]:
    """The graphs of :func:`to_dataset` as graph IRI (None: the default graph) -> their triples as sorted,
    distinct N-Triples lines in the form Oxigraph stores them (:func:`canonical_lines`): what a build
    directory's store holds and what the RDF exporters write. Made without an rdflib Dataset."""
    import pyoxigraph as ox

    terms: dict[Any, Any] = {}  # predicates, classes and entities recur: convert each term once

    def convert(term: Any) -> Any:
        if term not in terms:
            terms[term] = ox_term(term)
        return terms[term]

    return {key: canonical_lines(f"{ox.Triple(convert(s), convert(p), convert(o))} ." for s, p, o in triples)
            for key, triples in _DatasetBuilder(kg).build().items() if triples}


# -- as N-Triples lines: what the store holds and the exporters write ---------------------------------
def ox_term(term: Any) -> Any:
    """An rdflib term as a pyoxigraph term."""
    import pyoxigraph as ox
    from rdflib import BNode

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def canonical_lines(lines: Iterable[str]) -> list[str]:
    """N-Triples lines as Oxigraph stores them, sorted: it keeps typed literals by value and writes them back in
    canonical form ("782000000000.0"^^xsd:decimal comes back as "782000000000"), so lines made anywhere else
    would not be the lines a store gives back. Going through an in-memory store costs about 1 ms a document."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load("".join(line + "\n" for line in lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.DefaultGraph())
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8")
    return sorted(set(ntriples_lines(data)))


def ntriples_lines(data: bytes | str) -> list[str]:
    """The lines of N-Triples (or N-Quads) text, cut at "\\n" only: ``str.splitlines`` would also cut at U+2028,
    U+2029, U+0085 and other separators, which N-Triples keeps raw inside literals (article text holds them)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return [line for line in text.split("\n") if line]


def subject_of(line: str) -> str:
    """The subject of an N-Triples line, as written (``<iri>`` or ``_:b``): neither holds a space."""
    return line[: line.index(" ")]


def union_by_subject(graphs: Iterable[Iterable[str]]) -> list[tuple[str, list[str]]]:
    """The union of several graphs' N-Triples lines, each triple once: ``(subject, its sorted lines)`` in subject
    order."""
    by_subject: dict[str, set[str]] = {}
    for lines in graphs:
        for line in lines:
            by_subject.setdefault(subject_of(line), set()).add(line)
    return [(subject, sorted(lines)) for subject, lines in sorted(by_subject.items())]


def document_triples(extraction: Extraction, graph: nx.MultiDiGraph) -> tuple[str, list[str]]:
    """The named graph of one document: its IRI and its triples as sorted, distinct N-Triples lines.

    The triples are those :func:`to_dataset` gives for a graph of this one document; ``graph`` is its
    :func:`kgraph.graph.document_graph`.
    """
    iri = str(graph_iri(extraction.document.id))
    return iri, to_ntriples(graph).get(iri, [])


__all__ = ["KG", "SCHEMA", "ORG", "PROV", "DCTERMS", "PREFIXES", "LANG", "bind_prefixes", "graph_iri",
           "document_triples", "canonical_lines", "ntriples_lines", "ox_term", "subject_of", "to_ntriples", "union_by_subject",
           "to_dataset", "date_literal", "decimal_literal"]
