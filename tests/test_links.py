"""Learned same-story links: the shipped pair model, the time evidence on top of it, its training."""

from __future__ import annotations


import numpy as np
import pytest

from conftest import REPO, run_train_command
from storyline.cluster import (EVENT_APART_DAYS, EVENT_GRACE_DAYS, PAIR_FEATURES, PAIR_FEATURES_VERSION,
                               ArticleLinkClusterer, LearnedLinks, clusterers, time_factor)
from storyline.learned import MODEL_DIR, load_model


def test_the_shipped_model_matches_the_features_and_carries_its_thresholds_and_scores():
    model = load_model("links", features=PAIR_FEATURES, format_version=PAIR_FEATURES_VERSION)
    card = model.card
    assert 0 < card.settings["join"] < card.settings["merge"] <= 1.01
    stream = card.scores["stream_bcubed"]
    # what the default rests on: on held-out train clusters the learned links beat the hand-set weights
    assert stream["learned"]["bcubed_f1"] > stream["hand_set"]["bcubed_f1"]
    assert "multinews_val200" not in card.trained_on and "duc" not in card.trained_on.lower()
    assert (MODEL_DIR / "links.card.md").read_text(encoding="utf-8").startswith("# Model card: links")


def test_more_similar_text_never_lowers_the_learned_probability():
    """Monotone by construction (the training's monotone constraints), checked on the shipped model."""
    links = LearnedLinks()
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.uniform(0, 1, 400), rng.uniform(0, 0.6, 400), rng.uniform(0, 1, 400),
                            rng.integers(0, 12, 400), rng.uniform(0, 1, 400), np.full(400, np.nan),
                            np.zeros(400), rng.uniform(-2, 0, 400)])
    base = links.scores(rows)
    for column in ("embedding_cosine", "tfidf_cosine", "entity_jaccard", "lead_cosine"):
        more = rows.copy()
        more[:, PAIR_FEATURES.index(column)] += 0.2
        assert np.all(links.scores(more) >= base - 1e-12), column
    assert np.all((0 <= base) & (base <= 1))


def test_time_evidence_keeps_close_links_and_removes_sure_far_ones():
    gap = np.array([np.nan, 0, EVENT_GRACE_DAYS, EVENT_APART_DAYS, 120, 120, (EVENT_GRACE_DAYS + EVENT_APART_DAYS) / 2])
    confidence = np.array([0.0, 1.0, 1.0, 1.0, 1.0, 0.25, 1.0])
    kept = time_factor(gap, confidence)
    assert kept[0] == 1.0  # an article with no time evidence is judged on its text alone
    assert kept[1] == kept[2] == 1.0  # within the grace days
    assert kept[3] == kept[4] == 0.0  # sure event times weeks apart: no direct link
    assert kept[5] == pytest.approx(0.5)  # unsure ones: in proportion
    assert kept[6] == pytest.approx(0.5)


def test_the_learned_clusterer_replays_a_reopened_window_like_an_uninterrupted_run(make_articles):
    """The registry builds it with the store's stories and recent articles, as the pipeline does."""
    articles = make_articles([
        ("harbour-a", "The Port Aldric harbour crane collapsed on Monday, injuring two dock workers, the port "
                      "authority said. Inspectors closed the container terminal."),
        ("harbour-b", "Two dock workers were hurt when a crane fell at Port Aldric's container terminal, which "
                      "inspectors closed, the port authority said on Monday."),
        ("orchid", "A rare ghost orchid flowered in the Brackenford glasshouse for the first time in forty "
                   "years, its keepers said, drawing queues of visitors."),
    ])
    whole = clusterers.create("learned-link")
    story_of = {a.id: whole.assign(a).story.id for a in articles}
    assert story_of[articles[0].id] == story_of[articles[1].id] != story_of[articles[2].id]
    first = clusterers.create("learned-link")
    first.assign(articles[0])
    reopened = clusterers.create("learned-link", stories=list(first.stories.values()),
                                 recent=[(articles[0], story_of[articles[0].id])])
    assert isinstance(reopened, ArticleLinkClusterer) and isinstance(reopened.links, LearnedLinks)
    assert reopened.assign(articles[1]).story.id == story_of[articles[0].id]


@pytest.mark.models
@pytest.mark.slow
def test_train_command_reproduces_a_links_model_with_its_card(tmp_path, monkeypatch):
    stdout, card, _ = run_train_command("links", tmp_path, PAIR_FEATURES, PAIR_FEATURES_VERSION, limit=60, rounds=20)
    assert "hand-set" in stdout and card["scores"]["training_pairs"]["same_story_pairs"] > 0
    monkeypatch.setenv("STORYLINE_MODEL_DIR", str(tmp_path))  # a retrained model is used in place of the shipped one
    assert clusterers.create("learned-link").links.join == card["settings"]["join"]


def test_a_model_folder_without_a_links_model_keeps_the_shipped_one(tmp_path, monkeypatch):
    """$STORYLINE_MODEL_DIR may hold only a retrained salience model: the links model is still the shipped one."""
    monkeypatch.setenv("STORYLINE_MODEL_DIR", str(tmp_path))
    shipped = load_model("links", features=PAIR_FEATURES, format_version=PAIR_FEATURES_VERSION, directory=MODEL_DIR)
    assert clusterers.create("learned-link").links.join == shipped.card.settings["join"]


def test_pair_decisions_on_the_example_pile_tell_its_two_stories_apart(analyzer):
    """`bench cluster`'s pair table, on real text: the harbour and orchid stories of examples/."""
    from storyline.analyze import analyze_articles
    from storyline.bench.cluster import pair_decisions
    from storyline.clean import clean_article
    from storyline.sources.route import read_inputs

    analyzed = analyze_articles([clean_article(a) for a in read_inputs([REPO / "examples"]).articles], analyzer)
    orchid = ("brackenford", "tarne-gazette")
    gold = {a.id: "orchid" if any(name in a.article.source for name in orchid) else "harbour" for a in analyzed}
    result = pair_decisions(analyzed, gold)
    assert result["pairs"] == len(analyzed) * (len(analyzed) - 1) // 2  # every pair: fewer than 50 articles
    assert result["same_story"] == 15 + 1  # 6 harbour articles, 2 orchid ones
    learned = result["methods"]["learned links"]
    assert learned["precision"] == 1.0 and learned["f1"] >= 0.8, learned
