"""Who wrote an article and which outlets it cites: bylines and media named as sources.

News text names its journalists in bylines (``北京商报记者 张三 李四``, ``（记者 王五）``, ``文｜赵六``,
``钱七/文``) and its sources in set phrases (``据《经济观察报》报道``, ``来源：第一财经``, ``《财经》记者``).
These frames are strong evidence: the names in them need no other support, and a journalist's outlet is
the organisation they work for (the 记者 position of the annotation guide).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Kind, OrgType
from . import confidence as C

CJK = "\u4e00-\u9fff"
SPACE = " \u3000\u00a0\t"
# a byline name: two to four Chinese characters (房宫一柳), or a Latin name
_NAME = rf"[{CJK}]{{2,4}}"
_GAP = rf"[{SPACE}]*"
# 记者 and its variants, each with the title it gives its holder
REPORTER_TITLES = ("实习记者", "见习记者", "特约记者", "首席记者", "本报记者", "记者", "实习生", "通讯员")
CREDIT_WORDS = {"文": "作者", "撰文": "作者", "作者": "作者", "编译": "编译", "编辑": "编辑", "责任编辑": "编辑",
                "责编": "编辑", "采写": "作者", "整理": "作者"}
_REPORTER_RE = re.compile("|".join(REPORTER_TITLES))
_CREDIT_RE = re.compile(rf"(?:^|(?<=[\s|｜】\]）)]))(责任编辑|撰文|作者|编译|编辑|责编|采写|整理|文)"
                        rf"{_GAP}[|｜/：:]{_GAP}")
_CREDIT_AFTER_RE = re.compile(rf"({_NAME})/(文|编辑|编译)")
# what may follow a byline name: a space, a line end, punctuation, a digit or Latin letter (11月8日, IT桔子),
# or a byline word (北京报道, 发自, 实习生)
_AFTER_NAME = re.compile(rf"[{SPACE}\n/|｜）)】\]，,。:：0-9A-Za-z]|$|报道|发自|综合报道|实习生|编辑|摄影")
# media named as a source
# after 《X》: words that make X an outlet (《财经》记者, 《华尔街日报》报道); weaker ones need a media-like name
MEDIA_CUE_AFTER = ("记者", "报道", "援引", "刊文", "刊发", "发文", "获悉", "采访", "专访", "报导", "社论", "撰文",
                   "编辑", "主编", "总编辑", "独家")
WEAK_MEDIA_CUE_AFTER = ("称", "指出", "表示", "消息", "文章", "评论", "发表", "网站", "官网", "统计", "数据", "调查")
MEDIA_CUE_BEFORE_RE = re.compile(r"(?:(?<![依根数证])据|援引|接受|来源[：:]|转载自|转自)[^，。]{0,4}$")
MEDIA_SUFFIXES = ("日报", "晚报", "早报", "商报", "时报", "周刊", "周报", "杂志", "新闻", "财经", "科技", "报", "网",
                  "社", "电视台", "频道", "在线", "之家", "资讯")
NOT_MEDIA = {"外媒", "媒体", "消息", "记者", "报道", "相关", "官方", "公告", "数据", "统计", "内部人士", "知情人士",
             "业内人士", "消息人士", "新闻", "财经", "科技", "网", "报", "社", "本报", "本网", "该报", "该网",
             "官网", "网站", "央视新闻", "公开资料", "资料", "业内", "调查", "分析", "相关人士", "美媒", "日媒", "韩媒",
             "英媒", "港媒", "台媒", "国外媒体", "国内媒体", "多家媒体", "多家外媒", "路透"}
_SOURCE_RE = re.compile(rf"来源[：:]{_GAP}([{CJK}A-Za-z0-9·]{{2,15}}?)(?=[{SPACE}\n，,。|｜]|作者|记者|编辑|$)")
_SOURCE_START_RE = re.compile(rf"来源[：:]{_GAP}(?=[{CJK}A-Za-z0-9])")
# the outlet an article comes from: 新京报讯（记者…）, 【财联社】, 来源：第一财经
_DATELINE_RE = re.compile(rf"([{CJK}A-Za-z0-9]{{2,10}})讯[（(]|^【([^】]{{2,10}})】", re.MULTILINE)
_ACCORDING_RE = re.compile(rf"(?:据|援引)(?:美国|英国|日本|韩国|德国|法国|香港|台湾)?([{CJK}A-Za-z][{CJK}A-Za-z0-9 ]{{1,11}}?)"
                           rf"(?:\d{{1,2}}日|当地时间\S{{0,6}}|近日|今日|日前|周[一二三四五六日])?(?:报道|消息|报导)")
_TITLE_MARKS_RE = re.compile(r"《([^《》\n、，,。]{2,12})》")


@dataclass
class Byline:
    start: int          # the journalist's name
    end: int
    title: str          # 记者, 实习生, 作者, 编辑 …
    outlet: str | None  # the outlet the byline names, if any


def _media_like(a, name: str) -> bool:
    if not name or name in NOT_MEDIA or re.search(r"[，。、；：“”\s]", name):
        return False
    known = a.lex.organizations.get(name)
    if known is not None:
        return True
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 .&-]{1,20}", name):
        return True
    return name.endswith(MEDIA_SUFFIXES) and len(name) >= 3


def _add_outlet(a, start: int, end: int, confidence: float) -> str:
    name = a.text[start:end]
    canonical, subtype = a.lex.organizations.get(name, (name, OrgType.MEDIA))
    a.add_candidate(start, end, Kind.ORGANIZATION, canonical, confidence, subtype, "media-source")
    return canonical


def _outlet_before(a, pos: int) -> str | None:
    """The outlet named right before a byline word: 《财经》记者, 澎湃新闻记者, 北京商报记者."""
    line_start = a.text.rfind("\n", 0, pos) + 1
    left = a.text[line_start:pos].rstrip(SPACE)
    if left.endswith("》"):
        m = re.search(r"《([^《》]{1,15})》$", left)
        if m:
            s = line_start + m.start(1)
            return _add_outlet(a, s, s + len(m.group(1)), C.CITED_OUTLET)
        return None
    m = re.search(rf"([{CJK}A-Za-z0-9]{{2,15}})$", left)
    if not m:
        return None
    word, end = m.group(1), line_start + m.end(1)
    # a known outlet first (…的致命挑战澎湃新闻记者), else the shortest media-like word ending here (每经)
    for k in range(len(word), 1, -1):
        if word[-k:] in a.lex.organizations and a.lex.organizations[word[-k:]][1] == OrgType.MEDIA:
            return _add_outlet(a, end - k, end, C.BYLINE_OUTLET)
    for k in range(2, min(len(word), 8) + 1):
        name = word[-k:]
        if _media_like(a, name) and a.token_index_at(end - k) is not None and (k == len(word) or k >= 3):
            return _add_outlet(a, end - k, end, C.BYLINE_OUTLET)
    return None


def _names_after(a, pos: int, looks_like_name) -> list[tuple[int, int]]:
    """The run of byline names from ``pos``: 张三 李四、王五 (separated by spaces or 、)."""
    names = []
    text = a.text
    while True:
        m = re.match(_NAME, text[pos:pos + 4])
        if not m:
            break
        found = None
        for length in range(min(4, len(m.group())), 1, -1):
            end = pos + length
            if not _AFTER_NAME.match(text, end) and not _place_at(a, end):
                continue
            cand = text[pos:end]
            if length == 4 and not (cand[:2] in a.lex.surnames or cand[0] in a.lex.surnames):
                continue
            if cand[0] not in a.lex.surnames and cand[:2] not in a.lex.surnames and not looks_like_name(a, cand, True):
                continue
            if cand in a.lex.titles or cand in a.lex.places or cand in a.lex.organizations:
                continue
            found = end
            break
        if found is None:
            break
        names.append((pos, found))
        gap = re.match(rf"[{SPACE}、,，]+", text[found:found + 4])
        if not gap:
            break
        pos = found + gap.end()
    return names


def _place_at(a, pos: int) -> bool:
    """A place name starts at ``pos`` (张三北京报道, 周玲美国时间…)."""
    for k in (2, 3):
        if a.text[pos:pos + k] in a.lex.places:
            return True
    return False


def find_bylines(a, looks_like_name) -> None:
    """Journalists (persons) and their outlets (organisations) in bylines; outlets cited as sources."""
    text = a.text
    for m in _REPORTER_RE.finditer(text):
        if a._in_quote[m.start()]:
            continue
        after = m.end()
        gap = re.match(rf"[{SPACE}]*[：:]?[{SPACE}]*", text[after:after + 4])
        pos = after + gap.end()
        names = _names_after(a, pos, looks_like_name)
        if not names:
            continue
        # 记者注意到, 向记者表示: without a space or colon after 记者 the name must stand alone
        if gap.end() == 0 and not (len(names) > 1 or re.match(rf"[{SPACE}\n]|$", text[names[0][1]:names[0][1] + 1])):
            continue
        title = m.group()
        outlet = _outlet_before(a, m.start())
        if title == "本报记者":
            title = "记者"
        for s, e in names:
            a.add_candidate(s, e, Kind.PERSON, text[s:e], C.BYLINE_PERSON, source="byline")
            a.bylines.append(Byline(s, e, title, outlet))
    for m in _CREDIT_RE.finditer(text):
        names = _names_after(a, m.end(), looks_like_name)
        title = CREDIT_WORDS[m.group(1)]
        outlet = _outlet_before(a, m.start()) if title == "作者" else None
        for s, e in names:
            a.add_candidate(s, e, Kind.PERSON, text[s:e], C.CREDIT_PERSON, source="byline")
            a.bylines.append(Byline(s, e, title, outlet))
    for m in _CREDIT_AFTER_RE.finditer(text):
        s, e = m.span(1)
        before = text[s - 1:s] if s else "\n"
        if not re.match(rf"[{SPACE}\n|｜]", before) or not looks_like_name(a, m.group(1), True):
            continue
        a.add_candidate(s, e, Kind.PERSON, m.group(1), C.CREDIT_PERSON, source="byline")
        a.bylines.append(Byline(s, e, CREDIT_WORDS[m.group(2)], None))
    _cited_media(a)


def _cited_media(a) -> None:
    text = a.text
    for m in _TITLE_MARKS_RE.finditer(text):
        name = m.group(1)
        if name in NOT_MEDIA:
            continue
        before = text[max(0, m.start() - 8):m.start()]
        after = text[m.end():m.end() + 4]
        strong = after.startswith(MEDIA_CUE_AFTER) or MEDIA_CUE_BEFORE_RE.search(before)
        weak = after.startswith(WEAK_MEDIA_CUE_AFTER) or re.search(r"(?:美国|英国|日本|德国|法国|香港)$", before)
        if strong or (weak and _media_like(a, name)):
            _add_outlet(a, m.start(1), m.end(1), C.CITED_OUTLET)
    for m in _SOURCE_START_RE.finditer(text):
        s = m.end()
        known = next((k for k in range(min(15, len(text) - s), 1, -1) if text[s:s + k] in a.lex.organizations), None)
        if known:
            _add_outlet(a, s, s + known, C.SOURCE_LINE_OUTLET)
            continue
        sm = _SOURCE_RE.match(text, m.start())
        if sm and sm.group(1) not in NOT_MEDIA and not re.search(r"\d", sm.group(1)):
            _add_outlet(a, sm.start(1), sm.end(1), C.UNKNOWN_SOURCE_LINE_OUTLET)
    for m in _DATELINE_RE.finditer(text):
        name = _outlet_before(a, m.end(1)) if m.group(1) else None
        if name is None and m.group(2) and _media_like(a, m.group(2)):
            name = _add_outlet(a, m.start(2), m.end(2), C.BYLINE_OUTLET)
        a.bylines_outlet = a.bylines_outlet or name
    for m in _ACCORDING_RE.finditer(text):
        name = m.group(1).strip()
        if _media_like(a, name) and not a._in_quote[m.start()]:
            s = m.start(1)
            _add_outlet(a, s, s + len(name), C.BYLINE_OUTLET)


def _house_outlet(a) -> str | None:
    """The outlet an article comes from when its byline names none: the dateline's (新京报讯), else the media
    organisation most often named with 记者 in the text (接受澎湃新闻记者采访)."""
    if a.bylines_outlet:
        return a.bylines_outlet
    counts: dict[str, int] = {}
    for m in a.mentions:
        if m.kind == Kind.ORGANIZATION and a.text.startswith("记者", m.end):
            ent = a.entities.get(m.ref)
            if ent is not None and ent.subtype == OrgType.MEDIA:
                counts[m.name] = counts.get(m.name, 0) + 1
    return max(counts, key=counts.get) if counts else None


def byline_positions(a) -> None:
    """A journalist's title at the outlet of their byline (记者 at 澎湃新闻), or the bare title."""
    from ..model import Rel

    people = {(m.start, m.end): m for m in a.mentions if m.kind == Kind.PERSON}
    house = None
    for b in a.bylines:
        person = people.get((b.start, b.end))
        if person is None:
            continue
        outlet, conf = b.outlet, C.BYLINE_POSITION
        if not outlet or (Kind.ORGANIZATION, outlet) not in a.entities:
            house = house or _house_outlet(a)
            outlet, conf = house, C.HOUSE_OUTLET_POSITION
        a.add_entity(Kind.ROLE, b.title, C.ROLE_LEXICON)
        if outlet and (Kind.ORGANIZATION, outlet) in a.entities:
            a.add_fact(Rel.MEMBER_OF, person.ref, (Kind.ORGANIZATION, outlet), b.start, conf, title=b.title, former=False)
        else:
            a.add_fact(Rel.JOB_TITLE, person.ref, (Kind.ROLE, b.title), b.start, C.BYLINE_TITLE_ONLY, title=b.title, former=False)
