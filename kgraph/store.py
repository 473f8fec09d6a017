"""The persistent RDF store behind ``kgraph build -o DIR``: Oxigraph, an embedded SPARQL database, in ``DIR/store/``.

The store is opened through oxrdflib (rdflib's ``Dataset`` API on Oxigraph's engine): SPARQL queries go
through that ``Dataset`` and run inside Oxigraph. Updates and the Graph Store pushes use the underlying
``pyoxigraph.Store`` (its SPARQL update, its N-Triples dump). The RDF export files of a build directory are
made from the store's named graphs and from its default graph, a subject at a time (:mod:`kgraph.fragments`).

Layout: one named graph per document, IRI ``<document IRI>#graph`` (:func:`kgraph.rdf.graph_iri`), holding
what :func:`kgraph.rdf.to_dataset` makes of that one document: its ``schema:NewsArticle``, the description of
every entity it mentions and its facts with their provenance. The default graph is the union of the named
graphs (each triple once), which queries read. Replacing a document's graph, and updating the union with it,
is one transaction (a single SPARQL update), so a reader never sees half a document, and an entity that no
remaining document mentions has no triple left anywhere.

:func:`push` copies the named graphs into another SPARQL 1.1 store through the Graph Store HTTP Protocol.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Dataset

log = logging.getLogger(__name__)

STORE_DIRNAME = "store"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class StoreError(OSError):
    """The store cannot be opened or written; the message says which directory and why."""


class StoreLockedError(StoreError):
    """Another process (or another open handle in this one) has the store open for writing."""


def store_path(directory: str | os.PathLike) -> Path:
    return Path(directory) / STORE_DIRNAME


def has_store(directory: str | os.PathLike) -> bool:
    """Whether ``directory`` holds a store written by ``kgraph build`` (``DIR/store/``)."""
    path = store_path(directory)
    return path.is_dir() and (path / "CURRENT").is_file()


# -- one name per entity across the document graphs ----------------------------------------------------
#
# Each document's graph names an entity the way that document does (星河科技 in one, 星河科技有限公司 in
# another, both one IRI). The union must still give each entity one schema:name (the shapes say so), the
# one the networkx graph shows: kgraph.resolve.preferred_label over every document's name. So the graphs
# in the store are the documents' own graphs with the names "harmonised": the preferred name as
# schema:name and rdfs:label, the document's own name kept as a schema:alternateName.

_NAME = "<https://schema.org/name>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_ALTERNATE_NAME = "<https://schema.org/alternateName>"


def own_names(ntriples: Iterable[str]) -> dict[str, str]:
    """Entity IRI -> the schema:name a document's own graph gives it."""
    import pyoxigraph as ox

    names: dict[str, str] = {}
    for line in ntriples:
        if f" {_NAME} " in line:
            triple = next(iter(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)))
            if (triple.predicate.value == _NAME[1:-1] and isinstance(triple.subject, ox.NamedNode)
                    and isinstance(triple.object, ox.Literal)):
                names[triple.subject.value] = triple.object.value
    return names


def _name_literal(value: str) -> str:
    import pyoxigraph as ox

    from .rdf import LANG

    return str(ox.Literal(value, language=LANG))


def harmonise_names(ntriples: list[str], own: dict[str, str], preferred: Callable[[str], str]) -> list[str]:
    """A document's graph (sorted N-Triples lines) with every entity of ``own`` named ``preferred(iri)``:
    schema:name and rdfs:label replaced, the document's own name kept as schema:alternateName. Returns the
    lines unchanged (the same list) when every entity already has its preferred name."""
    changes = {iri: (name, preferred(iri)) for iri, name in own.items() if preferred(iri) != name}
    if not changes:
        return ntriples
    lines = set(ntriples)
    for iri, (name, best) in sorted(changes.items()):
        old, new = _name_literal(name), _name_literal(best)
        for predicate in (_NAME, _LABEL):
            if f"<{iri}> {predicate} {old} ." in lines:
                lines.discard(f"<{iri}> {predicate} {old} .")
                lines.add(f"<{iri}> {predicate} {new} .")
        lines.discard(f"<{iri}> {_ALTERNATE_NAME} {new} .")
        lines.add(f"<{iri}> {_ALTERNATE_NAME} {old} .")
    return sorted(lines)


# -- the store --------------------------------------------------------------------------------------

