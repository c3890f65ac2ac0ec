"""``storyline doctor --repair``: rebuild what is derived from the stored articles where it is missing
or broken. The articles themselves (raw and cleaned text) are the record and are never changed; every
change goes through ``Store`` methods, and groups and stories are rebuilt by the same per-article step
(``prepare``) and story assignment (``assign``) as an ingest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from storyline.analyze import Analyzer, analyze_articles, default_analyzer
from storyline.assign import name_stories, open_indexes, store_article
from storyline.prepare import ANALYZE_BATCH, batches, prepare_cleaned
from storyline.markdown import plural

if TYPE_CHECKING:
    from storyline.store import Store

# The problems (``Store.derived_data_problems``) that are not about groups and stories.
_NOT_STORY_PROBLEMS = ("articles without an analysis", "derived rows of missing articles", "stories without a title")


def repair_store(store: "Store", analyzer: Analyzer | None = None,
                 on_article: Callable[[str], None] | None = None) -> list[str]:
    """Repair the store; returns what was done, one line each.

    The full-text index is rebuilt when it is out of step; derived rows of missing articles are dropped;
    articles without an analysis are analyzed; and when any syndication group or story link is missing or
    dangling, groups and stories are rebuilt from every article in the order it was stored (story ids
    come from their first article, so the stories that were right keep their ids and briefing versions).
    ``on_article(article_id)`` for each article as it is re-assigned (for progress).
    """
    done = []
    if not store.fts_in_step():
        store.rebuild_fts()
        done.append("rebuilt the full-text index")
    problems = store.derived_data_problems()
    if problems["derived rows of missing articles"]:
        store.drop_rows_of_missing_articles()
        dropped = plural(problems["derived rows of missing articles"], "row")
        done.append(f"dropped {dropped} of articles no longer stored")
    analyzer = analyzer or default_analyzer()
    ids = store.article_ids_in_order()
    if problems["articles without an analysis"]:
        missing = [store.cleaned_article(i) for i in store.articles_without_analysis(analyzer.key)]
        analyze_articles(missing, analyzer, store)  # kept in the store (its analysis cache)
        done.append(f"analyzed {plural(len(missing), 'article')}")
    if sum(n for name, n in problems.items() if name not in _NOT_STORY_PROBLEMS):
        store.clear_groups_and_stories()
        syndication, clusterer = open_indexes(store, analyzer.key)
        for batch in batches(ids, ANALYZE_BATCH):
            cleaned = [store.cleaned_article(i) for i in batch]
            for prepared in prepare_cleaned(cleaned, analyzer, store):  # all cached: nothing is re-embedded
                store_article(store, prepared.analyzed, analyzer.key, syndication, clusterer, prepared.signature)
                if on_article:
                    on_article(prepared.article_id)
        done.append(f"rebuilt syndication groups and stories from {plural(len(ids), 'article')}")
        name_stories(store, store.story_ids(), analyzer.key)
    elif problems["stories without a title"]:
        untitled = store.untitled_stories()
        name_stories(store, untitled, analyzer.key)
        done.append(f"titled {plural(len(untitled), 'story', 'stories')}")
    return done
