"""The persistent store behind `kgraph build -o DIR`: incremental builds, replacement, removal, exports and
robustness. Small hand-made articles; every build runs in-process through click's CliRunner."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli import main

DEFAULT_FILES = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.graphml", "nodes.csv", "edges.csv", "graph.html")
ID = "https://w3id.org/kgraph/id/"

MINGHU = ("---\ntitle: 明湖科技推出萤火计划\ndate: 2024-03-02\n---\n"
          "明湖科技高级副总裁沈嘉禾表示，公司将推出“萤火计划”。\n")
QINGSHI = ("---\ntitle: 青石资本领投明湖科技\ndate: 2024-03-05\n---\n"
           "青石资本合伙人顾明澈表示，芯片市场仍有空间。明湖科技完成新一轮融资，青石资本领投。\n")
LANJING = ("---\ntitle: 蓝鲸开发者大会\ndate: 2024-05-12\n---\n"
           "5月12日，蓝鲸科技在深圳举办了“蓝鲸开发者大会”。蓝鲸科技董事长许嘉宁表示，公司将扩大招聘。\n")

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
PERSONS = "SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n } ORDER BY ?n"


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="kgraph")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def doc_id(name: str) -> str:
    """The id of a file of the ``corpus`` fixture built into ``tmp_path / "out"``: its path from ``tmp_path``."""
    return f"articles/{name}"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def select(directory: Path, sparql: str) -> list[tuple[str, ...]]:
    """Rows of a query on the directory's store, as strings (the store is closed again afterwards)."""
    from kgraph.query import load_graph, run_query
    from kgraph.store import is_oxigraph_dataset

    dataset = load_graph(directory)
    try:
        assert is_oxigraph_dataset(dataset)
        return [tuple(str(v) for v in row) for row in run_query(dataset, sparql)]
    finally:
        dataset.store.close()


def ask(directory: Path, sparql: str) -> bool:
    from kgraph.query import load_graph, run_query

    dataset = load_graph(directory)
    try:
        return bool(run_query(dataset, sparql).askAnswer)
    finally:
        dataset.store.close()


def persons(directory: Path) -> set[str]:
    return {row[0] for row in select(directory, PERSONS)}


def manifest(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def snapshot(directory: Path) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in DEFAULT_FILES}


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "articles"
    write(folder / "minghu.md", MINGHU)
    write(folder / "qingshi.md", QINGSHI)
    return folder


# -- first build ------------------------------------------------------------------------------------
def test_first_build_keeps_a_store_a_cache_and_a_manifest(corpus, tmp_path):
    out = tmp_path / "out"
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 0, result.output
    assert (out / "store").is_dir()
    assert len(list((out / "extractions").glob("*.json"))) == 2
    assert sorted(manifest(out)["documents"]) == [doc_id("minghu.md"), doc_id("qingshi.md")]
    # stdout lists exactly the export files, the summary goes to stderr
    assert sorted(result.stdout.split()) == sorted(str(out / name) for name in DEFAULT_FILES)
    assert "2 documents (2 new, 0 changed)" in result.stderr and "0 unchanged, 0 failed" in result.stderr
    # one named graph per document, and SPARQL on the directory goes to the store
    graphs = select(out, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a schema:NewsArticle } }")
    assert len(graphs) == 2 and all(g[0].endswith("#graph") for g in graphs)
    assert persons(out) == {"沈嘉禾", "顾明澈"}


