"""The documentation must not drift from the code: every briefing field and command is documented."""

from __future__ import annotations

import dataclasses
import re
import typing

from conftest import REPO
from storyline.cli import COMMANDS
from storyline.models import SentenceRef
from storyline.sections import SECTIONS

SCHEMA_DOC = (REPO / "docs" / "briefing-schema.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")

def item_classes(cls: type) -> list[type]:
    """A section's item dataclass and the dataclasses inside it (a date, a claim's side, ...); a reference to
    a source sentence is documented once for all sections."""
    found = [cls]
    for hint in typing.get_type_hints(cls).values():
        for inner in (hint, *typing.get_args(hint)):
            if dataclasses.is_dataclass(inner) and inner is not SentenceRef and inner not in found:
                found += [c for c in item_classes(inner) if c not in found]
    return found


def test_every_section_field_is_documented():
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| (.+) \|$", SCHEMA_DOC, re.MULTILINE)}
    for section in SECTIONS.ordered():
        assert section.name in rows, f"section {section.name} is not in docs/briefing-schema.md"
        for cls in item_classes(section.item):
            for field in dataclasses.fields(cls):
                assert f"`{field.name}`" in rows[section.name], f"{section.name}.{field.name} is not documented"


def test_item_classes_find_the_nested_dataclasses():
    from storyline.dates import EventDate
    from storyline.sections.contradictions import ClaimSide, Contradiction
    from storyline.sections.framing import LoadedWord, OmittedFact, OutletFraming

    assert item_classes(Contradiction) == [Contradiction, ClaimSide]
    assert item_classes(OutletFraming) == [OutletFraming, LoadedWord, OmittedFact]
    assert EventDate in item_classes(SECTIONS.create("timeline").item)


def test_every_command_is_in_the_readme():
    for name in COMMANDS:
        assert f"storyline {name}" in README, f"`storyline {name}` is missing from README.md"
