"""SHACL validation (kgraph.validate with ontology/shapes.ttl)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kgraph.rdf import KG, ORG, SCHEMA
from kgraph.validate import ValidationReport, load_shapes, validate_graph


def replace_objects(ds, predicate, new_object, subject_filter=lambda s: True) -> int:
    """Set every ``predicate`` of the matching subjects to ``new_object`` in its own named graph."""
    changed = 0
    for s, p, o, graph in list(ds.quads((None, predicate, None, None))):
        if subject_filter(s):
            ds.remove((s, p, o, graph))
            ds.graph(graph).add((s, p, new_object))
            changed += 1
    return changed


def test_shapes_are_packaged():
    shapes = load_shapes()
    assert len(set(shapes.subjects(RDF.type, SH.NodeShape))) >= 8


def test_sample_graph_conforms(sample_graph):
    report = validate_graph(sample_graph)
    assert isinstance(report, ValidationReport)
    assert report.conforms, report.text
    assert report.results == 0


def test_hostile_graph_conforms(hostile_graph):
    report = validate_graph(hostile_graph.to_rdf())
    assert report.conforms, report.text


def test_membership_without_role_and_confidence_out_of_range(sample_graph):
    ds = sample_graph.to_rdf()
    for s, p, o, graph in list(ds.quads((None, ORG.role, None, None))):
        ds.remove((s, p, o, graph))
    is_membership = lambda s: (s, RDF.type, ORG.Membership) in ds  # noqa: E731
    assert replace_objects(ds, KG.confidence, Literal(Decimal("1.5")), is_membership) == 2
    report = validate_graph(ds)
    assert not report.conforms
    assert report.results == 4  # two memberships, each without a role and with confidence 1.5
    assert "org:role" in report.text
    assert "kg:confidence" in report.text and "1.5" in report.text


def test_start_offset_after_end_offset(sample_graph):
    ds = sample_graph.to_rdf()
    is_reified = lambda s: (s, RDF.type, RDF.Statement) in ds  # noqa: E731
    assert replace_objects(ds, KG.startOffset, Literal(1000), is_reified) == 6
    report = validate_graph(ds)
    assert not report.conforms
    assert report.results == 6
    assert "LessThanOrEquals" in report.text


def test_missing_provenance_and_untyped_date(sample_graph):
    ds = sample_graph.to_rdf()
    for s, p, o, graph in list(ds.quads((None, KG.sentence, None, None))):
        if (s, RDF.type, ORG.Membership) in ds:
            ds.remove((s, p, o, graph))
    assert replace_objects(ds, SCHEMA.startDate, Literal("2022-05-08")) == 1
    report = validate_graph(ds)
    assert not report.conforms
    assert "kg:sentence" in report.text
    assert "schema:startDate" in report.text
    assert report.results == 3


def test_entity_needs_exactly_one_tagged_name(sample_graph):
    ds = sample_graph.to_rdf()
    person = next(ds.subjects(RDF.type, SCHEMA.Person))
    ds.add((person, SCHEMA.name, Literal("另一个名字", lang="zh")))
    place = next(ds.subjects(RDF.type, SCHEMA.Place))
    replace_objects(ds, SCHEMA.name, Literal("上海"), lambda s: s == place)  # no language tag
    report = validate_graph(ds)
    assert not report.conforms
    assert report.results == 2
    assert "schema:name" in report.text


def test_news_article_needs_identifier():
    graph = Graph()
    graph.add((URIRef("https://example.com/doc"), RDF.type, SCHEMA.NewsArticle))
    report = validate_graph(graph)
    assert not report.conforms and report.results == 1
    assert "schema:identifier" in report.text


def test_validates_a_written_file(sample_graph, tmp_path):
    path = tmp_path / "graph.trig"
    path.write_text(sample_graph.to_rdf().serialize(format="trig"), encoding="utf-8")
    assert validate_graph(tmp_path).conforms
    assert validate_graph(path).conforms


def test_rejects_what_it_cannot_validate():
    with pytest.raises(TypeError):
        validate_graph(42)
