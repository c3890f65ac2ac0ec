"""Timeline: dated events, each dated by :mod:`storyline.dates` against its article's publication date.

Without a publication date, month-day and month dates keep an unknown year. Their order is inferred:
within one article the dates are placed so that they span the shortest time (Dec. 20, Dec. 28 and
Jan. 23 span 34 days only when January comes after December), and articles are aligned where they name
the same dates. The year is shown as unknown.

Entries about the same date and event (similar sentences) from several outlets are merged into one.

One entry per event sentence: a sentence is dated by the first date it gives for its event, never by a
date it names in passing (:func:`storyline.dates.incidental_date`: "the worst since 1980", "the 2016
election") nor by one inside a clause that modifies something else or timing a future the sentence denies
or only believes in (:func:`storyline.dates.dates_another_event`, read off spaCy's dependency parse of the
dated sentences: "sanctions imposed in 1992 ban ...", "officials do not believe it will start on Nov. 3"), and a line that is not a sentence (a headline, caption or link line:
:func:`storyline.standalone.context_need`) is never an event; a sentence that leans on the one before it
("He said ...", "Instead, ...") is one only when that sentence is an event too
(:func:`storyline.standalone.may_show`).

The rules' candidates then pass a learned veto (:func:`event_dates`): a LightGBM model over the parse of
each candidate (``storyline train timeline``, trained on hand labels of Multi-News train pages only,
``storyline/data/timeline.card.md``) drops the ones it is fairly sure report no event on that date; its
threshold keeps 90% of the real events it was cross-validated on. ``timeline_entries(articles, RULES)``
is the hand-set method alone, which ``storyline bench deep`` reports beside it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.analyze import default_parser
from storyline.dates import (
    DAY,
    EVENT_DATE_FEATURES,
    UNPLACED,
    DateMention,
    EventDate,
    date_label,
    dates_another_event,
    event_date_features,
    find_dates,
)
from storyline.models import AnalyzedArticle, SentenceRef
from storyline.markdown import md_escape, plural, refs_md
from storyline.sections.base import Section, StoryContext, register_section
from storyline.sections.common import content_words, outlet_of, overlap
from storyline.standalone import context_need, may_show

log = logging.getLogger(__name__)

# Who judges a dated candidate: the learned model over the rules' candidates (the default), or the rules alone.
LEARNED, RULES = "learned", "rules"
TIMELINE_MODEL = "timeline"
TIMELINE_FORMAT = 1


@dataclass
class TimelineEntry:
    date: EventDate
    event: str  # the event sentence, exactly as in the first citation
    citations: list[SentenceRef]  # first: the sentence shown
    outlets: list[str]


YEAR_CROSSING_FACTOR = 2.0


def _infer_offsets(mentions: list[DateMention]) -> None:
    """Year-unknown dates of one article: place them to span the shortest time (sets year_offset)."""
    undated = [m for m in mentions if m.date.year is None and m.date.month is not None]
    points = sorted({_day_of_year(m.date) for m in undated})
    if len(points) < 2:
        return
    gaps = [(points[(i + 1) % len(points)] - points[i]) % 365 for i in range(len(points))]
    widest = max(range(len(points)), key=lambda i: gaps[i])
    # Crossing New Year is inferred only when it is clearly shorter: the widest gap (skipped by the
    # shortest arrangement) must be at least twice the gap across New Year in calendar order. Otherwise
    # calendar order within one year is kept (Feb. 1 ... Oct. 15 in one article is more likely one year
    # than Oct. 15 -> Feb. 1 of the next, 135 vs 257 days, with no clear winner).
    if gaps[widest] < YEAR_CROSSING_FACTOR * gaps[-1]:
        return
    start = points[(widest + 1) % len(points)]
    for m in undated:
        m.date.year_offset = 1 if _day_of_year(m.date) < start else 0


def _day_of_year(d: EventDate) -> int:
    return (d.month - 1) * 30 + (d.day or {"early": 5, "late": 25}.get(d.qualifier or "", 15))


def _align_articles(per_article: list[list[DateMention]]) -> None:
    """Shift each article's inferred year offsets so that the same month-day lines up across articles."""
    placed: set[tuple[int, int | None, int]] = set()
    order = sorted(range(len(per_article)), key=lambda i: -sum(m.date.year is None for m in per_article[i]))
    for i in order:
        undated = [m for m in per_article[i] if m.date.year is None and m.date.day is not None]
        if placed and undated:
            shift = max(
                (0, -1, 1),
                key=lambda s: sum((m.date.month, m.date.day, m.date.year_offset + s) in placed for m in undated),
            )
            for m in per_article[i]:
                if m.date.year is None:
                    m.date.year_offset += shift
        placed |= {(m.date.month, m.date.day, m.date.year_offset) for m in undated}
    low = min((m.date.year_offset for ms in per_article for m in ms if m.date.year is None), default=0)
    for ms in per_article:
        for m in ms:
            if m.date.year is None:
                m.date.year_offset -= low


