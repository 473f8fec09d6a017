"""The RDF mapping (kgraph.rdf) against the contract in docs/rdf-contract.md, checked through SPARQL."""
from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import SAMPLE_TEXT, make_extraction
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kgraph.graph import KnowledgeGraph
from kgraph.iri import document_iri, entity_iri
from kgraph.model import Document, Entity, Evidence, Extraction, Fact, Kind, Rel
from kgraph.query import run_query
from kgraph.rdf import KG, ORG, SCHEMA, date_literal, graph_iri, to_dataset

# a person the document ties to an organisation is keyed by name and organisation (kgraph.resolve)
PERSON = URIRef(entity_iri(Kind.PERSON, "张三@星河科技"))
COMPANY = URIRef(entity_iri(Kind.ORGANIZATION, "星河科技"))
UNIT = URIRef(entity_iri(Kind.ORGANIZATION, "星河云"))
DOC = URIRef(document_iri("doc-1"))


@pytest.fixture
def ds(sample_graph) -> Dataset:
    return sample_graph.to_rdf()


def select(ds, sparql: str) -> list[dict[str, object]]:
    return [{str(k): v for k, v in row.items()} for row in run_query(ds, sparql).bindings]


def test_membership_has_member_organization_and_labelled_role(ds):
    rows = select(ds, """
        SELECT ?m ?title WHERE {
          ?m a org:Membership ; org:member ?p ; org:organization ?o ; org:role ?r .
          ?r a org:Role ; rdfs:label ?title .
          FILTER(?p = <%s> && ?o = <%s>)
        }""" % (PERSON, COMPANY))
    assert sorted(str(r["title"]) for r in rows) == ["CEO", "董事长"]
    assert all(r["title"].language == "zh" for r in rows)
    assert len({r["m"] for r in rows}) == 2  # one membership node per title


def test_membership_shortcut_jobtitle_and_worksfor(ds):
    titles = {o for o in ds.objects(PERSON, SCHEMA.jobTitle)}
    assert titles == {Literal("董事长", lang="zh"), Literal("CEO", lang="zh")}
    assert set(ds.objects(PERSON, SCHEMA.worksFor)) == {COMPANY}


def test_former_membership_has_no_shortcut():
    extraction = make_extraction()
    for fact in extraction.facts:
        if fact.relation == Rel.MEMBER_OF:
            fact.props["former"] = True
    kg = KnowledgeGraph()
    kg.add(extraction)
    ds = kg.to_rdf()
    assert run_query(ds, "ASK { ?m a org:Membership ; kg:former true ; org:role ?r }").askAnswer
    assert not run_query(ds, "ASK { ?p schema:jobTitle ?t }").askAnswer
    assert not run_query(ds, "ASK { ?p schema:worksFor ?o }").askAnswer


def test_founder_points_from_organization_to_person(ds):
    assert (COMPANY, SCHEMA.founder, PERSON) in ds
    assert (PERSON, SCHEMA.founder, COMPANY) not in ds


def test_sub_organization_and_proposed_by(ds):
    assert (UNIT, ORG.subOrganizationOf, COMPANY) in ds
    assert (URIRef(entity_iri(Kind.INITIATIVE, "繁星计划")), KG.proposedBy, COMPANY) in ds


def test_head_of_is_reified_with_provenance(ds):
    rows = select(ds, """
        SELECT ?st ?doc ?id ?sentence ?start ?end ?confidence WHERE {
          <%s> org:headOf <%s> .
          ?st a rdf:Statement ; rdf:subject <%s> ; rdf:predicate org:headOf ; rdf:object <%s> ;
              prov:wasDerivedFrom ?doc ; kg:sentence ?sentence ; kg:startOffset ?start ;
              kg:endOffset ?end ; kg:confidence ?confidence .
          ?doc a schema:NewsArticle ; schema:identifier ?id .
        }""" % (PERSON, COMPANY, PERSON, COMPANY))
    assert len(rows) == 1
    row = rows[0]
    assert isinstance(row["st"], URIRef)
    assert row["doc"] == DOC and str(row["id"]) == "doc-1"
    assert row["start"].datatype == XSD.integer and row["end"].datatype == XSD.integer
    assert SAMPLE_TEXT[row["start"].toPython():row["end"].toPython()] == str(row["sentence"])
    assert row["sentence"].language == "zh"
    assert row["confidence"].toPython() == Decimal("0.8")


