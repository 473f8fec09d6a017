"""Shared fixtures: a small hand-made graph covering every kind and relation, and paths to shared/."""
from __future__ import annotations

from pathlib import Path

import pytest

from kgraph.graph import KnowledgeGraph
from kgraph.model import Document, Entity, Evidence, Extraction, Fact, Kind, OrgType, Rel

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "kuaishou-gravity-conference-2022.md"
SEED_GOLD = SHARED / "eval" / "seed-gold.json"

SAMPLE_TEXT = ("5月8日，星河科技在上海举办了“星河开发者大会”。星河科技董事长兼CEO张三表示，公司将推出“繁星计划”。"
               "张三是星河科技的创始人。星河云是星河科技旗下的云计算业务，营收增长35%。")


def make_extraction(person: str = "张三", doc_id: str = "doc-1") -> Extraction:
    doc = Document(id=doc_id, text=SAMPLE_TEXT, title="星河科技发布“繁星计划”", url="https://example.com/a/1",
                   date="2022-05-09T08:00:00+08:00", publisher="示例新闻网", source=f"{doc_id}.txt")
    s1 = SAMPLE_TEXT[:27]
    s2 = SAMPLE_TEXT[27:SAMPLE_TEXT.index("张三是")]
    s3 = SAMPLE_TEXT[SAMPLE_TEXT.index("张三是"):SAMPLE_TEXT.index("星河云")]
    s4 = SAMPLE_TEXT[SAMPLE_TEXT.index("星河云"):]

    def ev(sentence: str, confidence: float = 0.9) -> Evidence:
        start = SAMPLE_TEXT.index(sentence)
        return Evidence(doc_id, sentence, start, start + len(sentence), confidence)

    p = Entity(Kind.PERSON, person, mentions=[(SAMPLE_TEXT.index("张三"), SAMPLE_TEXT.index("张三") + 2)], confidence=0.9)
    org = Entity(Kind.ORGANIZATION, "星河科技", subtype=OrgType.COMPANY, aliases={"星河"}, mentions=[(6, 10)], confidence=0.9)
    unit = Entity(Kind.ORGANIZATION, "星河云", subtype=OrgType.COMPANY, mentions=[(SAMPLE_TEXT.index("星河云"), SAMPLE_TEXT.index("星河云") + 3)])
    chair = Entity(Kind.ROLE, "董事长")
    ceo = Entity(Kind.ROLE, "CEO")
    place = Entity(Kind.PLACE, "上海", mentions=[(11, 13)])
    event = Entity(Kind.EVENT, "星河开发者大会", props={"start_date": "2022-05-08", "theme": "连接未来"})
    plan = Entity(Kind.INITIATIVE, "繁星计划")
    stmt = Entity(Kind.STATEMENT, "公司将推出“繁星计划”", props={"key": f"{doc_id}:s2", "text": "公司将推出“繁星计划”", "verb": "表示"})
    fig = Entity(Kind.FIGURE, "35%", props={"key": f"{doc_id}:fig1", "value": 0.35, "unit": "%", "measure": "营收增长"})
    facts = [
        Fact(Rel.MEMBER_OF, p.ref, org.ref, ev(s2), {"title": "董事长", "former": False}),
        Fact(Rel.MEMBER_OF, p.ref, org.ref, ev(s2), {"title": "CEO", "former": False}),
        Fact(Rel.HEAD_OF, p.ref, org.ref, ev(s2, 0.8)),
        Fact(Rel.FOUNDED, p.ref, org.ref, ev(s3)),
        Fact(Rel.SUB_ORGANIZATION_OF, unit.ref, org.ref, ev(s4, 0.7)),
        Fact(Rel.PROPOSED_BY, plan.ref, org.ref, ev(s2, 0.8)),
        Fact(Rel.ORGANIZER, event.ref, org.ref, ev(s1)),
        Fact(Rel.LOCATION, event.ref, place.ref, ev(s1)),
        Fact(Rel.SPEAKER, stmt.ref, p.ref, ev(s2)),
        Fact(Rel.MEASURES, fig.ref, unit.ref, ev(s4, 0.5)),
    ]
    return Extraction(doc, [p, org, unit, chair, ceo, place, event, plan, stmt, fig], facts)


@pytest.fixture
def sample_graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.add(make_extraction())
    return kg


@pytest.fixture
def hostile_graph() -> KnowledgeGraph:
    """A graph whose person name and sentence try to break out of HTML."""
    kg = KnowledgeGraph()
    kg.add(make_extraction(person='<script>alert("x")</script><img src=x onerror=alert(1)>'))
    return kg


@pytest.fixture
def extracted(monkeypatch) -> list[str]:
    """The ids of the documents the NLP pipeline is run on, in order."""
    import kgraph.pipeline

    seen: list[str] = []
    real = kgraph.pipeline.extract

    def spy(documents, **kwargs):
        def noted():
            for document in documents:
                seen.append(document.id)
                yield document

        return real(noted(), **kwargs)

    monkeypatch.setattr(kgraph.pipeline, "extract", spy)
    return seen