def _borrow_years(articles: list[AnalyzedArticle], per_article: list[list[DateMention]]) -> None:
    """An undated article that reports an event another article dates with a year takes that year.

    The year stays marked as inferred (``year_known`` False, the basis names the other outlet): it is
    evidence from the story, not a fact the article states.
    """
    dated = [
        m for ms in per_article for m in ms if m.date.year is not None and m.date.day is not None and m.date.year_known
    ]
    for mentions in per_article:
        undated = [m for m in mentions if m.date.year is None and m.date.day is not None]
        for m in undated:
            match = next(
                (
                    d
                    for d in dated
                    if (d.date.month, d.date.day) == (m.date.month, m.date.day) and _same_event(articles, [d], m)
                ),
                None,
            )
            if match is None:
                continue
            base = match.date.year - m.date.year_offset
            outlet = outlet_of(articles[match.article])
            for other in mentions:
                if other.date.year is None and other.date.month is not None:
                    other.date.year = base + other.date.year_offset
                    other.date.basis = f"inferred: the same event is dated in {outlet}"
                    other.date.label = date_label(other.date)
            break


def _same_date(a: EventDate, b: EventDate) -> bool:
    return (a.precision, a.year, a.month, a.day, a.qualifier, a.year_offset if a.year is None else 0) == (
        b.precision,
        b.year,
        b.month,
        b.day,
        b.qualifier,
        b.year_offset if b.year is None else 0,
    )


# Two sentences about one date are the same event when their embeddings agree this much or they share
# this share of content words. Tuned by reading the seeds and examples/ timelines: 0.5 merged the Moscow
# meeting and the Jan. 23 talks across outlets without merging different events on the same day.
SAME_EVENT_SIMILARITY = 0.5
SAME_EVENT_OVERLAP = 0.4
# An undated weekday ("met in Moscow Tuesday") joins a dated event only when clearly the same event.
# Read off the seeds: the Moscow meeting pair scores 0.59 / 0.24; the closest wrong pairs 0.54 / 0.14
# and 0.50 / 0.23.
UNPLACED_SIMILARITY = 0.55
UNPLACED_OVERLAP = 0.2


@register_section
class Timeline(Section):
    """Dated events of a story in date order, merged across outlets, each citing its sentences."""

    name, title = "timeline", "Timeline"
    item = TimelineEntry
    changes_position = 0

    def build(self, context: StoryContext) -> list[TimelineEntry]:
        return timeline_entries(context.articles)

    def markdown(self, items: list[dict[str, Any]]) -> list[str]:
        lines = []
        for e in items:
            outlets = f" ({plural(len(e['outlets']), 'outlet')})" if len(e["outlets"]) > 1 else ""
            lines.append(f"- **{md_escape(e['date']['label'])}**: {md_escape(e['event'])} {refs_md(e['citations'])}{outlets}")
        if any(not e["date"]["year_known"] for e in items):
            lines += [
                "",
                "*Years marked unknown or inferred: those articles carry no publication date; "
                "their order is inferred from the dates they give.*",
            ]
        return lines

    def change_text(self, item: dict[str, Any]) -> str:
        return item["event"]


build_timeline = Timeline.build_alone


def timeline_entries(articles: list[AnalyzedArticle], judge: str = LEARNED) -> list[TimelineEntry]:
    """The timeline of these articles, its candidates judged by ``judge`` (:data:`LEARNED` or :data:`RULES`)."""
    per_article = []
    for position, article in enumerate(articles):
        mentions = event_dates(article, judge)
        for m in mentions:
            m.article = position
        _infer_offsets(mentions)
        per_article.append(mentions)
    _align_articles(per_article)
    _borrow_years(articles, per_article)

    known_years = [m.date.year for ms in per_article for m in ms if m.date.year is not None]
    base_year = max(set(known_years), key=known_years.count) if known_years else 2000  # only to sort
    placed = [m for ms in per_article for m in ms if m.date.basis != UNPLACED]
    mentions = sorted(placed, key=lambda m: (m.date.order_key(base_year), m.article, m.sentence))

    groups: list[list[DateMention]] = []
    for m in mentions:
        for group in groups:
            if _same_date(group[0].date, m.date) and _same_event(articles, group, m):
                group.append(m)
                break
        else:
            groups.append([m])
    for m in (m for ms in per_article for m in ms if m.date.basis == UNPLACED):
        best = max(
            ((_closeness(articles, group, m), group) for group in groups if group[0].date.precision == DAY),
            key=lambda pair: pair[0][0],
            default=None,
        )
        if best and best[0][0] >= UNPLACED_SIMILARITY and best[0][1] >= UNPLACED_OVERLAP:
            best[1].append(m)

    entries = []
    for group in groups:
        first = group[0]
        refs, outlets, seen = [], [], set()
        for m in group:
            if (m.article, m.sentence) in seen:
                continue
            seen.add((m.article, m.sentence))
            refs.append(articles[m.article].ref(m.sentence))
            outlet = outlet_of(articles[m.article])
            if outlet not in outlets:
                outlets.append(outlet)
        text = articles[first.article].sentences[first.sentence].text
        entries.append(TimelineEntry(first.date, text, refs, outlets))
    return entries


