"""SPARQL: the example queries, run_query, load_graph and format_result."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import REPO

from kgraph.query import PREFIXES, QueryError, display_width, format_result, load_graph, run_query
from kgraph.rdf import graph_iri

QUERY_DIR = REPO / "examples" / "queries"
QUERIES = sorted(QUERY_DIR.glob("*.rq"))
COMPETENCY_QUERIES = {"positions.rq", "heads.rq", "units.rq", "initiatives.rq", "founders.rq", "events.rq",
                      "provenance.rq", "statements.rq"}


def test_every_competency_question_has_a_query():
    assert COMPETENCY_QUERIES <= {q.name for q in QUERIES}


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_example_query_answers_on_sample(path: Path, sample_graph):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "each query starts with a comment saying what it answers"
    # comments start a line or follow whitespace ('#' inside an IRI such as org#> is no comment)
    code = "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines())
    # only one-character helper strings (the prefix of a sort key), never a name
    assert all(len(text) <= 1 and not lang for text, lang in re.findall(r'"([^"]*)"(@[\w-]+)?', code)), \
        "queries must not name a particular entity"
    result = run_query(sample_graph.to_rdf(), text)
    rows = list(result)
    assert len(rows) >= 1
    assert all(any(value is not None for value in row) for row in rows)


# the commented "ask about one X" line of each query (benchmarks/bench_store.py switches it on the same way)
ONE_LINE = re.compile(r'^(\s*)#\s*((?:VALUES|FILTER)\s*\(?\s*\?(\w+).*|\?\w+\s+\S+\s+"[^"]*"@zh\s*\.)$', re.MULTILINE)
ONE_COLUMN = {"evidence.rq": "subject", "provenance.rq": "person"}


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_one_line_asks_about_one_value(path: Path, sample_graph):
    text = path.read_text(encoding="utf-8")
    match = ONE_LINE.search(text)
    assert match, "each query has a commented line that asks about one entity"
    ds = sample_graph.to_rdf()
    whole = run_query(ds, text)
    column = ONE_COLUMN.get(path.name) or match.group(3)
    rows = [tuple(b.get(v) for v in whole.vars) for b in whole.bindings]
    values = sorted({b[column] for b in whole.bindings if b.get(column) is not None})
    assert values
    for value in values:
        line = re.sub(r'"[^"]*"@zh', f'"{value}"@zh', match.group(2))
        one = run_query(ds, text[: match.start()] + match.group(1) + line + text[match.end():])
        got = [tuple(b.get(v) for v in one.vars) for b in one.bindings]
        assert got, value
        assert all(b[column] == value for b in one.bindings)
        position = [str(v) for v in whole.vars].index(column)
        assert sorted(got, key=repr) == sorted((r for r in rows if r[position] == value), key=repr)


def test_provenance_query_works_without_named_graphs(sample_graph, tmp_path):
    path = tmp_path / "graph.ttl"
    union = sample_graph.to_rdf().graph(graph_iri("doc-1"))
    path.write_text(union.serialize(format="turtle"), encoding="utf-8")
    result = run_query(load_graph(path), (QUERY_DIR / "provenance.rq").read_text(encoding="utf-8"))
    assert len(result.bindings) == 2
    assert all(row.get("graph") is None for row in result.bindings)


def test_provenance_query_returns_document_and_sentence(sample_graph):
    result = run_query(sample_graph.to_rdf(), (QUERY_DIR / "provenance.rq").read_text(encoding="utf-8"))
    rows = [{str(k): str(v) for k, v in b.items()} for b in result.bindings]
    assert {r["title"] for r in rows} == {"董事长", "CEO"}
    assert {r["document"] for r in rows} == {"doc-1"}
    assert all("董事长兼CEO" in r["sentence"] for r in rows)
    assert {r["graph"] for r in rows} == {str(graph_iri("doc-1"))}


def test_prefixes_are_prebound(sample_graph):
    assert set(PREFIXES) >= {"schema", "org", "prov", "dcterms", "rdfs", "xsd", "skos", "owl", "kg"}
    result = run_query(sample_graph.to_rdf(), "SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }")
    assert [str(r.n) for r in result] == ["张三"]


def test_run_query_uses_the_union_and_leaves_the_dataset_alone(sample_graph):
    ds = sample_graph.to_rdf()
    ds.default_union = False
    result = run_query(ds, "SELECT ?p WHERE { ?p a schema:Person }")
    assert len(result.bindings) == 1
    assert ds.default_union is False


def test_run_query_accepts_a_knowledge_graph(sample_graph):
    assert run_query(sample_graph, "ASK { ?o org:subOrganizationOf ?p }").askAnswer


def test_bad_query_raises_query_error(sample_graph):
    with pytest.raises(QueryError):
        run_query(sample_graph.to_rdf(), "SELECT ?x WHERE { ?x ")
    with pytest.raises(QueryError):
        run_query(sample_graph.to_rdf(), "SELECT ?x WHERE { ?x a nope:Thing }")


# -- load_graph -------------------------------------------------------------------------------------

def test_load_graph_from_directory_prefers_trig(sample_graph, tmp_path):
    ds = sample_graph.to_rdf()
    (tmp_path / "graph.trig").write_text(ds.serialize(format="trig"), encoding="utf-8")
    (tmp_path / "graph.ttl").write_text("", encoding="utf-8")  # empty: would answer nothing if read
    loaded = load_graph(tmp_path)
    names = [str(r.g) for r in run_query(loaded, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]
    assert names == [str(graph_iri("doc-1"))]
    assert len(run_query(loaded, "SELECT ?m WHERE { ?m a org:Membership }").bindings) == 2


@pytest.mark.parametrize("suffix, rdf_format", [(".ttl", "turtle"), (".nt", "nt"), (".nq", "nquads"),
                                                (".trig", "trig")])
def test_load_graph_by_extension(sample_graph, tmp_path, suffix, rdf_format):
    ds = sample_graph.to_rdf()
    path = tmp_path / f"out{suffix}"
    source = ds if rdf_format in ("nquads", "trig") else ds.graph(graph_iri("doc-1"))
    path.write_text(source.serialize(format=rdf_format), encoding="utf-8")
    loaded = load_graph(path)
    assert run_query(loaded, "ASK { ?o schema:founder ?p }").askAnswer


def test_load_graph_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_graph(tmp_path / "missing.ttl")
    with pytest.raises(FileNotFoundError):
        load_graph(tmp_path)  # a directory without a graph file
    (tmp_path / "graph.xyz").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="extension"):
        load_graph(tmp_path / "graph.xyz")
    (tmp_path / "broken.ttl").write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.ttl"):
        load_graph(tmp_path / "broken.ttl")


# -- format_result ----------------------------------------------------------------------------------

POSITIONS = "SELECT ?name ?title ?org WHERE { ?m org:member/schema:name ?name ; org:role/rdfs:label ?title ; " \
            "org:organization ?org } ORDER BY ?title"


def test_format_table_aligns_cjk_columns(sample_graph):
    table = format_result(run_query(sample_graph.to_rdf(), POSITIONS), "table")
    lines = table.splitlines()
    assert lines[0].split(" | ")[:2] == ["name", "title "]
    assert lines[-1] == "(2 rows)"
    body = lines[:-1]
    # the column separators sit at the same display column on every line, CJK counting two
    columns = {tuple(display_width(line[:i]) for i, ch in enumerate(line) if ch in "|+") for line in body}
    assert len(columns) == 1, table
    assert "董事长" in table and "schema:" not in table  # entity IRIs stay in full
    assert "https://w3id.org/kgraph/id/organization/星河科技" in table


def test_display_width():
    assert display_width("abc") == 3
    assert display_width("星河科技") == 8
    assert display_width("ＣＥＯ") == 6  # full-width Latin
    assert display_width("e\u0301") == 1  # combining accent


def test_format_csv(sample_graph):
    out = format_result(run_query(sample_graph.to_rdf(), POSITIONS), "csv")
    assert out.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["name", "title", "org"]
    assert rows[1:] == [["张三", "CEO", "https://w3id.org/kgraph/id/organization/星河科技"],
                        ["张三", "董事长", "https://w3id.org/kgraph/id/organization/星河科技"]]


def test_format_json(sample_graph):
    data = json.loads(format_result(run_query(sample_graph.to_rdf(), POSITIONS), "json"))
    assert data["head"]["vars"] == ["name", "title", "org"]
    first = data["results"]["bindings"][0]
    assert first["name"] == {"type": "literal", "value": "张三", "xml:lang": "zh"}
    assert first["org"]["type"] == "uri"


def test_format_json_typed_literal_and_unbound(sample_graph):
    result = run_query(sample_graph.to_rdf(),
                       "SELECT ?date ?missing WHERE { ?e schema:startDate ?date OPTIONAL { ?e schema:nope ?missing } }")
    binding = json.loads(format_result(result, "json"))["results"]["bindings"][0]
    assert binding == {"date": {"type": "literal", "value": "2022-05-08",
                                "datatype": "http://www.w3.org/2001/XMLSchema#date"}}
    assert format_result(result, "table").splitlines()[2] == "2022-05-08 |"  # the unbound cell stays empty


def test_format_ask(sample_graph):
    ds = sample_graph.to_rdf()
    assert format_result(run_query(ds, "ASK { ?p a schema:Person }")) == "true\n"
    answer = json.loads(format_result(run_query(ds, "ASK { ?p a schema:Brand }"), "json"))
    assert answer == {"head": {}, "boolean": False}


def test_format_construct(sample_graph):
    result = run_query(sample_graph.to_rdf(), "CONSTRUCT { ?o schema:founder ?p } WHERE { ?o schema:founder ?p }")
    turtle = format_result(result, "table")
    assert "schema:founder" in turtle
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"))))
    assert rows[0] == ["subject", "predicate", "object"] and len(rows) == 2
    assert json.loads(format_result(result, "json"))


def test_format_rejects_unknown_format(sample_graph):
    with pytest.raises(ValueError):
        format_result(run_query(sample_graph.to_rdf(), POSITIONS), "xml")


def test_positions_has_one_row_per_position_with_its_number_of_articles():
    """Two articles stating the same positions give one row each, counting both articles (issue 12, item 7)."""
    from conftest import SAMPLE_TEXT, make_extraction

    from kgraph.graph import KnowledgeGraph
    from kgraph.model import Entity, Evidence, Fact, Kind, Rel

    from rdflib import Dataset

    dataset = Dataset()  # each article's graph on its own, as the store of a build directory holds them
    for doc_id in ("doc-1", "doc-2", "doc-3"):
        extraction = make_extraction(doc_id=doc_id)
        if doc_id != "doc-3":  # a title without an organisation, stated by two of the three articles
            extraction.entities.append(Entity(Kind.ROLE, "顾问"))
            extraction.facts.append(Fact(Rel.JOB_TITLE, (Kind.PERSON, "张三"), (Kind.ROLE, "顾问"),
                                         Evidence(doc_id, SAMPLE_TEXT[:10], 0, 10, 0.7), {"title": "顾问"}))
        if doc_id == "doc-3":  # the third calls the chairmanship a former one
            extraction.facts[0].props["former"] = True
        kg = KnowledgeGraph()
        kg.add(extraction)
        dataset.parse(data=kg.to_rdf().serialize(format="nquads"), format="nquads")
    text = (QUERY_DIR / "positions.rq").read_text(encoding="utf-8")
    result = run_query(dataset, text)
    rows = [{str(v): b.get(v) for v in result.vars} for b in result.bindings]
    keys = [(str(r["name"]), str(r.get("title")), str(r.get("organization"))) for r in rows]
    assert len(keys) == len(set(keys)), keys
    got = {(str(r["title"]), str(r["organization"]) if r.get("organization") else None): (int(r["articles"]),
           int(r["former_articles"])) for r in rows if str(r["name"]) == "张三"}
    assert got == {("董事长", "星河科技"): (3, 1), ("CEO", "星河科技"): (3, 0), ("顾问", None): (2, 0)}
