"""Push a store's named graphs to a remote triple store over the SPARQL 1.1 Graph Store HTTP Protocol
(``kgraph push``), prune the graphs of removed documents there and verify the counts."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import GraphStore

class PushError(Exception):
    """A push that failed; the message names the URL, the graph and the reason."""


@dataclass
class PushReport:
    graphs: int = 0                                      # graphs sent and accepted
    triples: int = 0
    verified: bool | None = None                         # None: not checked
    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)  # graph -> (local, remote)
    deleted: list[str] = field(default_factory=list)     # kgraph document graphs removed from the remote store


def check_http_url(url: str, what: str = "URL") -> str:
    """``url`` if it is an absolute http:// or https:// URL with a host (and a valid port, if any), else
    ValueError saying what is wrong with it: push talks HTTP to a SPARQL store and nothing else."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as exc:
        raise ValueError(f"{what} {url!r} is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"{what} {url!r} is not an http:// or https:// URL")
    if not parts.hostname:
        raise ValueError(f"{what} {url!r} names no host")
    return url


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if user is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password or "")
        # Basic and Digest both answer the server's challenge (Virtuoso's -auth endpoints ask for Digest)
        handlers += [urllib.request.HTTPBasicAuthHandler(manager), urllib.request.HTTPDigestAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _http_problem(url: str, exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        try:
            detail = exc.read(300).decode("utf-8", "replace").strip()
        except Exception:  # noqa: BLE001 - the body is only a hint
            detail = ""
        hint = {401: " (wrong or missing --user/--password)", 403: " (the user may not write this store)",
                404: " (no Graph Store endpoint at this URL)", 405: " (this URL does not accept PUT: "
                "give the Graph Store endpoint with --graph-store)"}.get(exc.code, "")
        return f"{url}: HTTP {exc.code} {exc.reason}{hint}" + (f": {' '.join(detail.split())[:200]}" if detail else "")
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ConnectionRefusedError):
        return f"{url}: connection refused (is the server running and listening there?)"
    if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
        return f"{url}: no answer (timed out)"
    return f"{url}: cannot connect: {reason}"


def _graph_url(graph_store: str, graph: str) -> str:
    separator = "&" if urllib.parse.urlsplit(graph_store).query else "?"
    return f"{graph_store}{separator}graph={urllib.parse.quote(graph, safe='')}"


def _select(endpoint: str, sparql: str, opener: urllib.request.OpenerDirector, timeout: float) -> list[dict]:
    """The rows of a SELECT on a SPARQL endpoint, as SPARQL JSON bindings."""
    request = urllib.request.Request(
        endpoint, data=urllib.parse.urlencode({"query": sparql}).encode("ascii"), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    try:
        with opener.open(request, timeout=timeout) as response:
            answer = json.load(response)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PushError(_http_problem(endpoint, exc)) from exc
    except ValueError as exc:
        raise PushError(f"{endpoint}: the answer is not SPARQL JSON results: {exc}") from exc
    return answer.get("results", {}).get("bindings", [])


def remote_counts(endpoint: str, graphs: Iterable[str], *, user: str | None = None, password: str | None = None,
                  timeout: float = 60.0, batch: int = 200) -> dict[str, int]:
    """Graph IRI -> triples the SPARQL ``endpoint`` holds in it, for ``graphs`` (absent graphs count 0)."""
    opener = _opener(endpoint, user, password)
    graphs = sorted(graphs)
    counts = dict.fromkeys(graphs, 0)
    for start in range(0, len(graphs), batch):
        values = " ".join(f"<{g}>" for g in graphs[start:start + batch])
        sparql = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
        for row in _select(endpoint, sparql, opener, timeout):
            counts[row["g"]["value"]] = int(row["n"]["value"])
    return counts


def remote_document_graphs(endpoint: str, *, user: str | None = None, password: str | None = None,
                           timeout: float = 60.0) -> set[str]:
    """The named graphs of the SPARQL ``endpoint`` that are kgraph document graphs (``<document IRI>#graph``)."""
    from .iri import ID_NS
    from .rdf import GRAPH_SUFFIX

    opener = _opener(endpoint, user, password)
    rows = _select(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", opener, timeout)
    return {row["g"]["value"] for row in rows
            if row["g"]["value"].startswith(ID_NS + "doc/") and row["g"]["value"].endswith(GRAPH_SUFFIX)}


def push(store: GraphStore, graph_store: str, *, endpoint: str | None = None, user: str | None = None,
         password: str | None = None, timeout: float = 60.0, prune: bool = False, verify: bool = True,
         progress: Callable[[str], None] | None = None) -> PushReport:
    """PUT every named graph of ``store`` to ``graph_store?graph=<IRI>`` (SPARQL 1.1 Graph Store HTTP
    Protocol), replacing what the remote graph held. With ``prune`` (needs ``endpoint``), then DELETE the
    kgraph document graphs the remote store holds and ``store`` does not (documents removed since the last
    push); other graphs are left alone. With ``endpoint`` (a SPARQL query URL) and ``verify``, then count the
    triples of each graph there and compare.

    The body is N-Triples sent as ``text/turtle`` (N-Triples is Turtle), which every store accepts. Stops
    at the first failure with :class:`PushError`; PUT replaces, so pushing again is safe.
    """
    check_http_url(graph_store, "the graph store")
    if endpoint is not None:
        check_http_url(endpoint, "the endpoint")
    opener = _opener(graph_store, user, password)
    report = PushReport()
    local: dict[str, int] = {}

    def send(graph: str, method: str, body: bytes | None, done: str) -> None:
        headers = {"Content-Type": "text/turtle; charset=utf-8"} if body is not None else {}
        request = urllib.request.Request(_graph_url(graph_store, graph), data=body, method=method, headers=headers)
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise PushError(f"graph <{graph}>: {_http_problem(graph_store, exc)} ({done})") from exc

    for graph in sorted(store.graph_names()):
        body = store.graph_ntriples(graph)
        send(graph, "PUT", body, f"{report.graphs} graphs pushed before")
        local[graph] = body.count(b"\n")
        report.graphs += 1
        report.triples += local[graph]
        if progress:
            progress(graph)
    if prune:
        if not endpoint:
            raise ValueError("pruning needs the SPARQL endpoint, to list the remote graphs")
        remote_graphs = remote_document_graphs(endpoint, user=user, password=password, timeout=timeout)
        for graph in sorted(remote_graphs - set(local)):
            send(graph, "DELETE", None, f"{len(report.deleted)} graphs deleted before")
            report.deleted.append(graph)
    if endpoint and verify:
        remote = remote_counts(endpoint, local, user=user, password=password, timeout=timeout)
        report.mismatches = {g: (n, remote.get(g, 0)) for g, n in local.items() if remote.get(g, 0) != n}
        report.verified = not report.mismatches
    return report


__all__ = ["PushError", "PushReport", "check_http_url", "push", "remote_counts", "remote_document_graphs"]
