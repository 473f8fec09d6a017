"""A build directory that grows: ``kgraph build -o DIR`` adds, replaces and skips documents, ``kgraph remove``
takes them out, and the export files are rewritten after each change.

Layout of ``DIR``:

``store/``
    the Oxigraph store (:mod:`kgraph.store`): one named graph per document;
``extractions/<sha1 of the document id>.json``
    what the NLP pipeline found in each document (the document itself, its entities and facts, see
    :func:`kgraph.corpus.cache.extraction_to_data`), so nothing is extracted twice; and the triples of the document's named
    graph, from which a lost graph is restored;
``fragments.sqlite``
    the export files cut into fragments, one per entity, relation, subject and named graph, and each
    document's own graph (:mod:`kgraph.fragments`): a change recomputes the fragments it touches and the files
    are put together again from them;
``manifest.json``
    document id (a file's path relative to the folder holding ``DIR``, see :func:`kgraph.document_ids.document_id`;
    a directory of manifest version 1 is migrated when opened, :mod:`kgraph.corpus.migration`) -> fingerprint (a hash of the text, the metadata, the pipeline settings and the kgraph version),
    graph IRI, cache file and the name the document gives each entity; plus the export formats of the
    directory, whether the exports are current and whether a process is writing the directory;
``graph.ttl``, ``graph.trig``, ... (the export files)
    rewritten, each atomically, after every build or removal that changed something.

The cache is the source of truth; the store, the fragments and the exports are derived from it. A
document's graph in the store is its own graph with each entity's name harmonised across documents (one
``schema:name`` per entity in the union, see :func:`kgraph.store.harmonise_names`).

Each change is atomic (the graphs it touches are replaced in one store transaction, files are written
through :func:`kgraph.io.atomic_write`). When the directory is opened, the manifest is reconciled with the
store and the cache; after a process that died while writing (the manifest still says so), every graph
is checked against the cache, and the fragments of documents whose graph the fragments do not hold yet
are made again from the cache. So an interrupted build loses at most the documents it had not finished,
which the next build extracts again.
"""
from .build import CorpusReport
from .cache import (EXTRACTIONS_DIRNAME, cache_name, document_from_data, document_to_data, extraction_from_data,
                    extraction_to_data, fingerprint)
from .directory import Corpus
from .extract import Prepared, prepare
from .manifest import MANIFEST_NAME, CorpusError, is_corpus

__all__ = [
    "EXTRACTIONS_DIRNAME",
    "MANIFEST_NAME",
    "Corpus",
    "CorpusError",
    "CorpusReport",
    "Prepared",
    "cache_name",
    "document_from_data",
    "document_to_data",
    "extraction_from_data",
    "extraction_to_data",
    "fingerprint",
    "is_corpus",
    "prepare",
]
