"""The statistical tagger's spans as candidates, checked against the lexicons and repaired: a name neither
starts nor ends inside a word, and an organisation is no generic phrase (科技公司) or facility (…总部).

A character tagger cuts names short (陈宇 for 陈宇曦, 恒大法拉 for 恒大法拉第未来) or lets them run on into the
next word (马云所 from 马云所说, 亚马逊财 from 亚马逊财报, 士邬贺铨 from 院士邬贺铨). jieba's words, with kgraph's
lexicons in its dictionary, say where words are: a span that cuts a dictionary word is shrunk to leave that
word out, one that cuts an unknown word (a name jieba does not know) is widened to take it in.
"""
from __future__ import annotations

import re

from ..model import Kind, OrgType
from . import confidence as C
from .analysis import Analysis
from .patterns import CJK, COMMON_WORD_FREQ, NAME_BOUNDARY_PUNCT, NAME_STOP_FIRST, NAME_STOP_LAST, RARE_WORD_FREQ

ORG_CUT_FREQ = 200        # an organisation is cut short only before a word this common (广汇|旗下, not 联盟杯|中)
COMMON_FREQ = 20          # a dictionary word at least this frequent is a word, not part of a name
NAME_TAGS = ("nr", "nt", "nz", "ns")
# one-character words that do not end a name (携程大|数据, IBM所|瞄准)
FUNCTION_TAGS = ("a", "ad", "d", "p", "c", "u", "uj", "ul", "r", "y")
# characters that jieba's guesses glue to the end of a name (王思聪正在, 罗睿兰于, 李咏因)
GLUED_CHARS = set("的了在是也将称说等们被却曾正能化于因当起长为对就已又都把和与及向从到")
SIDE_CHARS = set("上下中内外大小前后里")  # 拉塔萨雷|上, 新浪乐居|大客户部: a position word after a name
HONORIFICS = ("先生", "女士", "老师", "小姐", "总")  # 马先生: jieba's word, not a longer name
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
    """The span moved to word boundaries, or None when no name is left; an organisation that cannot be
    repaired keeps the tagger's span (its name may well end inside a jieba word: 欣旺达秘书|处)."""
    repaired = _repaired(a, start, end, kind)
    if repaired is None and kind != Kind.PERSON:
        return start, end
    return repaired


def _repaired(a, start: int, end: int, kind: str) -> tuple[int, int] | None:
    if not getattr(a, "_token_start_list", None):
        a._token_start_list = [t.start for t in a.tokens]
    limit = MAX_WIDEN.get(kind, 12)
    person = kind == Kind.PERSON
    t = _token_over(a, end)
    if t is not None and not person and _ends_with_suffix(a, a.text[start:end]):
        t = None  # a name may end at its suffix inside a jieba word (湘潭钢铁公司|党委, 中国世界经济学会|理事)
    if t is not None:
        common = _common(a, t.text)
        if t.start <= start:  # the span lies inside one word: 陈宇 in 陈宇曦
            if person and (common or end - start < 2 or t.end - t.start > limit or t.text.endswith(HONORIFICS)
                           or not ((t.tag or "").startswith("nr") or t.freq == 0)):
                return start, end  # 马克思|主义, 邓小平理论: the name inside a word
            if common or t.end - t.start > limit or t.text.endswith(HONORIFICS) or _ends_with_title(a, t.text) \
                    or a.text[start:end] in a.lex.organizations:
                return None  # 市委|书记, 北大|荒: keep the tagger's span (organisations) or drop it (persons)
            if person and not (t.tag or "").startswith("nr") and set(a.text[end:t.end]) & GLUED_CHARS:
                return start, end  # jieba's guess glued a word to the name (王思聪正|在)
            start, end = t.start, t.end
        elif (common and (person or t.freq >= ORG_CUT_FREQ) or not person and end - t.start == 1 and t.freq == 0) \
                and t.start - start >= 2:
            end = t.start          # 马云所|说 -> 马云, 亚马逊财|报 -> 亚马逊
        elif (common and person and not (t.tag or "").startswith(("d", "p", "c", "u"))
              or not person and t.freq == 0 and t.end - end <= 3 and t.end - t.start >= 3
              and not _ends_with_title(a, t.text) and not set(a.text[end:t.end]) & (GLUED_CHARS | SIDE_CHARS)) \
                and t.end - start <= limit:
            end = t.end            # 恒大法拉|第未来 -> 恒大法拉第未来, 严|跃进 -> 严跃进
        elif not person:
            return None
        # jieba cuts unknown names anywhere (胡郁|舒对): for a person the tagger's end stands
    t = _token_over(a, start)
    if t is not None:
        if _common(a, t.text):
            start = t.end          # 院士|邬贺铨, 亿万富豪|卡尔·伊坎
        elif not person and end - t.start <= limit and not _office_word(a.text[t.start:start]):
            start = t.start        # 恒|大法拉第北京公司 -> 恒大法拉第北京公司 (not 任|金龙机电股份有限公司)
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


def _ends_with_title(a, text: str) -> bool:
    return any(text.endswith(t) for t in a.lex.titles if len(t) > 1)


