"""A build directory that grows: ``kgraph build -o DIR`` adds, replaces and skips documents, ``kgraph remove``
takes them out, and the export files are rewritten after each change.

Layout of ``DIR``:

``store/``
    the Oxigraph store (:mod:`kgraph.store`): one named graph per document;
``extractions/<sha1 of the document id>.json``
    what the NLP pipeline found in each document (the document itself, its entities and facts, see
    :func:`extraction_to_data`), so nothing is extracted twice; and the triples of the document's named
    graph, from which a lost graph is restored;
``fragments.sqlite``
    the export files cut into fragments, one per entity, relation, subject and named graph, and each
    document's own graph (:mod:`kgraph.fragments`): a change recomputes the fragments it touches and the files
    are put together again from them;
``manifest.json``
    document id -> fingerprint (a hash of the text, the metadata, the segmenter and the kgraph version),
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
from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .io import atomic_write
from .model import Document, Extraction, LoadError, entity_from_data, entity_to_data, fact_from_data, fact_to_data

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
EXTRACTIONS_DIRNAME = "extractions"
MANIFEST_VERSION = 1
_FLUSH_SECONDS = 5.0  # how often a long build saves its manifest, so an interruption loses little


# -- extractions as plain JSON ------------------------------------------------------------------------

def _thaw(value: Any) -> Any:
    """JSON arrays back to the tuples a frozen Document holds."""
    return tuple(_thaw(item) for item in value) if isinstance(value, list) else value


def document_to_data(document: Document) -> dict[str, Any]:
    return {"id": document.id, "text": document.text, "title": document.title, "url": document.url,
            "date": document.date, "publisher": document.publisher, "source": document.source,
            "meta": [[key, value] for key, value in document.meta]}


def document_from_data(data: dict[str, Any]) -> Document:
    return Document(id=data["id"], text=data["text"], title=data.get("title"), url=data.get("url"),
                    date=data.get("date"), publisher=data.get("publisher"), source=data.get("source"),
                    meta=tuple((str(key), _thaw(value)) for key, value in data.get("meta", ())))


def extraction_to_data(extraction: Extraction) -> dict[str, Any]:
    """An Extraction as JSON-able data; :func:`extraction_from_data` gives it back equal."""
    return {"document": document_to_data(extraction.document),
            "entities": [entity_to_data(e) for e in extraction.entities],
            "facts": [fact_to_data(f) for f in extraction.facts]}


def extraction_from_data(data: dict[str, Any]) -> Extraction:
    return Extraction(document_from_data(data["document"]),
                      [entity_from_data(e) for e in data.get("entities", ())],
                      [fact_from_data(f) for f in data.get("facts", ())])


def fingerprint(document: Document, segmenter: str = "jieba") -> str:
    """What decides whether a document must be extracted again: its text and metadata (not where it was
    read from), the segmenter and the kgraph version."""
    from . import __version__

    record = document_to_data(document)
    record.pop("source")
    record.update(segmenter=segmenter, kgraph=__version__)
    return hashlib.sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def cache_name(doc_id: str) -> str:
    return f"{EXTRACTIONS_DIRNAME}/{hashlib.sha1(doc_id.encode('utf-8')).hexdigest()}.json"


def is_corpus(directory: str | os.PathLike) -> bool:
    """Whether ``directory`` was written by a store-backed ``kgraph build``."""
    return (Path(directory) / MANIFEST_NAME).is_file()


# -- extraction that survives a failing document ------------------------------------------------------

@dataclass
class Prepared:
    """An extraction with what storing it needs, made where it was extracted (in a worker process, with
    ``-j N``): the document's own graph (:func:`kgraph.graph.document_graph`) and its named graph's IRI and
    triples (:func:`kgraph.store.document_triples`)."""

    extraction: Extraction
    graph: Any  # networkx.MultiDiGraph
    graph_iri: str
    triples: list[str]


def prepare(extraction: Extraction) -> Prepared:
    """:class:`Prepared` of one extraction (a top-level function: worker processes receive it by pickle)."""
    from .graph import document_graph
    from .store import document_triples

    graph = document_graph(extraction)
    iri, triples = document_triples(extraction, graph)
    return Prepared(extraction, graph, iri, triples)


def _extract_each(documents: Iterable[Document], *, segmenter: str, n_process: int,
                  **options: Any) -> Iterator[Prepared | LoadError]:
    """:func:`kgraph.pipeline.extract` over ``documents`` (``options`` passed on, e.g. ``executor``), in order,
    each extraction passed through :func:`prepare` where it was made; a document whose extraction raises
    becomes a LoadError and the others go on.

    When the pipeline raises, the documents it had taken but not returned are extracted again one by one
    (to find the one that fails), then the pipeline restarts on the rest of the stream.
    """
    from .pipeline import extract

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
            for prepared in extract(feed(), segmenter=segmenter, n_process=n_process, then=prepare, **options):
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
                    yield from extract([document], segmenter=segmenter, n_process=1, then=prepare)
                except Exception as error:  # noqa: BLE001 - this one is the failing document
                    log.warning("extraction of %s failed: %s", document.id, error)
                    yield LoadError(document.source or document.id,
                                    f"extraction failed: {type(error).__name__}: {error}")


# -- the directory ------------------------------------------------------------------------------------

@dataclass
class CorpusReport:
    """What a build or removal did. ``documents``/``characters`` count what was extracted in this run."""

    documents: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    characters: int = 0
    removed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)   # ids asked to be removed that the directory lacks
    failures: list[LoadError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    total_documents: int = 0                             # documents in the directory afterwards
    prune_skipped: bool = False                          # --prune removed nothing because an input failed
    entities: int = 0
    facts: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.unknown


class CorpusError(Exception):
    """The directory cannot be used as a kgraph build directory; the message says why."""


class Corpus:
    """A ``kgraph build`` output directory backed by a store. Opening it makes the directory (atomically) and
    locks the store before anything else, so a second build into it is refused at once; a build that stores
    no document removes the directory it made, so a build that reads nothing leaves no directory behind.

    The cached extraction of each document is the source of truth: the store's graph of a document is
    its triples with names harmonised (:func:`kgraph.store.harmonise_names`), the manifest is an index.
    Use it as a context manager (or call :meth:`close`): the store is locked while it is open.
    """

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self._store = None
        self._fragments = None  # kgraph.fragments.FragmentCache, opened with the store
        self._manifest: dict[str, Any] = self._empty_manifest()
        self._names: dict[str, dict[str, str]] = {}  # entity IRI -> {doc id: the name that document gives it}
        self._preferred_names: dict[str, str] = {}  # entity IRI -> its preferred name, as far as computed
        self._last_flush = time.monotonic()
        self._dirty = False
        self._created = False  # this object made the directory: remove it again if no document was stored

    # -- opening ----------------------------------------------------------------------------------
    @staticmethod
    def _empty_manifest() -> dict[str, Any]:
        from . import __version__

        return {"version": MANIFEST_VERSION, "kgraph": __version__, "formats": None, "exports_current": False,
                "writing": False, "stats": {}, "documents": {}}

    def _read_manifest(self) -> dict[str, Any]:
        path = self.directory / MANIFEST_NAME
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return self._empty_manifest()
        except (OSError, ValueError) as exc:
            raise CorpusError(f"{path}: cannot read the manifest: {exc}") from exc
        if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
            raise CorpusError(f"{path}: not a kgraph manifest of version {MANIFEST_VERSION}")
        return manifest

    def open(self) -> Corpus:
        """Lock the store (creating the directory if needed), read the manifest, reconcile the two."""
        if self._store is not None:
            return self
        from .store import GraphStore, store_path

        if self.directory.exists() and not self.directory.is_dir():
            raise CorpusError(f"{self.directory}: exists and is not a directory")
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        try:  # atomic: of two builds that start at once, one makes the directory; either may lock it first
            self.directory.mkdir()
            self._created = True
        except FileExistsError:
            pass
        self._store = GraphStore(store_path(self.directory))  # the lock; StoreLockedError when in use
        try:
            self._manifest = self._read_manifest()
            thorough = bool(self._manifest.get("writing"))
            store_changed = self._reconcile(thorough=thorough)
            self._open_fragments(rdf_changed=thorough or store_changed)
        except BaseException:
            self._store.close()
            self._store = None
            raise
        return self

    def _open_fragments(self, rdf_changed: bool) -> None:
        """Open the fragments of the export files and make them agree with the manifest: the graph of every
        document whose fingerprint differs is set again from its cached extraction. ``rdf_changed``: the
        store changed outside :meth:`add` and :meth:`remove`, so every RDF fragment is made again."""
        from .fragments import ALL, FragmentCache
        from .graph import document_graph

        self._fragments = cache = FragmentCache(self.directory)
        known = cache.fingerprints()
        wanted = {doc_id: entry["fingerprint"] for doc_id, entry in self.documents.items()}
        stale = sorted(doc_id for doc_id in known if known[doc_id] != wanted.get(doc_id))
        for doc_id in stale:
            cache.set_document(doc_id, None)
        missing = sorted(doc_id for doc_id in wanted if known.get(doc_id) != wanted[doc_id])
        if missing:
            log.info("%s: setting the graphs of %d documents from their cached extractions", self.directory,
                     len(missing))
        for doc_id in missing:
            extraction = self._load_cache(self.documents[doc_id])[0]
            cache.set_document(doc_id, document_graph(extraction), wanted[doc_id])
        if rdf_changed or stale or missing:
            cache.mark("graphs", [ALL])
            cache.mark("subjects", [ALL])
            self._manifest["exports_current"] = False
            self._dirty = True
        cache.commit()

    @property
    def store(self):
        """The :class:`kgraph.store.GraphStore`, opened on first use."""
        return self.open()._store

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        """Document id -> manifest entry (``fingerprint``, ``content_hash``, ``graph``, ``cache``,
        ``characters``, ``names``)."""
        return self._manifest["documents"]

    def _index_names(self) -> None:
        self._names, self._preferred_names = {}, {}
        for doc_id, entry in self.documents.items():
            for iri, name in entry.get("names", {}).items():
                self._names.setdefault(iri, {})[doc_id] = name

    def _preferred(self, iri: str, names: dict[str, str] | None = None) -> str:
        from .resolve import preferred_label

        if names is not None:
            return functools.reduce(preferred_label, sorted(names.values()))
        if iri not in self._preferred_names:  # a hub entity has hundreds of names: reduce them once
            self._preferred_names[iri] = functools.reduce(preferred_label, sorted(self._names[iri].values()))
        return self._preferred_names[iri]

    def _harmonised(self, doc_id: str, triples: list[str], own: dict[str, str],
                    preferred: Callable[[str], str] | None = None) -> list[str]:
        from .store import harmonise_names

        return harmonise_names(triples, own, preferred or self._preferred)

    def _reconcile(self, thorough: bool) -> bool:
        """Make store, cache and manifest agree: forget entries whose cache is gone, drop graphs no entry
        owns and cache files no entry names, restore missing graphs from the cache. ``thorough`` (after a
        build that did not close, e.g. killed): also take every document's names from its cache and
        rewrite each graph that differs from what its cache gives. Returns whether the store changed."""
        from .rdf import ntriples_lines

        store, documents = self._store, self.documents
        store_changed = False
        present = store.graph_names()
        caches: dict[str, tuple[str, list[str]]] = {}
        if thorough:
            log.warning("%s was not closed cleanly; checking every document's graph", self.directory)
        for doc_id, entry in sorted(documents.items()):
            if not thorough and entry["graph"] in present and (self.directory / entry["cache"]).is_file():
                continue  # the usual case: nothing to check without reading the cache
            try:
                _, graph, triples = self._load_cache(entry)  # the whole file: a damaged one is extracted again
            except CorpusError as exc:
                log.warning("%s; %s will be extracted again", exc, doc_id)
                del documents[doc_id]
                self._dirty = True
                continue
            caches[doc_id] = (graph, triples)
            if thorough:
                from .store import own_names

                entry["graph"], entry["names"] = graph, own_names(triples)
                self._dirty = True
        if self._dirty and not thorough:
            # an entry went: the names the other documents' graphs were harmonised with may have changed
            return self._reconcile(thorough=True)
        self._index_names()
        owned = {entry["graph"] for entry in documents.values()}
        if present - owned:
            store.remove_graphs(present - owned)
            self._dirty = store_changed = True
        for doc_id, (graph, triples) in sorted(caches.items()):
            if thorough or graph not in present:
                expected = self._harmonised(doc_id, triples, documents[doc_id].get("names", {}))
                if graph not in present or ntriples_lines(store.graph_ntriples(graph)) != expected:
                    store.replace_graph(graph, expected)
                    self._dirty = store_changed = True
        if thorough:
            store.rebuild_union()
        cache_dir = self.directory / EXTRACTIONS_DIRNAME
        if cache_dir.is_dir():
            wanted = {Path(entry["cache"]).name for entry in documents.values()}
            for path in cache_dir.iterdir():
                if path.name not in wanted:  # a file of a removed document, or a temporary file left by a kill
                    path.unlink(missing_ok=True)
        if self._dirty:
            self._manifest["exports_current"] = False
        self._manifest["writing"] = False
        self.flush()
        return store_changed

    def _begin_writing(self) -> None:
        """Record on disk, before the first change, that the directory is being written: should the process
        die before :meth:`close`, the next open checks everything (see :meth:`_reconcile`)."""
        if not self._manifest.get("writing"):
            self._manifest["writing"] = True
            self._manifest["exports_current"] = False
            self._dirty = True
            self.flush()

    def flush(self) -> None:
        """Write the manifest (atomically) if it changed, and commit the fragments."""
        if self._fragments is not None:
            self._fragments.commit()
        if not self._dirty or self._store is None:
            return
        with atomic_write(self.directory / MANIFEST_NAME) as fh:
            json.dump(self._manifest, fh, ensure_ascii=False, sort_keys=True, indent=1)
            fh.write("\n")
        self._dirty = False
        self._last_flush = time.monotonic()

    def close(self, clean: bool = True) -> None:
        """Save the manifest and release the store. ``clean``: the work ended normally, so the directory is
        marked closed; otherwise (an exception is on its way) it stays marked as being written, and the next
        open checks every graph."""
        try:
            if clean and self._store is not None and self._manifest.get("writing"):
                self._manifest["writing"] = False
                self._dirty = True
            self.flush()
        finally:
            if self._fragments is not None:
                self._fragments.close()
            self._fragments = None
            if self._store is not None:
                self._store.close()
                if self._created and not self.documents:  # a build that stored nothing leaves no directory
                    shutil.rmtree(self.directory, ignore_errors=True)
            self._store = None

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        self.close(clean=exc_type is None)

    # -- documents --------------------------------------------------------------------------------
    def _load_cache(self, entry: dict[str, Any],
                    extraction: bool = True) -> tuple[Extraction | None, str, list[str]]:
        """(extraction, graph IRI, sorted N-Triples lines of the document's own graph) of one document; the
        extraction is None unless asked for (making it back from the JSON is most of the cost)."""
        path = self.directory / entry["cache"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return (extraction_from_data(data["extraction"]) if extraction else None), data["graph"], \
                list(data["triples"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f"{path}: cannot read the cached extraction: {exc}") from exc

    def _graphs(self) -> Iterator[tuple[str, list[str]]]:
        """(graph IRI, sorted N-Triples lines) of every document's graph as the store holds it, from the caches."""
        for doc_id, entry in sorted(self.documents.items()):
            _, graph, triples = self._load_cache(entry, extraction=False)
            yield graph, self._harmonised(doc_id, triples, entry.get("names", {}))

    def is_unchanged(self, document: Document, segmenter: str = "jieba") -> bool:
        entry = self.documents.get(document.id)
        return entry is not None and entry["fingerprint"] == fingerprint(document, segmenter)

    def _renamed(self, leaving: set[str], arriving: dict[str, dict[str, str]]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        """The name index after documents ``leaving`` go and documents ``arriving`` (doc id -> own names) come:
        (the index entries that change, entity IRI -> its new preferred name for entities whose preferred
        name changes)."""
        touched = {iri for doc_id in leaving for iri in self.documents.get(doc_id, {}).get("names", {})}
        touched |= {iri for names in arriving.values() for iri in names}
        after: dict[str, dict[str, str]] = {}
        renamed: dict[str, str] = {}
        for iri in touched:
            names = {d: n for d, n in self._names.get(iri, {}).items() if d not in leaving}
            names.update({d: own[iri] for d, own in arriving.items() if iri in own})
            after[iri] = names
            if names and iri in self._names and self._preferred(iri, names) != self._preferred(iri):
                renamed[iri] = self._preferred(iri, names)
        return after, renamed

    def _relabelled_graphs(self, renamed: dict[str, str], skip: set[str],
                           preferred: Callable[[str], str]) -> dict[str, list[str]]:
        """The graphs of the documents (other than ``skip``) naming an entity whose preferred name changes."""
        graphs: dict[str, list[str]] = {}
        for doc_id in sorted({d for iri in renamed for d in self._names.get(iri, {})} - skip):
            entry = self.documents[doc_id]
            _, graph, triples = self._load_cache(entry, extraction=False)
            graphs[graph] = self._harmonised(doc_id, triples, entry.get("names", {}), preferred)
        return graphs

    def _commit_names(self, after: dict[str, dict[str, str]]) -> None:
        for iri, names in after.items():
            self._preferred_names.pop(iri, None)
            if names:
                self._names[iri] = names
            else:
                self._names.pop(iri, None)

    def add(self, extraction: Extraction | Prepared, segmenter: str = "jieba") -> str:
        """Store one document's extraction, replacing its previous version: ``"new"`` or ``"changed"``.

        The cache file and one store transaction (this document's graph, plus the graphs of other documents
        whose entity gets a new preferred name) make the change; should either fail, the previous version
        stays and the error is raised.
        """
        from .rdf import ntriples_lines, subject_of
        from .store import own_names

        prepared = extraction if isinstance(extraction, Prepared) else prepare(extraction)  # nothing written yet
        extraction, parts, graph, triples = prepared.extraction, prepared.graph, prepared.graph_iri, prepared.triples
        document = extraction.document
        own = own_names(triples)
        store = self.store
        previous = self.documents.get(document.id)
        after, renamed = self._renamed({document.id}, {document.id: own})

        def preferred(iri: str) -> str:
            return self._preferred(iri, after[iri]) if iri in after else self._preferred(iri)

        graphs = self._relabelled_graphs(renamed, {document.id}, preferred)
        graphs[graph] = self._harmonised(document.id, triples, own, preferred)
        drop = [previous["graph"]] if previous is not None and previous["graph"] != graph else []
        entry = {"fingerprint": fingerprint(document, segmenter), "content_hash": document.content_hash,
                 "graph": graph, "cache": cache_name(document.id), "characters": len(document.text),
                 "names": own}
        self._begin_writing()
        # the subjects whose triples in the union may change: those of the document, before and after, and
        # the entities other documents now name differently
        subjects = {subject_of(line) for line in triples} | {f"<{iri}>" for iri in renamed}
        if previous is not None:
            subjects |= {subject_of(line) for line in
                         ntriples_lines(store.graph_ntriples(previous["graph"]))}
        cache = self.directory / entry["cache"]
        old_cache = cache.read_bytes() if previous is not None and cache.is_file() else None
        with atomic_write(cache) as fh:
            json.dump({"extraction": extraction_to_data(extraction), "graph": graph, "triples": triples}, fh,
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        try:
            store.replace_graphs(graphs, drop=drop)
        except BaseException:
            if old_cache is None:
                cache.unlink(missing_ok=True)
            else:
                with atomic_write(cache, "wb") as fh:
                    fh.write(old_cache)
            raise
        self.documents[document.id] = entry
        self._commit_names(after)
        self._fragments.set_document(document.id, parts, entry["fingerprint"])
        self._fragments.mark("graphs", [*graphs, *drop])
        self._fragments.mark("subjects", subjects)
        self._dirty = True
        if time.monotonic() - self._last_flush > _FLUSH_SECONDS:
            store.native.flush()  # the store's write buffers to disk: they grow with a long build otherwise
            self.flush()
        return "new" if previous is None else "changed"

    def remove(self, ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """Take documents out: their graphs, cached extractions and manifest entries (and give the other
        documents' entities their new preferred names, in the same transaction). Returns (removed ids, ids
        the directory does not hold)."""
        self.open()
        wanted = list(dict.fromkeys(ids))
        removed = [doc_id for doc_id in wanted if doc_id in self.documents]
        unknown = [doc_id for doc_id in wanted if doc_id not in self.documents]
        if not removed:
            return removed, unknown
        after, renamed = self._renamed(set(removed), {})

        def preferred(iri: str) -> str:
            return self._preferred(iri, after[iri]) if iri in after else self._preferred(iri)

        from .rdf import ntriples_lines, subject_of

        graphs = self._relabelled_graphs(renamed, set(removed), preferred)
        self._begin_writing()
        drop = [self.documents[doc_id]["graph"] for doc_id in removed]
        subjects = {f"<{iri}>" for iri in renamed}
        for graph in drop:
            subjects |= {subject_of(line) for line in self.ntriples_lines(store.graph_ntriples(graph))}
        self.store.replace_graphs(graphs, drop=drop)
        for doc_id in removed:
            entry = self.documents.pop(doc_id)
            (self.directory / entry["cache"]).unlink(missing_ok=True)
            self._fragments.set_document(doc_id, None)
        self._fragments.mark("graphs", [*graphs, *drop])
        self._fragments.mark("subjects", subjects)
        self._commit_names(after)
        self._dirty = True
        self.flush()
        return removed, unknown

    def knowledge_graph(self):
        """The networkx view of every document, rebuilt from the cached extractions (in id order, so the
        same set of documents gives the same graph whatever order they were added in)."""
        from .graph import KnowledgeGraph

        kg = KnowledgeGraph()
        for doc_id in sorted(self.documents):
            kg.add(self._load_cache(self.documents[doc_id])[0])
        return kg

    # -- exports ----------------------------------------------------------------------------------
    def formats(self, formats: Iterable[str] | None = None) -> list[str]:
        """Canonical names of ``formats``, else of the formats this directory was last exported in, else
        the default set."""
        from .exporters import DEFAULT_FORMATS, get_exporter

        chosen = list(formats) if formats else (self._manifest.get("formats") or list(DEFAULT_FORMATS))
        return list(dict.fromkeys(get_exporter(name).name for name in chosen))

    def export_paths(self, formats: Iterable[str] | None = None) -> list[Path]:
        from .exporters import get_exporter

        return [path for name in self.formats(formats) for path in get_exporter(name).paths(self.directory)]

    def exports_current(self, formats: Iterable[str] | None = None) -> bool:
        return (bool(self._manifest.get("exports_current")) and self.formats(formats) == self._manifest.get("formats")
                and all(path.is_file() for path in self.export_paths(formats)))

    def export(self, formats: Iterable[str] | None = None) -> list[Path]:
        """Rewrite the export files (each atomically) from their fragments, after recomputing the fragments of
        what changed since the last export (see :mod:`kgraph.fragments`). Files of formats the directory was
        exported in before but no longer is are deleted, so no stale file remains."""
        from .exporters import get_exporter

        self.open()
        names = self.formats(formats)
        exporters = [get_exporter(name) for name in names]
        started = time.perf_counter()
        self._fragments.refresh(self.store, exporters, self._graphs)
        log.info("brought the fragments up to date in %.2f s", time.perf_counter() - started)
        started = time.perf_counter()
        written = self._fragments.write(self.directory, exporters)
        log.info("wrote %s in %.2f s", ", ".join(names), time.perf_counter() - started)
        for name in self._manifest.get("formats") or []:
            if name not in names:
                for path in get_exporter(name).paths(self.directory):
                    path.unlink(missing_ok=True)
        entities, facts = self._fragments.counts()
        self._manifest["stats"] = {"entities": entities, "facts": facts}
        self._manifest["formats"] = names
        self._manifest["exports_current"] = True
        self._dirty = True
        self.flush()
        order = {path: i for i, path in enumerate(self.export_paths(names))}
        return sorted(written, key=lambda path: order.get(path, len(order)))

    # -- building ---------------------------------------------------------------------------------
    def build(self, inputs: Iterable[str | os.PathLike], *, segmenter: str = "jieba", n_process: int = 1,
              formats: Iterable[str] | None = None,
              progress: Callable[[Document | LoadError], None] | None = None,
              extract_options: dict[str, Any] | None = None, export: bool = True,
              prune: bool = False) -> CorpusReport:
        """Add the documents of ``inputs`` (files, folders, .jsonl corpora, "-"), streaming: a document
        whose fingerprint the manifest already holds is skipped without extraction, a new one is added, a
        changed one replaces its previous version. Then the exports are rewritten if anything changed
        (unless ``export`` is false: then only the store is updated, and the next build that exports
        catches up). ``extract_options`` go to :func:`kgraph.pipeline.extract` (``executor``, ``scheduler``,
        ``batch_size``).

        A document that cannot be read, extracted or stored is recorded in ``report.failures``; the others
        are kept. ``prune``: afterwards, remove the documents the directory holds that ``inputs`` did not give,
        unless an input failed (a broken JSON Lines record does not say which document it was: nothing is
        removed then, ``report.prune_skipped`` says so).
        """
        from .loaders import iter_documents

        started = time.perf_counter()
        report = CorpusReport()
        self.open()  # lock first (making the directory), then trust the manifest: a second build is told at once

        seen: set[str] = set()  # the ids of the documents the inputs gave

        def to_extract() -> Iterator[Document]:
            for item in iter_documents(inputs):
                if not isinstance(item, LoadError):
                    seen.add(item.id)
                if isinstance(item, LoadError):
                    report.failures.append(item)
                elif self.is_unchanged(item, segmenter):
                    report.unchanged += 1
                else:
                    yield item
                    continue
                if progress:
                    progress(item)

        try:
            for outcome in _extract_each(to_extract(), segmenter=segmenter, n_process=n_process,
                                         **(extract_options or {})):
                if isinstance(outcome, LoadError):
                    report.failures.append(outcome)
                else:
                    document = outcome.extraction.document
                    try:
                        status = self.add(outcome, segmenter)
                    except Exception as exc:  # noqa: BLE001 - the other documents go on
                        log.warning("cannot store %s: %s", document.id, exc)
                        report.failures.append(LoadError(document.source or document.id,
                                                         f"cannot store: {type(exc).__name__}: {exc}"))
                    else:
                        report.documents += 1
                        report.characters += len(document.text)
                        if status == "new":
                            report.new += 1
                        else:
                            report.changed += 1
                if progress:
                    progress(outcome if isinstance(outcome, LoadError) else outcome.extraction.document)
        finally:
            self.flush()
        if prune and self._store is not None:
            if report.failures:
                report.prune_skipped = True
            else:
                report.removed, _ = self.remove(sorted(set(self.documents) - seen))
        if self._store is not None and export:
            report.written = self.export_paths(formats) if self.exports_current(formats) else self.export(formats)
        self._fill_totals(report)
        report.seconds = time.perf_counter() - started
        return report

    def remove_and_export(self, ids: Iterable[str], formats: Iterable[str] | None = None,
                          export: bool = True) -> CorpusReport:
        """:meth:`remove` the documents, then (if ``export``) rewrite the exports."""
        started = time.perf_counter()
        report = CorpusReport()
        report.removed, report.unknown = self.remove(ids)
        if export:
            report.written = self.export_paths(formats) if self.exports_current(formats) else self.export(formats)
        self._fill_totals(report)
        report.seconds = time.perf_counter() - started
        return report

    def _fill_totals(self, report: CorpusReport) -> None:
        report.total_documents = len(self.documents)
        stats = self._manifest.get("stats") or {}
        report.entities = int(stats.get("entities", 0))
        report.facts = int(stats.get("facts", 0))


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
