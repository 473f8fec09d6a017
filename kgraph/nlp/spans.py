"""Boundary repair for the statistical tagger's spans: a name neither starts nor ends inside a word.

A character tagger cuts names short (陈宇 for 陈宇曦, 恒大法拉 for 恒大法拉第未来) or lets them run on into the
next word (马云所 from 马云所说, 亚马逊财 from 亚马逊财报, 士邬贺铨 from 院士邬贺铨). jieba's words, with kgraph's
lexicons in its dictionary, say where words are: a span that cuts a dictionary word is shrunk to leave that
word out, one that cuts an unknown word (a name jieba does not know) is widened to take it in.
"""
from __future__ import annotations

import re

from ..model import Kind

CJK = "\u4e00-\u9fff"
COMMON_FREQ = 20          # a dictionary word at least this frequent is a word, not part of a name
NAME_TAGS = ("nr", "nt", "nz", "ns")
# one-character words that do not end a name (携程大|数据, IBM所|瞄准)
FUNCTION_TAGS = ("a", "ad", "d", "p", "c", "u", "uj", "ul", "r", "f", "m", "q", "v", "vn", "y", "zg", "t")
# characters that jieba's guesses glue to the end of a name (王思聪正在, 罗睿兰于, 李咏因)
GLUED_CHARS = set("的了在是也将称说等们被却曾正能化于因当起长为对就已又都把和与及向从到")
MAX_WIDEN = {Kind.PERSON: 4, Kind.ORGANIZATION: 24, Kind.PLACE: 8}


def _common(a, text: str) -> bool:
    from .segmenter import word_info

    freq, tags = word_info()
    tag = tags.get(text) or ""
    return freq.get(text, 0) >= COMMON_FREQ and not tag.startswith(NAME_TAGS) and text not in a.lex.organizations


def _token_over(a, pos: int):
    """The token that holds ``pos`` strictly inside it (starts before it, ends after it), if any."""
    for t in _tokens_near(a, pos):
        if t.start < pos < t.end:
            return t
    return None


def _tokens_near(a, pos: int):
    # tokens are sorted; a binary search over their starts
    import bisect

    starts = a._token_start_list
    i = bisect.bisect_right(starts, pos) - 1
    return a.tokens[max(0, i - 1):i + 2]


def repair_span(a, start: int, end: int, kind: str) -> tuple[int, int] | None:
    """The span moved to word boundaries, or None when no name is left."""
    if not getattr(a, "_token_start_list", None):
        a._token_start_list = [t.start for t in a.tokens]
    limit = MAX_WIDEN.get(kind, 12)
    person = kind == Kind.PERSON
    t = _token_over(a, end)
    if t is not None:
        common = _common(a, t.text)
        if t.start <= start:  # the span lies inside one word: 陈宇 in 陈宇曦
            if common or t.end - t.start > limit:
                return None
            if person and not (t.tag or "").startswith("nr") and set(a.text[end:t.end]) & GLUED_CHARS:
                return start, end  # jieba's guess glued a word to the name (王思聪正|在)
            start, end = t.start, t.end
        elif (common or not person and end - t.start == 1 and t.end - end > 2) and t.start - start >= 2:
            end = t.start          # 马云所|说 -> 马云, 亚马逊财|报 -> 亚马逊
        elif (common and not (person and (t.tag or "").startswith(("d", "p", "c", "u"))) or not person) \
                and t.end - start <= limit:
            end = t.end            # 恒大法拉|第未来 -> 恒大法拉第未来, 严|跃进 -> 严跃进
        elif not person:
            return None
        # jieba cuts unknown names anywhere (胡郁|舒对): for a person the tagger's end stands
    t = _token_over(a, start)
    if t is not None:
        if _common(a, t.text):
            start = t.end          # 院士|邬贺铨, 亿万富豪|卡尔·伊坎
        elif not person and end - t.start <= limit:
            start = t.start        # 恒|大法拉第北京公司 -> 恒大法拉第北京公司
        elif not person:
            return None
    # a one-character function word does not end an organisation's name (携程大|数据, IBM所|瞄准)
    i = a.token_ending_at(end)
    if i is not None and not person:
        last = a.tokens[i]
        if last.end - last.start == 1 and last.start - start >= 2 and (last.tag or "").startswith(FUNCTION_TAGS) \
                and re.match(rf"[{CJK}]", last.text):
            end = last.start
    if end - start < 2:
        return None
    return start, end


