"""The pipeline, written out as one explicit sequence of stages.

    brief_paths:        sources -> ingest -> clean -> analyze -> brief
    ingest_into_store:  sources -> ingest -> clean -> analyze -> dedup -> cluster -> store
    brief_story:        store -> brief (a new briefing version when the story changed)

Each stage is one module with one main function from dataclasses to dataclasses; this module only
calls them in order, times them, and carries the per-input errors along so that one bad input never
stops the batch.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping
from urllib.parse import urlparse

from storyline.analyze import AnalysisCache, Analyzer, analyze_articles, default_analyzer
from storyline.brief import DEFAULT_WORDS, build_briefing, representative_headline
from storyline.summarizers import DEFAULT_SUMMARIZER
from storyline.clean import clean_articles
from storyline.errors import InputError, StorylineError
from storyline.fetch import PUBLIC_ONLY, FetchPolicy, fetch_article, poll_feed
from storyline.ingest import iter_articles, read_inputs
from storyline.models import Article, Briefing
from storyline.render import plural
from storyline.settings import briefing_fingerprint

if TYPE_CHECKING:
    from storyline.cluster import Clusterer
    from storyline.dedup import SyndicationIndex
    from storyline.store import Store

log = logging.getLogger(__name__)


@dataclass
class BriefRun:
    briefing: Briefing
    errors: list[InputError] = field(default_factory=list)  # inputs skipped, one per bad input
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    other_stories: list[tuple[str, int]] = field(default_factory=list)  # (headline, articles) not briefed


class NoArticlesError(StorylineError):
    """Nothing usable was read, so there is nothing to brief; ``errors`` says why for each input."""

    def __init__(self, problem: str, *, errors: list[InputError], **where: str):
        super().__init__(problem, **where)
        self.errors = errors


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def syndicated_copies(analyzed: list) -> dict[str, str]:
    """Article id -> syndication group id, for the articles that have a copy among the others."""
    from storyline.dedup import group_syndicated_copies

    groups = group_syndicated_copies({a.id: a.cleaned.text for a in analyzed})
    sizes = Counter(groups.values())
    return {article_id: group for article_id, group in groups.items() if sizes[group] > 1}


ANALYZE_BATCH = 32  # articles analyzed together (the embedder is faster on batches)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def copy_keys(copies: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """build_briefing's source_of (copies share one independent-source key) and group names."""
    return {
        "source_of": {article_id: f"copies:{group}" for article_id, group in copies.items()},
        "syndication_group_of": {article_id: group[:8] for article_id, group in copies.items()},
    }


def brief_paths(
    paths: Iterable[str | Path],
    *,
    words: int = DEFAULT_WORDS,
    fields: Mapping[str, str] | None = None,
    analyzer: Analyzer | None = None,
    cache: AnalysisCache | None = None,
    deep: bool = True,
    on_analyzed: Callable[[int], None] | None = None,
    whole_pile: bool = False,
    summarizer: str = DEFAULT_SUMMARIZER,
) -> BriefRun:
    """Read every input, then clean, analyze and brief them (:func:`brief_articles`).

    A pile can hold several stories: they are told apart as `storyline ingest` would, the biggest is
    briefed and the others are named in ``BriefRun.other_stories``; ``whole_pile=True`` briefs every
    article as one story. ``on_analyzed(n)`` is called as each batch of n articles is analyzed.
    """
    paths = list(paths)
    timings: dict[str, float] = {}

    # 1. Ingest: every readable article; a bad input becomes one error and the batch goes on.
    with _timed(timings, "ingest"):
        ingested = read_inputs(paths, fields=fields)
    return brief_articles(ingested.articles, ingested.errors, input_name=", ".join(map(str, paths)), words=words,
                          analyzer=analyzer, cache=cache, deep=deep, on_analyzed=on_analyzed,
                          whole_pile=whole_pile, summarizer=summarizer, timings=timings)


