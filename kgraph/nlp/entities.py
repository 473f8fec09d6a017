"""Entity recognition: the passes that find people, organisations, brands, places, events, initiatives
and works in an :class:`~kgraph.nlp.analysis.Analysis`, merge the statistical tagger's spans and resolve
overlaps (one kind per string, no overlapping mentions)."""
from __future__ import annotations

import re

from ..model import Kind
from ..resources import Lexicons
from . import confidence as C
from .analysis import Analysis, Mention, boundary_at
from .dates import find_dates
from .bylines import find_bylines
from .latin import latin_names
from .overlaps import resolve_overlaps
from .spans import is_generic, statistical_candidates
from .patterns import (CJK, QUOTE_PAIRS, NAME_STOP_FIRST, NAME_STOP_LAST, NAME_BOUNDARY_PUNCT,
                       ADVERBS_BEFORE_VERB, LATIN_NAME_RE, TRANSLIT_NAME_RE, CJK_NAME_RE, NAME_LIKE_TAGS,
                       COMMON_WORD_FREQ, ORG_LEADING_VERBS, ORG_LEFT_STOPS, ALIAS_RE,
                       BRAND_CUES)


def analyse_entities(a: Analysis) -> None:
    _mark_quotes(a)
    a.dates = find_dates(a.text, a.doc_date)
    _lexicon_organizations(a)
    _suffix_organizations(a)
    _works(a)
    find_bylines(a, looks_like_name)
    latin_names(a)
    _quoted_terms(a)
    _unquoted_events_and_initiatives(a)
    _persons(a)
    _places(a)
    statistical_candidates(a)
    _declared_aliases(a)
    resolve_overlaps(a)
    _roles(a)


def _mark_quotes(a: Analysis) -> None:
    a._in_quote = [False] * len(a.text)
    for opener, closer in QUOTE_PAIRS.items():
        pos = 0
        while True:
            s = a.text.find(opener, pos)
            if s < 0:
                break
            e = a.text.find(closer, s + 1)
            nl = a.text.find("\n", s + 1)
            if e < 0 or (0 <= nl < e):
                pos = s + 1
                continue
            a.quotes.append((s + 1, e))
            for i in range(s + 1, e):
                a._in_quote[i] = True
            pos = e + 1
    a.quotes.sort()


def _lexicon_organizations(a: Analysis) -> None:
    lex = a.lex
    rx = lex.regex("organizations", lex.organizations)
    for m in rx.finditer(a.text):
        surface = m.group()
        if surface.isascii():
            before = a.text[m.start() - 1] if m.start() else " "
            after = a.text[m.end()] if m.end() < len(a.text) else " "
            if before.isascii() and before.isalnum() or after.isascii() and after.isalpha():
                continue  # a Latin name is a whole word (CNBC31日 is CNBC, CNBCX is not)
        canonical, subtype = lex.organizations[surface]
        end = m.end()
        if len(surface) <= 2 and a.token_index_at(m.start()) is None:
            continue  # 南大 inside 云南大为
        if len(surface) <= 3 and not surface.isascii() and a.token_ending_at(m.end()) is None \
                and m.end() < len(a.text) and re.match(rf"[{CJK}]", a.text[m.end()]):
            continue  # 中国网 inside 中国网民
        if m.start() and a.text[m.start() - 1].isdigit() and surface[0] in "亿万千百":
            continue  # 490亿欧元 is no 亿欧
        a.add_candidate(m.start(), end, Kind.ORGANIZATION, canonical, C.LEXICON_ORGANIZATION, subtype, "lexicon")
        _unit_after(a, m.start(), end, canonical, subtype)


