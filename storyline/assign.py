"""Story assignment: each new article gets its syndication group and its story, and is written to the
store with them, in one transaction.

This is the part of ingest that must see every article in one order (the store's), so it runs in the
driver whatever the executor: :func:`open_indexes` loads the dedup and story indexes from the store,
:func:`store_article` groups, clusters and writes one prepared article, and :func:`name_stories` titles
the stories touched. ``doctor --repair`` rebuilds the groups and stories with the same three.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from storyline.brief import representative_headline
from storyline.settings import store_choice

if TYPE_CHECKING:
    import numpy as np

    from storyline.cluster import Assignment, Clusterer
    from storyline.dedup import SyndicationIndex
    from storyline.models import AnalyzedArticle
    from storyline.store import IngestStore


def store_clusterer(store: "IngestStore", requested: str | None = None) -> str:
    """The clusterer that makes this store's stories: the one it was first given (``settings.store_choice``)."""
    from storyline.cluster import DEFAULT_CLUSTERER, clusterers

    return store_choice(store, "clusterer", requested, DEFAULT_CLUSTERER, clusterers, in_use=bool(store.story_ids()),
                        contents="stories")


def open_indexes(
    store: "IngestStore", analyzer_key: str | None = None, clusterer: str | None = None
) -> tuple["SyndicationIndex", "Clusterer"]:
    """The in-memory dedup and story indexes, loaded from what the store already holds.

    ``clusterer``: a name in ``cluster.clusterers``, checked against the store's own (:func:`store_clusterer`;
    default: the store's, else ``cluster.DEFAULT_CLUSTERER``). The link clusterers also get the most recent
    stored articles back (their analyses under ``analyzer_key``).
    """
    from storyline.cluster import LINK_CLUSTERERS, WINDOW, Story, clusterers
    from storyline.dedup import SyndicationIndex

    syndication = SyndicationIndex()
    for article_id, group_id, signature in store.syndication_signatures():
        syndication.add_known(article_id, group_id, signature)
    stories = [
        Story(story_id, title, vector.copy(), size, Counter(entities),
              datetime.fromisoformat(last) if last else None, Counter(terms))
        for story_id, title, vector, size, entities, terms, last in store.load_stories()
    ]
    name = store_clusterer(store, clusterer)
    if name not in LINK_CLUSTERERS:
        return syndication, clusterers.create(name, stories=stories)
    recent = []
    for article_id, story_id in store.recent_story_articles(WINDOW) if analyzer_key else []:
        analyzed = store.get(article_id, analyzer_key)
        if analyzed is not None:  # analyzed with another analyzer: not comparable, left out
            recent.append((analyzed, story_id))
    return syndication, clusterers.create(name, stories=stories, recent=recent)


def store_article(store: "IngestStore", article: "AnalyzedArticle", analyzer_key: str, syndication: "SyndicationIndex",
                  clusterer: "Clusterer", signature: "np.ndarray | None" = None) -> "Assignment":
    """Group, cluster and write one analyzed article, in one transaction with everything derived from it.

    ``signature``: its copy shingles (``dedup.copy_shingles``) when already computed (``prepare``)."""
    group_id, signature = syndication.assign(article.id, article.cleaned.text, signature)
    # A copy of a stored article belongs to that article's story, however long ago it arrived (the
    # clusterer only compares recent articles).
    original_story = store.story_of(group_id) if group_id != article.id else None
    assignment = clusterer.assign(article, original_story)
    with store.transaction():
        store.put_article(article.cleaned)
        store.put(article, analyzer_key)
        store.put_syndication(article.id, group_id, signature)
        for absorbed in assignment.merged_away:
            store.merge_stories(assignment.story.id, absorbed)
        store.put_story(assignment.story)
        store.add_to_story(article.id, assignment.story.id)
    return assignment


def name_stories(store: "IngestStore", story_ids: Iterable[str], analyzer_key: str) -> None:
    """Title each story as its briefing will be titled (``representative_headline`` of its stored
    articles), so the title is a function of the stored articles, whatever the executor, the order of
    the merges or a repair; never blank."""
    for story_id in sorted(story_ids):
        articles = [store.get(article_id, analyzer_key) for article_id in store.story_article_ids(story_id)]
        title = representative_headline([a for a in articles if a is not None]) or f"Story {story_id}"
        with store.transaction():
            store.set_story_title(story_id, title)
