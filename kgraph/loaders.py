"""Read articles from files, folders and stdin into :class:`~kgraph.model.Document` values.

:func:`iter_documents` is the entry point: it streams documents lazily and turns every problem with
one input into a :class:`~kgraph.model.LoadError` value, so one bad file never aborts a corpus run.

Formats are chosen by file extension through :data:`LOADERS`, a registry in the style of rdflib's
plugin registry: :func:`register_loader` adds or replaces a format. A loader is called as
``loader(path, max_bytes=...)`` and returns a ``Document`` or an iterable of ``Document`` and
``LoadError`` values (one file may hold many articles, as JSON Lines does); it raises ``LoadError``
when the file cannot be read.
"""
from __future__ import annotations

import codecs
import dataclasses
import importlib
import io
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kgraph.decoding import SAMPLE_BYTES, decode_bytes, looks_binary, normalise_newlines, open_binary, read_bytes
from kgraph.document_ids import document_id
from kgraph.model import Document, LoadError
from kgraph.text import closing_credit, html_to_text, markdown_to_text, normalise_date

__all__ = [
    "DEFAULT_MAX_BYTES", "LOADERS", "SUPPORTED_EXTENSIONS", "count_documents", "decode_bytes", "document_from_text",
    "iter_documents", "load_html", "load_jsonl", "load_markdown", "load_text", "read_document",
    "register_loader",
]

DEFAULT_MAX_BYTES = 20_000_000
STDIN = "<stdin>"

LoaderResult = Document | Iterable[Document | LoadError]
Loader = Callable[..., LoaderResult]

# -- converting text to documents ---------------------------------------------------------------------

_FIELDS = ("title", "url", "date", "publisher", "source", "meta")
_SENTENCE_ENDS = tuple("。！？!?")
_LEAD_IN_ENDS = tuple("，、；：,;:")
_TITLE_MAX_CHARS = 60


def _title_from_first_line(text: str) -> str | None:
    """The first line as a title when it reads as one: short, not a sentence, followed by more text."""
    first, _, rest = text.lstrip().partition("\n")
    first = first.strip()
    if not first or not rest.strip() or len(first) > _TITLE_MAX_CHARS:
        return None
    if first.endswith(_SENTENCE_ENDS) or first.endswith(_LEAD_IN_ENDS):
        return None
    return first


def _freeze(value: Any) -> Any:
    """Make a front-matter or JSON value hashable and JSON-friendly (Document is frozen)."""
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return tuple((str(key), _freeze(item)) for key, item in value.items())
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(str(item) for item in value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _freeze_meta(meta: Any) -> tuple[tuple[str, Any], ...]:
    items = meta.items() if isinstance(meta, dict) else (meta or ())
    return tuple((str(key), _freeze(value)) for key, value in items)


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        return str(value).strip() or None
    return None


def document_from_text(text: str, id: str = "<text>", **fields: Any) -> Document:
    """A Document from a raw string, as the .txt loader reads one.

    Newlines are normalised; unless given, ``title`` comes from a short first line that is not a
    sentence, and ``publisher`` from a closing credit (``来源：新华社``). ``fields`` are Document
    fields (title, url, date, publisher, source, meta); ``meta`` may be a dict. Raises
    :class:`LoadError` for empty text.
    """
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise TypeError(f"document_from_text() got unknown fields: {', '.join(sorted(unknown))}")
    text = normalise_newlines(text).lstrip("\ufeff")
    if not text.strip():
        raise LoadError(fields.get("source") or id, "empty document")
    from kgraph.decoding import without_lone_surrogates
    return without_lone_surrogates(Document(
        id=id,
        text=text,
        title=fields.get("title") or _title_from_first_line(text),
        url=fields.get("url"),
        date=fields.get("date"),
        publisher=fields.get("publisher") or closing_credit(text),
        source=fields.get("source"),
        meta=_freeze_meta(fields.get("meta")),
    ))


def _text_document(text: str, name: str) -> Document:
    return document_from_text(text, id=name, source=name)


def _html_document(markup: str, name: str) -> Document:
    text, found = html_to_text(markup)
    if not text:
        raise LoadError(name, "no text content (broken or empty HTML)")
    return Document(id=name, text=text, title=found.get("title"), url=found.get("url"),
                    date=found.get("date"), publisher=found.get("publisher") or closing_credit(text),
                    source=name)


def _front_matter_loader() -> type:
    """A safe YAML loader that leaves dates as the strings the author wrote (normalised later)."""
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):
        pass

    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return FrontMatterLoader


