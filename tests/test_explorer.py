"""The explorer at corpus scale: the first view (kgraph.explore) and the static page driven in headless Chromium."""
from __future__ import annotations

import pytest
from conftest import make_extraction
from webdriver import Browser, available

from kgraph.explore import Entity, draw_count_of, overview
from kgraph.exporters.html import write_html
from kgraph.graph import KnowledgeGraph
from kgraph.model import Document, Entity as Mention, Evidence, Extraction, Fact, Kind, OrgType, Rel

N_DOCS = 60
COMPANIES = ["甲骨科技", "乙木科技", "丙火银行", "丁山汽车", "戊土传媒"]


def company_of(j: int) -> int:
    return j % len(COMPANIES)


def corpus_extraction(j: int) -> Extraction:
    """Article j: company c mentioned when j % (c + 1) == 0 (甲骨科技 in every article, 乙木科技 in half ...),
    a person who holds a post at the article's own company, and three names no other article mentions."""
    person, own = f"人物{j:02d}", COMPANIES[company_of(j)]
    sentence = f"{own}总裁{person}表示，公司今年将加大投入。"
    text = sentence + "".join(f"{c}也参与其中。" for i, c in enumerate(COMPANIES) if j % (i + 1) == 0)
    text += f"同时提到品牌{j}甲、品牌{j}乙和品牌{j}丙。"
    doc = Document(id=f"article-{j:02d}", text=text, title=f"第{j}篇：{own}新动向", date=f"2018-{1 + j % 12:02d}-15")
    companies = {COMPANIES[company_of(j)]} | {c for i, c in enumerate(COMPANIES) if j % (i + 1) == 0}
    entities = [Mention(Kind.ORGANIZATION, c, subtype=OrgType.COMPANY, confidence=0.9) for c in sorted(companies)]
    people = Mention(Kind.PERSON, person, confidence=0.9)
    brands = [Mention(Kind.BRAND, f"品牌{j}{suffix}") for suffix in "甲乙丙"]
    evidence = Evidence(doc.id, sentence, 0, len(sentence), 0.9)
    facts = [Fact(Rel.MEMBER_OF, people.ref, (Kind.ORGANIZATION, own), evidence, {"title": "总裁", "former": j % 2 == 0})]
    return Extraction(doc, entities + [people] + brands, facts)


def corpus_graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    for j in range(N_DOCS):
        kg.add(corpus_extraction(j))
    return kg


# -- the first view ---------------------------------------------------------------------------------
def test_the_overview_ranks_by_articles_and_adapts_the_number_drawn():
    entities = [Entity(f"urn:e{i}", Kind.ORGANIZATION, tuple(f"d{(i + 13 * k) % 200}" for k in range(i % 7 + 1)), i % 3)
                for i in range(400)]
    view = overview(entities, [("urn:e6", "urn:e13")])
    assert [len(entities[int(iri[5:])].docs) for iri in view.pool[:3]] == [7, 7, 7]
    recurring = sum(1 for e in entities if len(e.docs) >= 2)
    assert view.draw == min(150, recurring) == draw_count_of(400, recurring)
    assert draw_count_of(100, 3) == 100  # a small graph is drawn whole
    assert draw_count_of(5000, 3) == 40 and draw_count_of(5000, 90) == 90 and draw_count_of(5000, 900) == 150
    assert set(view.positions) == set(view.pool[:view.draw])
    again = overview(list(reversed(entities)), [("urn:e6", "urn:e13")])
    assert again == view  # deterministic, whatever order the graph comes in


def test_communities_group_entities_that_are_mentioned_together():
    # two groups of five entities, each group sharing its own articles
    entities = [Entity(f"urn:a{i}", Kind.PERSON, ("a1", "a2", "a3"), 1) for i in range(5)]
    entities += [Entity(f"urn:b{i}", Kind.PERSON, ("b1", "b2", "b3"), 1) for i in range(5)]
    view = overview(entities, [])
    a = {view.communities[f"urn:a{i}"] for i in range(5)}
    b = {view.communities[f"urn:b{i}"] for i in range(5)}
    assert len(a) == 1 and len(b) == 1 and a != b
    assert view.together and all(u[4] == v[4] and n == 3 for u, v, n in view.together)  # links inside a group


# -- the page in a browser ------------------------------------------------------------------------------
needs_browser = pytest.mark.skipif(not available(), reason="headless Chromium and chromedriver are not installed")


@pytest.fixture(scope="module")
def browser():
    if not available():
        pytest.skip("headless Chromium and chromedriver are not installed")
    with Browser(1400, 900) as b:
        yield b


RENDERED = "return document.body.getAttribute('data-kg-rendered') === 'true'"
DRAWN_NAMES = "Array.from(document.querySelectorAll('#kg-drawn li button')).map(b => b.textContent)"
DRAWN = f"return {DRAWN_NAMES}"
TITLE = "((document.querySelector('#kg-panel h2') || {}).textContent || null)"
PANEL_TITLE = f"return {TITLE}"


