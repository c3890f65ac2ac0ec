"""Extractive multi-document summaries in which every sentence cites its source sentences.

Each method is one module with a class behind the :class:`Summarizer` Protocol, registered here by
name (the way sumy keeps one module per summarizer):

* ``learned`` (the default, :mod:`.learned`): concept coverage with every gain scaled by a learned
  sentence salience;
* ``storyline`` (:mod:`.coverage`): the hand-set greedy concept coverage it builds on;
* ``lead``, ``round-robin-lead``, ``lexrank``, ``textrank`` (:mod:`.baselines`): what they are measured against.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Protocol

from storyline.models import AnalyzedArticle, Summary
from storyline.registry import Registry
from storyline.summarizers.baselines import (LeadSummarizer, LexRankSummarizer, RoundRobinLeadSummarizer,
                                             TextRankSummarizer)
from storyline.summarizers.coverage import ConceptCoverageSummarizer
from storyline.summarizers.learned import LearnedSalienceSummarizer


class Summarizer(Protocol):
    name: str

    def summarize(
        self, articles: list[AnalyzedArticle], word_budget: int, source_of: Mapping[str, str]
    ) -> Summary: ...


summarizers: Registry[Summarizer] = Registry("summarizer")
DEFAULT_SUMMARIZER = "learned"  # beats "storyline" on both dev sets (issue 18 closing note)

for _method in (LearnedSalienceSummarizer, ConceptCoverageSummarizer, LeadSummarizer, RoundRobinLeadSummarizer,
                LexRankSummarizer, TextRankSummarizer):
    summarizers.register(_method.name)(_method)


def length_for_input(total_input_words: int) -> int:
    """Summary length for a story of this many input words: half of it, kept within 100-300 words.

    A short story (a few hundred words from two or three articles) keeps about half its length; a long
    one is capped at 300 words. The same budget is given to every system. The ratio is a corpus-level
    choice (Multi-News summaries are known to run about half their inputs), never a cluster's reference.
    """
    return int(min(300, max(100, round(0.5 * total_input_words))))


def summarize(
    articles: list[AnalyzedArticle],
    word_budget: int = 150,
    *,
    source_of: Mapping[str, str] | None = None,
    method: str = DEFAULT_SUMMARIZER,
) -> Summary:
    """Summarize a story in at most ``word_budget`` words; every sentence cites its source."""
    sources = {a.id: a.article.outlet for a in articles}
    sources.update(source_of or {})
    return replace(summarizers.create(method).summarize(articles, word_budget, sources), method=method)
