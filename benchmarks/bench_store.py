"""Oxigraph with a million triples of kgraph-shaped RDF: load time, and the latency of the competency questions.

    python benchmarks/bench_store.py [--triples 1000000] [--runs 5] [--keep-data] [--store PATH] [--union]

1. Synthetic articles (people tied to organisations by titled memberships and headships, founders, units
   of organisations, events with organiser, place, date and theme, proposed initiatives, statements,
   figures) are made as kgraph ``Extraction`` records and mapped by kgraph itself
   (:func:`kgraph.rdf.document_triples`, i.e. :func:`kgraph.rdf.to_ntriples`), one named graph per article,
   exactly what ``kgraph build`` keeps in its store; articles are added until the quads reach ``--triples``.
   People and organisations recur across articles, so the queries join across named graphs.
2. The N-Quads are loaded into fresh on-disk Oxigraph stores three ways: ``pyoxigraph.Store.bulk_load``
   (then the default graph is filled with the merge of the named graphs, as kgraph's store keeps it);
   rdflib's ``Dataset.parse`` on an oxrdflib store (format ``ox-nquads``); and, on a sample of articles,
   kgraph's own incremental path (``GraphStore.replace_graph``, one SPARQL update per article).
   ``--store PATH`` keeps the bulk-loaded store at PATH; when PATH already holds a store, nothing is
   generated or loaded and the queries run on it (a re-run takes minutes).
3. Every query in examples/queries/*.rq (or ``--queries DIR``) runs ``--runs`` times (median reported) on
   the merged default graph: as written (it lists the whole graph), and with its "ask about one X" line
   uncommented for a value present in the data. Each runs in a child process, three ways: through
   pyoxigraph with every row read in Python; through pyoxigraph with the result serialised to SPARQL JSON
   inside Oxigraph (no Python objects per row); and through rdflib on oxrdflib (rows converted to rdflib
   terms, as ``kgraph query DIR`` and ``GraphStore.query`` do).
4. ``--union`` also runs each query once on the union of the named graphs (Oxigraph's
   ``use_default_graph_as_union``, which kgraph's store does not use: pyoxigraph 0.5.13 repeats a triple
   once per named graph holding it, oxigraph#1919), bounded by ``--union-timeout``: several minutes.

Writes a markdown table to stdout and JSON to benchmarks/results/bench_store.json.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
QUERIES = REPO / "examples" / "queries"
RESULTS = HERE / "results"
TARGET_MS = 100
INCREMENTAL_SAMPLE = 500  # articles loaded through GraphStore.replace_graph

# each query's commented "ask about one X" line: a VALUES or FILTER on a variable, or a triple pattern
# naming the entity ("# ?s schema:name "…"@zh ."); the "…"@zh in it is replaced by the value asked about
_ONE_LINE = re.compile(r'^(\s*)#\s*((?:VALUES|FILTER)\s*\(?\s*\?(\w+).*|\?\w+\s+\S+\s+"[^"]*"@zh\s*\.)$',
                       re.MULTILINE)

_SYLLABLES = ["星河", "月光", "云海", "天启", "远山", "青禾", "锦程", "万象", "极光", "蓝鲸", "长风", "启明", "华章", "晨曦", "银河", "赤兔", "博雅", "凌云", "鸿图", "海纳", "智远", "新元", "北辰", "南山", "东方", "西岭", "九州", "百川", "千帆", "如意", "金石", "玉衡", "松果", "麦田", "火花", "飞鱼", "橙子", "柠檬", "熊猫", "白鹭"]
_ORG_FORMS = ("科技", "集团", "传媒", "网络", "智能", "数据", "电子", "汽车", "金融", "资本")
_UNIT_FORMS = ("云", "电商", "支付", "物流", "游戏", "音乐")
_EVENT_FORMS = ("开发者大会", "生态大会", "发布会", "峰会", "年度盛典", "创新论坛")
_PLAN_FORMS = ("计划", "战略", "工程", "行动")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬辉鹏宇浩然欣怡子涵思远嘉")
_TITLES = ("董事长", "总裁", "首席执行官", "CEO", "首席技术官", "副总裁", "高级副总裁", "总经理", "合伙人", "首席财务官")
_HEAD_TITLES = {"董事长", "总裁", "首席执行官", "CEO", "总经理"}
_VERBS = ("表示", "指出", "认为", "透露")


def make_pools(n_docs: int, seed: int) -> dict:
    """Names shared by the articles: about one organisation per 8 articles, one person per 2."""
    from kgraph.resources import load_lexicons

    rng = random.Random(seed)
    lex = load_lexicons()
    places = sorted(p for p in lex.places if len(p) >= 2)
    surnames = sorted(s for s in lex.surnames if len(s) == 1)

    def unique(make, count):
        """``count`` distinct names from ``make`` (the name spaces below hold thousands: 40 x 40 x forms)."""
        seen: list[str] = []
        known: set[str] = set()
        while len(seen) < count:
            name = make()
            if name not in known:
                known.add(name)
                seen.append(name)
        return seen

    orgs = unique(lambda: rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + rng.choice(_ORG_FORMS),
                  max(20, n_docs // 8))
    units = {org: [org[:-2] + form for form in rng.sample(_UNIT_FORMS, rng.randint(0, 2))] for org in orgs}
    people = unique(lambda: rng.choice(surnames) + "".join(rng.sample(_GIVEN, rng.randint(1, 2))),
                    max(40, n_docs // 2))
    home = {person: rng.choice(orgs) for person in people}
    events = unique(lambda: rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + rng.choice(_EVENT_FORMS),
                    max(20, n_docs // 4))
    plans = unique(lambda: rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + rng.choice(_PLAN_FORMS),
                   max(20, n_docs // 4))
    # an event has one organiser, place, date and theme; an initiative one proposer, whichever article tells
    staging = {event: (rng.choice(orgs), rng.choice(places), f"2018-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                       rng.choice(_SYLLABLES) + "未来") for event in events}
    proposer = {plan: rng.choice(orgs) for plan in plans}
    return {"orgs": orgs, "units": units, "people": people, "home": home, "events": events, "plans": plans,
            "places": places, "staging": staging, "proposer": proposer}


def synthetic_article(i: int, pools: dict, seed: int):
    """One article as an Extraction: its text is made of the sentences that state its facts."""
    from kgraph.model import (
        Document,
        Entity,
        Evidence,
        Extraction,
        Fact,
        Kind,
        OrgType,
        Rel,
    )

    rng = random.Random(seed * 1_000_003 + i)
    doc_id = f"synthetic-{i:06d}"
    sentences: list[str] = []
    offset = 0
    entities: dict[tuple[str, str], Entity] = {}
    facts: list[Fact] = []

    def sentence(*segments, confidence: float = 0.85) -> Evidence:
        nonlocal offset
        start, text = offset, ""
        for segment in segments:
            if isinstance(segment, tuple):
                kind, name, extra = segment if len(segment) == 3 else (*segment, {})
                entity = entities.get((kind, extra.get("key") or name))
                if entity is None:
                    subtype = OrgType.COMPANY if kind == Kind.ORGANIZATION else None
                    entity = Entity(kind, name, subtype=subtype, confidence=0.9, props=dict(extra))
                    entities[entity.ref] = entity
                entity.mentions.append((offset + len(text), offset + len(text) + len(name)))
                text += name
            else:
                text += segment
        sentences.append(text)
        offset += len(text)
        return Evidence(doc_id, text, start, offset, confidence)

    def fact(relation, subject, obj, evidence, **props):
        facts.append(Fact(relation, subject, obj, evidence, props))

    O, P = Kind.ORGANIZATION, Kind.PERSON
    event = rng.choice(pools["events"])
    org, place, date, theme = pools["staging"][event]
    month, day = int(date[5:7]), int(date[8:10])
    ev = sentence(f"{month}月{day}日，", (O, org), "在", (Kind.PLACE, place), "举办了“",
                  (Kind.EVENT, event, {"start_date": date, "theme": theme}), "”。")
    fact(Rel.ORGANIZER, (Kind.EVENT, event), (O, org), ev)
    fact(Rel.LOCATION, (Kind.EVENT, event), (Kind.PLACE, place), ev)

    for n, person in enumerate(rng.sample(pools["people"], rng.randint(2, 4))):
        employer = pools["home"][person]
        unit_names = pools["units"][employer]
        works_at = rng.choice(unit_names) if unit_names and rng.random() < 0.3 else employer
        if works_at != employer:
            ev = sentence((O, works_at), "是", (O, employer), "旗下的业务。")
            fact(Rel.SUB_ORGANIZATION_OF, (O, works_at), (O, employer), ev)
        title = rng.choice(_TITLES)
        verb = rng.choice(_VERBS)
        said = f"{rng.choice(_SYLLABLES)}业务今年将保持增长"
        key = f"{doc_id}:s{n}"
        ev = sentence((O, works_at), (Kind.ROLE, title), (P, person), verb, "，“",
                      (Kind.STATEMENT, said, {"key": key, "text": said, "verb": verb}), "”。")
        fact(Rel.MEMBER_OF, (P, person), (O, works_at), ev, title=title, former=rng.random() < 0.1)
        if title in _HEAD_TITLES:
            fact(Rel.HEAD_OF, (P, person), (O, works_at), ev)
        fact(Rel.SPEAKER, (Kind.STATEMENT, key), (P, person), ev)
        if rng.random() < 0.15:
            ev = sentence((P, person), "是", (O, employer), "的创始人。")
            fact(Rel.FOUNDED, (P, person), (O, employer), ev)

    plan = rng.choice(pools["plans"])
    ev = sentence((O, pools["proposer"][plan]), "提出了“", (Kind.INITIATIVE, plan), "”。")
    fact(Rel.PROPOSED_BY, (Kind.INITIATIVE, plan), (O, pools["proposer"][plan]), ev)
    percent = rng.randint(1, 99)
    key = f"{doc_id}:fig0"
    ev = sentence((O, org), "营收增长", (Kind.FIGURE, f"{percent}%",
                                       {"key": key, "value": percent / 100, "unit": "%", "measure": "营收增长"}), "。")
    fact(Rel.MEASURES, (Kind.FIGURE, key), (O, org), ev)

    text = "".join(sentences)
    document = Document(doc_id, text, title=f"{org}举办{event}", url=f"https://example.com/news/{i}",
                        date=f"{date}T09:00:00+08:00", publisher="示例新闻网", source=f"{doc_id}.txt")
    return Extraction(document, list(entities.values()), facts)


def generate(path: Path, triples: int, seed: int) -> dict:
    """Write N-Quads of synthetic articles until ``triples`` quads; returns counts."""
    from kgraph.io import atomic_write

    from kgraph.graph import document_graph
    from kgraph.rdf import document_triples

    def triples_of(extraction):
        return document_triples(extraction, document_graph(extraction))

    # one pass to learn the quads per article, so that the name pools fit the corpus size
    _, sample_lines = triples_of(synthetic_article(0, make_pools(1000, seed), seed))
    expected_docs = int(triples / len(sample_lines) * 1.1) + 1
    pools = make_pools(expected_docs, seed)
    quads = docs = 0
    with atomic_write(path) as fh:
        while quads < triples:
            graph, lines = triples_of(synthetic_article(docs, pools, seed))
            fh.write("".join(f"{line[:-1]}<{graph}> .\n" for line in lines))
            quads += len(lines)
            docs += 1
    return {"articles": docs, "quads": quads, "bytes": path.stat().st_size,
            "people": len(pools["people"]), "organizations": len(pools["orgs"])}


MERGE_UPDATE = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
"""Fills the default graph with the RDF merge of the named graphs (a graph is a set: no duplicates)."""


def load_all(data: Path, work: Path, bulk: Path) -> dict:
    """Load ``data`` into a new store at ``bulk`` (kept) and, for the timing, into an oxrdflib one (dropped)."""
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore
    from rdflib import Dataset

    timings = {}
    t = time.perf_counter()
    store = ox.Store(str(bulk))
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    store.flush()
    timings["pyoxigraph_bulk_load_s"] = round(time.perf_counter() - t, 2)
    timings["store_quads"] = len(store)
    timings["named_graphs"] = sum(1 for _ in store.named_graphs())
    t = time.perf_counter()
    store.update(MERGE_UPDATE)
    store.flush()
    timings["merge_into_default_graph_s"] = round(time.perf_counter() - t, 2)
    timings["default_graph_triples"] = len(store) - timings["store_quads"]
    del store

    t = time.perf_counter()
    dataset = Dataset(store=OxigraphStore(store=ox.Store(str(work / "oxrdflib"))), default_union=True)
    dataset.parse(str(data), format="ox-nquads")
    timings["oxrdflib_parse_s"] = round(time.perf_counter() - t, 2)
    dataset.store.close()
    del dataset
    shutil.rmtree(work / "oxrdflib")
    return timings


def load_incrementally(data: Path, work: Path, articles: int) -> dict:
    """kgraph build's own path: each article's named graph replaced in one SPARQL update."""
    from kgraph.store import GraphStore

    graphs: dict[str, list[str]] = {}
    with data.open(encoding="utf-8") as fh:
        for line in fh:
            head, graph = line.rsplit(" <", 1)
            graph = graph[: -len("> .\n")]
            if graph not in graphs and len(graphs) == articles:
                break
            graphs.setdefault(graph, []).append(head + " .")
    t = time.perf_counter()
    with GraphStore(work / "incremental") as store:
        for graph, lines in graphs.items():
            store.replace_graph(graph, lines)
    elapsed = time.perf_counter() - t
    quads = sum(len(v) for v in graphs.values())
    shutil.rmtree(work / "incremental")
    return {"articles": len(graphs), "quads": quads, "seconds": round(elapsed, 2),
            "quads_per_s": round(quads / elapsed)}


def with_prefixes(sparql: str) -> str:
    """The query with kgraph's pre-bound prefixes declared (pyoxigraph knows none)."""
    from kgraph.query import PREFIXES

    declared = set(re.findall(r"PREFIX\s+(\w*):", sparql, re.IGNORECASE))
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared) + sparql