def test_every_fact_has_provenance(ds):
    """Memberships, rdf:Statements, statements, figures and events all carry evidence of their own."""
    rows = select(ds, """
        SELECT ?fact ?start ?end ?sentence ?confidence WHERE {
          VALUES ?cls { org:Membership rdf:Statement kg:Statement kg:Figure schema:Event }
          ?fact a ?cls .
          OPTIONAL { ?fact prov:wasDerivedFrom ?doc . ?doc a schema:NewsArticle .
                     ?fact kg:sentence ?sentence ; kg:startOffset ?start ; kg:endOffset ?end ;
                           kg:confidence ?confidence }
        }""")
    assert len(rows) == 11  # 2 memberships + 6 reified triples + a statement, a figure and an event
    for row in rows:
        assert "sentence" in row, f"{row['fact']} has no evidence"
        assert SAMPLE_TEXT[row["start"].toPython():row["end"].toPython()] == str(row["sentence"])
        assert 0 <= row["confidence"].toPython() <= 1


def test_plain_shortcuts_are_not_reified(ds):
    assert not run_query(ds, "ASK { ?st a rdf:Statement ; rdf:predicate ?p . "
                             "FILTER(?p IN (schema:worksFor, kg:speaker, kg:measures)) }").askAnswer


def test_event_has_date_location_and_organizer(ds):
    rows = select(ds, """
        SELECT ?date ?place ?organizer WHERE {
          ?e a schema:Event ; schema:startDate ?date ; schema:location/schema:name ?place ;
             schema:organizer/schema:name ?organizer .
        }""")
    assert len(rows) == 1
    assert rows[0]["date"] == Literal("2022-05-08", datatype=XSD.date)
    assert (str(rows[0]["place"]), str(rows[0]["organizer"])) == ("上海", "星河科技")


def test_entity_classes(ds):
    assert {SCHEMA.Organization, ORG.Organization, SCHEMA.Corporation} <= set(ds.objects(COMPANY, RDF.type))
    assert set(ds.objects(PERSON, RDF.type)) == {SCHEMA.Person}
    for kind, name, cls in [(Kind.PLACE, "上海", SCHEMA.Place), (Kind.INITIATIVE, "繁星计划", KG.Initiative),
                            (Kind.ROLE, "董事长", ORG.Role)]:
        assert (URIRef(entity_iri(kind, name)), RDF.type, cls) in ds
    figure = URIRef(entity_iri(Kind.FIGURE, "doc-1:fig1"))
    assert (figure, RDF.type, KG.Figure) in ds
    assert ds.value(figure, SCHEMA.value).toPython() == Decimal("0.35")
    assert (figure, KG.measures, UNIT) in ds
    statement = URIRef(entity_iri(Kind.STATEMENT, "doc-1:s2"))
    assert (statement, KG.speaker, PERSON) in ds
    assert str(ds.value(statement, KG.speechVerb)) == "表示"
    assert (COMPANY, SCHEMA.alternateName, Literal("星河", lang="zh")) in ds


def test_document_node(ds):
    assert (DOC, RDF.type, SCHEMA.NewsArticle) in ds
    assert ds.value(DOC, SCHEMA.identifier) == Literal("doc-1")
    assert ds.value(DOC, SCHEMA.datePublished).datatype == XSD.dateTime
    assert ds.value(DOC, SCHEMA.url) == URIRef("https://example.com/a/1")
    publisher = ds.value(DOC, SCHEMA.publisher)
    assert (publisher, RDF.type, SCHEMA.NewsMediaOrganization) in ds
    mentioned = set(ds.objects(DOC, SCHEMA.mentions))
    assert {PERSON, COMPANY, UNIT} <= mentioned and len(mentioned) == 10


