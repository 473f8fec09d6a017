"""A document's id does not depend on how its path was spelled or where the command ran (issue 12, item 4), and
directories written with the old ids (the path as typed) are migrated without extracting anything again."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_store import MINGHU, QINGSHI, invoke, manifest, persons, select, write

MEMBERSHIPS = "SELECT ?m WHERE { ?m a org:Membership }"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder holding articles/ (the build directory out/ goes beside it); the working directory."""
    write(tmp_path / "project" / "articles" / "minghu.md", MINGHU)
    write(tmp_path / "project" / "articles" / "2024" / "qingshi.md", QINGSHI)
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path / "project"


def test_ids_are_paths_relative_to_the_folder_holding_the_build_directory(project):
    assert invoke("build", "articles", "-o", "out").exit_code == 0
    assert sorted(manifest(project / "out")["documents"]) == ["articles/2024/qingshi.md", "articles/minghu.md"]


def test_one_file_spelled_three_ways_and_from_another_folder_is_one_document(project, monkeypatch, extracted):
    out = project / "out"
    assert invoke("build", "articles/minghu.md", "-o", "out").exit_code == 0
    assert invoke("build", "./articles/../articles/minghu.md", "-o", "out").exit_code == 0
    assert invoke("build", project / "articles" / "minghu.md", "-o", out).exit_code == 0
    monkeypatch.chdir(project / "articles")
    assert invoke("build", "minghu.md", "-o", "../out").exit_code == 0
    assert invoke("build", ".", "-o", out).exit_code == 0  # the folder: qingshi is new, minghu unchanged
    assert sorted(manifest(out)["documents"]) == ["articles/2024/qingshi.md", "articles/minghu.md"]
    assert extracted == ["articles/minghu.md", "articles/2024/qingshi.md"]  # each extracted once
    assert len(select(out, MEMBERSHIPS)) == 2  # one position per article, not counted twice


def test_ids_survive_moving_the_project(project, tmp_path, monkeypatch, extracted):
    assert invoke("build", "articles", "-o", "out").exit_code == 0
    moved = tmp_path / "moved"
    project.rename(moved)
    monkeypatch.chdir(tmp_path)
    extracted.clear()
    result = invoke("build", moved / "articles", "-o", moved / "out", "--prune")
    assert result.exit_code == 0, result.output
    assert extracted == [] and "2 unchanged" in result.stderr and "0 removed" in result.stderr


def test_remove_takes_a_path_spelled_any_way(project):
    assert invoke("build", "articles", "-o", "out").exit_code == 0
    result = invoke("remove", "out", str(project / "articles" / "minghu.md"))
    assert result.exit_code == 0, result.output
    result = invoke("remove", "out", "articles/2024/./qingshi.md")
    assert result.exit_code == 0, result.output
    assert manifest(project / "out")["documents"] == {}


def test_a_file_outside_the_folder_of_the_build_directory_has_its_absolute_path(project, tmp_path):
    elsewhere = write(tmp_path / "elsewhere" / "news.md", QINGSHI)
    assert invoke("build", elsewhere, "-o", "out").exit_code == 0
    assert list(manifest(project / "out")["documents"]) == [elsewhere.resolve().as_posix()]


def test_api_ids_are_relative_to_the_working_directory(project):
    import kgraph

    ids = {ex.document.id for ex in kgraph.extract(["articles/minghu.md", project / "articles/minghu.md",
                                                    "./articles/minghu.md"])}
    assert ids == {"articles/minghu.md"}
    jsonl = write(project / "corpus.jsonl", json.dumps({"text": "明湖科技总裁沈嘉禾表示，今年营收增长。"}) + "\n")
    assert [d.id for d in kgraph.iter_documents([jsonl])] == ["corpus.jsonl:1"]
    assert [d.id for d in kgraph.iter_documents([jsonl], base=project.parent)] == ["project/corpus.jsonl:1"]


# -- migration of a directory written with the old ids -------------------------------------------------
@pytest.fixture
def old_directory(project, monkeypatch):
    """out/ as the previous kgraph wrote it: ids are the paths as typed (the same file twice, once relative,
    once absolute: its facts counted twice), manifest version 1."""
    import kgraph.loaders

    with monkeypatch.context() as patch:
        patch.setattr(kgraph.loaders, "document_id", lambda path, base: path)  # the old rule
        assert invoke("build", "articles", "-o", "out").exit_code == 0
        assert invoke("build", project / "articles" / "minghu.md", "-o", "out").exit_code == 0
    data = manifest(project / "out")
    assert sorted(data["documents"]) == sorted(["articles/2024/qingshi.md", "articles/minghu.md",
                                                str(project / "articles" / "minghu.md")])
    data["version"] = 1
    (project / "out" / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert len(select(project / "out", MEMBERSHIPS)) == 3  # minghu's position twice
    return project / "out"


def test_old_ids_migrate_without_extracting_again(old_directory, extracted):
    result = invoke("build", "articles", "-o", "out")
    assert result.exit_code == 0, result.output
    assert extracted == [] and "2 unchanged" in result.stderr
    data = manifest(old_directory)
    assert data["version"] == 2
    assert sorted(data["documents"]) == ["articles/2024/qingshi.md", "articles/minghu.md"]
    assert len(select(old_directory, MEMBERSHIPS)) == 2  # the duplicate is gone
    assert len(list((old_directory / "extractions").glob("*.json"))) == 2
    assert persons(old_directory) == {"沈嘉禾", "顾明澈"}
    ttl = (old_directory / "graph.ttl").read_text(encoding="utf-8")
    assert ttl.count("org:Membership") == 2 or ttl.count("Membership") >= 2


def test_migrated_directory_equals_a_fresh_build(old_directory, project):
    assert invoke("build", "articles", "-o", "out").exit_code == 0
    assert invoke("build", "articles", "-o", "fresh").exit_code == 0
    for name in ("graph.ttl", "graph.trig", "nodes.csv", "edges.csv", "graph.graphml", "graph.jsonld"):
        assert (project / "out" / name).read_bytes() == (project / "fresh" / name).read_bytes(), name


def test_old_ids_of_records_and_stdin_are_kept(project, monkeypatch):
    import kgraph.loaders

    corpus = write(project / "corpus.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in (
        {"id": "news-1", "text": MINGHU.split("---\n")[-1]}, {"text": QINGSHI.split("---\n")[-1]})) + "\n")
    with monkeypatch.context() as patch:
        patch.setattr(kgraph.loaders, "document_id", lambda path, base: path)
        assert invoke("build", "./corpus.jsonl", "-o", "out").exit_code == 0
    data = manifest(project / "out")
    assert sorted(data["documents"]) == ["./corpus.jsonl:2", "news-1"]
    data["version"] = 1
    (project / "out" / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert invoke("build", corpus, "-o", "out").exit_code == 0
    assert sorted(manifest(project / "out")["documents"]) == ["corpus.jsonl:2", "news-1"]
    assert os.path.isfile(project / "out" / "graph.ttl")
