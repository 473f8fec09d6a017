"""Exporters: write a :class:`~kgraph.graph.KnowledgeGraph` to files, one format at a time.

A registry maps each format name to the module and class that implement it (after rdflib's plugin
registry), and a module is imported only when its format is used, so ``import kgraph.exporters`` costs
nothing and a format whose dependencies are missing fails only when asked for.

Every file is made of **fragments**, one per item of the graph, in the order of their keys, between a head and
a tail: one per named graph (TriG, N-Quads), one per subject of the union of the named graphs (Turtle,
N-Triples, JSON-LD), one per node and per edge of the networkx graph (GraphML, CSV, HTML). A fragment depends
on its own item and on the exporter's *layout* only (for GraphML and CSV: which attributes exist and which
types their values have; see :class:`Summary`), never on where the item stands. So the files of a build
directory are rewritten after a change by recomputing the fragments of the items the change touched
(:mod:`kgraph.fragments`), and they are the same bytes as those of a graph built at once.

An exporter class has:

``name``
    the format name it is registered under;
``filenames``
    the files it writes into the output directory, e.g. ``("graph.ttl",)``;
``source``
    what its fragments are made of: ``"graphs"``, ``"subjects"`` or ``"elements"`` (see :func:`items`);
``layout(summary)``, ``fragments(items, layout)``, ``assemble(layout, summary, read)``
    the fragments of some items as ``(section, key, bytes)``, and the files made of all of them (see
    :class:`Exporter`);
``write(kg, directory) -> list[Path]``
    writes its files for a whole graph, each through :func:`kgraph.io.atomic_write`, and returns their paths;
``read(directory)`` (formats that can be read back)
    what it wrote, in a comparable form: an ``rdflib.Graph`` or ``rdflib.Dataset`` for RDF formats, a
    ``networkx.MultiDiGraph`` for graphml and csv. Round-trip tests use it.

=========  =====================  ==========================================================
format     files                  content
=========  =====================  ==========================================================
turtle     graph.ttl              the union of all named graphs, prefixes bound
ntriples   graph.nt               the same triples, one per line, lines sorted
jsonld     graph.jsonld           the same triples, a node per line; ``@vocab`` is schema.org
trig       graph.trig             one named graph per document
nquads     graph.nq               one named graph per document, graph after graph, lines sorted
graphml    graph.graphml          the networkx graph; list and dict attributes as JSON text
csv        nodes.csv, edges.csv   for ``neo4j-admin database import`` (see :mod:`.tabular`)
html       graph.html             the interactive page (see :mod:`.html`)
=========  =====================  ==========================================================
"""
from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..io import atomic_write

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph

__all__ = ["DEFAULT_FORMATS", "FORMATS", "Edge", "Exporter", "Node", "Summary", "edge_sort_key", "get_exporter",
           "items", "register", "save", "value_tag"]


# -- the items fragments are made of ---------------------------------------------------------------------
class Node(NamedTuple):
    """A node of the networkx graph, with its degree (edges between two nodes, parallel ones counted)."""

    iri: str
    attrs: dict[str, Any]
    degree: int


class Edge(NamedTuple):
    u: str
    v: str
    key: str
    attrs: dict[str, Any]


def edge_sort_key(u: str, v: str, key: str) -> str:
    """The key that orders edges by (source, target, key) as strings; \x01 joins them (no IRI or key holds it)."""
    return f"{u}\x01{v}\x01{key}"


# What XML 1.0 cannot hold, plus the carriage return, which XML parsers normalise to a line feed.
NOT_XML_FAITHFUL = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def value_tag(value: Any) -> str:
    """The kind of an attribute value that decides how GraphML and CSV write its attribute: ``bool``, ``int``,
    ``float``, ``str`` (non-empty, XML can hold it), ``str-empty``, ``str-xml`` (a character XML cannot hold,
    no NUL), ``str-nul`` or ``other`` (lists, dicts, anything else). Compared by exact type: a bool is no int."""
    kind = type(value)
    if kind is bool:
        return "bool"
    if kind is int:
        return "int"
    if kind is float:
        return "float"
    if kind is str:
        if not value:
            return "str-empty"
        if "\x00" in value:
            return "str-nul"
        return "str-xml" if NOT_XML_FAITHFUL.search(value) else "str"
    return "other"


