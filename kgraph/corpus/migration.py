"""Build directories written by an older kgraph, brought up to date when they are opened.

Manifest version 1 (kgraph 0.1.0 before this change) named a file's document by its path as typed on the command line,
so one file built as ``articles/a.md`` and as ``/home/me/news/articles/a.md`` was two documents, each fact
counted twice. Version 2 names it by :func:`kgraph.document_ids.document_id`, relative to the folder holding the
build directory. :func:`migrate_document_ids` renames the documents of a version 1 directory: the cached
extraction is given the new id (no document is extracted again), stored under it, and the old entry removed;
two old ids of one file leave one document.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import re
from typing import TYPE_CHECKING

from ..document_ids import document_id
from ..loaders import SUPPORTED_EXTENSIONS
from ..model import Extraction

if TYPE_CHECKING:
    from ..settings import PipelineSettings
    from .directory import Corpus

log = logging.getLogger(__name__)

_RECORD_LINE = re.compile(r"^(?P<path>.+):(?P<line>[0-9]+)$")  # "corpus.jsonl:17", a record without "id"


def migrated_id(old_id: str, source: str | None, base: str, cwd: str) -> str:
    """The version 2 id of a document that version 1 named ``old_id`` (read from ``source``).

    Only ids that were paths change: a JSON Lines record's own "id", ``<stdin>`` and ids given through the
    Python API stay. A relative path was typed in a working directory nobody recorded: it is taken relative
    to the folder holding the build directory when a file is there (``kgraph build articles/ -o out/``), else
    relative to the current working directory when a file is there, else relative to that folder anyway.
    """
    if source != old_id or old_id.startswith("<"):
        return old_id
    path, line = old_id, ""
    record = _RECORD_LINE.match(old_id)
    if record and os.path.splitext(record["path"])[1].lower() in SUPPORTED_EXTENSIONS:
        path, line = record["path"], ":" + record["line"]
    if os.path.splitext(path)[1].lower() not in SUPPORTED_EXTENSIONS:
        return old_id  # not a file kgraph reads: not an id made from a path
    if os.path.isabs(path):
        return document_id(path, base) + line
    for folder in (base, cwd):
        if os.path.isfile(os.path.join(folder, path)):
            return document_id(os.path.join(folder, path), base) + line
    return document_id(os.path.join(base, path), base) + line


def reidentified(extraction: Extraction, new_id: str) -> Extraction:
    """The same extraction with its document called ``new_id``: evidence, and the keys of statements and
    figures (``<doc id>#<offset>``), follow."""
    old_id = extraction.document.id
    prefix = old_id + "#"

    def key(value):
        return new_id + "#" + value[len(prefix):] if isinstance(value, str) and value.startswith(prefix) else value

    def ref(r):
        return (r[0], key(r[1]))

    entities = [dataclasses.replace(e, props={k: key(v) if k == "key" else v for k, v in e.props.items()})
                for e in extraction.entities]
    facts = [dataclasses.replace(f, subject=ref(f.subject), object=ref(f.object),
                                 evidence=dataclasses.replace(f.evidence, doc_id=new_id)
                                 if f.evidence.doc_id == old_id else f.evidence)
             for f in extraction.facts]
    return Extraction(dataclasses.replace(extraction.document, id=new_id), entities, facts)


def _settings_of(corpus: Corpus, doc_id: str, extraction: Extraction) -> PipelineSettings | None:
    """The pipeline settings a document was extracted with, if they are among today's: the ones whose
    fingerprint the manifest holds. None when no settings of this installation give it (another model or
    lexicon version, or an older kgraph): the document's facts stay, and the next build extracts it again."""
    from ..settings import SEGMENTERS, PipelineSettings
    from .cache import fingerprint

    wanted = corpus.documents[doc_id]["fingerprint"]
    candidates = {PipelineSettings.make(segmenter, statistical) for segmenter in SEGMENTERS
                  for statistical in (True, False)}
    return next((s for s in candidates if fingerprint(extraction.document, s) == wanted), None)


def migrate_document_ids(corpus: Corpus, base: str) -> int:
    """Rename the documents of an open version 1 directory to version 2 ids; returns how many changed.

    Each renamed document is stored under its new id before its old entry goes, so an interruption leaves at
    worst both, and the next open finishes the work."""
    cwd = os.getcwd()
    moves: dict[str, str] = {}
    extractions: dict[str, Extraction] = {}
    for old_id, entry in sorted(corpus.documents.items()):
        extraction = corpus._load_cache(entry)[0]
        new_id = migrated_id(old_id, extraction.document.source, base, cwd)
        if new_id != old_id:
            moves[old_id] = new_id
            extractions[old_id] = extraction
    for old_id, new_id in moves.items():
        if new_id in corpus.documents:  # the same file under another spelling, already there
            continue
        extraction = extractions[old_id]
        settings = _settings_of(corpus, old_id, extraction)
        corpus.add(reidentified(extraction, new_id), settings)
        if settings is None:  # a fingerprint no build will give: the next build extracts the document again
            corpus.documents[new_id]["fingerprint"] = "stale:" + corpus.documents[old_id]["fingerprint"]
    if moves:
        corpus.remove(list(moves))
        log.info("%s: %d document ids made independent of how their paths were typed (%s)", corpus.directory,
                 len(moves), ", ".join(f"{old} -> {new}" for old, new in list(moves.items())[:3]))
    return len(moves)
