"""Extraction time against text length: chars per CPU-second for one text of 10k, 100k and 1M characters, in two
shapes, to show the cost is linear (the rate flat) however long a document or a sentence is.

    python benchmarks/bench_scaling.py [--sizes 10000 100000 1000000] [--corpus ../shared/data/news/sina_tech_2018]

Shapes, both made of real articles (the corpus, else examples/articles/) repeated to the length:
  no punctuation  every character that is not a letter or digit removed: one endless sentence
  with 。          the articles' text with line breaks removed: sentences, but no paragraphs

Each text goes through ``kgraph.pipeline.extract_one`` (what ``kgraph build`` runs per document); start-up is
excluded. Without kgraph's bounds (pieces of ``PIECE_CHARS``, sentences of ``MAX_SENTENCE_CHARS``) the rate fell
with the length: 10k / 20k / 40k characters without punctuation took 1.9 / 7.1 / 26 s, and 1M was out of reach.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import resource

from bench_corpus import DEFAULT_CORPUS, RESULTS, finish, machine, max_rss_mb

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"


def source_text(corpus: Path, limit: int = 200) -> str:
    from kgraph.loaders import iter_documents

    files = sorted(corpus.glob("*.txt"))[:limit] or sorted(EXAMPLES.glob("*.md"))
    return "\n".join(d.text for d in iter_documents([str(f) for f in files]) if hasattr(d, "text"))


def shaped(text: str, shape: str, size: int) -> str:
    base = re.sub(r"[\W_]", "", text) if shape == "no punctuation" else text.replace("\n", "")
    return (base * (size // len(base) + 1))[:size]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--json", type=Path, default=RESULTS / "bench_scaling.json", help="write the figures as JSON here")
    args = ap.parse_args(argv)

    from kgraph.loaders import document_from_text
    from kgraph.nlp.components import MAX_SENTENCE_CHARS
    from kgraph.pipeline import PIECE_CHARS, extract_one, make_nlp

    make_nlp()("启动预热。")  # loads jieba's dictionary and the lexicons
    text = source_text(args.corpus)
    rows = []
    print(f"pieces of at most {PIECE_CHARS:,} characters, sentences of at most {MAX_SENTENCE_CHARS:,}\n")
    print("| shape | characters | CPU s | chars per CPU s | entities | facts |")
    print("|---|---:|---:|---:|---:|---:|")
    for shape in ("no punctuation", "with 。"):
        for size in args.sizes:
            document = document_from_text(shaped(text, shape, size), id=f"{shape}-{size}")
            cpu = time.process_time()
            extraction = extract_one(document)
            cpu = time.process_time() - cpu
            rate = size / cpu if cpu else float("inf")
            rows.append({"shape": shape, "characters": size, "cpu_s": round(cpu, 2), "chars_per_cpu_s": round(rate),
                         "entities": len(extraction.entities), "facts": len(extraction.facts)})
            print(f"| {shape} | {size:,} | {cpu:.2f} | {rate:,.0f} | {len(extraction.entities):,} | "
                  f"{len(extraction.facts):,} |", flush=True)
    for shape in ("no punctuation", "with 。"):
        rates = [r["chars_per_cpu_s"] for r in rows if r["shape"] == shape]
        print(f"\n{shape}: slowest rate / fastest rate = {min(rates) / max(rates):.2f} (1.00: perfectly flat)")
    print(f"peak memory {max_rss_mb(resource.RUSAGE_SELF):,.0f} MB")
    finish({"machine": machine(), "piece_chars": PIECE_CHARS, "max_sentence_chars": MAX_SENTENCE_CHARS,
            "rows": rows, "peak_mb": round(max_rss_mb(resource.RUSAGE_SELF))}, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
