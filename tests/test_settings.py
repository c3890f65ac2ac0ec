"""One configuration (issue 15): defaults, then storyline.toml, then the environment, then options; every
name checked against its registry at start; a store keeps the clusterer and embedder it was first given."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import EXAMPLES, REPO
from storyline.analyze import DEFAULT_EMBEDDER, embedders
from storyline.errors import ConfigError
from storyline.settings import CONFIG_FILE_NAME, load_settings, store_choice
from storyline.store import Store


def test_each_layer_overrides_the_one_below_and_says_where_its_value_came_from(tmp_path):
    db = tmp_path / "news.db"
    (tmp_path / CONFIG_FILE_NAME).write_text('summarizer = "lead"\nwords = 90\nclusterer = "link"\n', encoding="utf-8")

    from_file = load_settings({"db": str(db)}, environ={})
    assert (from_file.summarizer, from_file.words, from_file.clusterer) == ("lead", 90, "link")
    assert from_file.origin["words"] == str(tmp_path / CONFIG_FILE_NAME) and from_file.origin["db"] == "--db"
    assert from_file.embedder == DEFAULT_EMBEDDER and "embedder" not in from_file.origin

    environment = {"STORYLINE_WORDS": "120", "STORYLINE_SUMMARIZER": "storyline"}
    from_env = load_settings({"db": str(db)}, environ=environment)
    assert (from_env.summarizer, from_env.words, from_env.clusterer) == ("storyline", 120, "link")
    assert from_env.origin["words"] == "$STORYLINE_WORDS"

    from_options = load_settings({"db": str(db), "words": 200, "summarizer": None}, environ=environment)
    assert (from_options.words, from_options.summarizer) == (200, "storyline")  # None is "not given"
    assert from_options.origin["words"] == "--words"


def test_a_config_file_given_by_name_may_name_the_store_beside_it(tmp_path):
    config = tmp_path / "conf" / "team.toml"
    config.parent.mkdir()
    config.write_text('db = "stores/team.db"\nembedder = "minilm"\n', encoding="utf-8")
    settings = load_settings({}, config=config, environ={})
    assert settings.db == config.parent / "stores" / "team.db" and settings.embedder == "minilm"
    assert load_settings({}, environ={"STORYLINE_CONFIG": str(config)}).db == settings.db

    # the file found beside a store cannot move the store
    (tmp_path / CONFIG_FILE_NAME).write_text('db = "elsewhere.db"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings({"db": str(tmp_path / "news.db")}, environ={})
    assert "unknown setting db" in error.value.one_line() and CONFIG_FILE_NAME in error.value.one_line()


@pytest.mark.parametrize("text, problem", [
    ("summarizer = \"lead\n", "not valid TOML"),
    ("sumarizer = \"lead\"\n", "unknown setting sumarizer"),
    ("words = \"many\"\n", "words must be a whole number"),
    ("words = true\n", "words must be a whole number"),
    ("words = 4\n", "words 4 is too small"),
    ("summarizer = \"best\"\n", "unknown summarizer 'best'"),
    ("clusterer = \"kmeans\"\n", "unknown clusterer 'kmeans'"),
    ("embedder = 3\n", "embedder must be a string"),
])
def test_a_bad_config_file_is_one_error_naming_the_file(tmp_path, text, problem):
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings({}, config=config, environ={})
    line = error.value.one_line()
    assert problem in line and str(config) in line and "\n" not in line


def test_a_missing_config_file_and_a_bad_environment_value_are_one_error_each(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_settings({}, config=tmp_path / "none.toml", environ={})
    with pytest.raises(ConfigError) as error:
        load_settings({}, environ={"STORYLINE_SUMMARIZER": "best"})
    assert "$STORYLINE_SUMMARIZER" in error.value.one_line() and "learned" in error.value.one_line()


def test_a_store_keeps_the_embedder_it_was_first_given(tmp_path):
    with Store(tmp_path / "s.db") as store:
        # an empty store takes any choice, and records it
        assert store_choice(store, "embedder", "minilm", DEFAULT_EMBEDDER, embedders, in_use=False) == "minilm"
        assert store.setting("embedder") == "minilm"
        assert store_choice(store, "embedder", None, DEFAULT_EMBEDDER, embedders, in_use=True) == "minilm"
        with pytest.raises(ConfigError) as error:
            store_choice(store, "embedder", DEFAULT_EMBEDDER, DEFAULT_EMBEDDER, embedders, in_use=True)
        assert "made by the 'minilm' embedder" in error.value.one_line() and "--embedder minilm" in error.value.one_line()
    with Store(tmp_path / "old.db") as store:
        # a store filled before the choice was recorded was filled by the default; a reader records nothing
        assert store_choice(store, "embedder", None, DEFAULT_EMBEDDER, embedders, in_use=True,
                            record=False) == DEFAULT_EMBEDDER
        assert store.setting("embedder") is None


def _storyline(*args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storyline", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=600, **options)


def test_config_shows_the_file_beside_the_store_and_a_bad_one_is_exit_2(tmp_path):
    db = tmp_path / "news.db"
    (tmp_path / CONFIG_FILE_NAME).write_text('summarizer = "storyline"\nwords = 80\n', encoding="utf-8")
    shown = _storyline("config", "--db", str(db), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    settings = {s["name"]: s for s in json.loads(shown.stdout)}
    assert settings["summarizer"]["value"] == "storyline" and settings["summarizer"]["from"] == str(tmp_path / CONFIG_FILE_NAME)
    assert settings["words"]["value"] == 80
    assert settings["embedder"]["value"] == DEFAULT_EMBEDDER and settings["embedder"]["from"].startswith("default")
    assert not db.exists()  # config reads, never creates

    (tmp_path / CONFIG_FILE_NAME).write_text("summarizer = [\n", encoding="utf-8")
    broken = _storyline("config", "--db", str(db))
    assert broken.returncode == 2 and "not valid TOML" in broken.stderr and "Traceback" not in broken.stderr


@pytest.mark.models
def test_the_config_file_chooses_the_summarizer_of_a_brief_and_an_option_overrides_it(tmp_path):
    config = tmp_path / "brief.toml"
    config.write_text('summarizer = "lead"\nwords = 60\n', encoding="utf-8")
    by_file = _storyline("brief", str(EXAMPLES), "--no-deep", "--format", "json", "--config", str(config))
    assert by_file.returncode == 0, by_file.stderr
    summary = json.loads(by_file.stdout)["summary"]
    assert summary["method"] == "lead" and summary["words"] <= 60
    by_option = _storyline("brief", str(EXAMPLES), "--no-deep", "--format", "json", "--config", str(config),
                           "--summarizer", "round-robin-lead")
    assert json.loads(by_option.stdout)["summary"]["method"] == "round-robin-lead"
