"""Extraction that survives a failing document: each extraction made ready for storing where it was made."""
from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Document, Extraction, LoadError
from ..settings import PipelineSettings

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """An extraction with what storing it needs, made where it was extracted (in a worker process, with
    ``-j N``): the document's own graph (:func:`kgraph.graph.document_graph`) and its named graph's IRI and
    triples (:func:`kgraph.rdf.document_triples`)."""

    extraction: Extraction
    graph: Any  # networkx.MultiDiGraph
    graph_iri: str
    triples: list[str]


def prepare(extraction: Extraction) -> Prepared:
    """:class:`Prepared` of one extraction (a top-level function: worker processes receive it by pickle)."""
    from ..graph import document_graph
    from ..rdf import document_triples

    graph = document_graph(extraction)
    iri, triples = document_triples(extraction, graph)
    return Prepared(extraction, graph, iri, triples)


def extract_each(documents: Iterable[Document], *, settings: PipelineSettings, n_process: int,
                  **options: Any) -> Iterator[Prepared | LoadError]:
    """:func:`kgraph.pipeline.extract` over ``documents`` (``options`` passed on, e.g. ``executor``), in order,
    each extraction passed through :func:`prepare` where it was made; a document whose extraction raises
    becomes a LoadError and the others go on.

    When the pipeline raises, the documents it had taken but not returned are extracted again one by one
    (to find the one that fails), then the pipeline restarts on the rest of the stream.
    """
    from ..pipeline import extract

    source = iter(documents)
    first = next(source, None)
    if first is None:
        return  # nothing to extract: do not even load the NLP pipeline
    source = itertools.chain([first], source)
    in_flight: list[Document] = []

    def feed() -> Iterator[Document]:
        for document in source:
            in_flight.append(document)
            yield document

    while True:
        try:
            for prepared in extract(feed(), settings=settings, n_process=n_process, then=prepare, **options):
                in_flight.pop(0)
                yield prepared
            return
        except Exception as exc:  # noqa: BLE001 - one document's failure must not end the build
            if not in_flight:
                raise  # not a document's fault: the pipeline itself cannot run
            log.info("extraction failed (%s); retrying %d documents one at a time", exc, len(in_flight))
            retry, in_flight[:] = list(in_flight), []
            for document in retry:
                try:
                    yield from extract([document], settings=settings, n_process=1, then=prepare)
                except Exception as error:  # noqa: BLE001 - this one is the failing document
                    log.warning("extraction of %s failed: %s", document.id, error)
                    yield LoadError(document.source or document.id,
                                    f"extraction failed: {type(error).__name__}: {error}")
