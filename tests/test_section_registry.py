"""The section registry: the order it derives, one StoryContext shared by every section, and every registered
section shown in Markdown, HTML and JSON of a real briefing, a section missing a renderer failing loudly."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from jinja2 import TemplateNotFound

from storyline.brief import build_briefing
from storyline.changes import change_text, compared_sections
from storyline.errors import ConfigError
from storyline.models import Briefing, SentenceRef, Summary
from storyline.render import render
from storyline.sections import SECTION_NAMES, SECTIONS, Section, StoryContext, build_all, build_facts
from storyline.sections.base import SectionRegistry


@pytest.fixture(scope="module")
def seed_briefing(seed_articles):
    return build_briefing(seed_articles)


def test_display_order_is_derived_from_requires_and_registration():
    assert SECTION_NAMES == ("timeline", "actors", "quotes", "facts", "contradictions", "framing", "coverage")
    for section in SECTIONS.ordered():
        for required in section.requires:
            assert SECTION_NAMES.index(required) < SECTION_NAMES.index(section.name), (section.name, required)


def _registry(**requires: tuple[str, ...]) -> SectionRegistry:
    registry = SectionRegistry("test section")
    for name, needs in requires.items():
        registry.register(name)(type(name, (Section,), {"name": name, "requires": needs}))
    return registry


def test_a_section_comes_after_what_it_requires_even_when_registered_first():
    assert [s.name for s in _registry(late=("early",), early=()).ordered()] == ["early", "late"]
    with pytest.raises(ValueError, match="cycle"):
        _registry(a=("b",), b=("a",)).ordered()
    with pytest.raises(ConfigError, match="unknown test section 'missing'"):
        _registry(a=("missing",)).ordered()


def test_every_section_is_in_json_markdown_and_html_of_the_seeds(seed_briefing):
    data = json.loads(render(seed_briefing, "json"))
    markdown = render(seed_briefing, "md")
    html = render(seed_briefing, "html")
    assert tuple(data["sections"]) == SECTION_NAMES
    headings = re.findall(r"^## (.+)$", markdown, re.MULTILINE)
    assert headings == ["Summary", *(s.title for s in SECTIONS.ordered()), "Sources", "Citations"]
    for section in SECTIONS.ordered():
        items = data["sections"][section.name]
        assert items, section.name  # the seeds have items in every section
        body = markdown.split(f"## {section.title}\n")[1].split("\n## ")[0]
        assert body.strip().splitlines() == section.markdown(items), section.name
        assert re.search(r"\[\d+\]", body), section.name  # items cite their sentences
        part = html.split(f'<h2 id="{section.name}">{section.title}</h2>')[1].split("<h2")[0]
        assert 'class="cite"' in part, section.name


def test_coverage_rows_are_the_leading_facts_with_every_outlet(seed_briefing):
    facts, rows = seed_briefing.sections["facts"], seed_briefing.sections["coverage"]
    outlets = sorted({s.outlet for s in seed_briefing.sources})
    assert [r.text for r in rows] == [f.text for f in facts[: len(rows)]]
    for row, fact in zip(rows, facts):
        assert list(row.cells) == outlets
        assert {o for o, cell in row.cells.items() if cell == "reports"} == set(fact.outlets)
        assert row.citations is fact.citations  # read from the facts already built, not rebuilt


def test_sections_built_from_one_context_equal_each_built_alone(seed_articles):
    context = StoryContext(seed_articles, {})
    sections = build_all(context)
    assert sections["facts"] == build_facts(seed_articles)
    assert sections["facts"] is context.items("facts")  # what framing and coverage read
    assert len(context.voices) == len(context.table.rows) == context.similarities.shape[0]


def test_changes_compare_the_sections_they_always_did(seed_briefing):
    assert [s.name for s in compared_sections()] == ["timeline", "facts", "quotes", "contradictions"]
    data = json.loads(render(seed_briefing, "json"))
    for section in compared_sections():
        assert all(change_text(section.name, item) for item in data["sections"][section.name]), section.name


@dataclass
class _Note:
    text: str
    citations: list[SentenceRef]


@contextmanager
def _registered(cls: type[Section]):
    SECTIONS.register(cls.name)(cls)
    try:
        yield
    finally:
        del SECTIONS._factories[cls.name]  # keep the registry as the other tests see it


def test_a_section_without_markdown_or_template_fails_instead_of_vanishing(seed_articles):
    article = seed_articles[0]

    class Notes(Section):
        name, title, item = "notes", "Notes", _Note

        def build(self, context: StoryContext) -> list[_Note]:
            return [_Note(article.sentences[0].text, [article.ref(0)])]

    briefing = Briefing("Seeds", Summary((), 100), [], {article.id: article})
    with _registered(Notes):
        briefing.sections = build_all(StoryContext([article]))
        assert briefing.sections["notes"]
        json.loads(render(briefing, "json"))  # JSON needs nothing from the section but its dataclass
        with pytest.raises(NotImplementedError):
            render(briefing, "md")
        Notes.markdown = lambda self, items: [f"- {item['text']}" for item in items]
        assert "## Notes\n\n- " in render(briefing, "md")
        with pytest.raises(TemplateNotFound, match="sections/notes.html"):
            render(briefing, "html")
    assert "notes" not in SECTIONS.names()


def test_a_section_may_read_only_the_sections_it_requires(seed_articles):
    class Peeking(Section):
        name, title, item = "peeking", "Peeking", _Note

        def build(self, context: StoryContext) -> list[_Note]:
            return [_Note(fact.text, fact.citations) for fact in context.items("facts")]

    with _registered(Peeking):
        with pytest.raises(ValueError, match="section peeking reads the facts section without requiring it"):
            StoryContext(seed_articles).items("peeking")
        Peeking.requires = ("facts",)
        assert StoryContext(seed_articles).items("peeking")