def _unit_after(a: Analysis, start: int, end: int, parent: str, subtype: str) -> None:
    """快手 + 电商 -> the unit 快手电商, a sub-organisation of 快手."""
    for suffix, (sub, form) in a.lex.org_suffixes.items():
        if form != "unit" or not a.text.startswith(suffix, end):
            continue
        stop = end + len(suffix)
        # the unit word must end a token, else it is the start of a longer word (快手云游戏 -> 云游戏)
        if a.token_ending_at(stop) is None and stop < len(a.text) and re.match(rf"[{CJK}]", a.text[stop]):
            tok = a.token_index_at(end)
            if tok is None or a.tokens[tok].end != stop:
                continue
        name = a.text[start:stop]
        a.add_candidate(start, stop, Kind.ORGANIZATION, name, C.UNIT_ORGANIZATION, subtype, "unit")
        a.parents.setdefault(name, parent)
        return


def _name_part_before(a: Analysis, pos: int, max_chars: int = 12, max_tokens: int = 5) -> int:
    """Start of the run of name-like tokens ending at ``pos`` (``pos`` itself when there is none)."""
    i = a.token_ending_at(pos)
    start = pos
    taken = 0
    while i is not None and i >= 0 and taken < max_tokens:
        t = a.tokens[i]
        if t.end != start or start - t.start + (pos - start) > max_chars:
            break
        if not re.search(rf"[{CJK}A-Za-z0-9]", t.text):
            break
        if t.tag not in NAME_LIKE_TAGS and t.text not in a.lex.places and t.text not in a.lex.organizations:
            break
        if t.text in a.lex.titles or t.text in a.lex.speech_verbs or t.text in a.lex.name_boundaries:
            break
        if t.text.isdigit() and len(t.text) == 4 and i > 0:  # a year before a name (2022年…) is not part of it
            break
        # 游戏研发商|拳头公司, 合资公司|华钛科技, 王思聪旗下|…: a description or another name ends here
        if t.text[-1] in "商者方" and len(t.text) > 1 or t.text in a.lex.org_suffixes or t.text in ("旗下", "控股"):
            break
        if t.text in ORG_LEFT_STOPS:
            break
        if "%" in t.text or any(c.kind == Kind.PERSON and c.start <= t.start < c.end for c in a._candidates):
            break
        start = t.start
        taken += 1
        i -= 1
    return start


def _suffix_on_token_boundary(a: Analysis, matched: str, end: int) -> tuple[str, int, int] | None:
    """The longest organisation suffix ending at ``end`` that begins a token (互联网 is a word, not 互联 + 网).

    股份有限公司 may come out of jieba as 科技股份|有限公司: then 有限公司 is the suffix. A token may also run on
    into a title (公司总裁 is one jieba word): the suffix then ends inside it.
    """
    for k in range(len(matched), 0, -1):
        suffix = matched[-k:]
        if suffix not in a.lex.org_suffixes:
            continue
        s = end - k
        tok = a.token_index_at(s)
        if tok is None:
            continue
        t = a.tokens[tok]
        if t.end > end and a.text[end:t.end] not in a.lex.titles:
            continue
        crossing = next((x for x in (a.tokens[tok + 1:tok + 4]) if x.start < end < x.end), None)
        if crossing is not None and a.text[end:crossing.end] not in a.lex.titles:
            continue  # 31日|报道 holds no 日报
        return suffix, s, end
    return None


def _suffix_organizations(a: Analysis) -> None:
    lex = a.lex
    rx = lex.regex("org_suffixes", lex.org_suffixes)
    for m in rx.finditer(a.text):
        if a._in_quote[m.start()] and not a._in_quote[max(0, m.start() - 1)]:
            continue
        found = _suffix_on_token_boundary(a, m.group(), m.end())
        if found is None:
            continue
        suffix, s, e = found
        sub, form = lex.org_suffixes[suffix]
        if form == "unit":
            continue  # units attach to a known organisation (_unit_after), not to any noun before them
        if a.text[s - 1:s] in ("子", "母") or a.text[s - 2:s] in ("关联", "参股", "合资"):
            continue  # 全资子公司, 母公司: a description of a company named before it
        name_start = _name_part_before(a, s)
        for marker in ORG_LEADING_VERBS:  # jieba may glue 原 or 任 to the name (原云|启, 历任|…)
            if a.text.startswith(marker, name_start) and s - name_start - len(marker) >= 2:
                name_start += len(marker)
        if s - name_start < 2 or is_generic(a, name_start, s, sub, suffix):
            continue
        name = a.text[name_start:e]
        if name in lex.titles or name[0] in NAME_STOP_FIRST:
            continue
        conf = C.SUFFIX_ORGANIZATION if len(suffix) > 1 else C.SHORT_SUFFIX_ORGANIZATION
        a.add_candidate(name_start, e, Kind.ORGANIZATION, name, conf, sub, "suffix")
        short = a.text[name_start:s]
        if form == "legal" and short in lex.organizations:
            a.entities[(Kind.ORGANIZATION, name)].aliases.add(short)