def _split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    """(front-matter fields, body). Front matter is YAML between a first line ``---`` and a closing
    ``---`` (or ``...``) line."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        raise LoadError(name, "front matter opened by '---' on line 1 is never closed by a '---' line")
    import yaml

    yaml_text = "\n".join(lines[1:end])
    try:
        fields = yaml.load(yaml_text, Loader=_front_matter_loader())  # a SafeLoader subclass
    except yaml.YAMLError as error:
        # The context mark is where the broken construct starts (an unclosed quote or bracket);
        # the problem mark may be the end of the front matter.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        if getattr(error, "context", None):
            problem = f"{problem} ({error.context})"
        if mark is None:
            raise LoadError(name, f"invalid YAML front matter: {problem}") from None
        line_number = mark.line + 2  # file line: the front matter starts on line 2
        bad_line = lines[min(mark.line + 1, end - 1)].strip()
        raise LoadError(name, f"invalid YAML front matter at line {line_number}: {problem}: "
                              f"{bad_line!r}") from None
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise LoadError(name, f"front matter is not a mapping of fields but a {type(fields).__name__} "
                              f"(line 2: {lines[1].strip()!r})")
    return {str(key): value for key, value in fields.items()}, "\n".join(lines[end + 1:])


def _take(fields: dict[str, Any], *keys: str) -> str | None:
    """The first usable text value among ``keys``, removed from ``fields``."""
    for key in keys:
        value = _scalar_text(fields.get(key))
        if value is not None:
            del fields[key]
            return value
    return None


def _markdown_document(text: str, name: str) -> Document:
    fields, body = _split_front_matter(normalise_newlines(text), name)
    clean, found = markdown_to_text(body)
    if not clean:
        raise LoadError(name, "empty document: no text after the front matter" if fields
                        else "no text content (broken or empty Markdown)")
    title = _take(fields, "title")
    url = _take(fields, "url", "permalink", "source_url")
    publisher = _take(fields, "publisher", "source", "author")
    date = None
    stated_date = _scalar_text(fields.get("date"))
    if stated_date is not None:
        date = normalise_date(stated_date)
        if date is not None:  # an unreadable date stays in meta as written
            del fields["date"]
    return Document(
        id=name, text=clean,
        title=title or found.get("title"),
        url=url or found.get("url"),
        date=date or found.get("date"),
        publisher=publisher or found.get("publisher") or closing_credit(clean),
        source=name,
        meta=_freeze_meta(fields),
    )


_CONVERTERS: dict[str, Callable[[str, str], Document]] = {
    ".txt": _text_document, ".html": _html_document, ".md": _markdown_document,
}


# -- JSON Lines ----------------------------------------------------------------------------------------

def _jsonl_record(record: Any, where: str) -> Document:
    if not isinstance(record, dict):
        raise LoadError(where, f"not a JSON object but a {type(record).__name__}")
    fields = dict(record)
    text = fields.pop("text", None)
    if text is None:
        raise LoadError(where, 'no "text" field')
    if not isinstance(text, str):
        raise LoadError(where, f'"text" is a {type(text).__name__}, not a string')
    text = normalise_newlines(text)
    if not text.strip():
        raise LoadError(where, "empty document")
    stated_id = _take(fields, "id")
    date = None
    stated_date = _scalar_text(fields.get("date"))
    if stated_date is not None:
        date = normalise_date(stated_date)
        if date is not None:
            del fields["date"]
    return Document(id=stated_id or where, text=text, title=_take(fields, "title"),
                    url=_take(fields, "url"), date=date, publisher=_take(fields, "publisher"),
                    source=where, meta=_freeze_meta(fields))


_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


def _json_problem(error: json.JSONDecodeError) -> str:
    """The JSON parser's complaint in plain words (its messages end in a dangling "at" before the position)."""
    message = error.msg.removesuffix(" at").removesuffix(" starting")
    if message == "Invalid control character" and error.pos < len(error.doc):
        char = error.doc[error.pos]
        escaped = _ESCAPES.get(char, f"\\u{ord(char):04x}")
        return f"control character U+{ord(char):04X} inside a string (write it escaped, as {escaped})"
    return message[:1].lower() + message[1:]


