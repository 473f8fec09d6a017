"""A self-contained interactive HTML page of the knowledge graph.

The page is rendered from kgraph's own Jinja2 template (``kgraph/assets/kgraph.html``) with vis-network's JS
and CSS, read at run time from the pyvis package that ships them, inlined: it opens with no network at all,
and a Content-Security-Policy forbids any request besides. pyvis's own template is not used because it loads
vis-network and bootstrap from CDNs and puts tooltips into vis-network's HTML ``title``.

The data block lists every entity, every relation and every document, one JSON fragment each (see
:mod:`kgraph.exporters`), plus what depends on the whole graph, computed when the page is assembled from the
small ``rank`` (entity, kind, articles, degree) and ``link`` (two ends) fragments: the legend, and the overview
of :func:`kgraph.explore.overview` (the entities ranked, how many to draw first, their communities,
co-mention links and the layout of the first view). The page script (``kgraph/assets/kgraph.js``, shared with
``kgraph serve``) makes vis-network's nodes and edges from the fragments, so a build directory rewrites the
page by recomputing only the entities and relations a change touched and the bounded overview. The page's
own words come from ``kgraph/assets/strings.json`` in the language asked for.

All article text (labels, aliases, sentences, titles, document ids) is untrusted: it enters the page only as
JSON inside ``<script type="application/json">`` with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and the
page script puts it in the DOM with ``textContent`` only; vis-network draws labels on a canvas.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..explore import HIDDEN_BY_DEFAULT, MAX_DRAWN, Entity, overview
from ..iri import ID_NS
from ..model import Kind
from . import Edge, Exporter, Node, Summary, edge_sort_key, joined, write_files

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph

VIS_NETWORK_DIR = ("lib", "vis-9.1.2")  # the vis-network build shipped inside pyvis 0.3.2
MAX_NODES = MAX_DRAWN
"""The most entities drawn when the page opens; the others are one search away."""
LANGS = ("zh", "en")
DEFAULT_LANG = "zh"  # the articles are Chinese
PAGE_VERSION = 2

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
_MAX_LABEL = 24  # longer labels (statements) are cut on the canvas; the side panel shows them whole

# Node attributes shown in the side panel under their own headings, or not at all.
_NODE_CORE_ATTRS = {"kind", "label", "aliases", "docs", "mentions", "subtype", "confidence", "entities"}
_DOCUMENT_PREFIX = ID_NS + "doc/"

# The characters that could end a <script> block or a JS string inside JSON, as JSON escapes.
_JSON_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                        "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_SCRIPT_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")
_DATA_MARK = "\x00kgraph-data\x00"


class HtmlExporter(Exporter):
    """``graph.html``; it cannot be read back. At most ``max_nodes`` entities are drawn when the page opens
    (fewer when few are mentioned by more than one article, see :func:`kgraph.explore.draw_count`); the
    page's own words are in ``lang`` (``zh`` or ``en``)."""

    name = "html"
    filenames = ("graph.html",)
    source = "elements"

    def __init__(self, max_nodes: int = MAX_NODES, title: str = "kgraph", lang: str = DEFAULT_LANG):
        if max_nodes < 0:
            raise ValueError(f"max_nodes must be >= 0, not {max_nodes}")
        if lang not in LANGS:
            raise ValueError(f"unknown page language {lang!r} (expected one of {', '.join(LANGS)})")
        self.max_nodes = max_nodes
        self.title = title
        self.lang = lang

    def layout(self, summary: Summary) -> Any:
        return {"page": PAGE_VERSION}  # fragments of an older page are made again

    def fragments(self, items: Iterable[Node | Edge], layout: Any = None) -> Iterator[tuple[str, str, bytes]]:
        for item in items:
            if isinstance(item, Node):
                if item.attrs.get("kind") == Kind.DOCUMENT:
                    doc_id = str(item.attrs.get("identifier", item.iri))
                    yield "document", doc_id, f"{script_json(doc_id)}:{script_json(_document(item.attrs))}".encode()
                else:
                    details = node_details(item.iri, item.attrs, item.degree)
                    yield "node", item.iri, script_json(details).encode()
                    # what the overview needs of the node, read back whole when the page is assembled
                    yield "rank", item.iri, script_json([item.iri, details["kind"], details["docs"],
                                                         item.degree]).encode()
            elif not (item.u.startswith(_DOCUMENT_PREFIX) or item.v.startswith(_DOCUMENT_PREFIX)):
                key = edge_sort_key(item.u, item.v, item.key)
                yield "edge", key, script_json(edge_details(item)).encode()
                yield "link", key, script_json([item.u, item.v]).encode()

    def assemble(self, layout: Any, summary: Summary,
                 read: Callable[[str], Iterable[bytes]]) -> Iterator[tuple[str, Iterable[bytes]]]:
        entities = [Entity(iri, kind, tuple(docs), degree)
                    for iri, kind, docs, degree in json.loads(b"[" + b",".join(read("rank")) + b"]")]
        links = json.loads(b"[" + b",".join(read("link")) + b"]")
        view = overview(entities, links, max_drawn=self.max_nodes)
        present = Counter(e.kind for e in entities)
        known = [k for k in DRAWN_KINDS if k in present]
        legend = [{"kind": k, "color": KIND_COLORS.get(k, UNKNOWN_KIND_COLOR), "count": present[k],
                   "hidden": k in HIDDEN_BY_DEFAULT}
                  for k in known + sorted(set(present) - set(known))]
        head, tail = _render(title=self.title, lang=self.lang).split(_DATA_MARK)
        index = {iri: i for i, iri in enumerate(view.pool)}

        def chunks() -> Iterator[bytes]:
            # the keys of the data object in sorted order, as script_json would write them
            yield head.encode("utf-8")
            yield f'{{"communities":{script_json(view.communities)},"documents":{{'.encode("utf-8")
            yield from joined(read("document"), b",")
            yield f'}},"draw":{view.draw},"edges":['.encode("utf-8")
            yield from joined(read("edge"), b",")
            yield (f'],"legend":{script_json(legend)},"maxLabel":{_MAX_LABEL},"nodes":[').encode("utf-8")
            yield from joined(read("node"), b",")
            together = [[index[u], index[v], n] for u, v, n in view.together]
            positions = {iri: list(xy) for iri, xy in view.positions.items()}
            yield (f'],"options":{script_json(_vis_options())},"pool":{script_json(view.pool)},'
                   f'"positions":{script_json(positions)},'
                   f'"strings":{script_json(page_strings(self.lang))},"title":{script_json(self.title)},'
                   f'"together":{script_json(together)},"total":{len(entities)}}}').encode("utf-8")
            yield tail.encode("utf-8")

        yield self.filenames[0], chunks()


