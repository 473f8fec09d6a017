"""Lexicons and other data read at run time from ontology/ (installed as the package ``kgraph.ontology``)."""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path


def cache_dir() -> Path | None:
    """Where kgraph keeps what it can make again but would rather not (jieba's dictionary as a pickle):
    ``$KGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgraph``, else ``~/.cache/kgraph``; created on first use.
    None when it cannot be created (kgraph then works without it)."""
    configured = os.environ.get("KGRAPH_CACHE_DIR")
    if configured:
        path = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(base) / "kgraph"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


def ontology_files():
    """The folder of the ontology, shapes and lexicons (a ``Traversable``).

    ``pip install`` puts the repository's ontology/ inside the package as ``kgraph.ontology``; a source tree
    (a checkout on ``sys.path``, or an editable install that maps only ``kgraph``) has it beside the package.
    """
    try:
        return resources.files("kgraph.ontology")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "ontology"


def ontology_text(name: str) -> str:
    """A file shipped in ontology/, e.g. ``"shapes.ttl"`` or ``"lexicons/titles.tsv"``."""
    return ontology_files().joinpath(*name.split("/")).read_text(encoding="utf-8")


def _rows(name: str) -> list[list[str]]:
    text = ontology_text(f"lexicons/{name}")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


def trie_regex(words) -> str:
    """A regex alternation of literal words, factored as a trie so matching stays linear in practice.

    Longer words are preferred over their prefixes (greedy), e.g. 副总裁 before 副.
    """
    trie: dict = {}
    for w in words:
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = node.get("", False)
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie) or "(?!)"


@dataclass(frozen=True)
class Lexicons:
    titles: dict[str, frozenset[str]]              # title -> flags (head, founder, deputy, person)
    org_suffixes: dict[str, tuple[str, str]]       # suffix -> (subtype, form: legal|unit|name)
    organizations: dict[str, tuple[str, str]]      # surface form -> (canonical name, subtype)
    places: frozenset[str]
    speech_verbs: tuple[str, ...]
    proposal_verbs: tuple[str, ...]
    programme_verbs: tuple[str, ...]
    event_words: tuple[str, ...]
    initiative_words: tuple[str, ...]
    surnames: frozenset[str]
    name_boundaries: tuple[str, ...]
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    def regex(self, name: str, words) -> re.Pattern:
        """A compiled trie regex over ``words``, cached under ``name``."""
        if name not in self._compiled:
            self._compiled[name] = re.compile(trie_regex(sorted(set(words), key=len, reverse=True)))
        return self._compiled[name]

    def user_words(self) -> list[str]:
        """Words worth adding to the segmenter's dictionary so they come out as one token."""
        words = set(self.titles) | set(self.organizations) | set(self.places) | set(self.speech_verbs)
        return sorted(w for w in words if len(w) > 1)


@functools.lru_cache(maxsize=None)
def load_lexicons() -> Lexicons:
    titles = {r[0]: frozenset(f for f in (r[1].split(",") if len(r) > 1 else []) if f) for r in _rows("titles.tsv")}
    org_suffixes = {r[0]: (r[1], r[2]) for r in _rows("org_suffixes.tsv")}
    organizations: dict[str, tuple[str, str]] = {}
    for row in _rows("organizations.tsv"):
        name, subtype = row[0], row[1]
        organizations.setdefault(name, (name, subtype))
        for alias in (row[2].split(",") if len(row) > 2 else []):
            if alias.strip():
                organizations.setdefault(alias.strip(), (name, subtype))
    return Lexicons(
        titles=titles,
        org_suffixes=org_suffixes,
        organizations=organizations,
        places=frozenset(r[0] for r in _rows("places.txt")),
        speech_verbs=tuple(r[0] for r in _rows("speech_verbs.txt")),
        proposal_verbs=tuple(r[0] for r in _rows("proposal_verbs.txt")),
        programme_verbs=tuple(r[0] for r in _rows("programme_verbs.txt")),
        event_words=tuple(r[0] for r in _rows("event_words.txt")),
        initiative_words=tuple(r[0] for r in _rows("initiative_words.txt")),
        surnames=frozenset(r[0] for r in _rows("surnames.txt")),
        name_boundaries=tuple(r[0] for r in _rows("name_boundaries.txt")),
    )
