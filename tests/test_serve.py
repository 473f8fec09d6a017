"""`kgraph serve`: the explorer over a build directory and its read-only SPARQL endpoint, as clients use them."""
from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from conftest import make_extraction
from test_explorer import COMPANIES, corpus_extraction
from webdriver import Browser, available, free_port

from kgraph.cli import main
from kgraph.corpus import Corpus

pytest.importorskip("starlette", reason="kgraph[serve] (Starlette, uvicorn) is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="kgraph[serve] (Starlette, uvicorn) is not installed")

HOSTILE_NAME = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PEOPLE = "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("served")
    with Corpus(directory) as corpus:
        for j in range(12):
            corpus.add(corpus_extraction(j))
        corpus.add(make_extraction(person=HOSTILE_NAME, doc_id="hostile"))
        corpus.export()
    return directory


class Server:
    """The application of ``create_app`` served by uvicorn in a thread, on a free loopback port."""

    def __init__(self, directory, **options):
        from kgraph.serve import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(directory, **options), host="127.0.0.1",
                                                    port=self.port, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

    def close(self):
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture(scope="module")
def server(build_dir):
    running = Server(build_dir)
    yield running
    running.close()


def request(url: str, *, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str, bytes]:
    """(status, content type, body) of a request, also for error statuses."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=60) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode("utf-8")


def test_sparql_answers_in_every_result_format(server):
    status, media, body = request(f"{server.url}/sparql?query={urllib.parse.quote(PEOPLE)}",
                                  headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and media.startswith("application/sparql-results+json")
    names = [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert "人物07" in names and HOSTILE_NAME in names

    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    status, media, body = request(f"{server.url}/sparql", data=form(query=PEOPLE),
                                  headers={**form_type, "Accept": "text/csv"})
    assert status == 200 and media.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["name"] and ["人物07"] in rows

    status, media, body = request(f"{server.url}/sparql", data=PEOPLE.encode("utf-8"),
                                  headers={"Content-Type": "application/sparql-query",
                                           "Accept": "text/tab-separated-values"})
    assert status == 200 and media.startswith("text/tab-separated-values") and '"人物07"@zh' in body.decode("utf-8")

    status, media, body = request(f"{server.url}/sparql", data=form(query="ASK { ?s a schema:Organization }"),
                                  headers={**form_type, "Accept": "application/sparql-results+xml"})
    assert status == 200 and media.startswith("application/sparql-results+xml")
    assert ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"

    construct = "CONSTRUCT { ?o schema:name ?n } WHERE { ?o a schema:Organization ; schema:name ?n }"
    status, media, body = request(f"{server.url}/sparql", data=form(query=construct),
                                  headers={**form_type, "Accept": "text/turtle"})
    assert status == 200 and media.startswith("text/turtle") and COMPANIES[0] in body.decode("utf-8")


def test_sparql_refuses_updates_with_a_clear_status(server):
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    for data, headers in ((form(update="DROP ALL"), form_type),
                          (form(query="DELETE WHERE { ?s ?p ?o }"), form_type),
                          (b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", {"Content-Type": "application/sparql-update"})):
        status, _, body = request(f"{server.url}/sparql", data=data, headers=headers)
        assert status == 403 and b"read-only" in body
    status, _, body = request(f"{server.url}/sparql?update={urllib.parse.quote('CLEAR ALL')}")
    assert status == 403
    federated = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    status, _, body = request(f"{server.url}/sparql", data=form(query=federated), headers=form_type)
    assert status == 400 and b"SERVICE" in body  # the server would otherwise request any address it names
    for remote in ("SELECT * FROM <http://127.0.0.1:1/data> WHERE { ?s ?p ?o }",
                   "SELECT * FROM NAMED <http://127.0.0.1:1/data> WHERE { GRAPH ?g { ?s ?p ?o } }"):
        status, _, body = request(f"{server.url}/sparql", data=form(query=remote), headers=form_type)
        assert status == 400 and b"FROM" in body  # the same local-only rule as kgraph query
    status, _, body = request(f"{server.url}/sparql", data=form(query="SELEC nonsense"), headers=form_type)
    assert status == 400 and b"invalid SPARQL query" in body
    # nothing was changed
    status, _, body = request(f"{server.url}/sparql?query={urllib.parse.quote(PEOPLE)}")
    assert "人物07" in body.decode("utf-8")


def test_a_query_over_the_time_limit_is_stopped_with_a_clear_error(build_dir):
    slow = Server(build_dir, query_seconds=0.5)
    try:
        cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        started = time.monotonic()
        status, _, body = request(f"{slow.url}/sparql?query={urllib.parse.quote(cross)}")
        assert status == 503 and b"time limit" in body
        assert time.monotonic() - started < 10
        status, _, _ = request(f"{slow.url}/sparql?query={urllib.parse.quote('ASK { ?s ?p ?o }')}")
        assert status == 200  # the endpoint still answers
    finally:
        slow.close()


def test_a_build_holding_the_store_does_not_break_it(server, build_dir):
    with Corpus(build_dir) as corpus:  # what a running build does: it holds the store's lock
        corpus.store  # noqa: B018 - opens and locks the store
        status, _, body = request(f"{server.url}/sparql?query={urllib.parse.quote(PEOPLE)}")
        assert status == 200 and "人物07" in body.decode("utf-8")
        status, _, body = request(f"{server.url}/api/search?q=" + urllib.parse.quote("人物07"))
        assert status == 200 and json.loads(body)[0]["node"]["label"] == "人物07"
        # started while the build runs: it reads the exported files
        late = Server(build_dir)
        try:
            status, _, body = request(f"{late.url}/sparql?query={urllib.parse.quote(PEOPLE)}")
            assert status == 200 and "人物07" in body.decode("utf-8")
        finally:
            late.close()


def test_the_api_answers_the_explorer(server):
    status, _, body = request(f"{server.url}/api/view?kinds=organization,person,brand&min_docs=1")
    view = json.loads(body)
    assert status == 200 and view["nodes"][0]["label"] == COMPANIES[0]  # in every article
    assert {n["label"] for n in view["nodes"][:5]} == set(COMPANIES)
    assert set(view["positions"]) == {n["iri"] for n in view["nodes"]}
    kinds = "kinds=organization,person,brand"
    one = json.loads(request(f"{server.url}/api/view?{kinds}&article=article-07")[2])
    assert {n["label"] for n in one["nodes"]} == {COMPANIES[0], COMPANIES[2], "人物07", "品牌7甲", "品牌7乙", "品牌7丙"}
    frequent = json.loads(request(f"{server.url}/api/view?{kinds}&min_docs=6")[2])
    assert {n["label"] for n in frequent["nodes"]} == {COMPANIES[0], COMPANIES[1], COMPANIES[2]}  # 12, 8, 6 articles; the others 5 and fewer
    december = json.loads(request(f"{server.url}/api/view?{kinds}&from=2018-12-01&to=2018-12-31")[2])
    assert "人物11" in {n["label"] for n in december["nodes"]} and "人物10" not in {n["label"] for n in december["nodes"]}
    status, _, body = request(f"{server.url}/api/search?q=" + urllib.parse.quote("人物0"))
    assert [m["node"]["label"] for m in json.loads(body)][:2] == ["人物00", "人物01"]
    iri = next(n["iri"] for n in view["nodes"] if n["label"] == COMPANIES[1])
    status, _, body = request(f"{server.url}/api/entity?iri=" + urllib.parse.quote(iri))
    profile = json.loads(body)
    assert profile["node"]["label"] == COMPANIES[1] and any(e["relation"] == "member_of" for e in profile["edges"])
    assert profile["comentions"][0][0] == view["nodes"][0]["iri"]
    assert request(f"{server.url}/api/entity?iri=urn:nothing")[0] == 404


def test_cli_binds_loopback_by_default_and_warns_otherwise(build_dir, monkeypatch):
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    result = CliRunner().invoke(main, ["serve", str(build_dir)])
    assert result.exit_code == 0, result.output
    assert calls[-1]["host"] == "127.0.0.1" and "only this machine can connect" in result.output
    result = CliRunner().invoke(main, ["serve", str(build_dir), "--host", "0.0.0.0", "--port", "8123"])
    assert calls[-1]["host"] == "0.0.0.0" and calls[-1]["port"] == 8123 and "warning" in result.output
    result = CliRunner().invoke(main, ["serve", str(build_dir.parent)])
    assert result.exit_code == 2 and "not a directory written by `kgraph build`" in result.output


def test_a_missing_extra_is_named(build_dir, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "starlette", None)
    result = CliRunner().invoke(main, ["serve", str(build_dir)])
    assert result.exit_code == 2 and "pip install 'kgraph[serve]'" in result.output


@pytest.mark.skipif(not available(), reason="headless Chromium and chromedriver are not installed")
@pytest.mark.browser
def test_served_page_searches_and_keeps_hostile_text_as_text(server):
    with Browser(1200, 800) as browser:
        browser.open(f"{server.url}/#q=script")
        title = browser.wait_for("var h = document.querySelector('#kg-panel h2'); return h && h.textContent")
        assert title == HOSTILE_NAME
        assert browser.run("return document.querySelectorAll('img').length") == 0
        assert browser.run("return document.body.getAttribute('data-kg-rendered')") == "true"
        browser.search(COMPANIES[2])
        assert browser.wait_for("var h = document.querySelector('#kg-panel h2'); "
                                "return h && h.textContent !== arguments[0] && h.textContent", 30, HOSTILE_NAME) \
            == COMPANIES[2]
        evidence = browser.run("return document.querySelector('#kg-panel .kg-evidence').textContent")
        assert "总裁" in evidence
