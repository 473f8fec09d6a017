"""The export files of a build directory, rewritten from their fragments (:mod:`kgraph.fragments`)."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class Exports:
    """The export files of a :class:`~kgraph.corpus.Corpus` (a part of that class)."""

    def knowledge_graph(self):
        """The networkx view of every document, rebuilt from the cached extractions (in id order, so the
        same set of documents gives the same graph whatever order they were added in)."""
        from ..graph import KnowledgeGraph

        kg = KnowledgeGraph()
        for doc_id in sorted(self.documents):
            kg.add(self._load_cache(self.documents[doc_id])[0])
        return kg

    def formats(self, formats: Iterable[str] | None = None) -> list[str]:
        """Canonical names of ``formats``, else of the formats this directory was last exported in, else
        the default set."""
        from ..exporters import DEFAULT_FORMATS, get_exporter

        chosen = (list(formats) if formats else
                  self._manifest.get("wanted_formats") or self._manifest.get("formats") or list(DEFAULT_FORMATS))
        return list(dict.fromkeys(get_exporter(name).name for name in chosen))

    def choose_formats(self, formats: Iterable[str]) -> None:
        """Remember ``formats`` for the next export without exporting now (``kgraph build -f … --no-export``)."""
        names = self.formats(formats)
        if names != self._manifest.get("formats"):
            self._manifest["wanted_formats"] = names
            self._manifest["exports_current"] = False
        else:
            self._manifest.pop("wanted_formats", None)
        self._dirty = True
        self.flush()

    def export_paths(self, formats: Iterable[str] | None = None) -> list[Path]:
        from ..exporters import get_exporter

        return [path for name in self.formats(formats) for path in get_exporter(name).paths(self.directory)]

    def exports_current(self, formats: Iterable[str] | None = None) -> bool:
        return (bool(self._manifest.get("exports_current")) and self.formats(formats) == self._manifest.get("formats")
                and all(path.is_file() for path in self.export_paths(formats)))

    def export(self, formats: Iterable[str] | None = None,
               options: dict[str, dict[str, Any]] | None = None) -> list[Path]:
        """Rewrite the export files (each atomically) from their fragments, after recomputing the fragments of
        what changed since the last export (see :mod:`kgraph.fragments`). Files of formats the directory was
        exported in before but no longer is are deleted, so no stale file remains. ``options``: format name ->
        the options of its exporter (see :func:`kgraph.exporters.save`)."""
        from ..exporters import get_exporter

        self.open()
        names = self.formats(formats)
        exporters = [get_exporter(name, **(options or {}).get(name, {})) for name in names]
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
        self._manifest.pop("wanted_formats", None)
        self._manifest["exports_current"] = True
        self._dirty = True
        self.flush()
        order = {path: i for i, path in enumerate(self.export_paths(names))}
        return sorted(written, key=lambda path: order.get(path, len(order)))