def render_html(kg: KnowledgeGraph, *, max_nodes: int = MAX_NODES, title: str = "kgraph",
                lang: str = DEFAULT_LANG) -> str:
    """The interactive page for ``kg`` as a string: at most ``max_nodes`` nodes drawn, every node searchable."""
    ((_, chunks),) = HtmlExporter(max_nodes, title, lang).render(kg)
    return b"".join(chunks).decode("utf-8")


def write_html(kg: KnowledgeGraph, path: str | os.PathLike, *, max_nodes: int = MAX_NODES,
               title: str = "kgraph", lang: str = DEFAULT_LANG) -> None:
    """Write the interactive page for ``kg`` to ``path`` (atomically)."""
    ((_, chunks),) = HtmlExporter(max_nodes, title, lang).render(kg)
    path = os.path.abspath(path)
    write_files(os.path.dirname(path), [(os.path.basename(path), chunks)])


def served_page(*, title: str, lang: str = DEFAULT_LANG) -> str:
    """The explorer page of ``kgraph serve``: the same page and script, with no graph inside; the script asks
    the server's JSON API for what it shows (see :mod:`kgraph.serve`)."""
    data = {"maxLabel": _MAX_LABEL, "options": _vis_options(), "strings": page_strings(lang), "title": title}
    return _render(title=title, lang=lang, mode="serve").replace(_DATA_MARK, script_json(data))


def page_strings(lang: str) -> dict[str, str]:
    """The page's own words in ``lang`` (``kgraph/assets/strings.json``), kind and relation names included."""
    return json.loads(_asset("strings.json"))[lang]


def node_details(iri: str, attrs: dict[str, Any], degree: int) -> dict[str, Any]:
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


def edge_details(edge: Edge) -> dict[str, Any]:
    attrs = edge.attrs
    # a stable id of the edge's own: its place in the list changes as the graph grows
    edge_id = "e" + hashlib.sha1(edge_sort_key(edge.u, edge.v, edge.key).encode("utf-8")).hexdigest()[:16]
    details: dict[str, Any] = {"id": edge_id, "from": edge.u, "to": edge.v, "relation": str(attrs.get("relation", "")),
                               "evidence": _evidence(attrs.get("evidence", []))}
    for name in ("title", "former", "confidence"):
        if attrs.get(name) is not None:
            details[name] = _json_scalar(attrs[name])
    return details


def _document(attrs: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of a document; the publisher is an entity's IRI, the page shows its label."""
    return {k: v for k, v in (("title", attrs.get("headline")), ("date", attrs.get("date")),
                              ("url", attrs.get("url")), ("publisher", attrs.get("publisher"))) if v}


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
                  "font": {"size": 22, "face": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif",
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


def _render(*, title: str, lang: str, mode: str = "static") -> str:
    """The page around its data block (which is :data:`_DATA_MARK`)."""
    import jinja2
    from markupsafe import Markup  # installed with jinja2

    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_asset("kgraph.html"))
    return template.render(
        title=title,
        lang=lang,
        mode=mode,
        t=page_strings(lang),
        vis_css=Markup(_inline(_vis_network("vis-network.css"), "style")),
        page_css=Markup(_inline(_asset("kgraph.css"), "style")),
        data_json=Markup(_DATA_MARK),
        vis_js=Markup(_inline(_vis_network("vis-network.min.js"), "script")),
        page_js=Markup(_inline(_asset("kgraph-sources.js") + "\n" + _asset("kgraph.js"), "script")),
    )


__all__ = ["DEFAULT_LANG", "HtmlExporter", "KIND_COLORS", "LANGS", "MAX_NODES", "edge_details", "node_details",
           "page_strings", "render_html", "script_json", "served_page", "write_html"]