def _guessed_word_at(a, pos: int) -> bool:
    """The token at ``pos`` is jieba's guess (no dictionary word): 原云启 glues 原 to a coined name."""
    i = a.token_index_at(pos)
    return i is not None and a.tokens[i].freq == 0 and a.tokens[i].tag is None


def _ends_with_suffix(a, text: str) -> bool:
    return any(text.endswith(s) for s in a.lex.org_suffixes if len(s) > 1)


def cuts_title(a, start: int, end: int) -> int:
    """Where a title that starts inside the span and runs past its end begins (阿里巴巴董事局|主席), else ``end``."""
    rx = a.lex.regex("titles", a.lex.titles)
    for pos in range(start + 1, end - 1):
        m = rx.match(a.text, pos)
        if m and m.end() >= end and pos - start >= 2 and (
                a.token_index_at(pos) is not None or _ends_with_suffix(a, a.text[start:pos])):
            return pos
    return end


def has_cjk_space(text: str) -> bool:
    """A space next to a Chinese character: two names run together (高洪浩 房宫, 阿里巴巴 CEO)."""
    return re.search(rf"[{CJK}]\s|\s[{CJK}]", text) is not None


# a place of an organisation, not an organisation (谷歌硅谷总部, 汉福德工厂)
FACILITY_ENDINGS = ("总部", "工厂", "办公室", "办事处", "分部", "园区", "门店", "网吧", "厂房", "基地", "大楼", "大厦",
                    "实验室里", "专卖店", "旗舰店", "直营店")
# words that follow an organisation's name without being part of it (惠普董事会, X公司员工)
TRAILING_WORDS = ("员工", "管理团队", "团队", "董事会", "董事局", "股票", "股价", "财报", "官方", "内部", "方面", "人士")
# office words that jieba may glue to the name after them
LEADING_MARKERS = ("现任", "曾任", "时任", "担任", "出任", "新任", "原", "前")
LIST_JOINERS = re.compile(r"(?<=.{2})[和与及、跟](?=.{2})")


def trim_organization(a, start: int, end: int) -> tuple[int, int] | None:
    """A tagger organisation without what surrounds the name: a facility (…总部), a trailing word (…员工),
    a title (…董事局主席), a leading preposition (比|亚马逊); None when it is a product or two names joined."""
    surface = a.text[start:end]
    if surface.endswith(FACILITY_ENDINGS) or any(surface.startswith(p) for p in a.lex.products):
        return None
    for word in TRAILING_WORDS:
        if surface.endswith(word) and len(surface) - len(word) >= 2:
            end -= len(word)
            surface = surface[:-len(word)]
            break
    end = cuts_title(a, start, end)
    for marker in LEADING_MARKERS:  # 原|云启科技, 现任|…
        if a.text.startswith(marker, start) and end - start - len(marker) >= 2 and (
                len(marker) > 1 or a.token_ending_at(start + 1) is not None or _guessed_word_at(a, start)):
            start += len(marker)
            break
    i = a.token_index_at(start)
    if i is not None:
        first = a.tokens[i]
        if first.end - first.start == 1 and (first.tag or "").startswith(("p", "v", "d", "c", "r")) \
                and end - first.end >= 2:
            start = first.end      # 比|亚马逊, 任|云上贵州大数据集团
    surface = a.text[start:end]
    for m in LIST_JOINERS.finditer(surface):
        pos = start + m.start()
        if a.token_index_at(pos) is not None and a.token_ending_at(pos + 1) is not None:
            return None            # 乐融致新和乐视影业: two names
    return (start, end) if end - start >= 2 else None
