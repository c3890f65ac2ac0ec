"""`storyline bench html`: the labels of the written pages, the snippet scoring, and a real run."""

from __future__ import annotations

import json

import pytest

from storyline.bench.html import (
    load_pages,
    normalise,
    page_counts,
    pooled,
    visible_text,
)
from storyline.cli import main

PAGES = load_pages()


def test_the_written_pages_are_many_and_labelled_within_the_stated_sizes():
    assert len(PAGES) >= 16
    assert len({p.file for p in PAGES}) == len(PAGES)
    for page in PAGES:
        for snippets in (page.keep, page.drop):
            assert 6 <= len(snippets) <= 12, page.file
            for snippet in snippets:
                assert 8 <= len(snippet.split()) <= 15, (page.file, snippet)


@pytest.mark.parametrize("page", PAGES, ids=[p.file for p in PAGES])
def test_every_label_is_in_the_visible_text_of_its_page(page):
    text = normalise(visible_text(page.html))
    for snippet in page.keep + page.drop:
        assert normalise(snippet) in text, (page.file, snippet)
    # a snippet that is both article and furniture would score against every method
    for keep in page.keep:
        for drop in page.drop:
            assert normalise(keep) not in normalise(drop) and normalise(drop) not in normalise(keep)


def test_visible_text_leaves_out_head_scripts_styles_and_hidden_elements_and_separates_blocks():
    html = """<html><head><title>Headline only in head</title><style>p{color:red}</style></head><body>
    <script>var hidden = "script text";</script><noscript>Turn on JavaScript</noscript>
    <ul><li>First</li><li>Second</li></ul><div hidden>Subscribe to read on</div>
    <p>Kept <b>bold</b> text<!-- a comment --></p></body></html>"""
    text = normalise(visible_text(html))
    assert "kept bold text" in text and "first second" in text
    for gone in ("headline only", "color:red", "script text", "turn on javascript", "subscribe", "a comment"):
        assert gone not in text


def test_normalise_lowers_collapses_white_space_and_makes_quotes_and_dashes_plain():
    assert normalise("  \u201cIt\u2019s  OVER\u201d \u2014 she said\u2026\n\tThen\u00a0left ") == \
        "\"it's over\" - she said... then left"


def test_scoring_on_a_tiny_hand_built_case():
    keep = ["the council voted on Tuesday", "a second crew on late crossings", "the ferry timetable"]
    drop = ["share on facebook", "\u00a9 2024 the example ledger"]
    # two of three keep snippets (one with other quotes, case and white space), one drop snippet
    text = "THE council   voted on Tuesday.\nIt asked for a second crew on late crossings.\nShare on Facebook"
    counts = page_counts(text, keep, drop)
    assert (counts["tp"], counts["fn"], counts["fp"], counts["tn"]) == (2, 1, 1, 1)
    assert counts["missed"] == ["the ferry timetable"] and counts["leaked"] == ["share on facebook"]

    first = pooled([counts])
    assert first["precision"] == pytest.approx(2 / 3, abs=1e-3) and first["recall"] == pytest.approx(2 / 3, abs=1e-3)

    # pooled over pages, not averaged: a refused (empty) page adds false negatives only
    empty = page_counts("", ["one two three four", "five six seven eight"], ["nine ten eleven twelve"])
    assert (empty["tp"], empty["fn"], empty["fp"], empty["tn"]) == (0, 2, 0, 1)
    both = pooled([counts, empty])
    assert both["precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert both["recall"] == pytest.approx(2 / 5, abs=1e-3)
    assert both["f1"] == pytest.approx(2 * (2 / 3) * (2 / 5) / (2 / 3 + 2 / 5), abs=1e-3)
    assert pooled([])["f1"] == 1.0  # nothing to find and nothing leaked


def test_the_benchmark_runs_every_method_on_the_pages_with_real_trafilatura(tmp_path, capsys):
    out = tmp_path / "html.json"
    assert main(["bench", "html", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    result = json.loads(out.read_text(encoding="utf-8"))
    keep, drop = sum(len(p.keep) for p in PAGES), sum(len(p.drop) for p in PAGES)
    assert (result["pages"], result["keep_snippets"], result["drop_snippets"]) == (len(PAGES), keep, drop)
    assert list(result["methods"]) == ["storyline", "trafilatura", "trafilatura precision", "trafilatura + cleaner"]
    for name, scores in result["methods"].items():
        assert name in table
        assert scores["tp"] + scores["fn"] == keep and scores["fp"] + scores["tn"] == drop
        assert set(scores["refused"]) <= {p.file for p in PAGES}
        assert set(scores["per_page"]) == {p.file for p in PAGES}
        for file in scores["refused"]:
            assert scores["per_page"][file]["tp"] == 0 and scores["per_page"][file]["fp"] == 0
    # trafilatura finds the article on these pages: a run that finds next to nothing is broken, not bad
    assert result["methods"]["trafilatura"]["recall"] >= 0.9
