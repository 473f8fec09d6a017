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

__all__ = ["build", "extract", "as_documents", "BuildReport", "Text", "KnowledgeGraph", "Document", "LoadError",
           "document_from_text", "read_document", "iter_documents", "__version__"]

# name -> module it lives in; heavy modules (spaCy, rdflib) load only when their entry points are first used
_LAZY = {"build": "pipeline", "extract": "pipeline", "as_documents": "pipeline", "BuildReport": "pipeline",
         "Text": "pipeline", "KnowledgeGraph": "graph", "Document": "model", "LoadError": "model",
         "document_from_text": "loaders", "read_document": "loaders", "iter_documents": "loaders"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'kgraph' has no attribute {name!r}")
