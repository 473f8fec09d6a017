"""Rule-based recognition of entities and relations in one Chinese news document.

The rules combine evidence of several kinds: lexicons (titles, organisation suffixes, well-known
organisations, places, speech and proposal verbs, all under ``ontology/lexicons``), the part of speech
that jieba's dictionary gives a token, high-precision patterns (a title before a name, a name before a
speech verb, “…” after 提出/推出), and document-level consistency (a name found once in a strong pattern
is a mention wherever it recurs; each string gets one kind per document).

:class:`Analysis` holds the state of one document between the entity and relation steps; the spaCy
components in :mod:`kgraph.nlp.components` drive it.
"""
from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Iterable

from ..model import Entity, EntityRef, Evidence, Fact, Kind, OrgType, Rel
from ..resources import Lexicons
from .bylines import byline_positions, find_bylines
from .dates import DateMention, find_dates
from .units import sub_organizations
from .spans import has_cjk_space, repair_span, trim_organization

CJK = "\u4e00-\u9fff"
CLAUSE_PUNCT = set("，。；：！？,;:!?\n")
SENTENCE_END = set("。！？!?；\n")
CLOSERS = set("”’」』）)\"'")
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』"}
NAME_STOP_FIRST = set("的了在是和与也还就都又把被将从对向为等及其该此这那各每某本全其据由以因但而且或兼之却要想我你他她们"
                      "一二三四五六七八九十两几")
NAME_STOP_LAST = set("的了在是也将向称说到时等们被却我你他她曾")
NAME_BOUNDARY_PUNCT = set("，。、；：！？,.;:!?“”\"'（）()《》〈〉【】[]·—-… \n\t")
# what may stand between a speaker's name and the speech verb (张三也表示, 张三在会上指出)
_SPEECH_ADVERBS = (r"(?:也|还|则|就|更|又|却|均|都|进一步|特别|再次|同时|随后|此前|曾|曾经|对此|现场|当天|当日|日前|近日|"
                   r"在会上|在会议上|在演讲中|在大会上|在发布会上|在现场|对记者|向记者|接受采访时|在接受[^，。]{1,12}?采访时)")
ADVERBS_BEFORE_VERB = re.compile(_SPEECH_ADVERBS + "+$")
ADVERBS_AFTER_NAME = re.compile(_SPEECH_ADVERBS + "*")
LATIN_NAME_RE = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}")
TRANSLIT_NAME_RE = re.compile(rf"[{CJK}]{{1,5}}(?:·[{CJK}]{{1,6}}){{1,2}}")
CJK_NAME_RE = re.compile(rf"[{CJK}]{{2,4}}")
NAME_LIKE_TAGS = {"n", "nz", "ns", "nt", "nr", "nrt", "nrfg", "j", "eng", "vn", "an", "nw", "x", None}
RARE_WORD_FREQ = 300  # a dictionary noun rarer than this can be the proper part of a name (星河科技)
COMMON_WORD_FREQ = 50
FORMER_MARKERS = ("前", "原", "曾任", "时任", "曾担任", "此前担任")
ORG_LEADING_VERBS = ("先后任职", "先后任", "历任", "现任", "时任", "曾任", "起任", "出任", "担任", "任职", "原", "任")
ORG_LEFT_STOPS = {"前", "原", "现任", "曾任", "时任", "担任", "出任", "原任", "新任", "该", "这家", "那家", "其"}
ALIAS_RE = re.compile(r"[（(](?:以下)?(?:简称|下称|又称|英文简称)[“\"「]?([^”\"」）)]{1,20})[”\"」]?[）)]")
FOUND_VERBS = ("创立", "创办", "创建", "成立", "一手创办", "联合创办", "联合创立")
EVENT_HOST_VERBS = ("举办", "主办", "召开", "举行", "承办", "发起", "开幕", "启幕")
BRAND_CUES = ("自有品牌", "子品牌", "新品牌", "快品牌", "品牌")
FIGURE_RE = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<plus>\+)?"
    r"(?:(?P<pct>%|％)|(?P<mult>万亿|千亿|百亿|亿|千万|百万|万|千)?"
    r"(?P<unit>元|美元|人民币|港元|欧元|日元|英镑|个|家|名|位|款|件|次|倍|台|辆|项|人次|人|单|笔|亿次)?)"
)
MULTIPLIERS = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}


@dataclass
class Mention:
    start: int
    end: int
    kind: str
    name: str                  # canonical name (the entity key within the document)
    confidence: float
    subtype: str | None = None
    source: str = ""           # which rule found it (for debugging and the model card)

    @property
    def ref(self) -> tuple[str, str]:
        return (self.kind, self.name)


@dataclass
class Token:
    start: int
    end: int
    text: str
    tag: str | None
    freq: int


