"""CSV export for Neo4j's bulk importer: ``nodes.csv`` and ``edges.csv``.

Load them into an empty database with::

    neo4j-admin database import full --nodes=nodes.csv --relationships=edges.csv neo4j

(add ``--multiline-fields=true`` if any name or text holds a line break). Both files are UTF-8 without a
byte-order mark, comma-separated, quoted only where needed (``"`` doubled inside quotes), one header row.

``nodes.csv`` columns, in this order (a column appears only if some node has that attribute):

``id:ID``
    the node's IRI;
``:LABEL``
    the Neo4j label, the node's ``kind`` in CamelCase (``Person``, ``Organization``, ``Document`` ...);
``name``
    the node's ``label`` (display name);
``kind``, ``subtype``
    see :class:`kgraph.model.Kind` and :class:`kgraph.model.OrgType`;
``confidence:double``
    best confidence of any mention, 0..1;
``aliases``, ``docs``, ``mentions``
    JSON: other names, IDs of the documents that mention the node, ``[doc, start, end]`` offsets;
then every other attribute, by name (``content_hash``, ``date``, ``entities`` (JSON), ``headline``,
``identifier``, ``measure``, ``publisher``, ``source``, ``start_date``, ``text``, ``theme``, ``unit``, ``url``,
``value:double``, ``verb`` ...).

``edges.csv`` columns:

``:START_ID``, ``:END_ID``
    the subject and object IRIs;
``:TYPE``
    the relation in upper case (``MEMBER_OF``, ``HEAD_OF`` ...);
``title``
    the job title of a membership;
``confidence:double``
    the best confidence of the edge's evidence;
``evidence``
    JSON: a list of ``{"doc", "sentence", "start", "end", "confidence"}`` objects;
``key``
    the edge's key in the networkx graph (``relation`` or ``relation|title``);
then every other attribute, by name (``former:boolean``, ``relation`` ...).

How values are written: a header without a type holds plain strings. Numbers are ``:long`` or ``:double``
(a column mixing both is ``:double``), truth values ``:boolean`` (``true``/``false``). ``aliases``,
``docs``, ``mentions``, ``entities`` and ``evidence`` always hold JSON; any other attribute whose values are
not all of one scalar type (lists, dicts, an empty string, which CSV cannot tell from a missing value)
holds JSON in a column named ``<attribute>_json``. An empty cell means the attribute is absent. Neo4j
keeps ``confidence`` as a 64-bit ``double``: its ``float`` is 32 bits and would turn 0.9 into
0.8999999761581421.

The columns of a file depend on which attributes the graph's nodes (or edges) have and on the types of their
values (see :meth:`Neo4jCsvExporter.layout`); a row, on its own element and those columns. :func:`from_tables`
reads the files back into a graph equal to the one written (nodes, edges, keys and attributes; graph-level
attributes are not kept, node IDs and edge keys come back as strings, which kgraph's are, and an ``int`` in a
``:double`` column comes back as an equal ``float``).
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import Edge, Exporter, Node, Summary, edge_sort_key

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Neo4jCsvExporter", "JSON_COLUMNS", "from_tables", "neo4j_label", "neo4j_type"]

NODE_ID, NODE_LABEL, NODE_NAME = "id:ID", ":LABEL", "name"
START_ID, END_ID, REL_TYPE, EDGE_KEY = ":START_ID", ":END_ID", ":TYPE", "key"

JSON_COLUMNS = frozenset({"aliases", "docs", "mentions", "entities", "evidence"})
"""Attributes that always hold JSON, under their own name."""
JSON_SUFFIX = "_json"
"""Marks the column of any other attribute written as JSON."""

_NODE_FIRST = ("label", "kind", "subtype", "confidence", "aliases", "docs", "mentions")
_EDGE_FIRST = ("title", "confidence", "evidence")
# Attribute names a column of the fixed part of the header already stands for.
_NODE_RESERVED = {"id", "name"}
_NODE_RENAMED = {"label": NODE_NAME}  # Neo4j's convention for a display name
_EDGE_RESERVED = {EDGE_KEY}


def neo4j_label(kind: str | None) -> str:
    """The Neo4j label of a node kind: ``organization`` -> ``Organization``, ``some_kind`` -> ``SomeKind``."""
    return "".join(part.capitalize() for part in str(kind or "").split("_"))


def neo4j_type(relation: str) -> str:
    """The Neo4j relationship type of a relation: ``member_of`` -> ``MEMBER_OF``."""
    return "".join(ch if ch.isalnum() else "_" for ch in relation).upper() or "RELATED_TO"


# -- columns -----------------------------------------------------------------------------------------
_SCALAR_TYPES = {"bool": "boolean", "int": "long", "float": "double", "str": "", "str-xml": ""}
"""Value tags (:func:`kgraph.exporters.value_tag`) CSV holds as they are, and their Neo4j header type."""


def _column_type(name: str, tags: Iterable[str]) -> str | None:
    """The header type of an attribute's column from the tags of its values, or None when it holds JSON."""
    if name in JSON_COLUMNS or name.endswith(JSON_SUFFIX):
        return None
    types = {_SCALAR_TYPES.get(tag) for tag in tags}
    if types == {"long", "double"}:
        return "double"
    if len(types) == 1 and None not in types:
        return types.pop()
    return None


