"""A self-contained interactive HTML page of the knowledge graph.

The network (nodes, edges, vis-network options) is assembled with :class:`pyvis.network.Network`, but the page
is rendered from kgraph's own Jinja2 template (``kgraph/assets/kgraph.html``) rather than pyvis's, because
pyvis's template loads vis-network and bootstrap from CDNs and puts tooltips into vis-network's HTML ``title``.
Here vis-network's JS and CSS are read at run time from the installed pyvis package and inlined, so the page
opens with no network at all; a Content-Security-Policy forbids any request besides.

All article text (labels, aliases, sentences, titles, document ids) is untrusted: it enters the page only as
JSON inside ``<script type="application/json">`` with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and the
page script puts it in the DOM with ``textContent`` only; vis-network draws labels on a canvas.
"""
from __future__ import annotations

import json
import math
import os
import re
from collections import defaultdict
from typing import Any

from ..graph import KnowledgeGraph
from ..io import atomic_write
from ..model import Kind

VIS_NETWORK_DIR = ("lib", "vis-9.1.2")  # the vis-network build shipped inside pyvis 0.3.2

# Tableau 10: distinct hues that stay readable with dark label text on a light background.
KIND_COLORS: dict[str, str] = {
    Kind.PERSON: "#e15759",
    Kind.ORGANIZATION: "#4e79a7",
    Kind.BRAND: "#f28e2b",
    Kind.PLACE: "#59a14f",
    Kind.EVENT: "#b07aa1",
    Kind.INITIATIVE: "#edc948",
    Kind.ROLE: "#76b7b2",
    Kind.FIGURE: "#9c755f",
    Kind.STATEMENT: "#bab0ac",
    Kind.WORK: "#ff9da7",
}
UNKNOWN_KIND_COLOR = "#79706e"
DRAWN_KINDS = tuple(k for k in Kind.ALL if k != Kind.DOCUMENT)
HIDDEN_BY_DEFAULT = (Kind.STATEMENT, Kind.FIGURE)  # many and leaf-like: they crowd the picture

_MAX_LABEL = 24  # longer labels (statements) are cut on the canvas; the side panel shows them whole
# Node attributes shown in the side panel under their own headings, or not at all.
_NODE_CORE_ATTRS = {"kind", "label", "aliases", "docs", "mentions", "subtype", "confidence", "entities"}

# The characters that could end a <script> block or a JS string inside JSON, as JSON escapes.
_JSON_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                        "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_SCRIPT_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def render_html(kg: KnowledgeGraph, *, max_nodes: int = 400, title: str = "kgraph") -> str:
    """The interactive page for ``kg`` as a string: at most ``max_nodes`` nodes drawn, every node searchable."""
    if max_nodes < 0:
        raise ValueError(f"max_nodes must be >= 0, not {max_nodes}")
    data = _page_data(kg, max_nodes=max_nodes, title=title)
    return _render(data, title=title)


def write_html(kg: KnowledgeGraph, path: str | os.PathLike, *, max_nodes: int = 400,
               title: str = "kgraph") -> None:
    """Write the interactive page for ``kg`` to ``path`` (atomically)."""
    page = render_html(kg, max_nodes=max_nodes, title=title)
    with atomic_write(path) as fh:
        fh.write(page)


