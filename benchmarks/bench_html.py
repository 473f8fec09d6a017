"""The corpus explorer on the 1,965 Sina articles: graph.html's size and time to interactive in headless Chromium,
search and profile latency, and the same for `kgraph serve` (its JSON API and SPARQL endpoint).

    python benchmarks/bench_html.py [--dir BUILD_DIR] [--corpus PATH] [--runs 3] [--screenshots DIR]

Without --dir (or when it holds no build yet) the corpus is built first with `kgraph build -j 2` (~10 min).
Needs Debian's chromium and chromium-driver, and kgraph[serve]. Prints a markdown table and writes
benchmarks/results/bench_html.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the WebDriver client of the browser tests

from webdriver import Browser, available, free_port  # noqa: E402

CORPUS = REPO.parent / "shared" / "data" / "news" / "sina_tech_2018"
RESULTS = REPO / "benchmarks" / "results"
READY = "return document.body.getAttribute('data-kg-rendered') === 'true'"
TITLE = "((document.querySelector('#kg-panel h2') || {}).textContent || null)"


def build(corpus: Path, directory: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kgraph.cli", "build", str(corpus), "-o", str(directory), "-j", "2",
                    "--no-progress"], check=True)
    return time.perf_counter() - started


def export(directory: Path) -> float:
    """Assemble the files again from their fragments (what every build ends with); the seconds it took."""
    from kgraph.corpus import Corpus

    started = time.perf_counter()
    with Corpus(directory) as corpus:
        corpus.export()
    return time.perf_counter() - started


def open_page(url: str, screenshot: Path | None = None) -> dict:
    """Time one page in a fresh browser: to interactive, then a search typed key by key, then a profile."""
    with Browser(1600, 1000) as browser:
        started = time.perf_counter()
        browser.open(url)
        browser.wait_for(READY, 60)
        wall = time.perf_counter() - started
        timing = browser.run("var n = performance.getEntriesByType('navigation')[0]; return {"
                             "ready: +document.body.getAttribute('data-kg-ready-ms'), dcl: n.domContentLoadedEventEnd,"
                             "placed: +document.body.getAttribute('data-kg-placed')}")
        if screenshot:
            browser.screenshot(screenshot)
        top = browser.run("return document.querySelector('#kg-drawn li button').textContent")
        searches = []
        has_result = ("return Array.from(document.querySelectorAll('#kg-results button'))"
                      ".some(b => b.textContent.indexOf(arguments[0]) >= 0)")
        for prefix in (top[:1], top[:2]):
            browser.run("var i = document.getElementById('kg-search'); i.value = ''")
            started = time.perf_counter()
            browser.type("#kg-search", prefix)
            browser.wait_for(has_result, 30, prefix)
            searches.append(time.perf_counter() - started)
        started = time.perf_counter()
        browser.search(top)
        browser.wait_for(f"var t = {TITLE}; return t === arguments[0]", 30, top)
        profile = time.perf_counter() - started
        if screenshot:
            browser.screenshot(screenshot.with_name(screenshot.stem + "-profile.png"))
        search_ms = browser.run("return +document.body.getAttribute('data-kg-search-ms')")
    return {"wall_s": wall, "ready_ms": timing["ready"], "dcl_ms": timing["dcl"], "placed": timing["placed"],
            "search_wall_s": max(searches), "search_in_page_ms": search_ms, "profile_s": profile, "top": top}


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=120) as r:
        body = r.read()
    return time.perf_counter() - started, body


def measure_serve(directory: Path, runs: int, screenshots: Path | None) -> dict:
    import uvicorn

    from kgraph.serve import create_app

    started = time.perf_counter()
    app = create_app(directory)
    startup = time.perf_counter() - started
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    try:
        legend_s, _ = fetch(f"{url}/api/legend")
        kinds = "person,organization,brand,place,event,initiative,role,work"
        view_s, body = fetch(f"{url}/api/view?kinds={kinds}&min_docs=1")
        view_again_s, _ = fetch(f"{url}/api/view?kinds={kinds}&min_docs=1")
        top = json.loads(body)["nodes"][0]
        search_s, _ = fetch(f"{url}/api/search?q=" + urllib.parse.quote(top["label"][:2]))
        entity_s, _ = fetch(f"{url}/api/entity?iri=" + urllib.parse.quote(top["iri"]))
        sparql = "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } LIMIT 1000"
        sparql_s, _ = fetch(f"{url}/sparql", urllib.parse.urlencode({"query": sparql}).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
        pages = [open_page(url + "/", screenshots / "served.png" if screenshots and i == 0 else None)
                 for i in range(runs)]
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    return {"startup_s": startup, "legend_s": legend_s, "view_first_s": view_s, "view_cached_s": view_again_s,
            "search_s": search_s, "entity_s": entity_s, "sparql_s": sparql_s, "top": top["label"], "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=RESULTS / "sina-build")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshots", type=Path)
    args = parser.parse_args()
    if not available():
        print("bench_html: needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)")
        return
    results: dict = {}
    if not (args.dir / "manifest.json").is_file():
        if not args.corpus.is_dir():
            print(f"bench_html: no corpus at {args.corpus}; nothing measured")
            return
        results["build_s"] = build(args.corpus, args.dir)
    results["export_s"] = export(args.dir)
    page = args.dir / "graph.html"
    results["page_mb"] = page.stat().st_size / 1e6
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    results["static"] = [open_page(page.as_uri(), args.screenshots / "static.png" if args.screenshots and i == 0
                                   else None) for i in range(args.runs)]
    results["serve"] = measure_serve(args.dir, args.runs, args.screenshots)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_html.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    static, served = results["static"], results["serve"]
    print(f"graph.html: {results['page_mb']:.1f} MB, assembled (all export files) in {results['export_s']:.1f} s; "
          f"{static[0]['placed']} entities drawn first, the first being {static[0]['top']}\n")
    print("| page | to interactive, page clock (median) | wall, from navigation | search, key to results (max) "
          "| profile |")
    print("|---|---|---|---|---|")
    for name, runs in (("graph.html (file://)", static), ("kgraph serve", served["pages"])):
        print(f"| {name} | {median(runs, 'ready_ms') / 1000:.2f} s | {median(runs, 'wall_s'):.2f} s "
              f"| {max(r['search_wall_s'] for r in runs):.2f} s | {median(runs, 'profile_s'):.2f} s |")
    print(f"\nkgraph serve: start-up {served['startup_s']:.2f} s; /api/legend {served['legend_s']:.2f} s, /api/view "
          f"{served['view_first_s']:.2f} s (cached {served['view_cached_s']:.3f} s), /api/search "
          f"{served['search_s']:.2f} s, /api/entity ({served['top']}) {served['entity_s']:.2f} s, "
          f"/sparql (1,000 names as CSV) {served['sparql_s']:.2f} s")


if __name__ == "__main__":
    main()
