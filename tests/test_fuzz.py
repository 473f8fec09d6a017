"""Fuzzing kgraph with odd text (issue 13): random and mutated Unicode, control and separator characters, lone
surrogates, very long lines and nested quotes, through the Python API and the CLI. Nothing may end in a traceback
or lose a document, and every file written must parse. A fixed seed makes each run the same; the inputs are few
and short, so the run stays within a few seconds."""
from __future__ import annotations

import json
import random
import re

import pytest
from click.testing import CliRunner

import kgraph
from kgraph.cli import main

SEED = 20261204
CASES = 8
MAX_CHARS = 5_000  # long lines (over MAX_SENTENCE_CHARS), short run

BASE = ("5月8日，星河科技在上海举办了“星河开发者大会”。星河科技董事长兼CEO张三表示，公司将推出「繁星计划」。"
        "《2022年度报告》显示，星河云营收增长35%。分析师李四认为：“他说‘「这是《新计划》」’。”")
ODD_CHARACTERS = ("\u2028\u2029\x85\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1f\x7f\x80\x9f\u200b\u200d\u202e\u2066\ufeff"
                  "\ufffe\uffff\ufffd\U0001f600\U0010ffff\u0301\t\r\n \u3000「」『』“”‘’《》〈〉（）\"'<>&\\{}[]")


def random_character(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.35:
        return rng.choice(ODD_CHARACTERS)
    if pick < 0.45:
        return chr(rng.randint(0xD800, 0xDFFF))  # a lone surrogate
    if pick < 0.75:
        return chr(rng.randint(0x4E00, 0x9FFF))  # CJK
    return chr(rng.randint(0x20, 0x10FFFF) if rng.random() < 0.3 else rng.randint(0x20, 0x2FFF))


def mutated(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 30)):
        action = rng.random()
        position = rng.randint(0, len(chars))
        if action < 0.5:
            chars.insert(position, random_character(rng))
        elif action < 0.7 and chars:
            del chars[min(position, len(chars) - 1)]
        elif action < 0.85:  # nested quotes around a random stretch
            opening, closing = rng.choice(["「」", "“”", "《》", "『』", "‘’"])
            end = rng.randint(position, len(chars))
            chars[position:end] = [opening, *chars[position:end], closing]
        elif len(chars) < MAX_CHARS // 2:  # a very long line: a stretch repeated without a sentence end
            stretch = "".join(chars[position:position + 20]).replace("。", "") or "星河"
            chars.insert(position, stretch * rng.randint(50, 200))
    return "".join(chars)[:MAX_CHARS]


def fuzz_texts(seed: int = SEED, cases: int = CASES) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for n in range(cases):
        if n % 3 == 0:
            texts.append("".join(random_character(rng) for _ in range(rng.randint(1, 400))))
        else:
            texts.append(mutated(rng, BASE))
    return texts


def test_fuzz_python_api_keeps_every_document_and_writes_valid_files(tmp_path):
    import pyoxigraph as ox

    texts = fuzz_texts()
    kg = kgraph.build([kgraph.Text(text) for text in texts])
    blank = sum(1 for text in texts if not text.strip())
    assert kg.report.documents + len(kg.report.failures) == len(texts)
    assert len(kg.report.failures) == blank
    kg.save(tmp_path, formats=["turtle", "ntriples", "nquads", "trig", "jsonld", "graphml", "csv", "html"])
    for name, rdf_format in [("graph.ttl", ox.RdfFormat.TURTLE), ("graph.nt", ox.RdfFormat.N_TRIPLES),
                             ("graph.nq", ox.RdfFormat.N_QUADS), ("graph.trig", ox.RdfFormat.TRIG),
                             ("graph.jsonld", ox.RdfFormat.JSON_LD)]:
        assert list(ox.parse(path=tmp_path / name, format=rdf_format)), name
    import networkx as nx

    nx.read_graphml(tmp_path / "graph.graphml")


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="kgraph")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def fuzz_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    texts = fuzz_texts(SEED + 1)
    # JSON Lines with \ud800-style escapes, plain text files written as UTF-8 (surrogates as U+FFFD: a file
    # cannot hold them), and one file whose bytes are not UTF-8
    lines = [json.dumps({"id": f"r{n}", "text": text}) for n, text in enumerate(texts)]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for n, text in enumerate(texts[:4]):
        (folder / f"t{n}.txt").write_bytes(text.encode("utf-8", "replace"))
    (folder / "latin1.txt").write_bytes("Caf\xe9 st\xe4rke Gr\xfc\xdfe".encode("latin-1") * 20)
    return folder, texts


@pytest.mark.parametrize("store", ["--store", "--no-store"])
def test_fuzz_cli_build_has_no_traceback(fuzz_corpus, tmp_path, store):
    folder, texts = fuzz_corpus
    result = invoke("build", folder, "-o", tmp_path / "out", store, "-f", "turtle", "-f", "nquads")
    assert result.exit_code in (0, 1), result.stderr
    # every input is a document or a reported failure: the JSON Lines records, four .txt files, latin1.txt
    summary = re.search(r"(\d+) documents.* (\d+) failed", result.stderr)
    assert summary, result.stderr
    assert int(summary[1]) + int(summary[2]) == len(texts) + 5
    assert int(summary[1]) >= sum(1 for text in texts if text.strip())
    if result.exit_code == 0 or (tmp_path / "out" / "graph.ttl").exists():
        import pyoxigraph as ox

        assert list(ox.parse(path=tmp_path / "out" / "graph.ttl", format=ox.RdfFormat.TURTLE))
        assert list(ox.parse(path=tmp_path / "out" / "graph.nq", format=ox.RdfFormat.N_QUADS))


def test_fuzz_cli_extract_writes_one_json_line_per_document(fuzz_corpus):
    folder, texts = fuzz_corpus
    result = invoke("extract", folder / "corpus.jsonl")
    assert result.exit_code in (0, 1), result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == sum(1 for text in texts if text.strip())


def test_fuzz_queries_and_validate_have_no_traceback(fuzz_corpus, tmp_path):
    folder, _ = fuzz_corpus
    out = tmp_path / "out"
    invoke("build", folder / "corpus.jsonl", "-o", out, "-f", "turtle")
    rng = random.Random(SEED + 2)
    for _ in range(6):
        query = mutated(rng, 'SELECT ?n WHERE { ?s schema:name ?n FILTER(CONTAINS(?n, "星河")) }')
        result = invoke("query", out, query)
        assert result.exit_code in (0, 1)
    assert invoke("validate", out / "graph.ttl").exit_code in (0, 1)
