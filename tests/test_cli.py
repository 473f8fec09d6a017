"""The `kgraph` command: build, query, validate, extract and its options, driven through click's CliRunner.

Exit status contract (kgraph/cli.py): 0 success, 1 the command ran but something failed, 2 usage error or
nothing to work on. Builds are shared through module-scoped fixtures to keep the run short.
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import REPO

from kgraph.cli import main

DEFAULT_FILES = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.graphml", "nodes.csv", "edges.csv", "graph.html")
COMMANDS = ("build", "query", "validate", "extract", "serve")

ARTICLE = """---
title: 云启科技发布繁星计划
date: 2023-05-10
---
# 云启科技发布繁星计划

5月8日，云启科技在上海举办了“云启开发者大会”。云启科技高级副总裁王立群表示，公司将推出“繁星计划”。
"""

# three small articles for the -j tests, each with its own people
THREE = {
    "a1.md": "云启科技高级副总裁王立群表示，公司将推出“繁星计划”。百度金融营收增长31%。",
    "a2.md": "晶澜科技联合创始人周子健表示，团队将扩大。分析师孙晓明认为，市场仍有空间。",
    "a3.md": "5月8日，百度在北京举办了“百度开发者大会”。百度的创始人李海峰出席了活动。",
}

ORG_QUERY = "SELECT ?n WHERE { ?o a schema:Organization ; schema:name ?n } ORDER BY ?n"


def invoke(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="kgraph")
    # a command ends by sys.exit(); anything else escaping it is a crash
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def write(path, content: str | bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    return write(tmp_path_factory.mktemp("article") / "yunqi.md", ARTICLE)


@pytest.fixture(scope="module")
def built(article, tmp_path_factory):
    """One article built with the default formats: (result, output directory)."""
    out = tmp_path_factory.mktemp("built") / "out"
    return invoke("build", article, "-o", out), out


@pytest.fixture(scope="module")
def three_articles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("three")
    for name, body in THREE.items():
        write(folder / name, f"---\ntitle: {name}\ndate: 2023-05-10\n---\n{body}\n")
    return folder


# -- help ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)], ids=lambda c: " ".join(c) or "kgraph")
def test_help_mentions_exit_statuses(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "Usage: kgraph" in text
    assert "Exit status: 0 success, 1 partial failure (reported), 2 usage error" in text


def test_group_help_lists_every_command():
    output = invoke("--help").output
    for command in COMMANDS:
        assert command in output


def test_help_in_a_real_process():
    proc = subprocess.run([sys.executable, "-m", "kgraph.cli", "--help"], check=False, capture_output=True, text=True,
                          timeout=60, cwd=REPO / "tests")
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout and "Exit status" in proc.stdout


def test_installed_console_script():
    import shutil

    # an installed package puts its script beside the Python that runs the tests (on PATH or not)
    exe = shutil.which("kgraph", path=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    if exe is None:
        pytest.skip("no kgraph console script beside this Python or on PATH (package not installed)")
    proc = subprocess.run([exe, "--help"], check=False, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert all(c in proc.stdout for c in COMMANDS)


def test_version():
    from kgraph import __version__

    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output


# -- build ----------------------------------------------------------------------------------------------
def test_build_writes_the_default_files(built):
    result, out = built
    assert result.exit_code == 0, result.output
    for name in DEFAULT_FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    # stdout lists the files written, one per line; the summary goes to stderr
    assert sorted(result.stdout.split()) == sorted(str(out / name) for name in DEFAULT_FILES)
    assert "1 documents" in result.stderr and "0 failed" in result.stderr
    turtle = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "王立群" in turtle and "云启科技" in turtle
    json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))


def test_build_with_chosen_formats(article, tmp_path):
    result = invoke("build", article, "-o", tmp_path / "out", "-f", "turtle", "-f", "jsonld", "-f", "html")
    assert result.exit_code == 0, result.output
    # besides the chosen files, a build directory holds its store, extraction cache and manifest
    written = sorted(p.name for p in (tmp_path / "out").iterdir()
                     if p.is_file() and p.name not in ("manifest.json", "fragments.sqlite"))
    assert written == ["graph.html", "graph.jsonld", "graph.ttl"]
    assert (tmp_path / "out" / "store").is_dir() and (tmp_path / "out" / "manifest.json").is_file()


def test_build_lang_sets_the_page_language(built, article, tmp_path):
    _, first = built
    assert '<html lang="zh">' in (first / "graph.html").read_text(encoding="utf-8")  # the default
    out = tmp_path / "out"
    result = invoke("build", article, "-o", out, "-f", "html", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert '<html lang="en">' in (out / "graph.html").read_text(encoding="utf-8")
    result = invoke("build", article, "-o", out, "--lang", "zh")  # nothing to extract: the page is still rewritten
    assert result.exit_code == 0 and '<html lang="zh">' in (out / "graph.html").read_text(encoding="utf-8")
    result = invoke("build", article, "-o", tmp_path / "memory", "--no-store", "-f", "html", "--lang", "en")
    assert result.exit_code == 0 and '<html lang="en">' in (tmp_path / "memory" / "graph.html").read_text("utf-8")


def test_build_twice_is_byte_identical(built, article, tmp_path):
    _, first = built
    result = invoke("build", article, "-o", tmp_path / "again")
    assert result.exit_code == 0
    for name in DEFAULT_FILES:
        assert (tmp_path / "again" / name).read_bytes() == (first / name).read_bytes(), name


def test_unknown_format_is_a_usage_error(article, tmp_path):
    result = invoke("build", article, "-o", tmp_path / "out", "-f", "turtle", "-f", "docx")
    assert result.exit_code == 2
    assert "docx" in result.stderr
    for name in ("turtle", "jsonld", "graphml", "csv", "html"):
        assert name in result.stderr
    assert not (tmp_path / "out").exists()  # a typo writes nothing


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory):
    """A folder with one good article and three files that cannot be read, built once."""
    folder = tmp_path_factory.mktemp("corpus")
    write(folder / "good.md", ARTICLE)
    write(folder / "empty.txt", "")
    write(folder / "binary.txt", b"\x00\x01\x02\x03PK\x00\x00binary")
    write(folder / "broken.md", '---\ntitle: "never closed\ndate: 2023-05-10\n---\n正文内容。\n')
    out = folder.parent / (folder.name + "-out")
    return invoke("build", folder, "-o", out, "-f", "turtle"), folder, out


def test_build_with_bad_files_keeps_the_good_one(mixed_corpus):
    result, _, out = mixed_corpus
    assert result.exit_code == 1, result.output
    turtle = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "王立群" in turtle
    assert "1 documents" in result.stderr and "3 failed" in result.stderr


@pytest.mark.parametrize("name, problem", [
    ("empty.txt", "empty document"),
    ("binary.txt", "binary file"),
    ("broken.md", "invalid YAML front matter"),
])
def test_build_names_each_bad_file_and_its_problem(mixed_corpus, name, problem):
    result, _, _ = mixed_corpus
    lines = [line for line in result.stderr.splitlines() if name in line]
    assert lines, result.stderr
    assert any(problem in line for line in lines), lines
    assert "good.md" not in result.stderr


def test_build_with_only_bad_files_is_exit_2(tmp_path):
    empty = write(tmp_path / "empty.txt", "")
    binary = write(tmp_path / "binary.txt", b"\x00\x01\x02binary")
    result = invoke("build", empty, binary, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "no document could be read" in result.stderr
    assert "empty.txt" in result.stderr and "binary.txt" in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_of_a_missing_file_is_exit_2(tmp_path):
    result = invoke("build", tmp_path / "typo.md", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "typo.md" in result.stderr and "no such file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_without_inputs_is_exit_2():
    assert invoke("build").exit_code == 2


def test_build_into_a_file_is_a_usage_error(article, tmp_path):
    occupied = write(tmp_path / "occupied", "")
    result = invoke("build", article, "-o", occupied)
    assert result.exit_code == 2
    assert occupied.read_bytes() == b""


def test_build_from_stdin(tmp_path):
    result = CliRunner().invoke(main, ["build", "-", "-o", str(tmp_path / "out"), "-f", "turtle"],
                                input="分析师孙晓明认为，市场仍有空间。\n".encode(), prog_name="kgraph")
    assert result.exit_code == 0, result.output
    assert "孙晓明" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def test_parallel_build_gives_the_same_graph(three_articles, tmp_path):
    one = invoke("build", three_articles, "-o", tmp_path / "j1", "-f", "turtle", "-j", "1")
    two = invoke("build", three_articles, "-o", tmp_path / "j2", "-f", "turtle", "-j", "2")
    assert one.exit_code == two.exit_code == 0
    assert "3 documents" in two.stderr
    assert (tmp_path / "j1" / "graph.ttl").read_bytes() == (tmp_path / "j2" / "graph.ttl").read_bytes()
    for person in ("王立群", "周子健", "李海峰"):
        assert person in (tmp_path / "j2" / "graph.ttl").read_text(encoding="utf-8")


@pytest.mark.parametrize("jobs", ["0", "many"])
def test_bad_jobs_value_is_a_usage_error(article, tmp_path, jobs):
    assert invoke("build", article, "-o", tmp_path / "out", "-j", jobs).exit_code == 2


# -- query ----------------------------------------------------------------------------------------------
def test_query_with_inline_text(built):
    _, out = built
    result = invoke("query", out, "SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }")
    assert result.exit_code == 0, result.output
    assert "王立群" in result.stdout and "(1 row)" in result.stdout


@pytest.fixture(scope="module")
def query_file(tmp_path_factory):
    return write(tmp_path_factory.mktemp("queries") / "orgs.rq", ORG_QUERY + "\n")


def test_query_file_as_csv(built, query_file):
    _, out = built
    result = invoke("query", out, "--file", query_file, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["n"]
    assert ["云启科技"] in rows[1:]


def test_query_file_as_json(built, query_file):
    _, out = built
    result = invoke("query", out / "graph.ttl", "--file", query_file, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == ["n"]
    assert "云启科技" in [b["n"]["value"] for b in data["results"]["bindings"]]


def test_query_file_as_table(built, query_file):
    _, out = built
    result = invoke("query", out, "--file", query_file, "--format", "table")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].strip() == "n" and "云启科技" in result.stdout and lines[-1] == "(1 row)"


@pytest.mark.parametrize("args", [[], ["SELECT * WHERE { ?s ?p ?o }", "--file", "{q}"]], ids=["neither", "both"])
def test_query_needs_exactly_one_query(built, query_file, args):
    _, out = built
    result = invoke("query", out, *[a.replace("{q}", str(query_file)) for a in args])
    assert result.exit_code == 2
    assert "QUERY or --file" in result.stderr


@pytest.mark.parametrize("sparql, message", [
    ("SELEC ?x WHERE { ?x ?p ?o }", "invalid SPARQL"),
    ("SELECT ?x WHERE { ?x nosuch:p ?o }", "nosuch"),
])
def test_invalid_query_is_exit_1_without_traceback(built, sparql, message):
    _, out = built
    result = invoke("query", out, sparql)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_query_on_a_file_that_is_not_rdf(tmp_path):
    junk = write(tmp_path / "junk.ttl", "this is not turtle\n")
    result = invoke("query", junk, "SELECT * WHERE { ?s ?p ?o }")
    assert result.exit_code == 1
    assert "junk.ttl" in result.stderr and "cannot parse" in result.stderr


def test_query_error_names_the_file_once(tmp_path):
    junk = write(tmp_path / "junk.ttl", "this is not turtle\n")
    result = invoke("query", junk, "SELECT * WHERE { ?s ?p ?o }")
    assert result.stderr.splitlines()[0].count("junk.ttl") == 1


def test_query_on_a_missing_path_is_a_usage_error(tmp_path):
    assert invoke("query", tmp_path / "nothing", "SELECT * WHERE { ?s ?p ?o }").exit_code == 2


# -- validate -------------------------------------------------------------------------------------------
def test_validate_a_built_graph(built):
    _, out = built
    result = invoke("validate", out)
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.stdout


def test_validate_a_membership_without_role(built, tmp_path):
    from rdflib import Graph, Namespace

    org = Namespace("http://www.w3.org/ns/org#")
    _, out = built
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    assert len(list(graph.subjects(None, org.Membership))) >= 1
    graph.remove((None, org.role, None))  # the hand-made break: memberships lose their role
    broken = tmp_path / "broken.ttl"
    broken.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    result = invoke("validate", broken)
    assert result.exit_code == 1
    assert "Conforms: False" in result.stdout
    assert "org:role" in result.stdout


def test_validate_a_file_that_is_not_rdf(tmp_path):
    junk = write(tmp_path / "junk.ttl", "this is not turtle\n")
    result = invoke("validate", junk)
    assert result.exit_code == 1
    assert "junk.ttl" in result.stderr


# -- extract ----------------------------------------------------------------------------------------------
def test_extract_prints_one_json_line_per_document(article, three_articles):
    result = invoke("extract", article, three_articles / "a2.md")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    assert [r["document"] for r in records] == [str(article), str(three_articles / "a2.md")]
    first = records[0]
    assert {"kind": "person", "name": "王立群"}.items() <= next(e for e in first["entities"] if e["name"] == "王立群").items()
    member = next(f for f in first["facts"] if f["relation"] == "member_of")
    assert (member["subject"], member["object"], member["title"]) == ("王立群", "云启科技", "高级副总裁")
    text = ARTICLE.split("---\n", 2)[2]
    assert member["sentence"] in text
    assert 0 <= member["confidence"] <= 1 and member["end"] > member["start"]
    assert {"周子健", "孙晓明"} <= {e["name"] for e in records[1]["entities"] if e["kind"] == "person"}


def test_extract_with_char_segmenter(article):
    result = invoke("extract", article, "--segmenter", "char")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert "王立群" in {e["name"] for e in record["entities"] if e["kind"] == "person"}


def test_extract_reports_unreadable_inputs(article, tmp_path):
    empty = write(tmp_path / "empty.txt", "")
    partial = invoke("extract", article, empty)
    assert partial.exit_code == 1
    assert len(partial.stdout.splitlines()) == 1
    assert "empty.txt" in partial.stderr and "empty document" in partial.stderr
    nothing = invoke("extract", empty)
    assert nothing.exit_code == 2 and nothing.stdout == ""


def test_extract_a_jsonl_corpus(tmp_path):
    corpus = write(tmp_path / "corpus.jsonl",
                   '{"id": "n1", "text": "王立群表示，今年将扩大投入。"}\n'
                   '{"id": "n2", "text": "分析师孙晓明认为，市场仍有空间。"}\n')
    result = invoke("extract", corpus)
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["document"] for r in records] == ["n1", "n2"]
    assert [[e["name"] for e in r["entities"] if e["kind"] == "person"] for r in records] == [["王立群"], ["孙晓明"]]


# -- a real process ----------------------------------------------------------------------------------------
def test_each_bad_file_is_reported_once(mixed_corpus, tmp_path):
    _, folder, _ = mixed_corpus
    proc = subprocess.run([sys.executable, "-m", "kgraph.cli", "build", str(folder), "-o", str(tmp_path / "out"),
                           "-f", "turtle"], check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("empty.txt") == 1, proc.stderr


# -- progress ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("store", ["--store", "--no-store"])
def test_progress_shows_total_eta_and_phase(three_articles, tmp_path, store):
    import re

    corpus = write(tmp_path / "c.jsonl", "\n".join(json.dumps({"text": t}, ensure_ascii=False)
                                                   for t in THREE.values()) + "\n")
    result = invoke("build", str(three_articles), str(corpus), "-o", str(tmp_path / "out"), "--progress", store)
    assert result.exit_code == 0, result.output
    frames = [frame.strip() for frame in re.split(r"[\r\n]", result.stderr) if "|" in frame]
    assert frames, result.stderr
    # the folder is listed and the corpus counted before work starts: the total and an estimate from the start
    assert all(re.search(r"\| *\d+/6 \[\d\d:\d\d<", frame) for frame in frames), frames
    assert re.search(r"\| *6/6 \[", frames[-1]), frames[-1]
    phases = [frame.split(":", 1)[0] for frame in frames]
    expected = ["extract", "store", "export"] if store == "--store" else ["extract", "export"]
    assert [p for p in dict.fromkeys(phases) if p in ("extract", "store", "export")] == expected, phases


def test_progress_without_a_known_total_still_counts(tmp_path):
    result = CliRunner().invoke(main, ["build", "-", "-o", str(tmp_path / "out"), "--progress"],
                                input=ARTICLE, prog_name="kgraph")
    assert result.exit_code == 0, result.output
    assert "1doc" in result.stderr.replace(" ", "") and "export" in result.stderr
