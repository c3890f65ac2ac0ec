"""`--clusterer` reaches the registry, and a store keeps the clusterer that made its stories (issue 15)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from conftest import REPO
from storyline.errors import ConfigError
from storyline.sources.route import read_inputs
from storyline.assign import open_indexes
from storyline.ingest import ingest_into_store
from storyline.store import Store

EXAMPLES = REPO / "examples"


def test_a_new_store_records_the_default_learned_links(tmp_path, analyzer):
    from storyline.cluster import DEFAULT_CLUSTERER, LearnedLinks

    with Store(tmp_path / "store.db") as store:
        ingest_into_store(read_inputs([EXAMPLES]).articles, store, analyzer=analyzer)
        assert store.setting("clusterer") == DEFAULT_CLUSTERER == "learned-link"
        _, clusterer = open_indexes(store, analyzer.key)
        assert isinstance(clusterer.links, LearnedLinks)


@pytest.mark.models
def test_the_cli_option_chooses_the_clusterer_and_the_store_keeps_it(tmp_path):
    from storyline.cluster import HandSetLinks

    db = tmp_path / "store.db"
    first = subprocess.run([sys.executable, "-m", "storyline", "ingest", str(EXAMPLES / "brackenford-courier.txt"),
                            "--db", str(db), "--clusterer", "link"], capture_output=True, text=True, cwd=REPO,
                           timeout=600)
    assert first.returncode == 0, first.stderr
    with Store(db) as store:
        assert store.setting("clusterer") == "link"
        stored = store.count_articles()
        assert isinstance(open_indexes(store)[1].links, HandSetLinks)

    other = subprocess.run([sys.executable, "-m", "storyline", "ingest", str(EXAMPLES), "--db", str(db),
                            "--clusterer", "learned-link"], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert other.returncode == 2 and "Traceback" not in other.stderr
    [line] = other.stderr.strip().splitlines()
    assert "made by the 'link' clusterer, not 'learned-link'" in line and "--clusterer link" in line
    with Store(db) as store:
        assert store.count_articles() == stored  # refused before anything was stored


def test_another_clusterer_is_refused_for_a_store_with_stories_but_taken_by_an_empty_one(tmp_path, analyzer):
    with Store(tmp_path / "store.db") as store:
        assert open_indexes(store, analyzer.key, "centroid") and store.setting("clusterer") == "centroid"
        open_indexes(store, analyzer.key, "link")  # no stories yet: the store takes the new choice
        assert store.setting("clusterer") == "link"
        ingest_into_store(read_inputs([EXAMPLES]).articles, store, analyzer=analyzer)
        with pytest.raises(ConfigError):
            open_indexes(store, analyzer.key, "centroid")
        with pytest.raises(ConfigError) as error:
            open_indexes(store, analyzer.key, "best")
        assert "unknown clusterer 'best'" in error.value.one_line()


def test_a_store_from_before_keeps_the_hand_set_links_that_made_its_stories(tmp_path, analyzer):
    path = tmp_path / "store.db"
    with Store(path) as store:
        ingest_into_store(read_inputs([EXAMPLES]).articles, store, analyzer=analyzer)
    db = sqlite3.connect(path)  # as a store of schema version 3 was: no settings table
    db.execute("DROP TABLE settings")
    db.execute("UPDATE schema_version SET version = 3")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.setting("clusterer") == "link"


def test_config_shows_each_setting_and_where_it_comes_from(tmp_path):
    import json

    db = tmp_path / "store.db"

    def config(**env) -> dict:
        import os

        result = subprocess.run([sys.executable, "-m", "storyline", "config", "--db", str(db), "--format", "json"],
                                capture_output=True, text=True, cwd=REPO, timeout=120, env=os.environ | env)
        assert result.returncode == 0, result.stderr
        return {s["name"]: s for s in json.loads(result.stdout)}

    before = config()
    assert before["store"]["from"] == "--db (not created yet)" and not db.exists()  # looked at, not created
    assert before["clusterer"]["value"] == "learned-link" and before["clusterer"]["from"].startswith("default")
    assert before["links model"]["from"] == "shipped" and "trained" in before["links model"]["value"]
    with Store(db) as store:
        open_indexes(store, None, "centroid")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "links.card.json").write_text("{}")
    after = config(STORYLINE_MODEL_DIR=str(tmp_path / "models"))
    assert after["clusterer"] == {"name": "clusterer", "value": "centroid", "from": "recorded in the store"}
    assert after["links model"]["from"] == "$STORYLINE_MODEL_DIR" and "no readable card" in after["links model"]["value"]
    assert after["salience model"]["from"] == "shipped"
