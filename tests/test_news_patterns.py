"""Patterns of business news (issue 8): bylines, cited outlets, Latin-script names, units, repaired tagger spans,
generic descriptions and the confidence of positions. Every name here is invented; well-known organisations
(腾讯, 百度) come from ontology/lexicons/organizations.tsv."""
from __future__ import annotations

from kgraph.loaders import document_from_text
from kgraph.model import Extraction, Kind, Rel
from kgraph.pipeline import extract_one

DOC_DATE = "2023-05-10"


def run(text: str) -> Extraction:
    return extract_one(document_from_text(text, id="t", date=DOC_DATE))


def names(ex: Extraction, kind: str) -> set[str]:
    return {e.name for e in ex.entities if e.kind == kind}


def positions(ex: Extraction) -> set[tuple[str, str, str]]:
    return {(f.subject[1], f.props["title"], f.object[1]) for f in ex.facts if f.relation == Rel.MEMBER_OF}


def pairs(ex: Extraction, relation: str) -> set[tuple[str, str]]:
    return {(f.subject[1], f.object[1]) for f in ex.facts if f.relation == relation}


# -- bylines and cited outlets ---------------------------------------------------------------------------
def test_byline_names_two_journalists_of_the_outlet():
    ex = run("星河日报记者 王立群 李海峰 北京报道\n云启科技昨日宣布完成新一轮融资。")
    assert {"王立群", "李海峰"} <= names(ex, Kind.PERSON)
    assert {("王立群", "记者", "星河日报"), ("李海峰", "记者", "星河日报")} <= positions(ex)


def test_byline_in_brackets_takes_the_dateline_outlet():
    ex = run("星河晚报讯（记者 周子健）云启科技昨日宣布完成新一轮融资。")
    assert "周子健" in names(ex, Kind.PERSON)
    assert ("周子健", "记者", "星河晚报") in positions(ex)


def test_credit_line_names_the_author():
    ex = run("文｜赵一鸣\n云启科技昨日宣布完成新一轮融资。")
    assert "赵一鸣" in names(ex, Kind.PERSON)
    assert ("赵一鸣", "作者") in pairs(ex, Rel.JOB_TITLE)


def test_reporter_in_running_text_is_no_byline():
    ex = run("云启科技负责人向记者表示，公司将扩大投入。")
    assert not any(f.props.get("title") == "记者" for f in ex.facts)


def test_outlet_cited_in_title_marks_is_an_organisation():
    ex = run("据《星河财经》报道，云启科技将于明年上市。")
    assert "星河财经" in names(ex, Kind.ORGANIZATION)
    assert "星河财经" not in names(ex, Kind.WORK)


def test_a_report_in_title_marks_stays_a_work():
    ex = run("云启科技发布的《年度报告》指出，收入增长了两成。")
    assert "年度报告" not in names(ex, Kind.ORGANIZATION)


def test_source_line_names_an_outlet():
    ex = run("来源：星河周刊\n云启科技昨日宣布完成新一轮融资。")
    assert "星河周刊" in names(ex, Kind.ORGANIZATION)


# -- Latin-script names -----------------------------------------------------------------------------------
def test_latin_organisation_after_a_type_word():
    ex = run("企业软件公司Zentrix于10月11日上市，发行价高于预期。")
    assert "Zentrix" in names(ex, Kind.ORGANIZATION)


def test_latin_person_before_a_speech_verb():
    ex = run("Anna Berglund表示，亚洲市场仍有很大空间。")
    assert "Anna Berglund" in names(ex, Kind.PERSON)


def test_latin_word_without_a_cue_is_left_alone():
    ex = run("这款手机支持Quickcharge技术。")
    assert "Quickcharge" not in names(ex, Kind.ORGANIZATION)


# -- sub-organisations --------------------------------------------------------------------------------------
def test_unit_stated_with_qixia():
    ex = run("云启科技旗下的澜舟资本宣布领投这轮融资。")
    assert ("澜舟资本", "云启科技") in pairs(ex, Rel.SUB_ORGANIZATION_OF)


def test_unit_stated_in_brackets():
    ex = run("澜舟资本（云启科技全资子公司）宣布领投这轮融资。")
    assert ("澜舟资本", "云启科技") in pairs(ex, Rel.SUB_ORGANIZATION_OF)


def test_unit_shown_by_its_name():
    ex = run("云启科技去年成立了云启科技基金会，理事长王立群表示，基金会将资助青年学者。")
    assert ("云启科技基金会", "云启科技") in pairs(ex, Rel.SUB_ORGANIZATION_OF)


def test_legal_form_is_the_same_organisation_not_a_unit():
    ex = run("云启科技的母公司云启科技集团宣布，云启科技将独立上市。")
    assert ("云启科技集团", "云启科技") not in pairs(ex, Rel.SUB_ORGANIZATION_OF)


# -- spans and generic descriptions -----------------------------------------------------------------------
def test_tagger_span_ending_inside_a_word_is_repaired():
    from kgraph.nlp.components import new_analysis
    from kgraph.nlp.spans import repair_span
    from kgraph.pipeline import make_nlp

    nlp = make_nlp(statistical=False)
    text = "正如王立群所说，市场仍在增长。"
    a = new_analysis(nlp(text))
    start = text.index("王立群")
    assert repair_span(a, start, start + 4, Kind.PERSON) == (start, start + 3)  # 王立群所|说 -> 王立群


def test_description_with_gongsi_is_no_organisation():
    ex = run("如果云启科技被收购，那就和国内那些电动车公司没有什么区别。")
    assert "电动车公司" not in names(ex, Kind.ORGANIZATION)


def test_product_is_no_organisation():
    ex = run("用户可以在微信上完成支付，云启科技表示。")
    assert "微信" not in names(ex, Kind.ORGANIZATION)


# -- positions and their confidence ---------------------------------------------------------------------
def test_country_is_not_part_of_a_title():
    ex = run("美国总统赵一鸣表示，贸易谈判仍在继续。")
    assert {(f.subject[1], f.props["title"]) for f in ex.facts if f.relation == Rel.JOB_TITLE} == {("赵一鸣", "总统")}


def test_title_before_de_and_name():
    ex = run("担任百度首席运营官的何志远曾先后在多家公司任职。")
    assert ("何志远", "首席运营官", "百度") in positions(ex)


def test_position_confidence_follows_its_evidence():
    ex = run("百度副总裁王立群表示，公司会更好。云启科技中国区业务负责人周子健表示，团队将扩大。")
    conf = {(f.subject[1], f.props["title"]): f.evidence.confidence for f in ex.facts if f.relation == Rel.MEMBER_OF}
    assert conf[("王立群", "副总裁")] >= 0.8        # a well-known organisation and a lexicon title
    assert conf[("周子健", "中国区业务负责人")] < 0.8  # a coined organisation and a title the lexicon lacks
