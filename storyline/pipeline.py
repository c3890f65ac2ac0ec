"""The pipeline, written out as one explicit sequence of stages.

    sources -> ingest -> clean -> analyze -> brief -> (render)

Each stage is one module with one main function from dataclasses to dataclasses; this module only
calls them in order, times them, and carries the per-input errors along so that one bad input never
stops the batch. (The store-backed path, with syndication groups and stories, lives in ``store``.)
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from storyline.analyze import AnalysisCache, Analyzer, analyze_articles, default_analyzer
from storyline.brief import DEFAULT_WORDS, build_briefing
from storyline.clean import clean_article
from storyline.errors import InputError, StorylineError
from storyline.ingest import read_inputs
from storyline.models import Briefing

log = logging.getLogger(__name__)


@dataclass
class BriefRun:
    briefing: Briefing
    errors: list[InputError] = field(default_factory=list)  # inputs skipped, one per bad input
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds


class NoArticlesError(StorylineError):
    """Nothing usable was read, so there is nothing to brief."""


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def brief_paths(
    paths: Iterable[str | Path],
    *,
    words: int = DEFAULT_WORDS,
    fields: Mapping[str, str] | None = None,
    analyzer: Analyzer | None = None,
    cache: AnalysisCache | None = None,
    deep: bool = True,
) -> BriefRun:
    """Read every input, then clean, analyze and brief them as one story."""
    timings: dict[str, float] = {}
    paths = list(paths)

    # 1. Ingest: every readable article; a bad input becomes one error and the batch goes on.
    with _timed(timings, "ingest"):
        ingested = read_inputs(paths, fields=fields)
    if not ingested.articles:
        raise NoArticlesError(
            "no readable article in the input", input=", ".join(map(str, paths)), fix="see the errors above"
        )

    # 2. Clean: boilerplate removed by named rules, with an audit of every removed span.
    with _timed(timings, "clean"):
        cleaned = [clean_article(article) for article in ingested.articles]

    # 3. Analyze: sentences, entities, embeddings (cached per article when a cache is given).
    with _timed(timings, "analyze"):
        analyzed = analyze_articles(cleaned, analyzer or default_analyzer(), cache)

    # 4. Brief: the cited summary, the sources and the deep-briefing sections.
    with _timed(timings, "brief"):
        briefing = build_briefing(analyzed, words=words, deep=deep)

    return BriefRun(briefing, ingested.errors, timings)
