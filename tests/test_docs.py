"""The documentation must not drift from the code: every briefing field and command is documented."""

from __future__ import annotations

import dataclasses
import re

from conftest import REPO
from storyline.cli import COMMANDS
from storyline import dates
from storyline.sections import actors, contradictions, facts, framing, quotes, timeline

SCHEMA_DOC = (REPO / "docs" / "briefing-schema.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")

SECTION_ITEMS = {
    "timeline": [timeline.TimelineEntry, dates.EventDate],
    "actors": [actors.Actor],
    "quotes": [quotes.Quote],
    "facts": [facts.Fact],
    "contradictions": [contradictions.Contradiction, contradictions.ClaimSide],
    "framing": [framing.OutletFraming, framing.LoadedWord, framing.OmittedFact],
}


def test_every_section_field_is_documented():
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| (.+) \|$", SCHEMA_DOC, re.MULTILINE)}
    for section, classes in SECTION_ITEMS.items():
        assert section in rows, f"section {section} is not in docs/briefing-schema.md"
        for cls in classes:
            for field in dataclasses.fields(cls):
                assert f"`{field.name}`" in rows[section], f"{section}.{field.name} is not documented"


def test_every_command_is_in_the_readme():
    for name in COMMANDS:
        assert f"storyline {name}" in README, f"`storyline {name}` is missing from README.md"
