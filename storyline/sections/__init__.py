"""The deep-briefing sections: timeline, actors, quotes, facts, contradictions, framing and coverage.

Each section is one registered class in its own module (:mod:`storyline.sections.base` says what a
section is); they all read one :class:`~storyline.sections.base.StoryContext` per briefing. Every item
carries its evidence as :class:`~storyline.models.SentenceRef` (exact source sentences).

A new section is one module imported below (in the place the briefing should show it, after what it
requires), its test and its template ``templates/sections/<name>.html``; render, the templates,
``changes`` and the docs test find it in the registry.
"""

from __future__ import annotations

import logging
import time
from typing import Mapping

from storyline.models import AnalyzedArticle
from storyline.sections.base import SECTIONS, Section, StoryContext, register_section

# Registered in the order the briefing shows them (a section still comes after those it requires).
from storyline.sections.timeline import TimelineEntry, build_timeline
from storyline.sections.actors import Actor, build_actors
from storyline.sections.quotes import Quote, build_quotes
from storyline.sections.facts import Fact, build_facts
from storyline.sections.contradictions import Contradiction, build_contradictions
from storyline.sections.framing import OutletFraming, build_framing
from storyline.sections.coverage import CoverageRow

log = logging.getLogger(__name__)

SECTION_NAMES = tuple(section.name for section in SECTIONS.ordered())

__all__ = [
    "Actor",
    "Contradiction",
    "CoverageRow",
    "Fact",
    "OutletFraming",
    "Quote",
    "SECTIONS",
    "SECTION_NAMES",
    "Section",
    "StoryContext",
    "TimelineEntry",
    "build_actors",
    "build_all",
    "build_contradictions",
    "build_facts",
    "build_framing",
    "build_quotes",
    "build_sections",
    "build_timeline",
    "register_section",
]


def build_all(context: StoryContext) -> dict[str, list]:
    """Every registered section's items, by name, in the order the briefing shows them."""
    sections: dict[str, list] = {}
    timings: dict[str, float] = {}
    for section in SECTIONS.ordered():
        start = time.perf_counter()
        sections[section.name] = context.items(section.name)
        timings[section.name] = time.perf_counter() - start
    log.debug("deep-briefing sections built in %s", {k: round(v, 3) for k, v in timings.items()})
    return sections


def build_sections(articles: list[AnalyzedArticle], source_of: Mapping[str, str] | None = None) -> dict[str, list]:
    """All sections of one story, by name (``source_of``: article id -> independent-source key)."""
    return build_all(StoryContext(articles, source_of))
