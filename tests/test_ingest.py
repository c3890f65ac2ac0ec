"""Ingest: every input format, stable ids, metadata, and one clear error per bad input."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from storyline.errors import ConfigError, InputError
from storyline.sources.article import MAX_ARTICLE_BYTES, article_id
from storyline.sources.decode import decode_bytes
from storyline.sources.route import iter_articles, read_inputs
from storyline.models import Article

NEWS_PAGE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Harbour council approves ferry timetable | The Example Ledger</title>
<meta property="og:site_name" content="The Example Ledger">
<meta name="author" content="Ada Quill">
<meta property="article:published_time" content="2024-05-14T09:30:00+02:00">
<link rel="canonical" href="https://www.example-ledger.test/news/ferry-timetable">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="share">Share on Facebook | Share on X</div>
<article>
<h1>Harbour council approves ferry timetable</h1>
<p>The harbour council on Tuesday approved a new ferry timetable that adds four daily crossings between the
two islands, the first change to the schedule in eleven years.</p>
<p>Councillor Mira Beck said the extra crossings would start in June and cost the council 1.2 million a year,
paid for by a landing fee on cruise ships.</p>
<p>Ferry workers welcomed the change but asked for a second crew on the late crossings, which the council
agreed to review next month.</p>
</article>
<footer>© 2024 The Example Ledger. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>"""


def test_seeds_are_read_with_headline_outlet_and_raw_text(seeds_dir):
    result = read_inputs([seeds_dir])
    assert result.errors == []
    assert len(result.articles) == 5
    first = result.articles[0]
    assert first.title == "US Will Not Send Delegation To Syria Peace Talks"
    assert first.outlet == "000_0b9bc82ceaa10758"  # no outlet in the data: the file name
    assert first.raw == (seeds_dir / "000_0b9bc82ceaa10758.txt").read_text(encoding="utf-8")
    assert "Kazakhstan (GPA)" in first.text and first.title not in first.text
    assert len({a.id for a in result.articles}) == 5


def test_article_id_is_stable_and_content_based():
    a = article_id("Outlet", "Title", "Body text here.")
    assert a == article_id("Outlet", "Title", "Body   text here.\n")  # white space does not matter
    assert a != article_id("Other outlet", "Title", "Body text here.")
    assert a != article_id("Outlet", "Title", "Body text there.")


def test_html_page_gives_main_text_and_metadata(tmp_path):
    page = tmp_path / "ferry.html"
    page.write_text(NEWS_PAGE, encoding="utf-8")
    [article] = read_inputs([page]).articles
    assert article.title.startswith("Harbour council approves ferry timetable")
    assert article.outlet == "The Example Ledger"
    assert article.author == "Ada Quill"
    assert article.published == datetime(2024, 5, 14) or article.published.date().isoformat() == "2024-05-14"
    assert "four daily crossings" in article.text and "second crew" in article.text
    assert "Share on Facebook" not in article.text and "Privacy" not in article.text
    assert "\n\n" in article.text  # paragraphs stay separate
    assert article.raw == NEWS_PAGE and article.raw_format == "html"


