"""The persistent RDF store behind ``kgraph build -o DIR``: Oxigraph, an embedded SPARQL database, in ``DIR/store/``.

The store is opened through oxrdflib (rdflib's ``Dataset`` API on Oxigraph's engine): updates and SPARQL
queries go through that ``Dataset`` and run inside Oxigraph; the exports and the Graph Store pushes use
Oxigraph's own serialisers on the same store.

Layout: one named graph per document, IRI ``<document IRI>#graph`` (:func:`kgraph.rdf.graph_iri`), holding
what :func:`kgraph.rdf.to_dataset` makes of that one document: its ``schema:NewsArticle``, the description of
every entity it mentions and its facts with their provenance. The default graph stays empty. Replacing a
document's graph is one transaction (a single SPARQL update), so a reader never sees half a document, and
an entity that no remaining document mentions has no triple left anywhere.

:func:`push` copies the named graphs into another SPARQL 1.1 store through the Graph Store HTTP Protocol.
"""
from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from .io import atomic_write

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Dataset

    from .model import Extraction

log = logging.getLogger(__name__)

STORE_DIRNAME = "store"
RDF_FORMATS = ("turtle", "ntriples", "trig", "nquads", "jsonld")
"""The export formats written from the store with Oxigraph's serialisers (the others need the networkx graph)."""

SCHEMA_ORG = "https://schema.org/"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class StoreError(OSError):
    """The store cannot be opened or written; the message says which directory and why."""


class StoreLockedError(StoreError):
    """Another process (or another open handle in this one) has the store open for writing."""


def store_path(directory: str | os.PathLike) -> Path:
    return Path(directory) / STORE_DIRNAME


def has_store(directory: str | os.PathLike) -> bool:
    """Whether ``directory`` holds a store written by ``kgraph build`` (``DIR/store/``)."""
    path = store_path(directory)
    return path.is_dir() and (path / "CURRENT").is_file()


# -- one document's graph ---------------------------------------------------------------------------

