"""`kgraph push`: every named graph of a build directory into a SPARQL 1.1 store over the Graph Store HTTP
Protocol. Against a real Oxigraph server (`pip install oxigraph` provides the `oxigraph` command), and a
small stdlib server for authentication and for what a store answers when something is wrong."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli import main

ARTICLES = {
    "minghu.md": "---\ntitle: 明湖科技推出萤火计划\n---\n明湖科技高级副总裁沈嘉禾表示，公司将推出“萤火计划”。\n",
    "qingshi.md": "---\ntitle: 青石资本领投\n---\n青石资本合伙人顾明澈表示，芯片市场仍有空间。明湖科技完成新一轮融资。\n",
}


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="kgraph")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local_counts(directory: Path) -> dict[str, int]:
    from kgraph.store import GraphStore, store_path

    with GraphStore(store_path(directory)) as store:
        return store.triple_counts()


def build(folder: Path, out: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = invoke("build", folder, "-o", out, "-f", "turtle")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("push")
    return build(root / "articles", root / "out", ARTICLES)


# -- a real Oxigraph server ---------------------------------------------------------------------------
class Oxigraph:
    def __init__(self, base: str):
        self.base = base
        self.query_url, self.store_url = f"{base}/query", f"{base}/store"

    def select(self, sparql: str) -> list[dict]:
        data = urllib.parse.urlencode({"query": sparql}).encode("ascii")
        request = urllib.request.Request(self.query_url, data=data,
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["results"]["bindings"]

    def counts(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


@pytest.fixture
def oxigraph(tmp_path):
    # the venv's bin directory need not be on PATH (make test runs .venv/bin/pytest): look beside Python first
    executable = shutil.which("oxigraph", path=os.pathsep.join([os.path.dirname(sys.executable),
                                                                os.environ.get("PATH", "")]))
    if executable is None:
        pytest.skip("no `oxigraph` server command (pip install oxigraph)")
    port = free_port()
    process = subprocess.Popen([executable, "serve", "--location", str(tmp_path / "oxigraph"),
                                "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Oxigraph(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"oxigraph serve exited: {process.stderr.read().decode(errors='replace')}")
            try:
                server.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not answer within 30 s")
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def test_push_loads_every_named_graph_into_oxigraph(built, oxigraph):
    result = invoke("push", built, "--endpoint", oxigraph.query_url, "--graph-store", oxigraph.store_url)
    assert result.exit_code == 0, result.output
    local = local_counts(built)
    assert len(local) == 2 and all(n > 0 for n in local.values())
    assert f"2 graphs, {sum(local.values())} triples pushed" in result.stderr and "(checked)" in result.stderr
    assert oxigraph.counts() == local
    names = oxigraph.select("SELECT ?n WHERE { GRAPH ?g { ?p a <https://schema.org/Person> ; "
                            "<https://schema.org/name> ?n } } ORDER BY ?n")
    assert [row["n"]["value"] for row in names] == ["沈嘉禾", "顾明澈"]


def test_pushing_again_replaces_each_graph(tmp_path, oxigraph):
    out = build(tmp_path / "articles", tmp_path / "out", ARTICLES)
    args = ("push", out, "--endpoint", oxigraph.query_url, "--graph-store", oxigraph.store_url)
    assert invoke(*args).exit_code == 0
    assert invoke(*args).exit_code == 0  # twice: no triple doubled
    assert oxigraph.counts() == local_counts(out)
    build(tmp_path / "articles", out, {"minghu.md": ARTICLES["minghu.md"].replace("沈嘉禾", "林照临")})
    assert invoke(*args).exit_code == 0
    assert oxigraph.counts() == local_counts(out)
    names = {row["n"]["value"] for row in oxigraph.select(
        "SELECT ?n WHERE { GRAPH ?g { ?p a <https://schema.org/Person> ; <https://schema.org/name> ?n } }")}
    assert names == {"林照临", "顾明澈"}


def test_prune_deletes_the_graphs_of_removed_documents_and_nothing_else(tmp_path, oxigraph):
    out = build(tmp_path / "articles", tmp_path / "out", ARTICLES)
    args = ("push", out, "--endpoint", oxigraph.query_url, "--graph-store", oxigraph.store_url)
    assert invoke(*args).exit_code == 0
    foreign = "https://example.org/graphs/kept"  # a graph kgraph did not write
    request = urllib.request.Request(f"{oxigraph.store_url}?graph={urllib.parse.quote(foreign, safe='')}",
                                     data=b"<https://example.org/s> <https://example.org/p> 1 .", method="PUT",
                                     headers={"Content-Type": "text/turtle"})
    urllib.request.urlopen(request, timeout=30).close()
    assert invoke("remove", out, tmp_path / "articles" / "qingshi.md").exit_code == 0
    result = invoke(*args)  # without --prune the removed document's graph stays in the remote store
    assert result.exit_code == 0 and len(oxigraph.counts()) == 3
    result = invoke(*args, "--prune")
    assert result.exit_code == 0, result.output
    assert "1 graphs deleted" in result.stderr
    remote = oxigraph.counts()
    assert remote == {**local_counts(out), foreign: 1}
    assert "顾明澈" not in json.dumps(oxigraph.select("SELECT ?n WHERE { GRAPH ?g { ?p <https://schema.org/name> ?n } }"),
                                     ensure_ascii=False)
    assert "0 graphs deleted" in invoke(*args, "--prune").stderr  # nothing left to prune


def test_a_url_that_takes_no_put_is_an_http_error(built, oxigraph):
    result = invoke("push", built, "--endpoint", oxigraph.query_url)  # /query as Graph Store: no PUT there
    assert result.exit_code == 1
    assert "push failed" in result.stderr and "HTTP 404" in result.stderr and "0 graphs pushed before" in result.stderr
    assert oxigraph.counts() == {}


# -- errors, authentication and verification --------------------------------------------------------------
def test_connection_refused(built):
    url = f"http://127.0.0.1:{free_port()}/store"
    result = invoke("push", built, "--endpoint", url)
    assert result.exit_code == 1
    assert "connection refused" in result.stderr and url in result.stderr


def test_push_needs_a_build_directory(tmp_path):
    result = invoke("push", tmp_path, "--endpoint", "http://127.0.0.1:9/store")
    assert result.exit_code == 2 and "not a directory written by `kgraph build`" in result.stderr


class StubStore:
    """A Graph Store that asks for authentication (``basic`` or ``digest``) and answers count queries,
    truthfully unless ``lie`` is set."""

    USER, PASSWORD, REALM, NONCE = "loader", "s3cret", "kgraph-test", "5c0d1e"

    def __init__(self, scheme: str = "basic", lie: bool = False):
        self.scheme, self.lie = scheme, lie
        self.graphs: dict[str, bytes] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def _authorised(self) -> bool:
                header = self.headers.get("Authorization", "")
                if stub.scheme == "basic":
                    expected = base64.b64encode(f"{stub.USER}:{stub.PASSWORD}".encode()).decode()
                    return header == f"Basic {expected}"
                if not header.startswith("Digest "):
                    return False
                fields = dict(urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[7:])))

                def md5(text: str) -> str:
                    return hashlib.md5(text.encode()).hexdigest()

                ha1 = md5(f"{stub.USER}:{stub.REALM}:{stub.PASSWORD}")
                ha2 = md5(f"{self.command}:{fields.get('uri')}")
                expected = md5(f"{ha1}:{stub.NONCE}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
                return fields.get("username") == stub.USER and fields.get("response") == expected

            def _challenge(self) -> None:
                self.send_response(401)
                if stub.scheme == "basic":
                    self.send_header("WWW-Authenticate", f'Basic realm="{stub.REALM}"')
                else:
                    self.send_header("WWW-Authenticate",
                                     f'Digest realm="{stub.REALM}", nonce="{stub.NONCE}", qop="auth", algorithm=MD5')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not self._authorised():
                    return self._challenge()
                graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0]
                assert self.headers["Content-Type"].startswith("text/turtle")
                stub.graphs[graph] = body
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                graphs = [g for g in stub.graphs if f"<{g}>" in form["query"][0]]
                rows = [{"g": {"type": "uri", "value": g},
                         "n": {"type": "literal", "value": "0" if stub.lie else str(stub.graphs[g].count(b"\n"))}}
                        for g in graphs]
                payload = json.dumps({"head": {"vars": ["g", "n"]}, "results": {"bindings": rows}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StubStore:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_authentication(built, scheme):
    import rdflib

    with StubStore(scheme) as stub:
        result = invoke("push", built, "--endpoint", f"{stub.url}/sparql", "--graph-store", f"{stub.url}/crud",
                        "--user", stub.USER, "--password", stub.PASSWORD)
        assert result.exit_code == 0, result.output
        local = local_counts(built)
        assert sorted(stub.graphs) == sorted(local)
        for graph, body in stub.graphs.items():  # N-Triples sent as Turtle: it parses as such
            assert len(rdflib.Graph().parse(data=body.decode("utf-8"), format="turtle")) == local[graph]


@pytest.mark.parametrize("credentials", [(), ("--user", "loader", "--password", "wrong")])
def test_missing_or_wrong_credentials(built, credentials):
    with StubStore("basic") as stub:
        result = invoke("push", built, "--endpoint", f"{stub.url}/crud", "--no-verify", *credentials)
        assert result.exit_code == 1
        assert "HTTP 401" in result.stderr and "--user/--password" in result.stderr
        assert stub.graphs == {}


def test_a_store_that_lost_triples_fails_the_check(built):
    with StubStore("basic", lie=True) as stub:
        result = invoke("push", built, "--endpoint", f"{stub.url}/sparql", "--graph-store", f"{stub.url}/crud",
                        "--user", stub.USER, "--password", stub.PASSWORD)
        assert result.exit_code == 1
        assert "MISMATCH" in result.stderr and "0 found at" in result.stderr
        unchecked = invoke("push", built, "--endpoint", f"{stub.url}/crud", "--no-verify",
                           "--user", stub.USER, "--password", stub.PASSWORD)
        assert unchecked.exit_code == 0 and "(not checked)" in unchecked.stderr