def test_jsonl_and_csv_with_a_field_map(tmp_path):
    rows = [
        {"link": "https://www.tidings.test/a", "headline": "One", "body": "First body text.", "date": "2024-03-01"},
        {"link": "https://tidings.test/b", "headline": "Two", "body": "Second body text.", "date": "2024-03-02T10:00:00Z"},
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    table = tmp_path / "dump.csv"
    table.write_text('link,headline,body,date\nhttps://x.test/c,Three,"Third, with a comma.",2024-03-03\n')
    fields = {"url": "link", "title": "headline", "text": "body", "published": "date"}
    result = read_inputs([dump, table], fields=fields)
    assert result.errors == []
    assert [a.title for a in result.articles] == ["One", "Two", "Three"]
    assert [a.outlet for a in result.articles] == ["tidings.test", "tidings.test", "x.test"]
    assert result.articles[1].published == datetime(2024, 3, 2, 10, 0)
    assert result.articles[2].text == "Third, with a comma."
    assert result.articles[0].source == f"{dump}:1" and result.articles[0].raw_format == "jsonl"
    with pytest.raises(ConfigError):
        list(iter_articles([dump], fields={"body": "text"}))


def test_dumps_in_other_tools_formats_are_read_without_a_field_map(tmp_path):
    news_please = {"title": "Quay opens", "maintext": "The new quay opened on Monday, the harbour authority said.",
                   "date_publish": "2024-03-04 09:00:00", "source_domain": "tidings.test",
                   "url": "https://tidings.test/quay", "authors": ["Ida Morn", "Jon Reyes"]}
    newsapi = {"source": {"id": None, "name": "Coastline Times"}, "author": "Mara Quill", "title": "Reef ruling",
               "description": "A short teaser.", "url": "https://coastline.test/reef",
               "publishedAt": "2024-03-05T08:15:00Z", "content": "A court halted dredging near the Selka Reef."}
    dump = tmp_path / "mixed.jsonl"
    dump.write_text(json.dumps(news_please) + "\n" + json.dumps(newsapi) + "\n" + json.dumps({"id": 3, "teaser": "x"}) + "\n",
                    encoding="utf-8")
    table = tmp_path / "sheet.csv"
    table.write_text("Headline,Body,Date,Source\nFerry fares rise,Fares rise by a tenth in April.,2024-03-06,Island Ledger\n",
                     encoding="utf-8")
    result = read_inputs([dump, table])
    quay, reef, fares = result.articles
    assert (quay.title, quay.outlet, quay.author, quay.published) == (
        "Quay opens", "tidings.test", "Ida Morn, Jon Reyes", datetime(2024, 3, 4, 9, 0))
    assert quay.text.startswith("The new quay opened")
    assert (reef.outlet, reef.author, reef.published, reef.text) == (
        "Coastline Times", "Mara Quill", datetime(2024, 3, 5, 8, 15), "A court halted dredging near the Selka Reef.")
    assert (fares.title, fares.text, fares.outlet, fares.published) == (
        "Ferry fares rise", "Fares rise by a tenth in April.", "Island Ledger", datetime(2024, 3, 6))
    # a row with none of the known text columns: one error that names the row's columns
    [error] = result.errors
    assert error.input == f"{dump}:3" and "the row has: id, teaser" in str(error) and "--field text=" in str(error)


def test_parquet_dump(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "dump.parquet"
    pq.write_table(pa.table({"title": ["P1", "P2"], "text": ["Parquet body one.", ""], "outlet": ["Wire", "Wire"]}), path)
    result = read_inputs([path])
    assert [a.title for a in result.articles] == ["P1"]
    assert len(result.errors) == 1 and "row=2" in result.errors[0].one_line()


def test_latin1_and_windows1252_and_utf16_are_decoded(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Café crème\n\nLe maire a parlé à la presse.".encode("latin-1"))
    (tmp_path / "cp1252.txt").write_bytes("Quotes\n\n\u201cWe will see,\u201d she said \u2013 twice.".encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes("Umlaut\n\nDie Brücke ist offen.".encode("utf-16"))
    result = read_inputs([tmp_path])
    assert result.errors == []
    texts = {a.title: a.text for a in result.articles}
    assert texts["Café crème"] == "Le maire a parlé à la presse."
    assert texts["Quotes"] == "\u201cWe will see,\u201d she said \u2013 twice."
    assert texts["Umlaut"] == "Die Brücke ist offen."


def test_bad_inputs_each_give_one_error_and_the_rest_is_read(tmp_path, seeds_dir):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("   \n\n  \n")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200)
    (tmp_path / "nobody.html").write_text("<html><body><nav>Home | About</nav></body></html>")
    (tmp_path / "broken.jsonl").write_text('{"title": "ok", "text": "Fine row."}\n{broken\n[1, 2]\n{"title": "no text"}\n')
    (tmp_path / "bad.csv").write_text('title,text\nGood,"Body one."\nBad,"unterminated\n')
    (tmp_path / "good.txt").write_text("A headline\n\nA body sentence.")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 50 MB on paper, nothing on disk
        handle.truncate(50 * 1024 * 1024)
    unreadable = tmp_path / "secret.txt"
    unreadable.write_text("Headline\n\nBody.")
    unreadable.chmod(0)

    result = read_inputs([tmp_path, tmp_path / "missing.txt", seeds_dir])
    messages = [e.one_line() for e in result.errors]

    def errors_for(name: str) -> list[str]:
        return [m for m in messages if name in m]

    assert len(errors_for("empty.txt")) == 1 and "empty" in errors_for("empty.txt")[0]
    assert len(errors_for("blank.txt")) == 1
    assert len(errors_for("binary.bin")) == 1 and "binary" in errors_for("binary.bin")[0]
    assert len(errors_for("image.png")) == 1
    assert len(errors_for("nobody.html")) == 1 and "no article text" in errors_for("nobody.html")[0]
    assert len(errors_for("broken.jsonl")) == 3  # bad JSON, not an object, no text
    assert any("broken.jsonl:2" in m and "JSON" in m for m in messages)
    assert len(errors_for("bad.csv")) == 1 and "bad.csv:3" in errors_for("bad.csv")[0]
    assert len(errors_for("huge.txt")) == 1 and "too large" in errors_for("huge.txt")[0]
    if os.geteuid() != 0:  # root reads anything, so the permission case only exists for users
        assert len(errors_for("secret.txt")) == 1
    assert len(errors_for("missing.txt")) == 1 and "no such file" in errors_for("missing.txt")[0]
    titles = {a.title for a in result.articles}
    assert {"ok", "Good", "A headline"} <= titles
    assert sum(1 for a in result.articles if a.source.startswith(str(seeds_dir))) == 5
    assert all(isinstance(e, InputError) for e in result.errors)
    assert MAX_ARTICLE_BYTES < 50 * 1024 * 1024


def test_examples_pile_reads_every_format_and_skips_its_readme():
    result = read_inputs([EXAMPLES])
    assert result.errors == []
    formats = {a.raw_format for a in result.articles}
    assert formats == {"text", "html", "jsonl"}
    assert not any("README" in a.source for a in result.articles)
    assert len({a.outlet for a in result.articles}) >= 4
    assert any(a.published is not None for a in result.articles)


def test_nonsense_dates_keep_the_article_without_a_date(tmp_path, caplog):
    rows = [
        {"title": "Far future", "text": "Body one.", "published": "99999-01-01"},
        {"title": "No such day", "text": "Body two.", "published": "31/02/2017"},
        {"title": "Words", "text": "Body three.", "published": "sometime last spring-ish"},
        {"title": "Fine", "text": "Body four.", "published": "2017-02-28T23:30:00-05:00"},
    ]
    dump = tmp_path / "dates.jsonl"
    dump.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with caplog.at_level("WARNING", logger="storyline.sources"):
        result = read_inputs([dump])
    assert result.errors == []
    assert [a.published for a in result.articles] == [None, None, None, datetime(2017, 3, 1, 4, 30)]
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "99999" in warned and "31/02/2017" in warned and f"{dump}:2" in warned


def test_size_limit_is_configurable_and_applies_per_file_and_per_row(tmp_path):
    small = 2_000
    (tmp_path / "long.txt").write_text("Headline\n\n" + "word " * 1_000)
    dump = tmp_path / "rows.jsonl"
    rows = [{"title": "A", "text": "short"}, {"title": "B", "text": "x" * 5_000}, {"title": "C", "text": "short too"}]
    dump.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    table = tmp_path / "rows.csv"
    table.write_text("title,text\nD,short\nE," + "y" * 5_000 + "\nF,also short\n")
    result = read_inputs([tmp_path], max_bytes=small)
    assert sorted(a.title for a in result.articles) == ["A", "C", "D", "F"]
    messages = sorted(e.one_line() for e in result.errors)
    assert len(messages) == 3 and all("too large" in m for m in messages)
    assert any(f"{dump}:2" in m for m in messages) and any(f"{table}:3" in m for m in messages)
    assert any("long.txt" in m for m in messages)
    # The default limit reads them all: the dump as a whole is never limited, only one article.
    assert len(read_inputs([tmp_path]).articles) == 7


def test_the_encoding_used_is_recorded(tmp_path):
    (tmp_path / "a_utf8.txt").write_text("Plain\n\nNaïve café.", encoding="utf-8")
    (tmp_path / "b_bom.txt").write_bytes("\ufeffWith BOM\n\nBody.".encode("utf-8"))
    (tmp_path / "c_cp1252.txt").write_bytes("Smart\n\n\u201cquoted\u201d".encode("cp1252"))
    (tmp_path / "d_utf16.csv").write_bytes("title,text\nSixteen,\"Body, with comma\"\n".encode("utf-16"))
    articles = read_inputs([tmp_path]).articles
    assert [(a.title, a.encoding) for a in articles] == [
        ("Plain", "utf-8"), ("With BOM", "utf-8"), ("Smart", "cp1252"), ("Sixteen", "utf-16")
    ]
    assert articles[3].raw == 'Sixteen,"Body, with comma"'  # the CSV row as text, quoting kept


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1).filter(
    lambda text: not text.startswith("\ufeff")))  # a leading U+FEFF is a byte-order mark and is dropped
def test_utf8_text_always_decodes_back_exactly(text):
    assert decode_bytes(text.encode("utf-8"), "x") == (text, "utf-8")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3_000))
