"""SPARQL over kgraph's RDF: load a written graph, run a query on the union of its named graphs, format
the result as an aligned table, CSV or SPARQL 1.1 JSON."""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import unicodedata
from pathlib import Path
from typing import Any

from .iri import PREFIXES

FORMATS_BY_SUFFIX = {
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".ttl": "turtle",
    ".nt": "nt",
}
# In a directory, the first of these present is read: TriG and N-Quads keep the named graphs.
GRAPH_FILES = ("graph.trig", "graph.nq", "graph.jsonld", "graph.ttl", "graph.nt")
RESULT_FORMATS = ("table", "csv", "json")


class QueryError(ValueError):
    """A SPARQL query that cannot be parsed; the message says where."""


class RemoteQueryError(QueryError):
    """A query that would fetch data from elsewhere (SERVICE, FROM, FROM NAMED) while only local ones are allowed."""


def remote_parts(sparql: str) -> list[str]:
    """The parts of ``sparql`` that would make the engine fetch data from outside the graph it is given:
    ``SERVICE <iri>`` (a request to another endpoint) and ``FROM <iri>`` / ``FROM NAMED <iri>`` (rdflib loads
    the IRI, from the network or the file system). Raises :class:`QueryError` for a query that does not parse."""
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(sparql)
    except Exception as exc:  # pyparsing's ParseException
        raise QueryError(f"invalid SPARQL query: {exc}") from exc
    found: list[str] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.append(f"SERVICE <{node.get('term')}>")
            elif node.name == "DatasetClause":
                named = node.get("named")
                found.append(f"FROM NAMED <{named}>" if named is not None else f"FROM <{node.get('default')}>")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(node)
    return sorted(set(found))


def check_local(sparql: str, allow_remote: bool = False) -> None:
    """Refuse a query that would reach outside the local graph unless ``allow_remote``: the one check for every
    way kgraph runs a user's query (``kgraph query``, :func:`run_query`, a future ``kgraph serve``). Raises
    :class:`RemoteQueryError` naming the parts, or :class:`QueryError` for a query that does not parse."""
    parts = remote_parts(sparql)
    if parts and not allow_remote:
        raise RemoteQueryError(f"the query reads from outside the graph ({', '.join(parts)}); kgraph queries are "
                               "local: use GRAPH <iri> { ... } for a document's graph, or allow remote data "
                               "explicitly (--allow-remote)")


def load_graph(path: str | os.PathLike):
    """Read a graph kgraph wrote: a directory written by ``kgraph build`` (its store, see below), a file
    (.trig .nq .jsonld .ttl .nt, by extension) or a directory holding one of :data:`GRAPH_FILES` (TriG
    preferred, as it keeps the named graphs).

    Returns an :class:`rdflib.Dataset` that queries the union of its graphs. For a directory with a store
    (``DIR/store/``) that Dataset is the Oxigraph store itself, opened in place (nothing is parsed) and
    queried by Oxigraph's engine; while another process writes that store, its TriG file is read instead.
    Raises FileNotFoundError when there is nothing to read and ValueError when the file cannot be parsed.
    """
    from rdflib import Dataset

    from .rdf import bind_prefixes

    path = Path(path)
    if path.is_dir():
        from .store import StoreLockedError, has_store, open_dataset

        if has_store(path):
            try:
                return open_dataset(path)
            except StoreLockedError as exc:
                logging.getLogger(__name__).warning("%s; reading its files instead", exc)
        candidates = [path / name for name in GRAPH_FILES if (path / name).is_file()]
        if not candidates:
            raise FileNotFoundError(f"{path}: no graph file in this directory (looked for {', '.join(GRAPH_FILES)})")
        path = candidates[0]
    elif not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or directory")
    rdf_format = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if rdf_format is None:
        raise ValueError(f"{path}: unknown RDF file extension {path.suffix!r} "
                         f"(expected one of {', '.join(FORMATS_BY_SUFFIX)})")
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    try:
        dataset.parse(source=str(path), format=rdf_format)
    except Exception as exc:  # rdflib's parsers raise many unrelated types for bad input
        raise ValueError(f"{path}: cannot parse as {rdf_format}: {exc}") from exc
    return dataset


