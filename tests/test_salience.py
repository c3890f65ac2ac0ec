"""The learned salience summarizer: its shipped model, its guarantees on real stories, its training."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import REPO, run_train_command
from storyline.errors import ConfigError
from storyline.learned import MODEL_DIR, load_model, model_paths
from storyline.summarizers.learned import FEATURES, FORMAT_VERSION, MODEL_NAME, sentence_features
from storyline.summarizers import summarize


def test_the_shipped_model_loads_offline_and_matches_its_card():
    model = load_model(MODEL_NAME, features=FEATURES, format_version=FORMAT_VERSION)
    card = json.loads(model_paths(MODEL_NAME)[1].read_text())
    assert card["features"] == list(FEATURES)
    assert "multinews_train3000" in card["trained_on"] and card["training_seconds"] > 0
    assert model.booster.num_feature() == len(FEATURES)
    assert model_paths(MODEL_NAME)[0].stat().st_size < 5_000_000  # ships inside the package: a few MB at most
    held_out = card["scores"]["rouge_f1_at_length_for_input"]
    assert held_out["learned"]["rouge2"] > held_out["storyline"]["rouge2"]  # why it is the default


def test_features_are_one_row_per_candidate_and_finite(seed_articles):
    features = sentence_features(seed_articles, {a.id: a.article.outlet for a in seed_articles})
    assert features.rows.shape == (len(features.candidates), len(FEATURES))
    assert np.isfinite(features.rows).all()
    leads = [i for i, c in enumerate(features.candidates) if c.index == 0]
    assert (features.rows[leads, FEATURES.index("is_first")] == 1).all()


def test_a_missing_model_is_one_error_naming_the_train_command(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_model(MODEL_NAME, features=FEATURES, format_version=FORMAT_VERSION, directory=tmp_path)
    assert "storyline train salience" in error.value.one_line()


def test_a_model_trained_for_other_features_is_refused(tmp_path):
    for path in model_paths(MODEL_NAME)[:2]:
        shutil.copy(path, tmp_path / path.name)
    with pytest.raises(ConfigError) as error:
        load_model(MODEL_NAME, features=FEATURES[:-1], format_version=FORMAT_VERSION, directory=tmp_path)
    assert "other features" in error.value.one_line()


@pytest.mark.models
def test_cli_names_the_fix_when_the_model_file_is_unreadable(tmp_path, seeds_dir):
    """A broken model file ($STORYLINE_MODEL_DIR: retrained models) is one error line and exit 2, never a traceback."""
    for path in model_paths(MODEL_NAME)[:2]:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / f"{MODEL_NAME}.lgb.txt").write_text("not a model\n")
    result = subprocess.run([sys.executable, "-m", "storyline", "brief", str(seeds_dir), "--no-deep", "--summarizer", "learned"],
                            capture_output=True, text=True, cwd=REPO, timeout=300,
                            env=os.environ | {"STORYLINE_MODEL_DIR": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "storyline train salience" in lines[0] and "Traceback" not in result.stderr


# --- what users rely on, with the learned method (the default) -------------------------------------


def test_the_seed_summary_keeps_the_correction(seed_articles):
    """The story's key correction: no delegation goes, only the US ambassador attends."""
    text = " ".join(s.text for s in summarize(seed_articles, 150, method="learned").sentences).lower()
    assert "ambassador" in text
    assert "delegation" in text


def test_opinion_ranks_below_reporting(make_articles):
    reporting = "The council voted on Tuesday to close the Harrow Street library at the end of June, officials said."
    opinion = "Frankly, this shameful and pointless vote to close the Harrow Street library is a disgrace."
    articles = make_articles([("a", f"{reporting}\n\n{opinion}"), ("b", f"{opinion}\n\n{reporting}")])
    texts = [s.text for s in summarize(articles, 20, method="learned").sentences]
    assert texts == [reporting]


def test_learned_summary_fits_the_budget_cites_exactly_and_never_repeats(seed_articles):
    summary = summarize(seed_articles, 200, method="learned")
    assert summary.sentences and summary.words <= 200 and summary.method == "learned"
    by_id = {a.id: a for a in seed_articles}
    vectors = []
    for sentence in summary.sentences:
        ref = sentence.citations[0]
        article = by_id[ref.article_id]
        assert article.cleaned.text[ref.start:ref.end] == sentence.text
        vectors.append(article.embeddings[ref.sentence_index])
    similarity = np.array(vectors) @ np.array(vectors).T
    assert (similarity[np.triu_indices(len(vectors), 1)] < 0.8).all()


def test_learned_summary_is_in_story_order(make_articles):
    articles = make_articles([
        ("late", "Rescue teams reached the last stranded village on Friday and began moving residents out.", "2024-03-08T10:00"),
        ("early", "Heavy snow cut the mountain road to three villages on Tuesday morning after a storm.", "2024-03-05T09:00"),
        ("middle", "Helicopters dropped food and medicine to the three cut-off villages on Wednesday.", "2024-03-06T12:00"),
    ])
    summary = summarize(articles, 100, method="learned")
    order = [{a.id: a for a in articles}[s.citations[0].article_id].article.outlet for s in summary.sentences]
    assert order == ["early", "middle", "late"]


# --- training ------------------------------------------------------------------------------------


@pytest.mark.models
@pytest.mark.slow
def test_train_command_reproduces_a_model_with_its_card(tmp_path):
    stdout, _, _ = run_train_command(MODEL_NAME, tmp_path, FEATURES, FORMAT_VERSION, limit=40, rounds=30)
    assert "held out" in stdout
    assert (tmp_path / f"{MODEL_NAME}.card.md").read_text().startswith("# Model card: salience")
    assert MODEL_DIR != tmp_path  # the shipped model was not touched
