"""The `storyline brief` command end to end, through the real pipeline and models."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import EXAMPLES
from storyline.cli import main
from storyline.render import SCHEMA, SCHEMA_VERSION


def brief(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["brief", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_seeds_markdown_briefing_says_what_happened(capsys, seeds_dir):
    status, out, err = brief(capsys, str(seeds_dir))
    assert status == 0, err
    assert out.startswith("# ")
    assert "## Summary" in out and "## Sources" in out and "## Citations" in out
    summary = out.split("## Summary", 1)[1].split("\n## ", 1)[0].lower()
    sentences = [s for s in re.split(r"(?<=[.!?”])\s+(?:\[\d+\])+\s*", summary) if s.strip()]
    # The core facts of the seed story: no US delegation; the ambassador to Kazakhstan attends instead.
    assert any("delegation" in s and re.search(r"\bnot\b|won.t|declin", s) for s in sentences), summary
    assert any("ambassador to kazakhstan" in s and ("us" in s.split() or "u.s." in s) for s in sentences), summary
    # Nothing from the boilerplate reaches the briefing's summary.
    for junk in ("BooBooBaby", "Last 5 posts", "Follow @DNewsHQ", "REUTERS/", "republish"):
        assert junk not in summary


def test_seeds_json_follows_schema_and_every_citation_resolves(capsys, seeds_dir):
    status, out, _ = brief(capsys, str(seeds_dir), "--format", "json", "--words", "120")
    assert status == 0
    data = json.loads(out)
    assert data["schema"] == SCHEMA and data["schema_version"] == SCHEMA_VERSION
    assert data["summary"]["words"] <= 120
    assert len(data["sources"]) == 5
    citations = {c["n"]: c for c in data["citations"]}
    texts = {(s["article_id"]): s for s in data["sources"]}
    for sentence in data["summary"]["sentences"]:
        assert sentence["citations"], "every summary sentence cites a source sentence"
        first = citations[sentence["citations"][0]]
        assert first["text"] == sentence["text"], "a summary sentence is the exact text of its source"
        assert first["article_id"] in texts


def test_html_output_is_one_self_contained_page(capsys, seeds_dir, tmp_path):
    target = tmp_path / "briefing.html"
    status, out, _ = brief(capsys, str(seeds_dir), "--format", "html", "-o", str(target))
    assert status == 0 and out == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "Content-Security-Policy" in page
    assert 'href="#cite-1"' in page and 'id="cite-1"' in page


def test_examples_pile_is_briefed_without_shared_data_and_the_wire_copy_counts_once(capsys):
    status, out, err = brief(capsys, str(EXAMPLES), "--no-deep", "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert data["summary"]["sentences"] and all(s["citations"] for s in data["summary"]["sentences"])
    # Eight articles, seven outlets; the Island Wire Service story carried by two of them is one source.
    assert (len(data["sources"]), data["outlets"], data["independent_sources"]) == (8, 7, 6)
    groups = {s["outlet"]: s["syndication_group"] for s in data["sources"] if s["syndication_group"]}
    assert set(groups) == {"port-aldric-daily", "Coastline Times"} and len(set(groups.values())) == 1


def test_bad_inputs_are_one_line_each_and_the_rest_is_briefed(capsys, seeds_dir, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    status, out, err = brief(capsys, str(seeds_dir), str(tmp_path / "empty.txt"), str(tmp_path / "binary.txt"),
                             str(tmp_path / "missing.txt"), "--no-deep")
    assert status == 1
    assert "## Summary" in out
    error_lines = [line for line in err.splitlines() if line.startswith("storyline: error:")]
    assert len(error_lines) == 3
    for name in ("empty.txt", "binary.txt", "missing.txt"):
        assert sum(name in line for line in error_lines) == 1
    assert "Traceback" not in err


def test_nothing_readable_is_exit_2_without_traceback(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "storyline.cli", "brief", str(tmp_path / "empty.txt")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "empty.txt" in result.stderr


@pytest.mark.parametrize("args", [["brief"], ["brief", "x", "--words", "3"], ["brief", "x", "--field", "oops"]])
def test_usage_errors_are_exit_2(capsys, args):
    assert main(args) == 2
    assert "storyline: error:" in capsys.readouterr().err
