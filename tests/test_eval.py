"""`kgraph eval`, kgraph.evaluation, kgraph.datasets and kgraph.scores: the readers on tiny hand-made files,
the scorers on hand-made predictions, calibration buckets, the CLI end to end, and the seed article's gold
graph (from ../shared/)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import SEED_GOLD, SHARED

from kgraph.cli import main
from kgraph.datasets import Example, RelationExample, read_cluener, read_duie, read_gold_graph, read_tagged
from kgraph.evaluation import (
    format_report, is_chair_title, kgraph_mentions, run_pipeline, score_gold_graph, score_ner, score_relations,
)
from kgraph.scores import Calibration, Score, bucket_of
from kgraph.model import Document, Entity, Evidence, Extraction, Fact

CLUENER_MAP = {"name": "person", "company": "organization", "position": "title"}


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


# -- readers ------------------------------------------------------------------------------------------
def test_read_tagged_bio(tmp_path):
    f = write(tmp_path / "a.bio", "张 B-PER\n三 I-PER\n在 O\n北 B-LOC\n京 I-LOC\n\n\n华 I-ORG\n为 I-ORG\n好 O\n")
    a, b = read_tagged(f, "bio")
    assert (a.text, a.spans) == ("张三在北京", ((0, 2, "PER"), (3, 5, "LOC")))
    assert (b.id, b.text, b.spans) == ("a.bio:2", "华为好", ((0, 2, "ORG"),))  # a stray I- opens a span


def test_read_tagged_bmes_and_any_label_set(tmp_path):
    f = write(tmp_path / "a.bmes", "吴 B-NAME\n重 M-NAME\n阳 E-NAME\n， O\n工 S-TITLE\nx B-FOO\ny E-FOO\n")
    (ex,) = read_tagged(f, "bmes")
    assert ex.spans == ((0, 3, "NAME"), (4, 5, "TITLE"), (5, 7, "FOO"))
    assert read_tagged(f) == [ex]  # auto accepts BMES too


def test_read_tagged_rejects_what_it_cannot_read(tmp_path):
    with pytest.raises(ValueError, match=r"a.bmes:3: tag 'E-NAME' is not BIO"):
        read_tagged(write(tmp_path / "a.bmes", "吴 B-NAME\n重 I-NAME\n阳 E-NAME\n"), "bio")
    with pytest.raises(ValueError, match=r"b.bio:2: expected 'char TAG'"):
        read_tagged(write(tmp_path / "b.bio", "吴 B-PER\nBROKEN\n"), "bio")


def test_read_cluener(tmp_path):
    line = {"text": "华为CEO任正非说", "label": {"company": {"华为": [[0, 1]]}, "name": {"任正非": [[5, 7]]}}}
    f = write(tmp_path / "dev.json", json.dumps(line, ensure_ascii=False) + "\n\n" + json.dumps({"text": "无"}) + "\n")
    a, b = read_cluener(f)
    assert a.spans == ((0, 2, "company"), (5, 8, "name")) and a.id == "dev.json:1"
    assert (b.text, b.spans) == ("无", ())
    line["label"]["name"]["任正非"] = [[4, 6]]
    with pytest.raises(ValueError, match="dev.json:1: '任正非' is not at"):
        read_cluener(write(tmp_path / "dev.json", json.dumps(line, ensure_ascii=False)))


def test_read_duie(tmp_path):
    rows = [{"text": "星河科技董事长张三", "spo_list": [
                {"predicate": "董事长", "subject": "星河科技", "object": {"@value": "张三"}},
                {"predicate": "简称", "subject": "星河科技有限公司", "object": "星河"}]},
            {"text": "无关", "spo_list": []}]
    f = write(tmp_path / "d.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    a, b = read_duie(f)
    assert a.triples == (("董事长", "星河科技", "张三"), ("简称", "星河科技有限公司", "星河"))
    assert (b.text, b.triples) == ("无关", ())


def test_read_gold_graph_resolves_articles(tmp_path):
    (tmp_path / "seed").mkdir()
    (tmp_path / "eval").mkdir()
    write(tmp_path / "seed" / "a.md", "文章")
    write(tmp_path / "eval" / "b.txt", "文章")
    write(tmp_path / "eval" / "1.json", json.dumps({"file": "seed/a.md", "persons": []}))  # the parent folder
    write(tmp_path / "eval" / "2.json", json.dumps({"file": "b.txt"}))                       # its own folder
    graphs = read_gold_graph(tmp_path / "eval")
    assert [g.article for g in graphs] == [tmp_path / "seed" / "a.md", tmp_path / "eval" / "b.txt"]
    other = tmp_path / "elsewhere"
    (other / "seed").mkdir(parents=True)
    write(other / "seed" / "a.md", "文章")
    assert read_gold_graph(tmp_path / "eval" / "1.json", root=other)[0].article == other / "seed" / "a.md"
    write(tmp_path / "eval" / "3.json", json.dumps({"file": "nowhere.md"}))
    with pytest.raises(FileNotFoundError, match="nowhere.md"):
        read_gold_graph(tmp_path / "eval")
    with pytest.raises(ValueError, match="not a gold graph"):
        read_gold_graph(write(tmp_path / "x.json", "[]"))


# -- scoring ------------------------------------------------------------------------------------------
def test_exact_span_and_entity_string_differ():
    text = "张三说张三和李四去了华为"
    gold = Example("s1", text, ((0, 2, "name"), (6, 8, "name"), (10, 12, "company"), (3, 5, "book")))
    preds = [(3, 5, "person", 0.9),        # 张三 at its other occurrence: a string match, not an exact one
             (6, 8, "person", 0.7),        # 李四: right
             (9, 12, "organization", 0.5),  # 了华为: boundary error
             (0, 1, "place", 0.9)]         # a type that is not scored here
    report = score_ner([gold], [preds], CLUENER_MAP)
    exact, string = report.sections["exact span"], report.sections["entity string"]
    assert list(exact) == ["person", "organization", "title", "micro"]
    p = exact["person"]
    assert (p.gold, p.predicted, p.correct, p.found) == (2, 2, 1, 1) and p.precision == p.recall == 0.5
    assert string["person"].correct == 2 and string["person"].f1 == 1.0
    assert exact["organization"].f1 == 0.0 and exact["title"].f1 is None
    micro = exact["micro"]
    assert (micro.gold, micro.predicted, micro.correct) == (3, 3, 1)
    assert micro.f1 == pytest.approx(1 / 3)
    assert report.errors == {"person": {"fp wrong type": 1, "fn missed": 1},
                             "organization": {"fp boundary": 1, "fn boundary": 1}}
    wrong = next(e for e in report.error_examples if e["error"] == "fp wrong type")
    assert wrong["text"] == "张三" and wrong["other"] == ["张三", "other:book"]


def test_score_arithmetic_and_empty_cases():
    s = Score(gold=4, predicted=5, correct=3, found=2)
    assert (s.precision, s.recall) == (0.6, 0.5)
    assert s.f1 == pytest.approx(2 * 0.6 * 0.5 / 1.1)
    assert (Score().precision, Score().recall, Score().f1) == (None, None, None)
    assert (Score(gold=3).precision, Score(gold=3).recall, Score(gold=3).f1) == (None, 0.0, 0.0)
    assert Score(predicted=2).f1 == 0.0
    report = score_ner([Example("e", "空", ())], [[]], CLUENER_MAP)
    assert all(s.f1 is None for s in report.sections["exact span"].values())
    assert "-" in format_report(report)


def test_calibration_buckets():
    assert [bucket_of(c) for c in (1.0, 0.9, 0.85, 0.85 - 0.05, 0.6, 0.59, 0.0)] == [
        ">=0.9", ">=0.9", "0.8-0.9", "0.8-0.9", "0.6-0.8", "<0.6", "<0.6"]
    c = Calibration()
    for conf, ok in [(0.95, True), (0.9, False), (0.85, True), (0.7, False), (0.3, True)]:
        c.add(conf, ok)
    rows = {label: (n, right, p) for label, n, right, p in c.rows()}
    assert rows[">=0.9"] == (2, 1, 0.5) and rows["0.8-0.9"] == (1, 1, 1.0)
    assert rows[">=0.8"] == (3, 2, pytest.approx(2 / 3)) and rows["<0.6"] == (1, 1, 1.0)
    assert c.to_dict()["0.6-0.8"] == {"predicted": 1, "correct": 0, "precision": 0.0}
    report = score_ner([Example("e", "张三", ((0, 2, "name"),))], [[(0, 2, "person", 0.85)]], CLUENER_MAP)
    assert report.calibration["all mentions"].counts["0.8-0.9"] == [1, 1]


def test_score_relations():
    examples = [RelationExample("1", "…", (("董事长", "星河科技", "张三"), ("创始人", "星河科技", "李四"))),
                RelationExample("2", "…", (("成立日期", "星河科技", "2001年"),))]
    predictions = [[("董事长", frozenset({"星河科技集团", "星河科技"}), frozenset({"张三"}), 0.85),
                    ("董事长", frozenset({"星河科技"}), frozenset({"王五"}), 0.75),
                    ("简称", frozenset({"星河科技集团"}), frozenset({"星河"}), None)],
                   []]
    report = score_relations(examples, predictions)
    rows = report.sections["relations"]
    assert (rows["董事长"].correct, rows["董事长"].predicted, rows["董事长"].found) == (1, 2, 1)
    assert (rows["创始人"].recall, rows["创始人"].precision) == (0.0, None)
    assert rows["成立日期"].note == "not extracted" and rows["成立日期"].recall == 0.0
    assert rows["董事长+创始人"].gold == 2 and rows["董事长+创始人"].f1 == pytest.approx(0.5)
    assert rows["简称"].predicted == 1 and rows["简称"].correct == 0
    facts = report.calibration["relation facts"].counts
    assert facts["0.8-0.9"] == [1, 1] and facts["0.6-0.8"] == [1, 0]  # the alias carries no confidence
    assert "not extracted" in format_report(report)
    assert {(e["type"], e["error"]) for e in report.error_examples} >= {("董事长", "fp"), ("创始人", "fn")}


def test_chair_titles():
    assert all(map(is_chair_title, ["董事长", "联席董事长", "董事局主席", "董事会主席", "集团董事长"]))
    assert not any(map(is_chair_title, ["副董事长", "名誉董事长", "董事", "总裁", "", None]))


def test_score_gold_graph_with_alternatives_and_optional_items():
    gold = {"persons": [{"name": "张三"}, {"name": "李四", "aliases": ["小李"]}], "not_persons": ["王五"],
            "organizations": [{"name": "星河"}, {"name": "星河云", "optional": True}],
            "positions": [{"person": "张三", "any_of": [{"title": "总裁", "org": "星河"}, {"title": "总裁", "org": None}]},
                          {"person": "李四", "title": "主播", "org": None}],
            "initiatives": {"required": ["繁星计划"], "expected": ["星火"],
                            "proposed_by": [{"initiative": "繁星计划", "org": "星河"}]}}
    ev = Evidence("d", "…", 0, 1, 0.85)
    entities = [Entity("person", "张三", confidence=0.9), Entity("person", "小李", confidence=0.7),
                Entity("person", "王五", confidence=0.6), Entity("organization", "星河科技", aliases={"星河"}),
                Entity("organization", "星河云")]
    facts = [Fact("member_of", ("person", "张三"), ("organization", "星河科技"), ev, {"title": "总裁"}),
             Fact("job_title", ("person", "小李"), ("role", "主播"), ev, {"title": "主播"}),
             Fact("member_of", ("person", "王五"), ("organization", "星河科技"), ev, {"title": "总裁"})]
    for initiative in ("繁星计划", "星火", "乱码"):
        entities.append(Entity("initiative", initiative))
        facts.append(Fact("proposed_by", ("initiative", initiative), ("organization", "星河科技"), ev))
    rows, calibration, notes = score_gold_graph(gold, Extraction(Document("d", "…"), entities, facts))
    persons, orgs, positions = rows["persons"], rows["organizations"], rows["positions"]
    assert (persons.gold, persons.found, persons.predicted, persons.correct) == (2, 2, 3, 2)
    assert (orgs.gold, orgs.found, orgs.predicted, orgs.correct) == (1, 1, 1, 1)  # 星河云 is optional
    assert (positions.gold, positions.found, positions.predicted, positions.correct) == (2, 2, 3, 2)
    assert "heads" not in rows
    initiatives, proposed = rows["initiatives"], rows["proposed_by"]
    assert (initiatives.gold, initiatives.found, initiatives.predicted, initiatives.correct) == (2, 2, 3, 2)
    # the gold names no proposer of 星火: kgraph's proposer for it is left out, 乱码's is wrong
    assert (proposed.gold, proposed.found, proposed.predicted, proposed.correct) == (1, 1, 2, 1)
    assert notes == ["not persons, found as persons: 王五"]
    assert calibration["facts"].counts["0.8-0.9"] == [5, 3]


# -- the real pipeline and the command ----------------------------------------------------------------
def test_kgraph_mentions_from_the_pipeline():
    (doc,) = run_pipeline([("t", "星河科技董事长兼CEO张明远表示，公司将推出新产品。")])
    mentions = {(doc.text[s:e], kind): conf for s, e, kind, conf in kgraph_mentions(doc)}
    assert mentions[("张明远", "person")] >= 0.8
    assert mentions[("董事长", "title")] == 0.8 and ("CEO", "title") in mentions


CLUENER_LINES = [
    {"text": "星河科技董事长兼CEO张明远表示，公司将扩大投资。", "label": {"name": {"张明远": [[11, 13]]},
                                                     "position": {"董事长": [[4, 6]], "CEO": [[8, 10]]}}},
    {"text": "温格的球队终于又踢了一场经典的比赛。", "label": {"name": {"温格": [[0, 1]]}}},
]


def test_cli_eval_end_to_end(tmp_path):
    data = write(tmp_path / "dev.json", "\n".join(json.dumps(r, ensure_ascii=False) for r in CLUENER_LINES) + "\n")
    out = tmp_path / "report.json"
    runner = CliRunner()
    result = runner.invoke(main, ["eval", "cluener", str(data), "--json", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "exact span" in result.output and "micro" in result.output and ">=0.8" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["examples"] == 2
    title = report["sections"]["exact span"]["title"]
    assert title["gold"] == 2 and title["correct"] == 2
    assert report["sections"]["entity string"]["person"]["gold"] == 2
    first = out.read_bytes()
    result = runner.invoke(main, ["eval", "cluener", str(data), "--json", str(out), "--limit", "1", "--no-progress"])
    assert result.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["examples"] == 1
    runner.invoke(main, ["eval", "cluener", str(data), "--json", str(out), "--no-progress"])
    assert out.read_bytes() == first  # same input, same bytes


def test_cli_eval_failures(tmp_path):
    runner = CliRunner()
    bad = write(tmp_path / "bad.bio", "张 B-PER\n三 E-PER\n")
    result = runner.invoke(main, ["eval", "msra", str(bad), "--no-progress"])
    assert result.exit_code == 1 and "not BIO" in result.output
    result = runner.invoke(main, ["eval", "nonsense", str(bad)])
    assert result.exit_code == 2
    empty = write(tmp_path / "empty.json", "")
    assert runner.invoke(main, ["eval", "cluener", str(empty), "--no-progress"]).exit_code == 2


# -- shared data (../shared) ---------------------------------------------------------------------------
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason=f"shared data not found at {SHARED}")


@needs_shared
def test_gold_seed_article_finds_all_six_people(tmp_path):
    if not SEED_GOLD.exists():
        pytest.skip(f"{SEED_GOLD} not found")
    out = tmp_path / "gold.json"
    result = CliRunner().invoke(main, ["eval", "gold", str(SEED_GOLD), "--json", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    persons = json.loads(out.read_text(encoding="utf-8"))["sections"]["gold graph"]["persons"]
    assert (persons["gold"], persons["found"]) == (6, 6)


@needs_shared
@pytest.mark.parametrize("dataset, path", [
    ("cluener", "data/cluener/dev.json"), ("resume", "data/resume/dev.char.bmes"),
    ("peoples-daily", "data/peoples_daily/example.dev"), ("duie", "data/duie/duie2-sample-a.jsonl")])
def test_shared_data_sets_read_and_score(dataset, path, tmp_path):
    if not (SHARED / path).exists():
        pytest.skip(f"{SHARED / path} not found")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["eval", dataset, str(SHARED / path), "--limit", "40", "--json", str(out),
                                       "--no-progress"])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["examples"] == 40
    rows = next(iter(report["sections"].values()))
    assert sum(r["gold"] for name, r in rows.items() if name not in ("micro", "董事长+创始人")) > 0
