"""Reduce HTML and Markdown to the clean text that kgraph analyses, and read dates the way sources state them.

The text these functions return is final: loaders store it unchanged in ``Document.text`` and every
character offset kgraph reports refers to it. Clean text is one block (paragraph, heading, list item,
table row ...) per line, whitespace collapsed within a line, no empty lines.
"""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

__all__ = ["closing_credit", "html_to_text", "markdown_to_text", "normalise_date"]

# Elements whose content is never article text. "head" is handled apart: its <title> and <meta>
# tags carry metadata.
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
_HEAD_CONTENT = frozenset({"title", "meta", "link", "base", "style", "script", "noscript", "template"})
# Elements that start and end a line of clean text.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})
_DATE_META = ("article:published_time", "pubdate", "publishdate", "og:published_time", "datepublished")

_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\ufeff]")


def _clean_line(text: str) -> str:
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


class _TextExtractor(HTMLParser):
    """Collects clean lines and page metadata; tolerant of unclosed and stray tags."""

    def __init__(self, keep_newlines: bool):
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines   # Markdown: a newline in the source ends a line
        self.lines: list[str] = []
        self._line: list[str] = []
        self._hidden: list[str] = []          # open elements whose content is dropped
        self._in_head = False
        self._pre_depth = 0
        self._title: list[str] | None = None  # collecting <title> text while not None
        self._h1: list[str] | None = None
        self._h1_depth = 0
        self.meta: dict[str, str] = {}

    # -- lines -------------------------------------------------------------------------------
    def _end_line(self) -> None:
        line = _clean_line("".join(self._line))
        if line:
            self.lines.append(line)
        self._line = []

    # -- parser callbacks ----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self._in_head = True
            return
        if self._in_head and tag not in _HEAD_CONTENT:
            self._in_head = False  # a body element: the head was never closed
        if tag in ("meta", "link"):
            self._read_meta(tag, {name: value or "" for name, value in attrs})
            return
        if tag == "title":
            if not self._hidden and self._title is None and "title" not in self.meta:
                self._title = []
            return
        self._finish_title()  # a missing </title> must not swallow the page
        if tag in _HIDDEN:
            self._hidden.append(tag)
            return
        if self._hidden:
            return
        if tag in _BLOCKS:
            self._end_line()
        elif tag in _CELLS:
            self._line.append(" ")
        if tag == "pre":
            self._pre_depth += 1
        if tag == "h1":
            self._h1_depth += 1
            if self._h1 is None and "h1" not in self.meta:
                self._h1 = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
            return
        if tag == "title":
            self._finish_title()
            return
        if tag in _HIDDEN:
            if tag in self._hidden:
                while self._hidden.pop() != tag:
                    pass
            return
        if self._hidden:
            return
        if tag in _BLOCKS:
            self._end_line()
        if tag == "pre" and self._pre_depth:
            self._pre_depth -= 1
        if tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            if not self._h1_depth and self._h1 is not None:
                heading = _clean_line("".join(self._h1))
                if heading:
                    self.meta["h1"] = heading
                self._h1 = None

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
            return
        if self._hidden or self._in_head:
            return
        if self._h1 is not None:
            self._h1.append(data)
        if self.keep_newlines or self._pre_depth:
            first, *rest = data.split("\n")
            self._line.append(first)
            for piece in rest:
                self._end_line()
                self._line.append(piece)
        else:
            self._line.append(data)

    def close(self) -> None:
        super().close()
        self._finish_title()
        self._end_line()

    # -- metadata ------------------------------------------------------------------------------
    def _finish_title(self) -> None:
        if self._title is not None:
            title = _clean_line("".join(self._title))
            if title:
                self.meta["title"] = title
            self._title = None

    def _read_meta(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "link":
            if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href", "").strip():
                self.meta.setdefault("canonical", attrs["href"].strip())
            return
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        content = _clean_line(attrs.get("content", ""))
        if not key or not content:
            return
        if key in ("og:url", "og:site_name", "og:title"):
            self.meta.setdefault(key, content)
        elif key in _DATE_META:
            self.meta.setdefault("date:" + key, content)


def _reduce(markup: str, keep_newlines: bool) -> tuple[str, dict[str, str]]:
    # A file cut off inside a tag or comment: html.parser would emit the fragment ("<p class=...")
    # as text, so drop it.
    last_open = markup.rfind("<")
    if last_open > markup.rfind(">") and re.match(r"<[A-Za-z!/?]", markup[last_open:last_open + 2]):
        markup = markup[:last_open]
    parser = _TextExtractor(keep_newlines)
    parser.feed(markup)
    parser.close()
    found = parser.meta
    meta: dict[str, str] = {}
    title = found.get("title") or found.get("og:title") or found.get("h1")
    if title:
        meta["title"] = title
    url = found.get("canonical") or found.get("og:url")
    if url:
        meta["url"] = url
    for key in _DATE_META:
        stated = found.get("date:" + key)
        date = normalise_date(stated) if stated else None
        if date:
            meta["date"] = date
            break
    if found.get("og:site_name"):
        meta["publisher"] = found["og:site_name"]
    return "\n".join(parser.lines), meta


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """Reduce an HTML page or fragment to clean text and its metadata.

    Script, style, noscript, template, svg, iframe, object and <head> content is dropped; block
    elements (p, div, headings, li, br, tr ...) become separate lines; table cells are separated by a
    space; entities are unescaped. Broken markup (unclosed or stray tags, a truncated file) yields
    whatever text it holds. Metadata keys, present only when found: ``title`` (<title>, og:title or
    the first <h1>), ``url`` (<link rel=canonical> or og:url), ``date`` (article:published_time or
    pubdate meta, as ISO 8601), ``publisher`` (og:site_name).
    """
    return _reduce(markup, keep_newlines=False)


# -- Markdown ------------------------------------------------------------------------------------

_AUTOLINK_LINE = re.compile(r"^ {0,3}<(https?://[^\s<>]+)>\s*$")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]+|mailto:[^\s<>]+)>")
# Link targets may hold one level of parentheses: ![x](http://host/download (10).png)
_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_IMAGE = re.compile(r"!\[[^\]\n]*\](?:" + _TARGET + r"|\[[^\]\n]*\])")
_LINK = re.compile(r"\[([^\]\n]*)\](?:" + _TARGET + r"|\[[^\]\n]*\])")
_NAV_LINE = re.compile(r"^\s*(?:\[[^\]\n]*\]" + _TARGET + r"\s*[|｜/·•>»-]?\s*)+$")
_NAV_WORDS = re.compile(r"返回|首页|上一篇|下一篇|上一页|下一页|更多|阅读原文|查看原文|^(?:home|back|next|previous|top)$",
                        re.IGNORECASE)
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}(?:(?:[-*_=]\s*){3,})$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_ATTRIBUTES = re.compile(r"\s*\{#[^{}\s]+(?:\s[^{}\n]*)?\}\s*")   # "标题 {#anchor}" (kramdown, pandoc)
_QUOTE = re.compile(r"^ {0,3}>\s?")
_BULLET = re.compile(r"^\s*[-*+](?:\s+|$)")
_MARKERS_ONLY = re.compile(r"[\s*_~]*")   # what is left of "*![image](...)*"
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_EMPHASIS = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"__(?=\S)(.+?)(?<=\S)__"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
    re.compile(r"(?<!\d)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\d)"),
    re.compile(r"(?<![\w\\])_(?=\S)(.+?)(?<=\S)_(?!\w)"),
)
# Stand-in characters (Unicode planes 15-16, private use) for text that must survive inline processing
# untouched: escaped punctuation and code spans.
_SHIELD_BASE = 0xF0000