def run_query(graph: Any, sparql: str, *, allow_remote: bool = False):
    """Run ``sparql`` on ``graph`` (an rdflib Dataset or Graph, or a KnowledgeGraph) and return the rdflib
    result. The :data:`PREFIXES` are pre-bound; a Dataset is queried as the union of its named graphs.
    Raises :class:`QueryError` for a query that does not parse, :class:`RemoteQueryError` for one with SERVICE,
    FROM or FROM NAMED unless ``allow_remote`` (see :func:`check_local`)."""
    from rdflib import Dataset
    from rdflib.plugins.sparql import prepareQuery

    check_local(sparql, allow_remote)
    if hasattr(graph, "to_rdf"):  # a KnowledgeGraph
        graph = graph.to_rdf()
    try:
        query = prepareQuery(sparql, initNs=PREFIXES)
    except Exception as exc:  # pyparsing's ParseException, or rdflib's "Unknown namespace prefix"
        raise QueryError(f"invalid SPARQL query: {exc}") from exc
    from .store import is_oxigraph_dataset, plain_strings

    if is_oxigraph_dataset(graph):
        # The text, not the parsed query, so that Oxigraph's own engine answers (a parsed query would be
        # evaluated by rdflib over the store's triples).
        try:
            return plain_strings(graph.query(sparql, initNs=PREFIXES))
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL query: {exc}") from exc
    if not isinstance(graph, Dataset) or graph.default_union:
        return graph.query(query)
    # Query the union without leaving the caller's dataset changed: rdflib evaluates lazily, so the
    # result is materialised while the union is switched on.
    graph.default_union = True
    try:
        result = graph.query(query)
        if result.type == "SELECT":
            result.bindings  # noqa: B018 - forces evaluation
        return result
    finally:
        graph.default_union = False


# -- formatting -----------------------------------------------------------------------------------

def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters (CJK) count two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _compact(iri: str) -> str:
    """``schema:Person`` for a vocabulary IRI; any other IRI in full."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]):]
        if local and all(ch.isalnum() or ch in "_-." for ch in local):
            return f"{best}:{local}"
    return iri


def _cell(term: Any) -> str:
    """A term as a table shows it: literals by their text, IRIs compacted, line breaks flattened."""
    from rdflib import URIRef

    if term is None:
        return ""
    value = _compact(str(term)) if isinstance(term, URIRef) else str(term)
    return " ".join(value.splitlines()) if ("\n" in value or "\r" in value) else value


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return " | ".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _json_term(term: Any) -> dict[str, str]:
    """A term in the SPARQL 1.1 Query Results JSON Format."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # CRLF, as the SPARQL 1.1 CSV format asks
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if term is None else str(term) for term in row])
    return buffer.getvalue()


def format_result(result: Any, fmt: str = "table") -> str:
    """Render a query result.

    SELECT: ``table`` (aligned columns, CJK-width aware, vocabulary IRIs compacted), ``csv`` (SPARQL 1.1
    CSV: full IRIs, literal text) or ``json`` (SPARQL 1.1 Query Results JSON). ASK: ``true``/``false``, or
    ``{"head": {}, "boolean": …}`` in JSON. CONSTRUCT/DESCRIBE: Turtle for ``table``, JSON-LD for
    ``json``, subject/predicate/object rows for ``csv``.
    """
    from .rdf import bind_prefixes

    if fmt not in RESULT_FORMATS:
        raise ValueError(f"unknown result format {fmt!r} (expected one of {', '.join(RESULT_FORMATS)})")
    kind = getattr(result, "type", None)
    if kind == "ASK":
        answer = bool(result.askAnswer)
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": answer}, indent=2) + "\n"
        return ("true" if answer else "false") + "\n"
    if kind in ("CONSTRUCT", "DESCRIBE"):
        graph = bind_prefixes(result.graph)
        if fmt == "table":
            return graph.serialize(format="turtle")
        if fmt == "json":
            return graph.serialize(format="json-ld", context=dict(PREFIXES), indent=2) + "\n"
        triples = sorted(graph, key=lambda t: tuple(str(x) for x in t))
        return _csv(["subject", "predicate", "object"], [list(t) for t in triples])

    variables = [str(v) for v in result.vars]
    rows = [[binding.get(v) for v in result.vars] for binding in result.bindings]
    if fmt == "json":
        bindings = [{name: _json_term(term) for name, term in zip(variables, row, strict=True) if term is not None}
                    for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(variables, rows)
    return _table(variables, [[_cell(term) for term in row] for row in rows])


__all__ = ["PREFIXES", "QueryError", "RemoteQueryError", "check_local", "remote_parts", "load_graph", "run_query",
           "format_result", "display_width"]
