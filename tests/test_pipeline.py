"""kgraph.pipeline: the plain functions behind the CLI and the API (make_nlp, extract, build)."""
from __future__ import annotations

import pytest
from conftest import SAMPLE_TEXT

import kgraph
from kgraph.loaders import document_from_text
from kgraph.model import Kind
from kgraph.pipeline import extract, make_nlp
from kgraph.settings import PipelineSettings


def test_extract_keeps_input_order_and_ids():
    documents = [document_from_text(SAMPLE_TEXT, id=f"doc-{n}") for n in range(3)]
    assert [ex.document.id for ex in extract(documents)] == ["doc-0", "doc-1", "doc-2"]


def test_the_settings_choose_the_segmenter():
    nlp = make_nlp(PipelineSettings.make("char", statistical=False))
    assert all(len(token.text) == 1 for token in nlp.make_doc("星河科技董事长"))
    assert "kgraph_statistical_ner" not in nlp.pipe_names
    assert make_nlp(PipelineSettings.make("char", statistical=False)) is nlp  # one pipeline per settings


def test_a_bad_segmenter_fails_before_any_work():
    with pytest.raises(ValueError, match="unknown segmenter"):
        next(extract(iter([]), segmenter="whitespace"))


def test_build_takes_texts_and_finds_the_people():
    kg = kgraph.build([SAMPLE_TEXT])
    assert kg.documents() == ["text-1"]
    assert "张三" in kg.labels(Kind.PERSON)
    assert kg.report.documents == 1 and kg.report.ok