@dataclass
class Analysis:
    """One document's text, tokens and what the rules found in it."""

    text: str
    doc_id: str
    doc_date: str | None
    tokens: list[Token]
    sentences: list[tuple[int, int]]
    lex: Lexicons
    freq: dict
    entities: dict[tuple[str, str], Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)   # resolved, non-overlapping, sorted
    roles: list[Mention] = field(default_factory=list)      # title mentions (may sit inside a chain)
    quotes: list[tuple[int, int]] = field(default_factory=list)  # inner spans of “…”
    dates: list[DateMention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)   # unit org name -> parent org name
    bylines: list = field(default_factory=list)             # journalists named in bylines (bylines.Byline)
    bylines_outlet: str | None = None                       # the outlet of the article's dateline (新京报讯)
    ner_spans: list = field(default_factory=list)  # (start, end, label) from the statistical tagger, if any
    _candidates: list[Mention] = field(default_factory=list)
    _in_quote: list[bool] = field(default_factory=list)

    # ------------------------------------------------------------------ helpers
    def sentence_index(self, pos: int) -> int:
        """Index of the sentence holding ``pos``, -1 when it falls between sentences."""
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        return i if i >= 0 and pos < self.sentences[i][1] else -1

    def sentence_of(self, pos: int) -> tuple[int, int]:
        i = self.sentence_index(pos)
        return self.sentences[i] if i >= 0 else (max(0, pos), min(len(self.text), pos + 1))

    def evidence(self, pos: int, confidence: float) -> Evidence:
        s, e = self.sentence_of(pos)
        return Evidence(self.doc_id, self.text[s:e], s, e, confidence)

    def clause_start(self, pos: int, extra: str = "") -> int:
        s, _ = self.sentence_of(max(0, pos - 1)) if pos > 0 else (0, 0)
        i = pos - 1
        while i >= s:
            ch = self.text[i]
            if (ch in CLAUSE_PUNCT or ch in extra) and not self._in_quote[i]:
                return i + 1
            i -= 1
        return s

    def clause_end(self, pos: int) -> int:
        _, e = self.sentence_of(pos)
        i = pos
        while i < e:
            if self.text[i] in CLAUSE_PUNCT and not self._in_quote[i]:
                return i
            i += 1
        return e

    def mentions_in(self, start: int, end: int, kinds: Iterable[str] | None = None) -> list[Mention]:
        kinds = set(kinds) if kinds else None
        return [m for m in self.mentions if m.start >= start and m.end <= end and (kinds is None or m.kind in kinds)]

    def add_entity(self, kind: str, name: str, confidence: float, subtype: str | None = None,
                   alias: str | None = None, **props) -> Entity:
        key = (kind, name)
        ent = self.entities.get(key)
        if ent is None:
            ent = self.entities[key] = Entity(kind, name, subtype=subtype, confidence=confidence)
        else:
            ent.confidence = max(ent.confidence, confidence)
            ent.subtype = ent.subtype or subtype
        if alias and alias != name:
            ent.aliases.add(alias)
        for k, v in props.items():
            if v is not None:
                ent.props.setdefault(k, v)
        return ent

    def add_fact(self, relation: str, subject: tuple[str, str], obj: tuple[str, str], pos: int,
                 confidence: float, **props) -> None:
        if subject == obj:
            return
        for ref in (subject, obj):
            if ref not in self.entities:
                self.add_entity(ref[0], ref[1], confidence)
        self.facts.append(Fact(relation, subject, obj, self.evidence(pos, confidence), props))

    def token_index_at(self, pos: int) -> int | None:
        """Index of the token that starts at ``pos``, if any."""
        return self._token_starts.get(pos)

    def token_ending_at(self, pos: int) -> int | None:
        """Index of the token that ends at ``pos``, if any."""
        return self._token_ends.get(pos)

    def __post_init__(self) -> None:
        self._token_starts = {t.start: i for i, t in enumerate(self.tokens)}
        self._token_ends = {t.end: i for i, t in enumerate(self.tokens)}
        self._sentence_starts = [s for s, _ in self.sentences]


# ---------------------------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------------------------
def analyse_entities(a: Analysis) -> None:
    _mark_quotes(a)
    a.dates = find_dates(a.text, a.doc_date)
    _lexicon_organizations(a)
    _suffix_organizations(a)
    _works(a)
    find_bylines(a, _cand, looks_like_name)
    _quoted_terms(a)
    _unquoted_events_and_initiatives(a)
    _persons(a)
    _places(a)
    _statistical(a)
    _declared_aliases(a)
    _resolve(a)
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
        if m.start() and a.text[m.start() - 1].isdigit() and surface[0] in "亿万千百":
            continue  # 490亿欧元 is no 亿欧
        _cand(a, m.start(), end, Kind.ORGANIZATION, canonical, 0.9, subtype, "lexicon")
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
        _cand(a, start, stop, Kind.ORGANIZATION, name, 0.8, subtype, "unit")
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
GENERIC_FORMS = {"公司", "创业公司", "初创公司", "企业", "厂商"}  # forms that follow descriptions as often as names


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
        if t.tag in ("n", "nz") and t.freq < RARE_WORD_FREQ and suffix not in GENERIC_FORMS:
            return False  # 星河 (66): a rare noun makes a fine name, but not before a bare 公司 (电动车公司)
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
        conf = 0.75 if len(suffix) > 1 else 0.6
        _cand(a, name_start, e, Kind.ORGANIZATION, name, conf, sub, "suffix")
        short = a.text[name_start:s]
        if form == "legal" and short in lex.organizations:
            a.entities[(Kind.ORGANIZATION, name)].aliases.add(short)


def _works(a: Analysis) -> None:
    for m in re.finditer(r"《([^《》\n]{2,40})》", a.text):
        _cand(a, m.start(1), m.end(1), Kind.WORK, m.group(1), 0.9, source="title-marks")


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
            _cand(a, qs, qe, Kind.EVENT, name, 0.85, source="quoted-event", surface_alias=False)
            if alias:
                a.entities[(Kind.EVENT, name)].aliases.add(alias)
            continue
        if any(before.endswith(c) for c in BRAND_CUES) and len(term) <= 12 and "，" not in term:
            _cand(a, qs, qe, Kind.BRAND, term, 0.8, source="quoted-brand")
            continue
        verb_before = any(v in before for v in lex.proposal_verbs)
        word_after = any(after.startswith(w) for w in lex.initiative_words)
        word_inside = any(term.endswith(w) for w in lex.initiative_words)
        programme = any(term.startswith(v) for v in lex.programme_verbs)
        if not (verb_before or word_after or word_inside or programme):
            continue
        conf = 0.8 if (verb_before or word_inside or word_after) else 0.65
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
    _cand(a, start + len(verb), start + len(term), Kind.INITIATIVE, obj, confidence - 0.1, source="programme-object")


