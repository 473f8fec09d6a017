"""Odd and hostile input (issue 13): whatever the text holds, no crash, no lost document, no network call, no
file read, time linear in the text. Each test names the item of the issue it covers."""
from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

import kgraph
from kgraph.cli import main

GOOD = "快手科技创始人宿华表示，公司将推出“光合计划”。阿里巴巴集团董事长张勇出席了活动。"
# every character str.splitlines() cuts at, and controls XML and JSON treat specially
SEPARATORS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e\x7f\x01\x1b\ufffe\ufeff\u200b"
ODD = f"晶澜科技联合创始人周子健{SEPARATORS}表示，团队将扩大。分析师孙晓明认为，\u2028市场仍有空间。小米公司董事长雷军\x85说。"


def invoke(*args, input: str | None = None):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="kgraph", input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# -- 1. separators and controls in article text -------------------------------------------------------

def test_item1_every_format_carries_separator_characters(tmp_path):
    import networkx as nx
    import pyoxigraph as ox
    from rdflib import Dataset, Graph

    kg = kgraph.build([GOOD, ODD])
    assert kg.report.documents == 2
    written = kg.save(tmp_path, formats=["turtle", "ntriples", "nquads", "trig", "jsonld", "graphml", "csv", "html"])
    assert len(written) == 9
    sentences = set()
    for name, rdf_format, ox_format in [("graph.ttl", "turtle", ox.RdfFormat.TURTLE),
                                        ("graph.nt", "nt", ox.RdfFormat.N_TRIPLES),
                                        ("graph.jsonld", "json-ld", ox.RdfFormat.JSON_LD)]:
        graph = Graph().parse(tmp_path / name, format=rdf_format)
        assert len(list(ox.parse(path=tmp_path / name, format=ox_format))) == len(graph)
        sentences |= {str(o) for o in graph.objects() if "\u2028" in str(o)}
    for name, rdf_format in [("graph.trig", "trig"), ("graph.nq", "nquads")]:
        assert len(Dataset().parse(tmp_path / name, format=rdf_format)) > 0
    # escaped, not stripped: the evidence sentence keeps its separators
    assert any(SEPARATORS in s for s in sentences), sentences
    ElementTree.parse(tmp_path / "graph.graphml")
    nx.read_graphml(tmp_path / "graph.graphml")
    for name in ("nodes.csv", "edges.csv"):
        with open(tmp_path / name, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert len({len(row) for row in rows}) == 1
    assert "\u2028" not in (tmp_path / "graph.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("store", ["--store", "--no-store"])
def test_item1_build_keeps_a_document_with_separators(tmp_path, store):
    folder = tmp_path / "in"
    write(folder / "good.txt", GOOD)
    write(folder / "odd.txt", ODD)
    out = tmp_path / "out"
    result = invoke("build", folder, "-o", out, store, "-f", "turtle", "-f", "ntriples")
    assert result.exit_code == 0, result.stderr
    assert "2 documents" in result.stderr
    turtle = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "周子健" in turtle and "宿华" in turtle
    assert "\u2028" in (out / "graph.nt").read_text(encoding="utf-8")


# -- 2. lone surrogates ---------------------------------------------------------------------------------

def surrogate_corpus(tmp_path: Path) -> Path:
    lines = [json.dumps({"id": "good", "text": GOOD}),
             '{"id": "bad", "title": "\\udc00标题", "text": "晶澜科技联合创始人周子健\\ud800表示，团队将扩大。"}']
    return write(tmp_path / "corpus.jsonl", "\n".join(lines) + "\n")


def test_item2_extract_replaces_lone_surrogates_and_names_the_document(tmp_path, caplog):
    result = invoke("extract", surrogate_corpus(tmp_path))
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["document"] for r in records] == ["good", "bad"]
    assert any("\ufffd" in f["sentence"] for f in records[1]["facts"]) or records[1]["entities"]
    assert "corpus.jsonl:2" in caplog.text and "U+FFFD" in caplog.text  # the warning (logged) names the record


@pytest.mark.parametrize("store", ["--store", "--no-store"])
def test_item2_build_keeps_every_record(tmp_path, store):
    out = tmp_path / "out"
    result = invoke("build", surrogate_corpus(tmp_path), "-o", out, store, "-f", "turtle")
    assert result.exit_code == 0, result.stderr
    assert "2 documents" in result.stderr
    assert "\ufffd标题" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_item2_python_api_takes_lone_surrogates(caplog):
    kg = kgraph.build(["晶澜科技联合创始人周子健\ud800表示，团队将扩大。", GOOD])
    assert kg.report.documents == 2 and not kg.report.failures
    assert "text-1" in caplog.text and "U+FFFD" in caplog.text
    text = kg.to_rdf().serialize(format="turtle")
    assert "\ud800" not in text


# -- 3. texts longer than spaCy's max_length ------------------------------------------------------------

LONG_FILLER = "\n" * 60_000


@pytest.fixture
def small_max_length():
    """spaCy's max_length (1,000,000) lowered to 30,000 for the pipeline in use: a 60,000-character text is then
    "too long" for spaCy as a 1,000,001-character one is, at a twentieth of the time (benchmarks/bench_scaling.py
    runs real millions)."""
    from kgraph.pipeline import make_nlp

    nlp = make_nlp("jieba")
    saved, nlp.max_length = nlp.max_length, 30_000
    yield
    nlp.max_length = saved


def test_item3_a_text_over_spacys_max_length_is_processed_in_pieces(small_max_length):
    text = LONG_FILLER + ODD + "\n" + GOOD
    kg = kgraph.build([text, GOOD])
    assert kg.report.documents == 2 and not kg.report.failures
    from kgraph.loaders import document_from_text
    from kgraph.pipeline import extract_one

    extraction = extract_one(document_from_text(text, id="long"))
    names = {e.name for e in extraction.entities}
    assert {"宿华", "周子健"} <= names
    for entity in extraction.entities:  # offsets relative to the whole text
        for start, end in entity.mentions:
            assert start >= len(LONG_FILLER) and text[start:end] in (entity.name, *entity.aliases), entity
    for fact in extraction.facts:
        assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.sentence


def test_item3_pieces_cut_at_paragraphs_and_keep_offsets(monkeypatch):
    from kgraph import pipeline
    from kgraph.loaders import document_from_text

    text = "\n".join([GOOD, ODD, "星河科技董事长张三说，公司将推出“繁星计划”。"] * 4)
    whole = pipeline.extract_one(document_from_text(text, id="d"))
    spans = pipeline.pieces(text, limit=120)
    assert len(spans) > 3 and spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(text[end - 1] == "\n" for _, end in spans[:-1])  # cut after a paragraph break
    monkeypatch.setattr(pipeline, "PIECE_CHARS", 120)
    monkeypatch.setattr(pipeline.pieces, "__defaults__", (120,))
    pieced = pipeline.extract_one(document_from_text(text, id="d"))
    assert {e.ref for e in pieced.entities} == {e.ref for e in whole.entities}
    assert sorted(m for e in pieced.entities for m in e.mentions) == sorted(m for e in whole.entities for m in e.mentions)
    assert sorted((f.relation, f.evidence.start) for f in pieced.facts) == \
        sorted((f.relation, f.evidence.start) for f in whole.facts)


@pytest.mark.parametrize("store", ["--store", "--no-store"])
def test_item3_build_and_extract_keep_a_long_file(tmp_path, store, small_max_length):
    folder = tmp_path / "in"
    write(folder / "a-long.txt", LONG_FILLER + GOOD)
    write(folder / "b-good.txt", ODD)
    out = tmp_path / "out"
    result = invoke("build", folder, "-o", out, store, "-f", "turtle")
    assert result.exit_code == 0, result.stderr
    assert "2 documents" in result.stderr
    assert "宿华" in (out / "graph.ttl").read_text(encoding="utf-8")
    if store == "--no-store":
        extracted = invoke("extract", folder)
        assert extracted.exit_code == 0 and len(extracted.stdout.splitlines()) == 2  # separators written escaped
        assert "\u2028" in json.loads(extracted.stdout.splitlines()[1])["facts"][-1]["sentence"]


# -- 4. blank texts --------------------------------------------------------------------------------------

def test_item4_a_blank_text_is_recorded_and_the_good_one_kept():
    kg = kgraph.build([GOOD, "  \n "])
    assert kg.report.documents == 1
    assert [str(f) for f in kg.report.failures] == ["text-2: empty text"]
    assert "宿华" in kg.to_rdf().serialize(format="turtle")


@pytest.mark.parametrize("blank, as_text", [("", False), ("  \n ", False), ("", True)])
def test_item4_building_only_a_blank_string_says_empty_text(blank, as_text):
    from kgraph.model import LoadError

    with pytest.raises(LoadError, match="empty text"):
        kgraph.build(kgraph.Text(blank) if as_text else blank)


# -- 5. bounded work per sentence -----------------------------------------------------------------------

def test_item5_sentences_are_cut_at_the_maximum_length():
    from kgraph.nlp.components import MAX_SENTENCE_CHARS, sentence_spans
    from kgraph.pipeline import make_nlp

    nlp = make_nlp("jieba")
    run = "星河科技董事长张三说公司将推出繁星计划" * 400 + "，另外" + "百度营收增长三成" * 300  # no sentence end
    doc = nlp.get_pipe("kgraph_sentencizer")(nlp.make_doc(run))
    spans = sentence_spans(doc)
    assert len(spans) >= len(run) // MAX_SENTENCE_CHARS
    assert max(end - start for start, end in spans) <= MAX_SENTENCE_CHARS
    assert any(run[start - 1] == "，" for start, _ in spans[1:])  # the clause mark is a preferred cut
    ordinary = nlp.get_pipe("kgraph_sentencizer")(nlp.make_doc(GOOD))
    assert sentence_spans(ordinary) == [(0, GOOD.index("。") + 1), (GOOD.index("。") + 1, len(GOOD))]


# -- 6. queries are local ---------------------------------------------------------------------------------

class ConnectionRecorder:
    """A TCP server on 127.0.0.1 that records every connection (and answers nothing useful)."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self):
        self._stop = True
        self._thread.join()
        self.server.close()


@pytest.fixture
def recorder():
    server = ConnectionRecorder()
    yield server
    server.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("query")
    write(folder / "good.txt", GOOD)
    out = folder / "out"
    assert invoke("build", folder / "good.txt", "-o", out, "-f", "turtle").exit_code == 0
    return out


@pytest.mark.parametrize("target", ["directory", "file"])
@pytest.mark.parametrize("shape", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?p ?x }} }} }}",
    "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "ASK FROM <{url}> {{ ?s ?p ?o }}",
])
def test_item6_query_refuses_remote_data_without_a_request(built, recorder, target, shape):
    graph = built if target == "directory" else built / "graph.ttl"
    query = shape.format(url=f"http://127.0.0.1:{recorder.port}/sparql")
    result = invoke("query", graph, query)
    assert result.exit_code == 1
    assert "outside the graph" in result.stderr and "--allow-remote" in result.stderr
    time.sleep(0.3)
    assert recorder.connections == 0


@pytest.mark.parametrize("target", ["directory", "file"])
def test_item6_allow_remote_lets_service_through_and_fails_cleanly(built, recorder, target):
    graph = built if target == "directory" else built / "graph.ttl"
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{recorder.port}/sparql> {{ ?s ?p ?o }} }}"
    result = invoke("query", "--allow-remote", graph, query)
    assert result.exit_code == 1 and "the query failed" in result.stderr
    time.sleep(0.3)
    assert recorder.connections >= 1  # the recorder does see requests: its silence above means something


def test_item6_check_local_is_one_reusable_function():
    from kgraph.query import QueryError, RemoteQueryError, check_local, run_query

    check_local('SELECT * WHERE { ?s ?p "SERVICE <http://x/> FROM <http://y/>" }')  # inside a string: fine
    with pytest.raises(RemoteQueryError):
        check_local("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    check_local("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", allow_remote=True)
    with pytest.raises(QueryError):
        check_local("SELECT * WHERE {")
    with pytest.raises(RemoteQueryError):
        run_query(kgraph.build([GOOD]), "SELECT * FROM <http://127.0.0.1:9/> WHERE { ?s ?p ?o }")


# -- 7. text is never a path ------------------------------------------------------------------------------

def test_item7_text_is_never_read_as_a_path(tmp_path):
    secret = write(tmp_path / "secret.txt", "机密公司董事长王秘密说。")
    kg = kgraph.build([kgraph.Text(str(secret)), kgraph.Text(GOOD)])
    assert kg.report.documents == 2
    turtle = kg.to_rdf().serialize(format="turtle")
    assert "王秘密" not in turtle
    assert "宿华" in turtle
    # the documented default: a plain string that names a file is that file
    assert "王秘密" in kgraph.build([str(secret)]).to_rdf().serialize(format="turtle")


# -- 8. two builds at once ----------------------------------------------------------------------------------

def test_item8_two_builds_started_together_the_second_is_refused_at_once(tmp_path):
    folder = tmp_path / "in"
    for n in range(40):
        write(folder / f"a{n:02}.txt", f"第{n}篇。" + GOOD + ODD)
    out = tmp_path / "new" / "out"
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    command = [sys.executable, "-m", "kgraph.cli", "build", str(folder), "-o", str(out), "-f", "turtle"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    results = [(p.wait(timeout=300), p.stderr.read()) for p in (first, second)]
    for p in (first, second):
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    refused = next(err for code, err in results if code == 1)
    assert "in use by another kgraph process" in refused
    assert "skipped" not in refused and "cannot store" not in refused
    assert (out / "graph.ttl").is_file()


# -- 11. push URLs ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("option, url, problem", [
    ("--endpoint", "notaurl", "not an http:// or https:// URL"),
    ("--endpoint", "ftp://example.org/sparql", "not an http:// or https:// URL"),
    ("--graph-store", "http://[::1", "not a valid URL"),
    ("--endpoint", "http://localhost:99999/query", "not a valid URL"),
    ("--endpoint", "http:///query", "names no host"),
])
def test_item11_push_with_a_bad_url_is_a_usage_error(built, option, url, problem):
    args = ["push", built, "--endpoint", "http://127.0.0.1:1/query"]
    args += [option, url] if option == "--graph-store" else []
    if option == "--endpoint":
        args[-1] = url
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert problem in result.stderr and url in result.stderr
