"""Assemble a story's briefing: the cited summary, its sources and the deep-briefing sections.

``build_briefing`` is the stage's one public function. Everything it returns keeps provenance as
:class:`~storyline.models.SentenceRef`, resolvable through ``Briefing.articles``.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Mapping

from storyline.models import AnalyzedArticle, Briefing, SourceInfo
from storyline.sections import StoryContext, build_all
from storyline.sections.common import independent_sources  # noqa: F401 (train.salience and bench.speed read it here)
from storyline.summarizers import DEFAULT_SUMMARIZER, summarize

log = logging.getLogger(__name__)

DEFAULT_WORDS = 150


HEADLINE_FALLBACK_WORDS = 16


_TITLE_WORD = re.compile(r"\w{4,}")


def representative_headline(articles: list[AnalyzedArticle]) -> str:
    """The story's title: the headline of its most typical article (the highest mean overlap of its words
    with the others'; ties: the first in the given order, for a stored story by publication time), passing
    over articles without a headline; when none has one, the typical article's lead sentence cut to a
    headline's length.

    Read from the text alone (not the embeddings, which differ in their last digits between analysis
    batches and flipped the choice), so a story has the same title on every executor and after a repair.
    """
    with_text = [a for a in articles if len(a.sentences)]
    if not with_text:
        return next((a.cleaned.headline for a in articles if a.cleaned.headline), "")
    words = [frozenset(_TITLE_WORD.findall(a.cleaned.text.lower())) for a in with_text]
    typicality = [sum(len(mine & other) / (len(mine | other) or 1) for other in words) for mine in words]
    ranked = sorted(range(len(with_text)), key=lambda i: -typicality[i])  # stable: ties keep their order
    for i in ranked:
        if with_text[i].cleaned.headline.strip():
            return with_text[i].cleaned.headline
    words = with_text[ranked[0]].sentences[0].text.split()
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
    ``deep=False`` skips the deep-briefing sections (timeline, actors, ...: storyline.sections).
    """
    context = StoryContext(articles, source_of)  # what the sections share, computed once
    summary = summarize(articles, words, source_of=context.sources, method=method)
    groups = syndication_group_of or {}
    briefing = Briefing(
        headline=representative_headline(articles),
        summary=summary,
        sources=[describe_source(a, groups.get(a.id)) for a in articles],
        articles={a.id: a for a in articles},
    )
    if deep:
        briefing.sections = build_all(context)
    return briefing
