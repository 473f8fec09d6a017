"""The interactive HTML page: self-contained, escaped, deterministic, bounded; and it really draws in Chromium."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import make_extraction

from kgraph.exporters.html import KIND_COLORS, render_html, write_html
from kgraph.graph import KnowledgeGraph
from kgraph.model import Kind

HOSTILE_NAME = '<script>alert("x")</script><img src=x onerror=alert(1)>'
CHROMIUM = Path("/usr/bin/chromium")


def drawable_kinds(kg: KnowledgeGraph) -> set[str]:
    return {d["kind"] for _, d in kg.nodes()} - {Kind.DOCUMENT}


# -- a small DOM built with html.parser -----------------------------------------------------------
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [e for e in self.iter() if (tag is None or e.tag == tag)
                and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'}> with {attrs}"
        return found[0]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page: str) -> Element:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def page_data(page: str) -> dict:
    return json.loads(parse(page).find("script", id="kg-data").text())


EXTERNAL_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.IGNORECASE)  # any scheme or host-relative
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)


# -- the page as text -------------------------------------------------------------------------------
def test_page_loads_nothing_from_outside(sample_graph):
    root = parse(render_html(sample_graph))
    url_attrs = ("src", "href", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href")
    for element in root.iter():
        for name in url_attrs:
            value = element.attrs.get(name)
            assert value is None or not EXTERNAL_URL.match(value), f"<{element.tag} {name}={value!r}>"
        assert not (element.tag == "link" and element.attrs.get("rel") in ("stylesheet", "preload", "prefetch"))
    scripts = root.find_all("script")
    assert scripts and all("src" not in s.attrs for s in scripts)
    assert "vis.Network" in scripts[-1].text() and "Network" in scripts[-2].text()  # vis-network is inline

    css = "\n".join(s.text() for s in root.find_all("style"))
    css += "\n".join(e.attrs["style"] or "" for e in root.iter() if "style" in e.attrs)
    assert "vis-network" in css or ".vis-" in css  # vis-network's own stylesheet is inline too
    urls = [m.group(2) for m in CSS_URL.finditer(css)]
    assert urls and all(u.startswith("data:") for u in urls), [u[:60] for u in urls if not u.startswith("data:")]
    assert not re.search(r"@import", css, re.IGNORECASE)
    csp = root.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in csp


def test_hostile_text_is_escaped(hostile_graph):
    page = render_html(hostile_graph, title='<b onmouseover=alert(2)>t</b>')
    for raw in ("<script>alert", "<img src=x", "<b onmouseover"):
        assert raw not in page
    root = parse(page)
    assert len(root.find_all("script")) == 3  # the data block, vis-network, kgraph.js: nothing injected
    assert len(root.find_all("img")) == 0 and len(root.find_all("b")) == 0
    assert root.find("title").text() == '<b onmouseover=alert(2)>t</b>'
    data = page_data(page)  # the untrusted text survives intact, as JSON
    assert HOSTILE_NAME in {n["label"] for n in data["nodes"]}
    drawn = data["pool"][:data["draw"]]
    drawn_labels = {n["label"] for n in data["nodes"] if n["iri"] in drawn}
    assert any("<script>" in label for label in drawn_labels)  # drawn on the canvas, which shows it as text
    for item in data["nodes"] + data["edges"]:
        assert "title" not in item or item.get("relation")  # a node has no HTML tooltip; an edge's title is its job title


def test_script_breaking_characters_are_escaped_in_the_data_block():
    kg = KnowledgeGraph()
    kg.add(make_extraction(person="甲</script><!--\u2028乙\u2029&amp;"))
    page = render_html(kg)
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL).group(1)
    assert not re.search("[<>&\u2028\u2029]", block)
    assert "\\u003c/script\\u003e" in block and "\\u2028" in block
    assert "甲</script><!--\u2028乙\u2029&amp;" in {n["label"] for n in json.loads(block)["nodes"]}


def test_legend_lists_the_kinds_present_with_colours_and_counts(sample_graph):
    data = page_data(render_html(sample_graph))
    legend = {entry["kind"]: entry for entry in data["legend"]}
    assert set(legend) == drawable_kinds(sample_graph)
    assert {Kind.PERSON, Kind.ORGANIZATION, Kind.STATEMENT, Kind.FIGURE} <= set(legend)
    for kind, entry in legend.items():
        assert entry["color"] == KIND_COLORS[kind]
        assert entry["count"] == len(sample_graph.nodes(kind))
        assert entry["hidden"] == (kind in (Kind.STATEMENT, Kind.FIGURE))
    assert len(set(KIND_COLORS.values())) == len(KIND_COLORS)
    assert set(data["options"]["groups"]) == set(KIND_COLORS)  # the drawing uses the same colours
    assert all(n["kind"] != Kind.DOCUMENT for n in data["nodes"])

    only_people = KnowledgeGraph()
    only_people.graph.add_node("urn:p1", kind=Kind.PERSON, label="甲", aliases=[], docs=[])
    assert [e["kind"] for e in page_data(render_html(only_people))["legend"]] == [Kind.PERSON]


def test_edges_carry_relation_labels_and_evidence(sample_graph):
    data = page_data(render_html(sample_graph))
    relations = {(e["relation"], e.get("title")) for e in data["edges"]}
    assert {("member_of", "董事长"), ("member_of", "CEO"), ("founded", None), ("location", None)} <= relations
    by_id = {e["id"]: e for e in data["edges"]}
    nodes = {n["iri"] for n in data["nodes"]}
    assert all(e["from"] in nodes and e["to"] in nodes for e in data["edges"])
    member = next(e for e in data["edges"] if e.get("title") == "董事长")
    assert member["relation"] == "member_of" and member["former"] is False
    (evidence,) = member["evidence"]
    assert evidence["doc"] == "doc-1" and evidence["confidence"] == 0.9 and "张三表示" in evidence["sentence"]
    assert data["documents"]["doc-1"]["title"] == "星河科技发布“繁星计划”"
    assert len(by_id) == sample_graph.graph.number_of_edges()
    person = next(n for n in data["nodes"] if n["label"] == "张三")
    org = next(n for n in data["nodes"] if n["label"] == "星河科技")
    assert person["kind"] == "person" and person["docs"] == ["doc-1"]
    assert org["aliases"] == ["星河"] and org["subtype"] == "company"


def two_document_graph(order: tuple[str, ...]) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    for doc_id in order:
        kg.add(make_extraction(doc_id=doc_id))
    return kg


def test_output_is_deterministic(sample_graph, tmp_path):
    first, second = tmp_path / "a" / "graph.html", tmp_path / "b" / "graph.html"
    write_html(sample_graph, first)
    write_html(sample_graph, second)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text(encoding="utf-8") == render_html(sample_graph)
    assert sorted(p.name for p in first.parent.iterdir()) == ["graph.html"]  # no temporary file left behind
    # Evidence, nodes and edges come out sorted whatever order the documents were added in.
    forward = render_html(two_document_graph(("doc-1", "doc-2")))
    backward = render_html(two_document_graph(("doc-2", "doc-1")))
    assert forward == backward
    assert '"randomSeed":1' in forward


def test_max_nodes_draws_the_best_connected_and_keeps_the_rest_searchable(sample_graph):
    data = page_data(render_html(sample_graph, max_nodes=3))
    assert data["draw"] == 3
    drawn = data["pool"][:3]
    by_iri = {n["iri"]: n for n in data["nodes"]}
    labels = {by_iri[iri]["label"] for iri in drawn}
    # One article mentions them all: 星河科技 (7 edges) and 张三 (5) lead; of the nodes with 2, the event has the
    # smallest IRI. Statements and figures are not drawn at first in a graph that is not drawn whole.
    assert labels == {"星河科技", "张三", "星河开发者大会"}
    assert all(by_iri[iri]["kind"] not in (Kind.STATEMENT, Kind.FIGURE) for iri in data["pool"])
    assert data["total"] == len(data["nodes"])
    assert set(data["positions"]) == set(drawn)  # the first view comes laid out

    everything = page_data(render_html(sample_graph, max_nodes=1000))
    assert everything["draw"] == everything["total"] and sorted(everything["pool"]) == sorted(by_iri)
    assert page_data(render_html(sample_graph, max_nodes=0))["draw"] == 0
    with pytest.raises(ValueError):
        render_html(sample_graph, max_nodes=-1)


def test_page_words_in_chinese_by_default_and_in_english(sample_graph):
    zh, en = render_html(sample_graph), render_html(sample_graph, lang="en")
    assert parse(zh).find("html").attrs["lang"] == "zh" and parse(en).find("html").attrs["lang"] == "en"
    assert parse(zh).find("input", id="kg-search").attrs["placeholder"] == "搜索名称或别名…"
    assert parse(en).find("input", id="kg-search").attrs["placeholder"] == "Search a name or alias…"
    assert page_data(zh)["strings"]["kind.person"] == "人物" and page_data(en)["strings"]["kind.person"] == "person"
    assert set(page_data(zh)["strings"]) == set(page_data(en)["strings"])  # every word in both languages
    with pytest.raises(ValueError, match="language"):
        render_html(sample_graph, lang="fr")


# -- the page in a real browser -------------------------------------------------------------------------
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="headless Chromium (/usr/bin/chromium) is not installed")


def run_chromium(url: str, *extra: str) -> tuple[str, list[dict]]:
    """Load ``url`` headless; return the DOM after 5 s of virtual time and the page's own network requests."""
    with tempfile.TemporaryDirectory(prefix="kgraph-chromium-") as tmp:
        net_log = Path(tmp) / "net-log.json"
        command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                   "--no-first-run", "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", f"--user-data-dir={tmp}/profile",
                   # Nothing resolves, so not even Chromium's own housekeeping requests leave the machine.
                   "--host-resolver-rules=MAP * ~NOTFOUND",
                   f"--log-net-log={net_log}", "--virtual-time-budget=5000", *extra, url]
        # Its own process group, so that a hung run can be ended with all of Chromium's helper processes.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail("Chromium hung; an alert() dialog from injected script would do that")
        assert process.returncode == 0, stderr[-2000:]
        return stdout, page_requests(net_log)


