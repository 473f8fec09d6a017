"""What an analysis hands on: its entities and facts, generic organisations (公司) left out or moved to
the organisation the text declares them to stand for."""
from __future__ import annotations

import dataclasses

from ..model import Entity, EntityRef, Fact, Kind, OrgType
from .analysis import Analysis

GENERIC_DETERMINERS = "该本我贵此其各两"  # 该公司, 本集团, 两家公司: the company talked about, not a name


def _generic_organization(a: Analysis, name: str) -> bool:
    """Whether ``name`` is only an organisation's form with no name before it (公司, 集团, 该公司, 两家银行).
    Such a word refers to an organisation the text names elsewhere ("亚马逊……但公司首席执行官贝索斯"): it is
    a mention (NER data sets such as Resume label 公司 and 本公司 so), but no entity of the graph, where it
    would become one node shared by every article that says "the company"."""
    stem = name.lstrip(GENERIC_DETERMINERS).removeprefix("家")
    return stem in a.lex.org_suffixes


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
