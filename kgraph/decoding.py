"""Reading a file's bytes (bounded, regular files only) and decoding them: BOMs, UTF-8, the GB family and
the other encodings charset-normalizer recognises; binary data refused; newlines normalised."""
from __future__ import annotations

import codecs
import dataclasses
import io
import logging
import os
import re
from typing import Any

from .model import Document, LoadError

log = logging.getLogger(__name__)

_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "hz"})
_BOMS = (  # UTF-32 first: its little-endian BOM begins with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_BYTES = bytes(sorted(frozenset(range(0x20)) - frozenset(b"\t\n\r\f\v\x1b")))
SAMPLE_BYTES = 8192


def open_binary(path: str) -> io.BufferedReader:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise LoadError(path, "no such file or directory") from None
    except PermissionError:
        raise LoadError(path, "cannot read file: permission denied") from None
    except IsADirectoryError:
        raise LoadError(path, "is a folder, not a file") from None
    except OSError as error:
        raise LoadError(path, f"cannot read file: {error.strerror or error}") from None


def read_bytes(path: str, max_bytes: int) -> bytes:
    with open_binary(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise LoadError(path, f"file too large: {size} bytes, limit {max_bytes}")
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:
            raise LoadError(path, f"cannot read file: {error.strerror or error}") from None
    if len(data) > max_bytes:  # the file grew while being read
        raise LoadError(path, f"file too large: more than {max_bytes} bytes, limit {max_bytes}")
    return data


def looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:SAMPLE_BYTES]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # counted in C, not byte by byte
    return control > 0.3 * len(sample)


def decode_bytes(data: bytes, source: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16/32 with BOM, else GB18030/GBK.

    charset-normalizer is consulted only when UTF-8 fails; any GB-family guess is decoded as
    GB18030, its superset. Raises :class:`LoadError` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise LoadError(source, "empty document")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                raise LoadError(source, f"cannot decode text: invalid {encoding.upper()} after its "
                                        f"byte-order mark at byte {error.start + len(bom)}") from None
            break
    else:
        if looks_binary(data):
            raise LoadError(source, "binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            text = _decode_guessed(data, source, error)
    if not text.strip():
        raise LoadError(source, "empty document")
    return text


def _decode_guessed(data: bytes, source: str, utf8_error: UnicodeDecodeError) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    candidates = {best.encoding, *best.could_be_from_charset} if best is not None else set()
    if candidates & _GB_FAMILY:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise LoadError(source, f"cannot decode text: not UTF-8 (byte {utf8_error.start}) and not "
                                    f"valid GB18030 (byte {error.start})") from None
    guess = f"; it looks like {best.encoding}, which kgraph does not read" if best is not None else ""
    raise LoadError(source, f"cannot decode text: not UTF-8 or GB18030 (invalid UTF-8 at byte "
                            f"{utf8_error.start}{guess})")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")




# -- lone surrogates ---------------------------------------------------------------------------------

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, tuple):
        return tuple(replace_surrogates(item) for item in value)
    return value


def without_lone_surrogates(document: Document) -> Document:
    """``document`` with every lone surrogate (U+D800..U+DFFF, e.g. from a JSON ``"\\ud800"`` escape or a
    Python string) replaced by U+FFFD, with a warning naming the document. Such a character cannot be written
    as UTF-8: it is decided here, once, at loading, what it becomes, so no later step meets it."""
    values = {field.name: getattr(document, field.name) for field in dataclasses.fields(document)}
    cleaned = {name: replace_surrogates(value) for name, value in values.items()}
    if cleaned == values:
        return document
    log.warning("%s: lone surrogate characters (not Unicode text) replaced by U+FFFD",
                cleaned["source"] or cleaned["id"])
    return Document(**cleaned)


__all__ = ["SAMPLE_BYTES", "decode_bytes", "looks_binary", "normalise_newlines", "open_binary", "read_bytes",
           "replace_surrogates", "without_lone_surrogates"]