def brief_articles(
    articles: list[Article],
    errors: list[InputError] | None = None,
    *,
    input_name: str = "the input",
    words: int = DEFAULT_WORDS,
    analyzer: Analyzer | None = None,
    cache: AnalysisCache | None = None,
    deep: bool = True,
    on_analyzed: Callable[[int], None] | None = None,
    whole_pile: bool = False,
    summarizer: str = DEFAULT_SUMMARIZER,
    timings: dict[str, float] | None = None,
) -> BriefRun:
    """Clean, analyze, group copies, split into stories and brief articles already read: the path of
    ``storyline brief PATH...`` after its inputs are read (the summary benchmark takes it too, so that
    its figures are the product's). ``errors``: the inputs already skipped, carried into the run."""
    errors = list(errors or [])
    timings = {} if timings is None else timings
    analyzed, copies = analyze_pile(articles, errors, input_name=input_name, analyzer=analyzer, cache=cache,
                                    on_analyzed=on_analyzed, timings=timings)

    # 5. Stories: the biggest one is briefed (copies are always in the same story as their original).
    with _timed(timings, "cluster"):
        stories = [analyzed] if whole_pile else split_stories(analyzed, copies)
    others = [(representative_headline(story), len(story)) for story in stories[1:]]

    # 6. Brief: the cited summary, the sources and the deep-briefing sections.
    with _timed(timings, "brief"):
        briefing = build_briefing(stories[0], words=words, deep=deep, method=summarizer, **copy_keys(copies))

    return BriefRun(briefing, errors, timings, others)


