"""Entities merged across documents: organisations by canonical or legal-form-free name, people by name
plus the organisation their document ties them to, with stable, order-independent IRIs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from rdflib import Literal, URIRef

from kgraph.graph import KnowledgeGraph
from kgraph.iri import entity_iri
from kgraph.model import Document, Entity, Evidence, Extraction, Fact, Kind, Rel
from kgraph.rdf import KG
from kgraph.resolve import (
    organization_iri,
    organization_key,
    organization_name,
    person_iri,
    person_key,
    preferred_label,
)


def article(doc_id: str, text: str, entities: list[tuple[str, str]],
            facts: list[tuple[str, tuple[str, str], tuple[str, str]]] = ()) -> Extraction:
    """An extraction whose entities are mentioned where their name first occurs in ``text``."""
    made = []
    for kind, name in entities:
        start = text.index(name)
        made.append(Entity(kind, name, mentions=[(start, start + len(name))], confidence=0.9))
    stated = []
    for relation, subject, obj in facts:
        start = text.index(subject[1])
        stated.append(Fact(relation, subject, obj, Evidence(doc_id, text, start, len(text), 0.8)))
    return Extraction(Document(doc_id, text), made, stated)


P, O = Kind.PERSON, Kind.ORGANIZATION


def member(person: str, org: str) -> tuple[str, tuple[str, str], tuple[str, str]]:
    return (Rel.MEMBER_OF, (P, person), (O, org))


def corpus() -> list[Extraction]:
    return [
        article("a", "星河科技有限公司CEO张伟表示，公司将继续投入研发。",
                [(O, "星河科技有限公司"), (P, "张伟")], [member("张伟", "星河科技有限公司")]),
        article("b", "星河科技总裁张伟称，今年营收增长。",
                [(O, "星河科技"), (P, "张伟")], [member("张伟", "星河科技")]),
        article("c", "月光传媒总裁张伟表示，公司不会裁员。",
                [(O, "月光传媒"), (P, "张伟")], [member("张伟", "月光传媒")]),
        article("d", "记者采访了张伟。张伟说，市场很好。", [(P, "张伟")]),
        article("e", "市场人士张伟认为，行业仍在增长。", [(P, "张伟")]),
        article("f", "星河电商是星河科技旗下的业务。星河电商负责人张伟表示，业务增长很快。",
                [(O, "星河电商"), (O, "星河科技"), (P, "张伟")],
                [(Rel.SUB_ORGANIZATION_OF, (O, "星河电商"), (O, "星河科技")),
                 (Rel.HEAD_OF, (P, "张伟"), (O, "星河电商"))]),
        article("g", "阿里巴巴集团董事长张勇出席了会议。", [(O, "阿里巴巴集团"), (P, "张勇")], [member("张勇", "阿里巴巴集团")]),
        article("h", "阿里巴巴宣布新战略，阿里将加大投入。", [(O, "阿里巴巴")]),
        article("i", "阿里发布财报。", [(O, "阿里")]),
        article("j", "星河旗下的星河云发布新品。", [(O, "星河"), (O, "星河云")],
                [(Rel.SUB_ORGANIZATION_OF, (O, "星河云"), (O, "星河"))]),
    ]


def build(extractions) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.update(extractions)
    return kg


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return build(corpus())


def test_same_person_with_the_same_organisation_is_one_node(kg):
    node = kg.graph.nodes[person_iri("张伟", "星河科技")]
    # a: 星河科技有限公司, b: 星河科技, f: the unit 星河电商 whose parent the document says is 星河科技
    assert node["docs"] == ["a", "b", "f"]
    assert node["merge_key"] == "张伟@星河科技"
    assert node["merge_reason"] == "same name and organisation 星河科技"
    assert {m[0] for m in node["mentions"]} == {"a", "b", "f"}


def test_namesakes_with_different_organisations_are_not_merged(kg):
    moon = kg.graph.nodes[person_iri("张伟", "月光传媒")]
    assert moon["docs"] == ["c"]
    assert person_iri("张伟", "月光传媒") != person_iri("张伟", "星河科技")
    assert len([n for n, d in kg.nodes(P) if d["label"] == "张伟"]) == 3  # 星河科技, 月光传媒, bare


def test_a_bare_mention_stays_with_the_bare_node(kg):
    bare = kg.graph.nodes[person_iri("张伟")]
    assert bare["docs"] == ["d", "e"]
    assert bare["merge_key"] == "张伟"
    assert bare["merge_reason"] == "same name, no organisation stated"
    assert person_iri("张伟") == entity_iri(P, "张伟")


def test_membership_edges_follow_the_merged_nodes(kg):
    star = organization_iri("星河科技")
    members = {u for u, v, d in kg.edges(Rel.MEMBER_OF) if v == star}
    assert members == {person_iri("张伟", "星河科技")}
    evidence_docs = sorted(ev["doc"] for u, v, d in kg.edges(Rel.MEMBER_OF) if v == star for ev in d["evidence"])
    assert evidence_docs == ["a", "b"]


def test_full_and_short_organisation_forms_are_one_node_with_aliases(kg):
    star = kg.graph.nodes[organization_iri("星河科技有限公司")]
    assert organization_iri("星河科技有限公司") == organization_iri("星河科技") == entity_iri(O, "星河科技")
    assert star["label"] == "星河科技" and "星河科技有限公司" in star["aliases"]
    assert star["merge_reason"] == "same name once legal forms are removed: 星河科技"
    assert {m[0] for m in star["mentions"]} == {"a", "b", "f"}

    alibaba = kg.graph.nodes[entity_iri(O, "阿里巴巴集团")]
    assert alibaba["label"] == "阿里巴巴集团"
    assert {"阿里巴巴", "阿里"} <= set(alibaba["aliases"])
    assert alibaba["docs"] == ["g", "h", "i"]
    assert alibaba["merge_reason"] == "known organisation 阿里巴巴集团 and its short forms (lexicon)"
    assert len([n for n, d in kg.nodes(O) if "阿里" in d["label"]]) == 1


def test_units_are_not_merged_with_their_parents(kg):
    iris = {n for n, _ in kg.nodes(O)}
    assert {organization_iri("星河电商"), organization_iri("星河科技"), organization_iri("星河"),
            organization_iri("星河云")} <= iris
    assert len({organization_iri(n) for n in ("星河电商", "星河科技", "星河", "星河云")}) == 4
    assert (organization_iri("星河电商"), organization_iri("星河科技")) in {(u, v) for u, v, _ in kg.edges(Rel.SUB_ORGANIZATION_OF)}


@pytest.mark.parametrize("name, key", [
    ("星河科技股份有限公司", "星河科技"), ("星河科技集团有限公司", "星河科技"), ("星河控股", "星河"),
    ("阿里", "阿里巴巴集团"), ("阿里巴巴集团有限公司", "阿里巴巴集团"), ("腾讯", "腾讯控股"), ("腾讯控股", "腾讯控股"),
    ("星河电商", "星河电商"), ("某公司", "某公司"), ("北京公司", "北京公司"), ("Alibaba", "阿里巴巴集团"),
])
def test_organization_key(name, key):
    assert organization_key(name)[0] == key


def test_person_key_uses_the_organisation_key():
    assert person_key("张伟", "星河科技有限公司") == ("张伟@星河科技", "same name and organisation 星河科技")
    assert person_key("张伟") == ("张伟", "same name, no organisation stated")


def test_preferred_label_is_a_total_order():
    assert preferred_label("星河科技", "星河科技有限公司") == preferred_label("星河科技有限公司", "星河科技") == "星河科技有限公司"
    assert preferred_label("Jack Ma", "jack ma") == preferred_label("jack ma", "Jack Ma")


def test_the_earliest_membership_decides_and_headship_counts():
    text = "前月光传媒总裁、现星河科技CEO张伟表示。"
    ex = article("x", text, [(O, "月光传媒"), (O, "星河科技"), (P, "张伟")])
    ex.facts = [Fact(Rel.MEMBER_OF, (P, "张伟"), (O, "星河科技"), Evidence("x", text, 8, len(text), 0.8)),
                Fact(Rel.HEAD_OF, (P, "张伟"), (O, "月光传媒"), Evidence("x", text, 1, len(text), 0.8))]
    kg = build([ex])
    assert {n for n, _ in kg.nodes(P)} == {person_iri("张伟", "月光传媒")}


def test_forms_of_one_name_in_one_document_make_no_self_loop():
    text = "星河科技有限公司（简称星河科技）发布财报。"
    ex = article("s", text, [(O, "星河科技有限公司"), (O, "星河科技")],
                 [(Rel.SUB_ORGANIZATION_OF, (O, "星河科技"), (O, "星河科技有限公司"))])
    kg = build([ex])
    assert len(kg.nodes(O)) == 1
    assert kg.edges(Rel.SUB_ORGANIZATION_OF) == []


def test_merge_key_and_reason_are_in_the_rdf(kg):
    ds = kg.to_rdf()
    node = URIRef(person_iri("张伟", "星河科技"))
    assert set(ds.objects(node, KG.mergeKey)) == {Literal("张伟@星河科技")}
    assert set(ds.objects(node, KG.mergeReason)) == {Literal("same name and organisation 星河科技")}
    star = URIRef(organization_iri("星河科技"))
    names = {str(o) for o in ds.objects(star, URIRef("https://schema.org/alternateName"))}
    assert "星河科技有限公司" in names


def test_each_document_alone_names_a_merged_node_alike():
    """A store keeps one graph per document: the name must not depend on which form that document used."""
    full, short = corpus()[0], corpus()[1]  # 星河科技有限公司 / 星河科技
    labels = {build([ex]).graph.nodes[organization_iri("星河科技")]["label"] for ex in (full, short)}
    assert labels == {"星河科技"}
    assert organization_name("星河科技股份有限公司") == "星河科技"
    assert organization_name("阿里") == "阿里巴巴集团"
    assert organization_name("ＡＣＭＥ 有限公司") == "ACME"


def test_iris_and_merges_do_not_depend_on_document_order():
    forward, backward = build(corpus()), build(reversed(corpus()))

    def summary(kg):
        return {n: (d["label"], d.get("aliases"), d["docs"], d.get("merge_key"), d.get("merge_reason"))
                for n, d in kg.nodes()}

    assert summary(forward) == summary(backward)
    assert sorted(forward.graph.edges(keys=True)) == sorted(backward.graph.edges(keys=True))


RUN = textwrap.dedent("""
    import json, sys
    from kgraph.model import Document
    from kgraph.pipeline import build
    texts = json.loads(sys.argv[1])
    docs = [Document(f"doc-{i}", t) for i, t in enumerate(texts)]
    if sys.argv[2] == "reversed":
        docs.reverse()
    kg = build(docs)
    print(json.dumps(sorted([n, d["label"], d.get("merge_key")] for n, d in kg.nodes() if d["kind"] != "document"),
                     ensure_ascii=False))
""")


def test_iris_are_identical_across_runs_of_the_pipeline(tmp_path):
    """Two processes (other hash seeds, other document order) give the same nodes from real text."""
    texts = ["星河科技有限公司首席执行官张伟在发布会上表示，公司将继续投入研发。",
             "星河科技CEO张伟称，今年营收增长30%。阿里巴巴集团董事长张勇也出席了会议。",
             "阿里宣布新战略。记者采访了张伟。张伟说，市场很好。"]
    outputs = []
    for seed, order in (("1", "forward"), ("2", "reversed")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", RUN, json.dumps(texts), order], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    people = {tuple(row) for row in outputs[0] if "/person/" in row[0]}
    assert any(row[2] == "张伟@星河科技" for row in people), people
