"""Whole-corpus throughput and memory with 1 and 2 worker processes, in two modes: ``memory``
(`kgraph.pipeline.build`, the graph in memory) and ``store`` (what `kgraph build FOLDER -o DIR -j N` does:
the Oxigraph store, the extraction cache and the fragments of the export files, the export files timed apart).

    python benchmarks/bench_corpus.py [--corpus ../shared/data/news/sina_tech_2018] [--jobs 1 2] [--docs N]
                                      [--modes memory store]

Each configuration runs in a fresh Python process, so its peak memory is its own: the figures are
ru_maxrss of that process (the parent, which holds the graph) and of its largest worker process (the
children, reaped when the pool closes). Worker processes are forked from a parent that has already built
the pipeline, so they share its pages: parent + largest child is an upper bound, not a measurement.

Start-up (importing kgraph and spaCy, building the pipeline, loading jieba's dictionary and the lexicons)
is timed apart and excluded from the rates, and so is reading the files in memory mode. The rates cover
extraction and merging into the graph (memory), or extraction, reading and storing (store): documents/s,
characters/s, and characters/s per core (divided by the number of worker processes). Writes a markdown table to stdout and JSON to benchmarks/results/bench_corpus.json.
Exits 0 without measuring when the corpus is absent.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "data" / "news" / "sina_tech_2018"
RESULTS = HERE / "results"
TARGET_CHARS_PER_CORE = 50_000
TARGET_SPEEDUP = 1.7
TARGET_PEAK_MB = 1536


def max_rss_mb(who: int) -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(who).ru_maxrss / scale


def _cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def corpus_files(corpus: Path, limit: int | None) -> list[Path]:
    files = sorted(corpus.glob("*.txt"))
    return files[:limit] if limit else files


def measure(corpus: Path, jobs: int, limit: int | None, mode: str = "memory") -> dict:
    """One configuration, in this process: start-up, reading, then build with ``n_process=jobs``.

    ``mode`` "memory": :func:`kgraph.pipeline.build` (the graph in memory, nothing written); "store": what
    ``kgraph build FOLDER -o DIR -j N`` does, :meth:`kgraph.corpus.Corpus.build` into a fresh directory (the
    store, the extraction cache and the fragments of the export files), reading the files inside the build,
    then the export files timed apart."""
    t0 = time.perf_counter()
    from kgraph.loaders import read_document
    from kgraph.pipeline import build, make_nlp

    nlp = make_nlp()
    nlp("启动预热。")  # loads jieba's dictionary and the lexicons; forked workers inherit them
    startup = time.perf_counter() - t0

    t1 = time.perf_counter()
    files = corpus_files(corpus, limit)
    documents = [read_document(str(f)) for f in files]
    reading = time.perf_counter() - t1
    characters = sum(len(d.text) for d in documents)
    extra: dict = {}

    cpu_before = _cpu_s(resource.RUSAGE_SELF), _cpu_s(resource.RUSAGE_CHILDREN)
    t2 = time.perf_counter()
    if mode == "memory":
        kg = build(documents, n_process=jobs)
        elapsed = time.perf_counter() - t2
        graph = kg.to_networkx()
        extra.update(documents=kg.report.documents, nodes=graph.number_of_nodes(), edges=graph.number_of_edges())
    else:
        import shutil
        import tempfile

        from kgraph.corpus import Corpus

        del documents  # the build reads the files itself
        out = Path(tempfile.mkdtemp(prefix="kgraph-bench-corpus-"))
        try:
            with Corpus(out) as directory:
                report = directory.build([str(f) for f in files], n_process=jobs, export=False)
                elapsed = time.perf_counter() - t2
                t3 = time.perf_counter()
                directory.export()
                extra["export_s"] = round(time.perf_counter() - t3, 2)
                entities, facts = directory._fragments.counts()
            extra.update(documents=report.documents, nodes=entities, edges=facts,
                         directory_mb=round(sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20))
        finally:
            shutil.rmtree(out, ignore_errors=True)
    parent_cpu = _cpu_s(resource.RUSAGE_SELF) - cpu_before[0]
    workers_cpu = _cpu_s(resource.RUSAGE_CHILDREN) - cpu_before[1]
    # On a machine whose cores are busy with other work the wall-clock rates understate kgraph: the CPU
    # seconds do not depend on that. With free cores the build takes at least its busiest share: the
    # parent (merging into the graph) or the workers' extraction spread over ``jobs`` cores.
    free_cores_s = max(parent_cpu, workers_cpu / jobs) if jobs > 1 else parent_cpu
    return {
        "mode": mode, "jobs": jobs, "characters": characters,
        "startup_s": round(startup, 2), "reading_s": round(reading, 2), "build_s": round(elapsed, 2),
        "docs_per_s": round(len(files) / elapsed, 1), "chars_per_s": round(characters / elapsed),
        "chars_per_s_per_core": round(characters / elapsed / jobs),
        "cpu_s_parent": round(parent_cpu, 2), "cpu_s_workers": round(workers_cpu, 2),
        "chars_per_cpu_s": round(characters / (parent_cpu + workers_cpu)),
        "free_cores_build_s": round(free_cores_s, 2),
        "peak_rss_parent_mb": round(max_rss_mb(resource.RUSAGE_SELF)),
        "peak_rss_largest_child_mb": round(max_rss_mb(resource.RUSAGE_CHILDREN)),
        **extra,
    }


def run_isolated(corpus: Path, jobs: int, limit: int | None, mode: str = "memory") -> dict:
    cmd = [sys.executable, __file__, "--measure-one", str(jobs), "--mode", mode, "--corpus", str(corpus)]
    if limit:
        cmd += ["--docs", str(limit)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} -j {jobs} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def finish(result: dict, json_path: Path) -> None:
    """Name the machine under the tables and write the figures as JSON (every benchmark ends so)."""
    m = result["machine"]
    print(f"\nmachine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}")

    from kgraph.io import atomic_write

    with atomic_write(json_path) as fh:
        fh.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb, "python": platform.python_version(),
            "platform": platform.platform()}


def table(runs: list[dict]) -> str:
    header = ("| mode | -j | documents | characters | start-up s | build s | export s | docs/s | chars/s | "
              "chars/s per core | CPU s parent + workers | chars per CPU s | peak RSS parent MB | "
              "peak RSS largest child MB |")
    lines = [header, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        lines.append(f"| {r.get('mode', 'memory')} | {r['jobs']} | {r['documents']} | {r['characters']} | "
                     f"{r['startup_s']} | {r['build_s']} | {r.get('export_s', '–')} | "
                     f"{r['docs_per_s']} | {r['chars_per_s']} | {r['chars_per_s_per_core']} | "
                     f"{r['cpu_s_parent']} + {r['cpu_s_workers']} | {r['chars_per_cpu_s']} | "
                     f"{r['peak_rss_parent_mb']} | {r['peak_rss_largest_child_mb']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker processes to compare")
    ap.add_argument("--docs", type=int, help="only the first N articles (default: all)")
    ap.add_argument("--modes", nargs="+", choices=["memory", "store"], default=["memory", "store"])
    ap.add_argument("--json", type=Path, default=RESULTS / "bench_corpus.json")
    ap.add_argument("--measure-one", type=int, metavar="JOBS", help=argparse.SUPPRESS)
    ap.add_argument("--mode", choices=["memory", "store"], default="memory", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if not corpus_files(args.corpus, 1):
        print(f"no corpus at {args.corpus}: nothing to measure", file=sys.stderr)
        return 0
    if args.measure_one:
        print(json.dumps(measure(args.corpus, args.measure_one, args.docs, args.mode)))
        return 0

    runs = []
    for mode in args.modes:
        for jobs in args.jobs:
            print(f"{mode} -j {jobs} …", file=sys.stderr, flush=True)
            runs.append(run_isolated(args.corpus, jobs, args.docs, mode))
    result = {"machine": machine(), "corpus": str(args.corpus), "runs": runs,
              "targets": {"chars_per_s_per_core": TARGET_CHARS_PER_CORE, "speedup_j2_over_j1": TARGET_SPEEDUP,
                          "peak_rss_mb": TARGET_PEAK_MB}}
    print(table(runs))
    for mode in args.modes:
        by_jobs = {r["jobs"]: r for r in runs if r["mode"] == mode}
        if 1 in by_jobs and 2 in by_jobs:
            speedup = by_jobs[2]["docs_per_s"] / by_jobs[1]["docs_per_s"]
            free = by_jobs[1]["free_cores_build_s"] / by_jobs[2]["free_cores_build_s"]
            result[f"speedup_j2_over_j1_{mode}"] = round(speedup, 2)
            result[f"speedup_j2_over_j1_free_cores_{mode}"] = round(free, 2)
            print(f"\n{mode}: -j 2 / -j 1 throughput {speedup:.2f}× wall clock (target ≥ {TARGET_SPEEDUP}×); "
                  f"{free:.2f}× from CPU time, i.e. with two otherwise idle cores")
    load = os.getloadavg()[0]
    result["load_average_1min_after"] = round(load, 2)
    print(f"load average (1 min) at the end: {load:.2f} — other work on the machine slows -j 2 first")
    finish(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