def _event_key(term: str) -> tuple[str, str | None]:
    """引力大会2022 / 2022引力大会 -> (引力大会, the full form as an alias)."""
    stripped = re.sub(r"^(?:19|20)\d{2}年?|(?:19|20)\d{2}年?$", "", term).strip()
    if stripped and stripped != term and len(stripped) >= 2:
        return stripped, term
    return term, None


def _unquoted_events_and_initiatives(a: Analysis) -> None:
    lex = a.lex
    for kind, words, conf in ((Kind.EVENT, [w for w in lex.event_words if len(w) > 1 and w not in ("活动", "会议")], 0.6),
                              (Kind.INITIATIVE, ("计划", "专项计划", "扶持计划", "行动计划", "工程"), 0.55)):
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
def _boundary_at(a: Analysis, pos: int) -> bool:
    if pos >= len(a.text):
        return True
    if a.text[pos] in NAME_BOUNDARY_PUNCT:
        return True
    rx = a.lex.regex("name-boundaries", list(a.lex.name_boundaries) + list(a.lex.speech_verbs) + list(a.lex.titles))
    return rx.match(a.text, pos) is not None


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
    if m and _boundary_at(a, m.end()):
        return m.end()
    m = TRANSLIT_NAME_RE.match(text, pos)
    if m and (text[pos] not in NAME_STOP_FIRST or text[pos + 1] == "·"):
        dot = text.index("·", pos)
        # 达拉·科斯罗萨西（Dara…): the whole name when punctuation ends it and no boundary word is inside
        if m.end() < len(text) and text[m.end()] in NAME_BOUNDARY_PUNCT and \
                not any(_boundary_at(a, end) for end in range(dot + 2, m.end())):
            return m.end()
        for end in range(dot + 2, m.end() + 1):  # 埃隆·马斯克表示 -> 埃隆·马斯克
            if _boundary_at(a, end):
                return end
    for length in (2, 3, 4):
        end = pos + length
        cand = text[pos:end]
        if len(cand) < length or not CJK_NAME_RE.fullmatch(cand):
            return None
        if length == 4 and cand[:2] not in a.lex.surnames:
            continue
        if _boundary_at(a, end) and looks_like_name(a, cand, strong):
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
            _cand(a, start, end, Kind.PERSON, a.text[start:end], 0.9, source="title+name")
    # 张明远，现任百度总经理: a sentence opening with a name and an appositive of office
    for m in APPOSITIVE_START_RE.finditer(a.text):
        if looks_like_name(a, m.group(1), strong=False):
            _cand(a, m.start(1), m.end(1), Kind.PERSON, m.group(1), 0.8, source="name+appositive")
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
            _cand(a, start, start + len(segment), Kind.PERSON, segment, 0.7, source="name+speech")


def _places(a: Analysis) -> None:
    rx = a.lex.regex("places", a.lex.places)
    for m in rx.finditer(a.text):
        s, e = m.start(), m.end()
        # a place must be a whole token or a run of tokens (北京 in 北京大学 comes out with the org)
        if a.token_index_at(s) is None:
            continue
        _cand(a, s, e, Kind.PLACE, m.group(), 0.85, source="lexicon")
    if a.ner_spans:
        return  # the tagger knows places far better than jieba's dictionary tags
    for t in a.tokens:
        # jieba's ns tag is noisy (满意度 is ns): only trust it for names with a place suffix
        if t.tag == "ns" and len(t.text) >= 2 and t.text[-1] in PLACE_SUFFIXES and t.text not in a.lex.organizations:
            _cand(a, t.start, t.end, Kind.PLACE, t.text, 0.6, source="jieba-ns")


PLACE_SUFFIXES = set("省市县区镇乡村州盟旗岛湾港")
STATISTICAL_KINDS = {"PERSON": Kind.PERSON, "ORGANIZATION": Kind.ORGANIZATION, "PLACE": Kind.PLACE}
STATISTICAL_CONFIDENCE = {Kind.PERSON: 0.75, Kind.ORGANIZATION: 0.7, Kind.PLACE: 0.7}
AGREEMENT_BONUS = 0.07
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
        if kind is None or _cuts_latin_word(a.text, start, end):
            continue  # a character tagger is unreliable inside Latin words (Flick|r, And|rew)
        if has_cjk_space(a.text[start:end]):
            continue  # two names run together (高洪浩 房宫一柳)
        repaired = repair_span(a, start, end, kind)
        if repaired is None:
            continue
        start, end = repaired
        if kind == Kind.ORGANIZATION:
            repaired = trim_organization(a, start, end)  # 阿里巴巴董事局|主席, 谷歌硅谷总部
            if repaired is None:
                continue
            start, end = repaired
        surface = a.text[start:end]
        if len(surface) < 2 or not re.search(rf"[{CJK}A-Za-z]", surface):
            continue
        if len(surface) < 2 and kind != Kind.PLACE:  # 中美, 访华: one-character places are common abbreviations
            continue
        if re.search(r"[，。；：！？、“”《》（）()\n]", surface):
            continue
        same = by_span.get((start, end, kind))
        if same is not None:
            same.confidence = min(0.97, same.confidence + AGREEMENT_BONUS)
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
            confidence = 0.9 if starts_here else STATISTICAL_CONFIDENCE[kind]
            _cand(a, start, end, kind, surface, confidence, source="tagger")
        elif kind == Kind.ORGANIZATION:
            if surface in a.lex.titles or surface in a.lex.places or _generic_span(a, start, end):
                continue
            # the suffix marks where a name ends, the tagger where it starts (历任|西钢集团公司)
            for c in [c for c in a._candidates if c.kind == Kind.ORGANIZATION and c.end == end and c.source == "suffix"]:
                a._candidates.remove(c)
            canonical, subtype = a.lex.organizations.get(surface, (surface, _suffix_subtype(a, surface)))
            _cand(a, start, end, kind, canonical, STATISTICAL_CONFIDENCE[kind], subtype, source="tagger")
        else:
            _cand(a, start, end, kind, surface, STATISTICAL_CONFIDENCE[kind], source="tagger")


