"""kgraph.graph: one document's networkx graph, the merge rule for an element, and KnowledgeGraph."""
from __future__ import annotations

from conftest import make_extraction

from kgraph.graph import KnowledgeGraph, document_graph, merged_element
from kgraph.model import Kind, Rel


def test_document_graph_holds_the_document_its_entities_and_facts():
    extraction = make_extraction()
    graph = document_graph(extraction)
    kinds = sorted(d["kind"] for _, d in graph.nodes(data=True))
    assert kinds.count(Kind.DOCUMENT) == 1
    assert {d["label"] for _, d in graph.nodes(data=True) if d["kind"] == Kind.PERSON} == {"张三"}
    relations = {d["relation"] for _, _, d in graph.edges(data=True)}
    assert {Rel.MEMBER_OF, Rel.HEAD_OF, Rel.FOUNDED} <= relations


def test_two_documents_share_their_entities_and_keep_both_documents():
    kg = KnowledgeGraph()
    kg.add(make_extraction(doc_id="doc-1"))
    kg.add(make_extraction(doc_id="doc-2"))
    assert kg.documents() == ["doc-1", "doc-2"]
    assert kg.labels(Kind.PERSON) == {"张三"}  # one node for the person both documents name
    assert len(kg.nodes(Kind.ORGANIZATION)) == len(KnowledgeGraph(document_graph(make_extraction())).nodes(
        Kind.ORGANIZATION))


def test_adding_in_another_order_gives_the_same_graph():
    first, second = KnowledgeGraph(), KnowledgeGraph()
    for doc_id in ("a", "b"):
        first.add(make_extraction(doc_id=doc_id))
    for doc_id in ("b", "a"):
        second.add(make_extraction(doc_id=doc_id))
    assert sorted(first.to_networkx().nodes) == sorted(second.to_networkx().nodes)
    assert first.to_networkx().number_of_edges() == second.to_networkx().number_of_edges()


def test_merged_element_keeps_the_higher_confidence():
    low = {"label": "张三", "kind": Kind.PERSON, "confidence": 0.6}
    high = {"label": "张三", "kind": Kind.PERSON, "confidence": 0.9}
    assert merged_element(low, high, edge=False)["confidence"] == 0.9
    assert merged_element(high, low, edge=False)["confidence"] == 0.9
