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


@pytest.mark.models
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


@pytest.mark.models
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


@pytest.mark.models
def test_html_output_is_one_self_contained_page(capsys, seeds_dir, tmp_path):
    target = tmp_path / "briefing.html"
    status, out, _ = brief(capsys, str(seeds_dir), "--format", "html", "-o", str(target))
    assert status == 0 and out == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "Content-Security-Policy" in page
    assert 'href="#cite-1"' in page and 'id="cite-1"' in page


@pytest.mark.models
def test_examples_pile_is_briefed_without_shared_data_and_the_wire_copy_counts_once(capsys):
    status, out, err = brief(capsys, str(EXAMPLES), "--no-deep", "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert data["summary"]["sentences"] and all(s["citations"] for s in data["summary"]["sentences"])
    # The pile holds two stories: the harbour story (six articles, five outlets; the Island Wire Service
    # story carried by two of them is one source) is briefed, the orchid story is named on stderr.
    assert (len(data["sources"]), data["outlets"], data["independent_sources"]) == (6, 5, 4)
    assert not any("orchid" in s["title"].lower() for s in data["sources"])
    # port-aldric-daily.txt names no outlet in its data: its dateline's wire tag "(IWS)" does.
    groups = {s["outlet"]: s["syndication_group"] for s in data["sources"] if s["syndication_group"]}
    assert set(groups) == {"Island Wire Service", "Coastline Times"} and len(set(groups.values())) == 1
    notes = [line for line in err.splitlines() if line.startswith("storyline: note:")]
    assert len(notes) == 1 and "the pile holds 2 stories" in notes[0] and "ghostbell" in notes[0].lower()


@pytest.mark.models
def test_whole_pile_briefs_every_article_as_one_story(capsys):
    status, out, err = brief(capsys, str(EXAMPLES), "--no-deep", "--format", "json", "--whole-pile")
    assert status == 0, err
    data = json.loads(out)
    assert (len(data["sources"]), data["outlets"], data["independent_sources"]) == (8, 7, 6)
    assert "storyline: note:" not in err


@pytest.mark.models
def test_a_text_file_whose_first_line_is_a_paragraph_has_no_headline(capsys, tmp_path):
    paragraph = ("The harbour authority of the Norvane Islands said on Tuesday that the new quay would open in "
                 "the spring, two months later than planned, because the dredging survey had found more silt "
                 "than expected near the reef. ") * 2
    (tmp_path / "one-line.txt").write_text(paragraph.strip() + "\n", encoding="utf-8")
    status, out, err = brief(capsys, str(tmp_path / "one-line.txt"), "--no-deep", "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert data["sources"][0]["words_kept"] == len(paragraph.split())  # the whole line is article text
    assert data["headline"] == "The harbour authority of the Norvane Islands said on Tuesday that the new quay would open …"


@pytest.mark.models
def test_bad_inputs_are_one_line_each_and_the_rest_is_briefed(capsys, seeds_dir, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (tmp_path / "cookie-wall.txt").write_text(COOKIE_WALL, encoding="utf-8")
    status, out, err = brief(capsys, str(seeds_dir), str(tmp_path / "empty.txt"), str(tmp_path / "binary.txt"),
                             str(tmp_path / "missing.txt"), str(tmp_path / "cookie-wall.txt"), "--no-deep")
    assert status == 1
    assert "## Summary" in out
    error_lines = [line for line in err.splitlines() if line.startswith("storyline: error:")]
    assert len(error_lines) == 4
    for name in ("empty.txt", "binary.txt", "missing.txt", "cookie-wall.txt"):
        assert sum(name in line for line in error_lines) == 1
    assert "nothing left after removing boilerplate (cookie_notice, subscribe_prompt)" in err
    assert "Traceback" not in err


# A page that is all page furniture: read fine, but nothing in it is an article.
COOKIE_WALL = ("Before you continue\n\nWe use cookies to give you the best experience. By continuing to browse you "
               "agree to our cookie policy.\n\nSign up for our daily newsletter to get the top stories.\n")


def test_nothing_left_after_cleaning_is_exit_2_without_traceback(tmp_path):
    (tmp_path / "cookie-wall.txt").write_text(COOKIE_WALL, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "storyline.cli", "brief", str(tmp_path / "cookie-wall.txt")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all("cookie-wall.txt" in line for line in lines)
    assert "nothing left after removing boilerplate" in lines[0] and "no article text left" in lines[1]


def test_nothing_readable_is_exit_2_without_traceback(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "storyline.cli", "brief", str(tmp_path / "empty.txt")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    # Why the input gave nothing, then the summing-up line.
    assert len(lines) == 2 and all("empty.txt" in line for line in lines)
    assert "the file is empty" in lines[0] and "no readable article" in lines[1]


@pytest.mark.parametrize("args", [["brief"], ["brief", "x", "--words", "3"], ["brief", "x", "--field", "oops"]])
def test_usage_errors_are_exit_2(capsys, args):
    assert main(args) == 2
    assert "storyline: error:" in capsys.readouterr().err


@pytest.mark.models
def test_ingest_of_an_empty_directory_says_so_and_exits_2(tmp_path, capsys):
    (tmp_path / "pile").mkdir()
    assert main(["ingest", "--db", str(tmp_path / "s.db"), str(tmp_path / "pile")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"storyline: error: {tmp_path / 'pile'}: no article files in this directory " \
                     "(hidden files and README/LICENSE files are not read)"
    assert err[1].startswith("0 new, 0 already stored, 1 error; 0 stories touched; 0 articles in ")


@pytest.mark.models
def test_counts_of_one_are_singular_in_the_cli_and_the_markdown(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("")
    assert main(["ingest", "--db", str(tmp_path / "s.db"), str(EXAMPLES / "tarne-gazette.txt"),
                 str(tmp_path / "empty.txt")]) == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        "1 new, 0 already stored, 1 error; 1 story touched; 1 article in ")
    assert main(["brief", str(EXAMPLES / "tarne-gazette.txt")]) == 0
    markdown = capsys.readouterr().out
    assert re.search(r"^\*1 article from 1 outlet, 1 independent; summary \d+ words\.\*$", markdown, re.M), markdown[:300]
    assert "1 articles" not in markdown and "1 outlets" not in markdown



_IMPORTED_AFTER_PARSING = (
    "import sys\nfrom storyline.cli import build_parser\nbuild_parser(sys.argv[1:])\n"
    "print(' '.join(sorted(m for m in sys.modules if m.startswith(('storyline.bench.', 'storyline.train.')))))"
)


@pytest.mark.parametrize("argv, imported", [
    (["brief", "x.txt"], []),
    (["bench", "--help"], []),
    (["-v", "bench", "html", "--per-page"], ["storyline.bench.html"]),
    (["train", "links", "train-dir"], ["storyline.train.links"]),
])
def test_the_parser_imports_only_the_benchmark_or_trainer_that_is_named(argv, imported):
    done = subprocess.run([sys.executable, "-c", _IMPORTED_AFTER_PARSING, *argv], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == imported
