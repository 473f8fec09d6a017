"""From inputs to a knowledge graph: load -> spaCy pipeline -> extractions -> KnowledgeGraph.

These are the plain functions behind the CLI and the Python API (``kgraph.build``, ``kgraph.extract``).
"""
from __future__ import annotations

import functools
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from .graph import KnowledgeGraph
from .model import Document, Extraction, LoadError, entity_from_data, fact_from_data
from .settings import DEFAULT_SEGMENTER, EXECUTORS, PipelineSettings, resolve

log = logging.getLogger(__name__)

PIPES = ("kgraph_sentencizer", "kgraph_entity_recognizer", "kgraph_relation_extractor")
DASK_EXTRA_HINT = "the dask executor needs dask.distributed: pip install 'kgraph[dask]'"


@functools.lru_cache(maxsize=4)
def make_nlp(settings: PipelineSettings | str | None = None, statistical: bool | None = None):
    """A blank Chinese spaCy pipeline with kgraph's tokenizer and components, as ``settings`` say (a
    :class:`~kgraph.settings.PipelineSettings`, or a segmenter name).

    ``statistical``: run the bundled statistical tagger before the rules (None: as the settings say; their
    default is when the model is installed).
    """
    import spacy

    from .nlp import components, segmenter as _segmenter, statistical as _statistical  # noqa: F401  (factories)

    if not isinstance(settings, PipelineSettings) or statistical is not None:
        segmenter = settings.segmenter if isinstance(settings, PipelineSettings) else settings
        settings = PipelineSettings.make(segmenter or DEFAULT_SEGMENTER, statistical)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "kgraph.ChineseTokenizer.v1",
                                                          "segmenter": settings.segmenter}}})
    if settings.statistical:
        nlp.add_pipe("kgraph_statistical_ner")
    for pipe in PIPES:
        nlp.add_pipe(pipe)
    return nlp


def _to_extraction(doc, document: Document) -> Extraction:
    return Extraction(document, [entity_from_data(e) for e in doc._.kg_entities or []],
                      [fact_from_data(f) for f in doc._.kg_facts or []])


def _make_doc(nlp, document: Document, start: int = 0, end: int | None = None):
    doc = nlp.make_doc(document.text if start == 0 and end is None else document.text[start:end])
    doc._.kg_doc_id = document.id
    doc._.kg_doc_date = document.date
    return doc


def _piece_docs(nlp, documents: Iterable[Document]) -> Iterator[tuple[Any, tuple[Document, int, bool]]]:
    """(spaCy doc, (document, offset of the piece, whether it is the document's last piece)) for each piece."""
    for document in documents:
        spans = pieces(document.text)
        for n, (start, end) in enumerate(spans):
            yield _make_doc(nlp, document, start, end), (document, start, n == len(spans) - 1)


def _extractions(processed: Iterable[tuple[Any, tuple[Document, int, bool]]]) -> Iterator[Extraction]:
    """The extraction of each document from its processed pieces, in order (see :func:`pieces`)."""
    parts: list[tuple[int, Any]] = []
    for doc, (document, offset, last) in processed:
        parts.append((offset, doc))
        if last:
            yield _to_extraction(doc, document) if len(parts) == 1 else _joined(document, parts)
            parts = []


def extract_one(document: Document, settings: PipelineSettings | str | None = None) -> Extraction:
    """The extraction of one document; ``settings``: :class:`~kgraph.settings.PipelineSettings` or a segmenter."""
    nlp = make_nlp(resolve(settings))
    return next(_extractions((nlp(doc), context) for doc, context in _piece_docs(nlp, [document])))


# -- long documents: processed in pieces -------------------------------------------------------------------

PIECE_CHARS = 20_000
"""A document longer than this is processed in pieces of at most this many characters, cut at a paragraph break
(else after a sentence end, a clause mark or a space; a piece without any is cut at the limit). Every analysis
works within a piece, so its cost does not grow with the document, and spaCy's ``max_length`` (1,000,000) is
never reached. Offsets stay relative to the whole text; an entity found in several pieces is one entity."""

_CUT_AFTER = ("\n", "。！？!?…", "；，、;,：:", " \t\u3000")


def pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of the pieces ``text`` is processed in: one piece unless it is longer than ``limit``."""
    spans = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        for marks in _CUT_AFTER:  # the latest mark of the most separating kind in the second half
            cut = max(text.rfind(mark, start + limit // 2, end) for mark in marks)
            if cut >= 0:
                end = cut + 1
                break
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def _joined(document: Document, parts: list[tuple[int, Any]]) -> Extraction:
    """One extraction from the processed pieces of ``document``: offsets (mentions, evidence, the ``#offset`` of
    statement and figure keys) shifted to the whole text, an entity found in several pieces merged."""
    prefix = f"{document.id}#"

    def key(value: str, offset: int) -> str:
        rest = value[len(prefix):] if value.startswith(prefix) else ""
        return f"{prefix}{int(rest) + offset}" if rest.isdigit() else value

    entities: dict[tuple[str, str], Any] = {}
    facts = []
    for offset, doc in parts:
        piece = _to_extraction(doc, document)
        for entity in piece.entities:
            entity.mentions = [(start + offset, end + offset) for start, end in entity.mentions]
            if "key" in entity.props:
                entity.props["key"] = key(entity.props["key"], offset)
            known = entities.setdefault(entity.ref, entity)
            if known is not entity:
                known.mentions += entity.mentions
                known.aliases |= entity.aliases
                known.confidence = max(known.confidence, entity.confidence)
                known.subtype = known.subtype or entity.subtype
                for name, value in entity.props.items():
                    known.props.setdefault(name, value)
        for fact in piece.facts:
            fact.subject = (fact.subject[0], key(fact.subject[1], offset))
            fact.object = (fact.object[0], key(fact.object[1], offset))
            fact.evidence.start += offset
            fact.evidence.end += offset
            facts.append(fact)
    return Extraction(document, list(entities.values()), facts)


def _extract_batch(batch: list[Document], settings: PipelineSettings,
                   then: Callable[[Extraction], Any] | None = None) -> list:
    extractions = [extract_one(d, settings) for d in batch]
    return extractions if then is None else [then(extraction) for extraction in extractions]


def extract(inputs: Iterable | str | os.PathLike | Document, *, segmenter: str | None = None, n_process: int = 1,
            batch_size: int = 16, executor: str = "local", scheduler=None,
            then: Callable[[Extraction], Any] | None = None, settings: PipelineSettings | None = None,
            report: BuildReport | None = None, base: str | os.PathLike | None = None) -> Iterator[Any]:
    """Extractions for a stream of inputs, in input order: paths (files, folders, .jsonl corpora, "-"),
    texts or Documents, as :func:`build` takes them (see :func:`as_documents`), made with ``settings``
    (default: the :class:`~kgraph.settings.PipelineSettings` of ``segmenter``, else the defaults).

    An input that cannot be read raises its :class:`LoadError` (naming it and the problem), unless
    ``report`` is given: then it is recorded in ``report.failures`` and skipped. ``base``: the folder
    file ids are relative to (default: the working directory).

    ``then`` (a function that can be pickled, i.e. defined at a module's top level) is applied to each
    extraction where it was made, in the worker process, and its results are yielded instead: work that
    follows extraction runs in parallel too.

    With ``n_process > 1`` batches go to a pool of worker processes; at most ``2 * n_process`` batches are
    in flight, so memory stays bounded however long the stream is.

    With ``executor="dask"`` batches go to the workers of an existing Dask cluster instead (``n_process`` is
    then ignored): ``scheduler`` is its address (``"tcp://HOST:PORT"``) or a ``distributed.Client``. Each
    worker process builds kgraph's pipeline once; kgraph must be installed on the workers.
    """
    settings = resolve(settings, segmenter)  # validated here, before any work
    check_executor(executor, scheduler if executor == "dask" else None)
    documents = _readable(inputs, report, base)
    if executor == "dask":
        yield from _extract_dask(documents, settings=settings, batch_size=batch_size, scheduler=scheduler,
                                 then=then)
        return
    if n_process <= 1:
        nlp = make_nlp(settings)
        processed = nlp.pipe(_piece_docs(nlp, documents), as_tuples=True, batch_size=batch_size)
        for extraction in _extractions(processed):
            yield extraction if then is None else then(extraction)
        return
    import concurrent.futures as cf
    import multiprocessing as mp

    ctx = mp.get_context("fork" if os.name == "posix" else "spawn")
    with cf.ProcessPoolExecutor(n_process, mp_context=ctx) as pool:
        pending: list[cf.Future] = []
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= batch_size:
                pending.append(pool.submit(_extract_batch, batch, settings, then))
                batch = []
                while len(pending) >= 2 * n_process:
                    yield from pending.pop(0).result()
        if batch:
            pending.append(pool.submit(_extract_batch, batch, settings, then))
        for fut in pending:
            yield from fut.result()


_WORKER_LOCK = threading.Lock()  # one batch at a time per Dask worker process: its threads share one pipeline


def _extract_batch_on_worker(batch: list[Document], settings: PipelineSettings,
                             then: Callable[[Extraction], Any] | None = None) -> list:
    """What a Dask worker runs: a batch through the process's one pipeline (``make_nlp`` is cached)."""
    with _WORKER_LOCK:
        return _extract_batch(batch, settings, then)


def check_executor(executor: str, scheduler=None) -> None:
    """Fail before any work when ``executor`` cannot run: ValueError for an unknown executor or Dask
    without a scheduler address, ImportError (naming the ``[dask]`` extra) when distributed is missing."""
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if executor == "dask":
        if not scheduler:
            raise ValueError("executor='dask' needs the address of a Dask scheduler, e.g. scheduler='tcp://HOST:8786'")
        try:
            import distributed  # noqa: F401
        except ImportError as exc:
            raise ImportError(DASK_EXTRA_HINT) from exc


def dask_client(scheduler):
    """A ``distributed.Client`` for ``scheduler`` (an address such as ``"tcp://HOST:PORT"``).

    Raises what :func:`check_executor` raises, and ConnectionError when the scheduler cannot be reached
    (kgraph sends work to an existing cluster; it does not start one).
    """
    check_executor("dask", scheduler)
    from distributed import Client

    try:
        return Client(scheduler, set_as_default=False)
    except OSError as exc:  # TimeoutError included
        raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc


def _extract_dask(documents: Iterable[Document], *, settings: PipelineSettings, batch_size: int, scheduler,
                  then: Callable[[Extraction], Any] | None = None) -> Iterator[Any]:
    """Batches of documents to the workers of a Dask cluster; results in input order.

    At most two batches per worker thread are in flight (submitted and not yet yielded), so neither this
    process nor the cluster holds more than that however long the stream is.
    """
    own_client = not hasattr(scheduler, "submit")
    client = dask_client(scheduler) if own_client else scheduler
    pending: list = []
    try:
        threads = sum(client.nthreads().values()) or 1
        in_flight = max(2, 2 * threads)
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= batch_size:
                pending.append(client.submit(_extract_batch_on_worker, batch, settings, then, pure=False))
                batch = []
                while len(pending) >= in_flight:
                    yield from pending.pop(0).result()
        if batch:
            pending.append(client.submit(_extract_batch_on_worker, batch, settings, then, pure=False))
        while pending:
            yield from pending.pop(0).result()
    finally:
        if pending:  # the caller stopped early or a batch failed: drop the work still queued
            client.cancel(pending)
        if own_client:
            client.close()


class Text(str):
    """A string that is article text, never a path: ``kgraph.build([kgraph.Text(untrusted)])`` reads no file
    whatever the string holds. (A plain string is read as a path when it names one; see :func:`build`.)"""

    __slots__ = ()


TEXT_HINT = "to pass this string as text, give kgraph.Text(string) or kgraph.document_from_text(string) instead"


def as_documents(inputs: Iterable | str | os.PathLike | Document, *,
                 base: str | os.PathLike | None = None) -> Iterator[Document | LoadError]:
    """The inputs of :func:`build` and :func:`extract` as documents, read lazily; what cannot be read is a
    :class:`LoadError` value naming it. The one place that decides what an input is:

    * a :class:`Text` (a ``str``) is the text of an article, never a path, and so is a :class:`Document` (e.g.
      from :func:`kgraph.loaders.document_from_text`), taken as it is: the ways to pass text that no file
      system lookup follows;
    * an ``os.PathLike`` is a path, and so is ``"-"`` (standard input);
    * a string naming an existing file or folder is that path (a file's document id is its path relative to
      ``base``, by default the working directory: see :func:`kgraph.document_ids.document_id`);
    * a string that looks like a path (one line ending in a suffix kgraph reads, such as ``.md``, or holding
      a path separator) and names nothing is an error, not text: a mistyped path must not become an article;
    * any other string is the text of an article, with the id ``text-N`` (its position among the inputs);
      blank text is a LoadError ("empty text"). Lone surrogates become U+FFFD (with a warning).
    """
    from .decoding import without_lone_surrogates
    from .loaders import document_from_text, iter_documents

    if isinstance(inputs, (str, os.PathLike, Document)):
        inputs = [inputs]  # one input, not an iterable of characters
    for n, item in enumerate(inputs):
        if isinstance(item, Document):
            yield without_lone_surrogates(item)
        elif not isinstance(item, (str, os.PathLike)):
            yield LoadError(repr(item)[:60], f"not a path, a text or a Document ({type(item).__name__})")
        elif isinstance(item, Text) or not (isinstance(item, os.PathLike) or item == "-" or _names_a_path(item)):
            if isinstance(item, Text) or not _looks_like_a_path(item):
                yield (document_from_text(str(item), id=f"text-{n + 1}") if item.strip()
                       else LoadError(f"text-{n + 1}", "empty text"))
            else:
                yield LoadError(item, f"no such file or folder; {TEXT_HINT}")
        else:
            yield from iter_documents([item], base=base)


def _could_be_a_path(item: str) -> bool:
    return "\n" not in item and 0 < len(item) <= 4096 and "\0" not in item


def _names_a_path(item: str) -> bool:
    try:
        return _could_be_a_path(item) and os.path.exists(item)
    except OSError:  # e.g. a name too long for the file system
        return False


def _looks_like_a_path(item: str) -> bool:
    from .loaders import SUPPORTED_EXTENSIONS

    separators = [sep for sep in ("/", os.sep, os.altsep) if sep]
    return _could_be_a_path(item) and (any(sep in item for sep in separators)
                                       or os.path.splitext(item.strip())[1].lower() in SUPPORTED_EXTENSIONS)


@dataclass
class BuildReport:
    documents: int = 0
    characters: int = 0
    failures: list[LoadError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _readable(inputs, report: BuildReport | None, base=None) -> Iterator[Document]:
    """The documents of ``inputs``; a LoadError is raised, or recorded in ``report`` and skipped."""
    for item in as_documents(inputs, base=base):
        if isinstance(item, LoadError):
            if report is None:
                raise item
            log.info("skipped %s", item)  # callers report failures from the BuildReport
            report.failures.append(item)
            continue
        yield item


def build(inputs: Iterable | str, *, segmenter: str | None = None, n_process: int = 1,
          progress: Callable[[Document], None] | None = None, report: BuildReport | None = None,
          executor: str = "local", scheduler=None, settings: PipelineSettings | None = None,
          base: str | os.PathLike | None = None) -> KnowledgeGraph:
    """Build a knowledge graph from paths (files, folders, .jsonl corpora, "-"), texts or Documents (how a
    string is told apart: :func:`as_documents`).

    A document that cannot be read (blank text included) is logged, recorded in ``report.failures`` and
    skipped; the others' results are kept; one blank string alone raises LoadError ("empty text"): there is
    nothing to build. ``executor`` and ``scheduler`` choose where extraction runs (see :func:`extract`).
    ``base``: the folder file ids are relative to (default: the working directory).
    """
    if isinstance(inputs, str) and not inputs.strip():
        raise LoadError("text-1", "empty text")
    settings = resolve(settings, segmenter)
    report = report if report is not None else BuildReport()
    kg = KnowledgeGraph()
    for extraction in extract(inputs, settings=settings, n_process=n_process, executor=executor,
                              scheduler=scheduler, report=report, base=base):
        kg.add(extraction)
        report.documents += 1
        report.characters += len(extraction.document.text)
        if progress:
            progress(extraction.document)
    kg.report = report
    return kg