def _generic_span(a: Analysis, start: int, end: int) -> bool:
    """科技公司, 北京公司, 初创公司: an organisation suffix with nothing proper before it."""
    surface = a.text[start:end]
    for k in range(min(len(surface), 6), 0, -1):
        suffix = surface[-k:]
        if suffix in a.lex.org_suffixes:
            if k == len(surface):
                return True
            subtype = a.lex.org_suffixes[suffix][0]
            return _is_generic(a, start, end - k, subtype, suffix) or surface[0] in NAME_STOP_FIRST
    return False


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


GENERIC_DETERMINERS = "该本我贵此其各两"  # 该公司, 本集团, 两家公司: the company talked about, not a name


def _generic_organization(a: Analysis, name: str) -> bool:
    """Whether ``name`` is only an organisation's form with no name before it (公司, 集团, 该公司, 两家银行).
    Such a word refers to an organisation the text names elsewhere ("亚马逊……但公司首席执行官贝索斯"): it is
    a mention (NER data sets such as Resume label 公司 and 本公司 so), but no entity of the graph, where it
    would become one node shared by every article that says "the company"."""
    stem = name.lstrip(GENERIC_DETERMINERS).removeprefix("家")
    return stem in a.lex.org_suffixes


def _suffix_subtype(a: Analysis, name: str) -> str | None:
    for k in range(min(len(name), 6), 0, -1):
        if name[-k:] in a.lex.org_suffixes:
            return a.lex.org_suffixes[name[-k:]][0]
    return None


KIND_PRIORITY = {Kind.WORK: 7, Kind.EVENT: 6, Kind.INITIATIVE: 5, Kind.BRAND: 5, Kind.PERSON: 4,
                 Kind.ORGANIZATION: 3, Kind.PLACE: 2}


def _resolve(a: Analysis) -> None:
    """One kind per string per document, every occurrence of a found name a mention, no overlaps."""
    best: dict[str, Mention] = {}
    for c in a._candidates:
        surface = a.text[c.start:c.end]
        cur = best.get(surface)
        if cur is None or (c.confidence, KIND_PRIORITY.get(c.kind, 0)) > (cur.confidence, KIND_PRIORITY.get(cur.kind, 0)):
            best[surface] = c
    # propagate: every occurrence of a surface form found anywhere in the document
    spans: list[Mention] = []
    for surface, c in best.items():
        pos = a.text.find(surface)
        while pos >= 0:
            spans.append(Mention(pos, pos + len(surface), c.kind, c.name, c.confidence, c.subtype, c.source))
            pos = a.text.find(surface, pos + 1)
    # longest first, then stronger kind; keep non-overlapping
    spans.sort(key=lambda m: (-(m.end - m.start), -KIND_PRIORITY.get(m.kind, 0), m.start))
    taken = [False] * (len(a.text) + 1)
    in_work = [False] * (len(a.text) + 1)
    found_at = {(c.start, c.end) for c in a._candidates}
    kept = []
    for m in spans:
        # a title in 《》 may name people and places inside it: works overlap other mentions, not each other
        if m.kind == Kind.WORK:
            if not any(in_work[m.start:m.end]):
                in_work[m.start:m.end] = [True] * (m.end - m.start)
                kept.append(m)
            continue
        if any(taken[m.start:m.end]):
            continue
        if m.kind == Kind.PERSON and (m.start, m.end) not in found_at and not _person_boundaries_ok(a, m):
            continue
        for i in range(m.start, m.end):
            taken[i] = True
        kept.append(m)
    kept.sort(key=lambda m: m.start)
    a.mentions = kept
    # 快品牌 inside the item 大搞快品牌 is an initiative of its own: keep it as a nested mention
    nested = [c for c in a._candidates if c.source == "programme-object"
              and not any(k.start == c.start and k.end == c.end for k in kept)]
    for c in nested:
        a.entities[c.ref].mentions.append((c.start, c.end))
    used = {m.ref for m in kept} | {c.ref for c in nested}
    # entities never mentioned after resolution (a string resolved to another kind) are dropped
    for ref in list(a.entities):
        if ref not in used and ref[0] in KIND_PRIORITY:
            del a.entities[ref]
    for m in kept:
        a.entities[m.ref].mentions.append((m.start, m.end))


def _person_boundaries_ok(a: Analysis, m: Mention) -> bool:
    """A propagated person name must not be the middle of a longer word (张三丰 is not 张三)."""
    before = a.text[m.start - 1] if m.start else ""
    after = a.text[m.end] if m.end < len(a.text) else ""
    glued_after = bool(re.match(rf"[{CJK}]", after)) and not _boundary_at(a, m.end)
    glued_before = bool(re.match(rf"[{CJK}]", before)) and not (
        a.lex.regex("titles-end", [t[::-1] for t in a.lex.titles]).match(a.text[max(0, m.start - 12):m.start][::-1])
        or before in "和与及、跟同对向给被让请把"
        or _ends_with_org_or_boundary(a, m.start))
    return not (glued_after and glued_before) and not (glued_after and len(m.name) == 2 and after in "们家")


