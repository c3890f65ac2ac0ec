"""Incremental story clustering on the example pile: two unrelated stories, in any arrival order."""

import random
from collections import Counter
from pathlib import Path

import pytest

from storyline.cluster import MERGE_COSINE, CentroidClusterer, Story, clusterers

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def example_analyzed(analyzer):
    from storyline.analyze import analyze_articles
    from storyline.clean import clean_article
    from storyline.sources.route import read_inputs

    return analyze_articles([clean_article(a) for a in read_inputs([EXAMPLES]).articles], analyzer)


def _stories(articles) -> dict[str, str]:
    clusterer = CentroidClusterer()
    story_of: dict[str, str] = {}
    for article in articles:
        assignment = clusterer.assign(article)
        for old in assignment.merged_away:
            story_of = {a: (assignment.story.id if s == old else s) for a, s in story_of.items()}
        story_of[article.article.source] = assignment.story.id
    return story_of


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_harbour_and_orchid_stories_come_out_separate_in_any_order(example_analyzed, seed):
    articles = list(example_analyzed)
    random.Random(seed).shuffle(articles)
    story_of = _stories(articles)
    orchid = {s for src, s in story_of.items() if "brackenford" in src or "tarne-gazette" in src}
    harbour = {s for src, s in story_of.items() if not ("brackenford" in src or "tarne-gazette" in src)}
    assert len(orchid) == 1 and len(harbour) == 1 and orchid != harbour


def test_a_new_article_joins_an_existing_story_rather_than_starting_one(example_analyzed):
    clusterer = clusterers.create("centroid")
    first = clusterer.assign(example_analyzed[0])
    assert first.new_story
    later = [clusterer.assign(a) for a in example_analyzed[1:]]
    assert sum(a.new_story for a in later) == 1  # only the second story starts a new one
    assert len(clusterer.stories) == 2


def test_stories_that_turn_out_to_be_one_are_merged(example_analyzed):
    harbour = [a for a in example_analyzed if "harbour" in a.cleaned.text.lower()]
    seen = CentroidClusterer()
    story = seen.assign(harbour[0]).story
    # Two stored stories with the same content (as an earlier split would leave them), then one more article.
    twin = Story("twin", story.title, story.vector_sum.copy(), 1, Counter(story.entities), story.last_published,
                 Counter(story.terms))
    clusterer = CentroidClusterer([story, twin])
    assert float(story.centroid @ twin.centroid) >= MERGE_COSINE
    assignment = clusterer.assign(harbour[1])
    assert not assignment.new_story
    assert len(assignment.merged_away) == 1 and len(clusterer.stories) == 1
    assert clusterer.stories[assignment.story.id].size == 3


# --- the article-link clusterer (the default) ---


def _link_stories(articles, clusterer=None) -> dict[str, str]:
    from storyline.cluster import ArticleLinkClusterer, final_stories

    return final_stories(clusterer or ArticleLinkClusterer(), articles)


def test_the_learned_link_clusterer_is_the_default():
    from storyline.cluster import DEFAULT_CLUSTERER, ArticleLinkClusterer, LearnedLinks

    clusterer = clusterers.create(DEFAULT_CLUSTERER)
    assert isinstance(clusterer, ArticleLinkClusterer) and isinstance(clusterer.links, LearnedLinks)
    assert 0 < clusterer.links.join < clusterer.links.merge <= 1.01  # the thresholds from the model card


