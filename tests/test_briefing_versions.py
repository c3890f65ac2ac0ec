"""A saved briefing is shown again only if the same articles, settings and code made it (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from storyline.errors import ConfigError
from storyline.ingest import ingest_into_store
from storyline.pipeline import brief_story
from storyline.settings import briefing_fingerprint
from storyline.store import Store

EXAMPLES = REPO / "examples"


@pytest.fixture()
def example_store(tmp_path, analyzer) -> tuple[Path, str]:
    """A real SQLite store holding the example pile; returns its path and the harbour story's id."""
    from storyline.sources.route import read_inputs

    path = tmp_path / "store.db"
    with Store(path) as store:
        ingest_into_store(read_inputs([EXAMPLES]).articles, store, analyzer=analyzer)
        harbour = max(store.story_ids(), key=lambda story_id: len(store.story_article_ids(story_id)))
    return path, harbour


def _web_briefing(path: Path, story_id: str, analyzer, **settings) -> dict:
    from storyline.web import WebState

    state = WebState(path, analyzer=analyzer, **settings)
    try:
        return state.briefing(story_id)
    finally:
        state.store().close()


def test_a_briefing_saved_by_other_code_is_not_shown_again(example_store, analyzer):
    """What an upgrade looks like to the store: its latest briefing was made by code that is gone."""
    path, story_id = example_store
    with Store(path) as store:
        current = brief_story(store, story_id, analyzer=analyzer)
        older = json.loads(json.dumps(store.latest_briefing(story_id)[2]))
        older["made_with"] = "an older storyline"
        older["summary"]["sentences"] = [{"text": "Text an older summarizer wrote.", "citations": [1]}]
        stale_version = store.save_briefing(story_id, store.story_article_ids(story_id), older)
    assert stale_version == current.version + 1

    shown = _web_briefing(path, story_id, analyzer)
    assert shown["version"] == stale_version + 1  # made afresh, saved as a new version
    assert "Text an older summarizer wrote." not in json.dumps(shown)
    assert shown["made_with"] == briefing_fingerprint()
    # and now it is current: shown again as it is, no further version
    assert _web_briefing(path, story_id, analyzer)["version"] == shown["version"]


def test_another_summarizer_or_depth_gives_a_new_version_in_the_cli_and_the_web_app(example_store, analyzer):
    path, story_id = example_store

    def cli_brief(*options: str) -> dict:
        result = subprocess.run([sys.executable, "-m", "storyline", "brief", "--db", str(path), "--story", story_id,
                                 "--format", "json", *options], capture_output=True, text=True, cwd=REPO, timeout=600)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    shallow = cli_brief("--no-deep", "--summarizer", "storyline")
    assert shallow["summary"]["method"] == "storyline" and not shallow["sections"].get("timeline")
    assert cli_brief("--no-deep", "--summarizer", "storyline")["version"] == shallow["version"]  # same settings

    # the web app's settings are its own (deep, the learned summarizer by default): never the shallow text
    web = _web_briefing(path, story_id, analyzer)
    assert web["version"] == shallow["version"] + 1
    assert web["summary"]["method"] == "learned" and web["sections"]["timeline"]
    hand_set = _web_briefing(path, story_id, analyzer, summarizer="storyline")
    assert hand_set["version"] == web["version"] + 1 and hand_set["summary"]["method"] == "storyline"


def test_an_unknown_summarizer_is_refused_when_the_app_starts(example_store):
    from storyline.web import create_app

    path, _ = example_store
    with pytest.raises(ConfigError) as error:
        create_app(path, summarizer="best")
    assert "unknown summarizer 'best'" in error.value.one_line() and "learned" in error.value.one_line()


def test_serve_offers_the_summarizers_as_a_setting():
    result = subprocess.run([sys.executable, "-m", "storyline", "serve", "--summarizer", "best"],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 2 and "invalid choice: 'best'" in result.stderr and "Traceback" not in result.stderr


def test_the_fingerprint_keys_each_setting():
    keys = {briefing_fingerprint(), briefing_fingerprint(words=80), briefing_fingerprint(summarizer="storyline"),
            briefing_fingerprint(deep=False)}
    assert len(keys) == 4 and briefing_fingerprint() == briefing_fingerprint()


def test_the_web_apps_word_budget_is_a_setting_and_another_embedder_than_the_stores_is_refused(example_store, analyzer):
    from storyline.web import create_app

    path, story_id = example_store
    default = _web_briefing(path, story_id, analyzer)
    short = _web_briefing(path, story_id, analyzer, words=60)
    assert short["version"] == default["version"] + 1 and short["summary"]["words"] <= 60 < default["summary"]["words"]
    with pytest.raises(ConfigError) as error:
        create_app(path, embedder="minilm")  # the store's analyses were made with minilm-onnx
    assert "made by the 'minilm-onnx' embedder" in error.value.one_line()
