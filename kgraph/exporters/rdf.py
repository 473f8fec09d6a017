"""RDF exporters: Turtle, N-Triples and JSON-LD hold the union of the named graphs of
:func:`kgraph.rdf.to_dataset` (what a consumer that ignores provenance graphs wants); TriG and N-Quads keep
the named graphs, one per document.

The files are made of fragments (see :mod:`kgraph.exporters`): one per named graph for TriG and N-Quads, one
per subject of the union for the others, each a function of that graph's or that subject's triples alone.
Oxigraph's writers write Turtle and TriG; N-Triples and N-Quads are sorted lines; JSON-LD is compacted here,
one node per line. So the same triples always give the same bytes, whatever the hash seed or the order in
which documents were added. :func:`~kgraph.rdf.to_dataset` makes no blank nodes, whose labels would change
from run to run, and no RDF lists.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import Exporter, Summary, joined

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

__all__ = ["RdfExporter", "TurtleExporter", "NTriplesExporter", "JsonLdExporter", "TriGExporter",
           "NQuadsExporter", "jsonld_context", "named_graphs", "union_graph"]

SCHEMA_ORG = "https://schema.org/"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _prefixes() -> dict[str, str]:
    from ..iri import PREFIXES

    return dict(PREFIXES)


def _prefix_lines() -> bytes:
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in _prefixes().items()).encode("utf-8")


def union_graph(dataset: Dataset) -> Graph:
    """All triples of every graph in ``dataset`` (default graph included) in one Graph, its prefixes bound."""
    from rdflib import Graph

    union = Graph(bind_namespaces="none")
    for prefix, namespace in dataset.namespaces():
        union.bind(prefix, namespace, override=True, replace=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def named_graphs(dataset: Dataset) -> dict[str, frozenset]:
    """Graph IRI -> its set of triples, for every non-empty graph of ``dataset``: a comparable form."""
    graphs: dict[str, set] = {}
    for s, p, o, context in dataset.quads((None, None, None, None)):
        name = getattr(context, "identifier", context)  # rdflib yields identifiers, older versions graphs
        graphs.setdefault(str(name), set()).add((s, p, o))
    return {name: frozenset(triples) for name, triples in graphs.items()}


def _parse(lines: Iterable[str]) -> Any:
    import pyoxigraph as ox

    return ox.parse("".join(line + "\n" for line in lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)


def _parsed(items: list[tuple[Any, list[str]]]) -> Iterator[tuple[Any, list[Any]]]:
    """``(key, its triples)`` for each ``(key, N-Triples lines)``, all parsed at once (a line is a triple)."""
    triples = iter(_parse(line for _, lines in items for line in lines))
    for key, lines in items:
        yield key, [next(triples) for _ in lines]


def _without_prefixes(text: bytes) -> bytes:
    """Oxigraph's Turtle or TriG output without the ``@prefix`` lines and the blank line after them (the file
    states the prefixes once, at its head)."""
    lines = text.split(b"\n")
    start = 0
    while start < len(lines) and (lines[start].startswith(b"@prefix ") or not lines[start]):
        start += 1
    return b"\n".join(lines[start:])


class RdfExporter(Exporter):
    """A file of RDF. ``read()`` parses it back with rdflib."""

    rdf_format: str = ""          # rdflib's parser name for read()
    keeps_named_graphs = False    # True: read() gives a Dataset, else a Graph
    head = b""
    separator = b""
    tail = b""

    def fragment(self, key: str | None, lines: list[str]) -> bytes:
        raise NotImplementedError

    def fragments(self, items: Iterable[tuple[Any, list[str]]], layout: Any = None) -> Iterator[tuple[str, str, bytes]]:
        for key, lines in items:
            yield "", key or "", self.fragment(key, lines)

    def assemble(self, layout: Any, summary: Summary,
                 read: Callable[[str], Iterable[bytes]]) -> Iterator[tuple[str, Iterable[bytes]]]:
        def chunks() -> Iterator[bytes]:
            yield self.head
            yield from joined(read(""), self.separator)
            yield self.tail

        (filename,) = self.filenames
        yield filename, chunks()

    def read(self, directory: str | os.PathLike) -> Graph | Dataset:
        from rdflib import Dataset, Graph

        (path,) = self.paths(directory)
        target = Dataset() if self.keeps_named_graphs else Graph()
        target.parse(data=path.read_text(encoding="utf-8"), format=self.rdf_format)
        return target


class TurtleExporter(RdfExporter):
    """One block per subject, written by Oxigraph's Turtle writer; the prefixes once, at the head."""

    name = "turtle"
    filenames = ("graph.ttl",)
    rdf_format = "turtle"
    source = "subjects"

    @property
    def head(self) -> bytes:  # type: ignore[override]
        return _prefix_lines() + b"\n"

    def fragments(self, items: Iterable[tuple[Any, list[str]]], layout: Any = None) -> Iterator[tuple[str, str, bytes]]:
        # One writer for many subjects is much faster than a writer per subject; the blocks are cut apart
        # again where a line starts without indentation (a new subject: literals never hold a raw newline).
        import pyoxigraph as ox

        batch = list(items)
        for start in range(0, len(batch), 5000):
            chunk = batch[start:start + 5000]
            text = ox.serialize(_parse(line for _, lines in chunk for line in lines), format=ox.RdfFormat.TURTLE,
                                prefixes=_prefixes())
            blocks: list[list[bytes]] = []
            for line in _without_prefixes(text).split(b"\n"):
                if line and not line.startswith(b"\t"):
                    blocks.append([])
                if line:
                    blocks[-1].append(line)
            if len(blocks) != len(chunk):  # not one block per subject: write each on its own
                blocks = [[_without_prefixes(ox.serialize(_parse(lines), format=ox.RdfFormat.TURTLE,
                                                          prefixes=_prefixes())).rstrip(b"\n")]
                          for _, lines in chunk]
            for (subject, _), block in zip(chunk, blocks):
                yield "", subject, b"\n".join(block) + b"\n"