@dataclass
class Summary:
    """What the layouts and heads of the files depend on besides the fragments: the value tags of every
    attribute (``(scope, name) -> tags``, scope ``"node"`` or ``"edge"``), and the kind and degree of every
    node (IRI order)."""

    tags: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    nodes: list[tuple[str, str, int]] = field(default_factory=list)

    @classmethod
    def of_elements(cls, elements: Iterable[Node | Edge]) -> Summary:
        tags: dict[tuple[str, str], set[str]] = {}
        nodes = []
        for element in elements:
            scope = "node" if isinstance(element, Node) else "edge"
            for name, value in element.attrs.items():
                tags.setdefault((scope, name), set()).add(value_tag(value))
            if scope == "node":
                nodes.append((element.iri, str(element.attrs.get("kind", "")), element.degree))
        return cls({key: frozenset(found) for key, found in tags.items()}, sorted(nodes))


def items(kg: KnowledgeGraph, source: str) -> list[Any]:
    """The items of ``kg`` an exporter of ``source`` makes its fragments of.

    ``"graphs"``: ``(graph IRI or None for the default graph, sorted N-Triples lines)`` for every graph of
    :func:`kgraph.rdf.to_dataset`; ``"subjects"``: ``(subject as N-Triples, sorted N-Triples lines)`` for every
    subject of the union of those graphs; ``"elements"``: a :class:`Node` per node and an :class:`Edge` per
    edge of the networkx graph.
    """
    if source == "elements":
        graph = kg.to_networkx()
        degree = dict(graph.degree())
        elements: list[Any] = [Node(str(n), attrs, degree[n]) for n, attrs in graph.nodes(data=True)]
        elements += [Edge(str(u), str(v), str(k), attrs) for u, v, k, attrs in graph.edges(keys=True, data=True)]
        return elements
    from ..rdf import to_ntriples, union_by_subject

    graphs = sorted(to_ntriples(kg).items(), key=lambda item: item[0] or "")
    return graphs if source == "graphs" else union_by_subject(lines for _, lines in graphs)


class Exporter:
    """The base of exporter classes: a format ``name``, the ``filenames`` it writes, and its fragments.

    A subclass sets ``source`` and defines :meth:`fragments` and :meth:`assemble` (and :meth:`layout` when its
    fragments depend on more than their own item); :meth:`write` then writes a whole graph. Subclasses that
    can read their output back define ``read(directory)`` as well.
    """

    name: str = ""
    filenames: tuple[str, ...] = ()
    source: str = ""

    def paths(self, directory: str | os.PathLike) -> list[Path]:
        return [Path(directory) / filename for filename in self.filenames]

    def layout(self, summary: Summary) -> Any:
        """What every fragment depends on besides its item (JSON-able; compared to know when every fragment
        must be made again). None: nothing."""
        return None

    def fragments(self, items: Iterable[Any], layout: Any) -> Iterator[tuple[str, str, bytes]]:
        """``(section, key, fragment)`` for each of ``items`` (at most one per item and section)."""
        raise NotImplementedError

    def assemble(self, layout: Any, summary: Summary,
                 read: Callable[[str], Iterable[bytes]]) -> Iterator[tuple[str, Iterable[bytes]]]:
        """``(file name, its chunks)`` for each file; ``read(section)`` gives the section's fragments in key order."""
        raise NotImplementedError

    def render(self, kg: KnowledgeGraph, *, cache: dict | None = None) -> Iterator[tuple[str, Iterable[bytes]]]:
        """``(file name, its chunks)`` for each file of ``kg``. ``cache`` (shared by the exporters of one
        :func:`save`) keeps the items of each source, so that they are made once."""
        cache = {} if cache is None else cache
        if self.source not in cache:
            cache[self.source] = items(kg, self.source)
        found = cache[self.source]
        summary = Summary.of_elements(found) if self.source == "elements" else Summary()
        layout = self.layout(summary)
        sections: dict[str, list[tuple[str, bytes]]] = {}
        for section, key, body in self.fragments(found, layout):
            sections.setdefault(section, []).append((key, body))
        for pieces in sections.values():
            pieces.sort(key=lambda piece: piece[0])
        return self.assemble(layout, summary, lambda section: (body for _, body in sections.get(section, ())))

    def write(self, kg: KnowledgeGraph, directory: str | os.PathLike, *, cache: dict | None = None) -> list[Path]:
        """Write the files of ``kg`` into ``directory``, each atomically; their paths."""
        return write_files(directory, self.render(kg, cache=cache))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} -> {', '.join(self.filenames)}>"