def test_the_store_and_the_export_files_hold_the_same_triples(corpus, tmp_path):
    import rdflib

    from kgraph.exporters.rdf import named_graphs
    from kgraph.query import load_graph

    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    def plain(triples):
        # oxrdflib hands out plain literals typed xsd:string, rdflib's parsers untyped: the same in RDF 1.1
        return frozenset(tuple(rdflib.Literal(str(t)) if isinstance(t, rdflib.Literal) and str(t.datatype) == XSD_STRING
                               else t for t in triple) for triple in triples)

    dataset = load_graph(out)
    try:
        in_store = {graph: plain(triples) for graph, triples in named_graphs(dataset).items()}
    finally:
        dataset.store.close()
    default = in_store.pop("urn:x-rdflib:default")  # the store keeps the union as its default graph
    trig = rdflib.Dataset()
    trig.parse(out / "graph.trig", format="trig")
    assert {graph: plain(triples) for graph, triples in named_graphs(trig).items()} == in_store
    union = frozenset().union(*in_store.values())
    assert default == union
    for name, fmt in (("graph.ttl", "turtle"), ("graph.jsonld", "json-ld")):
        assert plain(rdflib.Graph().parse(out / name, format=fmt)) == union, name
    document = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["@vocab"] == "https://schema.org/"
    people = [node for node in document["@graph"] if "Person" in node.get("@type", [])]
    assert {p["name"][0]["@value"] for p in people} == {"沈嘉禾", "顾明澈"}


def test_the_store_conforms_to_the_shapes(corpus, tmp_path):
    from kgraph.validate import validate_graph

    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    report = validate_graph(out / "graph.trig")
    assert report.conforms, report.text


# -- incremental builds -----------------------------------------------------------------------------
def test_a_second_build_extracts_only_the_new_document(corpus, tmp_path, extracted):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    caches_before = {p.name: p.stat().st_mtime_ns for p in (out / "extractions").iterdir()}
    extracted.clear()
    write(corpus / "lanjing.md", LANJING)
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 0, result.output
    assert extracted == [doc_id("lanjing.md")]
    assert "1 documents (1 new, 0 changed)" in result.stderr and "2 unchanged" in result.stderr
    assert len(manifest(out)["documents"]) == 3
    caches_after = {p.name: p.stat().st_mtime_ns for p in (out / "extractions").iterdir()}
    assert {n: t for n, t in caches_after.items() if n in caches_before} == caches_before  # untouched
    assert persons(out) == {"沈嘉禾", "顾明澈", "许嘉宁"}
    assert "许嘉宁" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_building_the_same_inputs_again_changes_nothing(corpus, tmp_path, extracted):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    before = {name: (out / name).stat().st_mtime_ns for name in DEFAULT_FILES}
    extracted.clear()
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 0
    assert extracted == []
    assert "0 documents" in result.stderr and "2 unchanged" in result.stderr
    assert {name: (out / name).stat().st_mtime_ns for name in DEFAULT_FILES} == before  # not even rewritten


def test_incremental_builds_give_the_files_of_a_single_build(corpus, tmp_path):
    write(corpus / "lanjing.md", LANJING)
    files = sorted(corpus.iterdir())
    stepwise, at_once = tmp_path / "stepwise", tmp_path / "at-once"
    for path in reversed(files):  # one document per build, in another order
        assert invoke("build", path, "-o", stepwise).exit_code == 0
    assert invoke("build", *files, "-o", at_once).exit_code == 0
    assert snapshot(stepwise) == snapshot(at_once)


FIGURES = ("---\ntitle: 明湖科技营收\ndate: 2024-04-01\n---\n"
           "明湖科技2023年营收为7.8亿元，同比增长12.5%。明湖科技首席财务官林知远表示，公司将继续投入研发。\n")


