"""kgraph: knowledge graphs from Chinese business news.

    >>> import kgraph
    >>> kg = kgraph.build(["examples/articles/kuaishou-gravity-conference-2022.md"])
    >>> kg.save("out/")

The library only attaches a ``NullHandler`` to its logger; applications configure logging.
"""
from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["build", "extract", "Text", "KnowledgeGraph", "__version__"]


def __getattr__(name: str):
    # Heavy modules (spaCy, rdflib) load only when their entry points are first used.
    if name in ("build", "extract", "Text"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "KnowledgeGraph":
        from .graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'kgraph' has no attribute {name!r}")