def test_names_are_tagged_zh(ds):
    names = [o for _, _, o in ds.triples((None, SCHEMA.name, None))]
    assert names and all(isinstance(o, Literal) and o.language == "zh" for o in names)
    assert (PERSON, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("张三", lang="zh")) in ds


def test_named_graph_per_document():
    kg = KnowledgeGraph()
    kg.add(make_extraction(doc_id="doc-1"))
    kg.add(make_extraction(doc_id="doc-2"))
    ds = kg.to_rdf()
    rows = select(ds, "SELECT ?g ?id WHERE { GRAPH ?g { ?d a schema:NewsArticle ; schema:identifier ?id } }")
    assert sorted((str(r["g"]), str(r["id"])) for r in rows) == sorted(
        (str(graph_iri(d)), d) for d in ("doc-1", "doc-2"))
    for doc_id in ("doc-1", "doc-2"):
        graph = ds.graph(graph_iri(doc_id))
        assert str(graph_iri(doc_id)) == document_iri(doc_id) + "#graph"
        # each document's graph holds its own memberships, derived from that document only
        memberships = set(graph.subjects(RDF.type, ORG.Membership))
        assert len(memberships) == 2
        assert {graph.value(m, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) for m in memberships} == {
            URIRef(document_iri(doc_id))}
        assert (PERSON, RDF.type, SCHEMA.Person) in graph
    assert len(ds.default_graph if hasattr(ds, "default_graph") else ds.default_context) == 0


def test_best_evidence_of_a_document_is_used():
    extraction = make_extraction()
    head_of = next(f for f in extraction.facts if f.relation == Rel.HEAD_OF)
    later = SAMPLE_TEXT.index("张三是")
    weaker = Evidence("doc-1", SAMPLE_TEXT[later:later + 12], later, later + 12, 0.5)
    stronger = Evidence("doc-1", SAMPLE_TEXT[later:later + 12], later, later + 12, 0.95)
    extraction.facts += [Fact(Rel.HEAD_OF, head_of.subject, head_of.object, weaker),
                         Fact(Rel.HEAD_OF, head_of.subject, head_of.object, stronger)]
    kg = KnowledgeGraph()
    kg.add(extraction)
    rows = select(kg.to_rdf(), "SELECT ?start ?c WHERE { ?st rdf:predicate org:headOf ; "
                               "kg:startOffset ?start ; kg:confidence ?c }")
    assert [(r["start"].toPython(), r["c"].toPython()) for r in rows] == [(later, Decimal("0.95"))]


def test_no_blank_nodes(ds, hostile_graph):
    for dataset in (ds, hostile_graph.to_rdf()):
        for quad in dataset.quads((None, None, None, None)):
            assert not any(isinstance(term, BNode) for term in quad[:3]), quad


def test_serialisation_is_deterministic(sample_graph):
    first = to_dataset(sample_graph).serialize(format="trig")
    second = to_dataset(sample_graph).serialize(format="trig")
    assert first == second
    assert to_dataset(sample_graph).graph(graph_iri("doc-1")).serialize(format="turtle") == \
        to_dataset(sample_graph).graph(graph_iri("doc-1")).serialize(format="turtle")


def test_output_does_not_depend_on_document_order():
    one, two = KnowledgeGraph(), KnowledgeGraph()
    one.update([make_extraction(doc_id="a"), make_extraction(doc_id="b")])
    two.update([make_extraction(doc_id="b"), make_extraction(doc_id="a")])
    assert one.to_rdf().serialize(format="trig") == two.to_rdf().serialize(format="trig")


def test_hostile_text_round_trips_through_trig(hostile_graph):
    ds = hostile_graph.to_rdf()
    reread = Dataset(default_union=True)
    reread.parse(data=ds.serialize(format="trig"), format="trig")

    def by_value(quad):  # rdflib's writer turns the canonical decimal "1" into 1.0: the same value
        return tuple((t.value, t.datatype, t.language) if isinstance(t, Literal) else t for t in quad)

    assert {by_value(q) for q in reread.quads((None, None, None, None))} == {by_value(q) for q in ds.quads((None, None, None, None))}
    names = {str(o) for o in reread.objects(None, SCHEMA.name)}
    assert '<script>alert("x")</script><img src=x onerror=alert(1)>' in names


