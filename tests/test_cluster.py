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
    from storyline.ingest import read_inputs

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
