"""Entity recognition: the passes that find people, organisations, brands, places, events, initiatives
and works in an :class:`~kgraph.nlp.analysis.Analysis`, merge the statistical tagger's spans and resolve
overlaps (one kind per string, no overlapping mentions)."""
from __future__ import annotations

import re

from ..model import Kind, OrgType
from ..resources import Lexicons
from . import confidence as C
from .analysis import Analysis, Mention, boundary_at
from .dates import find_dates
from .overlaps import resolve_overlaps
from .patterns import (CJK, QUOTE_PAIRS, NAME_STOP_FIRST, NAME_STOP_LAST,
                       ADVERBS_BEFORE_VERB, LATIN_NAME_RE, TRANSLIT_NAME_RE, CJK_NAME_RE, NAME_LIKE_TAGS,
                       RARE_WORD_FREQ, COMMON_WORD_FREQ, ORG_LEADING_VERBS, ORG_LEFT_STOPS, ALIAS_RE,
                       BRAND_CUES)


def analyse_entities(a: Analysis) -> None:
    _mark_quotes(a)
    a.dates = find_dates(a.text, a.doc_date)
    _lexicon_organizations(a)
    _suffix_organizations(a)
    _works(a)
    _quoted_terms(a)
    _unquoted_events_and_initiatives(a)
    _persons(a)
    _places(a)
    _statistical(a)
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


def _cand(a: Analysis, start: int, end: int, kind: str, name: str, confidence: float,
          subtype: str | None = None, source: str = "", surface_alias: bool = True) -> Mention:
    m = Mention(start, end, kind, name, confidence, subtype, source)
    a._candidates.append(m)
    surface = a.text[start:end]
    a.add_entity(kind, name, confidence, subtype, alias=surface if surface_alias else None)
    return m


def _lexicon_organizations(a: Analysis) -> None:
    lex = a.lex
    rx = lex.regex("organizations", lex.organizations)
    for m in rx.finditer(a.text):
        surface = m.group()
        if surface.isascii():
            before = a.text[m.start() - 1] if m.start() else " "
            after = a.text[m.end()] if m.end() < len(a.text) else " "
            if before.isascii() and before.isalnum() or after.isascii() and after.isalnum():
                continue
        canonical, subtype = lex.organizations[surface]
        end = m.end()
        if len(surface) <= 2 and a.token_index_at(m.start()) is None:
            continue  # 南大 inside 云南大为
        _cand(a, m.start(), end, Kind.ORGANIZATION, canonical, C.LEXICON_ORGANIZATION, subtype, "lexicon")
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
        _cand(a, start, stop, Kind.ORGANIZATION, name, C.UNIT_ORGANIZATION, subtype, "unit")
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


PROPER_TAGS = {"nz", "nt", "nr", "nrt", "nrfg", "eng", "j", "x"}
PLACE_NAMED_SUFFIXES = {"银行", "证券", "交易所", "保险"}


def _is_generic(a: Analysis, start: int, end: int, subtype: str, suffix: str) -> bool:
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
        if t.tag in ("n", "nz") and t.freq < RARE_WORD_FREQ:  # 星河 (66): a rare noun makes a fine name
            return False
    return True


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
        name_start = _name_part_before(a, s)
        for marker in ORG_LEADING_VERBS:  # jieba may glue 原 or 任 to the name (原云|启, 历任|…)
            if a.text.startswith(marker, name_start) and s - name_start - len(marker) >= 2:
                name_start += len(marker)
        if s - name_start < 2 or _is_generic(a, name_start, s, sub, suffix):
            continue
        name = a.text[name_start:e]
        if name in lex.titles or name[0] in NAME_STOP_FIRST:
            continue
        conf = C.SUFFIX_ORGANIZATION if len(suffix) > 1 else C.SHORT_SUFFIX_ORGANIZATION
        _cand(a, name_start, e, Kind.ORGANIZATION, name, conf, sub, "suffix")
        short = a.text[name_start:s]
        if form == "legal" and short in lex.organizations:
            a.entities[(Kind.ORGANIZATION, name)].aliases.add(short)


