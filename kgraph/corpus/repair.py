"""Crash repair of a build directory: on open, make store, cache, manifest and fragments agree again."""
from __future__ import annotations

import logging
from pathlib import Path

from .cache import EXTRACTIONS_DIRNAME
from .manifest import CorpusError

log = logging.getLogger(__name__)


class Repair:
    """Reconciling a :class:`~kgraph.corpus.Corpus` on open (a part of that class)."""

    def _reconcile(self, thorough: bool) -> bool:
        """Make store, cache and manifest agree: forget entries whose cache is gone, drop graphs no entry
        owns and cache files no entry names, restore missing graphs from the cache. ``thorough`` (after a
        build that did not close, e.g. killed): also take every document's names from its cache and
        rewrite each graph that differs from what its cache gives. Returns whether the store changed."""
        from ..rdf import ntriples_lines

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
                from ..store import own_names

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

    def _open_fragments(self, rdf_changed: bool) -> None:
        """Open the fragments of the export files and make them agree with the manifest: the graph of every
        document whose fingerprint differs is set again from its cached extraction. ``rdf_changed``: the
        store changed outside :meth:`add` and :meth:`remove`, so every RDF fragment is made again."""
        from ..fragments import ALL, FragmentCache
        from ..graph import document_graph

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
