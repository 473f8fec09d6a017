"""``kgraph serve DIR``: the graph explorer and a read-only SPARQL 1.1 Protocol endpoint over a build directory.

Starlette (the ASGI toolkit under FastAPI) and uvicorn serve it: both are small, maintained, typed, and run
the blocking work (SQLite, Oxigraph) in a thread pool with a time limit, without a framework's worth of
dependencies; they come with ``pip install 'kgraph[serve]'``.

What it reads, without ever writing the directory:

* the explorer's JSON API (``/api/legend``, ``/api/view``, ``/api/search``, ``/api/entity``) answers from
  ``DIR/fragments.sqlite`` (each document's own graph, :mod:`kgraph.fragments`), opened read-only: SQLite's
  write-ahead log lets it read the last committed state while a build writes; a profile is the parts of one
  entity merged as the page's fragments are (:func:`kgraph.exporters.html.node_details`), and names are
  searched with SPARQL in the store;
* ``/sparql`` answers from a snapshot of the Oxigraph store: a checkpoint taken while no build holds the
  store (Oxigraph does not support reading a store another process writes), taken again when the manifest
  says a build has committed and finished; while a build holds the store at start-up, the exported files
  (``graph.nq``/``graph.trig`` and ``graph.ttl``/``graph.nt``) are loaded instead.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
import unicodedata
import urllib.parse
import weakref
from pathlib import Path
from typing import Any

from .model import Kind
from .query import QueryError, RemoteQueryError, check_local

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
QUERY_SECONDS = 30.0
"""The time limit of a SPARQL query, by default."""
MAX_QUERIES = 2
"""SPARQL queries run at once; more wait (or time out)."""
MAX_DOCUMENTS_LISTED = 5000
_REFRESH_SECONDS = 2.0
_SEARCH_LIMIT = 200
_NOT_DRAWN = (Kind.DOCUMENT,)
_RESULT_TYPES = {  # Accept media type -> pyoxigraph results format name, for SELECT and ASK
    "application/sparql-results+json": "JSON", "application/json": "JSON",
    "application/sparql-results+xml": "XML", "application/xml": "XML", "text/xml": "XML",
    "text/csv": "CSV", "text/tab-separated-values": "TSV",
}
_GRAPH_TYPES = {  # for CONSTRUCT and DESCRIBE
    "text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "text/plain": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
}
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
                     r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)




class ServeError(Exception):
    """The directory cannot be served; the message says why."""


# -- the store, as a snapshot ---------------------------------------------------------------------------
class StoreSnapshot:
    """A private, read-only copy of ``DIR/store`` for SPARQL, replaced when the directory's committed state
    changes (see the module's docstring)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._lock = threading.Lock()
        self._tmp = Path(tempfile.mkdtemp(prefix="kgraph-serve-"))
        weakref.finalize(self, shutil.rmtree, self._tmp, ignore_errors=True)  # also when never closed
        self._store: Any = None
        self.path: Path | None = None
        self._stamp: float | None = None
        self._checked = 0.0
        self.origin = ""
        self._take()
        if self._store is None:
            raise ServeError(f"{directory}: the store is in use by a build and no exported graph file "
                             f"(graph.nq, graph.trig) is there yet; try again when the build has finished")

    def _manifest(self) -> tuple[float | None, bool]:
        path = self.directory / "manifest.json"
        try:
            stamp = path.stat().st_mtime
            writing = bool(json.loads(path.read_text(encoding="utf-8")).get("writing"))
        except (OSError, ValueError):
            return None, True
        return stamp, writing

    def _take(self) -> None:
        import pyoxigraph as ox

        from .store import store_path

        stamp, writing = self._manifest()
        target = self._tmp / f"snapshot-{time.monotonic_ns()}"
        try:
            if writing:
                raise OSError("a build is writing the directory (its lock)")
            primary = ox.Store(str(store_path(self.directory)))
            try:
                primary.backup(str(target))  # a RocksDB checkpoint: hard links, consistent
            finally:
                del primary
            origin = "store"
        except OSError as exc:
            if self._store is not None:
                return  # keep the snapshot we have; try again after the build
            log.info("%s: cannot snapshot the store (%s); loading the exported files", self.directory, exc)
            if not self._from_files(target):
                return
            origin = "files"
        old = self._store
        self._store, self.path, self._stamp, self.origin = ox.Store.read_only(str(target)), target, stamp, origin
        if old is not None:
            del old
        for path in self._tmp.iterdir():  # earlier snapshots (Oxigraph closes a store when it is dropped)
            if path != target:
                shutil.rmtree(path, ignore_errors=True)

    def _from_files(self, target: Path) -> bool:
        """Load the exported files into a new store at ``target``; False when there are none."""
        import pyoxigraph as ox

        named = next((self.directory / n for n in ("graph.nq", "graph.trig") if (self.directory / n).is_file()), None)
        if named is None:
            return False
        store = ox.Store(str(target))
        store.bulk_load(path=str(named), format=ox.RdfFormat.N_QUADS if named.suffix == ".nq" else ox.RdfFormat.TRIG)
        union = next((self.directory / n for n in ("graph.nt", "graph.ttl") if (self.directory / n).is_file()), None)
        if union is not None:  # the union, as the store's default graph holds it
            store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES if union.suffix == ".nt"
                            else ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        store.flush()
        del store
        return True

    def store(self) -> Any:
        """The current snapshot, taken again first when a build has committed since (checked every 2 s)."""
        self.current_path()
        return self._store

    def current_path(self) -> Path:
        """The directory of the current snapshot (see :meth:`store`), which other processes may open read-only."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= _REFRESH_SECONDS:
                self._checked = now
                stamp, writing = self._manifest()
                if stamp != self._stamp and not writing:
                    self._take()
            return self.path

    def close(self) -> None:
        self._store = None
        shutil.rmtree(self._tmp, ignore_errors=True)


# -- SPARQL -----------------------------------------------------------------------------------------------
class SparqlRefused(Exception):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def check_query(sparql: str) -> None:
    """Refuse what a read-only endpoint must not run: updates (403), and queries that would read from elsewhere
    (SERVICE, FROM, FROM NAMED: 400), by the one rule every kgraph query path applies
    (:func:`kgraph.query.check_local`); with SERVICE Oxigraph would send requests to any address a query names."""
    if _UPDATE.match(sparql):
        raise SparqlRefused(403, "this SPARQL endpoint is read-only: updates are refused")
    try:
        check_local(sparql)
    except RemoteQueryError as exc:
        raise SparqlRefused(400, f"{exc}; this endpoint answers from its own store and makes no requests") from exc
    except QueryError as exc:
        raise SparqlRefused(400, str(exc)) from exc


def negotiate(accept: str, kind: str) -> tuple[str, str]:
    """(media type, pyoxigraph format name) for a result of ``kind`` (``solutions``, ``boolean``, ``graph``)
    from an Accept header; JSON results and Turtle when nothing acceptable is asked for."""
    table = _GRAPH_TYPES if kind == "graph" else _RESULT_TYPES
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, media.lower()))
    for _, _, media in sorted(ranked):
        if media in table:
            return media, table[media]
    return ("text/turtle", "TURTLE") if kind == "graph" else ("application/sparql-results+json", "JSON")


def run_sparql(store: Any, sparql: str, accept: str) -> tuple[bytes, str]:
    """Run a read-only query on ``store``; the serialised result and its media type. Raises SyntaxError for
    a query that does not parse."""
    import pyoxigraph as ox

    from .iri import PREFIXES

    result = store.query(sparql, prefixes=PREFIXES)
    if isinstance(result, ox.QueryTriples):
        media, name = negotiate(accept, "graph")
        return result.serialize(format=getattr(ox.RdfFormat, name)), media
    media, name = negotiate(accept, "boolean" if isinstance(result, ox.QueryBoolean) else "solutions")
    return result.serialize(format=getattr(ox.QueryResultsFormat, name)), media


def _sparql_child(path: str, sparql: str, accept: str, conn: Any) -> None:
    import pyoxigraph as ox

    try:
        conn.send(("ok", *run_sparql(ox.Store.read_only(path), sparql, accept)))
    except SyntaxError as exc:
        conn.send(("error", 400, f"invalid SPARQL query: {exc}"))
    except Exception as exc:  # noqa: BLE001 - whatever fails is the answer to this one request
        conn.send(("error", 400, f"query failed: {exc}"))
    finally:
        conn.close()


def sparql_with_limit(path: Path, sparql: str, accept: str, seconds: float) -> tuple[int, bytes | str, str]:
    """Run a query on the snapshot at ``path`` in a child process, ended when ``seconds`` have passed (Oxigraph
    cannot interrupt a query; a process can be): ``(HTTP status, body, media type)``."""
    import multiprocessing

    # forkserver, not fork: a fork of this threaded server could copy a lock another thread holds, and hang
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kgraph.serve", "pyoxigraph"])  # so a query starts without imports
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_sparql_child, args=(str(path), sparql, accept, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            return 503, (f"query time limit exceeded: no answer within {seconds:g} s (narrow the query or add "
                         "a LIMIT)"), "text/plain"
        try:
            answer = receive.recv()
        except EOFError:
            return 500, "the query process ended without an answer", "text/plain"
        if answer[0] == "ok":
            return 200, answer[1], answer[2]
        return answer[1], answer[2], "text/plain"
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()


# -- the explorer's data --------------------------------------------------------------------------------
class Explorer:
    """The explorer's questions answered from ``DIR/fragments.sqlite`` (read-only) and the store snapshot."""

    def __init__(self, directory: Path, snapshot: StoreSnapshot):
        from .fragments import FRAGMENTS_NAME

        self.path = directory / FRAGMENTS_NAME
        if not self.path.is_file():
            raise ServeError(f"{directory}: no {FRAGMENTS_NAME} (not a directory written by `kgraph build`)")
        self.snapshot = snapshot
        self._documents: tuple[int, dict[str, dict[str, Any]]] | None = None
        self._views: dict[Any, Any] = {}

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False)

    def _version(self, db: sqlite3.Connection) -> tuple[int, ...]:
        """What changes when a build commits: the times the database and its write-ahead log were written."""
        return tuple(Path(f"{self.path}{suffix}").stat().st_mtime_ns if Path(f"{self.path}{suffix}").exists() else 0
                     for suffix in ("", "-wal"))

    def _merged(self, db: sqlite3.Connection, element: str) -> dict[str, Any] | None:
        from .fragments import merge_parts

        parts = [json.loads(row[0]) for row in db.execute(
            "SELECT attrs FROM part WHERE element = ? ORDER BY doc", (element,))]
        return merge_parts(parts, "\x01" in element) if parts else None

    def _node(self, db: sqlite3.Connection, iri: str) -> dict[str, Any] | None:
        from .exporters.html import node_details

        row = db.execute("SELECT degree FROM element WHERE element = ? AND v IS NULL", (iri,)).fetchone()
        attrs = self._merged(db, iri) if row else None
        if attrs is None or attrs.get("kind") == Kind.DOCUMENT:
            return None
        return node_details(iri, attrs, row[0] or 0)

    def _edges(self, db: sqlite3.Connection, rows: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
        from .exporters import Edge
        from .exporters.html import edge_details
        from .iri import ID_NS

        found = []
        for element, u, v in rows:
            if u.startswith(ID_NS + "doc/") or v.startswith(ID_NS + "doc/"):
                continue
            attrs = self._merged(db, element)
            if attrs is not None:
                found.append(edge_details(Edge(u, v, element.split("\x01")[2], attrs)))
        return found

    def documents(self, db: sqlite3.Connection) -> dict[str, dict[str, Any]]:
        """Document id -> what the page shows of it (title, date, url, publisher), cached per committed state."""
        from .exporters.html import _document

        version = self._version(db)
        if self._documents is None or self._documents[0] != version:
            docs = {}
            for element, in db.execute("SELECT element FROM element WHERE v IS NULL AND kind = ?", (Kind.DOCUMENT,)):
                attrs = self._merged(db, element) or {}
                docs[str(attrs.get("identifier", element))] = _document(attrs)
            self._documents = (version, docs)
            self._views.clear()
        return self._documents[1]

    def legend(self) -> dict[str, Any]:
        from .exporters.html import DRAWN_KINDS, KIND_COLORS, UNKNOWN_KIND_COLOR
        from .explore import HIDDEN_BY_DEFAULT

        with self._db() as db:
            counts = dict(db.execute("SELECT kind, COUNT(*) FROM element WHERE v IS NULL AND kind != ? GROUP BY kind",
                                     (Kind.DOCUMENT,)))
            documents = self.documents(db)
        known = [k for k in DRAWN_KINDS if k in counts]
        legend = [{"kind": k, "color": KIND_COLORS.get(k, UNKNOWN_KIND_COLOR), "count": counts[k],
                   "hidden": k in HIDDEN_BY_DEFAULT} for k in known + sorted(set(counts) - set(known))]
        listed = dict(sorted(documents.items(), key=lambda item: (str(item[1].get("date", "")), item[0]),
                             reverse=True)[:MAX_DOCUMENTS_LISTED])
        return {"legend": legend, "total": sum(counts.values()), "documents": listed}

    def view(self, kinds: list[str], min_docs: int, date_from: str, date_to: str, article: str,
             max_drawn: int) -> dict[str, Any]:
        """The entities to draw for these filters, best first, with their relations, communities and
        co-mention links: what :func:`kgraph.explore.overview` gives for the graph the filters leave."""
        from .explore import POOL, Entity, draw_count_of, overview

        with self._db() as db:
            documents = self.documents(db)
            key = (tuple(sorted(kinds)), min_docs, date_from, date_to, article, max_drawn)
            if key in self._views:
                return self._views[key]
            db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen (doc TEXT PRIMARY KEY)")
            db.execute("DELETE FROM chosen")
            dated = bool(date_from or date_to or article)
            if dated:
                db.executemany("INSERT OR IGNORE INTO chosen VALUES (?)", (
                    (doc,) for doc, info in documents.items()
                    if (not article or doc == article)
                    and (not (date_from or date_to) or (info.get("date") and (not date_from or info["date"][:10] >= date_from)
                                                        and (not date_to or info["date"][:10] <= date_to)))))
            marks = ",".join("?" * len(kinds)) or "''"
            rows = db.execute(
                f"SELECT p.element, e.kind, COUNT(*) AS n, e.degree FROM part p JOIN element e ON e.element = p.element "
                f"WHERE e.v IS NULL AND e.kind IN ({marks}) "
                f"{'AND p.doc IN (SELECT doc FROM chosen)' if dated else ''} "
                f"GROUP BY p.element HAVING n >= ? ORDER BY n DESC, e.degree DESC, p.element",
                (*kinds, max(1, min_docs))).fetchall()
            recurring = sum(1 for row in rows if row[2] >= 2)
            draw = draw_count_of(len(rows), recurring, max_drawn)
            if article:
                draw = max(draw, min(len(rows), 120))
            pool = rows[:max(POOL, draw)]
            members = {row[0] for row in pool}
            entities = [Entity(iri, kind, tuple(doc for doc, in db.execute(
                "SELECT doc FROM part WHERE element = ?", (iri,))), degree or 0) for iri, kind, _, degree in pool]
            relations = [(u, v) for iri in members for u, v in db.execute(
                "SELECT u, v FROM element WHERE u = ? AND v IS NOT NULL", (iri,)) if v in members]
            seen = overview(entities, relations, max_drawn=max_drawn, pool_size=len(entities), draw=draw)
            drawn = [row[0] for row in pool[:draw]]
            drawn_set = set(drawn)
            nodes = [n for n in (self._node(db, iri) for iri in drawn) if n is not None]
            edge_rows = [row for iri in drawn for row in db.execute(
                "SELECT element, u, v FROM element WHERE u = ? AND v IS NOT NULL", (iri,)) if row[2] in drawn_set]
            view = {"nodes": nodes, "edges": self._edges(db, edge_rows), "candidates": len(rows), "total": len(rows),
                    "communities": {iri: c for iri, c in seen.communities.items() if iri in drawn_set},
                    "together": [[u, v, n] for u, v, n in seen.together if u in drawn_set and v in drawn_set],
                    "positions": {iri: list(xy) for iri, xy in seen.positions.items()}}
            self._views[key] = view
            return view

    def search(self, text: str) -> list[dict[str, Any]]:
        """Entities whose name or other form contains ``text`` (NFKC, case and spaces ignored), best first."""
        import pyoxigraph as ox

        wanted = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
        if not wanted:
            return []
        rows = self.snapshot.store().query(
            "SELECT DISTINCT ?e WHERE { ?e schema:name|schema:alternateName|rdfs:label ?n "
            # the text as an escaped N-Triples literal, which is SPARQL syntax too
            f"FILTER(CONTAINS(REPLACE(LCASE(STR(?n)), '\\\\s+', ''), {ox.Literal(wanted)})) }} LIMIT {_SEARCH_LIMIT}",
            prefixes={"schema": "https://schema.org/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
        matches = []
        with self._db() as db:
            for row in rows:
                node = self._node(db, row["e"].value)
                if node is None:
                    continue
                names = [node["label"]] + node["aliases"]
                keys = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", n)).lower() for n in names]
                scores = [(0 if k == wanted else 2 if k.startswith(wanted) else 4 if wanted in k else 9) + (i > 0)
                          for i, k in enumerate(keys)]
                best = min(range(len(keys)), key=lambda i: scores[i])
                matches.append({"node": node, "score": scores[best], "alias": names[best] if best else None})
        matches.sort(key=lambda m: (m["score"], -len(m["node"]["docs"]), -m["node"]["degree"], m["node"]["iri"]))
        return matches

    def entity(self, iri: str) -> dict[str, Any] | None:
        """The profile of one entity: its details, its relations with their evidence, the entities at their
        other ends, the entities most often mentioned with it and the documents all these cite."""
        with self._db() as db:
            node = self._node(db, iri)
            if node is None:
                return None
            rows = db.execute("SELECT element, u, v FROM element WHERE (u = ?1 OR v = ?1) AND v IS NOT NULL "
                              "ORDER BY element", (iri,)).fetchall()
            edges = self._edges(db, rows)
            comentions = db.execute(
                "SELECT p2.element, COUNT(*) AS n FROM part p1 JOIN part p2 ON p2.doc = p1.doc "
                "JOIN element e ON e.element = p2.element WHERE p1.element = ?1 AND p2.element != ?1 "
                "AND e.v IS NULL AND e.kind NOT IN (?2, ?3, ?4) GROUP BY p2.element "
                "ORDER BY n DESC, e.degree DESC, p2.element LIMIT 12",
                (iri, Kind.DOCUMENT, Kind.STATEMENT, Kind.FIGURE)).fetchall()
            others = {e["from"] for e in edges} | {e["to"] for e in edges} | {c for c, _ in comentions}
            nodes = {other: self._node(db, other) for other in others - {iri}}
            nodes[iri] = node
            documents = self.documents(db)
            cited = set(node["docs"]) | {ev["doc"] for e in edges for ev in e["evidence"]}
        return {"node": node, "edges": edges, "nodes": {k: v for k, v in nodes.items() if v is not None},
                "comentions": [[c, n] for c, n in comentions],
                "documents": {d: documents[d] for d in sorted(cited) if d in documents}}


# -- the application ----------------------------------------------------------------------------------
def _require_starlette() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ServeError("`kgraph serve` needs Starlette and uvicorn: pip install 'kgraph[serve]'") from exc


def create_app(directory: str | os.PathLike, *, lang: str = "zh", title: str | None = None,
               query_seconds: float = QUERY_SECONDS, max_drawn: int | None = None):
    """The ASGI application serving ``directory`` (a ``kgraph build`` output). Raises :class:`ServeError`."""
    _require_starlette()
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from .explore import MAX_DRAWN
    from .exporters.html import LANGS, served_page

    if lang not in LANGS:
        raise ServeError(f"unknown page language {lang!r} (expected one of {', '.join(LANGS)})")
    directory = Path(directory)
    from .store import has_store

    if not has_store(directory):
        raise ServeError(f"{directory}: not a directory written by `kgraph build` (no store/)")
    snapshot = StoreSnapshot(directory)
    explorer = Explorer(directory, snapshot)
    page = served_page(title=title or directory.resolve().name, lang=lang)
    slots = threading.BoundedSemaphore(MAX_QUERIES)

    def warm() -> None:  # the first view, computed before the first browser asks for it
        try:
            kinds = [entry["kind"] for entry in explorer.legend()["legend"] if not entry["hidden"]]
            explorer.view(kinds, 1, "", "", "", max_drawn or MAX_DRAWN)
        except Exception as exc:  # noqa: BLE001 - the request that needs it will report the problem
            log.info("could not prepare the first view: %s", exc)

    threading.Thread(target=warm, name="kgraph-serve-warm", daemon=True).start()

    async def index(request: Request) -> Response:
        return HTMLResponse(page)

    async def legend(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(explorer.legend))

    async def view(request: Request) -> Response:
        q = request.query_params
        kinds = [k for k in q.get("kinds", "").split(",") if k]
        try:
            min_docs = int(q.get("min_docs", "1") or 1)
        except ValueError:
            return PlainTextResponse("min_docs must be a whole number", status_code=400)
        return JSONResponse(await run_in_threadpool(explorer.view, kinds, min_docs, q.get("from", ""),
                                                    q.get("to", ""), q.get("article", ""), max_drawn or MAX_DRAWN))

    async def search(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(explorer.search, request.query_params.get("q", "")[:200]))

    async def entity(request: Request) -> Response:
        found = await run_in_threadpool(explorer.entity, request.query_params.get("iri", ""))
        return JSONResponse(found) if found is not None else PlainTextResponse("no such entity", status_code=404)

    async def sparql(request: Request) -> Response:
        if request.method == "GET":
            params = request.query_params
            if "update" in params:
                return PlainTextResponse("this SPARQL endpoint is read-only: updates are refused", status_code=403)
            text = params.get("query")
        else:
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                return PlainTextResponse("this SPARQL endpoint is read-only: updates are refused", status_code=403)
            if content_type == "application/sparql-query":
                text = (await request.body()).decode("utf-8", "replace")
            elif content_type == "application/x-www-form-urlencoded":
                # parsed here: Starlette's form parser would need python-multipart even for this simple format
                form = {k: v[0] for k, v in urllib.parse.parse_qs((await request.body()).decode("utf-8", "replace"),
                                                                   keep_blank_values=True).items()}
                if "update" in form:
                    return PlainTextResponse("this SPARQL endpoint is read-only: updates are refused", status_code=403)
                text = form.get("query")
            else:
                return PlainTextResponse("POST a query as application/sparql-query or as the form field "
                                         "'query' (application/x-www-form-urlencoded)", status_code=415)
        if not text:
            return PlainTextResponse("no query: give it as the 'query' parameter", status_code=400)
        try:
            check_query(str(text))
        except SparqlRefused as exc:
            return PlainTextResponse(str(exc), status_code=exc.status)
        accept = request.headers.get("accept", "")

        def run() -> tuple[int, bytes | str, str]:
            with slots:
                return sparql_with_limit(snapshot.current_path(), str(text), accept, query_seconds)

        status, body, media = await run_in_threadpool(run)
        return Response(body, status_code=status, media_type=media)

    routes = [Route("/", index), Route("/api/legend", legend), Route("/api/view", view),
              Route("/api/search", search), Route("/api/entity", entity),
              Route("/sparql", sparql, methods=["GET", "POST"])]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        try:
            yield
        finally:
            snapshot.close()

    return Starlette(routes=routes, lifespan=lifespan)


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def serve(directory: str | os.PathLike, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          say=print, **options: Any) -> None:
    """Serve ``directory`` until interrupted; ``say`` gets the lines for the user (where, and a warning when
    the address is reachable from other machines)."""
    app = create_app(directory, **options)
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    say(f"kgraph: serving {directory} at http://{shown}:{port}/ (SPARQL endpoint: http://{shown}:{port}/sparql)")
    if is_loopback(host):
        say(f"kgraph: bound to {host}: only this machine can connect (--host to change)")
    else:
        say(f"kgraph: warning: bound to {host}: any machine that can reach this one can read the whole graph")
    uvicorn.run(app, host=host, port=port, log_level="warning")


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "QUERY_SECONDS", "Explorer", "ServeError", "SparqlRefused",
           "StoreSnapshot", "check_query", "create_app", "is_loopback", "negotiate", "run_sparql", "serve",
           "sparql_with_limit"]