def _header(name: str, column_type: str | None) -> str:
    if column_type is None:
        return name if name in JSON_COLUMNS else name + JSON_SUFFIX
    return f"{name}:{column_type}" if column_type else name


def _parse_header(header: str) -> tuple[str, str | None]:
    """Attribute name and type (None for JSON) of a property column."""
    name, _, column_type = header.rpartition(":") if ":" in header else (header, "", "")
    if not column_type:
        if name in JSON_COLUMNS:
            return name, None
        if name.endswith(JSON_SUFFIX):
            return name[: -len(JSON_SUFFIX)], None
    return name, column_type


def _cell(value: Any, column_type: str | None) -> str:
    if column_type is None:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if column_type == "boolean":
        return "true" if value else "false"
    if column_type == "double":
        return repr(float(value))
    return str(value)


def _value(cell: str, column_type: str | None) -> Any:
    if column_type is None:
        return json.loads(cell)
    if column_type == "boolean":
        if cell not in ("true", "false"):
            raise ValueError(f"not a boolean: {cell!r}")
        return cell == "true"
    if column_type in ("long", "int", "short", "byte"):
        return int(cell)
    if column_type in ("double", "float"):
        return float(cell)
    return cell


def _attribute_columns(tags: dict[str, frozenset[str]], first: tuple[str, ...], reserved: set[str],
                       renamed: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """(attribute, header, type) for every attribute of ``tags`` (name -> its value tags): ``first`` ones
    first, the rest by name."""
    for name in tags:
        if name in reserved or ":" in name:
            raise ValueError(f"attribute name {name!r} cannot be a Neo4j CSV column")
    order = [name for name in first if name in tags] + sorted(set(tags) - set(first))
    return [(name, _header(renamed.get(name, name), _column_type(name, tags[name])), _column_type(name, tags[name]))
            for name in order]


def _row(attrs: dict[str, Any], columns: list[tuple[str, str, str | None]]) -> list[str]:
    return [_cell(attrs[name], column_type) if name in attrs else "" for name, _, column_type in columns]


def _csv_line(cells: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue().encode("utf-8")


# -- reading back -------------------------------------------------------------------------------------
def _records(table: Iterable[list[str]], structural: tuple[str, ...], renamed: dict[str, str]):
    """(cells of the ``structural`` columns, attributes) for each data row of ``table``."""
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        return
    columns = [_parse_header(h) for h in header]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a row has {len(row)} cells, the header {len(header)}: {row!r}")
        fixed: dict[str, str] = {}
        attrs: dict[str, Any] = {}
        for h, (name, column_type), cell in zip(header, columns, row):
            if h in structural:
                fixed[h] = cell
            elif cell != "":  # an empty cell is a missing attribute
                attrs[renamed.get(name, name)] = _value(cell, column_type)
        yield fixed, attrs


def from_tables(node_table: Iterable[list[str]], edge_table: Iterable[list[str]]) -> nx.MultiDiGraph:
    """The graph the rows of nodes.csv and edges.csv (headers first) were written from."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    # :LABEL and :TYPE are derived from the kind and relation attributes, so they are not read back.
    node_renamed = {header: name for name, header in _NODE_RENAMED.items()}
    for fixed, attrs in _records(node_table, (NODE_ID, NODE_LABEL), node_renamed):
        graph.add_node(fixed[NODE_ID], **attrs)
    for fixed, attrs in _records(edge_table, (START_ID, END_ID, REL_TYPE, EDGE_KEY), {}):
        graph.add_edge(fixed[START_ID], fixed[END_ID], key=fixed[EDGE_KEY], **attrs)
    return graph


class Neo4jCsvExporter(Exporter):
    """``nodes.csv`` and ``edges.csv`` for ``neo4j-admin database import``: a row per node and per edge."""

    name = "csv"
    filenames = ("nodes.csv", "edges.csv")
    source = "elements"

    def layout(self, summary: Summary) -> dict[str, list[tuple[str, str, str | None]]]:
        """The columns of each file after the structural ones: ``(attribute, header, type)``, type None for JSON."""
        by_scope: dict[str, dict[str, frozenset[str]]] = {"node": {}, "edge": {}}
        for (scope, name), tags in summary.tags.items():
            by_scope[scope][name] = tags
        return {"node": _attribute_columns(by_scope["node"], _NODE_FIRST, _NODE_RESERVED, _NODE_RENAMED),
                "edge": _attribute_columns(by_scope["edge"], _EDGE_FIRST, _EDGE_RESERVED, {})}

    def fragments(self, items: Iterable[Node | Edge], layout: dict) -> Iterator[tuple[str, str, bytes]]:
        node_columns = [tuple(column) for column in layout["node"]]
        first, rest = _edge_columns(layout["edge"])
        for item in items:
            if isinstance(item, Node):
                yield "node", item.iri, _csv_line([item.iri, neo4j_label(item.attrs.get("kind"))]
                                                  + _row(item.attrs, node_columns))
            else:
                relation = item.attrs.get("relation") or item.key.split("|", 1)[0]
                yield "edge", edge_sort_key(item.u, item.v, item.key), _csv_line(
                    [item.u, item.v, neo4j_type(str(relation))] + _row(item.attrs, first) + [item.key]
                    + _row(item.attrs, rest))

    def assemble(self, layout: dict, summary: Summary,
                 read: Callable[[str], Iterable[bytes]]) -> Iterator[tuple[str, Iterable[bytes]]]:
        first, rest = _edge_columns(layout["edge"])
        node_header = [NODE_ID, NODE_LABEL] + [header for _, header, _ in layout["node"]]
        edge_header = ([START_ID, END_ID, REL_TYPE] + [header for _, header, _ in first] + [EDGE_KEY]
                       + [header for _, header, _ in rest])
        yield "nodes.csv", itertools.chain([_csv_line(node_header)], read("node"))
        yield "edges.csv", itertools.chain([_csv_line(edge_header)], read("edge"))

    def read(self, directory: str | os.PathLike) -> nx.MultiDiGraph:
        tables = []
        for path in self.paths(directory):
            with open(path, encoding="utf-8", newline="") as fh:
                tables.append(list(csv.reader(fh)))
        return from_tables(*tables)


def _edge_columns(columns: list) -> tuple[list, list]:
    """The edge columns before the ``key`` column and after it."""
    columns = [tuple(column) for column in columns]
    return ([c for c in columns if c[0] in _EDGE_FIRST], [c for c in columns if c[0] not in _EDGE_FIRST])