@pytest.fixture(scope="module")
def corpus_page(tmp_path_factory):
    page = tmp_path_factory.mktemp("corpus") / "graph.html"
    write_html(corpus_graph(), page)
    return page


@needs_browser
@pytest.mark.browser
def test_corpus_page_first_view_shows_the_most_mentioned(browser, corpus_page):
    browser.open(corpus_page.as_uri())
    browser.wait_for(RENDERED)
    drawn = browser.run(DRAWN)
    assert set(COMPANIES) <= set(drawn[:5])  # the five companies, most mentioned first
    assert len(drawn) == 40  # 60 people and 180 brands are mentioned once: the least the first view draws
    assert not any(name.startswith("品牌") for name in drawn[:5])
    status = browser.run("return document.getElementById('kg-status').textContent")
    assert "被提及最多的 40 个" in status and "245" in status


@needs_browser
@pytest.mark.browser
def test_search_opens_a_profile_and_its_evidence(browser, corpus_page):
    browser.open(corpus_page.as_uri())
    browser.wait_for(RENDERED)
    browser.search("人物07")
    assert browser.wait_for(PANEL_TITLE) == "人物07"
    positions = browser.run("return document.querySelector('#kg-panel .kg-positions').textContent")
    assert COMPANIES[company_of(7)] in positions and "总裁" in positions and "现任" in positions
    assert "2018-08-15" in positions  # the date of the article that says so
    browser.click("#kg-panel .kg-positions .kg-evidence-button")
    assert browser.wait_for(f"var t = {TITLE}; return t && t.indexOf('总裁') >= 0 && t")
    evidence = browser.run("return document.querySelector('#kg-panel .kg-evidence').textContent")
    assert "人物07表示" in evidence and "第7篇" in evidence and "article-07" in evidence

    # the company's profile lists its people and the entities most mentioned with it
    browser.run("location.hash = '#q=' + encodeURIComponent(arguments[0])", COMPANIES[1])
    assert browser.wait_for(PANEL_TITLE) == COMPANIES[1]
    people = browser.run("return document.querySelector('#kg-panel .kg-people').textContent")
    assert "人物01" in people and "人物06" in people
    co = browser.run("return document.querySelector('#kg-panel .kg-comentions').textContent")
    assert COMPANIES[0] in co  # 甲骨科技 is in every article 乙木科技 is in


@needs_browser
@pytest.mark.browser
def test_filters_redraw_the_view(browser, corpus_page):
    browser.open(corpus_page.as_uri())
    browser.wait_for(RENDERED)
    browser.run("var i = document.getElementById('kg-min-docs'); i.value = '25'; i.dispatchEvent(new Event('change'))")
    # articles: 甲骨科技 60, 乙木科技 36, 丙火银行 28, 丁山汽车 24, 戊土传媒 24, the others 1
    drawn = browser.wait_for(f"var d = {DRAWN_NAMES}; return d.length === 3 && d")
    assert drawn == COMPANIES[:3]
    browser.run("document.getElementById('kg-reset').click()")
    browser.run("var s = document.getElementById('kg-article'); s.value = 'article-07'; s.dispatchEvent(new Event('change'))")
    drawn = browser.wait_for(f"var d = {DRAWN_NAMES}; return d.indexOf('人物07') >= 0 && d")
    assert set(drawn) == {COMPANIES[0], COMPANIES[company_of(7)], "人物07", "品牌7甲", "品牌7乙", "品牌7丙"}
    browser.run("document.getElementById('kg-reset').click()")
    browser.run("var i = document.getElementById('kg-date-from'); i.value = '2018-12-01'; i.dispatchEvent(new Event('change'))")
    drawn = browser.wait_for(f"var d = {DRAWN_NAMES}; return d.indexOf('人物11') >= 0 && d")
    assert "人物12" not in drawn and "人物11" in drawn and "人物23" in drawn  # articles dated 2018-12-15 only


@needs_browser
@pytest.mark.browser
def test_evidence_of_a_relation_to_a_hidden_kind_opens(browser, tmp_path):
    # 星河云's figure (35%) is of a kind hidden by default: its relation is not in the drawing
    kg = KnowledgeGraph()
    kg.add(make_extraction())
    page = tmp_path / "graph.html"
    write_html(kg, page)
    browser.open(page.as_uri() + "#q=" + "星河云")
    assert browser.wait_for(PANEL_TITLE) == "星河云"
    browser.run("Array.from(document.querySelectorAll('#kg-panel .kg-relations li')).find("
                "li => li.textContent.indexOf('35%') >= 0).querySelector('.kg-evidence-button').click()")
    assert browser.wait_for(f"var t = {TITLE}; return t !== '星河云' && t") == "衡量"
    assert "营收增长35%" in browser.run("return document.querySelector('#kg-panel .kg-evidence').textContent")
    assert "错误" not in browser.run("return document.getElementById('kg-status').textContent")