def _is_navigation(line: str) -> bool:
    if not _NAV_LINE.match(line):
        return False
    labels = [m.group(1).strip() for m in _LINK.finditer(line)]
    return len(labels) >= 2 or any(_NAV_WORDS.search(label) for label in labels)


def _source_autolink(lines: list[str]) -> int | None:
    """Index of the line giving the article's source as a bare autolink, or None.

    It must be the body's only autolink standing as a paragraph of its own, and only blank lines,
    navigation lines or nothing may follow it (reference lists with several links are not sources).
    """
    standalone = [
        i for i, line in enumerate(lines)
        if _AUTOLINK_LINE.match(line)
        and (i == 0 or not lines[i - 1].strip())
        and (i + 1 == len(lines) or not lines[i + 1].strip())
    ]
    if len(standalone) != 1:
        return None
    index = standalone[0]
    if all(not line.strip() or _is_navigation(line) for line in lines[index + 1:]):
        return index
    return None


class _Shield:
    """Keeps literal text (escapes, code) away from the inline Markdown and HTML passes."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def hide(self, literal: str) -> str:
        self.pieces.append(literal)
        return chr(_SHIELD_BASE + len(self.pieces) - 1)

    def reveal(self, text: str) -> str:
        if not self.pieces:
            return text

        def literal(match: re.Match[str]) -> str:
            index = ord(match.group()) - _SHIELD_BASE
            return html.escape(self.pieces[index], quote=False) if index < len(self.pieces) else match.group()

        return re.sub("[\U000F0000-\U0010FFFD]", literal, text)


def _inline(line: str, shield: _Shield) -> str:
    line = _ESCAPE.sub(lambda m: shield.hide(m.group(1)), line)
    line = _CODE_SPAN.sub(lambda m: shield.hide(m.group(2).strip()), line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(lambda m: m.group(1), line)
    line = _AUTOLINK.sub(lambda m: shield.hide(m.group(1)), line)
    for pattern in _EMPHASIS:
        line = pattern.sub(r"\1", line)
    return line


def markdown_to_text(markdown: str) -> tuple[str, dict[str, str]]:
    """Reduce a Markdown body (front matter already removed) that may mix in HTML to clean text.

    Markdown is reduced lightly: ``#`` headings become plain lines (the first level-1 heading is
    the ``title``), emphasis markers, list bullets, quote markers, table rules and link targets are
    removed (``[text](url)`` → text), images and link definitions are dropped. Navigation lines made
    only of links (``[返回首页](//…)｜[返回…](…)``) are dropped; a lone autolink line ``<http…>``
    at the end is the article's source: it is removed and returned as ``url``. Embedded HTML is
    reduced as in :func:`html_to_text`, whose metadata keys this returns too.
    """
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    source_index = _source_autolink(lines)
    shield = _Shield()
    out: list[str] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            else:
                out.append(shield.hide(line))
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            continue
        if index == source_index or _is_navigation(line) or _LINK_DEFINITION.match(line):
            continue
        while _QUOTE.match(line):
            line = _QUOTE.sub("", line, count=1)
        if _RULE.match(line) or (_TABLE_RULE.match(line) and "-" in line):
            continue
        line = _ATTRIBUTES.sub(" ", line)
        heading = _ATX.match(line)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2) or '', shield)}</h{level}>")
            continue
        line = _BULLET.sub("", line)
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            cells = re.split(r"(?<!\\)\|", stripped[1:-1])
            line = " ".join(cell.strip() for cell in cells)
        line = _inline(line, shield)
        out.append("" if _MARKERS_ONLY.fullmatch(line) else line)
    text, meta = _reduce(shield.reveal("\n".join(out)), keep_newlines=True)
    if source_index is not None and "url" not in meta:
        meta["url"] = _AUTOLINK_LINE.match(lines[source_index]).group(1)
    return text, meta


# -- dates and credits -----------------------------------------------------------------------------

_DATE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s*T\s*|\s+)(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.(\d{1,9}))?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$",
    re.IGNORECASE,
)


def normalise_date(value: str) -> str | None:
    """ISO 8601 form of a stated date, or None when it is not a date.

    ``2022-05-16 10:35:15 +0800`` → ``2022-05-16T10:35:15+08:00``; a date alone stays ``YYYY-MM-DD``;
    ``2022/5/16``, ``2022年5月16日`` and ``...Z`` (→ ``+00:00``) are read too. No zone stated, none added.
    """
    match = _DATE.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        if hour is None:
            return datetime(int(year), int(month), int(day)).date().isoformat()
        tzinfo = None
        if zone:
            if zone.upper() == "Z":
                tzinfo = timezone.utc
            else:
                digits = zone[1:].replace(":", "")
                offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
                tzinfo = timezone(offset if zone[0] == "+" else -offset)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                         micro, tzinfo=tzinfo)
    except ValueError:  # month 13, hour 25, offset beyond a day ...
        return None
    return stamp.isoformat()


_CREDIT = re.compile(r"^[（(【\[]?\s*(?:文章|稿件|新闻|本文|内容)?来源\s*[：:｜|]\s*"
                     r"([^\s，,。；;、（）()【】\[\]]{2,30})\s*[）)】\]]?(?:\s.*)?$")
_CREDIT_MAX_CHARS = 40  # a credit is a short line of its own, not the start of a paragraph


def closing_credit(text: str, last_lines: int = 3) -> str | None:
    """The publisher named by a closing credit (``（文章来源：中国发展网）``, ``来源：新华社``) in the
    last lines of clean text, or None."""
    for line in text.rsplit("\n", last_lines)[-last_lines:][::-1]:
        line = line.strip()
        match = _CREDIT.match(line) if len(line) <= _CREDIT_MAX_CHARS else None
        if match:
            return match.group(1)
    return None
