"""Sub-organisations: units and subsidiaries the text states (旗下, 子公司, 母公司) or the name shows
(腾讯量子实验室 of 腾讯, 百世集团广东分公司 of 百世集团, 天猫国际 of 天猫)."""
from __future__ import annotations

import re

from ..model import Kind, Rel
from . import confidence as C

# X旗下(的)(descriptor)Y, X的(全资)子公司Y, X控股的Y: Y is a unit of X
_CHILD_AFTER = re.compile(r"(?:旗下|的(?:全资|控股)?子公司|(?:全资|控股)子公司|下属(?:的)?|控股的|孵化的)")
# Y（X(的)全资子公司） / Y是X(旗下)(的)(全资)子公司: Y is a unit of X
_PARENT_AFTER = re.compile(r"(?:是|为|系)?$")
_SUBSIDIARY_WORDS = ("全资子公司", "控股子公司", "子公司", "旗下公司", "旗下企业", "分公司", "附属公司")
# X母公司Y / X的母公司Y: X is a unit of Y
_PARENT_WORD = re.compile(r"的?母公司")
MAX_DESCRIPTOR = 12   # 旗下香港上市公司恒大健康: the words between the cue and the unit's name
LIST_SEPARATORS = "、和及与"
# what follows a name without making a unit of it (乐视网子公司, FF全球, 谷歌母公司)
NOT_UNIT_WORDS = {"子公司", "母公司", "关联公司", "全球", "公关", "支付", "方面", "官方", "系", "系基金", "内部", "总部",
                  "员工", "团队", "投资方", "股东", "研究", "旗下"}


def _orgs(a):
    return [m for m in a.mentions if m.kind in (Kind.ORGANIZATION, Kind.BRAND)]


def _same_entity(a, x, y) -> bool:
    return x.ref == y.ref or a.text[x.start:x.end] in a.entities[y.ref].aliases or \
        a.text[y.start:y.end] in a.entities[x.ref].aliases


def _plain_between(a, start: int, end: int, limit: int) -> bool:
    gap = a.text[start:end]
    return len(gap) <= limit and not re.search(r"[，。；：！？,;:!?\n“”（）()]", gap)


def stated_units(a, emit) -> None:
    """旗下, 子公司, 母公司 and （X全资子公司）: each unit with its parent."""
    orgs = _orgs(a)
    for i, parent in enumerate(orgs):
        cue = _CHILD_AFTER.match(a.text, parent.end)
        if not cue:
            continue
        # the first organisation after the cue, then the ones listed with it (旗下的A、B和C)
        prev_end = None
        for child in orgs[i + 1:]:
            if prev_end is None:
                if not _plain_between(a, cue.end(), child.start, MAX_DESCRIPTOR):
                    break
            elif not (child.start - prev_end <= 1 and a.text[prev_end:child.start] in LIST_SEPARATORS
                      or a.text[prev_end:child.start] in ("", )):
                break
            if child.kind == Kind.ORGANIZATION and not _same_entity(a, parent, child):
                emit(child, parent, child.start, C.STATED_UNIT if prev_end is None else C.LISTED_UNIT)
            prev_end = child.end
    for i, child in enumerate(orgs):
        # Y（X全资子公司） / Y（X旗下公司）
        m = re.match(r"[（(]([^（）()]{2,30})[）)]", a.text[child.end:child.end + 32])
        if m and m.group(1).endswith(_SUBSIDIARY_WORDS):
            inner_start = child.end + 1
            parents = [p for p in orgs if inner_start <= p.start and p.end <= child.end + m.end(1)]
            if parents and not _same_entity(a, parents[0], child):
                emit(child, parents[0], child.start, C.STATED_UNIT)
        # Y是X(的)(全资)子公司
        m = re.match(r"(?:是|为|系|作为)", a.text[child.end:child.end + 2])
        if m:
            after = [p for p in orgs[i + 1:i + 2] if _plain_between(a, child.end, p.start, 4)]
            if after and re.match(r"(?:旗下|的)?(?:全资|控股)?(?:子公司|附属公司|分公司)", a.text[after[0].end:after[0].end + 8]) \
                    and not _same_entity(a, after[0], child):
                emit(child, after[0], child.start, C.STATED_UNIT)
        # X(的)母公司Y: X is the unit
        m = _PARENT_WORD.match(a.text, child.end)
        if m:
            nxt = [p for p in orgs[i + 1:i + 2] if p.start - m.end() <= 1]
            if nxt and not _same_entity(a, nxt[0], child):
                emit(child, nxt[0], child.start, C.STATED_UNIT)


def named_units(a, emit) -> None:
    """A unit whose name starts with another organisation's name: 腾讯量子实验室, 天猫国际, 宝马北美, FF中国.
    Legal forms (阿里巴巴集团 of 阿里巴巴) are the same organisation, not a unit."""
    names: dict[str, tuple] = {}
    for m in _orgs(a):
        if m.kind != Kind.ORGANIZATION:
            continue
        ent = a.entities[m.ref]
        for form in {a.text[m.start:m.end], ent.name, *ent.aliases}:
            if len(form) >= 2:
                names.setdefault(form, m.ref)
    seen = set()
    for m in _orgs(a):
        if m.kind != Kind.ORGANIZATION or m.ref in seen:
            continue
        seen.add(m.ref)
        surface = a.text[m.start:m.end]
        for k in range(len(surface) - 1, 1, -1):
            parent = names.get(surface[:k])
            if parent is None or parent == m.ref:
                continue
            rest = surface[k:]
            if _legal_form(a, rest) or rest in a.entities[parent].aliases or rest in NOT_UNIT_WORDS:
                break
            if rest[0].isascii() and rest[0].isalnum() and surface[k - 1].isascii():
                continue  # LVMH is not a unit of LV
            if any(rest.startswith(n) for n in names if len(n) >= 2 and n not in a.lex.org_suffixes):
                break  # 恒大法拉第未来: two names joined, not a unit
            if len(rest) < 2 and not rest.isascii():
                break
            if m.ref[1] in a.entities[parent].aliases or surface in a.entities[parent].aliases:
                break
            emit(m, a.entities[parent], m.start, C.NAMED_UNIT)
            break


def _legal_form(a, rest: str) -> bool:
    """集团, 股份有限公司, 控股, (中国)有限公司: the same organisation's legal name."""
    rest = re.sub(r"^[（(][^）)]{1,6}[）)]", "", rest)
    if not rest:
        return True
    for k in range(len(rest), 0, -1):
        head = rest[:k]
        if head in a.lex.org_suffixes and a.lex.org_suffixes[head][1] == "legal":
            return _legal_form(a, rest[k:]) if k < len(rest) else True
    return rest in ("股份", "公司", "集团", "控股", "科技", "网络", "技术")


def sub_organizations(a) -> None:
    """Every unit the text states or the name shows, each once."""
    done = set()

    def emit(child, parent, pos: int, confidence: float) -> None:
        key = (child.ref, parent.ref)
        if key in done or child.ref == parent.ref:
            return
        done.add(key)
        a.add_fact(Rel.SUB_ORGANIZATION_OF, child.ref, parent.ref, pos, confidence)

    stated_units(a, emit)
    named_units(a, emit)
