"""The manifest of a build directory (``manifest.json``): document id -> entry, the export formats, and the
"writing" mark that tells the next open a process died while writing."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from ..io import atomic_write

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 2  # 2: file ids relative to the folder holding the directory (1: as typed; migrated)


def is_corpus(directory: str | os.PathLike) -> bool:
    """Whether ``directory`` was written by a store-backed ``kgraph build``."""
    return (Path(directory) / MANIFEST_NAME).is_file()


class CorpusError(Exception):
    """The directory cannot be used as a kgraph build directory; the message says why."""


class ManifestFile:
    """Reading and writing the manifest of a :class:`~kgraph.corpus.Corpus` (a part of that class)."""

    @staticmethod
    def _empty_manifest() -> dict[str, Any]:
        from .. import __version__

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
        if not isinstance(manifest, dict) or manifest.get("version") not in (1, MANIFEST_VERSION):
            raise CorpusError(f"{path}: not a kgraph manifest of version {MANIFEST_VERSION}")
        return manifest

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
