"""Exporters: every registered format round-trips, writes the same bytes every time, and never half a file."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from conftest import REPO, make_extraction
from rdflib.compare import isomorphic

from kgraph import exporters
from kgraph.exporters import DEFAULT_FORMATS, FORMATS, get_exporter, save
from kgraph.exporters.rdf import named_graphs, union_graph
from kgraph.graph import KnowledgeGraph

OWN_FORMATS = [name for name in FORMATS if name != "html"]  # html belongs to test_html


@pytest.fixture
def two_doc_graph() -> KnowledgeGraph:
    """Two documents sharing most entities: several named graphs, merged nodes and multi-evidence edges."""
    kg = KnowledgeGraph()
    kg.add(make_extraction())
    kg.add(make_extraction(person="李四", doc_id="doc-2"))
    return kg


def _typed(attrs: dict) -> dict:
    """Attributes with their types, so that 1 and 1.0 or True and 1 do not compare equal."""
    return {name: (type(value).__name__, value) for name, value in attrs.items()}


def assert_same_networkx(actual: nx.MultiDiGraph, expected: nx.MultiDiGraph) -> None:
    assert isinstance(actual, nx.MultiDiGraph)
    assert expected.number_of_nodes() > 0 and expected.number_of_edges() > 0
    assert {n: _typed(d) for n, d in actual.nodes(data=True)} == {n: _typed(d) for n, d in expected.nodes(data=True)}
    actual_edges = sorted((u, v, k, _typed(d)) for u, v, k, d in actual.edges(keys=True, data=True))
    expected_edges = sorted((u, v, k, _typed(d)) for u, v, k, d in expected.edges(keys=True, data=True))
    assert actual_edges == expected_edges


def _files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


# -- registry ------------------------------------------------------------------------------------------
def test_registry_lists_every_format_once_and_defaults_are_registered():
    assert FORMATS == ("turtle", "ntriples", "jsonld", "trig", "nquads", "graphml", "csv", "html")
    assert set(DEFAULT_FORMATS) <= set(FORMATS)
    filenames = [name for fmt in OWN_FORMATS for name in get_exporter(fmt).filenames]
    assert len(filenames) == len(set(filenames)), "two formats would overwrite each other's file"


def test_get_exporter_accepts_aliases_and_case():
    assert get_exporter("TTL").name == "turtle"
    assert get_exporter(" json-ld ").name == "jsonld"
    for name in FORMATS:
        assert get_exporter(name).name == name


def test_unknown_format_is_a_value_error_naming_the_known_ones(tmp_path, sample_graph):
    with pytest.raises(ValueError, match="known formats: turtle, ntriples") as info:
        get_exporter("docx")
    assert "'docx'" in str(info.value)
    out = tmp_path / "out"
    with pytest.raises(ValueError, match="docx"):
        save(sample_graph, out, ["turtle", "docx"])
    assert not out.exists(), "a bad format name must be caught before anything is written"


def test_register_is_lazy(monkeypatch):
    monkeypatch.setattr(exporters, "_REGISTRY", dict(exporters._REGISTRY))
    monkeypatch.setattr(exporters, "_ALIASES", dict(exporters._ALIASES))
    monkeypatch.setattr(exporters, "FORMATS", exporters.FORMATS)
    exporters.register("Parquet", "kgraph.exporters.no_such_module", "ParquetExporter")
    assert exporters.FORMATS[-1] == "parquet"
    with pytest.raises(ModuleNotFoundError):
        get_exporter("parquet")  # the module is looked for only now


def test_importing_the_registry_imports_no_exporter():
    code = textwrap.dedent("""
        import sys
        import kgraph.exporters as ex
        loaded = sorted(m for m in sys.modules if m in ("rdflib", "networkx") or m.startswith("kgraph.exporters."))
        assert not loaded, loaded
        ex.get_exporter("turtle")
        assert "kgraph.exporters.rdf" in sys.modules
        assert "kgraph.exporters.tabular" not in sys.modules
    """)
    result = subprocess.run([sys.executable, "-c", code], check=False, cwd=REPO / "tests", capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# -- round trips ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(fmt, two_doc_graph, tmp_path):
    exporter = get_exporter(fmt)
    if not hasattr(exporter, "read"):
        pytest.skip(f"{fmt} is write-only (a page for people), it has no read() to round-trip")
    written = exporter.write(two_doc_graph, tmp_path)
    assert [path.name for path in written] == list(exporter.filenames)
    back = exporter.read(tmp_path)

    if isinstance(back, rdflib.Graph):
        expected = two_doc_graph.to_rdf()
        expected_union = union_graph(expected)
        assert len(expected_union) > 0
        actual_union = union_graph(back) if isinstance(back, rdflib.Dataset) else back
        assert isomorphic(actual_union, expected_union)
        if isinstance(back, rdflib.Dataset):  # trig and nquads keep one graph per document
            assert named_graphs(back) == named_graphs(expected)
            assert len(named_graphs(back)) == 2
    else:
        assert_same_networkx(back, two_doc_graph.to_networkx())


@pytest.mark.parametrize("fmt", ["graphml", "csv"])
def test_hostile_graph_round_trips_exactly(fmt, hostile_graph, tmp_path):
    g = hostile_graph.to_networkx()
    person = next(n for n, d in g.nodes(data=True) if d["kind"] == "person")
    # values GraphML or CSV cannot hold as they are: a carriage return and characters XML forbids,
    # an empty string (CSV: same as missing), a list where other nodes have none, a mixed-type attribute
    # (one hazard per attribute, so that each must be handled on its own)
    g.nodes[person].update(crlf="line\r\nbreak", forbidden="\x0b\ufffe", markup='<b a="1">&amp;</b>, "q";',
                           empty="", tags=["a", "b,c"], mixed=1)
    g.nodes[next(n for n in g if n != person)]["mixed"] = "one"
    u, v, key = next((u, v, k) for u, v, k in g.edges(keys=True) if u == person)
    g.edges[u, v, key]["note"] = "</edge>\n\t"
    exporter = get_exporter(fmt)
    exporter.write(hostile_graph, tmp_path)
    assert_same_networkx(exporter.read(tmp_path), g)


def test_graphml_holds_json_text_for_lists(two_doc_graph, tmp_path):
    exporter = get_exporter("graphml")
    exporter.write(two_doc_graph, tmp_path)
    plain = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)  # what Gephi would see
    org = plain.nodes["https://w3id.org/kgraph/id/organization/星河科技"]
    assert json.loads(org["aliases"]) == ["星河"]
    assert json.loads(org["docs"]) == ["doc-1", "doc-2"]
    assert isinstance(org["confidence"], float)
    evidence = next(d["evidence"] for *_, d in plain.edges(data=True) if d["relation"] == "organizer")
    assert {e["doc"] for e in json.loads(evidence)} == {"doc-1", "doc-2"}


# -- format details ------------------------------------------------------------------------------------
def test_csv_is_neo4j_style_and_keeps_chinese(two_doc_graph, tmp_path):
    nodes_path, edges_path = get_exporter("csv").write(two_doc_graph, tmp_path)
    for path in (nodes_path, edges_path):
        assert not path.read_bytes().startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    with open(nodes_path, encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with open(edges_path, encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert list(nodes[0])[:3] == ["id:ID", ":LABEL", "name"]
    assert list(edges[0])[:6] == [":START_ID", ":END_ID", ":TYPE", "title", "confidence:double", "evidence"]
    assert len(nodes) == two_doc_graph.graph.number_of_nodes()
    assert len(edges) == two_doc_graph.graph.number_of_edges()

    by_name = {row["name"]: row for row in nodes}
    assert by_name["张三"][":LABEL"] == "Person"
    assert by_name["星河科技"][":LABEL"] == "Organization"
    assert json.loads(by_name["星河科技"]["aliases"]) == ["星河"]
    assert float(by_name["星河科技"]["confidence:double"]) == 0.9

    membership = next(row for row in edges if row["title"] == "董事长")
    assert membership[":TYPE"] == "MEMBER_OF"
    assert membership["key"] == "member_of|董事长"
    assert membership["former:boolean"] == "false"
    sentences = {e["sentence"] for e in json.loads(membership["evidence"])}
    assert sentences == {"科技董事长兼CEO张三表示，公司将推出“繁星计划”。"}
    assert {row[":TYPE"] for row in edges} == {d["relation"].upper() for *_, d in two_doc_graph.edges()}


def test_rdf_files_bind_prefixes_and_sort_lines(two_doc_graph, tmp_path):
    save(two_doc_graph, tmp_path, ["turtle", "ntriples", "nquads", "jsonld"])
    turtle = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    for prefix, namespace in [("schema", "https://schema.org/"), ("org", "http://www.w3.org/ns/org#"),
                              ("prov", "http://www.w3.org/ns/prov#")]:
        assert f"@prefix {prefix}: <{namespace}> ." in turtle
    assert "张三" in turtle  # IRIs and names stay readable, not escaped
    lines = (tmp_path / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert lines and lines == sorted(set(lines))
    # N-Quads: graph after graph in IRI order, each graph's lines sorted
    quads = (tmp_path / "graph.nq").read_text(encoding="utf-8").splitlines()
    graphs = [line.rsplit(" ", 2)[1] for line in quads]
    assert len(set(graphs)) == 2 and graphs == sorted(graphs)
    assert quads == sorted(set(quads), key=lambda line: (line.rsplit(" ", 2)[1], line))

    document = json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8"))
    context = document["@context"]
    assert context["@vocab"] == "https://schema.org/"
    assert context["org"] == "http://www.w3.org/ns/org#" and context["prov"] == "http://www.w3.org/ns/prov#"
    people = [node for node in document["@graph"] if "Person" in node.get("@type", [])]
    assert {name["@value"] for n in people for name in n["name"]} >= {"张三", "李四"}


# -- save ----------------------------------------------------------------------------------------------
def test_save_writes_the_default_formats(two_doc_graph, tmp_path):
    written = two_doc_graph.save(tmp_path / "out")
    expected = {name for fmt in DEFAULT_FORMATS for name in get_exporter(fmt).filenames}
    assert {"graph.ttl", "graph.jsonld", "graph.html"} <= expected
    assert sorted(path.name for path in written) == sorted(expected)
    assert set(_files(tmp_path / "out")) == expected
    assert all(path.stat().st_size > 0 for path in written)


def test_save_takes_one_name_as_a_string(sample_graph, tmp_path):
    assert [path.name for path in save(sample_graph, tmp_path, "ttl")] == ["graph.ttl"]


def test_save_is_deterministic(two_doc_graph, tmp_path):
    formats = FORMATS
    save(two_doc_graph, tmp_path / "a", formats)
    save(two_doc_graph, tmp_path / "b", formats)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(first) == len(formats) + 1  # csv writes two files
    assert first == second


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    # rdflib walks sets of graphs and subjects, and string hashes change with PYTHONHASHSEED from one
    # process to the next: only separate processes show whether the bytes really are fixed.
    code = textwrap.dedent(f"""
        import sys
        from conftest import make_extraction
        from kgraph.exporters import save
        from kgraph.graph import KnowledgeGraph
        kg = KnowledgeGraph().update([make_extraction(), make_extraction(person="李四", doc_id="doc-2")])
        save(kg, sys.argv[1], {OWN_FORMATS!r})
    """)
    # tests/ for conftest; not the repository root: its kgraph/ is the checkout, not the installed package
    env = dict(os.environ, PYTHONPATH=str(REPO / "tests"))
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        result = subprocess.run([sys.executable, "-c", code, str(out)], check=False, cwd=tmp_path, capture_output=True,
                                text=True, timeout=300, env=dict(env, PYTHONHASHSEED=seed))
        assert result.returncode == 0, result.stderr
        outputs.append(_files(out))
    assert len(outputs[0]) == len(OWN_FORMATS) + 1  # csv writes two files
    assert outputs[0] == outputs[1], "output depends on the hash seed"


# -- atomicity -----------------------------------------------------------------------------------------
def test_failed_rdf_write_keeps_the_previous_file(sample_graph, hostile_graph, tmp_path, monkeypatch):
    from kgraph.exporters.rdf import TurtleExporter

    save(sample_graph, tmp_path, ["turtle"])
    before = _files(tmp_path)
    temporary_files_seen: list[list[str]] = []

    def failing_assemble(self, *args, **kwargs):
        def chunks():
            yield b"@prefix schema: <https://schema.org/> .\n"
            temporary_files_seen.append(sorted(p.name for p in tmp_path.glob(".graph.ttl.*.tmp")))
            raise RuntimeError("disk on fire")

        yield "graph.ttl", chunks()

    monkeypatch.setattr(TurtleExporter, "assemble", failing_assemble)
    with pytest.raises(RuntimeError, match="disk on fire"):
        save(hostile_graph, tmp_path, ["turtle"])
    assert temporary_files_seen and len(temporary_files_seen[0]) == 1, "the failure must come mid-write"
    assert _files(tmp_path) == before, "graph.ttl changed or a temporary file was left behind"


def test_failed_graphml_write_after_partial_output_keeps_the_previous_file(sample_graph, hostile_graph,
                                                                           tmp_path, monkeypatch):
    from kgraph.exporters.graphml import GraphMLExporter

    save(sample_graph, tmp_path, ["graphml"])
    before = _files(tmp_path)
    fragments = GraphMLExporter.fragments

    def half_write(self, items, layout):
        for number, fragment in enumerate(fragments(self, items, layout)):
            if number == 3:  # the file is being written by now: fragments are made as they are written
                raise KeyboardInterrupt
            yield fragment

    monkeypatch.setattr(GraphMLExporter, "fragments", half_write)
    with pytest.raises(KeyboardInterrupt):
        save(hostile_graph, tmp_path, ["graphml"])
    assert _files(tmp_path) == before