def write_files(directory: str | os.PathLike, files: Iterable[tuple[str, Iterable[bytes]]]) -> list[Path]:
    """Write each ``(file name, chunks)`` into ``directory`` atomically; the paths, in order."""
    written = []
    for filename, chunks in files:
        path = Path(directory) / filename
        with atomic_write(path, "wb") as fh:
            fh.writelines(chunks)
        written.append(path)
    return written


def joined(chunks: Iterable[bytes], separator: bytes) -> Iterator[bytes]:
    """``chunks`` with ``separator`` between each two."""
    first = True
    for chunk in chunks:
        if not first:
            yield separator
        first = False
        yield chunk


_REGISTRY: dict[str, tuple[str, str]] = {}
_ALIASES: dict[str, str] = {}

FORMATS: tuple[str, ...] = ()
"""Registered format names in registration order. :func:`register` rebinds it, so read it as
``kgraph.exporters.FORMATS`` to see formats registered later."""


def _normalize(name: str) -> str:
    return name.strip().lower()


def register(name: str, module: str, class_name: str, *, aliases: Iterable[str] = ()) -> None:
    """Make format ``name`` (and any ``aliases``) write with ``module.class_name``, imported on first use.

    Registering a name again replaces its implementation and keeps its place in :data:`FORMATS`.
    """
    global FORMATS
    name = _normalize(name)
    if not name:
        raise ValueError("a format name must not be empty")
    _REGISTRY[name] = (module, class_name)
    _ALIASES.pop(name, None)
    for alias in aliases:
        alias = _normalize(alias)
        if alias in _REGISTRY:
            raise ValueError(f"alias {alias!r} is already the name of a format")
        _ALIASES[alias] = name
    if name not in FORMATS:
        FORMATS = FORMATS + (name,)


def _canonical(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"a format name must be a string, not {type(name).__name__}")
    key = _normalize(name)
    key = _ALIASES.get(key, key)
    if key not in _REGISTRY:
        raise ValueError(f"unknown export format {name!r}; known formats: {', '.join(FORMATS)}")
    return key


def get_exporter(name: str, **options: Any) -> Exporter:
    """An exporter for format ``name`` (case-insensitive; aliases such as ``ttl`` work too), made with
    ``options`` (e.g. ``lang="en"`` for html).

    Raises ValueError naming the known formats if ``name`` is not registered.
    """
    module_name, class_name = _REGISTRY[_canonical(name)]
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(**options)


register("turtle", "kgraph.exporters.rdf", "TurtleExporter", aliases=("ttl",))
register("ntriples", "kgraph.exporters.rdf", "NTriplesExporter", aliases=("nt", "n-triples"))
register("jsonld", "kgraph.exporters.rdf", "JsonLdExporter", aliases=("json-ld",))
register("trig", "kgraph.exporters.rdf", "TriGExporter")
register("nquads", "kgraph.exporters.rdf", "NQuadsExporter", aliases=("nq", "n-quads"))
register("graphml", "kgraph.exporters.graphml", "GraphMLExporter")
register("csv", "kgraph.exporters.tabular", "Neo4jCsvExporter", aliases=("neo4j",))
register("html", "kgraph.exporters.html", "HtmlExporter")

DEFAULT_FORMATS: tuple[str, ...] = ("turtle", "trig", "jsonld", "graphml", "csv", "html")
"""What :func:`save` writes when no formats are given: N-Triples and N-Quads repeat Turtle and TriG."""


def save(kg: KnowledgeGraph, directory: str | os.PathLike,
         formats: Iterable[str] | str | None = None, options: dict[str, dict[str, Any]] | None = None) -> list[Path]:
    """Write ``kg`` into ``directory`` in each of ``formats`` (default :data:`DEFAULT_FORMATS`); ``options``
    maps a format name to the options of its exporter (``{"html": {"lang": "en"}}``).

    Every name is checked before anything is written, so a typo writes nothing. Returns the paths
    written, in the order of ``formats``.
    """
    if formats is None:
        formats = DEFAULT_FORMATS
    elif isinstance(formats, str):
        formats = [formats]  # one name, not an iterable of one-letter names
    names = list(dict.fromkeys(_canonical(name) for name in formats))
    exporters = [get_exporter(name, **(options or {}).get(name, {})) for name in names]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cache: dict[str, Any] = {}  # each source's items made once for all formats
    written: list[Path] = []
    for exporter in exporters:
        written.extend(exporter.write(kg, directory, cache=cache))
    return written
