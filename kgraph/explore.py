"""What the graph explorer shows first, for the static page (:mod:`kgraph.exporters.html`) and for
``kgraph serve`` (:mod:`kgraph.serve`) alike: the entities that matter, how many of them to draw, their
communities and the links that hold them together.

An entity matters by the number of articles that mention it, then by its number of relations. Only the
best :data:`POOL` entities (of the kinds drawn by default) take part in the overview: community detection and
co-mention links are computed over them, which keeps the work bounded whatever the size of the corpus, and
cheap enough to be done again each time the page is assembled from its fragments.
"""
from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import Kind

POOL = 400
"""Entities ranked, grouped into communities and linked by co-mention; the first view draws some of them."""
MAX_DRAWN = 150
"""The most entities drawn at first: beyond that, labels stop being readable."""
MIN_DRAWN = 40
SMALL_GRAPH = 150
"""A graph with at most this many entities is drawn whole."""
MIN_TOGETHER = 2
"""Articles two entities must share to be linked by co-mention in the overview."""
LINKS_PER_ENTITY = 3
"""Strongest co-mention links kept per entity: enough to hold a community together, few enough to read."""
HIDDEN_BY_DEFAULT = (Kind.STATEMENT, Kind.FIGURE)  # many and leaf-like: they crowd the picture


@dataclass(frozen=True)
class Entity:
    """What the overview needs of an entity: its IRI, kind, the articles that mention it and its relations."""

    iri: str
    kind: str
    docs: tuple[str, ...]
    degree: int

    @property
    def rank_key(self) -> tuple[int, int, str]:
        return (-len(self.docs), -self.degree, self.iri)


@dataclass
class Overview:
    """``pool``: IRIs by importance; ``draw``: how many of the best the first view draws; ``communities``:
    IRI -> community number (0 holds the most important entity); ``together``: co-mention links
    ``(IRI, IRI, shared articles)``, IRIs in order; ``positions``: IRI -> (x, y) of the entities drawn first."""

    pool: list[str] = field(default_factory=list)
    draw: int = 0
    communities: dict[str, int] = field(default_factory=dict)
    together: list[tuple[str, str, int]] = field(default_factory=list)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)


def draw_count(entities: list[Entity], max_drawn: int = MAX_DRAWN) -> int:
    """How many of ``entities`` the first view draws (see :func:`draw_count_of`)."""
    recurring = sum(1 for e in entities if e.kind not in HIDDEN_BY_DEFAULT and len(e.docs) >= 2)
    return draw_count_of(len(entities), recurring, max_drawn)


def draw_count_of(total: int, recurring: int, max_drawn: int = MAX_DRAWN) -> int:
    """How many entities the first view draws, of ``total`` of which ``recurring`` (of the kinds drawn by
    default) are mentioned by more than one article: all of a small graph; else the recurring ones, at least
    :data:`MIN_DRAWN` and at most ``max_drawn``."""
    if total <= min(SMALL_GRAPH, max_drawn):
        return total
    return max(0, min(max_drawn, max(MIN_DRAWN, recurring), total))


