"""The in-memory knowledge graph: a ``networkx.MultiDiGraph`` keyed by stable IRIs.

Nodes (key: IRI) carry ``kind`` (see :class:`kgraph.model.Kind`), ``label``, ``aliases`` (sorted list),
``docs`` (sorted ids of the documents that mention it), ``mentions`` (``[doc, start, end]`` lists),
``confidence``; people and organisations also ``merge_key`` and ``merge_reason`` (why mentions of several
documents are one node, see :mod:`kgraph.resolve`); and, where it applies, ``subtype`` and kind-specific attributes (``start_date``, ``theme``
for events; ``value``, ``unit``, ``measure`` for figures; ``text``, ``verb`` for statements;
``identifier``, ``headline``, ``date``, ``url``, ``publisher``, ``content_hash`` for documents).

Edges run subject -> object, keyed by ``relation`` (plus ``|title`` for memberships and titles) and
carry ``relation``, ``confidence`` (the best of their evidence), ``evidence`` (a list of
``{doc, sentence, start, end, confidence}`` dicts, one per stating sentence) and, for memberships,
``title`` and ``former``.
"""
from __future__ import annotations

from typing import Any, Iterable

import networkx as nx

from .iri import document_iri
from .model import Document, Entity, EntityRef, Extraction, Fact, Kind, OrgType, Rel
from .resolve import Resolution, preferred_label, resolve, resolve_entity

_EDGE_ATTRS_IN_KEY = ("title",)


def node_iri(entity: Entity) -> str:
    """The IRI of an entity seen without its document (a person is then keyed by name alone)."""
    return resolve_entity(entity).iri


def edge_key(relation: str, props: dict[str, Any]) -> str:
    parts = [relation] + [str(props[a]) for a in _EDGE_ATTRS_IN_KEY if props.get(a)]
    return "|".join(parts)


def document_graph(extraction: Extraction) -> nx.MultiDiGraph:
    """One document's entities and facts as a graph: the document's node, one node per entity (the mentions
    of one entity in the document merged already) and one edge per fact, keyed as in any KnowledgeGraph.

    Merging document graphs (:meth:`KnowledgeGraph.merge`) in document order gives the graph of those
    documents, so a build directory can keep each document's graph and recompute only what a change touches.
    """
    builder = _DocumentGraphBuilder()
    builder.add(extraction)
    return builder.graph


# Node attributes merge_node_attrs combines; any other attribute is kept from the first description.
_MERGED_NODE_ATTRS = frozenset({"label", "aliases", "docs", "mentions", "confidence", "subtype"})


def merge_node_attrs(node: dict[str, Any], other: dict[str, Any]) -> None:
    """Merge what ``other`` says of a node into ``node``, in place: the preferred label (every other name an
    alias), documents and mentions joined, the best confidence; a subtype and every other attribute are
    kept from the first description that has them."""
    names = {node["label"], other["label"], *node.get("aliases", ()), *other.get("aliases", ())}
    node["label"] = preferred_label(node["label"], other["label"])
    node["aliases"] = sorted(names - {node["label"]})
    node["docs"] = sorted(set(node.get("docs", ())) | set(other.get("docs", ())))
    node["mentions"] = node.get("mentions", []) + list(other.get("mentions", ()))
    node["confidence"] = max(node.get("confidence", 0.0), other.get("confidence", 0.0))
    if other.get("subtype") and not node.get("subtype"):
        node["subtype"] = other["subtype"]
    for name, value in other.items():
        if name not in node and name not in _MERGED_NODE_ATTRS:
            node[name] = value


def merged_element(attrs: dict[str, Any], other: dict[str, Any], *, edge: bool) -> dict[str, Any]:
    """What a node's or an edge's ``attrs`` become when ``other`` describes it too (in place where they
    merge): a document's node is replaced by its new description, other nodes and edges merge."""
    if edge:
        merge_edge_attrs(attrs, other)
    elif attrs.get("kind") == Kind.DOCUMENT:
        return other
    else:
        merge_node_attrs(attrs, other)
    return attrs


def merge_edge_attrs(edge: dict[str, Any], other: dict[str, Any]) -> None:
    """Merge what ``other`` says of an edge into ``edge``, in place: evidence joined (each once), the best
    confidence; every other attribute is kept from the first description."""
    for evidence in other.get("evidence", ()):
        if evidence not in edge["evidence"]:
            edge["evidence"].append(evidence)
    edge["confidence"] = max(edge["confidence"], other["confidence"])