def _to_ox(term: Any) -> Any:
    """An rdflib term as a pyoxigraph term."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def document_graph(extraction: Extraction) -> tuple[str, list[str]]:
    """The named graph of one document: its IRI and its triples as sorted, distinct N-Triples lines.

    The triples are those :func:`kgraph.rdf.to_dataset` gives for a graph of this one document.
    """
    import pyoxigraph as ox

    from .graph import KnowledgeGraph
    from .rdf import graph_iri, to_dataset

    kg = KnowledgeGraph()
    kg.add(extraction)
    dataset = to_dataset(kg)
    lines = {f"{ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o))} ."
             for s, p, o, _ in dataset.quads((None, None, None, None))}
    return str(graph_iri(extraction.document.id)), sorted(lines)


# -- the store --------------------------------------------------------------------------------------

class GraphStore:
    """An Oxigraph store on disk, opened read-write (Oxigraph allows one writer process at a time).

    Use it as a context manager, or call :meth:`close`: the directory stays locked while it is open.
    """

    def __init__(self, path: str | os.PathLike):
        import pyoxigraph as ox
        from oxrdflib import OxigraphStore
        from rdflib import Dataset

        from .rdf import bind_prefixes

        self.path = Path(path)
        try:
            self._ox: pyoxigraph.Store | None = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(f"{self.path}: the store is in use by another kgraph process") from exc
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        self._dataset: Dataset | None = bind_prefixes(
            Dataset(store=OxigraphStore(store=self._ox), default_union=True))

    # -- access -------------------------------------------------------------------------------------
    @property
    def dataset(self) -> Dataset:
        """The store as an rdflib ``Dataset`` whose default graph is the union of the named graphs."""
        if self._dataset is None:
            raise StoreError(f"{self.path}: the store is closed")
        return self._dataset

    @property
    def native(self) -> pyoxigraph.Store:
        """The underlying ``pyoxigraph.Store``."""
        if self._ox is None:
            raise StoreError(f"{self.path}: the store is closed")
        return self._ox

    def close(self) -> None:
        """Release the store (and its lock): drop every reference to the Oxigraph handle."""
        if self._dataset is not None:
            self._dataset.store.close()
        self._dataset = None
        self._ox = None

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- graphs -------------------------------------------------------------------------------------
    def graph_names(self) -> set[str]:
        return {node.value for node in self.native.named_graphs()}

    def replace_graph(self, graph: str, ntriples: Iterable[str]) -> None:
        """Make ``graph`` hold exactly ``ntriples`` (N-Triples lines), in one transaction."""
        body = "\n".join(ntriples)
        self.dataset.update(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        """Drop ``graphs`` (missing ones are ignored), in one transaction."""
        graphs = sorted(graphs)
        if graphs:
            self.dataset.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))

    def triple_counts(self) -> dict[str, int]:
        """Graph IRI -> number of triples, for every named graph."""
        result = self.native.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in result}

    def graph_ntriples(self, graph: str) -> bytes:
        """One named graph as N-Triples, lines sorted."""
        import pyoxigraph as ox

        data = self.native.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        return _sorted_lines(data)

    def union_ntriples(self) -> bytes:
        """The distinct triples of all named graphs as N-Triples, lines sorted (so grouped by subject)."""
        import pyoxigraph as ox

        result = self.native.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        return _sorted_lines(result.serialize(format=ox.RdfFormat.N_TRIPLES))

    def query(self, sparql: str):
        """Run ``sparql`` inside Oxigraph on the union of the named graphs; an rdflib ``Result``."""
        from .query import PREFIXES

        return self.dataset.query(sparql, initNs=PREFIXES)

    # -- exports ------------------------------------------------------------------------------------
    def write_exports(self, directory: str | os.PathLike, formats: Iterable[str]) -> list[Path]:
        """Write the RDF ``formats`` (names of :data:`RDF_FORMATS`) into ``directory``, each atomically.

        TriG and N-Quads hold the named graphs; Turtle, N-Triples and JSON-LD the union of their triples.
        Every file is a function of the store's content alone: N-Triples and N-Quads lines are sorted,
        Turtle is written from the sorted union, TriG in Oxigraph's index order (which depends on the
        terms only), JSON-LD with sorted keys and arrays.
        """
        import pyoxigraph as ox

        from .exporters import get_exporter
        from .query import PREFIXES

        directory = Path(directory)
        written: list[Path] = []
        union: bytes | None = None
        for name in formats:
            if name not in RDF_FORMATS:
                raise ValueError(f"{name!r} is not written from the store (RDF formats: {', '.join(RDF_FORMATS)})")
            (filename,) = get_exporter(name).filenames
            path = directory / filename
            if name in ("turtle", "ntriples", "jsonld") and union is None:
                union = self.union_ntriples()
            with atomic_write(path, "wb") as fh:
                if name == "trig":
                    self.native.dump(fh, ox.RdfFormat.TRIG, prefixes=dict(PREFIXES))
                elif name == "nquads":
                    fh.write(_sorted_lines(self.native.dump(format=ox.RdfFormat.N_QUADS)))
                elif name == "ntriples":
                    fh.write(union)
                elif name == "turtle":
                    ox.serialize(ox.parse(union, format=ox.RdfFormat.N_TRIPLES), fh, ox.RdfFormat.TURTLE,
                                 prefixes=dict(PREFIXES))
                else:
                    fh.write(jsonld_bytes(union))
            written.append(path)
        return written


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted({line for line in data.split(b"\n") if line.strip()})
    return b"".join(line + b"\n" for line in lines)


# -- JSON-LD ----------------------------------------------------------------------------------------

def _prefixes() -> list[tuple[str, str]]:
    from .query import PREFIXES

    # the longest namespace first, so that a namespace inside another one wins
    return sorted(PREFIXES.items(), key=lambda item: (-len(item[1]), item[0]))


def _simple_local(local: str) -> bool:
    return bool(local) and all(ch.isalnum() or ch in "_-." for ch in local) and not local[0].isdigit()


def jsonld_bytes(ntriples: bytes) -> bytes:
    """Compact JSON-LD for the triples of ``ntriples`` (sorted N-Triples, as :meth:`GraphStore.union_ntriples`
    gives): ``@vocab`` is schema.org (``"name"``, ``"@type": "Person"``), the other vocabularies are
    prefixed (``"kg:confidence"``), nodes are listed in ``@graph`` by ``@id``, keys and arrays sorted."""
    import pyoxigraph as ox

    prefixes = _prefixes()
    used: set[str] = set()

    def compact(iri: str, vocab: bool) -> str:
        if vocab and iri.startswith(SCHEMA_ORG) and _simple_local(iri[len(SCHEMA_ORG):]):
            return iri[len(SCHEMA_ORG):]
        for prefix, namespace in prefixes:
            if iri.startswith(namespace) and _simple_local(iri[len(namespace):]):
                used.add(prefix)
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    def value(term: Any) -> Any:
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@language": term.language, "@value": term.value}
            if term.datatype.value == _XSD_STRING:
                return term.value
            return {"@type": compact(term.datatype.value, vocab=False), "@value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"@id": f"_:{term.value}"}
        return {"@id": term.value}

    nodes: dict[str, dict[str, list]] = {}
    for triple in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        subject = triple.subject
        key = f"_:{subject.value}" if isinstance(subject, ox.BlankNode) else subject.value
        node = nodes.setdefault(key, {})
        if triple.predicate.value == _RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(triple.object.value, vocab=True))
        else:
            node.setdefault(compact(triple.predicate.value, vocab=True), []).append(value(triple.object))

    def canonical(items: list) -> list:
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))

    graph = [{"@id": key, **{k: canonical(v) for k, v in node.items()}} for key, node in sorted(nodes.items())]
    from .query import PREFIXES

    context: dict[str, str] = {"@vocab": SCHEMA_ORG}
    context.update({prefix: PREFIXES[prefix] for prefix in sorted(used)})
    document = {"@context": context, "@graph": graph}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


# -- reading a store for queries ------------------------------------------------------------------

def open_dataset(directory: str | os.PathLike) -> Dataset:
    """The store of a ``kgraph build`` directory as an rdflib ``Dataset`` (union default graph) that
    answers SPARQL inside Oxigraph. The store stays open (and locked) as long as the Dataset lives.

    Raises :class:`StoreLockedError` while another process writes the store.
    """
    return GraphStore(store_path(directory)).dataset


def is_oxigraph_dataset(graph: Any) -> bool:
    """Whether ``graph`` is an rdflib graph on an Oxigraph store (which runs SPARQL text natively)."""
    store = getattr(graph, "store", None)
    return type(store).__name__ == "OxigraphStore" and type(store).__module__.startswith("oxrdflib")


# -- Graph Store HTTP Protocol ----------------------------------------------------------------------

class PushError(Exception):
    """A push that failed; the message names the URL, the graph and the reason."""


@dataclass
class PushReport:
    graphs: int = 0                                      # graphs sent and accepted
    triples: int = 0
    verified: bool | None = None                         # None: not checked
    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)  # graph -> (local, remote)


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


def remote_counts(endpoint: str, graphs: Iterable[str], *, user: str | None = None, password: str | None = None,
                  timeout: float = 60.0, batch: int = 200) -> dict[str, int]:
    """Graph IRI -> triples the SPARQL ``endpoint`` holds in it, for ``graphs`` (absent graphs count 0)."""
    opener = _opener(endpoint, user, password)
    graphs = sorted(graphs)
    counts = dict.fromkeys(graphs, 0)
    for start in range(0, len(graphs), batch):
        values = " ".join(f"<{g}>" for g in graphs[start:start + batch])
        sparql = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
        request = urllib.request.Request(
            endpoint, data=urllib.parse.urlencode({"query": sparql}).encode("ascii"), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/sparql-results+json"})
        try:
            with opener.open(request, timeout=timeout) as response:
                answer = json.load(response)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise PushError(_http_problem(endpoint, exc)) from exc
        except ValueError as exc:
            raise PushError(f"{endpoint}: the answer is not SPARQL JSON results: {exc}") from exc
        for row in answer.get("results", {}).get("bindings", []):
            counts[row["g"]["value"]] = int(row["n"]["value"])
    return counts


def push(store: GraphStore, graph_store: str, *, endpoint: str | None = None, user: str | None = None,
         password: str | None = None, timeout: float = 60.0,
         progress: Callable[[str], None] | None = None) -> PushReport:
    """PUT every named graph of ``store`` to ``graph_store?graph=<IRI>`` (SPARQL 1.1 Graph Store HTTP
    Protocol), replacing what the remote graph held. With ``endpoint`` (a SPARQL query URL), then count the
    triples of each graph there and compare.

    The body is N-Triples sent as ``text/turtle`` (N-Triples is Turtle), which every store accepts. Stops
    at the first failure with :class:`PushError`; PUT replaces, so pushing again is safe.
    """
    opener = _opener(graph_store, user, password)
    report = PushReport()
    local: dict[str, int] = {}
    for graph in sorted(store.graph_names()):
        body = store.graph_ntriples(graph)
        url = _graph_url(graph_store, graph)
        request = urllib.request.Request(url, data=body, method="PUT",
                                         headers={"Content-Type": "text/turtle; charset=utf-8"})
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise PushError(f"graph <{graph}>: {_http_problem(graph_store, exc)} "
                            f"({report.graphs} graphs pushed before)") from exc
        local[graph] = body.count(b"\n")
        report.graphs += 1
        report.triples += local[graph]
        if progress:
            progress(graph)
    if endpoint:
        remote = remote_counts(endpoint, local, user=user, password=password, timeout=timeout)
        report.mismatches = {g: (n, remote.get(g, 0)) for g, n in local.items() if remote.get(g, 0) != n}
        report.verified = not report.mismatches
    return report



__all__ = ["STORE_DIRNAME", "RDF_FORMATS", "GraphStore", "StoreError", "StoreLockedError", "PushError",
           "PushReport", "document_graph", "has_store", "store_path", "open_dataset", "is_oxigraph_dataset",
           "jsonld_bytes", "push", "remote_counts"]
