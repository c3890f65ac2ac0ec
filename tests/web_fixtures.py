"""For the web tests: stores (the seeds, the example pile and one hostile article, ingested for real) and
`storyline serve` run in its own process on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from conftest import EXAMPLES, SHARED_DATA

# Article text that would run in the reader's browser if any of it reached the page unescaped.
HOSTILE = {
    "title": "Reef <script>window.__pwned='title'</script> survey row <img src=x onerror=\"window.__pwned='title-img'\">",
    "outlet": "evil-<b>gazette</b>",
    "url": "javascript:window.__pwned='url'",
    "published": "2025-05-02",
    "text": (
        "The Quillmarsh lighthouse keepers voted on Friday to strike over the new rota, the keepers' guild said. "
        "<script>window.__pwned='text'</script> appeared in the guild's statement as printed. "
        "A second line read <img src=x onerror=\"window.__pwned='img'\"> and nobody could explain it. "
        "The guild also posted a link, <a href=\"javascript:window.__pwned='link'\">click here</a>, to its members.\n\n"
        "Guild secretary Petra Lowell said the strike would begin on Monday unless the rota was withdrawn. "
        "The lighthouse authority said it would meet the guild on Saturday."
    ),
}
HOSTILE_MARKERS = ("<script>window.__pwned='text'</script>", "onerror=\"window.__pwned='img'\"",
                   "javascript:window.__pwned='link'")


def write_hostile(directory: Path) -> Path:
    path = directory / "hostile.jsonl"
    path.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    return path


def build_store(directory: Path, analyzer) -> Path:
    """A real SQLite store holding the seeds (when ../shared is here), the examples and the hostile article."""
    from storyline.ingest import ingest_into_store
    from storyline.sources.route import iter_sources
    from storyline.store import Store

    inputs = [str(EXAMPLES), str(write_hostile(directory))]
    if (SHARED_DATA / "seeds").exists():
        inputs.append(str(SHARED_DATA / "seeds"))
    db = directory / "web.db"
    with Store(db) as store:
        report = ingest_into_store(iter_sources(inputs, store), store, analyzer=analyzer)
    assert not report.errors, report.errors
    return db


def copy_store(db: Path, directory: Path) -> Path:
    """A private copy of a built store, for a test that changes it."""
    target = directory / "copy.db"
    shutil.copy(db, target)
    return target


@contextmanager
def running_server(db: Path, log: Path, *options: str) -> Iterator[str]:
    """`storyline serve --db DB` (and ``options``) on 127.0.0.1 at a free port, its output in ``log``;
    yields the base URL once it answers, and stops it at the end."""
    from storyline.bench.web import free_port

    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port), *options],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/static/storyline.css", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"storyline serve did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
