"""The export files of a build directory, kept as fragments so that a change rewrites them cheaply.

Every export file is a head, one fragment per item in key order, and a tail (see :mod:`kgraph.exporters`).
``DIR/fragments.sqlite`` keeps, for the formats of the directory:

``part``
    each document's own graph (:func:`kgraph.graph.document_graph`), a row per node and edge: what the
    document says of that element;
``element``
    every node and edge of the merged graph with its degree and the tags of its attribute values
    (:func:`kgraph.exporters.value_tag`), counted in ``tag``: the layout of GraphML and CSV depends on them.
    An element's attributes are its parts merged in document-id order, exactly what
    :class:`kgraph.graph.KnowledgeGraph` holds for those documents added in that order;
``fragment``
    the fragment of each element, of each subject of the union of the named graphs and of each named
    graph, per format;
``dirty``
    what changed since the fragments were last brought up to date: elements (marked by the documents whose
    graph changed), subjects and named graphs (marked by the store's transactions).

:meth:`FragmentCache.refresh` recomputes the fragments of what is dirty: elements from their parts, subjects
and graphs from the store; a format whose layout changed gets all its fragments again. :meth:`FragmentCache.write`
streams the files out of the table. A change of one document of a thousand touches a few dozen elements and
subjects, so the files are rewritten at about the speed of copying them.

The cache is derived data: :class:`kgraph.corpus.Corpus` compares its documents with the manifest when it opens
the directory, and it is started afresh when it is missing, damaged or of another version.
"""
from __future__ import annotations

import functools
import itertools
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .exporters import Edge, Exporter, Node, Summary, edge_sort_key, value_tag, write_files
from .rdf import ntriples_lines, union_by_subject

if TYPE_CHECKING:
    import networkx as nx

    from .store import GraphStore

log = logging.getLogger(__name__)

FRAGMENTS_NAME = "fragments.sqlite"
VERSION = "2"
ALL = "*"
"""A dirty mark that stands for every key of its source."""

GraphLines = Callable[[], Iterable[tuple[str, list[str]]]]
"""Gives every named graph as ``(graph IRI, sorted N-Triples lines)``: what the store holds, without reading it."""

