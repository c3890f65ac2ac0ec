"""Bad input, end to end: the real CLI (`python -m storyline`) in a subprocess, on a corpus of broken,
hostile and oversized inputs generated here into tmp_path (nothing is downloaded).

The rule for every case: each bad input gets ONE error line naming it and the problem, the good inputs
of the same batch are stored (counted in the real SQLite file), no traceback, no hang (a timeout), and
bounded memory (peak RSS measured with resource.getrusage around the CLI process).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import local_http_server

# Runs `python -m storyline ARGS...` and reports the CLI process's peak RSS on its own last stderr line.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run([sys.executable, '-m', 'storyline', *sys.argv[1:]])\n"
    "print(f'peak-rss-kb {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(done.returncode)\n"
)
# Extra peak memory allowed over a run on one small good file (models loaded, ~270 MB here). Reading a
# 100 MB line whole costs ~200 MB more (the unbounded CSV reader did: 466 MB against 272 MB); the bounded
# readers stay within ~20 MB of the baseline.
MEMORY_HEADROOM_MB = 80

GOOD_TEXT = (
    "Port Aldric opens harbour bridge\n\n"
    "The mayor of Port Aldric opened the new harbour bridge on Tuesday, officials said. It cost 40 million euros.\n\n"
    "Traffic across the old crossing is expected to fall by a third, the council's transport office said."
)


class Run:
    def __init__(self, done: subprocess.CompletedProcess, seconds: float):
        lines = done.stderr.splitlines()
        self.peak_mb = int(lines.pop().split()[1]) / 1024 if lines and lines[-1].startswith("peak-rss-kb") else 0.0
        self.status = done.returncode
        self.stderr = "\n".join(lines)
        self.stdout = done.stdout
        self.seconds = seconds

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("storyline: error:")]

    def errors_for(self, name: str) -> list[str]:
        return [line for line in self.errors if name in line]


def run_cli(*args: str, timeout: float = 180) -> Run:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)
    run = Run(done, time.monotonic() - start)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def rows(db: Path, query: str = "SELECT source, title, text, encoding, published FROM articles") -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(query).fetchall()


@pytest.fixture(scope="module")
def baseline_mb(tmp_path_factory) -> float:
    """Peak RSS of `storyline ingest` on one small good file: the models and the store, nothing else."""
    folder = tmp_path_factory.mktemp("baseline")
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    run = run_cli("ingest", folder / "good.txt", "--db", folder / "base.db")
    assert run.status == 0, run.stderr
    return run.peak_mb


@pytest.mark.models
def test_encodings_empty_and_binary_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(8)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.bin").write_bytes(rng.randbytes(20_000))
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4_000))
    (folder / "empty.jsonl").write_bytes(b"")
    (folder / "random.jsonl").write_bytes(rng.randbytes(50_000))  # binary: one error, not one per "line"
    (folder / "empty.csv").write_bytes(b"")
    (folder / "header-only.csv").write_bytes(b"title,text\n")
    # Cut in the middle of the last character: the rest is still UTF-8 (it used to be read as cp1252).
    (folder / "truncated.txt").write_bytes("Café opens\n\nThe café served crème brûlée, naïvely.".encode()[:-1])
    german = "Brücke offen\n\nDie Brücke ist offen, „sagte“ der Bürgermeister."
    (folder / "utf16-bom.txt").write_bytes(german.replace("offen\n", "mit BOM\n").encode("utf-16"))
    (folder / "utf16-le.txt").write_bytes(german.replace("offen\n", "LE\n").encode("utf-16-le"))
    (folder / "utf16-be.txt").write_bytes(german.replace("offen\n", "BE\n").encode("utf-16-be"))
    (folder / "latin1.txt").write_bytes("Le café\n\nLe maire a parlé à la presse du café.".encode("latin-1"))
    (folder / "cp1252.txt").write_bytes("Quotes\n\n\u201cWe will see,\u201d she said \u2013 twice.".encode("cp1252"))
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    db = tmp_path / "store.db"

    run = run_cli("ingest", folder, "/dev/zero", "--db", db)

    assert run.status == 1
    for name, problem in [("empty.txt", "empty"), ("random.bin", "binary"), ("image.png", "binary"),
                          ("empty.jsonl", "empty"), ("random.jsonl", "binary"), ("empty.csv", "empty"),
                          ("header-only.csv", "no rows"), ("/dev/zero", "too large")]:
        [line] = run.errors_for(name)
        assert problem in line, line
    assert len(run.errors) == 8, run.errors
    texts = {title: (text, encoding) for _, title, text, encoding, _ in rows(db)}
    assert texts["Café opens"] == ("The café served crème brûlée, naïvely", "utf-8")
    assert texts["Brücke mit BOM"] == ("Die Brücke ist offen, „sagte“ der Bürgermeister.", "utf-16")
    assert texts["Brücke LE"] == ("Die Brücke ist offen, „sagte“ der Bürgermeister.", "utf-16-le")
    assert texts["Brücke BE"] == ("Die Brücke ist offen, „sagte“ der Bürgermeister.", "utf-16-be")
    assert texts["Le café"][0] == "Le maire a parlé à la presse du café."
    assert texts["Quotes"] == ("\u201cWe will see,\u201d she said \u2013 twice.", "cp1252")
    assert "Port Aldric opens harbour bridge" in texts
    assert len(texts) == 7


@pytest.mark.models
@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv"])
def test_a_100_mb_single_line_is_refused_in_bounded_memory_and_time(tmp_path, baseline_mb, suffix):
    line = b"word " * (20 * 1024 * 1024)  # 100 MB, no newline
    big = tmp_path / f"big{suffix}"
    with big.open("wb") as handle:
        if suffix == ".jsonl":
            handle.write(b'{"title": "Big", "text": "' + line + b'"}\n')
            handle.write(json.dumps({"title": "Small", "text": "The council met on Tuesday."}).encode() + b"\n")
        elif suffix == ".csv":
            handle.write(b"title,text\nBig," + line + b"\nSmall,The council met on Tuesday.\n")
        else:
            handle.write(line)
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    db = tmp_path / "store.db"

    run = run_cli("ingest", big, tmp_path / "good.txt", "--db", db)

    assert run.status == 1
    [line_error] = run.errors
    assert str(big) in line_error and "too large" in line_error
    if suffix != ".txt":  # the row is named by its line; the row after it is read
        assert f"{big}:{1 if suffix == '.jsonl' else 2}:" in line_error
    titles = sorted(title for _, title, *_ in rows(db))
    assert titles == (["Port Aldric opens harbour bridge"] + (["Small"] if suffix != ".txt" else []))
    assert run.peak_mb < baseline_mb + MEMORY_HEADROOM_MB, (run.peak_mb, baseline_mb)
    assert run.seconds < 60


@pytest.mark.models
def test_a_million_tiny_jsonl_records_stream_in_bounded_memory(tmp_path, baseline_mb):
    dump = tmp_path / "million.jsonl"
    records = [json.dumps({"title": f"Row {i}", "text": f"The council met on Tuesday about item {i}."}).encode()
               for i in range(3)]
    with dump.open("wb") as handle:
        for _ in range(1_000_000 // 3 + 1):
            handle.write(b"\n".join(records) + b"\n")
    db = tmp_path / "store.db"

    run = run_cli("ingest", dump, "--db", db, timeout=120)

    assert run.status == 0, run.stderr
    assert "3 new, 999999 already stored, 0 errors" in run.stderr
    assert rows(db, "SELECT count(*) FROM articles") == [(3,)]
    # All million Article objects at once would take well over 500 MB.
    assert run.peak_mb < baseline_mb + MEMORY_HEADROOM_MB, (run.peak_mb, baseline_mb)
    assert run.seconds < 90


def _paragraphs(count: int, start: int = 0) -> str:
    return "".join(
        f"<p>The mayor of Port Aldric opened harbour bridge number {i} on Tuesday, officials said, and traffic "
        f"on the old crossing fell by {i % 40 + 3} percent in the first week.</p>\n"
        for i in range(start, start + count)
    )


def _billion_laughs(body: str) -> str:
    entities = "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "lol") * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>{body}'


@pytest.mark.models
def test_hostile_and_useless_html(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "nested.html").write_text(
        "<html><body>" + "<div>" * 100_000 + _paragraphs(6) + "</div>" * 100_000 + "</body></html>")
    (folder / "over-limit.html").write_text(
        "<html><body><article>" + _paragraphs(80_000) + "</article></body></html>")  # ~12 MB
    (folder / "long-text.html").write_text(  # under the file limit, but no single article is 2 MB of text
        "<html><head><title>Long</title></head><body><article>" + _paragraphs(12_000) + "</article></body></html>")
    (folder / "no-article.html").write_text(
        '<html><body><nav><a href="/">Home</a> | <a href="/about">About</a></nav><footer>(c) 2020</footer>'
        "</body></html>")
    (folder / "laughs.html").write_text(_billion_laughs(
        "<html><head><title>Laughs</title></head><body><article><p>&lol9;</p>" + _paragraphs(6, 100)
        + "</article></body></html>"))
    (folder / "good.html").write_text(
        "<html><head><title>Bridge opens</title></head><body><article>" + _paragraphs(6, 200)
        + "</article></body></html>")
    (folder / "xxe.html").write_text(  # an external entity must not pull a local file into the article
        '<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body><article><p>&x;</p>'
        + _paragraphs(6, 300) + "</article></body></html>")
    db = tmp_path / "store.db"

    run = run_cli("ingest", folder, "--db", db)

    assert run.status == 1
    # 100,000 nested divs exceed the HTML parser's depth: a clear error, no recursion crash.
    assert len(run.errors_for("nested.html")) == 1
    [over] = run.errors_for("over-limit.html")
    assert "too large" in over
    [long] = run.errors_for("long-text.html")
    assert "too long" in long
    [useless] = run.errors_for("no-article.html")
    assert "no article text" in useless
    assert len(run.errors) == 4, run.errors
    texts = {Path(source).name: text for source, _, text, *_ in rows(db)}
    assert set(texts) == {"laughs.html", "good.html", "xxe.html"}
    assert "lollol" not in texts["laughs.html"] and len(texts["laughs.html"]) < 5_000  # entities not expanded
    assert "root:" not in texts["xxe.html"]
    assert run.seconds < 90


RSS_ITEM = ("<item><title>Entry {i}</title><guid isPermaLink=\"false\">entry-{i}</guid>"
            "<description>The council met on Tuesday to discuss harbour bridge number {i}, officials said."
            "</description></item>")


def _rss(items: str, head: str = "") -> str:
    return f'{head}<rss version="2.0"><channel><title>Port Aldric Wire</title>{items}</channel></rss>'


@pytest.mark.models
def test_bad_feeds_from_files(tmp_path):
    (tmp_path / "not-xml.xml").write_text("this is not XML at all { } <<<", encoding="utf-8")
    laughs = _billion_laughs("").removeprefix('<?xml version="1.0"?>')
    (tmp_path / "laughs.xml").write_text(_rss(
        "<item><title>&lol9; Laughs</title><description>&lol9; The council met on Tuesday, officials said."
        "</description></item>", head='<?xml version="1.0"?>' + laughs), encoding="utf-8")
    (tmp_path / "xxe.xml").write_text(_rss(
        "<item><title>Secrets</title><description>&x; The harbour board met on Monday, officials said."
        "</description></item>", head='<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    db = tmp_path / "store.db"

    run = run_cli("ingest", tmp_path / "not-xml.xml", tmp_path / "laughs.xml", tmp_path / "xxe.xml",
                  tmp_path / "good.txt", "--db", db)

    assert run.status == 1
    [error] = run.errors
    assert "not-xml.xml" in error and "not an RSS or Atom feed" in error
    stored = {title: text for _, title, text, *_ in rows(db)}
    assert len(stored) == 3 and "Port Aldric opens harbour bridge" in stored
    assert all("lollol" not in title + text and len(text) < 1_000 for title, text in stored.items())
    assert all("root:" not in text for text in stored.values())


@pytest.mark.models
def test_a_feed_of_10000_entries_is_read_in_bounded_time(tmp_path, baseline_mb):
    from storyline.sources.fetch import MAX_FEED_ENTRIES

    feed = _rss("".join(RSS_ITEM.format(i=i) for i in range(10_000))).encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(feed)))
            self.end_headers()
            self.wfile.write(feed)

        def log_message(self, *args):
            pass

    db = tmp_path / "store.db"
    with local_http_server(Handler) as (base, _):
        run = run_cli("ingest", f"{base}/feed.xml", "--db", db, "--allow-private-urls", timeout=300)

    assert run.status == 0, run.stderr
    assert run.errors == []
    [warning] = [line for line in run.stderr.splitlines() if line.startswith("storyline: warning:")]
    assert f"{base}/feed.xml" in warning and f"first {MAX_FEED_ENTRIES}" in warning
    assert rows(db, "SELECT count(*) FROM articles") == [(MAX_FEED_ENTRIES,)]
    assert run.peak_mb < baseline_mb + 2 * MEMORY_HEADROOM_MB, (run.peak_mb, baseline_mb)
    assert run.seconds < 120


@pytest.mark.models
def test_broken_jsonl_lines_and_csv_quoting(tmp_path):
    dump = tmp_path / "rows.jsonl"
    lines = [
        json.dumps({"title": "First", "text": "The council met on Tuesday."}),
        "{broken",
        "[1, 2]",
        "[" * 100_000 + "]" * 100_000,  # used to raise RecursionError out of the reader
        '{"title": "Digits", "text": ' + "1" * 5_000 + "}",  # used to raise ValueError (int digit limit)
        json.dumps({"title": "Dict", "text": {"body": "nested"}}),
        json.dumps({"title": "No text"}),
    ]
    with dump.open("wb") as handle:
        handle.write("\n".join(lines).encode("utf-8") + b"\n")
        handle.write('{"title": "Legacy", "text": "Le café a fermé."}\n'.encode("cp1252"))
    table = tmp_path / "table.csv"
    table.write_text('title,text\nGood,"Body one, with a comma."\nBad,"an "unescaped" quote\nLost,after the error\n',
                     encoding="utf-8")
    db = tmp_path / "store.db"

    run = run_cli("ingest", dump, table, "--db", db)

    assert run.status == 1
    for number in (2, 3, 4, 5, 6, 7):
        assert len(run.errors_for(f"{dump}:{number}:")) == 1, (number, run.errors)
    assert "nested too deeply" in run.errors_for(f"{dump}:4:")[0]
    [csv_error] = run.errors_for(str(table))
    assert f"{table}:3:" in csv_error and "malformed CSV" in csv_error
    assert len(run.errors) == 7
    stored = {title: text for _, title, text, *_ in rows(db)}
    assert stored == {"First": "The council met on Tuesday.", "Legacy": "Le café a fermé.",
                      "Good": "Body one, with a comma."}
    # The same batch again: the same errors, nothing stored twice, nothing lost.
    again = run_cli("ingest", dump, table, "--db", db)
    assert again.status == 1 and again.errors == run.errors
    assert "0 new, 3 already stored, 7 errors" in again.stderr
    assert sorted(rows(db, "SELECT id, title, text FROM articles")) == sorted(
        rows(db, "SELECT DISTINCT id, title, text FROM articles")) and len(rows(db)) == 3


@pytest.mark.models
def test_impossible_dates_in_metadata_and_text(tmp_path):
    body = (
        "The council first met on February 31, 2017, according to a leaflet, and again on 31/02/2017. "
        "A draft dated 2017-13-01 was circulated. Officials said the bridge would last until the year 99999. "
        "The mayor opened the harbour bridge on March 3, 2017, officials said. "
        "Traffic on the old crossing fell by a third the next week, the transport office said."
    )
    dump = tmp_path / "dates.jsonl"
    published = ["31/02/2017", "99999-01-01", "0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00",
                 "2017-03-04T09:00:00Z"]
    with dump.open("w", encoding="utf-8") as handle:
        for i, value in enumerate(published):
            handle.write(json.dumps({"title": f"Bridge report {i}", "text": f"{body} Report number {i}.",
                                     "outlet": f"outlet{i}", "published": value}) + "\n")
    db = tmp_path / "store.db"

    ingest = run_cli("ingest", dump, "--db", db)
    brief = run_cli("brief", dump, "--format", "json")

    assert ingest.status == 0 and ingest.errors == [], ingest.stderr
    assert sorted(p or "" for *_, p in rows(db)) == ["", "", "", "", "2017-03-04T09:00:00"]
    assert brief.status == 0, brief.stderr
    timeline = json.loads(brief.stdout)["sections"]["timeline"]
    assert timeline, "the real date still makes a timeline"
    for entry in timeline:
        when = entry["date"]
        if when.get("year") is not None:
            assert 1800 <= when["year"] <= 2100, when
            if when.get("day"):  # a real calendar day, never "31 Feb"
                date(when["year"], when["month"], when["day"])
    labels = " ".join(entry["date"]["label"] for entry in timeline)
    assert "3 Mar 2017" in labels and "31 Feb" not in labels


@pytest.mark.models
def test_an_unwritable_output_is_one_error_line(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")

    run = run_cli("brief", tmp_path / "good.txt", "--no-deep", "-o", tmp_path)  # a directory

    assert run.status == 2
    [error] = run.errors
    assert str(tmp_path) in error and "cannot write the output" in error


@pytest.mark.models
def test_unencodable_names_and_text_and_vanished_dumps(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    # A file name that is not UTF-8, a JSON lone surrogate, a URL Python cannot parse: each used to stop the
    # whole batch with a UnicodeEncodeError or ValueError.
    (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))).write_bytes(b"Latin name\n\nThe council met on Tuesday.")
    (folder / "odd.jsonl").write_text(
        json.dumps({"title": "Surrogate", "text": "A lone \ud800 in the text, officials said."}) + "\n"
        + json.dumps({"title": "Bad URL", "text": "The board met on Monday.", "url": "http://[oops"}) + "\n",
        encoding="utf-8")
    (tmp_path / "gone.jsonl").symlink_to(tmp_path / "missing.jsonl")  # a dangling link, named explicitly
    db = tmp_path / "store.db"

    run = run_cli("ingest", folder, tmp_path / "gone.jsonl", "--db", db)

    assert run.status == 1
    [error] = run.errors
    assert "gone.jsonl" in error and "cannot be read" in error
    stored = {title: (source, text) for source, title, text, *_ in rows(db)}
    assert set(stored) == {"Latin name", "Surrogate", "Bad URL"}
    assert stored["Latin name"][0].endswith("caf\ufffd.txt")
    assert stored["Surrogate"][1] == "A lone \ufffd in the text, officials said."
