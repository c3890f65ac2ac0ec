"""Store integrity: SIGKILL at random points of ingest, and `storyline doctor` checking and repairing.

Real processes, a real SQLite file, the real analyzer.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLES
from storyline.cli import main
from storyline.ingest import ingest_into_store
from storyline.sources.route import iter_sources
from storyline.store import Store
from test_store import write_many_articles


def memberships(store: Store) -> dict[str, str]:
    return dict(store.connection.execute("SELECT article_id, story_id FROM story_articles"))


def groups(store: Store) -> dict[str, str]:
    return dict(store.connection.execute("SELECT article_id, group_id FROM syndication"))


@pytest.fixture
def example_store(tmp_path, analyzer):
    db = tmp_path / "doctor.db"
    with Store(db) as store:
        report = ingest_into_store(iter_sources([str(EXAMPLES)], store), store, analyzer=analyzer)
    assert report.new == 8 and not report.errors
    return db


def test_doctor_says_a_fresh_store_is_healthy(example_store, capsys):
    assert main(["doctor", "--db", str(example_store)]) == 0
    out = capsys.readouterr().out
    assert "integrity: ok" in out and "full-text index: ok" in out and out.rstrip().endswith("healthy")


def test_doctor_finds_and_repairs_damaged_derived_data(example_store, capsys):
    with Store(example_store) as store:
        stories_before, groups_before = memberships(store), groups(store)
        assert [r.title for r in store.list_stories(search="ghostbell")]
        victim = store.connection.execute("SELECT rowid, title, cleaned_text FROM articles ORDER BY rowid LIMIT 1").fetchone()
        harbour = next(s for s in set(stories_before.values()) if list(stories_before.values()).count(s) == 6)
        store.connection.execute("PRAGMA foreign_keys=OFF")  # as a hand edit with another SQLite client would
        with store.transaction():
            # What a bug or a hand edit could leave: index entries gone, links and rows missing.
            store.connection.execute("INSERT INTO articles_fts(articles_fts, rowid, title, cleaned_text) VALUES('delete', ?, ?, ?)",
                             victim)
            store.connection.execute("DELETE FROM stories WHERE id = ?", (harbour,))
            store.connection.execute("DELETE FROM syndication WHERE rowid IN (SELECT rowid FROM syndication LIMIT 2)")
            store.connection.execute("DELETE FROM analyses WHERE rowid IN (SELECT rowid FROM analyses LIMIT 1)")

    assert main(["doctor", "--db", str(example_store)]) == 1
    out = capsys.readouterr().out
    assert "full-text index: out of step with the articles" in out
    assert "story links to a missing story: 6" in out
    assert "articles without a syndication group: 2" in out
    assert "articles without an analysis: 1" in out
    assert "run `storyline doctor --repair`" in out

    assert main(["doctor", "--db", str(example_store), "--repair"]) == 0
    out = capsys.readouterr().out
    assert "repaired: rebuilt the full-text index" in out and "repaired: analyzed 1 article\n" in out
    assert out.rstrip().endswith("healthy")
    with Store(example_store) as store:
        # Rebuilt in the order the articles were stored: the same stories, with the same ids, the same copies.
        assert memberships(store) == stories_before
        assert groups(store) == groups_before
        assert store.fts_in_step()
        assert store.count_articles() == 8
    assert main(["doctor", "--db", str(example_store)]) == 0


def test_doctor_refuses_a_file_that_is_not_a_store(tmp_path, capsys):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not a database" * 100)
    assert main(["doctor", "--db", str(bogus)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("storyline: error: ") and str(bogus) in err and "Traceback" not in err


@pytest.mark.models
@pytest.mark.slow
def test_sigkill_at_random_points_never_loses_or_duplicates(tmp_path):
    pile = tmp_path / "pile"
    pile.mkdir()
    total = 48
    write_many_articles(pile, total)
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "storyline", "ingest", "--db", str(db), str(pile)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    chooser = random.Random(20261201)  # fixed: a failure can be replayed
    stored_after_kills = []
    for trial in range(6):
        target = chooser.randint(0, total - 1)  # kill once this many articles are stored ...
        jitter = chooser.uniform(0, 0.05)  # ... and a little later, to land anywhere inside a write
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            try:
                with sqlite3.connect(db, timeout=1) as probe:
                    stored = probe.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.Error:
                stored = 0
            if stored >= target:
                break
            time.sleep(0.01)
        time.sleep(jitter)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with Store(db) as store:
            assert store.integrity_check() == "ok", f"trial {trial}"
            count = store.count_articles()
            assert store.connection.execute("SELECT count(DISTINCT id) FROM articles").fetchone()[0] == count
            # Each article is written with everything derived from it, or not at all.
            assert not any(store.derived_data_problems().values()), (trial, store.derived_data_problems())
            assert store.fts_in_step(), f"trial {trial}"
        stored_after_kills.append(count)
    assert stored_after_kills == sorted(stored_after_kills)  # nothing stored is ever lost
    assert stored_after_kills[-1] < total, "every run finished before the kill; the trials tested nothing"

    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    with Store(db) as store:
        assert store.count_articles() == total
        assert store.connection.execute("SELECT count(DISTINCT id) FROM articles").fetchone()[0] == total
    assert main(["doctor", "--db", str(db)]) == 0