def _ends_with_org_or_boundary(a: Analysis, pos: int) -> bool:
    window = a.text[max(0, pos - 6):pos]
    return any(window.endswith(w) for w in a.lex.name_boundaries) or any(window.endswith(w) for w in a.lex.speech_verbs)


def _roles(a: Analysis) -> None:
    rx = a.lex.regex("titles", a.lex.titles)
    for m in rx.finditer(a.text):
        if _title_on_token_boundary(a, m.start(), m.end()):
            a.roles.append(Mention(m.start(), m.end(), Kind.ROLE, m.group(), 0.8, source="lexicon"))
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
        a.roles.append(Mention(start, end, Kind.ROLE, title, 0.85 if inside else 0.7, source="tagger"))
    a.roles.sort(key=lambda m: m.start)


# ---------------------------------------------------------------------------------------------
# Relations
# ---------------------------------------------------------------------------------------------
def analyse_relations(a: Analysis) -> None:
    byline_positions(a)
    _memberships(a)
    _appositive_after_name(a)
    _offices_of_subject(a)
    _founded_by_verb(a)
    _sub_organizations(a)
    _aliases(a)
    _proposals(a)
    _events(a)
    _statements(a)
    _figures(a)
    # entities a fact refers to but no mention covers (roles, derived names) keep their evidence via the fact


def _org_like(m: Mention) -> bool:
    return m.kind in (Kind.ORGANIZATION, Kind.BRAND)


def _title_head(a: Analysis, segment: str) -> str | None:
    """The lexicon title that ends ``segment`` (longest), e.g. 负责人 for KA品牌运营负责人."""
    for k in range(min(len(segment), 12), 0, -1):
        if segment[-k:] in a.lex.titles:
            return segment[-k:]
    return None


TITLE_MODIFIER_TAGS = NAME_LIKE_TAGS | {"b"}
TITLE_MODIFIER_WORDS = {"执行", "独立", "非执行", "联合", "兼职", "代理"}
TITLE_INNER_CONJUNCTIONS = {"与", "和", "及"}


def _trim_title(a: Analysis, lo: int, head_start: int, end: int) -> str:
    """The head title with the modifiers before it (KA品牌运营负责人), not the clause around it
    (传闻却变成了公司创始人 -> 公司创始人; 某知名火锅品牌营销总监 -> 火锅品牌营销总监)."""
    pos = head_start
    i = a.token_ending_at(head_start)
    while i is not None and i >= 0 and a.tokens[i].start >= lo:
        t = a.tokens[i]
        if not re.search(rf"[{CJK}A-Za-z0-9]", t.text):
            break
        if not (t.tag in TITLE_MODIFIER_TAGS or t.text in TITLE_MODIFIER_WORDS or t.text in TITLE_INNER_CONJUNCTIONS):
            break
        if t.text in a.lex.organizations or t.text in a.lex.places:
            break  # 美国总统 -> 总统: the country is where, not part of the title
        pos = t.start
        i -= 1
    while pos < head_start and a.text[pos] in "与和及的":
        pos += 1
    return a.text[pos:end].strip(" ：:")


def _parse_chain(a: Analysis, start: int, end: int) -> list[dict]:
    """Parse “快手高级副总裁、快手电商业务负责人” into [(org, title, former, pos)] segments.

    Segments are separated by 、 兼 及; a segment without an organisation inherits the previous one's
    when joined by 兼 (董事长兼CEO) or 、.
    """
    results = []
    pieces = []
    seg_start = start
    for i in range(start, end + 1):
        if i == end or (a.text[i] in "、兼及" and not a._in_quote[i]):
            if i > seg_start:
                pieces.append((seg_start, i))
            seg_start = i + 1
    prev_org: Mention | None = None
    for s, e in pieces:
        segment = a.text[s:e]
        head = _title_head(a, segment)
        if not head:
            prev_org = None
            continue
        orgs = [m for m in a.mentions if m.start >= s and m.end <= e - len(head) and _org_like(m)]
        org = orgs[-1] if orgs else None
        inherited = False
        if org is None and prev_org is not None:
            org, inherited = prev_org, True
        title_start = org.end if (org and not inherited) else s
        title = _trim_title(a, title_start, e - len(head), e)
        former = False
        if title[:1] in ("前", "原") and title[1:] in a.lex.titles:
            former = True
        else:
            # 原百度总裁, 曾任百度总裁, 百度前总裁: a former marker as a whole token before the org or the title;
            # the title is kept as written with 前/原 (原总裁), the annotation guide's form
            org_start = org.start if org and not inherited else s
            for pos in (org_start, e - len(title)):
                t = a.token_ending_at(pos)
                marker = a.tokens[t].text if t is not None else ""
                if marker in FORMER_MARKERS or a.text[pos - 1:pos] == "原":
                    former = True
                    if marker in ("前", "原") or a.text[pos - 1:pos] == "原":
                        title = a.text[pos - 1] + title
        if not title or len(title) > 16 or re.search(r"[，。；\s]", title):
            continue
        results.append({"org": org, "title": title, "head": head, "former": former, "inherited": inherited})
        prev_org = org
    return results


def _memberships(a: Analysis) -> None:
    for p in [m for m in a.mentions if m.kind == Kind.PERSON]:
        # CEO Tim Cook; 担任普思资本首席运营官的何志坚
        chain_end = p.start - 1 if a.text[p.start - 1:p.start] in (" ", "的") else p.start
        if _title_head(a, a.text[max(0, chain_end - 12):chain_end]) is None:
            continue  # the chain ends right before the name with a title
        cstart = a.clause_start(p.start, extra="“”")
        for seg in _parse_chain(a, cstart, chain_end):
            _emit_position(a, p, seg, p.start)


