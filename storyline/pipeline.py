"""The pipeline, written out as one explicit sequence of stages.

    brief_paths:        sources -> prepare (clean, analyze, sign) -> dedup -> cluster -> brief
    ingest (ingest.py): sources -> prepare (on an executor) -> dedup -> cluster -> store
    brief_story:        store -> brief (a new briefing version when the story changed)

Each stage is one module with one main function from dataclasses to dataclasses; this module only
calls them in order, times them, and carries the per-input errors along so that one bad input never
stops the batch.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from storyline.analyze import AnalysisCache, Analyzer, analyze_articles, default_analyzer
from storyline.brief import DEFAULT_WORDS, build_briefing, representative_headline
from storyline.summarizers import DEFAULT_SUMMARIZER
from storyline.dedup import group_syndicated_copies
from storyline.errors import InputError, StorylineError
from storyline.models import Article, Briefing
from storyline.prepare import PreparedArticle, prepare, timed
from storyline.settings import briefing_fingerprint
from storyline.sources.route import read_inputs

if TYPE_CHECKING:
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


def syndicated_copies(prepared: list[PreparedArticle]) -> dict[str, str]:
    """Article id -> syndication group id, for the prepared articles that have a copy among the others."""
    groups = group_syndicated_copies({p.article_id: p.analyzed.cleaned.text for p in prepared},
                                     {p.article_id: p.signature for p in prepared})
    sizes = Counter(groups.values())
    return {article_id: group for article_id, group in groups.items() if sizes[group] > 1}


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
    with timed(timings, "ingest"):
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
    with timed(timings, "cluster"):
        stories = [analyzed] if whole_pile else split_stories(analyzed, copies)
    others = [(representative_headline(story), len(story)) for story in stories[1:]]

    # 6. Brief: the cited summary, the sources and the deep-briefing sections.
    with timed(timings, "brief"):
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

    # 2-3. Prepare: boilerplate removed by named rules (with an audit of every removed span); sentences,
    # entities, embeddings (cached per article when a cache is given); the copy shingles.
    prepared = prepare(articles, analyzer, cache, timings=timings, on_analyzed=on_analyzed)
    errors += [p.removed for p in prepared if p.removed]
    prepared = [p for p in prepared if p.analyzed is not None]
    if not prepared:
        raise NoArticlesError("no article text left after removing boilerplate", input=input_name,
                              fix="see the errors above", errors=errors)

    # 4. Dedup: syndicated copies form one group and count as one independent source.
    with timed(timings, "dedup"):
        copies = syndicated_copies(prepared)
    return [p.analyzed for p in prepared], copies


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