class GraphStore:
    """An Oxigraph store on disk, opened read-write (Oxigraph allows one writer process at a time).

    Use it as a context manager, or call :meth:`close`: the directory stays locked while it is open.
    """

    def __init__(self, path: str | os.PathLike):
        import pyoxigraph as ox

        self.path = Path(path)
        try:
            self._ox: pyoxigraph.Store | None = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(f"{self.path}: the store is in use by another kgraph process") from exc
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        self._dataset: Dataset | None = None

    # -- access -------------------------------------------------------------------------------------
    @property
    def dataset(self) -> Dataset:
        """The store as an rdflib ``Dataset`` (made on first use: building and removing need no rdflib). Its
        default graph is the union of the named graphs, kept so by :meth:`replace_graphs`: Oxigraph 0.5's own
        union-default-graph mode counts a triple once per graph that holds it (oxigraph issue #1919), and
        every document graph describes the entities it mentions."""
        if self._dataset is None:
            from oxrdflib import OxigraphStore
            from rdflib import Dataset

            from .rdf import bind_prefixes

            self._dataset = bind_prefixes(Dataset(store=OxigraphStore(store=self.native), default_union=False))
        return self._dataset

    @property
    def native(self) -> pyoxigraph.Store:
        """The underlying ``pyoxigraph.Store``."""
        if self._ox is None:
            raise StoreError(f"{self.path}: the store is closed")
        return self._ox

    def close(self) -> None:
        """Release the store (and its lock): write its buffers out, drop every reference to the handle."""
        if self._ox is not None:
            self._ox.flush()  # so the next open need not replay a long write-ahead log
        if self._dataset is not None:
            self._dataset.store.close()
        self._dataset = None
        self._ox = None

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- graphs -------------------------------------------------------------------------------------
    def graph_names(self) -> set[str]:
        return {node.value for node in self.native.named_graphs()}

    def replace_graph(self, graph: str, ntriples: Iterable[str]) -> None:
        """Make ``graph`` hold exactly ``ntriples`` (N-Triples lines), in one transaction."""
        self.replace_graphs({graph: ntriples})

    def replace_graphs(self, graphs: dict[str, Iterable[str]], drop: Iterable[str] = ()) -> None:
        """Make each graph of ``graphs`` hold exactly its N-Triples lines and drop the graphs of ``drop``
        (missing ones are ignored), keeping the default graph the union of the named graphs: all in one
        transaction, so a reader never sees half of the change."""
        import pyoxigraph as ox

        graphs = {g: list(lines) for g, lines in graphs.items()}
        drop = list(drop)
        if graphs and not drop and not any(self.native.contains_named_graph(ox.NamedNode(g)) for g in graphs):
            # only new graphs (a fresh build): load them and their union share as N-Quads, one transaction too,
            # and twice as fast as the SPARQL update
            quads = [f"{line[:-1]}<{g}> ." for g, lines in graphs.items() for line in lines]
            quads += sorted({line for lines in graphs.values() for line in lines})
            self.native.load("\n".join(quads).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            return
        operations: list[str] = []
        for g in sorted(set(graphs) | set(drop)):
            # out of the union go the triples of this graph that no other graph states
            operations.append(f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} "
                              f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{g}>) }} }}")
            operations.append(f"DROP SILENT GRAPH <{g}>")
        blocks = [f"GRAPH <{g}> {{\n" + "\n".join(lines) + "\n}" for g, lines in sorted(graphs.items())]
        if blocks:
            union = sorted({line for lines in graphs.values() for line in lines})
            operations.append("INSERT DATA {\n" + "\n".join(blocks) + "\n" + "\n".join(union) + "\n}")
        if operations:
            self._update(" ;\n".join(operations))

    def rebuild_union(self) -> None:
        """Make the default graph the union of the named graphs again, from scratch."""
        self._update("DROP SILENT DEFAULT ;\nINSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        """Drop ``graphs`` (missing ones are ignored), in one transaction."""
        self.replace_graphs({}, drop=graphs)

    def _update(self, sparql: str) -> None:
        # Straight to Oxigraph: rdflib's Dataset.update on a union-default-graph dataset would not hand the
        # text to the store but evaluate it in Python. One update request is one Oxigraph transaction.
        self.native.update(sparql)

    def triple_counts(self) -> dict[str, int]:
        """Graph IRI -> number of triples, for every named graph."""
        result = self.native.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in result}

    def graph_ntriples(self, graph: str) -> bytes:
        """One named graph as N-Triples, lines sorted."""
        import pyoxigraph as ox

        data = self.native.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        return _sorted_lines(data)

    def subject_ntriples(self, subject: str) -> list[str]:
        """The triples of the default graph whose subject is ``subject`` (as N-Triples writes it: ``<iri>`` or
        ``_:label``), as sorted N-Triples lines."""
        import pyoxigraph as ox

        node = ox.BlankNode(subject[2:]) if subject.startswith("_:") else ox.NamedNode(subject[1:-1])
        return sorted(f"{quad.triple} ." for quad in self.native.quads_for_pattern(node, None, None, ox.DefaultGraph()))

    def query(self, sparql: str):
        """Run ``sparql`` inside Oxigraph on the default graph (the union of the named graphs, each triple
        once); an rdflib ``Result``."""
        from .iri import PREFIXES

        return self.dataset.query(sparql, initNs=PREFIXES)


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted({line for line in data.split(b"\n") if line.strip()})
    return b"".join(line + b"\n" for line in lines)


# -- reading a store for queries ------------------------------------------------------------------

def open_dataset(directory: str | os.PathLike) -> Dataset:
    """The store of a ``kgraph build`` directory as an rdflib ``Dataset`` (union default graph) that
    answers SPARQL inside Oxigraph. The store stays open (and locked) as long as the Dataset lives.

    Raises :class:`StoreLockedError` while another process writes the store.
    """
    return GraphStore(store_path(directory)).dataset


def plain_strings(result: Any) -> Any:
    """A SELECT result from the store with its ``xsd:string`` literals made plain, as rdflib's parsers give
    them (the same RDF 1.1 term; oxrdflib spells out the datatype), so a query answers alike on a directory
    and on its files."""
    if getattr(result, "type", None) != "SELECT":
        return result
    from rdflib import Literal

    def plain(term: Any) -> Any:
        if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) == _XSD_STRING:
            return Literal(str(term))
        return term

    result.bindings = [{var: plain(term) for var, term in row.items()} for row in result.bindings]
    return result


def is_oxigraph_dataset(graph: Any) -> bool:
    """Whether ``graph`` is an rdflib graph on an Oxigraph store (which runs SPARQL text natively)."""
    store = getattr(graph, "store", None)
    return type(store).__name__ == "OxigraphStore" and type(store).__module__.startswith("oxrdflib")


__all__ = [
    "STORE_DIRNAME",
    "GraphStore",
    "StoreError",
    "StoreLockedError",
    "harmonise_names",
    "has_store",
    "is_oxigraph_dataset",
    "open_dataset",
    "own_names",
    "plain_strings",
    "store_path",
]