def test_any_bytes_in_a_dump_give_articles_or_errors_never_a_crash(tmp_path, data):
    for name in ("dump.jsonl", "dump.csv", "page.txt"):
        path = tmp_path / name
        path.write_bytes(data)
        for item in iter_articles([path], max_bytes=1_000):
            assert isinstance(item, (Article, InputError))


def test_a_csv_or_parquet_without_a_text_column_is_one_error_for_the_file(tmp_path):
    table = tmp_path / "teasers.csv"
    table.write_text("id,teaser,date\n" + "".join(f"{i},Teaser {i},2024-03-0{i}\n" for i in range(1, 8)), encoding="utf-8")
    result = read_inputs([table])
    assert result.articles == []
    [error] = result.errors
    assert error.input == str(table) and "its header has: id, teaser, date" in error.problem
    assert "--field text=COLUMN" in error.one_line()
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    dump = tmp_path / "teasers.parquet"
    pq.write_table(pa.table({"id": list(range(50)), "teaser": [f"Teaser {i}" for i in range(50)]}), dump)
    [error] = read_inputs([dump]).errors
    assert error.input == str(dump) and "the table has: id, teaser" in error.problem


@pytest.mark.parametrize("meta, author", [
    ('<meta name="author" content="Reuters">', "Reuters"),  # one word: trafilatura drops it
    ('<meta name="AUTHOR" content="  Ruth   Amsel ">', "Ruth Amsel"),
    ('<meta name="byl" content="By Ruth Amsel">', "Ruth Amsel"),
    ('<meta property="article:author" content="https://social.example/ramsel">'
     '<meta name="parsely-author" content="Tom Reed">', "Tom Reed"),  # a profile URL is not a name
    ('<meta name="author" content="Ruth Amsel"><meta name="author" content="Tom Reed">', "Ruth Amsel, Tom Reed"),
    ('<meta name="dc.creator" content="Staff">', "Staff"),
])
def test_an_html_page_names_its_author_in_meta_tags(tmp_path, meta, author):
    page = tmp_path / "board.html"
    page.write_text(NEWS_PAGE.replace('<meta name="author" content="Ada Quill">', meta), encoding="utf-8")
    [article] = read_inputs([page]).articles
    assert article.author == author


def test_an_empty_directory_is_one_error(tmp_path):
    (tmp_path / "pile").mkdir()
    (tmp_path / "pile" / ".hidden.txt").write_text("Headline\n\nText.")
    (tmp_path / "pile" / "README.md").write_text("About this pile.")
    [error] = read_inputs([tmp_path / "pile"]).errors
    assert error.input == str(tmp_path / "pile") and error.problem == "no article files in this directory"