# Plain rowid tables: WITHOUT ROWID suits small rows, and fragments run to kilobytes.
_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE document (doc TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE part (element TEXT NOT NULL, doc TEXT NOT NULL, attrs TEXT NOT NULL);
CREATE UNIQUE INDEX part_key ON part (element, doc);
CREATE INDEX part_doc ON part (doc);
CREATE TABLE element (element TEXT NOT NULL UNIQUE, u TEXT NOT NULL, v TEXT, kind TEXT, degree INTEGER,
    tags TEXT NOT NULL);
CREATE INDEX element_u ON element (u);
CREATE INDEX element_v ON element (v);
CREATE TABLE tag (scope TEXT NOT NULL, name TEXT NOT NULL, tag TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (scope, name, tag));
CREATE TABLE fragment (format TEXT NOT NULL, section TEXT NOT NULL, key TEXT NOT NULL, element TEXT NOT NULL,
    body BLOB NOT NULL);
CREATE UNIQUE INDEX fragment_key ON fragment (format, section, key);
CREATE INDEX fragment_element ON fragment (element, format);
CREATE TABLE dirty (source TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (source, key));
"""
_BATCH = 2000


def _element_id(u: str, v: str | None = None, key: str | None = None) -> str:
    return u if v is None else edge_sort_key(u, v, key or "")


def merge_parts(parts: list[dict[str, Any]], is_edge: bool) -> dict[str, Any]:
    """The parts of one element (in document order) merged as :meth:`kgraph.graph.KnowledgeGraph.merge` does."""
    from .graph import merged_element

    return functools.reduce(lambda attrs, other: merged_element(attrs, other, edge=is_edge), parts)


def _tags(attrs: dict[str, Any]) -> str:
    """The tags of an element's attribute values, as ``name=tag`` lines (attribute names hold no newline)."""
    return "\n".join(sorted(f"{name}={value_tag(value)}" for name, value in attrs.items()))


class FragmentCache:
    """``DIR/fragments.sqlite``, open. Changes are committed by :meth:`commit` and :meth:`refresh`; what is not
    committed when it closes is dropped."""

    def __init__(self, directory: str | os.PathLike):
        self.path = Path(directory) / FRAGMENTS_NAME
        try:
            self._db = self._open()
        except (sqlite3.DatabaseError, ValueError) as exc:  # damaged, or written by another version
            log.warning("%s: %s; starting it afresh", self.path, exc)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        fresh = not self.path.exists()
        db = sqlite3.connect(self.path, isolation_level="DEFERRED")
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # derived data: the store and the caches are the durable copy
            if fresh:
                db.executescript(_SCHEMA)
                db.execute("INSERT INTO meta VALUES ('version', ?)", (VERSION,))
                db.commit()
            else:
                row = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
                if row is None or row[0] != VERSION:
                    raise ValueError(f"version {row[0] if row else '?'}, not {VERSION}")
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    def commit(self) -> None:
        self._db.commit()

    # -- documents --------------------------------------------------------------------------------
    def fingerprints(self) -> dict[str, str]:
        """Document id -> the fingerprint its graph was set with."""
        return dict(self._db.execute("SELECT doc, fingerprint FROM document"))

    def set_document(self, doc_id: str, graph: nx.MultiDiGraph | None, fingerprint: str = "") -> None:
        """Make ``graph`` (``None``: nothing) what document ``doc_id`` says; its elements become dirty."""
        db = self._db
        old = [row[0] for row in db.execute("SELECT element FROM part WHERE doc = ?", (doc_id,))]
        db.execute("DELETE FROM part WHERE doc = ?", (doc_id,))
        db.execute("DELETE FROM document WHERE doc = ?", (doc_id,))
        rows = []
        if graph is not None:
            db.execute("INSERT INTO document VALUES (?, ?)", (doc_id, fingerprint))
            rows = [(_element_id(str(n)), doc_id, json.dumps(attrs, ensure_ascii=False))
                    for n, attrs in graph.nodes(data=True)]
            rows += [(_element_id(str(u), str(v), str(k)), doc_id, json.dumps(attrs, ensure_ascii=False))
                     for u, v, k, attrs in graph.edges(keys=True, data=True)]
            db.executemany("INSERT INTO part VALUES (?, ?, ?)", rows)
        self.mark("elements", old + [row[0] for row in rows])

    def mark(self, source: str, keys: Iterable[str]) -> None:
        """Mark ``keys`` of ``source`` (``elements``, ``subjects``, ``graphs``) dirty; :data:`ALL` marks all."""
        self._db.executemany("INSERT OR IGNORE INTO dirty VALUES (?, ?)", ((source, key) for key in keys))

    def _dirty(self, source: str) -> set[str] | None:
        """The dirty keys of ``source``; None: all of them."""
        keys = {row[0] for row in self._db.execute("SELECT key FROM dirty WHERE source = ?", (source,))}
        return None if ALL in keys else keys

    # -- bringing the fragments up to date ----------------------------------------------------------
    def refresh(self, store: GraphStore, exporters: Iterable[Exporter], all_graphs: GraphLines) -> None:
        """Recompute what is dirty and the fragments of ``exporters`` that depend on it; drop the fragments of
        other formats. ``all_graphs`` serves when every graph or subject must be made again: it is faster than
        reading them all from the store. Commits; on failure, nothing of it stays."""
        db = self._db
        db.commit()
        try:
            self._refresh(store, list(exporters), all_graphs)
        except BaseException:
            db.rollback()
            raise
        db.commit()

    def _refresh(self, store: GraphStore, exporters: list[Exporter], all_graphs: GraphLines) -> None:
        db = self._db
        stored = {name[len("layout:"):]: value for name, value in db.execute(
            "SELECT name, value FROM meta WHERE name LIKE 'layout:%'")}
        wanted = {exporter.name for exporter in exporters}
        for name in set(stored) - wanted:  # a format the directory no longer writes
            db.execute("DELETE FROM fragment WHERE format = ?", (name,))
            db.execute("DELETE FROM meta WHERE name = ?", ("layout:" + name,))
        new_formats = {exporter.source for exporter in exporters if exporter.name not in stored}
        elements = self._merge(everything="elements" in new_formats or self._dirty("elements") is None)
        summary = self.summary()
        jobs: dict[tuple[str, bool], list[tuple[Exporter, Any]]] = {}  # (source, everything) -> exporters
        for exporter in exporters:
            layout = exporter.layout(summary)
            layout_text = json.dumps(layout, ensure_ascii=False, sort_keys=True)
            everything = stored.get(exporter.name) != layout_text  # a new format, or a new layout
            if everything:
                db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", ("layout:" + exporter.name, layout_text))
            jobs.setdefault((exporter.source, everything), []).append((exporter, layout))
        if any(source == "elements" and everything for source, everything in jobs) and elements[0] is not None:
            elements = self._merge(everything=True)  # a layout changed: every element is rendered again
        graphs_and_subjects: list[tuple[str, list[str]]] | None = None
        for (source, everything), work in sorted(jobs.items(), key=lambda job: job[0]):
            if source == "elements":
                keys, items = elements
            else:
                keys = None if everything else self._dirty(source)
                if keys is None:
                    if graphs_and_subjects is None:
                        graphs_and_subjects = sorted(all_graphs())
                    items = (graphs_and_subjects if source == "graphs"
                             else union_by_subject(lines for _, lines in graphs_and_subjects))
                else:
                    items = (_graph_items(store, keys) if source == "graphs" else _subject_items(store, keys))
            for exporter, _ in work:
                if keys is None:
                    db.execute("DELETE FROM fragment WHERE format = ?", (exporter.name,))
                else:
                    db.executemany("DELETE FROM fragment WHERE element = ? AND format = ?",
                                   ((key, exporter.name) for key in keys))
            self._render(source, work, items)
        db.execute("DELETE FROM dirty")

    def _merge(self, everything: bool) -> tuple[set[str] | None, list[tuple[str, Node | Edge]]]:
        """Merge the parts of the dirty elements (``everything``: of all elements) into their elements, update
        the element rows, their degrees and the tag counts. Returns (the keys merged, None for all; the merged
        elements that exist, as ``(element id, Node or Edge)``)."""
        db = self._db
        keys = None if everything else self._dirty("elements")
        tag_delta: dict[tuple[str, str, str], int] = {}

        def count(scope: str, tags: str, sign: int) -> None:
            for entry in tags.split("\n") if tags else ():
                name, _, tag = entry.rpartition("=")
                tag_delta[(scope, name, tag)] = tag_delta.get((scope, name, tag), 0) + sign

        if keys is None:
            db.execute("DELETE FROM element")
            db.execute("DELETE FROM tag")
            cursor = db.execute("SELECT element, attrs FROM part ORDER BY element, doc")
            groups: Iterable[tuple[str, list[str]]] = (
                (element, [attrs for _, attrs in rows])
                for element, rows in itertools.groupby(cursor, key=lambda row: row[0]))
        else:
            for element, v, tags in [row for key in keys for row in db.execute(
                    "SELECT element, v, tags FROM element WHERE element = ?", (key,))]:
                count("node" if v is None else "edge", tags, -1)
            groups = [(element, [row[0] for row in db.execute(
                "SELECT attrs FROM part WHERE element = ? ORDER BY doc", (element,))]) for element in sorted(keys)]
        merged: list[tuple[str, Node | Edge]] = []
        rows, gone = [], []
        for element, parts in groups:
            if not parts:
                gone.append((element,))
                continue
            is_edge = "\x01" in element
            attrs = merge_parts([json.loads(part) for part in parts], is_edge)
            tags = _tags(attrs)
            if is_edge:
                u, v, key = element.split("\x01")
                count("edge", tags, 1)
                merged.append((element, Edge(u, v, key, attrs)))
                rows.append((element, u, v, None, None, tags))
            else:
                count("node", tags, 1)
                merged.append((element, Node(element, attrs, 0)))
                rows.append((element, element, None, str(attrs.get("kind", "")), 0, tags))
        db.executemany("DELETE FROM element WHERE element = ?", gone)
        db.executemany("DELETE FROM fragment WHERE element = ?", gone)
        db.executemany("INSERT OR REPLACE INTO element VALUES (?, ?, ?, ?, ?, ?)", rows)
        nodes = [element for element, item in merged if isinstance(item, Node)]
        if keys is None:
            degree: dict[str, int] = dict.fromkeys(nodes, 0)
            for _, item in merged:
                if isinstance(item, Edge):
                    degree[item.u] = degree.get(item.u, 0) + 1
                    degree[item.v] = degree.get(item.v, 0) + 1
        else:  # a node's edges all come from documents that mention it: its degree changes only when it is dirty
            degree = {node: db.execute("SELECT (SELECT COUNT(*) FROM element WHERE u = ?1 AND v IS NOT NULL) + "
                                       "(SELECT COUNT(*) FROM element WHERE v = ?1)", (node,)).fetchone()[0]
                      for node in nodes}
        db.executemany("UPDATE element SET degree = ? WHERE element = ?", ((degree[n], n) for n in nodes))
        merged = [(element, item._replace(degree=degree[element]) if isinstance(item, Node) else item)
                  for element, item in merged]
        db.executemany("INSERT INTO tag VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
                       ((*key, delta) for key, delta in tag_delta.items() if delta))
        db.execute("DELETE FROM tag WHERE n <= 0")
        return keys, merged

    def summary(self) -> Summary:
        tags: dict[tuple[str, str], set[str]] = {}
        for scope, name, tag in self._db.execute("SELECT scope, name, tag FROM tag"):
            tags.setdefault((scope, name), set()).add(tag)
        nodes = list(self._db.execute("SELECT element, kind, degree FROM element WHERE v IS NULL ORDER BY element"))
        return Summary({key: frozenset(found) for key, found in tags.items()}, nodes)

    def _render(self, source: str, jobs: list[tuple[Exporter, Any]], items: Iterable[Any]) -> None:
        """Make and store the fragments of ``jobs`` (exporter, layout) for ``items`` of ``source``."""
        insert = "INSERT OR REPLACE INTO fragment VALUES (?, ?, ?, ?, ?)"
        items = iter(items)
        while batch := list(itertools.islice(items, _BATCH)):
            for exporter, layout in jobs:
                if source == "elements":  # an element's fragments need not be keyed by its id (html's documents)
                    rows = [(exporter.name, section, key, element, body) for element, item in batch
                            for section, key, body in exporter.fragments([item], layout)]
                else:  # a subject's or graph's fragment is keyed by the subject or graph
                    rows = [(exporter.name, section, key, key, body)
                            for section, key, body in exporter.fragments(batch, layout)]
                self._db.executemany(insert, rows)

    # -- reading ------------------------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        """(entities, facts): the nodes that are not documents, and the edges."""
        from .model import Kind

        entities = self._db.execute("SELECT COUNT(*) FROM element WHERE v IS NULL AND kind != ?",
                                    (Kind.DOCUMENT,)).fetchone()[0]
        facts = self._db.execute("SELECT COUNT(*) FROM element WHERE v IS NOT NULL").fetchone()[0]
        return entities, facts

    def write(self, directory: str | os.PathLike, exporters: Iterable[Exporter]) -> list[Path]:
        """Write the files of ``exporters`` from their fragments (after :meth:`refresh`), each atomically."""
        summary = self.summary()
        written: list[Path] = []
        for exporter in exporters:
            row = self._db.execute("SELECT value FROM meta WHERE name = ?", ("layout:" + exporter.name,)).fetchone()
            if row is None:
                raise ValueError(f"no fragments of {exporter.name!r}: refresh first")

            def read(section: str, name: str = exporter.name) -> Iterator[bytes]:
                cursor = self._db.execute("SELECT body FROM fragment WHERE format = ? AND section = ? ORDER BY key",
                                          (name, section))
                while rows := cursor.fetchmany(_BATCH):
                    for (body,) in rows:
                        yield body

            written += write_files(directory, exporter.assemble(json.loads(row[0]), summary, read))
        return written


def _graph_items(store: GraphStore, keys: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
    """(graph IRI, sorted N-Triples lines) of the named graphs among ``keys`` that hold triples."""
    for name in sorted(keys):
        lines = ntriples_lines(store.graph_ntriples(name))
        if lines:
            yield name, lines


def _subject_items(store: GraphStore, keys: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
    """(subject as N-Triples, sorted lines) of the subjects among ``keys`` in the store's default graph (the
    union of the named graphs)."""
    for subject in sorted(keys):
        lines = store.subject_ntriples(subject)
        if lines:
            yield subject, lines


__all__ = ["ALL", "FRAGMENTS_NAME", "FragmentCache", "GraphLines", "merge_parts"]
