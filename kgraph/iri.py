"""Stable IRIs: the same name and kind give the same IRI on every run and in every build."""
from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import quote

BASE = "https://w3id.org/kgraph/"
KG_NS = BASE + "ontology#"
ID_NS = BASE + "id/"

PREFIXES: dict[str, str] = {
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "kg": KG_NS,
}
"""Prefixes bound in every query (a query may still declare its own): the contract's, ``rdf`` and ``kg``."""

_MAX_READABLE = 40  # longer keys (statements, long titles) are hashed to keep IRIs short


def normalize_name(name: str) -> str:
    """The form two surface strings must share to be the same entity key (NFKC, no spaces, casefolded)."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _iri_segment(text: str) -> str:
    """Percent-encode what an IRI path segment cannot hold; keep CJK and other letters readable."""
    return "".join(ch if ord(ch) > 127 and unicodedata.category(ch)[0] in "LN" else quote(ch, safe="-._~@")
                   for ch in text)


def entity_iri(kind: str, key: str) -> str:
    norm = normalize_name(key)
    local = _iri_segment(norm) if len(norm) <= _MAX_READABLE else _digest(norm)
    return f"{ID_NS}{kind}/{local}"


def document_iri(doc_id: str) -> str:
    return f"{ID_NS}doc/{_digest(doc_id)}"


def fact_iri(relation: str, *parts: str) -> str:
    return f"{ID_NS}{relation}/{_digest(relation, *parts)}"