def _works(a: Analysis) -> None:
    for m in re.finditer(r"《([^《》\n]{2,40})》", a.text):
        a.add_candidate(m.start(1), m.end(1), Kind.WORK, m.group(1), C.WORK, source="title-marks")


def _quoted_terms(a: Analysis) -> None:
    lex = a.lex
    for qs, qe in a.quotes:
        term = a.text[qs:qe].strip()
        if not term or len(term) > 30 or re.search(r"[。！？]", term):
            continue
        before = a.text[a.clause_start(qs - 1):qs - 1]
        after = a.text[qe + 1:qe + 8]
        if any(term.endswith(w) for w in lex.event_words if len(w) > 1) or \
                any(after.startswith(w) for w in ("活动", "大会", "峰会", "论坛", "发布会", "购物节", "大促")):
            name, alias = _event_key(term)
            a.add_candidate(qs, qe, Kind.EVENT, name, C.QUOTED_EVENT, source="quoted-event", surface_alias=False)
            if alias:
                a.entities[(Kind.EVENT, name)].aliases.add(alias)
            continue
        if any(before.endswith(c) for c in BRAND_CUES) and len(term) <= 12 and "，" not in term:
            a.add_candidate(qs, qe, Kind.BRAND, term, C.QUOTED_BRAND, source="quoted-brand")
            continue
        verb_before = any(v in before for v in lex.proposal_verbs)
        word_after = any(after.startswith(w) for w in lex.initiative_words)
        word_inside = any(term.endswith(w) for w in lex.initiative_words)
        programme = any(term.startswith(v) for v in lex.programme_verbs)
        if not (verb_before or word_after or word_inside or programme):
            continue
        conf = C.QUOTED_INITIATIVE if (verb_before or word_inside or word_after) else C.PROGRAMME_INITIATIVE
        items = _parallel_items(term, lex)
        if items:
            for offset, item in items:
                a.add_candidate(qs + offset, qs + offset + len(item), Kind.INITIATIVE, item, conf, source="quoted-list")
                _programme_object(a, qs + offset, item, conf)
        else:
            a.add_candidate(qs, qe, Kind.INITIATIVE, term, conf, source="quoted-initiative")
            _programme_object(a, qs, term, conf)


def _parallel_items(term: str, lex: Lexicons) -> list[tuple[int, str]]:
    """“大搞A，大搞B、大搞C” -> its items, when every item opens with the same programme verb."""
    parts, offset = [], 0
    for piece in re.split(r"([，、,；和及])", term):
        if piece and piece not in "，、,；和及":
            parts.append((offset, piece))
        offset += len(piece)
    if len(parts) < 2:
        return []
    verbs = {next((v for v in lex.programme_verbs if p.startswith(v)), None) for _, p in parts}
    if None in verbs or len(verbs) != 1:
        return []
    return parts


