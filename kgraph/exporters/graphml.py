"""GraphML export of the networkx graph, for Gephi, yEd, Cytoscape and networkx itself.

GraphML data values are scalars (string, boolean, long, double), but kgraph's graph holds lists and dicts
too (``aliases``, ``docs``, ``mentions``, ``entities``, ``evidence``). :func:`encode_for_graphml` turns every
value of such an attribute into JSON text, and lists the attributes it encoded in the graph attribute
``kgraph:json_attributes`` (a JSON object ``{"graph": [...], "node": [...], "edge": [...]}``);
:func:`decode_from_graphml` undoes both, so ``decode_from_graphml(read_graphml(...))`` equals the graph
written: the same nodes, edges, keys and attribute values of the same types.

Strings that XML cannot carry faithfully (a carriage return, which parsers turn into a newline, or a
character XML forbids) are JSON text as well, since JSON escapes them. Node IDs and edge keys are
written as XML attributes and must be strings without such characters (kgraph's IRIs and keys are).

Nodes are written in ID order, edges in (source, target, key) order and attributes by name, so the
file does not depend on the order in which documents were merged.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io import atomic_write
from . import Exporter

if TYPE_CHECKING:
    import networkx as nx

    from ..graph import KnowledgeGraph

__all__ = ["GraphMLExporter", "JSON_ATTRIBUTES", "encode_for_graphml", "decode_from_graphml"]

JSON_ATTRIBUTES = "kgraph:json_attributes"
"""The graph attribute naming, per scope, the attributes whose values are JSON text."""

_SCOPES = ("graph", "node", "edge")
_NATIVE_TYPES = (bool, int, float)  # compared by exact type: a bool is no int here
# What XML 1.0 cannot hold, plus the carriage return, which XML parsers normalise to a line feed.
_NOT_XML_FAITHFUL = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_READER_DEFAULTS = ("node_default", "edge_default")  # added by networkx's reader, empty unless declared


def _native(value: Any) -> bool:
    """Whether GraphML holds ``value`` as it is and gives it back unchanged."""
    if type(value) is str:
        return not _NOT_XML_FAITHFUL.search(value)
    return type(value) in _NATIVE_TYPES


def _json_text(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if _NOT_XML_FAITHFUL.search(text):  # e.g. U+FFFE, which JSON leaves as it is
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text


def _json_names(attribute_dicts: Iterable[dict[str, Any]]) -> set[str]:
    return {name for attrs in attribute_dicts for name, value in attrs.items() if not _native(value)}


def _encoded(attrs: dict[str, Any], json_names: set[str]) -> dict[str, Any]:
    return {name: _json_text(attrs[name]) if name in json_names else attrs[name] for name in sorted(attrs)}


def _decoded(attrs: dict[str, Any], json_names: set[str]) -> dict[str, Any]:
    return {name: json.loads(value) if name in json_names else value for name, value in attrs.items()}


def _check_xml_id(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"GraphML keeps only string {what}s, not {value!r}")
    if _NOT_XML_FAITHFUL.search(value):
        raise ValueError(f"{what} {value!r} holds a character GraphML (XML) cannot carry")
    return value


def encode_for_graphml(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``graph`` that GraphML can hold, in canonical order (see the module docstring)."""
    import networkx as nx

    if JSON_ATTRIBUTES in graph.graph:
        raise ValueError(f"the graph attribute {JSON_ATTRIBUTES!r} is reserved for the GraphML encoding")
    for node in graph.nodes:
        _check_xml_id(node, "node ID")
    edges = sorted(graph.edges(keys=True, data=True), key=lambda edge: edge[:3])
    for _, _, key, _ in edges:
        _check_xml_id(key, "edge key")
    json_names = {"graph": _json_names([graph.graph]),
                  "node": _json_names(attrs for _, attrs in graph.nodes(data=True)),
                  "edge": _json_names(attrs for _, _, _, attrs in edges)}
    for names in json_names.values():
        for name in names:
            _check_xml_id(name, "attribute name")

    encoded = nx.MultiDiGraph()
    encoded.graph.update(_encoded(graph.graph, json_names["graph"]))
    if any(json_names.values()):
        encoded.graph[JSON_ATTRIBUTES] = json.dumps({scope: sorted(json_names[scope]) for scope in _SCOPES},
                                                    ensure_ascii=False, separators=(",", ":"))
    for node in sorted(graph.nodes):
        encoded.add_node(node, **_encoded(graph.nodes[node], json_names["node"]))
    for u, v, key, attrs in edges:
        encoded.add_edge(u, v, key=key, **_encoded(attrs, json_names["edge"]))
    return encoded


def decode_from_graphml(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Undo :func:`encode_for_graphml` on a graph read from GraphML: JSON text back to values, in place."""
    for name in _READER_DEFAULTS:
        if graph.graph.get(name) == {}:
            del graph.graph[name]
    listed = graph.graph.pop(JSON_ATTRIBUTES, None)
    json_names = {scope: set(names) for scope, names in json.loads(listed).items()} if listed else {}
    empty: set[str] = set()
    graph.graph.update(_decoded(graph.graph, json_names.get("graph", empty)))
    for _, attrs in graph.nodes(data=True):
        attrs.update(_decoded(attrs, json_names.get("node", empty)))
    for _, _, attrs in graph.edges(data=True):
        attrs.update(_decoded(attrs, json_names.get("edge", empty)))
    return graph


class GraphMLExporter(Exporter):
    """``graph.graphml``: the networkx graph, list and dict attributes as JSON text."""

    name = "graphml"
    filenames = ("graph.graphml",)

    def write(self, kg: KnowledgeGraph, directory: str | os.PathLike) -> list[Path]:
        import networkx as nx

        (path,) = self.paths(directory)
        encoded = encode_for_graphml(kg.to_networkx())
        with atomic_write(path, "wb") as fh:
            # the ElementTree writer: UTF-8 text as it is (generate_graphml() would escape every
            # Chinese character as a character reference), the same bytes on every run
            nx.write_graphml_xml(encoded, fh, encoding="utf-8", prettyprint=True)
        return [path]

    def read(self, directory: str | os.PathLike) -> nx.MultiDiGraph:
        """The graph written into ``directory``, equal to the one exported."""
        import networkx as nx

        (path,) = self.paths(directory)
        return decode_from_graphml(nx.read_graphml(path, force_multigraph=True))