def _emit_position(a: Analysis, p: Mention, seg: dict, pos: int) -> None:
    org, title, head = seg["org"], seg["title"], seg["head"]
    flags = a.lex.titles.get(head, frozenset())
    conf = 0.85 if org and not seg["inherited"] else 0.75
    role = (Kind.ROLE, title)
    a.add_entity(Kind.ROLE, title, conf)
    if org is None and "person" not in flags and title == head:
        # a bare 董事长/创始人 speaks of the organisation the sentence (or, for a founder, the one before) is about
        org = _sentence_org_before(a, p.start) or ("founder" in flags and _previous_sentence_org(a, p.start)) or None
        conf = 0.6
    if org is None:
        a.add_fact(Rel.JOB_TITLE, p.ref, role, pos, conf, title=title, former=seg["former"])
        return
    a.add_fact(Rel.MEMBER_OF, p.ref, org.ref, pos, conf, title=title, former=seg["former"])
    if seg["former"]:
        return
    if "head" in flags and "head" in a.lex.titles.get(title, frozenset()) and "deputy" not in flags:
        a.add_fact(Rel.HEAD_OF, p.ref, org.ref, pos, conf - 0.05)
    if "founder" in flags:
        a.add_fact(Rel.FOUNDED, p.ref, org.ref, pos, conf)


def _sentence_org_before(a: Analysis, pos: int) -> Mention | None:
    s, _ = a.sentence_of(pos)
    orgs = [m for m in a.mentions_in(s, pos) if _org_like(m)]
    return orgs[-1] if orgs else None


def _previous_sentence_org(a: Analysis, pos: int) -> Mention | None:
    """创始人X at the start of a sentence names the founder of what the sentence before was about."""
    s, _ = a.sentence_of(pos)
    if a.text[s:pos].strip("　 \n") not in a.lex.titles:
        return None
    prev = a.sentence_of(s - 1) if s > 0 else None
    if not prev:
        return None
    cands = [m for m in a.mentions if prev[0] <= m.start < prev[1] and _org_like(m)]
    brands = [m for m in cands if m.kind == Kind.BRAND]
    return (brands or cands or [None])[-1]


_APPOSITIVE_RE = re.compile(r"[，,（(]\s*(现任|时任|担任|曾任|原|系|为)?")


def _appositive_after_name(a: Analysis) -> None:
    """张三，现任X公司总经理 / 张三（X公司董事长） / 张三担任X的CEO."""
    for p in [m for m in a.mentions if m.kind == Kind.PERSON]:
        m = _APPOSITIVE_RE.match(a.text, p.end)
        verb = None
        if m:
            seg_start = m.end()
            marker = m.group(1)
        else:
            vm = re.match(r"(出任|担任|升任|兼任|就任|接任)", a.text[p.end:p.end + 2])
            if not vm:
                continue
            seg_start, marker, verb = p.end + 2, vm.group(1), vm.group(1)
        seg_end = seg_start
        while seg_end < len(a.text) and a.text[seg_end] not in "，。；）)\n" and seg_end - seg_start < 30:
            seg_end += 1
        chain = _parse_chain(a, seg_start, seg_end)
        if not chain or (m and not marker and a.text[p.end] in "，,"):
            continue  # 张三，X公司董事长 without 现任/担任 is too often a list
        for seg in chain:
            if seg["org"] is None and not verb:
                continue
            if marker in ("曾任", "原"):
                seg = dict(seg, former=True)
            _emit_position(a, p, seg, p.end)


OFFICE_VERBS_RE = re.compile(r"(现任|曾任|历任|先后任|先后担任|曾担任|担任|出任|兼任|任)")
FORMER_OFFICE_VERBS = ("曾任", "历任", "先后任", "先后担任", "曾担任")


def _offices_of_subject(a: Analysis) -> None:
    """文明远，男，1962年出生，现任X公司董事长、总经理，曾任Y公司总裁: offices of the sentence's subject."""
    for s, e in a.sentences:
        people = [m for m in a.mentions if s <= m.start < e and m.kind == Kind.PERSON]
        if not people or people[0].start - s > 2:
            continue
        subject = people[0]
        # 陈明远，1968年出生，武汉某某股份有限公司董事长，…: a clause that is an organisation and a title
        for cm in re.finditer(r"[，,]([^，,。；]{3,40})(?=[，,。；]|$)", a.text[subject.end:e]):
            cs, ce = subject.end + cm.start(1), subject.end + cm.end(1)
            if any(cs <= m.start < ce for m in people[1:]) or OFFICE_VERBS_RE.match(a.text, cs):
                continue
            chain = _parse_chain(a, cs, ce)
            if chain and all(seg["org"] is not None for seg in chain) and _title_head(a, a.text[cs:ce]):
                orgs = [m for m in a.mentions_in(cs, ce) if _org_like(m)]
                if orgs and orgs[0].start - cs <= 1:
                    for seg in chain:
                        _emit_position(a, subject, seg, subject.start)
        for vm in OFFICE_VERBS_RE.finditer(a.text, subject.end, e):
            if a._in_quote[vm.start()] or a.token_index_at(vm.start()) is None:
                continue
            if vm.group() == "任" and a.token_ending_at(vm.end()) is None:
                continue  # 任务, 任何
            if any(subject.end <= m.start < vm.start() for m in people[1:]):
                break  # another person has become the subject
            seg_end = vm.end()
            while seg_end < e and a.text[seg_end] not in "，。；;,\n" and seg_end - vm.end() < 40:
                seg_end += 1
            for seg in _parse_chain(a, vm.end(), seg_end):
                if seg["org"] is None:
                    continue
                if vm.group() in FORMER_OFFICE_VERBS:
                    seg = dict(seg, former=True)
                _emit_position(a, subject, seg, subject.start)