class _DocumentGraphBuilder:
    """Makes :func:`document_graph`: the entities of one extraction resolved and merged by IRI, its facts as
    edges between them."""

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph()

    def add(self, extraction: Extraction) -> None:
        doc = extraction.document
        doc_node = self._add_document(doc)
        resolutions = resolve(extraction)
        iris: dict[EntityRef, str] = {}
        for entity in extraction.entities:
            resolution = resolutions[entity.ref]
            iris[entity.ref] = resolution.iri
            self._merge_node(resolution, entity, doc.id)
        for fact in extraction.facts:
            if fact.subject not in iris or fact.object not in iris:
                continue  # a fact about an entity the resolver dropped
            if iris[fact.subject] == iris[fact.object]:
                continue  # two forms of one name (星河科技有限公司 / 星河科技) merged into one node
            self._merge_edge(iris[fact.subject], iris[fact.object], fact)
        self.graph.nodes[doc_node]["entities"] = sorted(set(iris.values()))

    def _add_document(self, doc: Document) -> str:
        iri = document_iri(doc.id)
        attrs: dict[str, Any] = {"kind": Kind.DOCUMENT, "label": doc.title or doc.id, "identifier": doc.id,
                                 "content_hash": doc.content_hash, "docs": [doc.id]}
        for name in ("url", "date", "source"):
            if getattr(doc, name):
                attrs[name] = getattr(doc, name)
        if doc.title:
            attrs["headline"] = doc.title
        if doc.publisher:
            publisher = Entity(Kind.ORGANIZATION, doc.publisher, subtype=OrgType.MEDIA, confidence=1.0)
            resolution = resolve_entity(publisher)
            self._merge_node(resolution, publisher, doc.id)
            attrs["publisher"] = resolution.iri
        self.graph.add_node(iri, **attrs)
        return iri

    def _merge_node(self, resolution: Resolution, entity: Entity, doc_id: str) -> None:
        names = {entity.name, resolution.label} | entity.aliases
        attrs: dict[str, Any] = {"kind": entity.kind, "label": resolution.label,
                                 "aliases": sorted(names - {resolution.label}), "docs": [doc_id],
                                 "mentions": [[doc_id, s, e] for s, e in entity.mentions],
                                 "confidence": round(entity.confidence, 3)}
        if resolution.merge_key is not None:
            attrs["merge_key"] = resolution.merge_key
            attrs["merge_reason"] = resolution.merge_reason
        if entity.subtype:
            attrs["subtype"] = entity.subtype
        attrs.update({k: v for k, v in entity.props.items() if k != "key" and v is not None})
        if resolution.iri in self.graph:
            merge_node_attrs(self.graph.nodes[resolution.iri], attrs)
        else:
            self.graph.add_node(resolution.iri, **attrs)

    def _merge_edge(self, u: str, v: str, fact: Fact) -> None:
        key = edge_key(fact.relation, fact.props)
        evidence = fact.evidence.as_dict()
        attrs = {"relation": fact.relation, "confidence": evidence["confidence"], "evidence": [evidence]}
        attrs.update({k: v for k, v in fact.props.items() if v is not None})
        if self.graph.has_edge(u, v, key):
            merge_edge_attrs(self.graph.edges[u, v, key], attrs)
        else:
            self.graph.add_edge(u, v, key=key, **attrs)


class KnowledgeGraph:
    """Entities and facts of any number of documents, merged by IRI."""

    def __init__(self, graph: nx.MultiDiGraph | None = None):
        self.graph = graph if graph is not None else nx.MultiDiGraph()
        self.report = None  # a pipeline.BuildReport when the graph came from kgraph.build

    # -- building -------------------------------------------------------------------------------
    def add(self, extraction: Extraction) -> None:
        """Merge one document's entities and facts into the graph: :meth:`merge` of its :func:`document_graph`."""
        self.merge(document_graph(extraction))

    def update(self, extractions: Iterable[Extraction]) -> "KnowledgeGraph":
        for extraction in extractions:
            self.add(extraction)
        return self

    def merge(self, other: nx.MultiDiGraph) -> None:
        """Merge ``other`` (one document's graph, or any graph of the same shape) into this graph, node by node
        with :func:`merge_node_attrs` and edge by edge with :func:`merge_edge_attrs`. The attribute dicts of
        ``other`` are taken over, not copied: do not use ``other`` afterwards."""
        g = self.graph
        for iri, attrs in other.nodes(data=True):
            if iri in g:
                node = g.nodes[iri]
                merged = merged_element(node, attrs, edge=False)
                if merged is not node:  # a document added again: its new description stands
                    node.clear()
                    node.update(merged)
            else:
                g.add_node(iri, **attrs)
        for u, v, key, attrs in other.edges(keys=True, data=True):
            if g.has_edge(u, v, key):
                merged_element(g.edges[u, v, key], attrs, edge=True)
            else:
                g.add_edge(u, v, key=key, **attrs)

    # -- reading --------------------------------------------------------------------------------
    def to_networkx(self) -> nx.MultiDiGraph:
        return self.graph

    def nodes(self, kind: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        return [(n, d) for n, d in self.graph.nodes(data=True) if kind is None or d.get("kind") == kind]

    def labels(self, kind: str) -> set[str]:
        return {d["label"] for _, d in self.nodes(kind)}

    def edges(self, relation: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        return [(u, v, d) for u, v, d in self.graph.edges(data=True)
                if relation is None or d.get("relation") == relation]

    def documents(self) -> list[str]:
        return sorted(d["identifier"] for _, d in self.nodes(Kind.DOCUMENT))

    def to_rdf(self):
        """The graph as an ``rdflib.Dataset`` with one named graph per document (see rdf-contract)."""
        from .rdf import to_dataset

        return to_dataset(self)

    def query(self, sparql: str):
        from .query import run_query

        return run_query(self.to_rdf(), sparql)

    def save(self, directory, formats: Iterable[str] | None = None) -> list:
        from .exporters import save

        return save(self, directory, formats)

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} edges>"


__all__ = ["KnowledgeGraph", "Rel", "Kind", "document_graph", "edge_key", "merge_edge_attrs",
           "merge_node_attrs", "merged_element", "node_iri"]