def event_candidates(article: AnalyzedArticle) -> list[tuple[DateMention, list[float]]]:
    """Each event sentence the rules find in an article, with the date they give it (the first date for
    its event, not one named in passing) and its :data:`storyline.dates.EVENT_DATE_FEATURES`."""
    dated: dict[int, list[DateMention]] = {}
    for m in find_dates(article):
        if not m.incidental:
            dated.setdefault(m.sentence, []).append(m)
    # The parse tells what the surface rules cannot: a date in a clause that modifies something else, or
    # of a doubted future.
    indices = list(dated)
    docs = dict(zip(indices, default_parser().parse([article.sentences[i].text for i in indices]))) if indices else {}
    counts = {index: len(mentions) for index, mentions in dated.items()}
    for index in indices:
        dated[index] = [m for m in dated[index] if not dates_another_event(docs[index], *m.span)]
        if not dated[index]:
            del dated[index]
    needs = {index: context_need(article.sentences[index].text) for index in dated}
    standalone = {index for index, need in needs.items() if need is None}
    by_sentence = {index: mentions for index, mentions in dated.items() if may_show(needs[index], index, standalone)}
    # The model learned from lower-cased pages (Multi-News): its features come from the parse of the
    # lower-cased sentence, so cased news reads as it was trained (a cased "March 2" parses otherwise).
    lowered = {index: article.sentences[index].text.lower() for index in by_sentence}
    lowered = {index: text for index, text in lowered.items() if len(text) == len(article.sentences[index].text)}
    lowered_docs = dict(zip(lowered, default_parser().parse(list(lowered.values())))) if lowered else {}
    chosen = []
    for index, mentions in by_sentence.items():
        text = article.sentences[index].text
        # "The minister said on Monday that the contract will be signed on Friday": Monday is when it was
        # said; the event is the signing.
        events = [m for m in mentions if not _REPORTED_ON.search(text[: max(text.find(m.date.text), 0)])]
        m = (events or mentions)[0]
        features_doc = lowered_docs.get(index, docs[index])
        chosen.append((m, event_date_features(features_doc, features_doc.text, m, counts[index])))
    return chosen


def event_dates(article: AnalyzedArticle, judge: str = LEARNED) -> list[DateMention]:
    """The date of each event sentence of an article: the rules' candidates (:func:`event_candidates`),
    kept when the learned model (``storyline train timeline``) says the sentence reports an event on that
    date; ``judge=RULES`` keeps them all. A weekday with no date to place it is kept for the rules that
    borrow a date from other articles."""
    candidates = event_candidates(article)
    if judge == RULES or not candidates:
        return [m for m, _ in candidates]
    model = timeline_model()
    probabilities = model.predict(np.array([features for _, features in candidates]))
    threshold = model.card.settings["threshold"]
    return [m for (m, _), p in zip(candidates, probabilities) if p >= threshold or m.date.basis == UNPLACED]


def timeline_model():
    from storyline.learned import load_model

    return load_model(TIMELINE_MODEL, features=EVENT_DATE_FEATURES, format_version=TIMELINE_FORMAT)


# A date right after a reporting verb is the time of the report ("said on Monday", "told reporters Friday").
_REPORTED_ON = re.compile(r"\b(?:said|says|told\s+\w+|announced|added|stated)\s+(?:on\s+|late\s+|early\s+)?$")


def _closeness(articles: list[AnalyzedArticle], group: list[DateMention], m: DateMention) -> tuple[float, float]:
    """Best (embedding similarity, content-word overlap) of a mention's sentence to another article's in the group."""
    a = articles[m.article]
    pairs = [
        (
            float(a.embeddings[m.sentence] @ articles[o.article].embeddings[o.sentence]),
            overlap(
                content_words(a.sentences[m.sentence].text),
                content_words(articles[o.article].sentences[o.sentence].text),
            ),
        )
        for o in group
        if o.article != m.article
    ]
    return max(pairs, default=(0.0, 0.0))


def _same_event(articles: list[AnalyzedArticle], group: list[DateMention], m: DateMention) -> bool:
    a = articles[m.article]
    for other in group:
        if other.article == m.article and other.sentence == m.sentence:
            return True
        b = articles[other.article]
        similarity = float(a.embeddings[m.sentence] @ b.embeddings[other.sentence])
        words = overlap(content_words(a.sentences[m.sentence].text), content_words(b.sentences[other.sentence].text))
        if similarity >= SAME_EVENT_SIMILARITY or words >= SAME_EVENT_OVERLAP:
            return True
    return False
