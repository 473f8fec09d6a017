"""Readers of annotated data: char-tagged NER files (Resume, People's Daily, MSRA), CLUENER JSON lines, DuIE
relation triples and kgraph's gold graphs. Each raises ValueError naming the file and line of what it cannot
read."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

DATASETS = ("cluener", "resume", "peoples-daily", "msra", "duie", "gold")
"""The data sets ``kgraph eval`` reads (``msra`` is People's Daily's format)."""
TAG_PREFIXES = {"bio": "BI", "bioes": "BIOES", "bmes": "BMES", "auto": "BIMES"}

Span = tuple[int, int, str]                 # start, end (exclusive), label
Triple = tuple[str, str, str]               # predicate, subject, object


@dataclass(frozen=True)
class Example:
    """One annotated sentence: ``spans`` are (start, end exclusive, gold label) into ``text``."""

    id: str
    text: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class RelationExample:
    id: str
    text: str
    triples: tuple[Triple, ...] = ()


@dataclass
class GoldGraph:
    """A gold-graph JSON file and the article it describes."""

    path: Path
    article: Path
    data: dict[str, Any]


_TAGGED_LINE = re.compile(r"^(.*?)[ \t]+(\S+)$")


def read_tagged(path: str | Path, scheme: str = "auto") -> list[Example]:
    """Char-tagged files: one "char TAG" per line, a blank line between sentences.

    ``scheme``: ``bio``, ``bioes``, ``bmes`` or ``auto`` (any of B/I/M/E/S). Labels are kept as written
    (B-PER -> PER). Raises ValueError naming the line of a malformed row or a tag the scheme does not know.
    """
    if scheme not in TAG_PREFIXES:
        raise ValueError(f"unknown tagging scheme {scheme!r}; choose one of {', '.join(TAG_PREFIXES)}")
    path = Path(path)
    examples: list[Example] = []
    chars: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if chars:
            examples.append(Example(f"{path.name}:{len(examples) + 1}", "".join(chars), _spans_from_tags(chars, tags)))
            chars.clear()
            tags.clear()

    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                flush()
                continue
            m = _TAGGED_LINE.match(line)
            if not m:
                raise ValueError(f"{path}:{n}: expected 'char TAG', got {line[:40]!r}")
            tag = m.group(2)
            if tag != "O" and (tag[0] not in TAG_PREFIXES[scheme] or tag[1:2] not in ("-", "")):
                raise ValueError(f"{path}:{n}: tag {tag!r} is not {scheme.upper()}")
            chars.append(m.group(1) or " ")  # an empty char column is a space character
            tags.append(tag)
    flush()
    return examples


def _spans_from_tags(chars: Sequence[str], tags: Sequence[str]) -> tuple[Span, ...]:
    offsets = [0]
    for c in chars:
        offsets.append(offsets[-1] + len(c))
    spans: list[Span] = []
    start: int | None = None
    label = ""

    def close(i: int) -> None:
        nonlocal start
        if start is not None:
            spans.append((offsets[start], offsets[i], label))
            start = None

    for i, tag in enumerate(tags):
        prefix, lab = tag[0], tag[2:]
        if tag == "O":
            close(i)
        elif prefix == "S":
            close(i)
            spans.append((offsets[i], offsets[i + 1], lab))
        elif prefix == "B" or start is None or lab != label:  # a stray I/M/E opens a span of its own
            close(i)
            start, label = i, lab
        if prefix == "E" and start is not None:
            close(i + 1)
    close(len(tags))
    return tuple(spans)


def read_cluener(path: str | Path) -> list[Example]:
    """CLUENER JSON lines: {"text", "label": {type: {string: [[start, end_inclusive], ...]}}}."""
    path = Path(path)
    examples = []
    for n, record in _json_lines(path):
        text = record.get("text")
        if not isinstance(text, str):
            raise ValueError(f"{path}:{n}: no text")
        spans = []
        for label, strings in (record.get("label") or {}).items():
            for string, positions in strings.items():
                for start, end in positions:
                    if text[start:end + 1] != string:
                        raise ValueError(f"{path}:{n}: {string!r} is not at [{start}, {end}]")
                    spans.append((start, end + 1, label))
        examples.append(Example(f"{path.name}:{n}", text, tuple(sorted(set(spans)))))
    return examples


def read_duie(path: str | Path) -> list[RelationExample]:
    """DuIE JSON lines: {"text", "spo_list": [{"predicate", "subject", "object": {"@value": ...} or str}]}."""
    path = Path(path)
    examples = []
    for n, record in _json_lines(path):
        triples = []
        for spo in record.get("spo_list") or []:
            obj = spo.get("object")
            obj = obj.get("@value") if isinstance(obj, dict) else obj
            if isinstance(obj, str) and isinstance(spo.get("subject"), str):
                triples.append((spo["predicate"], spo["subject"].strip(), obj.strip()))
        examples.append(RelationExample(f"{path.name}:{n}", record.get("text") or "", tuple(triples)))
    return examples


def _json_lines(path: Path):
    """(line number, JSON object) of each non-blank line; a line that is no JSON object is an error naming it."""
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{n}: not a JSON object")
            yield n, record


def read_gold_graph(path: str | Path, root: str | Path | None = None) -> list[GoldGraph]:
    """A gold-graph JSON file, or every ``*.json`` in a folder (sorted).

    Each names its article in ``"file"``, looked up under ``root`` (when given), the JSON's folder, then
    that folder's parent. Raises ValueError for a file without ``"file"`` and FileNotFoundError when the
    article is nowhere.
    """
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    graphs = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{file}: not JSON ({exc.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("file"), str):
            raise ValueError(f"{file}: not a gold graph (no \"file\" naming its article)")
        bases = ([Path(root)] if root else []) + [file.parent, file.parent.parent]
        article = next((b / data["file"] for b in bases if (b / data["file"]).is_file()), None)
        if article is None:
            raise FileNotFoundError(f"{file}: article {data['file']!r} not found under "
                                    + ", ".join(str(b) for b in bases))
        graphs.append(GoldGraph(file, article, data))
    return graphs


__all__ = ["DATASETS", "Example", "GoldGraph", "RelationExample", "read_cluener", "read_duie", "read_gold_graph",
           "read_tagged"]