def _programme_object(a: Analysis, start: int, term: str, confidence: float) -> None:
    """大搞快品牌 -> 快品牌 is an initiative too, unless it is a common word (品牌, 服务商)."""
    verb = next((v for v in a.lex.programme_verbs if term.startswith(v)), None)
    if not verb:
        return
    obj = term[len(verb):]
    if len(obj) < 2 or a.freq.get(obj, 0) > 0:
        return
    a.add_candidate(start + len(verb), start + len(term), Kind.INITIATIVE, obj, confidence - C.PROGRAMME_OBJECT_DISCOUNT,
          source="programme-object")


def _event_key(term: str) -> tuple[str, str | None]:
    """引力大会2022 / 2022引力大会 -> (引力大会, the full form as an alias)."""
    stripped = re.sub(r"^(?:19|20)\d{2}年?|(?:19|20)\d{2}年?$", "", term).strip()
    if stripped and stripped != term and len(stripped) >= 2:
        return stripped, term
    return term, None


def _unquoted_events_and_initiatives(a: Analysis) -> None:
    lex = a.lex
    for kind, words, conf in ((Kind.EVENT, [w for w in lex.event_words if len(w) > 1 and w not in ("活动", "会议")], C.UNQUOTED_EVENT),
                              (Kind.INITIATIVE, ("计划", "专项计划", "扶持计划", "行动计划", "工程"), C.UNQUOTED_INITIATIVE)):
        rx = lex.regex(f"unquoted-{kind}", words)
        for m in rx.finditer(a.text):
            s, e = m.start(), m.end()
            if a._in_quote[s] or a.token_index_at(s) is None:
                continue
            start = _name_part_before(a, s, max_chars=14)
            names = [c for c in a._candidates if c.kind in (Kind.INITIATIVE, Kind.BRAND, Kind.ORGANIZATION, Kind.EVENT)]
            # extend over a name found elsewhere that ends here (快品牌 + 专项计划), however jieba split it
            for c in names:
                if a.text.endswith(c.name, 0, s):
                    start = min(start, s - len(c.name))
            if s - start < 2:
                continue
            part = a.text[start:s]
            if any(c.name == part and c.kind == Kind.ORGANIZATION for c in names):
                continue  # 快手电商计划用… : 计划 is the verb "plans"
            # an unquoted name needs something proper in it: a name seen elsewhere, a latin word or an unknown word
            span_tokens = [t for t in a.tokens if start <= t.start < s]
            known = any(c.name in part for c in names)
            if not known and not any(t.tag is None or t.freq == 0 or t.tag in ("nz", "eng") for t in span_tokens):
                continue
            name = a.text[start:e]
            key, alias = _event_key(name) if kind == Kind.EVENT else (name, None)
            a.add_candidate(start, e, kind, key, conf, source="unquoted", surface_alias=False)
            if alias:
                a.entities[(kind, key)].aliases.add(alias)


# ----------------------------------------------------------------------------------- persons
def looks_like_name(a: Analysis, cand: str, strong: bool) -> bool:
    lex = a.lex
    if cand in lex.organizations or cand in lex.places or cand in lex.titles or cand in lex.speech_verbs:
        return False
    if cand in lex.name_boundaries or cand[0] in NAME_STOP_FIRST:
        return False
    if any(p in cand for p in lex.places if len(p) > 1) or any(w in cand for w in ("公司", "集团", "记者", "品牌")):
        return False
    if any(cand[i:j] in lex.organizations for i in range(len(cand)) for j in range(i + 2, len(cand) + 1)):
        return False  # 华为却 (华为 + 却表示)
    from .segmenter import word_info

    freq, tags = word_info()
    f, tag = freq.get(cand, 0), tags.get(cand)
    if f >= (COMMON_WORD_FREQ if strong else 20) and not (tag or "").startswith("nr"):
        return False
    # 注意到, 采访时, 随后向: a common word followed by a particle is not a name
    for k in (2, 3):
        head = cand[:k]
        if k < len(cand) and freq.get(head, 0) >= 50 and not (tags.get(head) or "").startswith("nr"):
            return False
    if cand[-1] in NAME_STOP_LAST or any(cand.endswith(w) for w in lex.speech_verbs if len(w) > 1):
        return False
    # names are not verbs: 易主 (changes hands), 需具备 (需 + 具备)
    if (tag or "").startswith("v") or any(freq.get(cand[i:], 0) >= 50 and (tags.get(cand[i:]) or "").startswith("v")
                                          for i in range(1, len(cand) - 1)):
        return False
    if not strong:
        if not (cand[0] in lex.surnames or cand[:2] in lex.surnames) or len(cand) > 3:
            return False
        # a surname-initial common word (高达, 清仓) is in the dictionary without a name tag
        if f > 0 and not (tag or "").startswith("nr"):
            return False
    return True