# For the "ask about one X" form of each query: a value that query's VALUES/FILTER line can take.
ONE_VALUE_LOOKUPS = {
    "events": "SELECT ?v WHERE { ?e a schema:Event ; schema:name ?v }",
    "founders": "SELECT ?v WHERE { ?o schema:founder ?f ; schema:name ?v }",
    "heads": "SELECT ?v WHERE { ?p org:headOf/schema:name ?v }",
    "initiatives": "SELECT ?v WHERE { ?i kg:proposedBy/schema:name ?v }",
    "positions": "SELECT ?v WHERE { ?m org:member/schema:name ?v }",
    "provenance": "SELECT ?v WHERE { ?m org:member/schema:name ?v }",
    "evidence": "SELECT ?v WHERE { ?st a rdf:Statement ; rdf:subject/schema:name ?v }",
    "statements": "SELECT ?v WHERE { ?s kg:speaker/schema:name ?v }",
    "units": "SELECT ?v WHERE { ?u org:subOrganizationOf/schema:name ?v }",
}


def one_value_variant(sparql: str, value: str) -> str | None:
    """The query with its commented VALUES/FILTER line switched on for ``value``."""
    match = _ONE_LINE.search(sparql)
    if not match:
        return None
    indent, line, _var = match.groups()
    line = re.sub(r'"[^"]*"@zh', json.dumps(value, ensure_ascii=False) + "@zh", line)
    return sparql[: match.start()] + indent + line + sparql[match.end():]