def _founded_by_verb(a: Analysis) -> None:
    """张三创办了X公司 / 张三与李四一起创立了X / 由张三创办的X / 主播X推出的快品牌“Y” (launching a brand)."""
    for vm in re.finditer("|".join(FOUND_VERBS + ("推出",)), a.text):
        verb = vm.group()
        cs, ce = a.clause_start(vm.start()), a.clause_end(vm.end())
        founders = [m for m in a.mentions_in(cs, vm.start(), (Kind.PERSON,))]
        if not founders or vm.start() - founders[-1].end > 8:
            continue
        targets = [m for m in a.mentions_in(vm.end(), ce) if _org_like(m)]
        if verb == "推出":
            targets = [m for m in targets if m.kind == Kind.BRAND]
            founders = founders[-1:]
        elif not targets and a.text[max(cs, founders[0].start - 1):founders[0].start] == "由":
            s, _ = a.sentence_of(cs)
            targets = [m for m in a.mentions_in(s, founders[0].start) if _org_like(m)][:1]  # X公司由张三创办
        if not targets:
            continue
        conf = 0.75 if verb != "推出" else 0.6
        for p in founders:
            a.add_fact(Rel.FOUNDED, p.ref, targets[0].ref, p.start, conf)


def _sub_organizations(a: Analysis) -> None:
    for unit, parent in a.parents.items():
        ref = (Kind.ORGANIZATION, unit)
        if ref not in a.entities or not a.entities[ref].mentions:
            continue
        parent_ref = (Kind.ORGANIZATION, parent)
        a.add_entity(Kind.ORGANIZATION, parent, 0.8)
        first = a.entities[ref].mentions[0][0]
        a.add_fact(Rel.SUB_ORGANIZATION_OF, ref, parent_ref, first, 0.8)
    sub_organizations(a)


def _aliases(a: Analysis) -> None:
    for m in ALIAS_RE.finditer(a.text):
        alias = m.group(1).strip()
        prev = [x for x in a.mentions if x.end <= m.start() and m.start() - x.end <= 2 and x.kind != Kind.PERSON]
        if prev and alias:
            a.entities[prev[-1].ref].aliases.add(alias)


def _proposer_before(a: Analysis, pos: int) -> Mention | None:
    """The organisation or person that is the subject of the clause chain before ``pos``."""
    s, _ = a.sentence_of(pos)
    cands = [m for m in a.mentions if s <= m.start and m.end <= pos and m.kind in (Kind.ORGANIZATION, Kind.PERSON)]
    return cands[-1] if cands else None


def _proposals(a: Analysis) -> None:
    lex = a.lex
    seen = set()
    for m in a.mentions:
        if m.kind != Kind.INITIATIVE or (m.name, a.sentence_of(m.start)) in seen:
            continue
        if a.text[m.end:m.end + 1] == "“":
            continue  # 品牌“某某”: here the term names the category of what follows
        s, _ = a.sentence_of(m.start)
        # the quote may open before the mention (items of a list inside one quote)
        qstart = next((qs for qs, qe in a.quotes if qs <= m.start < qe + 1), m.start)
        before = a.text[s:qstart]
        verb_pos = max((before.rfind(v) for v in lex.proposal_verbs), default=-1)
        if verb_pos >= 0:
            who = _proposer_before(a, s + verb_pos)
            conf = 0.8
        else:
            who = _proposer_before(a, qstart)
            conf = 0.5
            if who and a.text[who.end:qstart].strip("“此前的 ") not in ("",):
                who = None
        if who is None:
            continue
        seen.add((m.name, a.sentence_of(m.start)))
        a.add_fact(Rel.PROPOSED_BY, m.ref, who.ref, m.start, conf)


def _events(a: Analysis) -> None:
    for m in a.mentions:
        if m.kind != Kind.EVENT:
            continue
        s, e = a.sentence_of(m.start)
        sentence = a.text[s:e]
        host = next((v for v in EVENT_HOST_VERBS if v in a.text[s:m.start]), None)
        if host:
            vpos = s + a.text[s:m.start].rfind(host)
            who = [x for x in a.mentions if s <= x.start and x.end <= vpos and x.kind in (Kind.ORGANIZATION, Kind.PERSON)]
            if who:
                a.add_fact(Rel.ORGANIZER, m.ref, who[-1].ref, m.start, 0.8)
            where = [x for x in a.mentions if s <= x.start and x.end <= vpos and x.kind == Kind.PLACE
                     and a.text[x.start - 1:x.start] in ("在", "于")]
            if where:
                a.add_fact(Rel.LOCATION, m.ref, where[-1].ref, m.start, 0.8)
        dates = [d for d in a.dates if s <= d.start < m.start and d.is_full_date]
        if dates:
            ent = a.entities[m.ref]
            ent.props.setdefault("start_date", dates[-1].value)
            ent.props.setdefault("date_evidence", [s, e])
        theme = re.search(r"以“([^”]{2,40})”为主题", sentence)
        if theme:
            a.entities[m.ref].props.setdefault("theme", theme.group(1))
    # a theme stated in the sentence after the event (此次大会以“…”为主题)
    for tm in re.finditer(r"以“([^”]{2,40})”为主题", a.text):
        prev_events = [x for x in a.mentions if x.kind == Kind.EVENT and x.start < tm.start()]
        if prev_events and a.sentence_index(tm.start()) - a.sentence_index(prev_events[-1].start) <= 1:
            a.entities[prev_events[-1].ref].props.setdefault("theme", tm.group(1))