def page_requests(net_log: Path) -> list[dict]:
    """Network requests a file:// page made; Chromium's own carry no initiator and another isolation key."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requests = [e["params"] for e in log["events"] if e["type"] == start_job and "url" in e.get("params", {})]
    return [r for r in requests if r.get("initiator") != "not an origin"
            or "file://" in str(r.get("network_isolation_key", ""))]


def file_url(path: Path, query: str | None = None) -> str:
    return path.resolve().as_uri() + (f"#q={quote(query)}" if query else "")


def body_of(dom: str) -> Element:
    return parse(dom).find("body")


def panel_title(dom: str) -> str:
    return parse(dom).find("aside", id="kg-panel").find("h2").text()


@needs_chromium
@pytest.mark.browser
def test_the_request_detector_catches_a_page_that_reaches_out(tmp_path):
    # Guards the next test: without this, an empty request list could mean the net log went unread.
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><img src="http://kgraph-control.invalid/x.png">', encoding="utf-8")
    _, requests = run_chromium(file_url(control), "--dump-dom")
    assert [r["url"] for r in requests] == ["http://kgraph-control.invalid/x.png"]


@needs_chromium
@pytest.mark.browser
def test_browser_draws_the_sample_offline_and_search_opens_a_node(sample_graph, tmp_path):
    page = tmp_path / "graph.html"
    write_html(sample_graph, page)
    dom, requests = run_chromium(file_url(page, "张三"), "--dump-dom")
    assert requests == []
    body = body_of(dom)
    assert body.attrs.get("data-kg-rendered") == "true", "vis-network never finished drawing"
    assert body.attrs["data-kg-placed"] == str(len(sample_graph.nodes()) - 1)  # all but the document
    hidden = len(sample_graph.nodes(Kind.STATEMENT)) + len(sample_graph.nodes(Kind.FIGURE))
    assert body.attrs["data-kg-visible"] == str(int(body.attrs["data-kg-placed"]) - hidden)
    assert panel_title(dom) == "张三"
    panel = parse(dom).find("aside", id="kg-panel").text()
    assert "doc-1" in panel and "任职于 · 董事长" in panel  # a position: relation and title
    root = parse(dom)
    legend_items = root.find("ul", id="kg-legend-list").find_all("li")
    assert {li.attrs["data-kind"] for li in legend_items} == drawable_kinds(sample_graph)
    assert root.find("div", id="kg-graph").find_all("canvas"), "no canvas: vis-network did not start"

    # 星河 is an alias of 星河科技 and also a prefix of 星河云's label: the exact alias wins.
    dom, _ = run_chromium(file_url(page, "星河"), "--dump-dom")
    assert panel_title(dom) == "星河科技"


@needs_chromium
@pytest.mark.browser
def test_browser_search_brings_in_a_left_out_node(sample_graph, tmp_path):
    page = tmp_path / "graph.html"
    write_html(sample_graph, page, max_nodes=3)
    dom, requests = run_chromium(file_url(page, "上海"), "--dump-dom")
    assert requests == []
    body = body_of(dom)
    assert body.attrs.get("data-kg-rendered") == "true"
    # 上海 was left out; choosing it adds it (its one neighbour, the event, was drawn already).
    assert body.attrs["data-kg-placed"] == "4"
    assert panel_title(dom) == "上海"
    assert "其余可通过搜索查看" in parse(dom).find("p", id="kg-status").text()  # "the others are one search away"


@needs_chromium
@pytest.mark.browser
def test_browser_shows_hostile_text_as_text(hostile_graph, tmp_path):
    page = tmp_path / "graph.html"
    write_html(hostile_graph, page)
    dom, requests = run_chromium(file_url(page, "script"), "--dump-dom")
    assert requests == []  # the name's <img src=x> never became an image
    assert body_of(dom).attrs.get("data-kg-rendered") == "true"
    assert panel_title(dom) == HOSTILE_NAME
    assert "<img src=x" not in dom and "<script>alert" not in dom
    assert not parse(dom).find_all("img")


def png_pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind, chunk = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(chunk[:4], "big"), int.from_bytes(chunk[4:8], "big")
            depth, colour_type, interlace = chunk[8], chunk[9], chunk[12]
            assert depth == 8 and colour_type in (2, 6) and interlace == 0
            channels = 3 if colour_type == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 0xFF
        rows.append(bytes(line[::channels // 3] if channels == 3 else
                          b"".join(line[i:i + 3] for i in range(0, stride, 4))))
        previous = line
    return width, height, rows


@needs_chromium
@pytest.mark.browser
def test_browser_screenshot_shows_nodes_in_their_kind_colours(sample_graph, tmp_path):
    page = tmp_path / "graph.html"
    write_html(sample_graph, page)
    shot = tmp_path / "graph.png"
    run_chromium(file_url(page), "--hide-scrollbars", "--window-size=1000,700", f"--screenshot={shot}")
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1000, 700)
    # Below the header and legend, left of the side panel: only the canvas. Count its pixels per kind colour.
    counts = {kind: 0 for kind in (Kind.PERSON, Kind.ORGANIZATION, Kind.PLACE, Kind.EVENT)}
    targets = {kind: bytes.fromhex(KIND_COLORS[kind][1:]) for kind in counts}
    for row in rows[160:]:
        for x in range(0, 600 * 3, 3):
            pixel = row[x:x + 3]
            for kind, target in targets.items():
                if all(abs(a - b) <= 6 for a, b in zip(pixel, target)):
                    counts[kind] += 1
    assert all(n >= 50 for n in counts.values()), counts