def name_after(a: Analysis, pos: int, strong: bool = True) -> int | None:
    """End of a person's name starting at ``pos`` (just after a title), or None."""
    text = a.text
    latin_at = pos + 1 if text[pos:pos + 1] == " " and text[pos - 1:pos].isascii() else pos  # CEO Tim Cook
    m = LATIN_NAME_RE.match(text, latin_at)
    if m and boundary_at(a, m.end()):
        return m.end()
    m = TRANSLIT_NAME_RE.match(text, pos)
    if m and (text[pos] not in NAME_STOP_FIRST or text[pos + 1] == "·"):
        dot = text.index("·", pos)
        # 达拉·科斯罗萨西（Dara…): the whole name when punctuation ends it and no boundary word is inside
        if m.end() < len(text) and text[m.end()] in NAME_BOUNDARY_PUNCT and \
                not any(boundary_at(a, end) for end in range(dot + 2, m.end())):
            return m.end()
        for end in range(dot + 2, m.end() + 1):  # 埃隆·马斯克表示 -> 埃隆·马斯克
            if boundary_at(a, end):
                return end
    for length in (2, 3, 4):
        end = pos + length
        cand = text[pos:end]
        if len(cand) < length or not CJK_NAME_RE.fullmatch(cand):
            return None
        if length == 4 and cand[:2] not in a.lex.surnames:
            continue
        if boundary_at(a, end) and looks_like_name(a, cand, strong):
            return end
    return None


def _title_on_token_boundary(a: Analysis, start: int, end: int) -> bool:
    """会长 inside 将会长期, 委员 inside 委员会 are no titles: a title starts a token and no token runs past its end,
    or it is the tail of one jieba word after an organisation suffix (公司总裁)."""
    i = a.token_index_at(start)
    if i is not None:
        return a.tokens[i].end <= end
    j = a.token_ending_at(end)
    return j is not None and a.text[a.tokens[j].start:start] in a.lex.org_suffixes


# 张明远，现任百度总经理 / 吴明远，中国国籍，1965年出生 / 姜明：(an interview's speaker)
APPOSITIVE_START_RE = re.compile(
    rf"(?:^|(?<=[。；！？\n]))([{CJK}]{{2,3}})(?:[，,](?=现任|时任|曾任|担任|系|男|女|中国国籍|汉族|出生|生于|(?:19|20)\d\d年)|[：:](?=\S))")