class NTriplesExporter(RdfExporter):
    """The union's lines, sorted."""

    name = "ntriples"
    filenames = ("graph.nt",)
    rdf_format = "nt"
    source = "subjects"

    def fragment(self, key: str | None, lines: list[str]) -> bytes:
        return "".join(line + "\n" for line in lines).encode("utf-8")


class JsonLdExporter(RdfExporter):
    """Compact JSON-LD, a node per line: ``@vocab`` is schema.org (``"name"``, ``"@type": "Person"``), the other
    vocabularies are prefixed (``"kg:confidence"``), node IRIs stay whole; values in the order of their
    N-Triples lines, keys sorted."""

    name = "jsonld"
    filenames = ("graph.jsonld",)
    rdf_format = "json-ld"
    source = "subjects"
    separator = b",\n"
    tail = b"\n]}\n"

    def __init__(self) -> None:
        prefixes = _prefixes()
        self._by_length = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))  # longest wins
        self._compacted: dict[tuple[str, bool], str] = {}

    @property
    def head(self) -> bytes:  # type: ignore[override]
        return (f'{{"@context": {json.dumps(jsonld_context(), sort_keys=True)},\n"@graph": [\n').encode("utf-8")

    def _compact(self, iri: str, vocab: bool) -> str:
        key = (iri, vocab)
        if key not in self._compacted:
            self._compacted[key] = iri
            if vocab and iri.startswith(SCHEMA_ORG) and _simple_local(iri[len(SCHEMA_ORG):]):
                self._compacted[key] = iri[len(SCHEMA_ORG):]
            else:
                for prefix, namespace in self._by_length:
                    if iri.startswith(namespace) and _simple_local(iri[len(namespace):]):
                        self._compacted[key] = f"{prefix}:{iri[len(namespace):]}"
                        break
        return self._compacted[key]

    def fragments(self, items: Iterable[tuple[Any, list[str]]], layout: Any = None) -> Iterator[tuple[str, str, bytes]]:
        for subject, triples in _parsed(list(items)):
            yield "", subject, self._node(triples)

    def _node(self, triples: list[Any]) -> bytes:
        import pyoxigraph as ox

        node: dict[str, Any] = {}
        for triple in triples:
            subject, obj = triple.subject, triple.object
            node["@id"] = f"_:{subject.value}" if isinstance(subject, ox.BlankNode) else subject.value
            predicate = triple.predicate.value
            if predicate == _RDF_TYPE and isinstance(obj, ox.NamedNode):
                node.setdefault("@type", []).append(self._compact(obj.value, vocab=True))
                continue
            if isinstance(obj, ox.Literal):
                if obj.language:
                    value: Any = {"@language": obj.language, "@value": obj.value}
                elif obj.datatype.value == _XSD_STRING:
                    value = obj.value
                else:
                    value = {"@type": self._compact(obj.datatype.value, vocab=False), "@value": obj.value}
            elif isinstance(obj, ox.BlankNode):
                value = {"@id": f"_:{obj.value}"}
            else:
                value = {"@id": obj.value}
            node.setdefault(self._compact(predicate, vocab=True), []).append(value)
        # json's C encoder stays in use (an indent would turn it off)
        return json.dumps(node, ensure_ascii=False, sort_keys=True).encode("utf-8")


def jsonld_context() -> dict[str, str]:
    """The ``@context`` of graph.jsonld: schema.org as ``@vocab``, and every prefix of the RDF contract."""
    return {"@vocab": SCHEMA_ORG, **_prefixes()}


def _simple_local(local: str) -> bool:
    """Whether ``local`` can follow a prefix (or stand alone under @vocab) in compact JSON-LD."""
    return bool(local) and not local[0].isdigit() and all(ch.isalnum() or ch in "_-." for ch in local)


class TriGExporter(RdfExporter):
    """One block per named graph, written by Oxigraph's TriG writer; the prefixes once, at the head."""

    name = "trig"
    filenames = ("graph.trig",)
    rdf_format = "trig"
    keeps_named_graphs = True
    source = "graphs"

    @property
    def head(self) -> bytes:  # type: ignore[override]
        return _prefix_lines() + b"\n"

    def fragment(self, key: str | None, lines: list[str]) -> bytes:
        # A graph's block is Turtle inside braces: Oxigraph's Turtle writer on the triples (no Quad objects
        # made on the way), each line indented.
        import pyoxigraph as ox

        turtle = _without_prefixes(ox.serialize(_parse(lines), format=ox.RdfFormat.TURTLE, prefixes=_prefixes()))
        if not key:  # the default graph: its triples stand outside any block
            return turtle
        body = b"".join(b"\t" + line + b"\n" for line in turtle.split(b"\n") if line)
        return f"<{key}> {{\n".encode("utf-8") + body + b"}\n"


class NQuadsExporter(RdfExporter):
    """Graph after graph (in IRI order, the default graph first), each graph's lines sorted."""

    name = "nquads"
    filenames = ("graph.nq",)
    rdf_format = "nquads"
    keeps_named_graphs = True
    source = "graphs"

    def fragment(self, key: str | None, lines: list[str]) -> bytes:
        suffix = f" <{key}> ." if key else " ."
        return "".join(line[:-2] + suffix + "\n" for line in lines).encode("utf-8")