# -- data ---------------------------------------------------------------------------------------
def _page_data(kg: KnowledgeGraph, *, max_nodes: int, title: str) -> dict[str, Any]:
    from pyvis.network import Network

    g = kg.graph
    entity_iris = sorted(n for n, d in g.nodes(data=True) if d.get("kind") != Kind.DOCUMENT)
    node_id = {iri: i for i, iri in enumerate(entity_iris)}

    edges = sorted(((u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
                    if u in node_id and v in node_id),
                   key=lambda e: (e[0], e[1], str(e[2])))
    degree: dict[str, int] = defaultdict(int)
    for u, v, _, _ in edges:
        degree[u] += 1
        degree[v] += 1

    ranked = sorted(entity_iris, key=lambda iri: (-degree[iri], iri))
    drawn = set(ranked[:max_nodes])

    vis_nodes = {iri: _vis_node(node_id[iri], g.nodes[iri], degree[iri]) for iri in entity_iris}
    vis_edges = _vis_edges(edges, node_id)

    # pyvis holds the initially drawn subgraph; the rest waits in "reserve" until a search brings it in.
    net = Network(directed=True, height="100%", width="100%")
    for iri in entity_iris:
        if iri in drawn:
            vis = dict(vis_nodes[iri])
            net.add_node(vis.pop("id"), **vis)
    reserve_edges = []
    for (u, v, _, _), vis in zip(edges, vis_edges):
        if u in drawn and v in drawn:
            vis = dict(vis)
            net.add_edge(vis.pop("from"), vis.pop("to"), **vis)
        else:
            reserve_edges.append(vis)
    # Assigned as a dict: pyvis's set_options() strips every space, which would break a font list.
    net.options = _vis_options()
    nodes_data, edges_data, _, _, _, options_json = net.get_network_data()

    kinds_present = defaultdict(int)
    drawn_per_kind = defaultdict(int)
    for iri in entity_iris:
        kind = g.nodes[iri].get("kind", "")
        kinds_present[kind] += 1
        if iri in drawn:
            drawn_per_kind[kind] += 1
    known = [k for k in DRAWN_KINDS if k in kinds_present]
    legend = [{"kind": k, "color": KIND_COLORS.get(k, UNKNOWN_KIND_COLOR), "count": kinds_present[k],
               "drawn": drawn_per_kind[k], "hidden": k in HIDDEN_BY_DEFAULT}
              for k in known + sorted(set(kinds_present) - set(known))]

    documents = {}
    for n, d in g.nodes(data=True):
        if d.get("kind") == Kind.DOCUMENT:
            doc_id = d.get("identifier", n)
            publisher = d.get("publisher")
            documents[doc_id] = {k: v for k, v in (
                ("title", d.get("headline")), ("date", d.get("date")), ("url", d.get("url")),
                ("publisher", g.nodes[publisher].get("label") if publisher in g else publisher)) if v}

    hidden = sum(1 for iri in drawn if g.nodes[iri].get("kind") in HIDDEN_BY_DEFAULT)
    return {
        "title": title,
        "status": status_text(total=len(entity_iris), placed=len(drawn), visible=len(drawn) - hidden),
        "legend": legend,
        "total": len(entity_iris),
        "omitted": len(entity_iris) - len(drawn),
        "nodes": [_node_details(iri, g.nodes[iri], degree[iri]) for iri in entity_iris],
        "edges": [_edge_details(i, node_id[u], node_id[v], d) for i, (u, v, _, d) in enumerate(edges)],
        "documents": dict(sorted(documents.items())),
        "network": {"nodes": nodes_data, "edges": edges_data, "options": json.loads(options_json)},
        "reserve": {"nodes": [vis_nodes[iri] for iri in entity_iris if iri not in drawn],
                    "edges": reserve_edges},
    }


def status_text(*, total: int, placed: int, visible: int) -> str:
    """The line above the drawing; kgraph.js rebuilds the same sentence when the reader changes the view."""
    text = f"Showing {visible} of {total} entities"
    if placed > visible:
        text += f"; {placed - visible} hidden by kind (tick them in the legend)"
    if total > placed:
        text += f"; {total - placed} left out of the drawing (search to add them)"
    return text + "."


def _short(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[:_MAX_LABEL - 1] + "…"


def _vis_node(node_id: int, attrs: dict[str, Any], degree: int) -> dict[str, Any]:
    # No "title": vis-network renders it as HTML. Details go to the side panel instead.
    return {"id": node_id, "label": _short(str(attrs.get("label", ""))), "group": attrs.get("kind", ""),
            "value": degree + 1, "shape": "dot"}


def _vis_edges(edges: list, node_id: dict[str, int]) -> list[dict[str, Any]]:
    # Parallel edges between one pair of nodes get growing curvature so their labels do not overlap.
    seen_per_pair: dict[tuple[str, str], int] = defaultdict(int)
    result = []
    for i, (u, v, _, d) in enumerate(edges):
        pair = (min(u, v), max(u, v))
        rank = seen_per_pair[pair]
        seen_per_pair[pair] += 1
        # Arrows are set on every edge: pyvis would otherwise add a bare "to" to the edges it holds only.
        vis = {"id": f"e{i}", "from": node_id[u], "to": node_id[v], "label": _edge_label(d),
               "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
               "smooth": {"enabled": True, "type": "curvedCW", "roundness": round(0.15 * rank, 2)}}
        if d.get("former"):
            vis["dashes"] = True
        result.append(vis)
    return result


def _edge_label(attrs: dict[str, Any]) -> str:
    label = str(attrs.get("relation", ""))
    if attrs.get("title"):
        label = f"{label}: {_short(str(attrs['title']))}"
    if attrs.get("former"):
        label += " (former)"
    return label


def _node_details(iri: str, attrs: dict[str, Any], degree: int) -> dict[str, Any]:
    details = {"iri": iri, "kind": attrs.get("kind", ""), "label": str(attrs.get("label", "")),
               "aliases": sorted(str(a) for a in attrs.get("aliases", [])),
               "docs": sorted(str(doc) for doc in attrs.get("docs", [])), "degree": degree}
    if attrs.get("subtype"):
        details["subtype"] = str(attrs["subtype"])
    if "confidence" in attrs:
        details["confidence"] = attrs["confidence"]
    extra = {k: _json_scalar(v) for k, v in attrs.items() if k not in _NODE_CORE_ATTRS and v is not None}
    if extra:
        details["attrs"] = dict(sorted(extra.items()))
    return details


def _edge_details(index: int, source: int, target: int, attrs: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {"id": f"e{index}", "from": source, "to": target,
                               "relation": str(attrs.get("relation", "")),
                               "evidence": _evidence(attrs.get("evidence", []))}
    for name in ("title", "former", "confidence"):
        if attrs.get(name) is not None:
            details[name] = _json_scalar(attrs[name])
    return details


def _evidence(evidence_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence dicts in a stable order: the graph appends them in the order documents were added."""
    cleaned = [{k: _json_scalar(e[k]) for k in ("doc", "sentence", "start", "end", "confidence")
                if e.get(k) is not None} for e in evidence_list]
    return sorted(cleaned, key=lambda e: (str(e.get("doc", "")), e.get("start", 0), e.get("end", 0),
                                          str(e.get("sentence", "")), e.get("confidence", 0)))


def _json_scalar(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_scalar(v) for v in value]
    return str(value)


def _vis_options() -> dict[str, Any]:
    groups = {kind: {"color": {"background": color, "border": "#3b3b3b",
                               "highlight": {"background": color, "border": "#000000"},
                               "hover": {"background": color, "border": "#000000"}}}
              for kind, color in KIND_COLORS.items()}
    return {
        "autoResize": True,
        "layout": {"randomSeed": 1, "improvedLayout": True},
        "groups": groups,
        "nodes": {"shape": "dot", "borderWidth": 1,
                  "color": {"background": UNKNOWN_KIND_COLOR, "border": "#3b3b3b"},
                  "scaling": {"min": 8, "max": 28, "label": {"enabled": False}},
                  "font": {"size": 14, "face": "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif",
                           "color": "#1f2328", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"width": 1,
                  "color": {"color": "#a0a7b0", "highlight": "#1f2328", "hover": "#4b5563"},
                  "font": {"size": 11, "color": "#4b5563", "strokeWidth": 3, "strokeColor": "#ffffff",
                           "align": "horizontal"},
                  "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 200, "navigationButtons": False,
                        "multiselect": False, "keyboard": {"enabled": False}},
        # Tried against barnesHut and repulsion on the sample graph: this spreads hubs' spokes most evenly.
        "physics": {"enabled": True, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -120, "centralGravity": 0.01,
                                         "springLength": 170, "springConstant": 0.08, "avoidOverlap": 0.5},
                    "stabilization": {"enabled": True, "iterations": 800, "updateInterval": 50, "fit": True},
                    "minVelocity": 0.75},
    }


# -- page ---------------------------------------------------------------------------------------
def script_json(data: Any) -> str:
    """``data`` as JSON that is safe verbatim inside an HTML ``<script>`` element (sorted, compact)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return _JSON_SCRIPT_ESCAPE_RE.sub(lambda m: _JSON_SCRIPT_ESCAPES[m.group()], text)


def _inline(text: str, element: str) -> str:
    """Library text made safe to inline in a ``<script>``/``<style>`` element: no closing tag, no comment start.

    ``<\\/`` means the same as ``</`` in a JS string or regex, which is where such text can occur.
    """
    text = re.sub(rf"</(?={element})", r"<\\/", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")


def _asset(name: str) -> str:
    from importlib import resources

    return resources.files("kgraph.assets").joinpath(name).read_text(encoding="utf-8")


def _vis_network(name: str) -> str:
    from importlib import resources

    return resources.files("pyvis").joinpath(*VIS_NETWORK_DIR, name).read_text(encoding="utf-8")


def _render(data: dict[str, Any], *, title: str) -> str:
    import jinja2
    from markupsafe import Markup  # installed with jinja2

    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_asset("kgraph.html"))
    return template.render(
        title=title,
        status=data["status"],
        vis_css=Markup(_inline(_vis_network("vis-network.css"), "style")),
        page_css=Markup(_inline(_asset("kgraph.css"), "style")),
        data_json=Markup(script_json(data)),
        vis_js=Markup(_inline(_vis_network("vis-network.min.js"), "script")),
        page_js=Markup(_inline(_asset("kgraph.js"), "script")),
    )


__all__ = ["KIND_COLORS", "render_html", "script_json", "write_html"]
