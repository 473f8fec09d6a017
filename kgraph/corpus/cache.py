"""The extraction cache of a build directory: extractions as plain JSON (``extractions/<sha1 of the id>.json``)
and the fingerprint that decides whether a cached extraction still holds."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from ..model import Document, Extraction, entity_from_data, entity_to_data, fact_from_data, fact_to_data
from ..settings import PipelineSettings

EXTRACTIONS_DIRNAME = "extractions"


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


def fingerprint(document: Document, settings: PipelineSettings) -> str:
    """What decides whether a document must be extracted again: its text and metadata (not where it was
    read from), the pipeline settings (segmenter, statistical model and its version, lexicon version) and
    the kgraph version."""
    from .. import __version__

    record = document_to_data(document)
    record.pop("source")
    record.update(settings=settings.to_dict(), kgraph=__version__)
    return hashlib.sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def cache_name(doc_id: str) -> str:
    return f"{EXTRACTIONS_DIRNAME}/{hashlib.sha1(doc_id.encode('utf-8')).hexdigest()}.json"
