"""The build directory itself: :class:`Corpus`, made of its parts (manifest, name index, repair, exports,
build), holding the store's lock while open and adding and removing documents."""
from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..io import atomic_write
from ..model import Document, Extraction
from ..settings import PipelineSettings, resolve
from .build import Builds
from .cache import cache_name, extraction_from_data, extraction_to_data, fingerprint
from .export import Exports
from .extract import Prepared, prepare
from .manifest import MANIFEST_VERSION, CorpusError, ManifestFile
from .names import NameIndex
from .repair import Repair

log = logging.getLogger(__name__)

_FLUSH_SECONDS = 5.0  # how often a long build saves its manifest, so an interruption loses little


class Corpus(ManifestFile, NameIndex, Repair, Exports, Builds):
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

    def open(self) -> Corpus:
        """Lock the store (creating the directory if needed), read the manifest, reconcile the two."""
        if self._store is not None:
            return self
        from ..store import GraphStore, store_path

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
            if self._manifest["version"] != MANIFEST_VERSION:
                from .migration import migrate_document_ids

                migrate_document_ids(self, str(self.base))
                self._manifest["version"] = MANIFEST_VERSION
                self._dirty = True
                self.flush()
        except BaseException:
            self._store.close()
            self._store = None
            raise
        return self

    @property
    def base(self) -> Path:
        """The folder the ids of files are relative to (see :func:`kgraph.document_ids.document_id`): the one
        holding the directory, so that ``kgraph build articles/ -o out/`` names ``articles/a.md``."""
        return Path(os.path.abspath(self.directory)).parent

    def known_id(self, name: str) -> str:
        """The id of a document given by its id, or by a path to its file spelled any way."""
        if name in self.documents:
            return name
        from ..document_ids import document_id

        as_path = document_id(name, str(self.base))  # relative to the working directory, or absolute
        return as_path if as_path in self.documents else name

    @property
    def store(self):
        """The :class:`kgraph.store.GraphStore`, opened on first use."""
        return self.open()._store

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        """Document id -> manifest entry (``fingerprint``, ``content_hash``, ``graph``, ``cache``,
        ``characters``, ``names``)."""
        return self._manifest["documents"]

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

    def is_unchanged(self, document: Document, settings: PipelineSettings) -> bool:
        entry = self.documents.get(document.id)
        return entry is not None and entry["fingerprint"] == fingerprint(document, settings)

    def add(self, extraction: Extraction | Prepared, settings: PipelineSettings | None = None) -> str:
        """Store one document's extraction, replacing its previous version: ``"new"`` or ``"changed"``.

        The cache file and one store transaction (this document's graph, plus the graphs of other documents
        whose entity gets a new preferred name) make the change; should either fail, the previous version
        stays and the error is raised. ``settings``: what the extraction was made with (default: the defaults).
        """
        from ..rdf import ntriples_lines, subject_of
        from ..store import own_names

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
        entry = {"fingerprint": fingerprint(document, resolve(settings)), "content_hash": document.content_hash,
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
        wanted = list(dict.fromkeys(self.known_id(doc_id) for doc_id in ids))
        removed = [doc_id for doc_id in wanted if doc_id in self.documents]
        unknown = [doc_id for doc_id in wanted if doc_id not in self.documents]
        if not removed:
            return removed, unknown
        after, renamed = self._renamed(set(removed), {})

        def preferred(iri: str) -> str:
            return self._preferred(iri, after[iri]) if iri in after else self._preferred(iri)

        from ..rdf import ntriples_lines, subject_of

        graphs = self._relabelled_graphs(renamed, set(removed), preferred)
        self._begin_writing()
        drop = [self.documents[doc_id]["graph"] for doc_id in removed]
        subjects = {f"<{iri}>" for iri in renamed}
        for graph in drop:
            subjects |= {subject_of(line) for line in ntriples_lines(self.store.graph_ntriples(graph))}
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