def competency_queries(store, folder: Path = QUERIES) -> list[tuple[str, str, str]]:
    """(query name, scope, SPARQL) for each ``folder/*.rq``, as written and for one value."""
    queries = []
    for path in sorted(folder.glob("*.rq")):
        sparql = path.read_text(encoding="utf-8")
        queries.append((path.stem, "whole graph", sparql))
        lookup = ONE_VALUE_LOOKUPS.get(path.stem)
        if lookup:
            found = list(store.query(with_prefixes(lookup + " ORDER BY ?v LIMIT 1")))
            variant = one_value_variant(sparql, found[0][0].value) if found else None
            if variant:
                queries.append((path.stem, f"one: {found[0][0].value}", variant))
    return queries


QUERY_RUNNER = """
import json, resource, statistics, sys, time
import pyoxigraph as ox
store_path, runs, union, memory_mb = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "union", int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
job = json.loads(sys.stdin.read())
store = ox.Store.read_only(store_path)

def median_ms(run):
    times, rows = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        rows = run()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1), rows

def solutions():
    return store.query(job["native"], use_default_graph_as_union=union)

out = {}
out["pyoxigraph_ms"], out["rows"] = median_ms(lambda: sum(
    1 for solution in solutions() if [term.value if term is not None else None for term in solution] is not None))
if not union:
    out["json_ms"], out["json_bytes"] = median_ms(
        lambda: len(solutions().serialize(format=ox.QueryResultsFormat.JSON)))
    from oxrdflib import OxigraphStore
    from rdflib import Dataset
    dataset = Dataset(store=OxigraphStore(store=store), default_union=False)
    out["oxrdflib_ms"], rows = median_ms(lambda: len(list(dataset.query(job["sparql"], initNs=job["prefixes"]))))
    assert rows == out["rows"], (rows, out["rows"])
print(json.dumps(out))
"""


