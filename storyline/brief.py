"""Assemble a story's briefing: the cited summary, its sources and the deep-briefing sections.

``build_briefing`` is the stage's one public function. Everything it returns keeps provenance as
:class:`~storyline.models.SentenceRef`, resolvable through ``Briefing.articles``.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Mapping

import numpy as np

from storyline.models import AnalyzedArticle, Briefing, SourceInfo
from storyline.sections import build_sections
from storyline.summarize import DEFAULT_SUMMARIZER, summarize

log = logging.getLogger(__name__)

DEFAULT_WORDS = 150


def independent_sources(articles: list[AnalyzedArticle], source_of: Mapping[str, str] | None) -> dict[str, str]:
    """Article id -> independent-source key. Without store knowledge of copies, each outlet is one source."""
    source_of = source_of or {}
    return {a.id: source_of.get(a.id) or a.article.outlet for a in articles}


HEADLINE_FALLBACK_WORDS = 16


def representative_headline(articles: list[AnalyzedArticle]) -> str:
    """The headline of the article closest to the story's centre (mean sentence embedding).

    Articles without a headline (plain text dumps) are passed over; when none has one, the central
    article's first sentence stands in, cut to a headline's length.
    """
    with_text = [a for a in articles if len(a.sentences)]
    if not with_text:
        return next((a.cleaned.headline for a in articles if a.cleaned.headline), "")
    matrix = np.vstack([a.embeddings.mean(axis=0) for a in with_text])
    centrality = matrix @ matrix.mean(axis=0) / (np.linalg.norm(matrix, axis=1) + 1e-9)
    ranked = [with_text[i] for i in np.argsort(-centrality, kind="stable")]
    for article in ranked:
        if article.cleaned.headline.strip():
            return article.cleaned.headline
    words = ranked[0].sentences[0].text.split()
    return " ".join(words[:HEADLINE_FALLBACK_WORDS]) + (" …" if len(words) > HEADLINE_FALLBACK_WORDS else "")


def describe_source(analyzed: AnalyzedArticle, group: str | None) -> SourceInfo:
    cleaned = analyzed.cleaned
    removed_by_rule: Counter[str] = Counter()
    for span in cleaned.removed:
        removed_by_rule[span.rule] += len(span.text.split())
    article = cleaned.article
    return SourceInfo(
        article_id=article.id,
        outlet=article.outlet,
        title=cleaned.headline,
        source=article.source,
        url=article.url,
        published=article.published,
        words_kept=len(cleaned.text.split()),
        words_removed=sum(removed_by_rule.values()),
        removed_by_rule=dict(removed_by_rule),
        syndication_group=group,
        outlet_source=article.outlet_source,
        published_source=article.published_source,
    )


def build_briefing(
    articles: list[AnalyzedArticle],
    *,
    words: int = DEFAULT_WORDS,
    source_of: Mapping[str, str] | None = None,
    syndication_group_of: Mapping[str, str] | None = None,
    method: str = DEFAULT_SUMMARIZER,
    deep: bool = True,
) -> Briefing:
    """Brief one story from its analyzed articles.

    ``source_of`` maps article id -> independent-source key (syndicated copies share one), so that
    copies count once; ``syndication_group_of`` names the group of each copy for the source list.
    ``deep=False`` skips the timeline/actors/quotes/facts/contradictions/framing sections.
    """
    sources = independent_sources(articles, source_of)
    summary = summarize(articles, words, source_of=sources, method=method)
    groups = syndication_group_of or {}
    briefing = Briefing(
        headline=representative_headline(articles),
        summary=summary,
        sources=[describe_source(a, groups.get(a.id)) for a in articles],
        articles={a.id: a for a in articles},
    )
    if deep:
        briefing.sections = build_sections(articles, sources)
    return briefing
