"""Which mentions in different documents are the same entity: merge keys, and the IRIs minted from them.

A node's IRI is a function of one document's extraction alone, so re-running a build, building
incrementally or reading the documents in another order gives the same IRIs.

Organisations
    The key is the lexicon's canonical name when the name (or the name without its legal form) is a known
    organisation or one of its short forms (阿里巴巴 / 阿里 -> 阿里巴巴集团); otherwise the name with its
    legal-form suffixes removed (``form=legal`` rows of ``org_suffixes.tsv``: 星河科技有限公司 -> 星河科技).
    Unit suffixes (电商, 云 …) are part of the name: 星河电商 stays apart from 星河.

People
    A name alone does not identify a person. When the document ties the person to an organisation
    (their earliest membership, or headship, in the document, lifted to its top-level parent when the
    document states a ``sub_organization_of`` chain), the key is ``name@organisation key``; two namesakes
    tied to different organisations stay two nodes. A person the document ties to no organisation gets
    the bare name as key, and shares that node with every other such mention.

Names
    A node's label is the same whichever form a document used (the canonical name, else the name without
    its legal forms; a person's name), so the graph of each document names a merged node alike; every
    other surface form is an alias (``schema:alternateName``).

Other kinds keep their own key (``props["key"]`` or the name), as before.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from .iri import entity_iri, normalize_name
from .model import Entity, EntityRef, Extraction, Kind, Rel

MIN_KEY_CHARS = 2
"""A legal form is not stripped when fewer characters would remain (某公司 stays 某公司)."""

_MEMBERSHIP_RELATIONS = (Rel.MEMBER_OF, Rel.HEAD_OF)  # org:headOf is a sub-property of org:memberOf


@dataclass(frozen=True)
class Resolution:
    """Where one entity of one extraction goes in the graph."""

    iri: str
    label: str                  # the name this entity proposes for the node
    merge_key: str | None = None
    merge_reason: str | None = None


@functools.lru_cache(maxsize=1)
def _org_lexicon() -> tuple[dict[str, str], tuple[str, ...], frozenset[str]]:
    """(normalised surface form -> canonical name, legal suffixes longest first, normalised place names)."""
    from .resources import load_lexicons

    lex = load_lexicons()
    canonical = {normalize_name(surface): name for surface, (name, _subtype) in sorted(lex.organizations.items())}
    legal = tuple(sorted((normalize_name(s) for s, (_sub, form) in lex.org_suffixes.items() if form == "legal"),
                         key=lambda s: (-len(s), s)))
    places = frozenset(normalize_name(p) for p in lex.places)
    return canonical, legal, places


def _organization_stem(name: str) -> tuple[str, str | None]:
    """``(name without its legal forms, spaces and width variants, the lexicon's canonical name or None)``."""
    canonical, legal, places = _org_lexicon()
    stem = "".join(unicodedata.normalize("NFKC", name).split())
    while True:
        if normalize_name(stem) in canonical:
            return stem, canonical[normalize_name(stem)]
        for suffix in legal:
            shorter = stem[: -len(suffix)]
            if normalize_name(stem).endswith(suffix) and len(shorter) >= MIN_KEY_CHARS \
                    and normalize_name(shorter) not in places:
                stem = shorter
                break
        else:
            return stem, None


def organization_key(name: str) -> tuple[str, str]:
    """``(merge key, merge reason)`` of an organisation name.

    >>> organization_key("阿里")[0], organization_key("星河科技有限公司")[0]
    ('阿里巴巴集团', '星河科技')
    """
    stem, known = _organization_stem(name)
    if known is not None:
        return normalize_name(known), f"known organisation {known} and its short forms (lexicon)"
    key = normalize_name(stem)
    # one reason per key, whatever form a document used, so that it does not depend on document order
    return key, f"same name once legal forms are removed: {key}"


def organization_name(name: str) -> str:
    """The name an organisation node shows, the same whichever form a document used: the lexicon's
    canonical name, else the name without its legal forms (星河科技有限公司 -> 星河科技; the full form
    stays an alias). Each document's graph then names the node alike."""
    stem, known = _organization_stem(name)
    return known if known is not None else stem


def organization_iri(name: str) -> str:
    return entity_iri(Kind.ORGANIZATION, organization_key(name)[0])


def person_key(name: str, organization: str | None = None) -> tuple[str, str]:
    """``(merge key, merge reason)`` of a person named ``name``, tied to ``organization`` (a name) if given."""
    person = normalize_name(name)
    if organization is None:
        return person, "same name, no organisation stated"
    org = organization_key(organization)[0]
    return f"{person}@{org}", f"same name and organisation {org}"


def person_iri(name: str, organization: str | None = None) -> str:
    """The IRI of a person: stable across runs, one per name and (top-level) organisation."""
    return entity_iri(Kind.PERSON, person_key(name, organization)[0])


def _top_parent(org: EntityRef, parents: dict[EntityRef, EntityRef]) -> EntityRef:
    seen = {org}
    while org in parents and parents[org] not in seen:
        org = parents[org]
        seen.add(org)
    return org


def affiliations(extraction: Extraction) -> dict[EntityRef, str]:
    """Person ref -> the name of the organisation this document ties that person to, if any.

    The earliest membership (or headship) fact of the person in the document decides; its organisation is
    replaced by its top-level parent along the document's ``sub_organization_of`` facts.
    """
    parents: dict[EntityRef, EntityRef] = {}
    for fact in sorted((f for f in extraction.facts if f.relation == Rel.SUB_ORGANIZATION_OF),
                       key=lambda f: (f.evidence.start, f.evidence.end, f.subject, f.object)):
        if fact.subject[0] == Kind.ORGANIZATION and fact.object[0] == Kind.ORGANIZATION:
            parents.setdefault(fact.subject, fact.object)
    first: dict[EntityRef, EntityRef] = {}
    memberships = sorted((f for f in extraction.facts if f.relation in _MEMBERSHIP_RELATIONS),
                         key=lambda f: (f.evidence.start, f.evidence.end,
                                        _MEMBERSHIP_RELATIONS.index(f.relation), f.object))
    for fact in memberships:
        if fact.subject[0] == Kind.PERSON and fact.object[0] == Kind.ORGANIZATION:
            first.setdefault(fact.subject, fact.object)
    return {person: _top_parent(org, parents)[1] for person, org in first.items()}


def resolve_entity(entity: Entity, organization: str | None = None) -> Resolution:
    """Where ``entity`` goes; ``organization`` is what its document ties a person to (see :func:`affiliations`)."""
    if entity.kind == Kind.ORGANIZATION:
        key, reason = organization_key(entity.name)
        return Resolution(entity_iri(Kind.ORGANIZATION, key), organization_name(entity.name), key, reason)
    if entity.kind == Kind.PERSON:
        key, reason = person_key(entity.name, organization)
        return Resolution(entity_iri(Kind.PERSON, key), entity.name, key, reason)
    return Resolution(entity_iri(entity.kind, entity.props.get("key") or entity.name), entity.name)


def resolve(extraction: Extraction) -> dict[EntityRef, Resolution]:
    """Entity ref -> :class:`Resolution` for every entity of one document's extraction."""
    tied = affiliations(extraction)
    return {entity.ref: resolve_entity(entity, tied.get(entity.ref)) for entity in extraction.entities}


def preferred_label(a: str, b: str) -> str:
    """Of two names proposed for one node (which differ at most in case), the one to show: the longer,
    then the smaller string. A total order, so the label does not depend on the order of the documents."""
    return min(a, b, key=lambda name: (-len(name), name))


__all__ = [
    "Resolution",
    "affiliations",
    "organization_iri",
    "organization_key",
    "organization_name",
    "person_iri",
    "person_key",
    "preferred_label",
    "resolve",
    "resolve_entity",
]