def test_changes_and_removals_give_the_files_of_a_fresh_build(corpus, tmp_path):
    """Every file after adding, changing and removing documents one build at a time is byte for byte the one a
    single build of the remaining documents writes: only the fragments of what changed were made again."""
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    header = (out / "nodes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "value:double" not in header
    # new attributes (a figure's value and unit, an event's date) change the layout of GraphML and CSV
    write(corpus / "lanjing.md", LANJING)
    write(corpus / "figures.md", FIGURES)
    assert invoke("build", corpus, "-o", out).exit_code == 0
    assert "value:double" in (out / "nodes.csv").read_text(encoding="utf-8").splitlines()[0]
    write(corpus / "minghu.md", MINGHU.replace("沈嘉禾", "戴文博") + "明湖科技营收为3.0亿元。\n")
    assert invoke("build", corpus, "-o", out).exit_code == 0
    assert invoke("remove", out, corpus / "qingshi.md").exit_code == 0
    (corpus / "qingshi.md").unlink()
    assert invoke("build", corpus, "-o", fresh).exit_code == 0
    assert snapshot(out) == snapshot(fresh)
    assert "戴文博" in (out / "graph.html").read_text(encoding="utf-8")
    assert "顾明澈" not in (out / "nodes.csv").read_text(encoding="utf-8")


def test_a_lost_or_damaged_fragment_cache_is_made_again(corpus, tmp_path, extracted):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    before = snapshot(out)
    for damage in ("delete", "garbage"):
        if damage == "delete":
            (out / "fragments.sqlite").unlink()
        else:
            (out / "fragments.sqlite").write_bytes(b"not a database" * 100)
        for name in DEFAULT_FILES:
            (out / name).unlink()
        extracted.clear()
        result = invoke("build", corpus, "-o", out)
        assert result.exit_code == 0, result.output
        assert extracted == []  # made from the cached extractions, not by extracting again
        assert snapshot(out) == before, damage


def test_the_rdf_files_are_the_same_bytes_in_another_process(corpus, tmp_path):
    """Oxigraph's writers and the prefix table must not depend on a process's hash seeds."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "kgraph.cli", "build", str(corpus), "-o", str(out),
                               "-f", "turtle", "-f", "trig", "-f", "jsonld", "-f", "nquads", "--no-progress"],
                              capture_output=True, text=True, timeout=300, env=env, check=False, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        outputs.append({name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig", "graph.jsonld",
                                                                     "graph.nq")})
    assert outputs[0] == outputs[1]
    assert b"@prefix schema: <https://schema.org/>" in outputs[0]["graph.ttl"]


def test_a_changed_document_replaces_its_facts(corpus, tmp_path, extracted):
    out = tmp_path / "out"
    write(corpus / "lanjing.md", LANJING)
    assert invoke("build", corpus, "-o", out).exit_code == 0
    assert "许嘉宁" in persons(out)
    extracted.clear()
    write(corpus / "lanjing.md", LANJING.replace("许嘉宁", "戴文博"))
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 0, result.output
    assert extracted == [doc_id("lanjing.md")]
    assert "1 documents (0 new, 1 changed)" in result.stderr
    assert persons(out) == {"沈嘉禾", "顾明澈", "戴文博"}
    assert ask(out, f"ASK {{ <{ID}person/戴文博@蓝鲸科技> ?p ?o }}")
    assert not ask(out, f"ASK {{ <{ID}person/许嘉宁@蓝鲸科技> ?p ?o }}")
    assert select(out, "SELECT (COUNT(*) AS ?n) WHERE { ?m org:member/schema:name '戴文博'@zh }") == [("1",)]
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "graph.graphml", "nodes.csv", "graph.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert "戴文博" in text and "许嘉宁" not in text, name
    assert len(manifest(out)["documents"]) == 3


# -- removal ----------------------------------------------------------------------------------------
def test_remove_takes_out_graph_cache_and_manifest_entry(corpus, tmp_path):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    qingshi = doc_id("qingshi.md")
    cache = out / manifest(out)["documents"][qingshi]["cache"]
    assert cache.is_file()
    result = invoke("remove", out, qingshi)
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.split()) == sorted(str(out / name) for name in DEFAULT_FILES)
    assert "1 removed" in result.stderr
    assert qingshi not in manifest(out)["documents"] and not cache.exists()
    assert len(select(out, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")) == 1
    assert persons(out) == {"沈嘉禾"}
    for name in DEFAULT_FILES:
        assert "顾明澈" not in (out / name).read_text(encoding="utf-8"), name


def test_an_entity_goes_with_the_last_document_that_mentions_it(corpus, tmp_path):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    only_in_qingshi, in_both = f"{ID}organization/青石资本", f"{ID}organization/明湖科技"
    assert ask(out, f"ASK {{ <{only_in_qingshi}> a schema:Organization }}")
    assert invoke("remove", out, corpus / "qingshi.md").exit_code == 0
    # no triple anywhere has the organisation only the removed document mentioned
    assert select(out, f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ <{only_in_qingshi}> ?p ?o }} UNION "
                       f"{{ ?s ?p <{only_in_qingshi}> }} }}") == [("0",)]
    assert select(out, f"SELECT ?n WHERE {{ <{in_both}> schema:name ?n }}") == [("明湖科技",)]
    nodes = (out / "nodes.csv").read_text(encoding="utf-8")
    assert "青石资本" not in nodes and "明湖科技" in nodes


def test_prune_takes_out_what_the_inputs_no_longer_hold(corpus, tmp_path, extracted):
    out = tmp_path / "out"
    write(corpus / "lanjing.md", LANJING)
    assert invoke("build", corpus, "-o", out).exit_code == 0
    (corpus / "qingshi.md").unlink()
    result = invoke("build", corpus, "-o", out)  # without --prune the directory keeps what it had
    assert result.exit_code == 0 and "顾明澈" in persons(out)
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary")
    result = invoke("build", corpus, "-o", out, "--prune")
    assert result.exit_code == 1 and "none removed" in result.stderr  # an input failed: nothing is taken out
    assert "顾明澈" in persons(out)
    (corpus / "broken.txt").unlink()
    extracted.clear()
    result = invoke("build", corpus, "-o", out, "--prune")
    assert result.exit_code == 0, result.output
    assert extracted == [] and "1 removed" in result.stderr
    assert persons(out) == {"沈嘉禾", "许嘉宁"}
    assert sorted(manifest(out)["documents"]) == [doc_id("lanjing.md"), doc_id("minghu.md")]
    assert "顾明澈" not in (out / "graph.ttl").read_text(encoding="utf-8")
    assert invoke("build", corpus, "-o", tmp_path / "memory", "--no-store", "--prune").exit_code == 2


def test_remove_of_an_unknown_id_is_reported(corpus, tmp_path):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    before = snapshot(out)
    result = invoke("remove", out, "no/such/article.md")
    assert result.exit_code == 1
    assert "no/such/article.md" in result.stderr and "0 removed, 1 not found" in result.stderr
    assert snapshot(out) == before and len(manifest(out)["documents"]) == 2


def test_remove_of_an_unknown_id_lists_no_file(corpus, tmp_path):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    result = invoke("remove", out, "not-a-doc.txt")
    assert result.exit_code == 1
    assert result.stdout == ""  # nothing was rewritten, so no path is printed
    assert "unknown document id 'not-a-doc.txt'" in result.stderr
    assert "manifest.json" in result.stderr  # where the known ids are listed
    known = next(iter(manifest(out)["documents"]))
    result = invoke("remove", out, "not-a-doc.txt", known)  # one known, one not: the files are rewritten
    assert result.exit_code == 1 and "1 removed, 1 not found" in result.stderr
    assert sorted(result.stdout.split()) == sorted(str(out / name) for name in DEFAULT_FILES)


def test_remove_needs_a_build_directory(tmp_path):
    result = invoke("remove", tmp_path, "x.md")
    assert result.exit_code == 2 and "not a directory written by `kgraph build`" in result.stderr


# -- names shared by several documents --------------------------------------------------------------------
def test_an_entity_named_differently_by_two_documents_has_one_name(tmp_path):
    """《晨星纪元》 and 《晨星纪元 》 are one work: the union of the document graphs must give it one
    schema:name (the preferred, as the networkx graph shows it), the other form as an alternate name; and
    when the document with the preferred form goes, the other form becomes the name again."""
    folder = tmp_path / "in"
    write(folder / "b1.txt", "星澜互娱发布了《晨星纪元》资料片，玩家反响热烈。\n")
    write(folder / "b2.txt", "星澜互娱宣布《晨星纪元 》将登陆主机平台。分析师认为《晨星纪元 》潜力很大。\n")
    out = tmp_path / "out"
    assert invoke("build", folder, "-o", out).exit_code == 0
    work = f"{ID}work/晨星纪元"
    names = select(out, f"SELECT DISTINCT ?n WHERE {{ <{work}> schema:name ?n }}")
    assert names == [("晨星纪元 ",)]
    assert ("晨星纪元",) in select(out, f"SELECT DISTINCT ?n WHERE {{ <{work}> schema:alternateName ?n }}")
    assert invoke("remove", out, folder / "b2.txt").exit_code == 0
    assert select(out, f"SELECT DISTINCT ?n WHERE {{ <{work}> schema:name ?n }}") == [("晨星纪元",)]
    assert select(out, f"SELECT DISTINCT ?n WHERE {{ <{work}> schema:alternateName ?n }}") == []


# -- export formats ---------------------------------------------------------------------------------
def test_a_directory_keeps_its_formats_and_drops_stale_files(corpus, tmp_path):
    from kgraph.store import GraphStore

    out = tmp_path / "out"
    assert invoke("build", corpus / "minghu.md", "-o", out, "-f", "turtle").exit_code == 0
    own = {"manifest.json", "fragments.sqlite"}  # the directory's bookkeeping, beside the exports
    assert {p.name for p in out.iterdir() if p.is_file()} - own == {"graph.ttl"}
    assert invoke("build", corpus / "qingshi.md", "-o", out).exit_code == 0  # no -f: still Turtle only
    assert {p.name for p in out.iterdir() if p.is_file()} - own == {"graph.ttl"}
    assert "顾明澈" in (out / "graph.ttl").read_text(encoding="utf-8")
    result = invoke("build", corpus, "-o", out, "-f", "html", "-f", "nquads")
    assert result.exit_code == 0
    assert {p.name for p in out.iterdir() if p.is_file()} - own == {"graph.html", "graph.nq"}
    lines = (out / "graph.nq").read_text(encoding="utf-8").splitlines()
    graphs = [line.rsplit(" ", 2)[1] for line in lines]
    assert len(set(graphs)) == 2 and lines == sorted(set(lines), key=lambda line: (line.rsplit(" ", 2)[1], line))
    with GraphStore(out / "store") as store:  # the quads of the file are the store's named graphs
        assert sum(store.triple_counts().values()) == len(lines)


def test_no_store_writes_only_the_files(corpus, tmp_path):
    out = tmp_path / "out"
    result = invoke("build", corpus, "-o", out, "--no-store")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(DEFAULT_FILES)


# -- robustness -------------------------------------------------------------------------------------
def test_an_unreadable_file_does_not_lose_the_others(corpus, tmp_path):
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    out = tmp_path / "out"
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 1
    assert "broken.txt" in result.stderr and "2 documents" in result.stderr and "1 failed" in result.stderr
    assert persons(out) == {"沈嘉禾", "顾明澈"}
    assert doc_id("broken.txt") not in manifest(out)["documents"]


def test_a_document_whose_extraction_crashes_does_not_lose_the_others(corpus, tmp_path, monkeypatch):
    import kgraph.pipeline

    write(corpus / "lanjing.md", LANJING)
    real = kgraph.pipeline.extract

    def crashing(documents, **kwargs):
        for item in real(documents, **kwargs):  # what kwargs["then"] made of each extraction
            if "蓝鲸" in item.extraction.document.text:
                raise RuntimeError("the pipeline broke on this text")
            yield item

    monkeypatch.setattr(kgraph.pipeline, "extract", crashing)
    out = tmp_path / "out"
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if "lanjing.md" in line]
    assert failed and "extraction failed" in failed[0] and "the pipeline broke" in failed[0]
    assert persons(out) == {"沈嘉禾", "顾明澈"}
    assert sorted(manifest(out)["documents"]) == [doc_id("minghu.md"), doc_id("qingshi.md")]
    monkeypatch.setattr(kgraph.pipeline, "extract", real)
    result = invoke("build", corpus, "-o", out)  # once the pipeline works, only the failed one is extracted
    assert result.exit_code == 0 and "1 documents (1 new" in result.stderr and "2 unchanged" in result.stderr


def test_a_document_that_cannot_be_stored_keeps_its_previous_version(corpus, tmp_path, monkeypatch):
    from kgraph.store import GraphStore

    out = tmp_path / "out"
    write(corpus / "lanjing.md", LANJING)
    assert invoke("build", corpus, "-o", out).exit_code == 0
    before = manifest(out)["documents"][doc_id("lanjing.md")]
    cache_before = (out / before["cache"]).read_bytes()
    real = GraphStore.replace_graphs

    def failing(self, graphs, drop=()):
        if any("戴文博" in line for lines in graphs.values() for line in lines):
            raise OSError("disk full")
        return real(self, graphs, drop)

    monkeypatch.setattr(GraphStore, "replace_graphs", failing)
    write(corpus / "lanjing.md", LANJING.replace("许嘉宁", "戴文博"))
    write(corpus / "new.txt", "澄溪银行行长韩立舟表示，银行将开设新网点。\n")
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 1
    assert any("lanjing.md" in line and "disk full" in line for line in result.stderr.splitlines())
    assert "1 documents (1 new, 0 changed)" in result.stderr
    assert persons(out) == {"沈嘉禾", "顾明澈", "许嘉宁", "韩立舟"}
    assert manifest(out)["documents"][doc_id("lanjing.md")] == before
    assert (out / before["cache"]).read_bytes() == cache_before


def test_an_interrupted_build_keeps_what_it_finished(corpus, tmp_path, monkeypatch):
    from kgraph.corpus import Corpus

    out = tmp_path / "out"
    assert invoke("build", corpus / "minghu.md", "-o", out).exit_code == 0
    files_before = snapshot(out)
    write(corpus / "lanjing.md", LANJING)
    real = Corpus.add

    def interrupted(self, extraction, settings=None):  # a Prepared extraction, from the build
        if extraction.extraction.document.id.endswith("qingshi.md"):
            raise KeyboardInterrupt
        return real(self, extraction, settings)

    monkeypatch.setattr(Corpus, "add", interrupted)
    result = CliRunner().invoke(main, ["build", str(corpus), "-o", str(out)])
    assert isinstance(result.exception, KeyboardInterrupt) or result.exit_code != 0
    assert snapshot(out) == files_before  # the files of the last finished build, untouched
    state = manifest(out)
    assert sorted(state["documents"]) == [doc_id("lanjing.md"), doc_id("minghu.md")]
    assert state["writing"] is True  # so the next open checks every graph
    monkeypatch.setattr(Corpus, "add", real)
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 0 and "1 documents (1 new" in result.stderr and "2 unchanged" in result.stderr
    assert persons(out) == {"沈嘉禾", "顾明澈", "许嘉宁"}
    assert manifest(out)["writing"] is False


def test_a_killed_build_is_repaired_when_the_directory_is_opened(corpus, tmp_path):
    """A process killed mid-build leaves graphs the manifest does not know and a manifest still marked as
    being written: the next open drops the stray graph and rewrites every graph from the cache."""
    from kgraph.corpus import Corpus
    from kgraph.store import GraphStore, store_path

    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    state = manifest(out)
    minghu = state["documents"][doc_id("minghu.md")]
    with GraphStore(store_path(out)) as store:  # what a kill between store and manifest would leave
        store.replace_graph(f"{ID}doc/stray#graph", [f"<{ID}person/ghost> <https://schema.org/name> \"幽灵\"@zh ."])
        store.remove_graphs([minghu["graph"]])
        store.replace_graph(state["documents"][doc_id("qingshi.md")]["graph"], [])
    state["writing"] = True
    (out / "manifest.json").write_text(json.dumps(state), encoding="utf-8")
    with Corpus(out) as opened:
        opened.open()
        counts = opened.store.triple_counts()
    assert sorted(counts) == sorted(entry["graph"] for entry in state["documents"].values())
    assert all(n > 10 for n in counts.values())
    assert persons(out) == {"沈嘉禾", "顾明澈"}
    assert manifest(out)["writing"] is False


def test_a_lost_store_is_rebuilt_from_the_cache_without_extraction(corpus, tmp_path, extracted):
    import shutil

    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    shutil.rmtree(out / "store")
    extracted.clear()
    write(corpus / "lanjing.md", LANJING)
    assert invoke("build", corpus, "-o", out).exit_code == 0
    assert extracted == [doc_id("lanjing.md")]
    assert persons(out) == {"沈嘉禾", "顾明澈", "许嘉宁"}


def test_a_lost_cache_file_makes_its_document_extracted_again(corpus, tmp_path, extracted):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    qingshi = doc_id("qingshi.md")
    (out / manifest(out)["documents"][qingshi]["cache"]).unlink()
    extracted.clear()
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 0 and "1 documents (1 new" in result.stderr
    assert extracted == [qingshi]
    assert persons(out) == {"沈嘉禾", "顾明澈"}
    assert len(select(out, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")) == 2


def test_no_export_updates_the_store_and_a_later_build_catches_up(corpus, tmp_path, extracted):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    before = snapshot(out)
    write(corpus / "lanjing.md", LANJING)
    result = invoke("build", corpus, "-o", out, "--no-export")
    assert result.exit_code == 0 and "files not rewritten" in result.stderr and result.stdout == ""
    assert "许嘉宁" in persons(out)
    assert snapshot(out) == before
    extracted.clear()
    result = invoke("build", corpus, "-o", out)  # nothing to extract, but the files are behind
    assert result.exit_code == 0 and extracted == []
    assert "许嘉宁" in (out / "graph.html").read_text(encoding="utf-8")
    assert sorted(result.stdout.split()) == sorted(str(out / name) for name in DEFAULT_FILES)


def test_formats_given_with_no_export_are_remembered(corpus, tmp_path):
    out = tmp_path / "out"
    assert invoke("build", corpus / "minghu.md", "-o", out).exit_code == 0  # the default formats
    own = {"manifest.json", "fragments.sqlite"}
    result = invoke("build", corpus / "qingshi.md", "-o", out, "-f", "turtle", "--no-export")
    assert result.exit_code == 0 and result.stdout == ""
    assert {p.name for p in out.iterdir() if p.is_file()} - own == set(DEFAULT_FILES) - {"store"}  # untouched
    result = invoke("build", corpus, "-o", out)  # no -f: the formats of the --no-export build
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [str(out / "graph.ttl")]
    assert {p.name for p in out.iterdir() if p.is_file()} - own == {"graph.ttl"}
    assert "顾明澈" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_nothing_readable_leaves_no_directory(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    result = invoke("build", bad, "-o", out)
    assert result.exit_code == 2 and "no document could be read" in result.stderr
    assert not out.exists()


def test_a_store_in_use_is_reported(corpus, tmp_path):
    from kgraph.query import load_graph, run_query
    from kgraph.store import GraphStore, store_path

    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    with GraphStore(store_path(out)):
        result = invoke("build", corpus, "-o", out)
        assert result.exit_code == 1 and "in use by another kgraph process" in result.stderr
        # a query while the store is being written reads the last exported files instead
        dataset = load_graph(out)
        assert {str(r[0]) for r in run_query(dataset, PERSONS)} == {"沈嘉禾", "顾明澈"}


# -- querying ---------------------------------------------------------------------------------------
def test_query_on_the_directory_and_on_a_file(corpus, tmp_path):
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    for target in (out, out / "graph.ttl", out / "graph.trig"):
        result = invoke("query", target, PERSONS, "--format", "csv")
        assert result.exit_code == 0, result.output
        assert result.stdout.split() == ["n", "沈嘉禾", "顾明澈"], target
    identifiers = "SELECT ?id ?h WHERE { ?d schema:identifier ?id ; schema:headline ?h } ORDER BY ?id"
    as_json = [invoke("query", target, identifiers, "--format", "json").stdout for target in (out, out / "graph.trig")]
    assert as_json[0] == as_json[1]  # plain strings stay plain, language tags stay
    assert '"xml:lang": "zh"' in as_json[0] and "datatype" not in as_json[0]
    bad = invoke("query", out, "SELECT ?x WHERE { ?x ")
    assert bad.exit_code == 1 and "invalid SPARQL" in bad.stderr


def test_a_triple_several_documents_state_is_counted_once(corpus, tmp_path):
    """Both articles describe 明湖科技: the union the queries see is a set of triples (Oxigraph 0.5's own
    union-default-graph mode would count the triple once per graph)."""
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    in_graphs = select(out, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{ID}organization/明湖科技> a schema:Organization }} }}")
    assert in_graphs == [("2",)]
    from kgraph.query import load_graph, run_query

    organisations = "SELECT ?n WHERE { ?o a schema:Organization ; schema:name ?n } ORDER BY ?n"
    names = select(out, organisations)
    assert names.count(("明湖科技",)) == 1 and len(names) == len(set(names))
    from_file = load_graph(out / "graph.trig")
    assert names == [tuple(map(str, row)) for row in run_query(from_file, organisations)]
    counting = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert select(out, counting) == [tuple(map(str, row)) for row in run_query(from_file, counting)]


def test_example_queries_answer_alike_on_the_store_and_on_its_file(corpus, tmp_path):
    from conftest import REPO

    from kgraph.query import load_graph, run_query

    write(corpus / "lanjing.md", LANJING)
    out = tmp_path / "out"
    assert invoke("build", corpus, "-o", out).exit_code == 0
    file_dataset = load_graph(out / "graph.trig")
    store_dataset = load_graph(out)
    answered = 0
    try:
        for rq in sorted((REPO / "examples" / "queries").glob("*.rq")):
            text = rq.read_text(encoding="utf-8")
            from_store = sorted(tuple(map(str, row)) for row in run_query(store_dataset, text))
            from_file = sorted(tuple(map(str, row)) for row in run_query(file_dataset, text))
            assert from_store == from_file, rq.name
            answered += bool(from_store)
    finally:
        store_dataset.store.close()
    assert answered >= 4  # positions, heads, events, statements at least


# -- the cache format -------------------------------------------------------------------------------
def test_an_extraction_survives_the_json_cache():
    from conftest import make_extraction

    from kgraph.corpus import extraction_from_data, extraction_to_data

    extraction = make_extraction()
    data = json.loads(json.dumps(extraction_to_data(extraction), ensure_ascii=False))
    assert extraction_from_data(data) == extraction


def test_jsonld_of_triples_reads_back_as_the_same_triples(tmp_path):
    import rdflib

    from kgraph.exporters import write_files
    from kgraph.exporters.rdf import JsonLdExporter
    from kgraph.rdf import union_by_subject

    def jsonld_bytes(data: bytes) -> bytes:
        exporter = JsonLdExporter()
        subjects = union_by_subject([data.decode("utf-8").splitlines()])
        fragments = [body for _, _, body in exporter.fragments(subjects)]
        (path,) = write_files(tmp_path, exporter.assemble(None, None, lambda section: fragments))
        return path.read_bytes()

    lines = sorted([
        f'<{ID}person/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Person> .',
        f'<{ID}person/a> <https://schema.org/name> "甲 \\"乙\\""@zh .',
        f'<{ID}person/a> <https://w3id.org/kgraph/ontology#confidence> "0.9"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
        f'<{ID}person/a> <https://schema.org/worksFor> <{ID}organization/b> .',
        f'<{ID}organization/b> <https://schema.org/identifier> "b-1" .',
        f'<{ID}organization/b> <http://example.org/odd#p> "x" .',
    ])
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    document = json.loads(jsonld_bytes(data))
    assert document["@context"]["@vocab"] == "https://schema.org/" and "kg" in document["@context"]
    person = next(node for node in document["@graph"] if node["@id"].endswith("person/a"))
    assert person["@type"] == ["Person"] and "kg:confidence" in person and "worksFor" in person
    parsed = rdflib.Graph().parse(data=jsonld_bytes(data).decode("utf-8"), format="json-ld")
    assert set(parsed) == set(rdflib.Graph().parse(data=data.decode("utf-8"), format="nt"))
    assert jsonld_bytes(data) == jsonld_bytes(data)