def test_title_without_organization_is_a_reified_jobtitle():
    doc = Document(id="t", text="李四担任首席科学家。")
    person, role = Entity(Kind.PERSON, "李四"), Entity(Kind.ROLE, "首席科学家")
    fact = Fact(Rel.JOB_TITLE, person.ref, role.ref, Evidence("t", doc.text, 0, len(doc.text), 0.7),
                {"title": "首席科学家"})
    kg = KnowledgeGraph()
    kg.add(Extraction(doc, [person, role], [fact]))
    ds = kg.to_rdf()
    person_iri = URIRef(entity_iri(Kind.PERSON, "李四"))
    assert set(ds.objects(person_iri, SCHEMA.jobTitle)) == {Literal("首席科学家", lang="zh")}
    assert not run_query(ds, "ASK { ?m a org:Membership }").askAnswer
    assert run_query(ds, "ASK { ?st rdf:subject ?p ; rdf:predicate schema:jobTitle ; "
                         "rdf:object \"首席科学家\"@zh ; kg:sentence ?s }").askAnswer


@pytest.mark.parametrize("value, datatype", [
    ("2022-05-08", XSD.date), ("2022-05-09T08:00:00+08:00", XSD.dateTime), ("2022-05-09T08:00:00Z", XSD.dateTime),
    ("2022-05", XSD.gYearMonth), ("2022", XSD.gYear), ("2022-02-30", None), ("5月8日", None)])
def test_date_literal(value, datatype):
    literal = date_literal(value)
    assert (literal.datatype if literal is not None else None) == datatype


def test_event_start_date_keeps_only_the_day():
    assert date_literal("2022-05-08T10:00:00", date_only=True) == Literal("2022-05-08", datatype=XSD.date)


def test_every_kg_term_used_is_declared_in_the_ontology(sample_graph):
    from rdflib import Graph
    from rdflib.namespace import OWL, RDFS

    from kgraph.resources import ontology_text

    ontology = Graph().parse(data=ontology_text("kgraph.ttl"), format="turtle")
    extraction = make_extraction()
    extraction.facts[0].props["former"] = True  # so that kg:former is used too
    kg = KnowledgeGraph()
    kg.add(extraction)
    used = {term for quad in kg.to_rdf().quads((None, None, None, None)) for term in quad[1:3]
            if isinstance(term, URIRef) and str(term).startswith(str(KG))}
    assert {KG.former, KG.sentence, KG.proposedBy, KG.Initiative} <= used
    declared = set(ontology.subjects(RDF.type, OWL.Class)) | set(ontology.subjects(RDF.type, OWL.ObjectProperty)) \
        | set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    assert used <= declared, used - declared
    for term in declared:
        languages = {label.language for label in ontology.objects(term, RDFS.label)}
        assert {"en", "zh"} <= languages, term
        assert any(True for _ in ontology.objects(term, RDFS.comment)), term


def test_membership_without_title_gets_the_generic_role():
    from kgraph.rdf import GENERIC_ROLE
    from kgraph.validate import validate_graph

    doc = Document(id="m", text="王五加入星河科技。")
    person, org = Entity(Kind.PERSON, "王五"), Entity(Kind.ORGANIZATION, "星河科技")
    fact = Fact(Rel.MEMBER_OF, person.ref, org.ref, Evidence("m", doc.text, 0, len(doc.text), 0.6))
    kg = KnowledgeGraph()
    kg.add(Extraction(doc, [person, org], [fact]))
    ds = kg.to_rdf()
    rows = select(ds, "SELECT ?title WHERE { ?m a org:Membership ; org:role/rdfs:label ?title }")
    assert [str(r["title"]) for r in rows] == [GENERIC_ROLE]
    person_iri = URIRef(entity_iri(Kind.PERSON, "王五@星河科技"))
    assert set(ds.objects(person_iri, SCHEMA.worksFor)) == {COMPANY}
    assert not set(ds.objects(person_iri, SCHEMA.jobTitle))
    assert validate_graph(ds).conforms