def _works(a: Analysis) -> None:
    for m in re.finditer(r"《([^《》\n]{2,40})》", a.text):
        _cand(a, m.start(1), m.end(1), Kind.WORK, m.group(1), C.WORK, source="title-marks")


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
            _cand(a, qs, qe, Kind.EVENT, name, C.QUOTED_EVENT, source="quoted-event", surface_alias=False)
            if alias:
                a.entities[(Kind.EVENT, name)].aliases.add(alias)
            continue
        if any(before.endswith(c) for c in BRAND_CUES) and len(term) <= 12 and "，" not in term:
            _cand(a, qs, qe, Kind.BRAND, term, C.QUOTED_BRAND, source="quoted-brand")
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
                _cand(a, qs + offset, qs + offset + len(item), Kind.INITIATIVE, item, conf, source="quoted-list")
                _programme_object(a, qs + offset, item, conf)
        else:
            _cand(a, qs, qe, Kind.INITIATIVE, term, conf, source="quoted-initiative")
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
    _cand(a, start + len(verb), start + len(term), Kind.INITIATIVE, obj, confidence - C.PROGRAMME_OBJECT_DISCOUNT,
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
            _cand(a, start, e, kind, key, conf, source="unquoted", surface_alias=False)
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
            _cand(a, start, end, Kind.PERSON, a.text[start:end], C.PERSON_AFTER_TITLE, source="title+name")
    # 张明远，现任百度总经理: a sentence opening with a name and an appositive of office
    for m in APPOSITIVE_START_RE.finditer(a.text):
        if looks_like_name(a, m.group(1), strong=False):
            _cand(a, m.start(1), m.end(1), Kind.PERSON, m.group(1), C.PERSON_APPOSITIVE, source="name+appositive")
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
            _cand(a, start, start + len(segment), Kind.PERSON, segment, C.PERSON_BEFORE_SPEECH, source="name+speech")


def _places(a: Analysis) -> None:
    rx = a.lex.regex("places", a.lex.places)
    for m in rx.finditer(a.text):
        s, e = m.start(), m.end()
        # a place must be a whole token or a run of tokens (北京 in 北京大学 comes out with the org)
        if a.token_index_at(s) is None:
            continue
        _cand(a, s, e, Kind.PLACE, m.group(), C.LEXICON_PLACE, source="lexicon")
    if a.ner_spans:
        return  # the tagger knows places far better than jieba's dictionary tags
    for t in a.tokens:
        # jieba's ns tag is noisy (满意度 is ns): only trust it for names with a place suffix
        if t.tag == "ns" and len(t.text) >= 2 and t.text[-1] in PLACE_SUFFIXES and t.text not in a.lex.organizations:
            _cand(a, t.start, t.end, Kind.PLACE, t.text, C.JIEBA_PLACE, source="jieba-ns")


PLACE_SUFFIXES = set("省市县区镇乡村州盟旗岛湾港")
STATISTICAL_KINDS = {"PERSON": Kind.PERSON, "ORGANIZATION": Kind.ORGANIZATION, "PLACE": Kind.PLACE}
WEAK_PERSON_RULES = ("name+speech", "name+appositive")  # a rule and the tagger finding the same span and kind


def _statistical(a: Analysis) -> None:
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
        surface = a.text[start:end]
        if _cuts_latin_word(a.text, start, end):
            continue  # a character tagger is unreliable inside Latin words (Flick|r, And|rew)
        if kind is None or not re.search(rf"[{CJK}A-Za-z]", surface):
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
            for c in starts_here:
                a._candidates.remove(c)
            confidence = C.STATISTICAL_AFTER_TITLE if starts_here else C.STATISTICAL[kind]
            _cand(a, start, end, kind, surface, confidence, source="tagger")
        elif kind == Kind.ORGANIZATION:
            if surface in a.lex.titles or surface in a.lex.places:
                continue
            # the suffix marks where a name ends, the tagger where it starts (历任|西钢集团公司)
            for c in [c for c in a._candidates if c.kind == Kind.ORGANIZATION and c.end == end and c.source == "suffix"]:
                a._candidates.remove(c)
            canonical, subtype = a.lex.organizations.get(surface, (surface, _suffix_subtype(a, surface)))
            _cand(a, start, end, kind, canonical, C.STATISTICAL[kind], subtype, source="tagger")
        else:
            _cand(a, start, end, kind, surface, C.STATISTICAL[kind], source="tagger")


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
        _cand(a, start, start + len(alias), target.kind, target.name, target.confidence, target.subtype,
              source="declared-alias")


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