def _iter_jsonl(reader: Any, name: str, max_bytes: int) -> Iterator[Document | LoadError]:
    """Documents from a binary stream of JSON Lines, one line at a time."""
    line_number = 0
    records = 0
    while True:
        raw = reader.readline(max_bytes + 1)
        if not raw:
            break
        line_number += 1
        where = f"{name}:{line_number}"
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while True:  # skip the rest of the oversized line
                chunk = reader.readline(1 << 20)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield LoadError(where, f"line too large: more than {max_bytes} bytes, limit {max_bytes}")
            continue
        if line_number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        records += 1
        try:
            line = raw.decode("utf-8").rstrip("\r\n")  # a line break is no part of the record
        except UnicodeDecodeError as error:
            yield LoadError(where, f"cannot decode line: not UTF-8 at byte {error.start} "
                                   "(JSON Lines must be UTF-8)")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield LoadError(where, f"invalid JSON at column {error.colno}: {_json_problem(error)}")
            continue
        try:
            yield _jsonl_record(record, where)
        except LoadError as error:
            yield error
    if not records:
        yield LoadError(name, "empty document")


# -- file loaders (the registry) ------------------------------------------------------------------------

def load_text(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """A plain-text article; a short first line that is not a sentence is its title."""
    return _text_document(decode_bytes(read_bytes(path, max_bytes), path), path)


def load_html(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """An HTML page reduced to clean text (see :func:`kgraph.text.html_to_text`)."""
    return _html_document(decode_bytes(read_bytes(path, max_bytes), path), path)


def load_markdown(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """A Markdown article with optional YAML front matter; its body may mix in HTML."""
    return _markdown_document(decode_bytes(read_bytes(path, max_bytes), path), path)


def load_jsonl(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | LoadError]:
    """One article per line: ``text`` required; ``id``, ``title``, ``url``, ``date``, ``publisher``
    optional, further keys go to ``meta``. ``max_bytes`` limits each line, not the file."""
    with open_binary(path) as handle:
        head = handle.peek(SAMPLE_BYTES)[:SAMPLE_BYTES] if hasattr(handle, "peek") else b""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise LoadError(path, "cannot decode text: UTF-16, but JSON Lines must be UTF-8")
        if looks_binary(head):
            raise LoadError(path, "binary file, not text")
        yield from _iter_jsonl(handle, path, max_bytes)


LOADERS: dict[str, Loader | str] = {
    ".txt": load_text, ".text": load_text,
    ".html": load_html, ".htm": load_html,
    ".md": load_markdown, ".markdown": load_markdown,
    ".jsonl": load_jsonl, ".ndjson": load_jsonl,
}
"""File extension (lower case, with the dot) → loader, or ``"module:function"`` imported on first use."""

SUPPORTED_EXTENSIONS = LOADERS.keys()
"""A live view of the registered extensions."""


def register_loader(extension: str, func: Loader | str) -> None:
    """Register (or replace) the loader for files ending in ``extension``.

    ``func(path, max_bytes=...)`` returns a Document or an iterable of Document/LoadError values and
    raises LoadError for an unreadable file. It may be given as ``"package.module:function"``, imported
    only when a file of that type is met (as rdflib's plugin registry does).
    """
    extension = extension.strip().lower()
    if not extension.startswith("."):
        extension = "." + extension
    if len(extension) < 2:
        raise ValueError("a file extension is needed, such as '.docx'")
    if not callable(func) and not (isinstance(func, str) and ":" in func):
        raise TypeError("loader must be a callable or a 'module:function' string")
    LOADERS[extension] = func


def _resolve(extension: str) -> Loader | None:
    loader = LOADERS.get(extension)
    if isinstance(loader, str):
        module_name, _, attribute = loader.partition(":")
        loader = getattr(importlib.import_module(module_name), attribute)
        LOADERS[extension] = loader
    return loader


def _extension(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def _unsupported(path: str) -> LoadError:
    extension = _extension(path)
    what = f"unsupported file type {extension!r}" if extension else "no file extension"
    return LoadError(path, f"{what}: kgraph reads {', '.join(sorted(LOADERS))}")


def read_document(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """The one document in a file that is not JSON Lines. Raises :class:`LoadError`."""
    name = os.fspath(path)
    extension = _extension(name)
    if extension not in LOADERS:
        raise _unsupported(name)
    if _resolve(extension) is load_jsonl:
        raise LoadError(name, "a JSON Lines file holds many documents: read it with iter_documents()")
    result = _resolve(extension)(name, max_bytes=max_bytes)
    if isinstance(result, Document):
        return result
    documents = list(result)
    if len(documents) == 1 and isinstance(documents[0], Document):
        return documents[0]
    for item in documents:
        if isinstance(item, LoadError):
            raise item
    raise LoadError(name, f"holds {len(documents)} documents, not one: read it with iter_documents()")


def _with_id(item: Document | LoadError, path: str, doc_id: str) -> Document | LoadError:
    """A document a loader read from ``path`` under the id ``doc_id`` (see :func:`document_id`); a record of a
    corpus named after its line (``corpus.jsonl:17``) keeps its line number, a record's own "id" stays."""
    if isinstance(item, LoadError) or doc_id == path:
        return item
    if item.id == path:
        return dataclasses.replace(item, id=doc_id)
    if item.id.startswith(path + ":") and item.id == item.source:
        return dataclasses.replace(item, id=doc_id + item.id[len(path):])
    return item


def _load_file(path: str, max_bytes: int, base: str) -> Iterator[Document | LoadError]:
    """Everything one file yields, with ids relative to ``base``; any failure becomes a LoadError value."""
    extension = _extension(path)
    if extension not in LOADERS:
        yield _unsupported(path)
        return
    doc_id = document_id(path, base)
    try:
        result = _resolve(extension)(path, max_bytes=max_bytes)
        if isinstance(result, Document):
            yield _with_id(result, path, doc_id)
            return
        for item in result:
            yield _with_id(item, path, doc_id)
    except LoadError as error:
        yield error
    except Exception as error:  # noqa: BLE001 - a loader's bug must not end the corpus run
        yield LoadError(path, f"cannot load: {type(error).__name__}: {error}")


# -- inputs: files, folders, stdin ------------------------------------------------------------------------

def _walk_folder(folder: str) -> Iterator[str | LoadError]:
    """Files of known types under ``folder``, depth first in name order; hidden names skipped."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except PermissionError:
        yield LoadError(folder, "cannot read folder: permission denied")
        return
    except OSError as error:
        yield LoadError(folder, f"cannot read folder: {error.strerror or error}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        try:
            # Symlinked folders are not followed (as os.walk does): they can make cycles.
            if entry.is_dir(follow_symlinks=False):
                yield from _walk_folder(path)
            elif entry.is_file() and _extension(entry.name) in LOADERS:
                yield path
        except OSError as error:
            yield LoadError(path, f"cannot read: {error.strerror or error}")


def _sniff(text: str) -> str:
    """The format of stdin: front matter → Markdown, leading '<' → HTML, JSON objects → JSON Lines."""
    if text.split("\n", 1)[0].rstrip() == "---":
        return ".md"
    if text.lstrip().startswith("<"):
        return ".html"
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and all(_is_json_object(line) for line in lines):
        return ".jsonl"
    return ".txt"


def _is_json_object(line: str | bytes) -> bool:
    if not line.strip().startswith(b"{" if isinstance(line, bytes) else "{"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:  # JSONDecodeError, or bytes that are not UTF-8
        return False


class _PrefixedReader:
    """A binary line reader over bytes already read, then the rest of a stream."""

    def __init__(self, head: bytes, rest: Any):
        self._head = io.BytesIO(head)
        self._rest = rest

    def readline(self, limit: int = -1) -> bytes:
        line = self._head.readline(limit)
        if line.endswith(b"\n") or (0 <= limit <= len(line)):
            return line
        return line + self._rest.readline(-1 if limit < 0 else limit - len(line))


def _iter_stdin(max_bytes: int) -> Iterator[Document | LoadError]:
    stream = sys.stdin
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            data = buffer.read(max_bytes + 1)
        else:  # a text stream without bytes underneath (e.g. io.StringIO)
            data = stream.read(max_bytes + 1).encode("utf-8")
    except OSError as error:
        yield LoadError(STDIN, f"cannot read: {error.strerror or error}")
        return
    if len(data) > max_bytes:
        # Too big for one article: still fine as a JSON Lines stream, read line by line.
        if buffer is not None and _is_json_object(data.split(b"\n", 1)[0].removeprefix(codecs.BOM_UTF8)):
            yield from _iter_jsonl(_PrefixedReader(data, buffer), STDIN, max_bytes)
        else:
            yield LoadError(STDIN, f"input too large: more than {max_bytes} bytes, limit {max_bytes}")
        return
    try:
        text = decode_bytes(data, STDIN)
    except LoadError as error:
        yield error
        return
    text = normalise_newlines(text).lstrip("\ufeff")
    extension = _sniff(text)
    if extension == ".jsonl":
        yield from _iter_jsonl(io.BytesIO(text.encode("utf-8")), STDIN, max_bytes)
        return
    try:
        yield _CONVERTERS[extension](text, STDIN)
    except LoadError as error:
        yield error


def count_documents(inputs: Iterable[str | os.PathLike]) -> int | None:
    """How many documents :func:`iter_documents` will yield (each failure counting as one), found by listing
    folders and counting the lines of JSON Lines files, for a progress bar's total; None when standard input
    is among them (nothing can be known before it is read)."""
    if isinstance(inputs, (str, bytes, os.PathLike)):
        inputs = [inputs]
    total = 0
    for item in inputs:
        name = os.fsdecode(item)
        if name == "-":
            return None
        files = [name] if not os.path.isdir(name) else _walk_folder(name)
        for found in files:
            total += 1 if isinstance(found, LoadError) else _count_records(found)
    return total


def _count_records(path: str) -> int:
    """1, or the number of non-blank lines of a JSON Lines file (without parsing them)."""
    if _resolve(_extension(path)) is not load_jsonl:
        return 1
    try:
        with open(path, "rb") as handle:
            return max(sum(1 for line in handle if not line.isspace()), 1)
    except OSError:
        return 1  # the loader reports it


def iter_documents(inputs: Iterable[str | os.PathLike], *, max_bytes: int = DEFAULT_MAX_BYTES,
                   base: str | os.PathLike | None = None) -> Iterator[Document | LoadError]:
    """Documents from files, folders (recursive, name order, known extensions only, hidden names
    skipped) and ``"-"`` (stdin, format sniffed), read lazily one at a time.

    A file's document has the id :func:`kgraph.document_ids.document_id` gives: its path relative to ``base``
    (by default the working directory), e.g. ``articles/a.md`` (``corpus.jsonl:17`` for a JSON Lines record
    without an "id").
    Never raises for a bad input: each document that cannot be read is yielded as a LoadError, which names
    the input as it was given. ``max_bytes`` limits each file (each line of a JSON Lines file). Lone surrogates: U+FFFD.
    """
    if isinstance(inputs, (str, bytes, os.PathLike)):
        inputs = [inputs]  # one path, not an iterable of characters
    base = os.fspath(base) if base is not None else os.getcwd()
    from kgraph.decoding import replace_surrogates, without_lone_surrogates
    for item in _iter_inputs(inputs, max_bytes, base):
        if isinstance(item, LoadError):  # a file name that is not UTF-8 holds surrogates too
            yield LoadError(replace_surrogates(item.source), replace_surrogates(item.problem))
        else:
            yield without_lone_surrogates(item)


def _iter_inputs(inputs: Iterable[str | os.PathLike], max_bytes: int, base: str) -> Iterator[Document | LoadError]:
    for item in inputs:
        name = os.fsdecode(item)
        if name == "-":
            yield from _iter_stdin(max_bytes)
            continue
        try:
            mode = os.stat(name).st_mode
        except FileNotFoundError:
            yield LoadError(name, "no such file or directory")
            continue
        except PermissionError:
            yield LoadError(name, "cannot read: permission denied")
            continue
        except OSError as error:
            yield LoadError(name, f"cannot read: {error.strerror or error}")
            continue
        if stat.S_ISDIR(mode):
            for found in _walk_folder(name):
                if isinstance(found, LoadError):
                    yield found
                else:
                    yield from _load_file(found, max_bytes, base)
        elif stat.S_ISREG(mode):
            yield from _load_file(name, max_bytes, base)
        else:
            yield LoadError(name, "not a regular file or folder")
