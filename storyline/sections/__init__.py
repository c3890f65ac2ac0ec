"""The deep-briefing sections: timeline, actors, quotes, facts, contradictions and framing.

Each section is one function ``build_<name>(articles, source_of) -> list[<dataclass>]``; every item
carries its evidence as :class:`~storyline.models.SentenceRef` (exact source sentences). ``source_of``
maps article id -> independent-source key, so syndicated copies count once.
"""

from __future__ import annotations

import logging
import time
from typing import Mapping

from storyline.models import AnalyzedArticle
from storyline.sections.actors import Actor, alias_index, build_actors
from storyline.sections.contradictions import Contradiction, build_contradictions
from storyline.sections.facts import Fact, build_facts
from storyline.sections.framing import OutletFraming, build_framing
from storyline.sections.quotes import Quote, build_quotes
from storyline.sections.timeline import TimelineEntry, build_timeline

log = logging.getLogger(__name__)

SECTION_NAMES = ("timeline", "actors", "quotes", "facts", "contradictions", "framing")

__all__ = [
    "Actor",
    "Contradiction",
    "Fact",
    "OutletFraming",
    "Quote",
    "TimelineEntry",
    "SECTION_NAMES",
    "build_actors",
    "build_contradictions",
    "build_facts",
    "build_framing",
    "build_quotes",
    "build_sections",
    "build_timeline",
]


def build_sections(articles: list[AnalyzedArticle], source_of: Mapping[str, str] | None = None) -> dict[str, list]:
    """All six sections, by name (the order the briefing shows them)."""
    source_of = source_of or {}
    timings: dict[str, float] = {}

    def timed(name, function, *args, **kwargs):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        timings[name] = time.perf_counter() - start
        return result

    actors = timed("actors", build_actors, articles, source_of)
    facts = timed("facts", build_facts, articles, source_of)
    sections = {
        "timeline": timed("timeline", build_timeline, articles, source_of),
        "actors": actors,
        "quotes": timed("quotes", build_quotes, articles, source_of, aliases=alias_index(actors)),
        "facts": facts,
        "contradictions": timed("contradictions", build_contradictions, articles, source_of),
        "framing": timed("framing", build_framing, articles, source_of, facts=facts),
    }
    log.debug("deep-briefing sections built in %s", {k: round(v, 3) for k, v in timings.items()})
    return sections
