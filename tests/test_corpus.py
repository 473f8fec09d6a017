"""kgraph.corpus: a build directory through its Python API: manifest, cache, fingerprints and removal."""
from __future__ import annotations

import dataclasses
import json

from conftest import SAMPLE_TEXT

from kgraph.corpus import MANIFEST_NAME, Corpus, is_corpus
from kgraph.settings import PipelineSettings


def _article(tmp_path):
    path = tmp_path / "in" / "article.txt"
    path.parent.mkdir()
    path.write_text(SAMPLE_TEXT, encoding="utf-8")
    return path


def test_a_build_writes_manifest_cache_and_exports(tmp_path):
    out = tmp_path / "out"
    with Corpus(out) as corpus:
        report = corpus.build([_article(tmp_path)], formats=["turtle"])
    assert (report.new, report.failures) == (1, [])
    assert is_corpus(out) and (out / "graph.ttl").is_file()
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    [entry] = manifest["documents"].values()
    assert (out / entry["cache"]).is_file() and manifest["writing"] is False


def test_new_settings_make_cached_extractions_stale(tmp_path):
    """After `kgraph train` (a new model version) or a lexicon change, documents are extracted again."""
    path = _article(tmp_path)
    settings = PipelineSettings.make("jieba")
    with Corpus(tmp_path / "out") as corpus:
        corpus.build([path], settings=settings, export=False)
        again = corpus.build([path], settings=settings, export=False)
        assert (again.unchanged, again.documents) == (1, 0)
        retrained = dataclasses.replace(settings, model_version="retrained")
        after = corpus.build([path], settings=retrained, export=False)
        assert (after.unchanged, after.changed) == (0, 1)


def test_remove_takes_a_document_out(tmp_path):
    path = _article(tmp_path)
    with Corpus(tmp_path / "out") as corpus:
        corpus.build([path], export=False)
        [doc_id] = corpus.documents
        removed, unknown = corpus.remove([doc_id, "nope"])
        assert (removed, unknown, corpus.documents) == ([doc_id], ["nope"], {})
