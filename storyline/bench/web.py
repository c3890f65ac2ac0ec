"""`storyline bench web`: response times of `storyline serve` over a store of 5,000+ articles.

The store: every article of DUC 2004 and Multi-News (about 1,025 real articles in 250 true stories),
each published ``--copies`` times (default 5) under a different outlet and a day later each time, as a
wire story is republished; so 5,125 articles whose copies form syndication groups inside the same
stories. Each true story gets a base date (deterministic from its name) so the list has a time order.
Analyses are computed once and kept in ``bench-results/web-analyses.db``; a copy reuses its first edition's
analysis (same text, so the same sentences, entities and embeddings). Everything else (dedup,
clustering, storing) runs through `storyline ingest`'s code.

The load: the briefings of the ``--stories`` stories asked for are built first (the cached state a
reader meets), then `storyline serve --read-only` runs in its own process and ``--clients`` threads,
each with its own keep-alive connection, ask for pages back to back for ``--seconds``: story pages,
the list (plain, a word search, an outlet filter) and, as the baseline in the same run, the static
stylesheet (the framework's own floor). p50/p95/max per kind, and each p95 as a multiple of the
baseline's. The time to build a briefing the first time (after a story changed) is reported too.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from storyline.bench import own_peak_memory_mb, process_memory_mb, write_results
from storyline.bench.cluster import StoreCache, load_dataset
from storyline.bench.speed import storyline_command
from storyline.models import AnalyzedArticle, Article, Sentence
from storyline.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("datasets", nargs="+", type=Path, metavar="DATASET_DIR",
                        help="DUC 2004 and/or Multi-News directories (e.g. ../shared/data/duc2004 ../shared/data/multinews_val200)")
    parser.add_argument("--copies", type=int, default=5, help="times each article is published (default 5)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--seconds", type=float, default=30, help="length of the load (default 30)")
    parser.add_argument("--stories", type=int, default=40, help="stories asked for: the biggest half, the rest at random (default 40)")
    parser.add_argument("--store", type=Path, default=Path("bench-results/web-store.db"), help="the store served (rebuilt if it holds too few articles)")
    parser.add_argument("--json", type=Path, default=Path("bench-results/web.json"), help="write results here")


class CopyCache:
    """Analyses for republished copies: a copy's analysis is its first edition's, re-labelled."""

    def __init__(self, first_editions: StoreCache, copies: dict[str, Article], first_of: dict[str, str]):
        self.first_editions, self.copies, self.first_of = first_editions, copies, first_of

    def get(self, article_id: str, analyzer_key: str) -> AnalyzedArticle | None:
        first = self.first_editions.get(self.first_of.get(article_id, article_id), analyzer_key)
        if first is None or first.id == article_id:
            return first
        cleaned = replace(first.cleaned, article=self.copies[article_id])
        sentences = [Sentence(article_id, s.index, s.text, s.start, s.end, s.paragraph) for s in first.sentences]
        return AnalyzedArticle(cleaned, sentences, first.entities, first.embeddings)

    def put(self, analyzed: AnalyzedArticle, analyzer_key: str) -> None:
        if self.first_of.get(analyzed.id, analyzed.id) == analyzed.id:
            self.first_editions.put(analyzed, analyzer_key)


def republished(articles: list[tuple[Article, str]], copies: int) -> tuple[list[Article], dict[str, str]]:
    """Every article ``copies`` times: another outlet, a day later each time. Returns (stream, copy -> first edition)."""
    from storyline.sources.article import article_id

    stream, first_of = [], {}
    for article, story in articles:
        digest = int(hashlib.sha1(story.encode()).hexdigest(), 16)
        base = datetime(2024, 1, 1) + timedelta(days=digest % 600, hours=digest % 24)
        for k in range(copies):
            outlet = f"outlet-{(digest + 7 * k) % 40:02d}"
            copy = replace(article, outlet=outlet, published=base + timedelta(days=k),
                           title=article.title or article.text.split(". ", 1)[0][:120])
            copy = replace(copy, id=article_id(outlet, copy.title, copy.text))
            first_of[copy.id] = stream[-k].id if k else copy.id
            stream.append(copy)
    random.Random(0).shuffle(stream)
    return stream, first_of


def build_store(path: Path, datasets: list[Path], copies: int, analyses_path: Path) -> dict:
    from storyline.analyze import default_analyzer
    from storyline.ingest import ingest_into_store

    articles = [item for root in datasets for item in load_dataset(root)]
    stream, first_of = republished(articles, copies)
    start = time.perf_counter()
    with Store(analyses_path) as analyses, Store(path) as store:
        if store.count_articles() >= len({a.id for a in stream}):  # the data sets repeat a few documents
            return {"articles": store.count_articles(), "built_s": None}
        cache = CopyCache(StoreCache(analyses), {a.id: a for a in stream}, first_of)
        print(f"building {path}: {len(stream)} articles ({len(articles)} originals x {copies}); "
              f"analyses kept in {analyses_path}", file=sys.stderr)
        ingest_into_store(stream, store, analyzer=default_analyzer(), cache=cache)
        return {"articles": store.count_articles(), "built_s": round(time.perf_counter() - start, 1)}


def pick_stories(store: Store, count: int) -> list[tuple[str, int]]:
    rows = store.list_stories(limit=100_000)
    biggest = sorted(rows, key=lambda r: -r.articles)[: count // 2]
    rest = [r for r in rows if r not in biggest]
    chosen = biggest + random.Random(0).sample(rest, min(len(rest), count - len(biggest)))
    return [(r.id, r.articles) for r in chosen]


def warm_briefings(store: Store, stories: list[tuple[str, int]]) -> list[float]:
    """Build (and keep) each story's briefing, as the first reader after a change would; seconds each."""
    from storyline.pipeline import brief_story

    seconds = []
    for story_id, _ in stories:
        start = time.perf_counter()
        brief_story(store, story_id)
        seconds.append(time.perf_counter() - start)
    return seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([*storyline_command(), "serve", "--db", str(db), "--port", str(port), "--read-only"],
                               env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/static/storyline.css")
            connection.getresponse().read()
            return process, port
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"storyline serve did not start: {process.stderr.read()[-2000:]}")


