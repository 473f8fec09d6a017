"""Extraction speed and memory on real news: chars/s, docs/s, peak memory, and what each component costs.

    python benchmarks/bench_pipeline.py [--docs 300] [--corpus ../shared/data/news/sina_tech_2018]

Start-up (loading spaCy, jieba's dictionary, the lexicons) is timed apart and excluded from the rates.
Rates are measured in one run so that their ratios (component shares) hold on a noisy shared machine.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_corpus import DEFAULT_CORPUS, RESULTS, max_rss_mb, finish, machine  # noqa: E402  (same folder)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--json", type=Path, default=RESULTS / "bench_pipeline.json", help="write the figures as JSON here")
    args = ap.parse_args(argv)
    files = sorted(args.corpus.glob("*.txt"))[: args.docs]
    if not files:
        print(f"no corpus at {args.corpus}: nothing to measure", file=sys.stderr)
        return 0

    t0 = time.perf_counter()
    from kgraph.graph import KnowledgeGraph
    from kgraph.loaders import read_document
    from kgraph.pipeline import _to_extraction, _make_doc, make_nlp

    nlp = make_nlp()
    nlp("启动预热。")  # loads jieba's dictionary and the lexicons
    startup = time.perf_counter() - t0
    docs = [read_document(str(f)) for f in files]
    chars = sum(len(d.text) for d in docs)

    per_component = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}, "graph": 0.0}
    kg = KnowledgeGraph()
    t1 = time.perf_counter()
    cpu1 = time.process_time()
    for document in docs:
        t = time.perf_counter()
        doc = _make_doc(nlp, document)
        per_component["tokenizer"] += time.perf_counter() - t
        for name, proc in nlp.pipeline:
            t = time.perf_counter()
            doc = proc(doc)
            per_component[name] += time.perf_counter() - t
        t = time.perf_counter()
        kg.add(_to_extraction(doc, document))
        per_component["graph"] += time.perf_counter() - t
    elapsed = time.perf_counter() - t1
    cpu = time.process_time() - cpu1  # CPU seconds of this one process: chars per CPU-second is per core

    t = time.perf_counter()
    dataset = kg.to_rdf()
    rdf_time = time.perf_counter() - t
    result = {
        "machine": machine(),
        "documents": len(docs), "characters": chars, "startup_s": round(startup, 2),
        "extraction_s": round(elapsed, 2), "chars_per_s": round(chars / elapsed), "chars_per_cpu_s": round(chars / cpu), "docs_per_s": round(len(docs) / elapsed, 1),
        "peak_rss_mb": round(max_rss_mb(resource.RUSAGE_SELF)), "rdf_mapping_s": round(rdf_time, 2), "quads": len(dataset),
        "component_share": {k: round(v / elapsed, 3) for k, v in per_component.items()},
    }
    print("| documents | characters | start-up s | chars/s (wall) | chars per CPU-s (per core) | docs/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {result['documents']} | {chars} | {result['startup_s']} | {result['chars_per_s']} | "
          f"{result['chars_per_cpu_s']} | {result['docs_per_s']} | {result['peak_rss_mb']} |")
    print()
    print("| component | share of extraction time |")
    print("|---|---|")
    for k, v in result["component_share"].items():
        print(f"| {k} | {v:.1%} |")
    print(f"\nRDF mapping of the result: {rdf_time:.2f} s for {len(dataset)} quads")
    finish(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
