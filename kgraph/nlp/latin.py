"""Names written in Latin script inside Chinese text.

A Latin name is an organisation when a type word stands before it (企业软件公司Anaplan, 美国投行Stifel,
合资公司Smart King) or an English legal form ends it (FF Top Holding Ltd); a person when it has the shape
First Last and a speech verb follows it (Jeff Barr表示) — a title before it is handled with the other titles.
Without such a cue a Latin word is left alone: most are products, technologies or abbreviations.
"""
from __future__ import annotations

import re

from ..model import Kind, OrgType
from . import confidence as C

_WORD = r"[A-Z][A-Za-z0-9&'.\-]*"
LATIN_ORG_RE = re.compile(rf"{_WORD}(?:[ \u00a0]{_WORD}){{0,3}}")
LATIN_PERSON_RE = re.compile(r"[A-Z][a-z]+(?:[ \u00a0]{1,2}[A-Z]\.?)?[ \u00a0]{1,2}[A-Z][a-z]+(?:[-][A-Z][a-z]+)?")
# type words that introduce an organisation's name (…公司Anaplan, 投行Stifel, 风投Bessemer Venture)
# (words that end names themselves, 大学 or 集团, are left out: 清华大学MBA)
ORG_TYPE_WORDS = ("公司", "投行", "机构", "平台", "网站", "企业", "风投", "品牌", "厂商", "媒体", "运营商", "供应商",
                  "制造商", "开发商", "服务商", "战队", "俱乐部", "杂志", "电视台", "通讯社", "对手")
LEGAL_ENDINGS = ("Inc", "Inc.", "Ltd", "Ltd.", "Limited", "Corp", "Corp.", "Corporation", "LLC", "Holdings",
                 "Holding", "Group", "Capital", "Ventures", "Partners", "Technologies", "Technology", "Labs",
                 "Bank", "Securities", "Media", "Networks", "Systems", "Games", "Studios", "Motors", "Pictures")
SPEECH_AFTER = ("表示", "说", "称", "认为", "指出", "透露", "回忆", "告诉", "介绍", "强调", "坦言", "写道", "解释")


def _latin_boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalpha())


def latin_names(a) -> None:
    """Latin-script organisations after a type word or with a legal form, persons before a speech verb."""
    text = a.text
    for m in LATIN_ORG_RE.finditer(text):
        start, end = m.span()
        name = m.group().rstrip(".-")
        end = start + len(name)
        if len(name) < 2 or not _latin_boundary(text, start, end) or name in a.lex.products:
            continue
        if name.split()[0] in a.lex.titles:
            continue  # 公司CEO Tim Cook: a title and a person
        if any(name.startswith(p) for p in a.lex.products):
            continue
        before = text[max(0, start - 6):start]
        legal = name.split()[-1] in LEGAL_ENDINGS and " " in name
        if legal or before.endswith(ORG_TYPE_WORDS):
            canonical, subtype = a.lex.organizations.get(name, (name, OrgType.COMPANY))
            a.add_candidate(start, end, Kind.ORGANIZATION, canonical, C.LATIN_ORGANIZATION, subtype, "latin-org")
    for m in LATIN_PERSON_RE.finditer(text):
        start, end = m.span()
        if not _latin_boundary(text, start, end) or m.group() in a.lex.organizations:
            continue
        rest = text[end:end + 6].lstrip(" \u00a0")
        if rest.startswith(SPEECH_AFTER) or re.match(r"[（(][^）)]{0,12}(?:CEO|总裁|创始人|分析师)", rest):
            a.add_candidate(start, end, Kind.PERSON, m.group(), C.LATIN_PERSON, source="latin-person")