def run_queries(store_path: Path, queries, *, runs: int, union: bool, timeout_s: float, memory_mb: int) -> list[dict]:
    """Each query in a child process bounded in time and memory; median of ``runs`` runs.

    ``union``: on the union of the named graphs (``use_default_graph_as_union``), where Oxigraph 0.5 repeats
    a triple once per named graph holding it, so joins over entities that many articles describe multiply
    their rows; else on the default graph (the merge), as kgraph's store is queried.
    """
    from kgraph.query import PREFIXES

    out = []
    for name, scope, sparql in queries:
        job = json.dumps({"native": with_prefixes(sparql), "sparql": sparql, "prefixes": PREFIXES})
        try:
            done = subprocess.run([sys.executable, "-c", QUERY_RUNNER, str(store_path), str(runs),
                                   "union" if union else "merged", str(memory_mb)],
                                  input=job, capture_output=True, text=True, timeout=timeout_s, check=False)
            if done.returncode == 0:
                result = json.loads(done.stdout)
            elif "memory" in done.stderr.lower() or "bad_alloc" in done.stderr:
                result = {"error": f"over {memory_mb} MB"}
            else:
                result = {"error": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:200]}
        except subprocess.TimeoutExpired:
            result = {"error": f"over {timeout_s:g} s for {runs} run(s)"}
        print(f"  {name} ({scope}): {result}", file=sys.stderr, flush=True)
        out.append({"query": name, "scope": scope, **result})
    return out


