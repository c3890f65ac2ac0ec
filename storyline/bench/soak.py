"""`storyline bench soak`: `storyline watch` against a misbehaving feed for minutes, while readers use `serve`.

A local feed server on 127.0.0.1 publishes a new entry every ``--publish-every`` seconds (each a page
built from sentences of the example pile, so the entries form a few stories) and misbehaves on a fixed
schedule: every 7th feed request fails with HTTP 500, every 11th answers only after 4 s, an unchanged
feed answers 304 to the conditional request, and every 13th entry page fails once with 404 (storyline
then keeps the entry's own summary and reports it). `storyline watch --every 2s` polls it in its own
process; `storyline serve --read-only` answers ``--readers`` clients asking for the list and the
biggest story back to back. After ``--minutes``, publishing stops and the watcher gets a last minute to
catch up. Reported: entries published and ingested, duplicates, errors the watcher survived, its
memory after the first poll and at the end, and the readers' p50/p95 latency during the run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sqlite3
import subprocess
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from storyline.bench import process_memory_mb, write_results
from storyline.bench.speed import storyline_command
from storyline.bench.web import free_port, percentile, start_server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=float, default=3.0, help="how long entries keep arriving (default 3)")
    parser.add_argument("--publish-every", type=float, default=1.5, help="seconds between new entries (default 1.5)")
    parser.add_argument("--readers", type=int, default=2, help="concurrent readers of `serve` (default 2)")
    parser.add_argument("--json", type=Path, default=Path("bench-results/soak.json"), help="write results here")


def example_sentences() -> list[str]:
    sentences = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.split()) > 8 and not line.lower().startswith(("photo", "read more", "sign up", "copyright")):
                sentences.append(line.strip())
    return sentences


class MisbehavingFeed:
    """The feed's state: entries published so far and a request counter driving the misbehaviour."""

    def __init__(self) -> None:
        self.entries: list[int] = []
        self.feed_requests = 0
        self.page_failures: set[int] = set()
        self.lock = threading.Lock()
        self.sentences = example_sentences()
        self.counts = {"500": 0, "slow": 0, "304": 0, "404": 0, "200": 0}

    def publish(self) -> None:
        with self.lock:
            self.entries.append(len(self.entries))

    def etag(self) -> str:
        return f'"entries-{len(self.entries)}"'

    def page(self, number: int) -> str:
        chosen = [self.sentences[(number * 5 + k * 3) % len(self.sentences)] for k in range(6)]
        title = f"Dispatch {number}: {chosen[0][:60]}"
        body = "".join(f"<p>{escape(s)}</p>" for s in chosen)
        return (f"<html><head><title>{escape(title)}</title></head><body><nav>Home | World | Sport</nav>"
                f"<article><h1>{escape(title)}</h1>{body}<p>Soak entry {number}.</p></article>"
                f"<footer>© Soak Times</footer></body></html>")

    def feed(self, base: str) -> str:
        items = "".join(
            f"<item><title>Dispatch {n}</title><link>{base}/news/{n}.html</link>"
            f"<description>{escape(self.sentences[n % len(self.sentences)])}</description>"
            f"<pubDate>{formatdate(1_700_000_000 + 3600 * n)}</pubDate></item>"
            for n in self.entries[-50:]  # a real feed shows only its latest entries
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Soak Times</title>{items}</channel></rss>'


def feed_handler(state: MisbehavingFeed):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            base = f"http://{self.headers['Host']}"
            if self.path == "/feed.xml":
                with state.lock:
                    state.feed_requests += 1
                    n = state.feed_requests
                    etag, body = state.etag(), state.feed(base)
                if n % 7 == 0:
                    return self.answer(500, b"overloaded", "500")
                if n % 11 == 0:
                    state.counts["slow"] += 1
                    time.sleep(4)
                if self.headers.get("If-None-Match") == etag:
                    return self.answer(304, b"", "304")
                return self.answer(200, body.encode(), "200", "application/rss+xml", {"ETag": etag})
            match = re.fullmatch(r"/news/(\d+)\.html", self.path)
            if not match:
                return self.answer(404, b"no such page", "404")
            number = int(match.group(1))
            with state.lock:
                fail = number % 13 == 0 and number not in state.page_failures
                state.page_failures.add(number)
            if fail:
                return self.answer(404, b"not yet", "404")
            return self.answer(200, state.page(number).encode(), "200", "text/html; charset=utf-8")

        def answer(self, status, body, kind, content_type="text/plain", headers=None):
            state.counts[kind] += 1
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def stored_urls(db: Path) -> list[str]:
    try:
        with sqlite3.connect(db, timeout=30) as connection:
            return [r[0] for r in connection.execute("SELECT url FROM articles WHERE url IS NOT NULL")]
    except sqlite3.Error:
        return []


def read_load(port: int, stop: threading.Event, readers: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def reader() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not stop.is_set():
            for path in ("/", "/api/stories"):
                start = time.perf_counter()
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException):
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    continue
                with lock:
                    latencies.append((time.perf_counter() - start) * 1000)
                if path == "/api/stories" and response.status == 200:
                    stories = json.loads(body)["stories"]
                    if stories:  # then the story page of the biggest story
                        biggest = max(stories, key=lambda s: s["articles"])["id"]
                        start = time.perf_counter()
                        connection.request("GET", f"/stories/{biggest}")
                        connection.getresponse().read()
                        with lock:
                            latencies.append((time.perf_counter() - start) * 1000)
            time.sleep(0.2)

    threads = [threading.Thread(target=reader, daemon=True) for _ in range(readers)]
    for t in threads:
        t.start()
    stop.wait()
    for t in threads:
        t.join(timeout=90)
    return latencies


def run(args: argparse.Namespace) -> int:
    state = MisbehavingFeed()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), feed_handler(state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    feed_url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "soak.db"
        state.publish()
        watcher = subprocess.Popen([*storyline_command(), "watch", feed_url, "--every", "2s", "--db", str(db),
                                     "--allow-private-urls"],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        watcher_lines: list[str] = []
        threading.Thread(target=lambda: watcher_lines.extend(watcher.stderr), daemon=True).start()
        while not any(line.startswith("poll 1:") for line in watcher_lines):
            if watcher.poll() is not None:
                raise RuntimeError("storyline watch stopped: " + "".join(watcher_lines[-5:]))
            time.sleep(0.2)
        memory_start = process_memory_mb(watcher.pid)
        web, port = start_server(db)
        stop = threading.Event()
        latencies: list[float] = []
        reading = threading.Thread(target=lambda: latencies.extend(read_load(port, stop, args.readers)))
        reading.start()
        memory_samples = []  # (seconds since the first poll, MB)
        began = time.monotonic()
        end = began + args.minutes * 60
        while time.monotonic() < end:
            time.sleep(args.publish_every)
            state.publish()
            memory_samples.append((round(time.monotonic() - began), process_memory_mb(watcher.pid)))
        published = {f"http://127.0.0.1:{server.server_address[1]}/news/{n}.html" for n in state.entries}
        catch_up = time.monotonic() + 60
        while time.monotonic() < catch_up and not published <= set(stored_urls(db)):
            time.sleep(1)
        memory_end = process_memory_mb(watcher.pid)
        stop.set()
        reading.join()
        watcher.terminate()
        web.terminate()
        watcher.wait(timeout=30)
        web.wait(timeout=30)
        urls = stored_urls(db)
    server.shutdown()
    errors = [line.strip() for line in watcher_lines if line.startswith("storyline: error:")]
    tracebacks = sum("Traceback" in line for line in watcher_lines)
    result = {
        "minutes": args.minutes,
        "entries_published": len(published),
        "entries_ingested": len(published & set(urls)),
        "duplicates": len(urls) - len(set(urls)),
        "polls": sum(line.startswith("poll ") for line in watcher_lines),
        "errors_survived": len(errors),
        "error_examples": sorted({re.sub(r"\d+", "N", e) for e in errors})[:6],
        "tracebacks": tracebacks,
        "feed_answers": state.counts,
        "watch_memory_mb": {"after_first_poll": memory_start, "end": memory_end,
                            "max": max((m for _, m in memory_samples if m), default=None),
                            "every_30_s": [m for t, m in memory_samples if t % 30 < args.publish_every]},
        "readers": {"requests": len(latencies), "p50_ms": round(percentile(latencies, 50), 1),
                    "p95_ms": round(percentile(latencies, 95), 1)},
    }
    print(f"{result['entries_published']} entries published in {args.minutes:g} min, "
          f"{result['entries_ingested']} ingested, {result['duplicates']} duplicates, {result['polls']} polls")
    print(f"feed answers: {state.counts}; watcher survived {len(errors)} error lines, {tracebacks} tracebacks")
    for example in result["error_examples"]:
        print(f"  {example}")
    print(f"watch memory: {memory_start} MB after the first poll, {memory_end} MB at the end "
          f"(max {result['watch_memory_mb']['max']} MB); every 30 s: {result['watch_memory_mb']['every_30_s']}")
    print(f"readers during the run: {len(latencies)} requests, p50 {result['readers']['p50_ms']} ms, "
          f"p95 {result['readers']['p95_ms']} ms")
    write_results(args.json, result)
    ok = result["entries_ingested"] == result["entries_published"] and not result["duplicates"] and not tracebacks
    return 0 if ok else 1
