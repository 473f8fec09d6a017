"""RDF exporters: Turtle, N-Triples, JSON-LD, TriG and N-Quads, all from ``kg.to_rdf()``.

:func:`kgraph.rdf.to_dataset` gives one named graph per document. Turtle, N-Triples and JSON-LD hold the
union of those graphs (what a consumer that ignores provenance graphs wants); TriG and N-Quads keep
the named graphs.

Every file is byte-for-byte the same for the same graph, whatever the process's hash seed: rdflib's
Turtle writer sorts subjects, predicates, objects and prefixes by itself; N-Triples and N-Quads lines
are sorted here; TriG graphs are written in IRI order (rdflib takes them from a set); and the JSON-LD
document is put in canonical order here (its writer also walks a set of subjects). Sorting every JSON
array is safe because :func:`~kgraph.rdf.to_dataset` makes no RDF lists, whose order would matter; it
makes no blank nodes either, whose labels would change from run to run.
"""
from __future__ import annotations

import io
import json
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io import atomic_write
from . import Exporter

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from ..graph import KnowledgeGraph

__all__ = ["RdfExporter", "TurtleExporter", "NTriplesExporter", "JsonLdExporter", "TriGExporter",
           "NQuadsExporter", "union_graph", "named_graphs", "jsonld_context"]

SCHEMA_ORG = "https://schema.org/"
_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"


def union_graph(dataset: Dataset) -> Graph:
    """All triples of every graph in ``dataset`` (default graph included) in one Graph, its prefixes bound."""
    from rdflib import Graph

    union = Graph(bind_namespaces="none")
    for prefix, namespace in dataset.namespaces():
        union.bind(prefix, namespace, override=True, replace=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def named_graphs(dataset: Dataset) -> dict[str, frozenset]:
    """Graph IRI -> its set of triples, for every non-empty graph of ``dataset``: a comparable form."""
    graphs: dict[str, set] = {}
    for s, p, o, context in dataset.quads((None, None, None, None)):
        name = getattr(context, "identifier", context)  # rdflib yields identifiers, older versions graphs
        graphs.setdefault(str(name), set()).add((s, p, o))
    return {name: frozenset(triples) for name, triples in graphs.items()}


def jsonld_context(graph: Graph) -> dict[str, str]:
    """The ``@context`` of graph.jsonld: schema.org as ``@vocab``, plus the bound prefixes ``graph`` uses."""
    from rdflib import Literal, URIRef

    iris: set[str] = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                iris.add(str(term))
            elif isinstance(term, Literal) and term.datatype is not None:
                iris.add(str(term.datatype))
    context: dict[str, str] = {"@vocab": SCHEMA_ORG}
    for prefix, namespace in sorted(graph.namespaces()):
        namespace = str(namespace)
        if prefix and namespace != _XML_NAMESPACE and any(iri.startswith(namespace) for iri in iris):
            context[prefix] = namespace
    return context


def _sorted_lines(text: str) -> str:
    """N-Triples/N-Quads text with its lines sorted and duplicates dropped: one canonical order."""
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "".join(line + "\n" for line in lines)


def _canonical_json(value: Any) -> Any:
    """``value`` with every array sorted (except ``@list`` arrays, whose order is meaningful)."""
    if isinstance(value, dict):
        return {key: item if key == "@list" else _canonical_json(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


class RdfExporter(Exporter):
    """One file serialised by rdflib from the graph's :class:`rdflib.Dataset`."""

    uses_dataset = True
    rdf_format: str = ""          # rdflib's parser name for read()
    keeps_named_graphs = False    # True: read() gives a Dataset, else a Graph

    def write(self, kg: KnowledgeGraph, directory: str | os.PathLike, *,
              dataset: Dataset | None = None) -> list[Path]:
        """Write the file; ``dataset`` is ``kg.to_rdf()`` when the caller has built it already."""
        if dataset is None:
            dataset = kg.to_rdf()
        (path,) = self.paths(directory)
        with atomic_write(path) as fh:
            # Serialising inside the block: should it fail, atomic_write removes the temporary file
            # and the previous output stays as it was.
            fh.write(self.serialize(dataset))
        return [path]

    def serialize(self, dataset: Dataset) -> str:
        raise NotImplementedError

    def read(self, directory: str | os.PathLike) -> Graph | Dataset:
        from rdflib import Dataset, Graph

        (path,) = self.paths(directory)
        target = Dataset() if self.keeps_named_graphs else Graph()
        target.parse(data=path.read_text(encoding="utf-8"), format=self.rdf_format)
        return target


class TurtleExporter(RdfExporter):
    name = "turtle"
    filenames = ("graph.ttl",)
    rdf_format = "turtle"

    def serialize(self, dataset: Dataset) -> str:
        return union_graph(dataset).serialize(format="turtle")


class NTriplesExporter(RdfExporter):
    name = "ntriples"
    filenames = ("graph.nt",)
    rdf_format = "nt"

    def serialize(self, dataset: Dataset) -> str:
        return _sorted_lines(union_graph(dataset).serialize(format="nt"))


class JsonLdExporter(RdfExporter):
    """JSON-LD whose ``@context`` makes schema.org terms plain keys (``"name"``, ``"@type": "Person"``)."""

    name = "jsonld"
    filenames = ("graph.jsonld",)
    rdf_format = "json-ld"

    def serialize(self, dataset: Dataset) -> str:
        graph = union_graph(dataset)
        text = graph.serialize(format="json-ld", context=jsonld_context(graph))
        document = _canonical_json(json.loads(text))
        return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


class TriGExporter(RdfExporter):
    name = "trig"
    filenames = ("graph.trig",)
    rdf_format = "trig"
    keeps_named_graphs = True

    def serialize(self, dataset: Dataset) -> str:
        from rdflib.plugins.serializers.trig import TrigSerializer

        class SortedTrigSerializer(TrigSerializer):
            """rdflib's TriG writer, taking the graphs in IRI order (the default graph first)."""

            def __init__(self, store):
                super().__init__(store)
                self.contexts.sort(key=lambda graph: (graph.identifier != self.default_context,
                                                      str(graph.identifier)))

        stream = io.BytesIO()
        with warnings.catch_warnings():
            # rdflib's TriG writer calls Dataset.contexts(), deprecated in favour of graphs()
            warnings.simplefilter("ignore", DeprecationWarning)
            SortedTrigSerializer(dataset).serialize(stream, encoding="utf-8")
        return stream.getvalue().decode("utf-8")


class NQuadsExporter(RdfExporter):
    name = "nquads"
    filenames = ("graph.nq",)
    rdf_format = "nquads"
    keeps_named_graphs = True

    def serialize(self, dataset: Dataset) -> str:
        return _sorted_lines(dataset.serialize(format="nquads"))
