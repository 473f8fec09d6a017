"""The settings of the extraction pipeline, in one frozen, validated object: the word segmenter, whether the
statistical tagger runs and which model it is, and the lexicons' version.

Everything that can change what the pipeline finds is here, and all of it is in a document's fingerprint
(:func:`kgraph.corpus.fingerprint`): after ``kgraph train`` writes a new model, or a lexicon changes, a build
into an existing directory extracts its documents again instead of keeping stale extractions.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
from typing import Any

SEGMENTERS = ("jieba", "char")
"""The Chinese word segmenters of :class:`kgraph.nlp.segmenter.ChineseTokenizer` (``--segmenter``)."""
DEFAULT_SEGMENTER = "jieba"
EXECUTORS = ("local", "dask")
"""Where extraction runs (``--executor``): local processes, or the workers of a Dask cluster."""


@dataclasses.dataclass(frozen=True)
class PipelineSettings:
    """What the pipeline runs with. Build it with :meth:`make` (or :func:`resolve`): ``statistical=None`` then
    becomes whether the bundled model is installed, and the versions are read from the installed files.

    ``segmenter``: ``"jieba"`` or ``"char"``; ``statistical``: run the statistical tagger before the rules;
    ``model_version``: the tagger's version and a digest of its weights (None without the tagger);
    ``lexicon_version``: a digest of the lexicons the rules read.
    """

    segmenter: str = DEFAULT_SEGMENTER
    statistical: bool = False
    model_version: str | None = None
    lexicon_version: str = ""

    def __post_init__(self) -> None:
        if self.segmenter not in SEGMENTERS:
            raise ValueError(f"unknown segmenter {self.segmenter!r}; choose one of {', '.join(SEGMENTERS)}")

    @classmethod
    def make(cls, segmenter: str = DEFAULT_SEGMENTER, statistical: bool | None = None) -> PipelineSettings:
        """Validated settings; ``statistical=None``: when the bundled model is installed."""
        if segmenter not in SEGMENTERS:  # before reading any file
            raise ValueError(f"unknown segmenter {segmenter!r}; choose one of {', '.join(SEGMENTERS)}")
        if statistical is None:
            statistical = bundled_model_version() is not None
        return cls(segmenter, bool(statistical), bundled_model_version() if statistical else None, lexicon_version())

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def resolve(settings: PipelineSettings | str | None = None, segmenter: str | None = None) -> PipelineSettings:
    """``settings`` as given, else made from a segmenter name (``settings`` given as a string, or the Python
    API's ``segmenter=``), else the defaults."""
    if isinstance(settings, PipelineSettings):
        if segmenter is not None and segmenter != settings.segmenter:
            raise ValueError(f"segmenter {segmenter!r} contradicts the settings' {settings.segmenter!r}")
        return settings
    return PipelineSettings.make(settings or segmenter or DEFAULT_SEGMENTER)


def _digest(chunks) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def bundled_model_version() -> str | None:
    """``<meta.json version>+<digest of the weights>`` of the bundled statistical model, None when it is not
    installed. ``kgraph train`` rewrites the weights, so the digest (and the fingerprints) change with them."""
    import json

    from .nlp.statistical import bundled_model_path

    root = bundled_model_path()
    if not (root / "config.cfg").is_file():
        return None
    meta = json.loads((root / "meta.json").read_text(encoding="utf-8")) if (root / "meta.json").is_file() else {}
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "MODEL_CARD.md")
    digest = _digest(chunk for p in files for chunk in (p.relative_to(root).as_posix().encode(), p.read_bytes()))
    return f"{meta.get('version', '0')}+{digest}"


@functools.lru_cache(maxsize=1)
def lexicon_version() -> str:
    """A digest of the lexicon files (``ontology/lexicons``) the rules and the segmenter read."""
    from .resources import ontology_files

    folder = ontology_files().joinpath("lexicons")
    files = sorted((f for f in folder.iterdir() if f.is_file() and f.name.endswith((".txt", ".tsv"))),
                   key=lambda f: f.name)
    return _digest(chunk for f in files for chunk in (f.name.encode(), f.read_bytes()))


__all__ = ["DEFAULT_SEGMENTER", "EXECUTORS", "SEGMENTERS", "PipelineSettings", "bundled_model_version", "lexicon_version",
           "resolve"]