def _persons(a: Analysis) -> None:
    lex = a.lex
    titles_rx = lex.regex("titles", lex.titles)
    for m in titles_rx.finditer(a.text):
        # 会长 inside 将会长期, 委员 inside 委员会: a title starts a token and no token runs past its end
        if not _title_on_token_boundary(a, m.start(), m.end()):
            continue
        end = name_after(a, m.end(), strong=True)
        if end is not None:
            start = m.end() + 1 if a.text[m.end()] == " " else m.end()
            name = a.text[start:end]
            sure = name[0] in a.lex.surnames or name[:2] in a.lex.surnames or not CJK_NAME_RE.fullmatch(name)
            a.add_candidate(start, end, Kind.PERSON, name,
                            C.PERSON_AFTER_TITLE if sure else C.PERSON_AFTER_TITLE_NO_SURNAME, source="title+name")
    # 张明远，现任百度总经理: a sentence opening with a name and an appositive of office
    for m in APPOSITIVE_START_RE.finditer(a.text):
        if looks_like_name(a, m.group(1), strong=False):
            a.add_candidate(m.start(1), m.end(1), Kind.PERSON, m.group(1), C.PERSON_APPOSITIVE, source="name+appositive")
    verbs_rx = lex.regex("speech", lex.speech_verbs)
    known = {c.name for c in a._candidates if c.kind == Kind.PERSON}
    for m in verbs_rx.finditer(a.text):
        v = m.start()
        start = a.clause_start(v, extra="“”\"、")
        segment = a.text[start:v]
        segment = ADVERBS_BEFORE_VERB.sub("", segment)
        if segment in known:
            continue
        if 2 <= len(segment) <= 3 and CJK_NAME_RE.fullmatch(segment) and looks_like_name(a, segment, strong=False):
            a.add_candidate(start, start + len(segment), Kind.PERSON, segment, C.PERSON_BEFORE_SPEECH, source="name+speech")


def _places(a: Analysis) -> None:
    rx = a.lex.regex("places", a.lex.places)
    for m in rx.finditer(a.text):
        s, e = m.start(), m.end()
        # a place must be a whole token or a run of tokens (北京 in 北京大学 comes out with the org)
        if a.token_index_at(s) is None:
            continue
        a.add_candidate(s, e, Kind.PLACE, m.group(), C.LEXICON_PLACE, source="lexicon")
    if a.ner_spans:
        return  # the tagger knows places far better than jieba's dictionary tags
    for t in a.tokens:
        # jieba's ns tag is noisy (满意度 is ns): only trust it for names with a place suffix
        if t.tag == "ns" and len(t.text) >= 2 and t.text[-1] in PLACE_SUFFIXES and t.text not in a.lex.organizations:
            a.add_candidate(t.start, t.end, Kind.PLACE, t.text, C.JIEBA_PLACE, source="jieba-ns")


PLACE_SUFFIXES = set("省市县区镇乡村州盟旗岛湾港")
def _declared_aliases(a: Analysis) -> None:
    """X股份有限公司（以下简称“X股份”）: the short form names the same entity wherever it recurs."""
    for m in ALIAS_RE.finditer(a.text):
        alias = m.group(1).strip()
        named = [c for c in a._candidates if c.end <= m.start() and m.start() - c.end <= 2
                 and c.kind in (Kind.ORGANIZATION, Kind.BRAND, Kind.WORK)]
        if not alias or not named:
            continue
        target = max(named, key=lambda c: (c.end, c.end - c.start))
        start = m.start(1)
        a.add_candidate(start, start + len(alias), target.kind, target.name, target.confidence, target.subtype,
              source="declared-alias")


def _roles(a: Analysis) -> None:
    rx = a.lex.regex("titles", a.lex.titles)
    for m in rx.finditer(a.text):
        if _title_on_token_boundary(a, m.start(), m.end()):
            a.roles.append(Mention(m.start(), m.end(), Kind.ROLE, m.group(), C.ROLE_LEXICON, source="lexicon"))
    # the tagger knows where a title begins (设计总监, not 总监); it also finds titles the lexicon lacks
    for start, end, label in a.ner_spans:
        if label != "ROLE" or end - start < 2 or any(m.start < end and start < m.end for m in a.mentions):
            continue
        inside = [r for r in a.roles if start <= r.start and r.end <= end]
        overlapping = [r for r in a.roles if r.start < end and start < r.end and r not in inside]
        if overlapping:
            continue
        title = a.text[start:end]
        if re.search(r"[，。；：！？、“”\n\s]", title):
            continue
        for r in inside:
            a.roles.remove(r)
        a.roles.append(Mention(start, end, Kind.ROLE, title, C.ROLE_TAGGER_OVER_LEXICON if inside else C.ROLE_TAGGER,
                               source="tagger"))
    a.roles.sort(key=lambda m: m.start)


