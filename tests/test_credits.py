"""Datelines and credit lines (issue 16, items 2 and 3): the date, place and outlet an article's own text
gives when its input does not, with where each came from; lookalike article sentences are not read as
datelines or credits, and the article id never changes."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clean import clean_article
from storyline.credits import outlet_from_credits, read_dateline
from storyline.sources.article import article_id, make_article
from storyline.sources.text import read_text_article
from storyline.models import Article, RemovedSpan
from storyline.store import MIGRATIONS, Store

BODY = (
    "The Trump administration won't send a delegation to the Syria peace talks in Kazakhstan next week, "
    "officials said on Friday.\n\nThe talks, organised by Russia, Turkey and Iran, open on Monday in Astana."
)


def file_article(text: str, *, published: datetime | None = None, outlet_source: str = "file name") -> Article:
    """An article as ingest builds it from a file with no metadata: the outlet is the file name."""
    outlet = "000_0b9bc82ceaa10758"
    return Article(article_id(outlet, "Talks", text), "Talks", text, outlet, "000_0b9bc82ceaa10758.txt",
                   published=published, outlet_source=outlet_source)


# --- datelines -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "opening, place, date_text, published, wire",
    [
        ("WASHINGTON, Jan. 15 (UPI) -- The Trump administration", "WASHINGTON", "Jan. 15", None, "UPI"),
        ("PORT ALDRIC, Norvane Islands, March 4, 2025 (IWS) — The parliament", "PORT ALDRIC, Norvane Islands",
         "March 4, 2025", datetime(2025, 3, 4), "IWS"),
        ("MOSCOW (Reuters) - Russia said on Tuesday", "MOSCOW", None, None, "Reuters"),
        ("Dec 20 (Reuters) - Russia, Iran and Turkey", None, "Dec 20", None, "Reuters"),
        ("LONDON, 20 December 2016 (Reuters) - Britain said", "LONDON", "20 December 2016", datetime(2016, 12, 20),
         "Reuters"),
        ("MOSCOW, Tuesday, Dec. 20, 2016 (AP) — Ambassadors met", "MOSCOW", "Dec. 20, 2016", datetime(2016, 12, 20), "AP"),
        ("WINSTON-SALEM, N.C. (AP) — A man was", "WINSTON-SALEM, N.C.", None, None, "AP"),
        ("Kazakhstan (GPA) – Peace talks began", "Kazakhstan", None, None, "GPA"),
        ("BRACKENFORD, Tarne — A ghostbell orchid", "BRACKENFORD, Tarne", None, None, None),
        # a tag opening the story with no place; a lower-cased dump's known wire after a lower-case region
        ("(CNN)A ghostbell orchid", None, None, None, "CNN"),
        ("( cnn ) a ghostbell orchid", None, None, None, "cnn"),
        ("(Bloomberg) -- A ghostbell orchid", None, None, None, "Bloomberg"),
        ("Tucson, ariz. ( ap ) -- a ghostbell orchid", "Tucson, ariz.", None, None, "ap"),
    ],
)
def test_wire_datelines_are_read(opening, place, date_text, published, wire):
    dateline = read_dateline(opening + " opened its first flower on Sunday.")
    assert dateline is not None
    assert (dateline.place, dateline.date_text, dateline.published, dateline.wire) == (place, date_text, published, wire)


@pytest.mark.parametrize(
    "sentence",
    [
        "WASHINGTON has long argued that the talks - which Russia called - would fail.",
        "Follow the money, he said.",
        "The talks - which began on Monday - ended without a deal.",
        "Reuters - the news agency - reported the meeting first.",  # an outlet named in a sentence
        "Jan. 15 - the day the talks began - was cold in Astana.",  # a date without a wire tag
        "Officials told Reuters (Reuters) that the talks had been postponed.",
        "In Moscow, Russian, Turkish and Iranian ministers met on Dec. 20 - the day after the shooting.",
        "(Updated) The talks were postponed until Friday.",  # an unknown tag needs the dateline's dash
        "( the senate ) voted on the bill on Friday.",
        "",
    ],
)
def test_article_sentences_are_not_datelines(sentence):
    assert read_dateline(sentence) is None


def test_dateline_dates_an_undated_article_and_says_so():
    text = "PORT ALDRIC, Norvane Islands, March 4, 2025 (IWS) — The parliament approved the harbour plan.\n\n" + BODY
    article = file_article(text)
    cleaned = clean_article(article)
    assert cleaned.article.published == datetime(2025, 3, 4)
    assert cleaned.article.published_source == "dateline"
    assert cleaned.dateline.place == "PORT ALDRIC, Norvane Islands"
    assert cleaned.id == article.id == article_id(article.outlet, article.title, article.text)
    assert article.published is None  # the ingested article is left as it was read


def test_dateline_without_a_year_dates_nothing():
    cleaned = clean_article(file_article("WASHINGTON, Jan. 15 (UPI) -- " + BODY))
    assert cleaned.dateline.date_text == "Jan. 15"
    assert cleaned.article.published is None  # the year is not guessed


def test_dateline_never_overrides_the_inputs_date():
    given_date = datetime(2025, 3, 5, 9, 30)
    cleaned = clean_article(file_article("PORT ALDRIC, March 4, 2025 (IWS) — " + BODY, published=given_date))
    assert (cleaned.article.published, cleaned.article.published_source) == (given_date, "data")


def test_only_the_opening_paragraph_has_a_dateline():
    cleaned = clean_article(file_article(BODY + "\n\nMOSCOW, Dec. 20, 2016 (Reuters) - Ministers met in Moscow."))
    assert cleaned.dateline is None and cleaned.article.published is None
    assert cleaned.article.outlet_source == "file name"  # a wire named mid-article is not the outlet


# --- outlets from credit lines ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "footer, outlet",
    [
        ("This report prepared by Randi Nord for Geopolitics Alert.", "Geopolitics Alert"),
        ("All content created by the Daily Caller News Foundation, an independent and nonpartisan newswire "
         "service, is available without charge to any legitimate news publisher that can provide a large "
         "audience.", "Daily Caller News Foundation"),
        ("Supporting Independent & Investigative News is important to us. Please, follow us on Twitter: "
         "Follow @DNewsHQ", "@DNewsHQ"),
        ("Copyright 2025 Island Wire Service. All rights reserved.", "Island Wire Service"),
        ("© 2016 Thomson Reuters. All rights reserved.", "Thomson Reuters"),
        ("this report prepared by randi nord for geopolitics alert.", "Geopolitics Alert"),  # Multi-News, lower-cased: title case
    ],
)
def test_credit_line_names_the_outlet_when_the_input_did_not(footer, outlet):
    article = file_article(BODY + "\n\n" + footer)
    cleaned = clean_article(article)
    assert footer.split()[0] in " ".join(span.text for span in cleaned.removed)  # the cleaner removed it
    assert (cleaned.article.outlet, cleaned.article.outlet_source) == (outlet, "credit line")
    assert cleaned.id == article.id  # the id is the one ingest computed from the file name


@pytest.mark.parametrize(
    "ending",
    [
        "Follow the money, he said.",
        "Follow Russ Read on Twitter",  # a reporter's prompt names a person, not the outlet
        "The ministry told Reuters on Tuesday that this report prepared by its staff for Geopolitics Alert was false.",
        "Iran said the report was prepared by Western agencies for the talks.",
    ],
)
def test_article_sentences_and_personal_prompts_name_no_outlet(ending):
    cleaned = clean_article(file_article(BODY + "\n\n" + ending))
    assert (cleaned.article.outlet, cleaned.article.outlet_source) == ("000_0b9bc82ceaa10758", "file name")


def test_a_credit_mentioned_mid_article_is_not_read():
    text = BODY + "\n\nThis report prepared by Randi Nord for Geopolitics Alert.\n\n" + BODY
    cleaned = clean_article(file_article(text))
    assert cleaned.article.outlet_source == "file name"


def test_a_known_wire_tag_is_credited_by_its_name():
    article = file_article("Tucson, ariz. ( ap ) -- a ghostbell orchid opened on sunday.\n\n" + BODY)
    assert (clean_article(article).article.outlet, clean_article(article).article.outlet_source) == (
        "Associated Press", "dateline")


def test_a_wire_tag_after_a_byline_in_the_lead_names_the_outlet():
    lead = ("By Mara Quill, HarbourDay Reporter Wednesday, Jan. 14, 2015 (HarbourDay News) -- A new ferry was "
            "approved by the harbour board on Tuesday.")
    cleaned = clean_article(file_article(lead + "\n\n" + BODY))
    assert (cleaned.article.outlet, cleaned.article.outlet_source) == ("HarbourDay News", "dateline")
    # a dash after a parenthesis deep in the text, or without the dateline's spaces, is no wire tag
    for text in (BODY + " " * 10 + "x" * 700 + " (the board) -- was split.", "The vote (11-6) -- a surprise -- passed."):
        assert clean_article(file_article(text + "\n\n" + BODY)).article.outlet_source == "file name"


def test_credit_line_beats_the_dateline_wire_tag_and_the_wire_tag_beats_the_file_name():
    credited = clean_article(file_article("Kazakhstan (GPA) – " + BODY + "\n\nThis report prepared by Randi Nord for "
                                          "Geopolitics Alert."))
    assert (credited.article.outlet, credited.article.outlet_source) == ("Geopolitics Alert", "credit line")
    wire = clean_article(file_article("MOSCOW (Reuters) - " + BODY))
    assert (wire.article.outlet, wire.article.outlet_source) == ("Reuters", "dateline")


def test_an_outlet_from_the_data_or_url_is_kept():
    footer = "\n\nCopyright 2025 Island Wire Service. All rights reserved."
    for source in ("data", "url"):
        cleaned = clean_article(file_article("MOSCOW (Reuters) - " + BODY + footer, outlet_source=source))
        assert (cleaned.article.outlet, cleaned.article.outlet_source) == ("000_0b9bc82ceaa10758", source)


def test_credits_are_read_only_from_credit_rules():
    spans = [RemovedSpan(0, 10, "This report prepared by X for Geopolitics Alert.", "disclaimer")]
    assert outlet_from_credits(spans) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_reads_without_error(text):
    read_dateline(text)
    outlet_from_credits([RemovedSpan(0, len(text), text, rule) for rule in ("report_credit", "licence_footer",
                                                                           "social_prompt")])


# --- ingest and the store record where the outlet came from ---------------------------------------

def test_ingest_records_outlet_source(tmp_path):
    common = dict(source="s", raw="", raw_format="jsonl", default_outlet="pile")
    assert make_article({"text": "x", "outlet": "Norvane Herald"}, **common).outlet_source == "data"
    assert make_article({"text": "x", "url": "https://www.herald.example/a"}, **common).outlet_source == "url"
    assert make_article({"text": "x"}, **common).outlet_source == "file name"
    path = tmp_path / "000_0b9bc82ceaa10758.txt"
    path.write_text("Talks\n\n" + BODY, encoding="utf-8")
    article = read_text_article(path, path.read_text(encoding="utf-8"))
    assert (article.outlet, article.outlet_source) == ("000_0b9bc82ceaa10758", "file name")


def test_store_keeps_the_named_outlet_and_its_source(tmp_path):
    text = "PORT ALDRIC, March 4, 2025 (IWS) — " + BODY + "\n\nThis report prepared by Randi Nord for Geopolitics Alert."
    cleaned = clean_article(file_article(text))
    with Store(tmp_path / "s.db") as store:
        with store.transaction():
            store.put_article(cleaned)
        back = store.cleaned_article(cleaned.id).article
    assert (back.outlet, back.outlet_source) == ("Geopolitics Alert", "credit line")
    assert (back.published, back.published_source) == (datetime(2025, 3, 4), "dateline")


def test_rows_stored_before_the_migration_get_honest_defaults(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as raw:
        raw.executescript(MIGRATIONS[0])
        raw.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        raw.execute("INSERT INTO schema_version VALUES (1)")
        raw.execute(
            "INSERT INTO articles (id, title, text, outlet, source, published, raw, raw_format, encoding,"
            " cleaned_text, cleaned_title, removed, ingested_at)"
            " VALUES ('a1', 't', 'x', 'pile', 'pile.txt', '2025-03-04T00:00:00', '', 'text', 'utf-8', 'x', '', '[]', '')"
        )
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        old = store.cleaned_article("a1").article
    assert (old.outlet_source, old.published_source) == ("not recorded", "data")
