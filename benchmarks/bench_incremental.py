"""What an incremental build costs next to a full one: `kgraph build -o DIR` on N articles, then again after
nothing changed, one article changed, one added and one removed.

    python benchmarks/bench_incremental.py [--corpus ../shared/data/news/sina_tech_2018] [--docs 1000] [--jobs 1]
                                           [--verify]

Every step is one `kgraph build` (or `kgraph remove`) process, timed from start to exit as a user sees it:
Python's start-up, imports, loading the NLP pipeline when something must be extracted, the store update and
rewriting every export file (the default formats) are all inside. The articles are copied to a temporary
folder first, so that one can be changed. ``--verify`` then builds the final set of articles into a fresh
directory and checks that every export file is byte for byte the one the incremental steps left.

Writes a markdown table to stdout and JSON to benchmarks/results/bench_incremental.json. Exits 0 without
measuring when the corpus is absent.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_corpus import DEFAULT_CORPUS, RESULTS, corpus_files, finish, machine  # noqa: E402  (same folder)

TARGET_SHARE = 0.05  # an incremental rebuild after one changed article: under 5% of a full build
# Appended to the changed article: a sentence of the genre, so that extraction has something new to find.
CHANGE = "\n另据了解，该公司副总裁李明远表示，公司将在今年下半年推出新的会员计划。\n"

# Runs kgraph's command line in this process and reports its peak memory on exit.
_RUNNER = """
import atexit, json, resource, sys
atexit.register(lambda: print("\\nBENCH " + json.dumps({"peak_rss_mb": round(
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}), file=sys.stderr))
from kgraph.cli import main
sys.argv = ["kgraph"] + sys.argv[1:]
main()
"""


def run(args: list[str], cwd: Path) -> dict:
    """One kgraph command in its own process: wall seconds, peak RSS, and the export log lines."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RUNNER, "-v", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"kgraph {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    stats = {}
    for line in done.stderr.splitlines():
        if line.startswith("BENCH "):
            stats = json.loads(line[len("BENCH "):])
    log = [line for line in done.stderr.splitlines() if "fragments up to date" in line or line.startswith("INFO")
           and " wrote " in line]
    summary = next((line for line in done.stderr.splitlines() if " documents (" in line), "")
    return {"seconds": round(seconds, 2), **stats, "log": log, "summary": summary}


def snapshot(directory: Path, names: list[str]) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in names}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=1, help="-j of the full build (the incremental steps extract one "
                                                       "article at most, with -j 1)")
    ap.add_argument("--verify", action="store_true", help="check the files against a fresh build of the final set")
    ap.add_argument("--json", type=Path, default=RESULTS / "bench_incremental.json")
    args = ap.parse_args(argv)

    files = corpus_files(args.corpus, args.docs + 1)
    if len(files) < 3:
        print(f"no corpus at {args.corpus}: nothing to measure", file=sys.stderr)
        return 0
    articles, spare = files[:-1], files[-1]
    work = Path(tempfile.mkdtemp(prefix="kgraph-bench-incremental-"))
    steps: list[dict] = []
    try:
        docs = work / "docs"
        docs.mkdir()
        for path in articles:
            shutil.copyfile(path, docs / path.name)
        characters = sum(len(path.read_text(encoding="utf-8")) for path in articles)
        out = "out"

        def step(name: str, *command: str) -> dict:
            print(f"{name} …", file=sys.stderr, flush=True)
            result = {"step": name, **run(list(command), work)}
            steps.append(result)
            return result

        step("kgraph --version (Python and imports only)", "--version")
        full = step(f"full build of {len(articles)} articles (-j {args.jobs})",
                    "build", "docs", "-o", out, "-j", str(args.jobs), "--no-progress")
        step("nothing changed", "build", "docs", "-o", out, "--no-progress")
        changed = docs / articles[len(articles) // 2].name
        changed.write_text(changed.read_text(encoding="utf-8") + CHANGE, encoding="utf-8")
        step("one article changed", "build", "docs", "-o", out, "--no-progress")
        shutil.copyfile(spare, docs / spare.name)
        step("one article added", "build", "docs", "-o", out, "--no-progress")
        removed = docs / articles[0].name
        step("one article removed (kgraph remove)", "remove", out, f"docs/{removed.name}")
        removed.unlink()
        for result in steps[1:]:
            result["share_of_full"] = round(result["seconds"] / full["seconds"], 4)

        verified = None
        if args.verify:
            names = sorted(p.name for p in (work / out).iterdir()
                           if p.is_file() and p.name not in ("manifest.json", "fragments.sqlite"))
            step("fresh build of the final set (for --verify)", "build", "docs", "-o", "fresh", "-j", str(args.jobs),
                 "--no-progress")
            verified = snapshot(work / out, names) == snapshot(work / "fresh", names)
            print(f"incremental files == fresh build's: {verified} ({', '.join(names)})", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"| step ({len(articles)} articles, {characters:,} characters) | wall s | share of the full build | "
          f"peak RSS MB | fragments refreshed and files written |")
    print("|---|---|---|---|---|")
    for result in steps:
        share = f"{result['share_of_full'] * 100:.1f}%" if "share_of_full" in result else ""
        detail = "; ".join(line.split(": ", 1)[-1] for line in result["log"])
        print(f"| {result['step']} | {result['seconds']} | {share} | {result.get('peak_rss_mb', '')} | {detail} |")
    one = next(r for r in steps if r["step"] == "one article changed")
    print(f"\none changed article: {one['share_of_full'] * 100:.1f}% of the full build "
          f"(target < {TARGET_SHARE * 100:.0f}%)")
    if verified is not None:
        print(f"files after the incremental steps identical to a fresh build of the same articles: {verified}")
    finish({"machine": machine(), "corpus": str(args.corpus), "articles": len(articles), "characters": characters,
            "jobs": args.jobs, "steps": steps, "verified": verified, "target_share": TARGET_SHARE}, args.json)
    return 0 if verified is not False else 1


if __name__ == "__main__":
    sys.exit(main())