def analyze_pile(
    articles: list[Article],
    errors: list[InputError],
    *,
    input_name: str = "the input",
    analyzer: Analyzer | None = None,
    cache: AnalysisCache | None = None,
    on_analyzed: Callable[[int], None] | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[list, dict[str, str]]:
    """Clean, analyze and group the copies of a pile: (analyzed articles, article id -> copy group).

    Inputs skipped (all boilerplate) are added to ``errors``; nothing left is a :class:`NoArticlesError`.
    The summary's training reads its clusters through this too, so it learns from what briefs see."""
    timings = {} if timings is None else timings
    if not articles:
        raise NoArticlesError(
            "no readable article in the input", input=input_name,
            fix="see the errors above" if errors else "give text, HTML, JSONL, CSV or Parquet files",
            errors=errors,
        )

    # 2. Clean: boilerplate removed by named rules, with an audit of every removed span.
    with _timed(timings, "clean"):
        cleaned = clean_articles(articles, lambda _, error: errors.append(error))
    if not cleaned:
        raise NoArticlesError("no article text left after removing boilerplate", input=input_name,
                              fix="see the errors above", errors=errors)

    # 3. Analyze: sentences, entities, embeddings (cached per article when a cache is given).
    with _timed(timings, "analyze"):
        analyzer = analyzer or default_analyzer()
        analyzed = []
        for batch in _batches(cleaned, ANALYZE_BATCH):
            analyzed += analyze_articles(batch, analyzer, cache)
            if on_analyzed:
                on_analyzed(len(batch))

    # 4. Dedup: syndicated copies form one group and count as one independent source.
    with _timed(timings, "dedup"):
        copies = syndicated_copies(analyzed)
    return analyzed, copies


def split_stories(analyzed: list, copies: Mapping[str, str] | None = None) -> list[list]:
    """The articles grouped into stories by the default clusterer, biggest first (ties: first seen).

    ``copies``: article id -> syndication group id (``syndicated_copies``), which is the id of the group's
    first article; a copy joins that article's story."""
    from storyline.cluster import DEFAULT_CLUSTERER, clusterers, final_stories

    story_of = final_stories(clusterers.create(DEFAULT_CLUSTERER), analyzed, copies)
    stories: dict[str, list] = {}
    for article in analyzed:
        stories.setdefault(story_of[article.id], []).append(article)
    return sorted(stories.values(), key=len, reverse=True)  # sorted() is stable: ties keep their order


# --- the store-backed path: ingest -> clean -> analyze -> dedup -> cluster, one article at a time ---



@dataclass
class IngestReport:
    new: int = 0
    already_stored: int = 0
    errors: list[InputError] = field(default_factory=list)
    stories_touched: set[str] = field(default_factory=set)
    stories_merged: int = 0

    def add_error(self, error: InputError, on_error=None) -> None:
        self.errors.append(error)
        if on_error:
            on_error(error)

    def add_stored(self, assignment) -> None:
        self.new += 1
        self.stories_touched.add(assignment.story.id)
        self.stories_touched.difference_update(assignment.merged_away)
        self.stories_merged += len(assignment.merged_away)


def store_clusterer(store: "Store", requested: str | None = None) -> str:
    """The clusterer that makes this store's stories: the one it was first given (recorded in the store),
    else ``requested`` or the default, recorded now. Another clusterer for a store that has stories is one
    clear error before anything is stored: stories made by two methods would not be comparable, and
    ``doctor --repair`` could not rebuild them."""
    from storyline.cluster import DEFAULT_CLUSTERER, clusterers
    from storyline.errors import ConfigError

    recorded = store.setting("clusterer")
    if requested is not None and recorded not in (None, clusterers.check(requested)):
        if store.story_ids():
            raise ConfigError(f"this store's stories are made by the '{recorded}' clusterer, not '{requested}'",
                              input=str(store.path), fix=f"use --clusterer {recorded}, or another store (--db)")
        recorded = None  # no stories yet: the store takes the new choice
    if recorded is None:
        recorded = requested or DEFAULT_CLUSTERER
        store.set_setting("clusterer", recorded)
    return recorded


def open_indexes(
    store: "Store", analyzer_key: str | None = None, clusterer: str | None = None
) -> tuple["SyndicationIndex", "Clusterer"]:
    """The in-memory dedup and story indexes, loaded from what the store already holds.

    ``clusterer``: a name in ``cluster.clusterers``, checked against the store's own (:func:`store_clusterer`;
    default: the store's, else ``cluster.DEFAULT_CLUSTERER``). The link clusterers also get the most recent
    stored articles back (their analyses under ``analyzer_key``).
    """
    from collections import Counter

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


def ingest_into_store(
    items: Iterable["Article | InputError"],
    store: "Store",
    *,
    analyzer: Analyzer | None = None,
    on_error=None,
    on_article=None,
    cache: AnalysisCache | None = None,
    clusterer: str | None = None,
) -> IngestReport:
    """Store new articles with their analysis, syndication group and story.

    Each article is written in one transaction with everything derived from it, so a crash loses at
    most the article being written and never leaves half of one. ``on_error(error)`` is called for each
    bad input as it is met, ``on_article(article)`` for each input article (for progress). ``cache``: where
    analyses are looked up first (the cluster benchmark keeps one so it does not re-embed on every run);
    ``clusterer``: a name in ``cluster.clusterers`` (default: the default clusterer).
    """
    analyzer = analyzer or default_analyzer()
    syndication, clusterer = open_indexes(store, analyzer.key, clusterer)
    report = IngestReport()
    for batch in _batches(items, ANALYZE_BATCH):
        fresh = []
        for item in batch:
            if isinstance(item, InputError):
                report.add_error(item, on_error)
                continue
            if on_article:
                on_article(item)
            if store.has_article(item.id) or any(item.id == a.id for a in fresh):
                report.already_stored += 1
            else:
                fresh.append(item)
        if not fresh:
            continue
        cleaned = clean_articles(fresh, lambda _, error: report.add_error(error, on_error))
        analyzed = analyze_articles(cleaned, analyzer, cache)
        for article in analyzed:
            report.add_stored(store_article(store, article, analyzer.key, syndication, clusterer))
    name_stories(store, report.stories_touched, analyzer.key)
    return report


def name_stories(store: "Store", story_ids: Iterable[str], analyzer_key: str) -> None:
    """Title each story as its briefing will be titled (``representative_headline`` of its stored
    articles), so the title is a function of the stored articles, whatever the executor, the order of
    the merges or a repair; never blank."""
    for story_id in sorted(story_ids):
        articles = [store.get(article_id, analyzer_key) for article_id in store.story_article_ids(story_id)]
        title = representative_headline([a for a in articles if a is not None]) or f"Story {story_id}"
        with store.transaction():
            store.set_story_title(story_id, title)


def store_article(store: "Store", article, analyzer_key: str, syndication: "SyndicationIndex", clusterer: "Clusterer",
                  signature=None):
    """Group, cluster and write one analyzed article, in one transaction with everything derived from it.

    ``signature``: its copy shingles (``dedup.copy_shingles``) when already computed (by a worker of ``ingest_partitions``)."""
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


def ingest_partitions(
    inputs: Iterable[str | Path],
    store: "Store",
    executor,
    *,
    fields: Mapping[str, str] | None = None,
    partition_size: int | None = None,
    on_error=None,
    on_article=None,
    clusterer: str | None = None,
) -> IngestReport:
    """``ingest_into_store`` for files and dumps, with the per-article stages run by ``executor``.

    The inputs are cut into partitions (``executor.plan_partitions``); the executor (local, or Dask)
    reads, cleans, analyzes and signs each one, and yields them in input order; here, in the driver,
    each article then gets its syndication group and story and is written by ``store_article``, exactly
    as ``ingest_into_store`` does, so both give the same groups and stories. Articles already stored are
    skipped by the workers before analysis. ``on_error(error)`` for each bad input or failed partition,
    ``on_article(article_id)`` for each input article (for progress).
    """
    from storyline.executor import PARTITION_SIZE, plan_partitions, prepare_partition

    partitions = plan_partitions(inputs, fields, partition_size or PARTITION_SIZE)
    known = frozenset(store.article_ids_in_order())
    report = IngestReport()
    indexes = None  # opened at the first new article, with the analyzer key the workers used
    for result in executor.map(prepare_partition, partitions, skip=known):
        for item in [result] if isinstance(result, InputError) else result:
            if isinstance(item, InputError):
                report.add_error(item, on_error)
                continue
            if on_article:
                on_article(item.article_id)
            if item.analyzed is None or store.has_article(item.article_id):
                report.already_stored += 1
                continue
            if indexes is None:
                indexes = open_indexes(store, item.analyzer_key, clusterer)
            report.add_stored(store_article(store, item.analyzed, item.analyzer_key, *indexes,
                                            signature=item.signature))
            analyzer_key = item.analyzer_key
    if report.stories_touched:
        name_stories(store, report.stories_touched, analyzer_key)
    return report


def repair_store(store: "Store", analyzer: Analyzer | None = None, on_article=None) -> list[str]:
    """Rebuild what is derived from the stored articles where it is missing or broken; returns what was done.

    The articles themselves (raw and cleaned text) are the record and are never changed. The full-text
    index is rebuilt when it is out of step; derived rows of missing articles are dropped; articles
    without an analysis are analyzed; and when any syndication group or story link is missing or
    dangling, groups and stories are rebuilt from every article in the order it was stored (story ids
    come from their first article, so the stories that were right keep their ids and briefing versions).
    """
    done = []
    if not store.fts_in_step():
        store.rebuild_fts()
        done.append("rebuilt the full-text index")
    problems = store.derived_data_problems()
    if problems["derived rows of missing articles"]:
        with store.transaction():
            for table in ("analyses", "syndication", "story_articles"):
                store.db.execute(f"DELETE FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)")
        dropped = plural(problems["derived rows of missing articles"], "row")
        done.append(f"dropped {dropped} of articles no longer stored")
    analyzer = analyzer or default_analyzer()
    ids = store.article_ids_in_order()
    if problems["articles without an analysis"]:
        missing = [store.cleaned_article(i) for i in store.articles_without_analysis(analyzer.key)]
        analyze_articles(missing, analyzer, store)
        done.append(f"analyzed {plural(len(missing), 'article')}")
    story_problems = sum(n for name, n in problems.items() if name not in (
        "articles without an analysis", "derived rows of missing articles", "stories without a title"))
    if story_problems:
        with store.transaction():
            for table in ("syndication", "story_articles", "stories"):
                store.db.execute(f"DELETE FROM {table}")
        syndication, clusterer = open_indexes(store, analyzer.key)
        for batch in _batches(ids, ANALYZE_BATCH):
            cleaned = [store.cleaned_article(i) for i in batch]
            for article in analyze_articles(cleaned, analyzer, store):  # all cached: nothing is re-embedded
                store_article(store, article, analyzer.key, syndication, clusterer)
                if on_article:
                    on_article(article)
        done.append(f"rebuilt syndication groups and stories from {plural(len(ids), 'article')}")
        name_stories(store, store.story_ids(), analyzer.key)
    elif problems["stories without a title"]:
        untitled = store.untitled_stories()
        name_stories(store, untitled, analyzer.key)
        done.append(f"titled {plural(len(untitled), 'story', 'stories')}")
    return done


_FEED_PATH = re.compile(r"(\.(xml|rss|atom|rdf)$|/(feed|rss|atom)/?$)", re.IGNORECASE)


def is_url(text: str) -> bool:
    return "://" in text


def looks_like_feed(source: str) -> bool:
    """A feed by its address: .xml/.rss/.atom/.rdf, or a path ending in /feed, /rss or /atom."""
    return bool(_FEED_PATH.search(urlparse(source).path if is_url(source) else source))


def iter_sources(
    inputs: Iterable[str], store: "Store", *, fields: Mapping[str, str] | None = None, feeds: bool = False,
    policy: FetchPolicy = PUBLIC_ONLY,
) -> Iterator["Article | InputError"]:
    """Articles from files and dumps, page URLs and RSS/Atom feeds (``feeds=True``: every URL is a feed).

    ``policy`` says which addresses may be fetched (page URLs, feed URLs, the entries of every feed, a
    feed file's included); the default refuses every non-public address. A feed is asked with the ETag /
    Last-Modified the store remembers for it, so an unchanged feed costs one 304; entries whose page is
    already stored are skipped without fetching it.
    """
    for source in inputs:
        if feeds or looks_like_feed(source):
            etag, modified = store.feed_state(source)
            poll = poll_feed(source, etag=etag, modified=modified, seen_urls=store.known_urls(), policy=policy)
            yield from poll.errors
            yield from poll.articles
            if not poll.errors or poll.articles or poll.not_modified:
                store.save_feed_state(source, poll.etag, poll.modified)
        elif is_url(source):
            try:
                yield fetch_article(source, policy=policy)
            except InputError as error:
                yield error
        else:
            yield from iter_articles([source], fields=fields)


def stored_briefing(store: "Store", story_id: str, article_ids: Iterable[str], made_with: str) -> tuple[int, dict] | None:
    """(version, JSON form) of the story's latest saved briefing if it still fits: made from exactly
    these articles, and ``made_with`` the same settings, code and models (:func:`settings.briefing_fingerprint`)."""
    latest = store.latest_briefing(story_id)
    if latest and sorted(latest[1]) == sorted(article_ids) and latest[2].get("made_with") == made_with:
        return latest[0], latest[2]
    return None


def brief_story(store: "Store", story_id: str, *, words: int = DEFAULT_WORDS, analyzer: Analyzer | None = None,
                deep: bool = True, save: bool = True, summarizer: str = DEFAULT_SUMMARIZER) -> Briefing:
    """Brief one stored story; a new briefing version is saved when its articles changed (``save=False``:
    a read-only store, the briefing is made but not kept)."""
    from storyline.render import briefing_to_dict

    story_id = store.resolve_story_id(story_id)
    article_ids = store.story_article_ids(story_id)
    analyzer = analyzer or default_analyzer()
    cleaned = [store.cleaned_article(article_id) for article_id in article_ids]
    analyzed = analyze_articles(cleaned, analyzer, store)  # cached: nothing is analyzed twice
    groups = store.syndication_groups(article_ids)
    briefing = build_briefing(analyzed, words=words, deep=deep, method=summarizer, **copy_keys(groups))
    briefing.story_id = story_id
    briefing.made_with = briefing_fingerprint(words, summarizer, deep, analyzer.key)
    stored = stored_briefing(store, story_id, article_ids, briefing.made_with)
    if stored:
        briefing.version = stored[0]
    elif not save:
        latest = store.latest_briefing(story_id)
        briefing.version = (latest[0] if latest else 0) + 1
    else:
        briefing.version = store.save_briefing(story_id, article_ids, briefing_to_dict(briefing))
    return briefing
