"""A build directory that grows: ``kgraph build -o DIR`` adds, replaces and skips documents, ``kgraph remove``
takes them out, and the export files are rewritten after each change.

Layout of ``DIR``:

``store/``
    the Oxigraph store (:mod:`kgraph.store`): one named graph per document;
``extractions/<sha1 of the document id>.json``
    what the NLP pipeline found in each document (the document itself, its entities and facts, see
    :func:`extraction_to_data`), so the networkx graph the HTML, GraphML and CSV exports need is rebuilt
    without running the pipeline again;
``manifest.json``
    document id -> fingerprint (a hash of the text, the metadata, the segmenter and the kgraph version),
    graph IRI and cache file; plus the export formats of the directory and whether the exports are current;
``graph.ttl``, ``graph.trig``, ... (the export files)
    rewritten, each atomically, after every build or removal that changed something.

Each step of adding a document is atomic (the graph is replaced in one store transaction, files are
written through :func:`kgraph.io.atomic_write`), and whatever the manifest says is reconciled with the
store and the cache when the directory is opened, so an interrupted build loses at most the documents
it had not finished: the next build extracts them again.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .io import atomic_write
from .model import Document, Extraction, LoadError

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
    from .nlp.components import _entity_to_data, _fact_to_data

    return {"document": document_to_data(extraction.document),
            "entities": [_entity_to_data(e) for e in extraction.entities],
            "facts": [_fact_to_data(f) for f in extraction.facts]}


def extraction_from_data(data: dict[str, Any]) -> Extraction:
    from .nlp.components import entity_from_data, fact_from_data

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

def _extract_each(documents: Iterable[Document], *, segmenter: str, n_process: int) -> Iterator[Extraction | LoadError]:
    """:func:`kgraph.pipeline.extract` over ``documents``, in order; a document whose extraction raises
    becomes a LoadError and the others go on.

    When the pipeline raises, the documents it had taken but not returned are extracted again one by one
    (to find the one that fails), then the pipeline restarts on the rest of the stream.
    """
    from .pipeline import extract

    source = iter(documents)
    in_flight: list[Document] = []

    def feed() -> Iterator[Document]:
        for document in source:
            in_flight.append(document)
            yield document

    while True:
        try:
            for extraction in extract(feed(), segmenter=segmenter, n_process=n_process):
                in_flight.pop(0)
                yield extraction
            return
        except Exception as exc:  # noqa: BLE001 - one document's failure must not end the build
            log.info("extraction failed (%s); retrying %d documents one at a time", exc, len(in_flight))
            retry, in_flight[:] = list(in_flight), []
            for document in retry:
                try:
                    yield from extract([document], segmenter=segmenter, n_process=1)
                except Exception as error:  # noqa: BLE001
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
    entities: int = 0
    facts: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.unknown


class CorpusError(Exception):
    """The directory cannot be used as a kgraph build directory; the message says why."""


class Corpus:
    """A ``kgraph build`` output directory backed by a store. Nothing is created on disk until a
    document is stored, so a build that reads nothing leaves no directory behind.

    Use it as a context manager (or call :meth:`close`): the store is locked while it is open.
    """

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self._store = None
        self._manifest: dict[str, Any] = self._empty_manifest()
        self._last_flush = time.monotonic()
        self._dirty = False

    # -- opening ----------------------------------------------------------------------------------
    @staticmethod
    def _empty_manifest() -> dict[str, Any]:
        from . import __version__

        return {"version": MANIFEST_VERSION, "kgraph": __version__, "formats": None, "exports_current": False,
                "stats": {}, "documents": {}}

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

    def open(self) -> "Corpus":
        """Lock the store (creating the directory if needed), read the manifest, reconcile the two."""
        if self._store is not None:
            return self
        from .store import GraphStore, store_path

        if self.directory.exists() and not self.directory.is_dir():
            raise CorpusError(f"{self.directory}: exists and is not a directory")
        self.directory.mkdir(parents=True, exist_ok=True)
        self._store = GraphStore(store_path(self.directory))
        try:
            self._manifest = self._read_manifest()
            self._reconcile()
        except BaseException:
            self.close()
            raise
        return self

    @property
    def store(self):
        """The :class:`kgraph.store.GraphStore`, opened on first use."""
        return self.open()._store

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        """Document id -> manifest entry (``fingerprint``, ``content_hash``, ``graph``, ``cache``, ``characters``)."""
        return self._manifest["documents"]

    def _reconcile(self) -> None:
        """Make store, cache and manifest agree after an interruption: drop graphs and cache files no
        manifest entry owns, forget entries whose cache is gone, restore missing graphs from the cache."""
        store, documents = self._store, self._manifest["documents"]
        for doc_id in [d for d, entry in documents.items() if not (self.directory / entry["cache"]).is_file()]:
            log.warning("%s: the cached extraction of %s is missing; it will be extracted again", self.directory, doc_id)
            del documents[doc_id]
            self._dirty = True
        owned = {entry["graph"] for entry in documents.values()}
        present = store.graph_names()
        if present - owned:
            store.remove_graphs(present - owned)
            self._dirty = True
        for doc_id, entry in sorted(documents.items()):
            if entry["graph"] not in present:
                graph, triples = self._document_graph(self._load_extraction(entry))
                store.replace_graph(graph, triples)
                self._dirty = True
        cache_dir = self.directory / EXTRACTIONS_DIRNAME
        if cache_dir.is_dir():
            wanted = {Path(entry["cache"]).name for entry in documents.values()}
            for path in cache_dir.iterdir():
                if path.name not in wanted:  # a file of a removed document, or a temporary file left by a kill
                    path.unlink(missing_ok=True)
        if self._dirty:
            self._manifest["exports_current"] = False
            self.flush()

    def flush(self) -> None:
        """Write the manifest (atomically) if it changed."""
        if not self._dirty or self._store is None:
            return
        with atomic_write(self.directory / MANIFEST_NAME) as fh:
            json.dump(self._manifest, fh, ensure_ascii=False, sort_keys=True, indent=1)
            fh.write("\n")
        self._dirty = False
        self._last_flush = time.monotonic()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self._store is not None:
                self._store.close()
            self._store = None

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- documents --------------------------------------------------------------------------------
    def _load_extraction(self, entry: dict[str, Any]) -> Extraction:
        path = self.directory / entry["cache"]
        try:
            return extraction_from_data(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f"{path}: cannot read the cached extraction: {exc}") from exc

    @staticmethod
    def _document_graph(extraction: Extraction) -> tuple[str, list[str]]:
        from .store import document_graph

        return document_graph(extraction)

    def is_unchanged(self, document: Document, segmenter: str = "jieba") -> bool:
        entry = self.documents.get(document.id)
        return entry is not None and entry["fingerprint"] == fingerprint(document, segmenter)

    def add(self, extraction: Extraction, segmenter: str = "jieba") -> str:
        """Store one document's extraction, replacing its previous version: ``"new"`` or ``"changed"``.

        On failure the document is left out entirely (its old version too) and the error is raised.
        """
        document = extraction.document
        graph, triples = self._document_graph(extraction)  # before anything is written
        store = self.store
        previous = self.documents.get(document.id)
        entry = {"fingerprint": fingerprint(document, segmenter), "content_hash": document.content_hash,
                 "graph": graph, "cache": cache_name(document.id), "characters": len(document.text)}
        self._manifest["exports_current"] = False
        self._dirty = True
        try:
            with atomic_write(self.directory / entry["cache"]) as fh:
                json.dump(extraction_to_data(extraction), fh, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"))
            store.replace_graph(graph, triples)
            if previous is not None and previous["graph"] != graph:
                store.remove_graphs([previous["graph"]])
        except BaseException:
            self.documents.pop(document.id, None)
            (self.directory / entry["cache"]).unlink(missing_ok=True)
            try:
                store.remove_graphs({graph} | ({previous["graph"]} if previous else set()))
            except Exception:  # noqa: BLE001 - the original error matters; reconciliation cleans up later
                log.exception("could not clean up after failing to store %s", document.id)
            raise
        self.documents[document.id] = entry
        if time.monotonic() - self._last_flush > _FLUSH_SECONDS:
            self.flush()
        return "new" if previous is None else "changed"

    def remove(self, ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """Take documents out: their graphs, cached extractions and manifest entries. Returns (removed ids,
        ids the directory does not hold)."""
        self.open()
        removed: list[str] = []
        unknown: list[str] = []
        graphs: set[str] = set()
        for doc_id in dict.fromkeys(ids):
            entry = self.documents.pop(doc_id, None)
            if entry is None:
                unknown.append(doc_id)
                continue
            removed.append(doc_id)
            graphs.add(entry["graph"])
            self._dirty = True
            self._manifest["exports_current"] = False
        if graphs:
            self.store.remove_graphs(graphs)
            for doc_id in removed:
                (self.directory / cache_name(doc_id)).unlink(missing_ok=True)
            self.flush()
        return removed, unknown

    def knowledge_graph(self):
        """The networkx view of every document, rebuilt from the cached extractions (in id order, so the
        same set of documents gives the same graph whatever order they were added in)."""
        from .graph import KnowledgeGraph

        kg = KnowledgeGraph()
        for doc_id in sorted(self.documents):
            kg.add(self._load_extraction(self.documents[doc_id]))
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
        """Rewrite the export files (each atomically): RDF formats from the store with Oxigraph's writers,
        the others from the networkx graph rebuilt from the cache. Files of formats the directory was
        exported in before but no longer is are deleted, so no stale file remains."""
        from .exporters import get_exporter, save
        from .model import Kind
        from .store import RDF_FORMATS

        names = self.formats(formats)
        written = self.store.write_exports(self.directory, [n for n in names if n in RDF_FORMATS])
        kg = self.knowledge_graph()
        others = [n for n in names if n not in RDF_FORMATS]
        if others:
            written += save(kg, self.directory, others)
        for name in self._manifest.get("formats") or []:
            if name not in names:
                for path in get_exporter(name).paths(self.directory):
                    path.unlink(missing_ok=True)
        graph = kg.to_networkx()
        self._manifest["stats"] = {
            "entities": sum(1 for _, data in graph.nodes(data=True) if data.get("kind") != Kind.DOCUMENT),
            "facts": graph.number_of_edges()}
        self._manifest["formats"] = names
        self._manifest["exports_current"] = True
        self._dirty = True
        self.flush()
        order = {path: i for i, path in enumerate(self.export_paths(names))}
        return sorted(written, key=lambda path: order.get(path, len(order)))

    # -- building ---------------------------------------------------------------------------------
    def build(self, inputs: Iterable[str | os.PathLike], *, segmenter: str = "jieba", n_process: int = 1,
              formats: Iterable[str] | None = None,
              progress: Callable[[Document | LoadError], None] | None = None) -> CorpusReport:
        """Add the documents of ``inputs`` (files, folders, .jsonl corpora, "-"), streaming: a document
        whose fingerprint the manifest already holds is skipped without extraction, a new one is added, a
        changed one replaces its previous version. Then the exports are rewritten if anything changed.

        A document that cannot be read or extracted is recorded in ``report.failures``; the others are kept.
        """
        from .loaders import iter_documents

        started = time.perf_counter()
        report = CorpusReport()
        if is_corpus(self.directory):
            self.open()  # lock first, then trust the manifest

        def to_extract() -> Iterator[Document]:
            for item in iter_documents(inputs):
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
            for outcome in _extract_each(to_extract(), segmenter=segmenter, n_process=n_process):
                if isinstance(outcome, LoadError):
                    report.failures.append(outcome)
                else:
                    document = outcome.document
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
                    progress(outcome if isinstance(outcome, LoadError) else outcome.document)
        finally:
            self.flush()
        if self._store is not None or is_corpus(self.directory):
            report.written = self.export_paths(formats) if self.exports_current(formats) else self.export(formats)
        self._fill_totals(report)
        report.seconds = time.perf_counter() - started
        return report

    def remove_and_export(self, ids: Iterable[str], formats: Iterable[str] | None = None) -> CorpusReport:
        """:meth:`remove` the documents, then rewrite the exports."""
        started = time.perf_counter()
        report = CorpusReport()
        report.removed, report.unknown = self.remove(ids)
        report.written = self.export_paths(formats) if self.exports_current(formats) else self.export(formats)
        self._fill_totals(report)
        report.seconds = time.perf_counter() - started
        return report

    def _fill_totals(self, report: CorpusReport) -> None:
        report.total_documents = len(self.documents)
        stats = self._manifest.get("stats") or {}
        report.entities = int(stats.get("entities", 0))
        report.facts = int(stats.get("facts", 0))


__all__ = ["Corpus", "CorpusReport", "CorpusError", "MANIFEST_NAME", "EXTRACTIONS_DIRNAME", "is_corpus",
           "fingerprint", "cache_name", "extraction_to_data", "extraction_from_data", "document_to_data",
           "document_from_data"]
