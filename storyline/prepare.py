"""The per-article step: clean -> analyze -> sign, the same for every path an article takes.

A pile briefed at once (``pipeline.brief_paths``), articles ingested into the store by either executor
(``ingest``, whose workers call :func:`prepare` on each partition) and a store rebuilt by
``doctor --repair`` (from its stored cleaned text: :func:`prepare_cleaned`) all go through here, so an
article gets the same cleaned text, analysis and copy shingles whichever way it came.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from storyline.analyze import AnalysisCache, Analyzer, analyze_articles, default_analyzer
from storyline.clean import clean_articles
from storyline.dedup import copy_shingles
from storyline.errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from storyline.models import AnalyzedArticle, Article, CleanedArticle

ANALYZE_BATCH = 32  # articles analyzed together (the embedder is faster on batches)


def batches(items: Iterable, size: int) -> Iterator[list]:
    """The items in lists of ``size`` (the last one shorter), in order."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def timed(timings: dict[str, float] | None, stage: str) -> Iterator[None]:
    """Add the seconds spent in the block to ``timings[stage]`` (nothing when ``timings`` is None)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


@dataclass
class PreparedArticle:
    """One article after the per-article step: its analysis and its copy shingles (``dedup.copy_shingles``).

    ``removed``: the error when cleaning left nothing of it (all boilerplate); ``analyzed`` is None then,
    and when the article was not prepared because it is already stored."""

    article_id: str
    analyzed: "AnalyzedArticle | None" = None
    signature: "np.ndarray | None" = None
    analyzer_key: str = ""
    removed: InputError | None = None


def prepare(
    articles: Iterable["Article"],
    analyzer: Analyzer | None = None,
    cache: AnalysisCache | None = None,
    *,
    timings: dict[str, float] | None = None,
    on_analyzed: Callable[[int], None] | None = None,
) -> list[PreparedArticle]:
    """Clean, analyze and sign articles; one PreparedArticle each, in order.

    The cleaned texts are analyzed ``ANALYZE_BATCH`` at a time (``on_analyzed(n)`` after each batch of n);
    ``analyzer`` defaults to the default analyzer, loaded only when something is left to analyze; ``cache``:
    where analyses are looked up first and kept. ``timings``: seconds per stage (clean, analyze, dedup).
    """
    articles = list(articles)
    removed: dict[int, InputError] = {}  # by position in ``articles`` (one article may come twice)
    position = 0

    def numbered() -> Iterator["Article"]:  # clean_articles reports an article as soon as it takes it
        nonlocal position
        for position, article in enumerate(articles):
            yield article

    with timed(timings, "clean"):
        cleaned = clean_articles(numbered(), lambda _, error: removed.__setitem__(position, error))
    kept = iter(prepare_cleaned(cleaned, analyzer, cache, timings=timings, on_analyzed=on_analyzed))
    return [PreparedArticle(article.id, removed=removed[n]) if n in removed else next(kept)
            for n, article in enumerate(articles)]


def prepare_cleaned(
    cleaned: list["CleanedArticle"],
    analyzer: Analyzer | None = None,
    cache: AnalysisCache | None = None,
    *,
    timings: dict[str, float] | None = None,
    on_analyzed: Callable[[int], None] | None = None,
) -> list[PreparedArticle]:
    """Analyze and sign articles already cleaned (a store keeps their cleaned text), in order."""
    if not cleaned:
        return []
    analyzer = analyzer or default_analyzer()
    prepared = []
    for batch in batches(cleaned, ANALYZE_BATCH):
        with timed(timings, "analyze"):
            analyzed = analyze_articles(batch, analyzer, cache)
        with timed(timings, "dedup"):
            prepared += [PreparedArticle(a.id, a, copy_shingles(a.cleaned.text), analyzer.key) for a in analyzed]
        if on_analyzed:
            on_analyzed(len(batch))
    return prepared