def run_load(port: int, paths: dict[str, list[str]], clients: int, seconds: float) -> dict[str, list[float]]:
    """``clients`` threads asking back to back; kinds in turn, a random path of each. Latencies in ms."""
    latencies: dict[str, list[float]] = {kind: [] for kind in paths}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    kinds = ["story", "story", "list", "story", "static"] if "static" in paths else list(paths)

    def client(number: int) -> None:
        chooser = random.Random(number)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        turn = number
        while time.monotonic() < stop_at:
            kind = kinds[turn % len(kinds)]
            turn += 1
            path = chooser.choice(paths[kind])
            start = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status, connection = repr(exc), http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                if status == 200:
                    latencies[kind].append(elapsed)
                else:
                    errors.append(f"{path}: {status}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies["errors"] = errors  # type: ignore[assignment]
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def run(args: argparse.Namespace) -> int:
    args.store.parent.mkdir(parents=True, exist_ok=True)
    built = build_store(args.store, args.datasets, args.copies, args.store.with_name("web-analyses.db"))
    with Store(args.store) as store:
        stories = pick_stories(store, args.stories)
        warm = warm_briefings(store, stories)
        outlets = [o for o, _ in store.outlets()[:10]]
        total_stories = len(store.list_stories(limit=100_000))
    words = ["election", "storm", "court", "police", "minister", "market", "hurricane", "trial"]
    paths = {
        "story": [f"/stories/{story_id}" for story_id, _ in stories],
        "list": ["/", "/?page=2"] + [f"/?q={w}" for w in words]
                + [f"/?outlet={urllib.parse.quote(o)}" for o in outlets],
        "static": ["/static/storyline.css"],
    }
    process, port = start_server(args.store)
    try:
        for kind in ("story", "list"):  # the server's own first requests (imports, caches) are not measured
            run_load(port, {kind: paths[kind]}, 1, 0.1)
        for path in paths["story"]:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path)
            connection.getresponse().read()
        latencies = run_load(port, paths, args.clients, args.seconds)
        server_peak_mb = process_memory_mb(process.pid, "VmHWM")
    finally:
        process.terminate()
        process.wait(timeout=10)
    errors = latencies.pop("errors")
    baseline_p95 = percentile(latencies["static"], 95)
    table = {}
    for kind, values in latencies.items():
        table[kind] = {
            "requests": len(values),
            "per_s": round(len(values) / args.seconds, 1),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "max_ms": round(max(values), 1) if values else None,
            "p95_vs_baseline": round(percentile(values, 95) / baseline_p95, 1) if baseline_p95 else None,
        }
    result = {
        "store": {"path": str(args.store), **built, "stories": total_stories,
                  "stories_asked": len(stories), "articles_in_stories_asked": [n for _, n in stories]},
        "load": {"clients": args.clients, "seconds": args.seconds, "errors": errors[:20], "error_count": len(errors)},
        "latency": table,
        "briefing_first_build_s": {"median": round(statistics.median(warm), 2), "max": round(max(warm), 2)},
        "server_peak_rss_mb": server_peak_mb,
        "bench_peak_rss_mb": round(own_peak_memory_mb(), 1),
        "cores": os.cpu_count(),
    }
    print(f"store: {result['store']['articles']} articles, {total_stories} stories; "
          f"{len(stories)} stories asked for ({min(n for _, n in stories)}-{max(n for _, n in stories)} articles each)")
    print(f"load: {args.clients} clients for {args.seconds:.0f} s, {len(errors)} errors")
    print(f"{'page':<8} {'requests':>8} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95 / static':>13}")
    for kind, row in table.items():
        print(f"{kind:<8} {row['requests']:>8} {row['per_s']:>7} {row['p50_ms']:>8} {row['p95_ms']:>8} "
              f"{row['max_ms']:>8} {row['p95_vs_baseline']:>12}x")
    print(f"first build of a briefing (after a story changed): median {result['briefing_first_build_s']['median']} s, "
          f"max {result['briefing_first_build_s']['max']} s; server peak memory {server_peak_mb:.0f} MB")
    write_results(args.json, result)
    return 0