def _statements(a: Analysis) -> None:
    rx = a.lex.regex("speech", a.lex.speech_verbs)
    for p in [m for m in a.mentions if m.kind == Kind.PERSON]:
        s, e = a.sentence_of(p.start)
        after = a.text[p.end:e]
        adverbs = ADVERBS_AFTER_NAME.match(after)
        vm = rx.match(after, adverbs.end())
        if not vm:
            continue
        verb = vm.group()
        said_start = p.end + vm.end()
        while said_start < e and a.text[said_start] in "，,：: 道":
            said_start += 1
        said = a.text[said_start:e].rstrip("。！？\n ")
        if said.startswith("“") and said.endswith("”"):
            said = said[1:-1].rstrip("。！？")
        if len(said) < 4:
            before = a.text[s:p.start].strip()
            if before.startswith("“") and "”" in before:
                said = before[1:before.rindex("”")]
        if len(said) < 4:
            continue
        stmt = Entity(Kind.STATEMENT, said[:60], confidence=0.8,
                      props={"key": f"{a.doc_id}#{said_start}", "text": said, "verb": verb})
        a.entities[stmt.ref] = stmt
        a.facts.append(Fact(Rel.SPEAKER, stmt.ref, p.ref, a.evidence(p.start, 0.8), {"verb": verb}))


def _figures(a: Analysis) -> None:
    date_spans = [(d.start, d.end) for d in a.dates]
    for m in FIGURE_RE.finditer(a.text):
        if not (m.group("pct") or m.group("unit") or m.group("mult")):
            continue
        s, e = m.start(), m.end()
        if any(ds <= s < de for ds, de in date_spans) or (e < len(a.text) and a.text[e] in "年月日号季"):
            continue
        if s > 0 and (a.text[s - 1].isalnum() and a.text[s - 1].isascii()):
            continue
        value = float(m.group("num").replace(",", "")) * MULTIPLIERS.get(m.group("mult") or "", 1)
        unit = "%" if m.group("pct") else (m.group("unit") or "")
        cs = a.clause_start(s)
        measure_text = a.text[cs:s]
        subjects = _figure_subjects(a, s)
        measure = measure_text
        if subjects and subjects[-1].start >= cs:
            measure = a.text[subjects[-1].end:s]
        measure = re.sub(r"^[的在了，“”]+|(达到|达|超过|超|高达|增长至|增长|提升至|提升|下降|降至|为|是|约|近|逾|突破|同比|环比|的)+$", "", measure).strip()
        if unit == "%":
            value = value / 100
        ent = Entity(Kind.FIGURE, m.group(), confidence=0.7, mentions=[(s, e)],
                     props={"key": f"{a.doc_id}#{s}", "value": value, "unit": unit, "measure": measure or None})
        a.entities[ent.ref] = ent
        if subjects:
            a.facts.append(Fact(Rel.MEASURES, ent.ref, subjects[-1].ref, a.evidence(s, 0.5)))


def _figure_subjects(a: Analysis, pos: int) -> list[Mention]:
    """What a figure measures: an organisation or brand of its sentence, else of the sentence before, else a person."""
    s, _ = a.sentence_of(pos)
    same = a.mentions_in(s, pos)
    orgs = [x for x in same if _org_like(x)]
    if orgs:
        return orgs
    if s > 0:
        ps, pe = a.sentence_of(s - 1)
        prev = [x for x in a.mentions_in(ps, pe) if _org_like(x)]
        if prev:
            return prev
    return [x for x in same if x.kind == Kind.PERSON]


def entities_for_output(a: Analysis) -> list[Entity]:
    """Every entity with a mention or a fact, but for generic organisations (:func:`_generic_organization`),
    subtypes filled in, deterministic order."""
    used = {f.subject for f in a.facts} | {f.object for f in a.facts}
    generic = _generic_targets(a)
    out = []
    for ref, ent in a.entities.items():
        if not ent.mentions and ref not in used:
            continue
        if ref in generic:
            continue
        if ent.kind == Kind.ORGANIZATION and not ent.subtype:
            ent.subtype = OrgType.COMPANY
        ent.mentions.sort()
        out.append(ent)
    return out


def facts_for_output(a: Analysis) -> list[Fact]:
    """The facts, those about a generic organisation (公司) moved to the organisation the text declares it
    stands for (X股份有限公司（以下简称“公司”）), or left out when it declares none."""
    generic = _generic_targets(a)
    out = []
    for fact in a.facts:
        subject, obj = generic.get(fact.subject, fact.subject), generic.get(fact.object, fact.object)
        if subject is None or obj is None or subject == obj:
            continue
        if (subject, obj) != (fact.subject, fact.object):
            fact = dataclasses.replace(fact, subject=subject, object=obj)
        out.append(fact)
    return out


def _generic_targets(a: Analysis) -> dict[EntityRef, EntityRef | None]:
    """Each generic organisation of the analysis -> the one organisation that has its name as a declared
    alias, else None."""
    generic = {ref for ref, ent in a.entities.items()
               if ent.kind == Kind.ORGANIZATION and _generic_organization(a, ent.name)}
    targets: dict[EntityRef, EntityRef | None] = {}
    for ref in generic:
        owners = [other for other, ent in a.entities.items()
                  if other not in generic and ent.kind == Kind.ORGANIZATION and ref[1] in ent.aliases]
        targets[ref] = owners[0] if len(owners) == 1 else None
    return targets