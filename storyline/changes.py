"""What changed in a story since a briefing version: new sources, new facts, new events, new conflicts.

Works on the briefing JSON (``render.briefing_to_dict``), which the store keeps for every version, so
an old version can be compared with the current one without re-running anything. Items are compared
by the source sentences they cite: an item is new when none of its cited sentences was cited for
that section before.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storyline.errors import ConfigError
from storyline.sections import SECTIONS, Section


def compared_sections() -> list[Section]:
    """The sections compared item by item (the summary is compared by sentence), in their changes order."""
    compared = [s for s in SECTIONS.ordered() if s.changes_position is not None]
    return sorted(compared, key=lambda s: s.changes_position)


def change_text(name: str, item: dict) -> str:
    """How a new item of a section is named in "what changed" (Markdown and the web page)."""
    return SECTIONS.create(name).change_text(item)


def parse_user_date(text: str) -> datetime:
    """A date or time a user typed (--since, --until, the web filters); not one found in article text
    (that is ``dates.parse_date``)."""
    from dateutil import parser as date_parser

    try:
        return date_parser.parse(text)
    except (ValueError, OverflowError):
        raise ConfigError(f"'{text}' is not a date", fix="give e.g. 2025-03-04 or 2025-03-04T12:00") from None


def parse_since(text: str) -> tuple[int | None, datetime | None]:
    """--since takes a briefing version number ("3", "v3") or a date."""
    stripped = text.strip().lower().removeprefix("v")
    if stripped.isdigit():
        return int(stripped), None
    return None, parse_user_date(text)


def _cited_sentences(value: Any) -> set[tuple[str, int]]:
    """Every (article id, sentence index) cited anywhere inside an item."""
    found: set[tuple[str, int]] = set()
    if isinstance(value, dict):
        if "article_id" in value and "sentence_index" in value and "n" in value:
            found.add((value["article_id"], value["sentence_index"]))
        for inner in value.values():
            found |= _cited_sentences(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _cited_sentences(inner)
    return found


def changes_since(old: dict, new: dict) -> dict:
    """The parts of ``new`` that ``old`` did not have, keeping ``new``'s citation numbers."""
    old_sources = {s["article_id"] for s in old.get("sources", [])}
    old_summary = {s["text"] for s in old["summary"]["sentences"]}
    sections = {}
    for name in (s.name for s in compared_sections()):
        before = _cited_sentences(old.get("sections", {}).get(name, []))
        sections[name] = [
            item for item in new.get("sections", {}).get(name, []) if not (_cited_sentences(item) & before)
        ]
    changes = {
        "story_id": new.get("story_id"),
        "headline": new.get("headline"),
        "from_version": old.get("version"),
        "to_version": new.get("version"),
        "new_sources": [s for s in new.get("sources", []) if s["article_id"] not in old_sources],
        "new_summary_sentences": [s for s in new["summary"]["sentences"] if s["text"] not in old_summary],
        "sections": sections,
    }
    used = {n for s in changes["new_summary_sentences"] for n in s["citations"]}
    for name in sections:
        used |= {ref["n"] for ref in _refs(sections[name])}
    changes["citations"] = [c for c in new.get("citations", []) if c["n"] in used]
    return changes


def _refs(value: Any) -> list[dict]:
    if isinstance(value, dict):
        own = [value] if {"n", "article_id", "sentence_index"} <= value.keys() else []
        return own + [r for inner in value.values() for r in _refs(inner)]
    if isinstance(value, list):
        return [r for inner in value for r in _refs(inner)]
    return []


def render_changes(changes: dict, fmt: str = "md") -> str:
    if fmt == "json":
        return json.dumps(changes, indent=2, ensure_ascii=False) + "\n"
    from storyline.markdown import cite_md, md_escape

    lines = [f"# What changed: {md_escape(changes['headline'] or '')}", ""]
    lines.append(f"*Briefing version {changes['from_version']} -> {changes['to_version']}.*")
    lines += ["", "## New sources", ""]
    lines += [f"- {md_escape(s['outlet'])}: {md_escape(s['title'])}" for s in changes["new_sources"]] or ["- none"]
    lines += ["", "## New in the summary", ""]
    lines += [f"- {md_escape(s['text'])} {cite_md(s['citations'])}" for s in changes["new_summary_sentences"]] or ["- nothing"]
    for name, items in changes["sections"].items():
        if items:
            lines += ["", f"## New {name}", ""]
            for item in items:
                lines.append(f"- {md_escape(change_text(name, item))} {cite_md(sorted({r['n'] for r in _refs(item)}))}")
    lines += ["", "## Citations", ""]
    lines += [f"[{c['n']}] {md_escape(c['outlet'])}, \"{md_escape(c['title'])}\": \"{md_escape(c['text'])}\""
              for c in changes["citations"]]
    return "\n".join(lines) + "\n"
