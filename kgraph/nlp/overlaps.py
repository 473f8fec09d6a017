"""Overlap resolution, the last step of entity recognition: one kind per string per document, every
occurrence of a found name a mention, no two mentions overlapping (works in 《》 excepted)."""
from __future__ import annotations

import re

from ..model import Kind
from .analysis import Analysis, Mention, boundary_at
from .patterns import CJK


KIND_PRIORITY = {Kind.WORK: 7, Kind.EVENT: 6, Kind.INITIATIVE: 5, Kind.BRAND: 5, Kind.PERSON: 4,
                 Kind.ORGANIZATION: 3, Kind.PLACE: 2}


def resolve_overlaps(a: Analysis) -> None:
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
    glued_after = bool(re.match(rf"[{CJK}]", after)) and not boundary_at(a, m.end)
    glued_before = bool(re.match(rf"[{CJK}]", before)) and not (
        a.lex.regex("titles-end", [t[::-1] for t in a.lex.titles]).match(a.text[max(0, m.start - 12):m.start][::-1])
        or before in "和与及、跟同对向给被让请把"
        or _ends_with_org_or_boundary(a, m.start))
    return not (glued_after and glued_before) and not (glued_after and len(m.name) == 2 and after in "们家")


def _ends_with_org_or_boundary(a: Analysis, pos: int) -> bool:
    window = a.text[max(0, pos - 6):pos]
    return any(window.endswith(w) for w in a.lex.name_boundaries) or any(window.endswith(w) for w in a.lex.speech_verbs)
