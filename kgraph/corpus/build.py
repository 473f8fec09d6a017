"""Building a directory from inputs: skip unchanged documents, extract and add the others, prune, export."""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Document, LoadError
from ..settings import PipelineSettings, resolve
from .extract import extract_each

log = logging.getLogger(__name__)


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


class Builds:
    """Building and removing with reports, for a :class:`~kgraph.corpus.Corpus` (a part of that class)."""

    def build(self, inputs: Iterable[str | os.PathLike], *, settings: PipelineSettings | str | None = None,
              n_process: int = 1,
              formats: Iterable[str] | None = None,
              progress: Callable[[Document | LoadError], None] | None = None,
              extract_options: dict[str, Any] | None = None, export: bool = True,
              prune: bool = False, phase: Callable[[str], None] | None = None,
              options: dict[str, dict[str, Any]] | None = None) -> CorpusReport:
        """Add the documents of ``inputs`` (files, folders, .jsonl corpora, "-"), streaming: a document
        whose fingerprint the manifest already holds is skipped without extraction, a new one is added, a
        changed one replaces its previous version. Then the exports are rewritten if anything changed
        (unless ``export`` is false: then only the store is updated, and the next build that exports
        catches up). ``extract_options`` go to :func:`kgraph.pipeline.extract` (``executor``, ``scheduler``,
        ``batch_size``); ``options`` to the exporters (see :meth:`export`; given, the files are rewritten).

        A document that cannot be read, extracted or stored is recorded in ``report.failures``; the others
        are kept. ``prune``: afterwards, remove the documents the directory holds that ``inputs`` did not give,
        unless an input failed (a broken JSON Lines record does not say which document it was: nothing is
        removed then, ``report.prune_skipped`` says so).

        ``progress`` is called once per document read (extracted, unchanged or failed), ``phase`` with what the
        build turns to: ``"extract"``, ``"store"`` (one document into the store), ``"prune"``, ``"export"``.
        """
        from ..loaders import iter_documents

        settings = resolve(settings)
        started = time.perf_counter()
        report = CorpusReport()
        self.open()  # lock first (making the directory), then trust the manifest: a second build is told at once

        seen: set[str] = set()  # the ids of the documents the inputs gave
        phase = phase or (lambda _name: None)
        phase("extract")

        def to_extract() -> Iterator[Document]:
            for item in iter_documents(inputs, base=self.base):
                if not isinstance(item, LoadError):
                    seen.add(item.id)
                if isinstance(item, LoadError):
                    report.failures.append(item)
                elif self.is_unchanged(item, settings):
                    report.unchanged += 1
                else:
                    yield item
                    continue
                if progress:
                    progress(item)

        try:
            for outcome in extract_each(to_extract(), settings=settings, n_process=n_process,
                                         **(extract_options or {})):
                if isinstance(outcome, LoadError):
                    report.failures.append(outcome)
                else:
                    document = outcome.extraction.document
                    phase("store")
                    try:
                        status = self.add(outcome, settings)
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
                phase("extract")
        finally:
            self.flush()
        if prune and self._store is not None:
            phase("prune")
            if report.failures:
                report.prune_skipped = True
            else:
                report.removed, _ = self.remove(sorted(set(self.documents) - seen))
        if self._store is not None and export:
            phase("export")
            report.written = (self.export_paths(formats) if self.exports_current(formats) and not options
                              else self.export(formats, options))
        elif self._store is not None and formats:
            self.choose_formats(formats)
        self._fill_totals(report)
        report.seconds = time.perf_counter() - started
        return report

    def remove_and_export(self, ids: Iterable[str], formats: Iterable[str] | None = None,
                          export: bool = True) -> CorpusReport:
        """:meth:`remove` the documents, then (if ``export``) rewrite the exports."""
        started = time.perf_counter()
        report = CorpusReport()
        report.removed, report.unknown = self.remove(ids)
        if export and report.removed:  # nothing removed: nothing to rewrite, and nothing said to be written
            report.written = self.export_paths(formats) if self.exports_current(formats) else self.export(formats)
        self._fill_totals(report)
        report.seconds = time.perf_counter() - started
        return report

    def _fill_totals(self, report: CorpusReport) -> None:
        report.total_documents = len(self.documents)
        stats = self._manifest.get("stats") or {}
        report.entities = int(stats.get("entities", 0))
        report.facts = int(stats.get("facts", 0))
