"""SHACL validation of kgraph's RDF against the shapes shipped in ``kgraph.ontology`` (shapes.ttl)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

SHAPES_RESOURCE = "shapes.ttl"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate_graph`: ``results`` counts the SHACL validation results."""

    conforms: bool
    results: int
    text: str

    def __bool__(self) -> bool:
        return self.conforms


def load_shapes():
    """The SHACL shapes graph, read from ontology/shapes.ttl (installed as ``kgraph.ontology``)."""
    from rdflib import Graph

    from .resources import ontology_text

    return Graph().parse(data=ontology_text(SHAPES_RESOURCE), format="turtle")


def _union_graph(data: Any):
    """One rdflib Graph with the triples of every graph of ``data`` (a dataset's named graphs merged)."""
    from rdflib import Dataset, Graph
    from rdflib.graph import ConjunctiveGraph

    from .rdf import bind_prefixes

    if isinstance(data, (str, os.PathLike)):
        from .query import load_graph

        data = load_graph(data)
    elif hasattr(data, "to_rdf"):  # a KnowledgeGraph
        data = data.to_rdf()
    if isinstance(data, (Dataset, ConjunctiveGraph)):
        union = bind_prefixes(Graph())
        for s, p, o, _graph in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    if isinstance(data, Graph):
        return data
    raise TypeError(f"cannot validate {type(data).__name__}: expected a KnowledgeGraph, an rdflib Graph or a path")


def validate_graph(data: Any) -> ValidationReport:
    """Validate ``data`` (a KnowledgeGraph, an rdflib Dataset or Graph, or a path :func:`load_graph` reads)
    against shapes.ttl, on the union of its graphs and without inference."""
    import pyshacl
    from rdflib.namespace import RDF, SH

    conforms, results_graph, results_text = pyshacl.validate(
        _union_graph(data), shacl_graph=load_shapes(), inference="none", abort_on_first=False,
        allow_warnings=False, meta_shacl=False, advanced=False, js=False, debug=False)
    results = len(set(results_graph.subjects(RDF.type, SH.ValidationResult)))
    return ValidationReport(conforms=bool(conforms), results=results, text=str(results_text))


__all__ = ["ValidationReport", "validate_graph", "load_shapes"]
