"""The cross-document name index of a build directory: the name each document gives an entity, the preferred
name of the union (:func:`kgraph.resolve.preferred_label`), and the graphs to relabel when it changes."""
from __future__ import annotations

import functools
from collections.abc import Callable


class NameIndex:
    """The name index of a :class:`~kgraph.corpus.Corpus` (a part of that class)."""

    def _index_names(self) -> None:
        self._names, self._preferred_names = {}, {}
        for doc_id, entry in self.documents.items():
            for iri, name in entry.get("names", {}).items():
                self._names.setdefault(iri, {})[doc_id] = name

    def _preferred(self, iri: str, names: dict[str, str] | None = None) -> str:
        from ..resolve import preferred_label

        if names is not None:
            return functools.reduce(preferred_label, sorted(names.values()))
        if iri not in self._preferred_names:  # a hub entity has hundreds of names: reduce them once
            self._preferred_names[iri] = functools.reduce(preferred_label, sorted(self._names[iri].values()))
        return self._preferred_names[iri]

    def _harmonised(self, doc_id: str, triples: list[str], own: dict[str, str],
                    preferred: Callable[[str], str] | None = None) -> list[str]:
        from ..store import harmonise_names

        return harmonise_names(triples, own, preferred or self._preferred)

    def _renamed(self, leaving: set[str], arriving: dict[str, dict[str, str]]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        """The name index after documents ``leaving`` go and documents ``arriving`` (doc id -> own names) come:
        (the index entries that change, entity IRI -> its new preferred name for entities whose preferred
        name changes)."""
        touched = {iri for doc_id in leaving for iri in self.documents.get(doc_id, {}).get("names", {})}
        touched |= {iri for names in arriving.values() for iri in names}
        after: dict[str, dict[str, str]] = {}
        renamed: dict[str, str] = {}
        for iri in touched:
            names = {d: n for d, n in self._names.get(iri, {}).items() if d not in leaving}
            names.update({d: own[iri] for d, own in arriving.items() if iri in own})
            after[iri] = names
            if names and iri in self._names and self._preferred(iri, names) != self._preferred(iri):
                renamed[iri] = self._preferred(iri, names)
        return after, renamed

    def _relabelled_graphs(self, renamed: dict[str, str], skip: set[str],
                           preferred: Callable[[str], str]) -> dict[str, list[str]]:
        """The graphs of the documents (other than ``skip``) naming an entity whose preferred name changes."""
        graphs: dict[str, list[str]] = {}
        for doc_id in sorted({d for iri in renamed for d in self._names.get(iri, {})} - skip):
            entry = self.documents[doc_id]
            _, graph, triples = self._load_cache(entry, extraction=False)
            graphs[graph] = self._harmonised(doc_id, triples, entry.get("names", {}), preferred)
        return graphs

    def _commit_names(self, after: dict[str, dict[str, str]]) -> None:
        for iri, names in after.items():
            self._preferred_names.pop(iri, None)
            if names:
                self._names[iri] = names
            else:
                self._names.pop(iri, None)