def _known_or_suffixed(a, text: str) -> bool:
    return text in a.lex.organizations or _ends_with_suffix(a, text)


def _office_word(text: str) -> bool:
    """What jieba glues before a name: an office verb or a function word (任|金龙机电, 在|…)."""
    return text in LEADING_MARKERS or bool(set(text) & (NAME_STOP_FIRST | GLUED_CHARS | set("任已交")))


def _guessed_word_at(a, pos: int) -> bool:
    """The token at ``pos`` is jieba's guess (no dictionary word): 原云启 glues 原 to a coined name."""
    i = a.token_index_at(pos)
    return i is not None and a.tokens[i].freq == 0 and a.tokens[i].tag is None


def _ends_with_suffix(a, text: str) -> bool:
    return any(text.endswith(s) for s in a.lex.org_suffixes if len(s) > 1)


def cuts_title(a, start: int, end: int) -> int:
    """Where a title that starts inside the span and runs past its end begins (阿里巴巴董事局|主席), else ``end``."""
    rx = a.lex.regex("titles", a.lex.titles)
    if _ends_with_suffix(a, a.text[start:end]):
        return end  # 国际经济研究所 is a name, though 研究所所长 is a title
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
FACILITY_ENDINGS = ("总部", "工厂", "分部", "园区", "门店", "网吧", "厂房", "基地", "大楼", "大厦",
                    "实验室里", "专卖店", "旗舰店", "直营店")
# words that follow an organisation's name without being part of it (惠普董事会, X公司员工)
TRAILING_WORDS = ("全资子公司", "控股子公司", "关联公司", "员工", "管理团队", "团队", "董事会", "董事局", "股票", "股价", "财报", "官方", "内部", "方面", "人士")
# office words that jieba may glue to the name after them
LEADING_MARKERS = ("现任", "曾任", "时任", "担任", "出任", "新任", "原", "前")
LEADING_FUNCTION_CHARS = set("比在于从向对和与及被把将任由据")  # 比|亚马逊, 任|云上贵州 (not 加|拉塔萨雷)
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
        if first.end - first.start == 1 and first.text in LEADING_FUNCTION_CHARS \
                and end - first.end >= 2:
            start = first.end      # 比|亚马逊, 任|云上贵州大数据集团
    surface = a.text[start:end]
    for m in LIST_JOINERS.finditer(surface):
        pos = start + m.start()
        left, right = a.text[start:pos], a.text[pos + 1:end]
        if a.token_index_at(pos) is not None and a.token_ending_at(pos + 1) is not None \
                and _known_or_suffixed(a, left) and _known_or_suffixed(a, right):
            return None            # FF和恒大集团: two names (not 市国土资源和房屋管理局)
    return (start, end) if end - start >= 2 else None


PROPER_TAGS = {"nz", "nt", "nr", "nrt", "nrfg", "eng", "j", "x"}
PLACE_NAMED_SUFFIXES = {"银行", "证券", "交易所", "保险"}
GENERIC_FORMS = {"公司", "创业公司", "初创公司", "企业", "厂商"}  # forms that follow descriptions as often as names


def is_generic(a: Analysis, start: int, end: int, subtype: str, suffix: str) -> bool:
    """True unless the span holds something proper: an unknown word (a coined name), a tagged proper noun,
    a known organisation; a place counts for public bodies, schools, media and banks (北京大学, 北京银行)
    but not for companies (美国科技, 中国工厂 are descriptions)."""
    for t in a.tokens:
        if t.end <= start:
            continue
        if t.start >= end:
            break
        if t.text in a.lex.organizations:
            return False
        if t.text in a.lex.places or t.tag == "ns":
            if subtype != OrgType.COMPANY or suffix in PLACE_NAMED_SUFFIXES:
                return False
            continue
        if t.tag in PROPER_TAGS or (t.tag is None and t.freq == 0 and re.search(rf"[{CJK}A-Za-z]", t.text)):
            return False
        if t.tag in ("n", "nz") and t.freq < RARE_WORD_FREQ and suffix not in GENERIC_FORMS:
            return False  # 星河 (66): a rare noun makes a fine name, but not before a bare 公司 (电动车公司)
    return True


def generic_span(a: Analysis, start: int, end: int) -> bool:
    """科技公司, 北京公司, 初创公司: an organisation suffix with nothing proper before it."""
    surface = a.text[start:end]
    for k in range(min(len(surface), 6), 0, -1):
        suffix = surface[-k:]
        if suffix in a.lex.org_suffixes:
            if k == len(surface):
                return True
            subtype = a.lex.org_suffixes[suffix][0]
            return is_generic(a, start, end - k, subtype, suffix) or surface[0] in NAME_STOP_FIRST
    return False


STATISTICAL_KINDS = {"PERSON": Kind.PERSON, "ORGANIZATION": Kind.ORGANIZATION, "PLACE": Kind.PLACE}
WEAK_PERSON_RULES = ("name+speech", "name+appositive")  # a rule and the tagger finding the same span and kind