@pytest.mark.parametrize("name", ["learned-link", "link"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_link_clusterers_keep_the_harbour_and_orchid_stories_apart_in_any_order(example_analyzed, seed, name):
    articles = list(example_analyzed)
    random.Random(seed).shuffle(articles)
    story_of = _link_stories(articles, clusterers.create(name))
    orchid = {story_of[a.id] for a in articles if "brackenford" in a.article.source or "tarne-gazette" in a.article.source}
    harbour = {story_of[a.id] for a in articles} - orchid
    assert len(orchid) == 1 and len(harbour) == 1


@pytest.mark.parametrize("name", ["learned-link", "link"])
def test_link_clusterers_put_the_seed_storyline_in_one_story_apart_from_the_examples(example_analyzed, seed_articles,
                                                                                     name):
    story_of = _link_stories(list(example_analyzed) + list(seed_articles), clusterers.create(name))
    seeds = {story_of[a.id] for a in seed_articles}
    assert len(seeds) == 1
    assert not seeds & {story_of[a.id] for a in example_analyzed}


def test_link_window_is_bounded_and_forgets_the_oldest_articles(example_analyzed, monkeypatch):
    import storyline.cluster as cluster

    monkeypatch.setattr(cluster, "WINDOW", 3)
    clusterer = cluster.ArticleLinkClusterer()
    _link_stories(example_analyzed, clusterer)
    remembered = [x.id for x in clusterer._window if x is not None]
    assert sorted(remembered) == sorted(a.id for a in example_analyzed[-3:])
    # Document frequencies count exactly the words of the articles in the window.
    expected = Counter()
    for linked in clusterer._window:
        expected.update(linked.weights.keys())
    assert clusterer._document_frequency == expected


def test_a_reopened_store_clusters_as_one_uninterrupted_run(analyzer, seeds_dir, tmp_path):
    from storyline.sources.route import read_inputs
    from storyline.ingest import ingest_into_store
    from storyline.store import Store

    articles = read_inputs([EXAMPLES, seeds_dir]).articles
    random.Random(0).shuffle(articles)

    def partition(store):
        groups: dict[str, set] = {}
        for article_id, story_id in store.connection.execute("SELECT article_id, story_id FROM story_articles"):
            groups.setdefault(story_id, set()).add(article_id)
        return sorted(sorted(g) for g in groups.values())

    with Store(tmp_path / "one.db") as one:
        ingest_into_store(articles, one, analyzer=analyzer)
        expected = partition(one)
    with Store(tmp_path / "two.db") as two:
        ingest_into_store(articles[:6], two, analyzer=analyzer)
    with Store(tmp_path / "two.db") as two:  # a new process: the window comes back from the store
        ingest_into_store(articles[6:], two, analyzer=analyzer)
        assert partition(two) == expected
        stored = {story_id: size for story_id, size in two.connection.execute("SELECT id, size FROM stories")}
        counted = dict(two.connection.execute("SELECT story_id, count(*) FROM story_articles GROUP BY story_id"))
        assert stored == counted  # the stories table agrees with the article links
    assert len(expected) == 3  # harbour, orchid and the seed storyline


def test_identical_documents_filed_under_two_true_stories_cap_any_text_method():
    from conftest import shared_path
    from storyline.bench.cluster import bcubed, identical_text_ceiling, load_dataset

    items = load_dataset(shared_path("duc2004"))
    gold = {a.id: label for a, label in items}
    articles = [a for a, _ in items]
    clusters_of_text: dict[str, set[str]] = {}
    for article in articles:
        clusters_of_text.setdefault(" ".join(article.text.split()), set()).add(gold[article.id])
    assert any(len(clusters) > 1 for clusters in clusters_of_text.values()), "DUC 2004 files some texts twice"
    precision, recall, f1 = identical_text_ceiling(articles, gold)
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    assert 0.9 < f1 < 1.0 and precision < 1.0 and recall < 1.0


# --- event time, and stories that share actors and places but not their time ---------------------------
CONFUSABLE = Path(__file__).resolve().parent / "data" / "confusable_stories.json"


def _confusable_articles(make_articles, dated: bool):
    import json

    items = json.loads(CONFUSABLE.read_text(encoding="utf-8"))["articles"]
    analyzed = make_articles([(f"{i['outlet']}-{i['event']}", i["text"], i["date"] if dated else None) for i in items])
    return analyzed, {a.id: i["event"] for a, i in zip(analyzed, items)}, {a.id: i["date"] for a, i in zip(analyzed, items)}


@pytest.mark.parametrize("dated", [True, False], ids=["published", "dates-in-text-only"])
def test_event_time_is_the_publication_date_else_the_dates_the_text_writes(make_articles, dated):
    from datetime import date

    from storyline.dates import event_time

    analyzed, _, days = _confusable_articles(make_articles, dated)
    for article in analyzed:
        day, confidence = event_time(article)
        assert day is not None and abs((day - date.fromisoformat(days[article.id])).days) <= 1, article.article.outlet
        assert (confidence == 1.0) if dated else (0.0 < confidence < 1.0)


def test_an_article_without_any_dated_sentence_has_no_event_time(make_articles):
    from storyline.dates import event_time

    [article] = make_articles([("undated", "The council met on Tuesday to discuss the harbour. The mayor said "
                                           "repairs would start next month and last until the spring.")])
    assert event_time(article) == (None, 0.0)


@pytest.mark.parametrize("dated", [True, False], ids=["published", "dates-in-text-only"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_earthquakes_nine_weeks_apart_in_the_same_towns_are_two_stories(make_articles, dated, seed):
    """Same region, towns, officials and agencies; the events lie 65 days apart (the articles say when)."""
    from storyline.cluster import DEFAULT_CLUSTERER

    analyzed, event_of, _ = _confusable_articles(make_articles, dated)
    random.Random(seed).shuffle(analyzed)
    story_of = _link_stories(analyzed, clusterers.create(DEFAULT_CLUSTERER))
    stories = {}
    for article in analyzed:
        stories.setdefault(story_of[article.id], set()).add(event_of[article.id])
    assert sorted(map(sorted, stories.values())) == [["first"], ["second"]]
