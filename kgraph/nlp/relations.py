"""Relation extraction: the passes that find facts (positions, founders, sub-organisations, aliases,
proposals, events, statements, figures) between the mentions of an :class:`~kgraph.nlp.analysis.Analysis`."""
from __future__ import annotations

import re

from ..model import Entity, Fact, Kind, Rel
from . import confidence as C
from .analysis import Analysis, Mention
from .patterns import (CJK, ADVERBS_AFTER_NAME, NAME_LIKE_TAGS, FORMER_MARKERS, ALIAS_RE, FOUND_VERBS,
                       EVENT_HOST_VERBS, SUBSIDIARY_CUES, FIGURE_RE, MULTIPLIERS)


def analyse_relations(a: Analysis) -> None:
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
        if t.text in a.lex.organizations or t.text in a.lex.places and pos != head_start:
            break
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
            title, former = title[1:], True
        else:
            # 原百度总裁, 曾任百度总裁, 百度前总裁: a former marker as a whole token before the org or the title
            org_start = org.start if org and not inherited else s
            for pos in (org_start, e - len(title)):
                t = a.token_ending_at(pos)
                if t is not None and a.tokens[t].text in FORMER_MARKERS or a.text[pos - 1:pos] == "原":
                    former = True
        if not title or len(title) > 16 or re.search(r"[，。；\s]", title):
            continue
        results.append({"org": org, "title": title, "head": head, "former": former, "inherited": inherited})
        prev_org = org
    return results


def _memberships(a: Analysis) -> None:
    for p in [m for m in a.mentions if m.kind == Kind.PERSON]:
        chain_end = p.start - 1 if a.text[p.start - 1:p.start] == " " else p.start  # CEO Tim Cook
        if _title_head(a, a.text[max(0, chain_end - 12):chain_end]) is None:
            continue  # the chain ends right before the name with a title
        cstart = a.clause_start(p.start, extra="“”")
        for seg in _parse_chain(a, cstart, chain_end):
            _emit_position(a, p, seg, p.start)


def _emit_position(a: Analysis, p: Mention, seg: dict, pos: int) -> None:
    org, title, head = seg["org"], seg["title"], seg["head"]
    flags = a.lex.titles.get(head, frozenset())
    conf = C.POSITION if org and not seg["inherited"] else C.INHERITED_POSITION
    role = (Kind.ROLE, title)
    a.add_entity(Kind.ROLE, title, conf)
    if org is None and "person" not in flags and title == head:
        # a bare 董事长/创始人 speaks of the organisation the sentence (or, for a founder, the one before) is about
        org = _sentence_org_before(a, p.start) or ("founder" in flags and _previous_sentence_org(a, p.start)) or None
        conf = C.BARE_TITLE_POSITION
    if org is None:
        a.add_fact(Rel.JOB_TITLE, p.ref, role, pos, conf, title=title, former=seg["former"])
        return
    a.add_fact(Rel.MEMBER_OF, p.ref, org.ref, pos, conf, title=title, former=seg["former"])
    if seg["former"]:
        return
    if "head" in flags and "head" in a.lex.titles.get(title, frozenset()) and "deputy" not in flags:
        a.add_fact(Rel.HEAD_OF, p.ref, org.ref, pos, conf - C.HEAD_OF_DISCOUNT)
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
        conf = C.FOUNDED_BY_VERB if verb != "推出" else C.LAUNCHED_BY
        for p in founders:
            a.add_fact(Rel.FOUNDED, p.ref, targets[0].ref, p.start, conf)


def _sub_organizations(a: Analysis) -> None:
    for unit, parent in a.parents.items():
        ref = (Kind.ORGANIZATION, unit)
        if ref not in a.entities or not a.entities[ref].mentions:
            continue
        parent_ref = (Kind.ORGANIZATION, parent)
        a.add_entity(Kind.ORGANIZATION, parent, C.SUB_ORGANIZATION)
        first = a.entities[ref].mentions[0][0]
        a.add_fact(Rel.SUB_ORGANIZATION_OF, ref, parent_ref, first, C.SUB_ORGANIZATION)
    orgs = [m for m in a.mentions if _org_like(m)]
    for i, m in enumerate(orgs[:-1]):
        nxt = orgs[i + 1]
        between = a.text[m.end:nxt.start]
        if between in SUBSIDIARY_CUES and nxt.kind == Kind.ORGANIZATION:
            a.add_fact(Rel.SUB_ORGANIZATION_OF, nxt.ref, m.ref, m.start, C.SUB_ORGANIZATION)


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
            conf = C.PROPOSAL_WITH_VERB
        else:
            who = _proposer_before(a, qstart)
            conf = C.PROPOSAL_NEAREST_NAME
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
                a.add_fact(Rel.ORGANIZER, m.ref, who[-1].ref, m.start, C.ORGANIZER)
            where = [x for x in a.mentions if s <= x.start and x.end <= vpos and x.kind == Kind.PLACE
                     and a.text[x.start - 1:x.start] in ("在", "于")]
            if where:
                a.add_fact(Rel.LOCATION, m.ref, where[-1].ref, m.start, C.EVENT_LOCATION)
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
        stmt = Entity(Kind.STATEMENT, said[:60], confidence=C.STATEMENT,
                      props={"key": f"{a.doc_id}#{said_start}", "text": said, "verb": verb})
        a.entities[stmt.ref] = stmt
        a.facts.append(Fact(Rel.SPEAKER, stmt.ref, p.ref, a.evidence(p.start, C.STATEMENT), {"verb": verb}))


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
        ent = Entity(Kind.FIGURE, m.group(), confidence=C.FIGURE, mentions=[(s, e)],
                     props={"key": f"{a.doc_id}#{s}", "value": value, "unit": unit, "measure": measure or None})
        a.entities[ent.ref] = ent
        if subjects:
            a.facts.append(Fact(Rel.MEASURES, ent.ref, subjects[-1].ref, a.evidence(s, C.FIGURE_SUBJECT)))


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


