"""The Dask executor gives the same groups, stories and briefings as a local run, survives a killed
worker, and reports a bad input or a failed partition as one error while the rest is stored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from conftest import EXAMPLES
from test_store import write_many_articles

from storyline.executor import LocalExecutor, PartitionFailed
from storyline.ingest import ingest_into_store, ingest_partitions, prepare_partition
from storyline.pipeline import brief_story
from storyline.sources.route import iter_articles, iter_sources, plan_partitions, read_partition
from storyline.render import briefing_to_dict
from storyline.store import Store

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_executor():
    from storyline.executor import DaskExecutor

    with DaskExecutor(workers=2) as executor:
        yield executor


def _as_comparable(item):
    if isinstance(item, Exception):
        return ("error", item.one_line())
    return (item.id, item.source, item.raw, item.outlet, item.title, item.text, item.published)


def test_partitions_read_exactly_what_a_local_run_reads(tmp_path):
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    dump = tmp_path / "dump.jsonl"
    rows = [json.dumps({"title": f"Item {n}", "text": f"Body of item {n}.", "outlet": "wire"}) for n in range(7)]
    rows[3] = "{not json"  # a broken line among good ones
    rows.insert(5, "")  # a blank line does not count as a row
    rows[6] = "[1, 2]"
    dump.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table = pyarrow.table({"title": [f"P{n}" for n in range(5)], "text": [f"Parquet body {n}." for n in range(5)]})
    pq.write_table(table, tmp_path / "rows.parquet", row_group_size=2)  # three row groups
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    inputs = [EXAMPLES, tmp_path, tmp_path / "missing.txt"]

    partitions = plan_partitions(inputs, size=2)
    assert {p.kind for p in partitions} == {"files", "jsonl", "parquet"}
    assert sum(p.kind == "parquet" for p in partitions) == 3
    by_partitions = [_as_comparable(item) for p in partitions for item in read_partition(p)]
    assert by_partitions == [_as_comparable(item) for item in iter_articles(inputs)]
    assert len(by_partitions) > 15


@pytest.mark.models
def test_a_partition_that_fails_is_one_error_and_the_rest_goes_on(tmp_path):
    dump = tmp_path / "a.jsonl"
    dump.write_text("\n".join(json.dumps({"title": "T", "text": f"Text {n}."}) for n in range(4)), encoding="utf-8")
    partitions = plan_partitions([EXAMPLES / "tarne-gazette.txt", dump], size=2)
    dump.unlink()  # vanished between planning and running: its partitions cannot be read
    results = list(LocalExecutor().map(prepare_partition, partitions))
    assert len(results) == 3
    assert [item.article_id for item in results[0]] == [a.id for a in iter_articles([EXAMPLES / "tarne-gazette.txt"])]
    assert results[0][0].analyzed is not None and results[0][0].signature is not None
    assert all(isinstance(r, PartitionFailed) for r in results[1:])
    assert results[1].input == f"{dump}:1-2" and "FileNotFoundError" in results[1].problem


def test_without_dask_the_dask_executor_is_one_error_line_naming_the_install(tmp_path):
    # A fresh interpreter in which `import distributed` fails, as when the extra is not installed.
    code = ("import sys; sys.modules['distributed'] = None; from storyline.cli import main; "
            f"sys.exit(main(['ingest', '--db', {str(tmp_path / 's.db')!r}, '--executor', 'dask', {str(EXAMPLES)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "storyline: error: running on Dask (--executor dask) needs the 'distributed' package, which is not "
        "installed (pip install 'storyline[scale]')"]
    assert not (tmp_path / "s.db").exists()  # checked before anything is written


def _story_state(store: Store, brief: bool = True) -> tuple[dict, dict, dict]:
    groups = dict(store.connection.execute("SELECT article_id, group_id FROM syndication"))
    stories = {}
    for story_id, article_id in store.connection.execute("SELECT story_id, article_id FROM story_articles"):
        stories.setdefault(story_id, set()).add(article_id)
    briefings = {}
    for story_id in sorted(stories) if brief else []:
        briefing = briefing_to_dict(brief_story(store, story_id))
        briefing.pop("generated_at")
        briefings[story_id] = briefing
    return groups, stories, briefings


@pytest.mark.models
@pytest.mark.slow
def test_dask_gives_the_same_groups_stories_and_briefings_as_a_local_run(tmp_path, seeds_dir, dask_executor):
    copies = tmp_path / "copies"
    copies.mkdir()
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    (copies / "another-outlet.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    inputs = [str(EXAMPLES), str(seeds_dir), str(copies)]

    with Store(tmp_path / "plain.db") as store:  # the default `storyline ingest` path
        report = ingest_into_store(iter_sources(inputs, store), store)
        plain_groups, plain_stories, _ = _story_state(store, brief=False)
    assert report.new == len(plain_groups) and not report.errors
    assert len(plain_stories) >= 3, "the input holds several distinct stories"
    copy_group = [g for g in plain_groups.values() if list(plain_groups.values()).count(g) > 1]
    assert copy_group, "the copy of a seed under another outlet forms a syndication group with it"

    states = {}
    for name, executor in (("local", LocalExecutor()), ("dask", dask_executor)):
        with Store(tmp_path / f"{name}.db") as store:
            report = ingest_partitions(inputs, store, executor, partition_size=2)
            assert report.new == len(plain_groups) and not report.errors, name
            states[name] = _story_state(store)
            again = ingest_partitions(inputs, store, executor, partition_size=2)
            assert again.new == 0 and again.already_stored == len(plain_groups), name
    # Same partitions, so the same analysis batches: identical groups, stories and briefings.
    assert states["dask"] == states["local"]
    # The default path analyzes in other batches, and the int8 embedder's output depends slightly on the
    # batch (up to 0.04 per dimension here), so only the groups and stories are compared with it.
    assert states["local"][:2] == (plain_groups, plain_stories)
    assert len(states["local"][2]) == len(plain_stories)


@pytest.mark.models
@pytest.mark.slow
def test_items_read_in_the_driver_go_through_the_same_driver_on_both_executors(tmp_path, seeds_dir, dask_executor):
    """Pages and feed entries are read in the driver, then prepared on the executor as partitions of
    items: on Dask they give the same report, errors, groups, stories and briefings as in this process."""
    (tmp_path / "chrome.txt").write_text("Share\n\nAdvertisement\n\nFollow us on Twitter\n", encoding="utf-8")
    inputs = [str(EXAMPLES), str(seeds_dir), str(tmp_path / "chrome.txt"), str(tmp_path / "missing.txt"),
              str(EXAMPLES / "tarne-gazette.txt")]  # an article met again: already stored
    runs = {}
    for name, executor in (("local", None), ("dask", dask_executor)):
        with Store(tmp_path / f"{name}.db") as store:
            report = ingest_into_store(iter_sources(inputs, store), store, executor=executor)
            runs[name] = ((report.new, report.already_stored, [e.one_line() for e in report.errors],
                           sorted(report.stories_touched)), _story_state(store))
    assert runs["dask"] == runs["local"]
    (new, already_stored, errors, touched), _ = runs["local"]
    assert new > 10 and already_stored == 1 and touched
    assert sorted(line.split(":")[0] for line in errors) == [str(tmp_path / "chrome.txt"), str(tmp_path / "missing.txt")]


@pytest.mark.slow
@pytest.mark.models
def test_bad_inputs_on_dask_are_one_error_line_each_and_the_rest_is_stored(tmp_path):
    pile = tmp_path / "pile"
    pile.mkdir()
    write_many_articles(pile, 6)
    good = json.dumps({"title": "A row", "text": "A good row of a dump, with a few words in it.", "outlet": "wire"})
    (pile / "dump.jsonl").write_text(f"{good}\n{{broken line\n", encoding="utf-8")
    (pile / "image.txt").write_bytes(bytes(range(256)) * 20)
    db = tmp_path / "s.db"
    command = [sys.executable, "-m", "storyline", "ingest", "--db", str(db), "--executor", "dask",
               "--partition-size", "2", str(pile)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    errors = [line for line in done.stderr.splitlines() if line.startswith("storyline: error:")]
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert len(errors) == 2, done.stderr
    assert f"{pile / 'dump.jsonl'}:2: not valid JSON" in errors[0]
    assert f"{pile / 'image.txt'}: binary file" in errors[1]
    assert "7 new, 0 already stored, 2 errors" in done.stderr
    with Store(db) as store:
        assert store.count_articles() == 7


@pytest.mark.models
@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(tmp_path, dask_executor):
    pile = tmp_path / "pile"
    pile.mkdir()
    write_many_articles(pile, 40)
    client = dask_executor.client
    pids = client.run(os.getpid)
    seen, busy, killed = [], [], []

    def on_article(article_id):
        seen.append(article_id)
        if killed or len(seen) < 3:
            return
        # Kill the first worker seen holding tasks (partitions of one article finish fast, so at any one
        # moment both workers may have only results waiting): its running work must be redone elsewhere.
        holding = [(address, len(tasks)) for address, tasks in sorted(client.processing().items()) if tasks]
        if holding:
            address, tasks = holding[0]
            busy.append(tasks)
            killed.append(pids[address])
            os.kill(pids[address], signal.SIGKILL)

    with Store(tmp_path / "s.db") as store:
        report = ingest_partitions([pile], store, dask_executor, partition_size=1, on_article=on_article)
        assert killed and busy[0] >= 1, "a worker was killed while it had tasks to lose"
        victim = killed[0]
        assert not report.errors and report.new == 40
        distinct, total = store.connection.execute("SELECT count(DISTINCT id), count(*) FROM articles").fetchone()
        assert distinct == total == 40
        assert not any(store.derived_data_problems().values()), store.derived_data_problems()
        assert store.fts_in_step()
    with pytest.raises(ProcessLookupError):
        os.kill(victim, 0)  # it really died (the nanny reaped it) ...
    client.wait_for_workers(2, timeout=180)  # a replacement imports the whole stack; a busy 2-core machine is slow at it
    assert victim not in client.run(os.getpid).values()  # ... and a new worker took its place


def _stories_by_id(store: Store) -> dict[str, tuple[str, frozenset[str]]]:
    stories = {story_id: (title, frozenset(store.story_article_ids(story_id)))
               for story_id, title in store.connection.execute("SELECT id, title FROM stories")}
    # The rule that makes ids deterministic: a story is named by its first-stored article, whichever
    # story an article joined and whichever way stories merged.
    stored_order = {article_id: n for n, article_id in enumerate(store.article_ids_in_order())}
    for story_id, (_, members) in stories.items():
        assert story_id == min(members, key=stored_order.__getitem__)[:12]
    return stories


@pytest.mark.models
@pytest.mark.slow
def test_story_ids_and_titles_are_the_same_on_both_executors_and_after_a_repair(tmp_path, dask_executor):
    """Issue 14, items 5-6: on a shuffled 20-story DUC 2004 stream (plain text, no headlines), the
    default path, Dask in other batches, and a rebuild by `doctor --repair` give every story the same id
    and the same readable title."""
    import shutil

    from conftest import shared_path
    from storyline.bench.cluster import shuffled_dataset
    from storyline.doctor import repair_store

    pile = tmp_path / "pile"
    pile.mkdir()
    for n, (article, _) in enumerate(shuffled_dataset(shared_path("duc2004"), seed=0, clusters=20)):
        (pile / f"{n:03d}-{article.id}.txt").write_text(article.text, encoding="utf-8")

    with Store(tmp_path / "plain.db") as store:
        ingest_into_store(iter_sources([str(pile)], store), store)
        plain = _stories_by_id(store)
    assert len(plain) >= 15
    assert all(title.strip() for title, _ in plain.values()), "every story has a title"

    with Store(tmp_path / "dask.db") as store:
        ingest_partitions([str(pile)], store, dask_executor, partition_size=7)
        on_dask = _stories_by_id(store)

    shutil.copy(tmp_path / "plain.db", tmp_path / "repaired.db")
    with Store(tmp_path / "repaired.db") as store:
        store.connection.execute("DELETE FROM story_articles WHERE rowid % 3 = 0")  # a damaged store
        store.connection.execute("UPDATE stories SET title = ''")
        assert any("rebuilt" in line for line in repair_store(store))
        repaired = _stories_by_id(store)

    assert repaired == plain
    # Dask analyzes in other batches (embeddings differ in the last digits), so memberships may differ;
    # every story with the same articles must have the same id and title.
    by_members = {members: (story_id, title) for story_id, (title, members) in plain.items()}
    same = [(story_id, title, members) for story_id, (title, members) in on_dask.items() if members in by_members]
    assert len(same) >= 0.9 * len(plain)
    for story_id, title, members in same:
        assert (story_id, title) == by_members[members]