def holds_store(path: Path | None) -> bool:
    return path is not None and (path / "CURRENT").is_file()  # RocksDB's marker file


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--query-timeout", type=float, default=300,
                    help="seconds allowed to the runs of one query (3 x --runs runs)")
    ap.add_argument("--query-memory", type=int, default=4096, help="MB of address space allowed to one query")
    ap.add_argument("--keep-data", action="store_true",
                    help="keep the N-Quads in benchmarks/results/ and reuse them on the next run")
    ap.add_argument("--store", type=Path,
                    help="keep the bulk-loaded store here; if it already holds one, query it without loading")
    ap.add_argument("--queries", type=Path, default=QUERIES, help="folder of .rq files (default examples/queries)")
    ap.add_argument("--union", action="store_true",
                    help="also run each query once on the union of the named graphs (minutes of timeouts)")
    ap.add_argument("--union-timeout", type=float, default=15, help="seconds allowed to one query on the union")
    ap.add_argument("--json", type=Path, default=RESULTS / "bench_store.json")
    args = ap.parse_args(argv)

    import pyoxigraph as ox
    from bench_corpus import finish, machine  # same folder

    work = Path(tempfile.mkdtemp(prefix="kgraph-bench-store-"))
    loads = incremental = None
    try:
        bulk = args.store or work / "bulk"
        if holds_store(args.store):
            generated = {"reused_store": str(args.store)}
            print(f"querying the store in {args.store} (no generation, no loads) …", file=sys.stderr, flush=True)
        else:
            data = (RESULTS if args.keep_data else work) / f"synthetic-{args.triples}-{args.seed}.nq"
            t = time.perf_counter()
            if data.exists():
                generated = {"reused": str(data)}
            else:
                print(f"generating {args.triples} quads …", file=sys.stderr, flush=True)
                generated = generate(data, args.triples, args.seed)
            generated["generate_s"] = round(time.perf_counter() - t, 1)
            print("loading …", file=sys.stderr, flush=True)
            loads = load_all(data, work, bulk)
            incremental = load_incrementally(data, work, INCREMENTAL_SAMPLE)
        store = ox.Store.read_only(str(bulk))
        queries = competency_queries(store, args.queries)
        del store  # the children open it read-only
        print("querying the merged default graph …", file=sys.stderr, flush=True)
        merged = run_queries(bulk, queries, runs=args.runs, union=False, timeout_s=args.query_timeout,
                             memory_mb=args.query_memory)
        union = None
        if args.union:
            store = ox.Store(str(bulk))
            store.update("CLEAR DEFAULT")  # back to the named graphs alone
            store.flush()
            del store
            print("querying the union of the named graphs …", file=sys.stderr, flush=True)
            union = run_queries(bulk, queries, runs=1, union=True, timeout_s=args.union_timeout,
                                memory_mb=args.query_memory)
            if args.store:  # a kept store gets its merged default graph back
                store = ox.Store(str(bulk))
                store.update(MERGE_UPDATE)
                store.flush()
                del store
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = {"machine": machine(), "data": generated, "load": loads, "incremental_load": incremental,
              "runs_per_query": args.runs, "queries_merged_default_graph": merged, "queries_union": union,
              "target_ms": TARGET_MS}
    if loads:
        print("| data | quads (named graphs) | pyoxigraph bulk_load s | merge into default graph s (triples) | "
              "oxrdflib parse s | GraphStore.replace_graph quads/s |")
        print("|---|---|---|---|---|---|")
        print(f"| {loads['named_graphs']} synthetic articles | {loads['store_quads']} | "
              f"{loads['pyoxigraph_bulk_load_s']} | {loads['merge_into_default_graph_s']} "
              f"({loads['default_graph_triples']}) | {loads['oxrdflib_parse_s']} | {incremental['quads_per_s']} "
              f"(first {incremental['articles']} articles) |")
        print()
    header = (f"| query | scope | rows | pyoxigraph ms, rows read | pyoxigraph ms, JSON in Oxigraph | oxrdflib ms "
              f"| < {TARGET_MS} ms |")
    rule = "|---|---|---|---|---|---|---|"
    if union is not None:
        header += " union of named graphs: rows, ms |"
        rule += "---|"
    print(header)
    print(rule)
    for i, q in enumerate(merged):
        def cell(key, r=q):
            return r.get("error") or r[key]
        met = "" if "error" in q else ("yes" if q["pyoxigraph_ms"] < TARGET_MS else "no")
        line = (f"| {q['query']} | {q['scope']} | {q.get('rows', '')} | {cell('pyoxigraph_ms')} | {cell('json_ms')} "
                f"| {cell('oxrdflib_ms')} | {met} |")
        if union is not None:
            u = union[i]
            line += " " + (u.get("error") or f"{u['rows']} rows, {u['pyoxigraph_ms']} ms") + " |"
        print(line)
    print(f"\nmedian of {args.runs} runs on the merged default graph"
          + ("; one run on the union (Oxigraph repeats a triple once per named graph that holds it)" if union else ""))
    finish(result, args.json)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
