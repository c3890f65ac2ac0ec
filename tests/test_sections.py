"""The deep-briefing sections together: build_sections, JSON-serialisable items, rendered with citations."""

import dataclasses
import json

from storyline.models import Briefing, Summary
from storyline.render import render
from storyline.sections import SECTION_NAMES, build_sections


def test_build_sections_on_the_seeds_is_serialisable_and_every_item_cites_sentences(seed_articles):
    sections = build_sections(seed_articles, {})
    assert tuple(sections) == SECTION_NAMES
    payload = {name: [dataclasses.asdict(item) for item in items] for name, items in sections.items()}
    json.dumps(payload, default=str)  # datetimes are the renderer's job; everything else is plain
    for name in ("timeline", "quotes", "facts", "contradictions"):
        assert sections[name], name
        for item in payload[name]:
            assert item["citations"], (name, item)
    actor_names = {a.name for a in sections["actors"]}
    assert {"Sergei Lavrov", "John Kerry", "George Krol", "Michael T. Flynn", "Sergey Kislyak"} <= actor_names
    assert "Post" not in actor_names  # "the Post" joined "Washington Post"


def test_markdown_and_html_show_every_section_with_citations(seed_articles):
    briefing = Briefing(
        "Seeds", Summary((), 100), [], {a.id: a for a in seed_articles}, build_sections(seed_articles, {})
    )
    markdown = render(briefing, "md")
    for heading in (
        "## Timeline",
        "## Actors",
        "## Who said what",
        "## Corroboration",
        "## Contradictions",
        "## Framing",
    ):
        assert heading in markdown
    timeline = markdown.split("## Timeline")[1].split("##")[0]
    assert all("[" in line for line in timeline.splitlines() if line.startswith("- "))
    assert "year unknown" in timeline
    html = render(briefing, "html")
    assert 'id="contradictions"' in html and 'id="timeline"' in html
    assert html.count('class="cite"') > 50


def test_empty_story_and_empty_article(make_articles):
    assert all(items == [] for items in build_sections([], {}).values())
    articles = make_articles(
        [("Empty", "Share"), ("One", "Mayor Lena Hart opened the new library on Saturday morning.")]
    )
    assert [len(a.sentences) for a in articles] == [0, 1]
    sections = build_sections(articles, {})
    assert [f.outlet for f in sections["framing"]] == ["Empty", "One"]
    assert sections["framing"][0].sentences == 0 and sections["framing"][0].opinion_share == 0