def statistical_candidates(a: Analysis) -> None:
    """The tagger's entities as candidates: recall for names no pattern frames, checked against the lexicons.

    Where a rule found the same span with the same kind, the two pieces of evidence raise its confidence.
    """
    if not a.ner_spans:
        return
    tagged_people = [(s, e) for s, e, label in a.ner_spans if label == "PERSON"]
    for c in [c for c in a._candidates if c.source in WEAK_PERSON_RULES]:
        if not any(s < c.end and c.start < e for s, e in tagged_people):
            a._candidates.remove(c)  # a name before a speech verb that the tagger does not see as a name
    by_span = {(c.start, c.end, c.kind): c for c in a._candidates}
    for start, end, label in a.ner_spans:
        kind = STATISTICAL_KINDS.get(label)
        while start < end and a.text[start].isspace():
            start += 1
        while end > start and a.text[end - 1].isspace():
            end -= 1
        if kind is None or _cuts_latin_word(a.text, start, end):
            continue  # a character tagger is unreliable inside Latin words (Flick|r, And|rew)
        if has_cjk_space(a.text[start:end]):
            continue  # two names run together (高洪浩 房宫一柳)
        repaired = repair_span(a, start, end, kind) if kind != Kind.PLACE else (start, end)
        if repaired is not None and kind == Kind.ORGANIZATION:
            repaired = trim_organization(a, *repaired)  # 阿里巴巴董事局|主席, 谷歌硅谷总部
        if repaired is None:
            continue
        start, end = repaired
        surface = a.text[start:end]
        if not re.search(rf"[{CJK}A-Za-z]", surface):
            continue
        if len(surface) < 2 and kind != Kind.PLACE:  # 中美, 访华: one-character places are common abbreviations
            continue
        if re.search(r"[，。；：！？、“”《》（）()\n]", surface):
            continue
        same = by_span.get((start, end, kind))
        if same is not None:
            same.confidence = min(C.AGREEMENT_CAP, same.confidence + C.AGREEMENT_BONUS)
            a.entities[same.ref].confidence = max(a.entities[same.ref].confidence, same.confidence)
            continue
        if kind == Kind.PERSON:
            if surface in a.lex.titles or surface in a.lex.organizations or surface in a.lex.places:
                continue
            if surface[0] in NAME_STOP_FIRST or surface[-1] in NAME_STOP_LAST:
                continue
            if _common_word(surface):
                continue  # 余波, 罗列: common words
            if surface.isascii() and " " not in surface:
                continue  # one Latin word from a character tagger (Verizon, Stifel, Pei) is rarely a person
            head = next((surface[:k] for k in range(min(len(surface) - 2, 6), 1, -1) if surface[:k] in a.lex.titles), None)
            if head:  # 王储默罕默德·本·萨勒曼: the title is not part of the name
                start, surface = start + len(head), surface[len(head):]
            # a title marks where a name starts, the tagger where it ends (科菲·安南|希望这次)
            starts_here = [c for c in a._candidates if c.kind == Kind.PERSON and c.start == start]
            if any(c.end > end and (c.end >= len(a.text) or a.text[c.end] in NAME_BOUNDARY_PUNCT) for c in starts_here):
                continue  # the rule's name runs to punctuation (达拉·科斯罗萨西（Dara…): the tagger cut it short
            for c in starts_here:
                a._candidates.remove(c)
            confidence = C.STATISTICAL_AFTER_TITLE if starts_here else C.STATISTICAL[kind]
            a.add_candidate(start, end, kind, surface, confidence, source="tagger")
        elif kind == Kind.ORGANIZATION:
            if surface in a.lex.titles or surface in a.lex.places:
                continue
            if generic_span(a, start, end):
                a.generic_names.add(surface)  # a mention (NER data sets label 快递公司), no entity of the graph
            # the suffix marks where a name ends, the tagger where it starts (历任|西钢集团公司)
            for c in [c for c in a._candidates if c.kind == Kind.ORGANIZATION and c.end == end and c.source == "suffix"]:
                a._candidates.remove(c)
            canonical, subtype = a.lex.organizations.get(surface, (surface, _suffix_subtype(a, surface)))
            a.add_candidate(start, end, kind, canonical, C.STATISTICAL[kind], subtype, source="tagger")
        else:
            a.add_candidate(start, end, kind, surface, C.STATISTICAL[kind], source="tagger")


def _common_word(text: str) -> bool:
    """A dictionary word used often enough, and not as a name, to be no name here."""
    from .segmenter import word_info

    freq, tags = word_info()
    return freq.get(text, 0) >= COMMON_WORD_FREQ and not (tags.get(text) or "").startswith("nr")


def _cuts_latin_word(text: str, start: int, end: int) -> bool:
    def latin(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    return (start > 0 and latin(text[start - 1]) and latin(text[start])) or \
        (end < len(text) and latin(text[end - 1]) and latin(text[end]))


def _suffix_subtype(a: Analysis, name: str) -> str | None:
    for k in range(min(len(name), 6), 0, -1):
        if name[-k:] in a.lex.org_suffixes:
            return a.lex.org_suffixes[name[-k:]][0]
    return None
