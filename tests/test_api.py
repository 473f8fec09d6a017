"""The Python API as a new user meets it: what kgraph.build and kgraph.extract accept, and how a string is read."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import kgraph
from kgraph.model import Document, LoadError

ARTICLE = "---\ntitle: 明湖科技推出萤火计划\ndate: 2024-03-02\n---\n明湖科技董事长顾明澈表示，公司将推出“萤火计划”。\n"
TEXT = "星河科技董事长张明远表示，公司将推出“繁星计划”。"


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / "articles" / "minghu.md"
    path.parent.mkdir()
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def names(kg) -> set[str]:
    return {data["label"] for _, data in kg.to_networkx().nodes(data=True) if data.get("kind") == "person"}


# -- item 2: extract accepts what build accepts ---------------------------------------------------------
def test_extract_accepts_paths_texts_and_documents(article):
    document = kgraph.document_from_text("明湖科技总裁沈嘉禾表示，今年营收增长。", id="own-id")
    extractions = list(kgraph.extract([str(article), article, TEXT, document]))
    assert [len(ex.document.text) > 0 for ex in extractions] == [True] * 4
    assert extractions[0].document.id == extractions[1].document.id  # one file, spelled as str and as Path
    assert extractions[2].document.text == TEXT and extractions[3].document.id == "own-id"
    people = [{e.name for e in ex.entities if e.kind == "person"} for ex in extractions]
    assert people == [{"顾明澈"}, {"顾明澈"}, {"张明远"}, {"沈嘉禾"}]


def test_extract_of_one_path_or_text_is_not_read_character_by_character(article):
    assert [ex.document.text for ex in kgraph.extract(TEXT)] == [TEXT]
    assert len(list(kgraph.extract(str(article)))) == 1


def test_extract_raises_for_an_unreadable_input_unless_a_report_collects_it(tmp_path, article):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(LoadError, match="empty.txt: empty document"):
        list(kgraph.extract([article, empty]))
    report = kgraph.BuildReport()
    extractions = list(kgraph.extract([empty, article], report=report))
    assert len(extractions) == 1 and [f.source for f in report.failures] == [str(empty)]


def test_loader_functions_are_part_of_the_api(article):
    document = kgraph.read_document(article)
    assert isinstance(document, Document) and document.title == "明湖科技推出萤火计划"
    assert [d.title for d in kgraph.iter_documents([article.parent])] == ["明湖科技推出萤火计划"]
    assert kgraph.document_from_text(TEXT, id="a").text == TEXT


# -- item 3: a string that looks like a path and names nothing is an error ------------------------------
@pytest.mark.parametrize("typo", ["articles/does-not-exist.md", "does-not-exist.md", "notes.txt", "page.HTML",
                                  "corpus.jsonl", "no/such/folder", f"no{os.sep}such"])
def test_a_missing_path_is_an_error_naming_it_not_text(typo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kg = kgraph.build([typo])
    assert kg.to_networkx().number_of_nodes() == 0
    assert [(f.source, f.problem.split(";")[0]) for f in kg.report.failures] == [(typo, "no such file or folder")]
    assert "document_from_text" in kg.report.failures[0].problem  # how to pass text on purpose
    with pytest.raises(LoadError, match="does-not-exist.md: no such file or folder"):
        list(kgraph.extract(["does-not-exist.md"]))


def test_text_is_text_and_explicit_text_is_never_a_path(article, monkeypatch):
    monkeypatch.chdir(article.parent)
    kg = kgraph.build([TEXT, "第一行\n第二行 a/b.md"])  # no separator or suffix, or more than one line: text
    assert kg.report.ok and kg.report.documents == 2 and "张明远" in names(kg)
    explicit = kgraph.build([kgraph.document_from_text("minghu.md")])  # a file of that name exists here
    assert explicit.report.ok
    assert "顾明澈" not in names(explicit)
