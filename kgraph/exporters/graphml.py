"""GraphML export of the networkx graph, for Gephi, yEd, Cytoscape and networkx itself.

GraphML data values are scalars (string, boolean, long, double), but kgraph's graph holds lists and dicts
too (``aliases``, ``docs``, ``mentions``, ``entities``, ``evidence``). An attribute whose values are not all
of one scalar type (a list, a mix of numbers and strings, a string XML cannot carry faithfully, such as one
with a carriage return, which parsers turn into a newline) is written as JSON text, every value of it, and
the graph attribute ``kgraph:json_attributes`` (a JSON object ``{"graph": [], "node": [...], "edge": [...]}``)
lists those attributes; :func:`decode_from_graphml` undoes it, so ``decode_from_graphml(read_graphml(...))``
equals the graph written: the same nodes, edges, keys and attribute values of the same types.

Keys are named after their attribute (``node.label``, ``edge.evidence``), so a node's or an edge's element
depends on its own attributes and on the layout (which attributes are JSON, the type of each key) only.
Nodes are written in ID order, edges in (source, target, key) order and attributes by name, so the file does
not depend on the order in which documents were merged. Node IDs and edge keys are written as XML attributes
and must be strings XML can carry (kgraph's IRIs and keys are).
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from . import NOT_XML_FAITHFUL, Edge, Exporter, Node, Summary, edge_sort_key

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["GraphMLExporter", "JSON_ATTRIBUTES", "decode_from_graphml"]

JSON_ATTRIBUTES = "kgraph:json_attributes"
"""The graph attribute naming, per scope, the attributes whose values are JSON text."""

_SCOPES = ("graph", "node", "edge")
_KEY_TYPES = {"bool": "boolean", "int": "long", "float": "double", "str": "string", "str-empty": "string"}
_READER_DEFAULTS = ("node_default", "edge_default")  # added by networkx's reader, empty unless declared
_HEAD = (b"<?xml version='1.0' encoding='utf-8'?>\n"
         b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
         b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         b'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
         b'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')


def _json_text(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if NOT_XML_FAITHFUL.search(text):  # e.g. U+FFFE, which JSON leaves as it is
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text


def _check_xml_id(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"GraphML keeps only string {what}s, not {value!r}")
    if NOT_XML_FAITHFUL.search(value):
        raise ValueError(f"{what} {value!r} holds a character GraphML (XML) cannot carry")
    return value


def _text(value: Any, key_type: str | None) -> str:
    if key_type is None:
        return escape(_json_text(value))
    if key_type == "boolean":
        return "true" if value else "false"
    if key_type == "double":
        return repr(float(value))
    return escape(str(value))


def decode_from_graphml(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Undo the JSON encoding on a graph read from GraphML: JSON text back to values, in place."""
    for name in _READER_DEFAULTS:
        if graph.graph.get(name) == {}:
            del graph.graph[name]
    listed = graph.graph.pop(JSON_ATTRIBUTES, None)
    json_names = {scope: set(names) for scope, names in json.loads(listed).items()} if listed else {}
    for scope, attribute_dicts in (("graph", [graph.graph]), ("node", (a for _, a in graph.nodes(data=True))),
                                   ("edge", (a for *_, a in graph.edges(data=True)))):
        names = json_names.get(scope, set())
        for attrs in attribute_dicts:
            attrs.update({name: json.loads(value) for name, value in attrs.items() if name in names})
    return graph


class GraphMLExporter(Exporter):
    """``graph.graphml``: the networkx graph, list and dict attributes as JSON text."""

    name = "graphml"
    filenames = ("graph.graphml",)
    source = "elements"

    def layout(self, summary: Summary) -> dict[str, dict[str, str | None]]:
        """Scope -> attribute -> its key type (``boolean``, ``long``, ``double``, ``string``), None for JSON."""
        layout: dict[str, dict[str, str | None]] = {"node": {}, "edge": {}}
        for (scope, name), tags in sorted(summary.tags.items()):
            _check_xml_id(name, "attribute name")
            types = {_KEY_TYPES.get(tag) for tag in tags}
            layout[scope][name] = types.pop() if len(types) == 1 else None
        return layout

    def fragments(self, items: Iterable[Node | Edge], layout: dict) -> Iterator[tuple[str, str, bytes]]:
        for item in items:
            if isinstance(item, Node):
                scope, key = "node", item.iri
                opening = f'    <node id={quoteattr(_check_xml_id(item.iri, "node ID"))}>\n'
                closing = "    </node>\n"
            else:
                scope, key = "edge", edge_sort_key(item.u, item.v, item.key)
                opening = (f'    <edge source={quoteattr(_check_xml_id(item.u, "node ID"))} '
                           f'target={quoteattr(_check_xml_id(item.v, "node ID"))} '
                           f'id={quoteattr(_check_xml_id(item.key, "edge key"))}>\n')
                closing = "    </edge>\n"
            types = layout[scope]
            data = "".join(f'      <data key={quoteattr(scope + "." + name)}>{_text(item.attrs[name], types[name])}'
                           '</data>\n' for name in sorted(item.attrs))
            yield scope, key, (opening + data + closing).encode("utf-8")

    def assemble(self, layout: dict, summary: Summary,
                 read: Callable[[str], Iterable[bytes]]) -> Iterator[tuple[str, Iterable[bytes]]]:
        def chunks() -> Iterator[bytes]:
            yield _HEAD
            json_names = {scope: sorted(n for n, t in layout.get(scope, {}).items() if t is None) for scope in _SCOPES}
            keys = [f'  <key id="graph.{JSON_ATTRIBUTES}" for="graph" attr.name="{JSON_ATTRIBUTES}" '
                    f'attr.type="string" />\n']
            for scope in ("node", "edge"):
                for name, key_type in layout.get(scope, {}).items():
                    keys.append(f'  <key id={quoteattr(scope + "." + name)} for="{scope}" attr.name={quoteattr(name)} '
                                f'attr.type="{key_type or "string"}" />\n')
            yield "".join(keys).encode("utf-8")
            yield b'  <graph edgedefault="directed">\n'
            listed = json.dumps(json_names, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            yield f'    <data key="graph.{JSON_ATTRIBUTES}">{escape(listed)}</data>\n'.encode("utf-8")
            yield from read("node")
            yield from read("edge")
            yield b"  </graph>\n</graphml>\n"

        yield self.filenames[0], chunks()

    def read(self, directory: str | os.PathLike) -> nx.MultiDiGraph:
        """The graph written into ``directory``, equal to the one exported."""
        import networkx as nx

        (path,) = self.paths(directory)
        return decode_from_graphml(nx.read_graphml(path, force_multigraph=True))
