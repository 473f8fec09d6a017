"""Exporters: write a :class:`~kgraph.graph.KnowledgeGraph` to files, one format at a time.

A registry maps each format name to the module and class that implement it (after rdflib's plugin
registry), and a module is imported only when its format is used, so ``import kgraph.exporters`` costs
nothing and a format whose dependencies are missing fails only when asked for.

An exporter class has:

``name``
    the format name it is registered under;
``filenames``
    the files it writes into the output directory, e.g. ``("graph.ttl",)``;
``write(kg, directory) -> list[Path]``
    writes those files, each through :func:`kgraph.io.atomic_write`, and returns their paths;
``read(directory)`` (formats that can be read back)
    what it wrote, in a comparable form: an ``rdflib.Graph`` or ``rdflib.Dataset`` for RDF formats, a
    ``networkx.MultiDiGraph`` for graphml and csv. Round-trip tests use it.

Exporters whose class sets ``uses_dataset = True`` also accept ``write(kg, directory, dataset=...)``, the
graph's ``kg.to_rdf()`` already built, so that :func:`save` builds the RDF once for all RDF formats.

=========  =====================  ==========================================================
format     files                  content
=========  =====================  ==========================================================
turtle     graph.ttl              the union of all named graphs, prefixes bound
ntriples   graph.nt               the same triples, one per line, lines sorted
jsonld     graph.jsonld           the same triples; ``@vocab`` is schema.org
trig       graph.trig             one named graph per document
nquads     graph.nq               one named graph per document, lines sorted
graphml    graph.graphml          the networkx graph; list and dict attributes as JSON text
csv        nodes.csv, edges.csv   for ``neo4j-admin database import`` (see :mod:`.tabular`)
html       graph.html             the interactive page (see :mod:`.html`)
=========  =====================  ==========================================================
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph

__all__ = ["DEFAULT_FORMATS", "FORMATS", "Exporter", "HtmlExporter", "get_exporter", "register", "save"]


class Exporter:
    """The base of exporter classes: a format ``name``, the ``filenames`` it writes, and :meth:`write`.

    Subclasses that can read their output back define ``read(directory)`` as well.
    """

    name: str = ""
    filenames: tuple[str, ...] = ()
    uses_dataset: bool = False

    def paths(self, directory: str | os.PathLike) -> list[Path]:
        return [Path(directory) / filename for filename in self.filenames]

    def write(self, kg: KnowledgeGraph, directory: str | os.PathLike) -> list[Path]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} -> {', '.join(self.filenames)}>"


class HtmlExporter(Exporter):
    """``graph.html``, rendered by :func:`kgraph.exporters.html.write_html`; it cannot be read back."""

    name = "html"
    filenames = ("graph.html",)

    def write(self, kg: KnowledgeGraph, directory: str | os.PathLike) -> list[Path]:
        from .html import write_html

        (path,) = self.paths(directory)
        write_html(kg, path)
        return [path]


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


def get_exporter(name: str) -> Exporter:
    """An exporter for format ``name`` (case-insensitive; aliases such as ``ttl`` work too).

    Raises ValueError naming the known formats if ``name`` is not registered.
    """
    module_name, class_name = _REGISTRY[_canonical(name)]
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls()


register("turtle", "kgraph.exporters.rdf", "TurtleExporter", aliases=("ttl",))
register("ntriples", "kgraph.exporters.rdf", "NTriplesExporter", aliases=("nt", "n-triples"))
register("jsonld", "kgraph.exporters.rdf", "JsonLdExporter", aliases=("json-ld",))
register("trig", "kgraph.exporters.rdf", "TriGExporter")
register("nquads", "kgraph.exporters.rdf", "NQuadsExporter", aliases=("nq", "n-quads"))
register("graphml", "kgraph.exporters.graphml", "GraphMLExporter")
register("csv", "kgraph.exporters.tabular", "Neo4jCsvExporter", aliases=("neo4j",))
register("html", "kgraph.exporters", "HtmlExporter")

DEFAULT_FORMATS: tuple[str, ...] = ("turtle", "trig", "jsonld", "graphml", "csv", "html")
"""What :func:`save` writes when no formats are given: N-Triples and N-Quads repeat Turtle and TriG."""


def save(kg: KnowledgeGraph, directory: str | os.PathLike,
         formats: Iterable[str] | str | None = None) -> list[Path]:
    """Write ``kg`` into ``directory`` in each of ``formats`` (default :data:`DEFAULT_FORMATS`).

    Every name is checked before anything is written, so a typo writes nothing. Returns the paths
    written, in the order of ``formats``.
    """
    if formats is None:
        formats = DEFAULT_FORMATS
    elif isinstance(formats, str):
        formats = [formats]  # one name, not an iterable of one-letter names
    names = list(dict.fromkeys(_canonical(name) for name in formats))
    exporters = [get_exporter(name) for name in names]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    dataset: Any = None
    written: list[Path] = []
    for exporter in exporters:
        if exporter.uses_dataset:
            if dataset is None:
                dataset = kg.to_rdf()
            written.extend(exporter.write(kg, directory, dataset=dataset))
        else:
            written.extend(exporter.write(kg, directory))
    return written
