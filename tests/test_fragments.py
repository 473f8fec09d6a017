"""kgraph.fragments: the export files cut into fragments, kept in fragments.sqlite across opens."""
from __future__ import annotations

from conftest import make_extraction

from kgraph.fragments import FragmentCache
from kgraph.graph import document_graph


def test_documents_and_their_fingerprints_survive_a_reopen(tmp_path):
    cache = FragmentCache(tmp_path)
    cache.set_document("doc-1", document_graph(make_extraction(doc_id="doc-1")), "fp-1")
    cache.set_document("doc-2", document_graph(make_extraction(doc_id="doc-2")), "fp-2")
    cache.commit()
    cache.close()
    reopened = FragmentCache(tmp_path)
    try:
        assert reopened.fingerprints() == {"doc-1": "fp-1", "doc-2": "fp-2"}
        reopened.set_document("doc-1", None)
        assert reopened.fingerprints() == {"doc-2": "fp-2"}
    finally:
        reopened.close()