def overview(entities: Iterable[Entity], relations: Iterable[tuple[str, str]], *,
             max_drawn: int = MAX_DRAWN, pool_size: int = POOL, draw: int | None = None) -> Overview:
    """The overview of a graph of ``entities`` (documents excluded) and ``relations`` (subject, object).

    Two entities are associated by the articles they share, as a share of the articles that mention either
    (``shared / sqrt(articles of one * articles of the other)``): so an entity every article mentions (a
    country) does not pull everything to itself. Communities (Louvain) and co-mention links follow that
    association plus the stated relations. ``draw``: how many to draw, when the caller knows better than
    :func:`draw_count` (a pool cut out of a larger graph). Deterministic: the same graph gives the same overview."""
    import networkx as nx

    everything = sorted(entities, key=lambda e: e.rank_key)
    small = len(everything) <= min(SMALL_GRAPH, max_drawn)
    draw = draw_count(everything, max_drawn) if draw is None else draw
    ranked = everything if small else [e for e in everything if e.kind not in HIDDEN_BY_DEFAULT]
    pool = ranked[:max(pool_size, draw)]
    order = {e.iri: i for i, e in enumerate(pool)}
    articles = {e.iri: len(e.docs) for e in pool}
    stated: Counter[tuple[str, str]] = Counter()
    for u, v in relations:
        if u != v and u in order and v in order:
            stated[(min(u, v), max(u, v))] += 1
    shared: Counter[tuple[str, str]] = Counter()
    by_doc: dict[str, list[str]] = {}
    for e in pool:
        for doc in e.docs:
            by_doc.setdefault(doc, []).append(e.iri)
    for iris in by_doc.values():
        for u, v in itertools.combinations(sorted(iris), 2):
            shared[(u, v)] += 1
    association = {pair: n / math.sqrt(articles[pair[0]] * articles[pair[1]]) for pair, n in shared.items()}
    # one shared article is chance more often than not, and leaving those pairs out keeps the graph sparse
    weights = {pair: association.get(pair, 0.0) + min(stated.get(pair, 0), 1)
               for pair in {pair for pair, n in shared.items() if n >= MIN_TOGETHER} | set(stated)}
    graph = nx.Graph()
    graph.add_nodes_from(e.iri for e in pool)
    graph.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(weights.items()))
    found = nx.community.louvain_communities(graph, weight="weight", seed=1) if graph.number_of_edges() else []
    found = sorted((sorted(c, key=order.__getitem__) for c in found), key=lambda c: order[c[0]])
    communities = {iri: number for number, community in enumerate(found) if len(community) > 1 for iri in community}
    # each entity's most associated co-mentions, so that the drawing holds together without a link per pair
    strongest: dict[str, list[tuple[float, str]]] = {}
    for (u, v), n in shared.items():
        if n >= MIN_TOGETHER:
            strongest.setdefault(u, []).append((association[(u, v)], v))
            strongest.setdefault(v, []).append((association[(u, v)], u))
    kept = set()
    for iri, links in strongest.items():
        for _, other in sorted(links, key=lambda link: (-link[0], order[link[1]]))[:LINKS_PER_ENTITY]:
            pair = (min(iri, other), max(iri, other))
            kept.add((*pair, shared[pair]))
    drawn = [e.iri for e in pool[:draw]]
    return Overview(pool=[e.iri for e in pool], draw=draw, communities=communities, together=sorted(kept),
                    positions=layout(drawn, [pair for pair in sorted(weights)
                                             if pair in stated or (*pair, shared[pair]) in kept], communities))


def layout(drawn: list[str], links: list[tuple[str, str]], communities: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Positions (pixels) for the first view: a force-directed layout (Fruchterman-Reingold) computed once at
    export, so that the page shows its first view at once instead of simulating it in the browser."""
    import networkx as nx

    if not drawn:
        return {}
    members = set(drawn)
    graph = nx.Graph()
    graph.add_nodes_from(drawn)
    # a link within a community pulls harder than one across (so communities gather), and none pulls more for
    # being strong (the strongest would crush a community into one spot); a weak pull towards the centre keeps
    # the entities linked to none of the others from drifting to the edges
    graph.add_edges_from((u, v, {"weight": 1.0 if communities.get(u, -1) == communities.get(v, -2) else 0.3})
                         for u, v in links if u in members and v in members)
    centre = "\x00centre"
    graph.add_edges_from((centre, iri, {"weight": 0.05}) for iri in drawn)
    spread = 70 * math.sqrt(len(drawn))
    found = nx.spring_layout(graph, weight="weight", seed=1, iterations=150)
    del found[centre]
    return {iri: (round(float(x) * spread), round(float(y) * spread)) for iri, (x, y) in sorted(found.items())}


__all__ = ["Entity", "HIDDEN_BY_DEFAULT", "MAX_DRAWN", "Overview", "POOL", "draw_count", "draw_count_of", "layout", "overview"]
