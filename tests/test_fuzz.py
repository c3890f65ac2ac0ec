"""Property tests (hypothesis) for the code that meets raw input: decoding, the JSONL/CSV readers, HTML
extraction, the cleaner, sentence splitting and date resolution.

Each may only fail with the project's InputError, and its output keeps its invariants. Budgets are
bounded (200 examples, no deadline) so the file runs in well under a minute. Crashes found here are
fixed in the code and kept as explicit @example regressions.
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storyline.analyze import MAX_PARAGRAPH_CHARS, PysbdSplitter, paragraph_spans, split_sentences
from storyline.clean import clean_article
from storyline.errors import InputError
from storyline.sources.article import MAX_ARTICLE_CHARS, PUBLISHED_YEARS, article_id, parse_published
from storyline.sources.decode import decode_bytes, decode_text
from storyline.sources.html_page import extract_html
from storyline.sources.route import iter_articles
from storyline.models import Article
from storyline.dates import parse_date

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text with the characters that matter to these parsers: letters, digits, quotes, punctuation, white space.
NEWSY = st.lists(
    st.sampled_from(list("abcdefgh ABCDEFGH .,;:!?'\"“”‘’()-–—\n\n\t0123456789/é") + ["Mr.", "U.S.", "\r\n"]),
    max_size=300,
).map("".join)
ANY_TEXT = st.one_of(NEWSY, st.text(max_size=300))


def _check_article(item) -> None:
    assert isinstance(item, (Article, InputError)), item
    if isinstance(item, Article):
        assert item.text.strip() and len(item.text) <= MAX_ARTICLE_CHARS
        assert item.published is None or PUBLISHED_YEARS[0] <= item.published.year <= PUBLISHED_YEARS[1]


# --- decoding ---------------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2_000))
@example("Caf\u00e9 cr\u00e8me".encode()[:-1])  # cut inside the last character: was read as cp1252 mojibake
@example("Die Br\u00fccke".encode("utf-16-le"))  # UTF-16 without a BOM: was refused as binary
@example("caf\u00e9".encode("cp1252"))  # ends in a UTF-8 lead byte, yet is cp1252, not cut UTF-8
@example(b"\xff\xfeA")  # a BOM and half a character
def test_decode_bytes_gives_text_or_input_error(data):
    try:
        text, encoding = decode_bytes(data, "fuzz")
    except InputError as exc:
        assert exc.input == "fuzz"
        return
    assert isinstance(text, str) and encoding in {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"}
    assert decode_text(data, "fuzz") == text


@FUZZ
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_categories=("Cc",))
                        | st.sampled_from("“”‘’–—€"),
               min_size=4, max_size=300).filter(lambda t: sum(c <= "\xff" for c in t) >= 0.8 * len(t)),
       st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"]))
def test_latin_text_in_utf16_with_or_without_bom_decodes_exactly(text, encoding):
    # Without a BOM, UTF-16 is recognised by the zero high bytes of mostly Latin-1 text (see
    # sources.decode._utf16_without_bom: at least 60% of the characters); other scripts need the BOM.
    assert decode_bytes(text.encode(encoding), "x") == (text, encoding)


@FUZZ
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("éèàçüöß€“”‘’–—"),
               min_size=1, max_size=300).filter(lambda t: any(ord(c) > 0x7E for c in t))
       # Two such characters side by side can be valid UTF-8 too ("ß–" is b"\xdf\x96", UTF-8 for "ߖ"):
       # genuinely ambiguous, and read as UTF-8. Text has letters between them.
       .filter(lambda t: not re.search(r"[^\x00-\x7e]{2}", t)))
def test_windows_1252_text_decodes_exactly(text):
    assert decode_bytes(text.encode("cp1252"), "x") == (text, "cp1252")


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=200)
       .filter(lambda t: not t.startswith("\ufeff") and ord(t[-1]) > 0x7F and max(t[:-1], default="a") > "\x7f"),
       st.integers(1, 3))
def test_utf8_cut_inside_its_last_character_keeps_the_rest(text, cut):
    data = text.encode("utf-8")
    cut = min(cut, len(text[-1].encode()) - 1)
    if cut < 1:
        return
    decoded, encoding = decode_bytes(data[:-cut], "x")
    assert (decoded, encoding) == (text[:-1], "utf-8")


# --- dump readers -----------------------------------------------------------------------------------

# JSON can carry what a Python str cannot encode: lone surrogates ("\\ud800").
JSON_TEXT = ANY_TEXT | st.text(alphabet=st.characters(blacklist_categories=()), max_size=20)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | JSON_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
RECORDS = st.fixed_dictionaries(
    {},
    optional={"title": JSON_VALUES, "text": JSON_VALUES | ANY_TEXT, "published": JSON_VALUES | ANY_TEXT,
              "url": JSON_VALUES | ANY_TEXT, "outlet": JSON_VALUES, "author": JSON_VALUES},
)


@FUZZ
@given(st.lists(st.one_of(RECORDS.map(json.dumps), JSON_VALUES.map(json.dumps), ANY_TEXT), max_size=8))
@example(["[" * 50_000 + "]" * 50_000])  # RecursionError escaped the reader
@example(['{"text": ' + "9" * 5_000 + "}"])  # ValueError (int digit limit) escaped the reader
@example(['{"text": "x", "published": "0001-01-01T00:00:00+05:00"}'])  # OverflowError converting to UTC
@example(['{"text": "x", "published": "9999-12-31T23:00:00-05:00"}'])
@example(['{"text": "a lone \\ud800 surrogate"}'])  # UnicodeEncodeError hashing the article id
@example(['{"text": "x", "url": "http://[oops"}'])  # ValueError (invalid IPv6 host) finding the outlet
def test_jsonl_reader_gives_articles_or_input_errors(tmp_path, lines):
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    items = list(iter_articles([path]))
    assert items, "even an empty dump gives one error"
    for item in items:
        _check_article(item)
        if isinstance(item, InputError):
            assert str(path) in item.one_line()


CELLS = st.lists(st.sampled_from(list('ab ,"\n\r\t;é') + ['""']), max_size=20).map("".join)


@FUZZ
@given(st.lists(st.lists(CELLS, min_size=1, max_size=4), min_size=0, max_size=6), st.booleans())
@example([["title", "text"], ["x", '"open quote']], False)
def test_csv_reader_gives_articles_or_input_errors(tmp_path, table, quoted):
    text = "\n".join(",".join(f'"{c}"' if quoted else c for c in row) for row in table)
    path = tmp_path / "dump.csv"
    path.write_text(text, encoding="utf-8")
    for item in iter_articles([path], max_bytes=200):
        _check_article(item)


# --- HTML -------------------------------------------------------------------------------------------

TAGS = st.sampled_from(["div", "p", "article", "span", "script", "table", "td", "main", "nav", "h1", "b"])


@st.composite
def html_pages(draw):
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag, text = draw(TAGS), draw(ANY_TEXT)
        parts.append(draw(st.sampled_from([f"<{tag}>{text}</{tag}>", f"<{tag}>{text}", text, f"</{tag}>",
                                           f"&{text[:5]};", f"<!-- {text} -->"])))
    head = draw(st.sampled_from(["", "<!doctype html>", "<?xml version='1.0'?>", "<html><head><title>T</title>"]))
    return head + "".join(parts)


@FUZZ
@given(html_pages())
@example("<html><body>" + "<div>" * 5_000 + "</body></html>")
def test_extract_html_gives_an_article_or_input_error(html):
    try:
        article = extract_html(html, source="page.html")
    except InputError as exc:
        assert exc.input == "page.html"
        return
    _check_article(article)


# --- cleaner ----------------------------------------------------------------------------------------


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    words = iter(big)
    return all(any(word == other for other in words) for word in small)


@FUZZ
@given(ANY_TEXT, st.text(max_size=40))
@example("Share\n\nAdvertisement\n\nBody text here.", "Share")
@example("Copyright 2025 X. All rights reserved.\n\nReal news.", "")
def test_cleaner_keeps_a_subsequence_of_the_input(text, title):
    article = Article(article_id("o", title, text), title, text, "o", "fuzz")
    cleaned = clean_article(article)
    # Cleaning only removes whole units and rejoins wrapped lines: the words stay, in order.
    assert _is_subsequence(cleaned.text.split(), text.split())
    assert "\n\n\n" not in cleaned.text
    for span in cleaned.removed:
        assert article.text[span.start:span.end] == span.text


# --- sentence splitting -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def splitter():
    return PysbdSplitter()


LONG_PARAGRAPH = " ".join(f"Sentence number {i} is here." for i in range(400))  # ~10,000 characters


@FUZZ
@given(ANY_TEXT)
@example(LONG_PARAGRAPH)  # longer than MAX_PARAGRAPH_CHARS: cut before pysbd, whose time is quadratic
@example("x" * (3 * MAX_PARAGRAPH_CHARS))  # no sentence end and no space to cut at
@example("a\n\n\n\nb")
@example(" !!")  # found in CI: pysbd returns no sentence for it, so the text was dropped
@example(" !!!!")  # found in CI: pysbd returns overlapping sentences (1, 2) and (1, 4)
def test_sentence_offsets_index_into_the_text(splitter, text):
    sentences = split_sentences(text, splitter, "a")
    end = 0
    for index, sentence in enumerate(sentences):
        assert sentence.index == index
        assert end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start:sentence.end] == sentence.text == sentence.text.strip()
        assert not re.search(r"\n\s*\n", sentence.text), "a sentence never crosses a paragraph break"
        if index:  # the pieces of a cut paragraph (LONG_PARAGRAPH) stay one paragraph
            new = sentence.paragraph != sentences[index - 1].paragraph
            assert new == bool(re.search(r"\n\s*\n", text[end : sentence.start]))
        end = sentence.end
    # Nothing but white space is left out.
    covered = "".join(s.text for s in sentences)
    assert "".join(text.split()) == "".join(covered.split())
    for start, stop in paragraph_spans(text):
        assert stop - start <= MAX_PARAGRAPH_CHARS


# --- dates ------------------------------------------------------------------------------------------

DATE_WORDS = st.sampled_from(
    ["February", "Feb.", "March", "Sept.", "Dec", "31", "29", "0", "00", "13", "2017", "1999", "99999", "2017-13-01",
     "2017-02-31", "2016-02-29", "31/02/2017", "Friday", "last", "next", "yesterday", "tomorrow", "month", "year",
     "early", "late", "the end of", "spring", "winter", "of", ",", "st", "th", "on", "in", "will", "met"])
DATE_TEXT = st.lists(DATE_WORDS, max_size=6).map(" ".join) | ANY_TEXT


@FUZZ
@given(DATE_TEXT, st.none() | st.dates(), ANY_TEXT)
@example("2017-13-01", None, "")  # month 13: IndexError in the label
@example("February 31, 2017", None, "")  # an impossible day was kept
@example("Feb. 29", date(2018, 6, 1), "")  # no leap year within one year of publication
@example("tomorrow", date(9999, 12, 31), "")  # OverflowError
@example("last month", date(1, 1, 1), "")  # year 0
def test_parse_date_gives_a_real_date_or_none(text, published, before):
    parsed = parse_date(text, published, context_before=before)
    if parsed is None:
        return
    assert parsed.label
    if parsed.year is not None:
        assert PUBLISHED_YEARS[0] - 1 <= parsed.year <= PUBLISHED_YEARS[1] + 1
    if parsed.month is not None:
        assert 1 <= parsed.month <= 12
    if parsed.day is not None:
        assert 1 <= parsed.day <= calendar.monthrange(parsed.year or 2000, parsed.month)[1]


@FUZZ
@given(st.one_of(DATE_TEXT, JSON_VALUES, st.datetimes(), st.datetimes(timezones=st.timezones())))
@example("0001-01-01T00:00:00+05:00")
@example("9999-12-31T23:00:00-05:00")
@example("99999-01-01")
@example("1" * 400)
def test_parse_published_gives_a_sane_date_or_none(value):
    parsed = parse_published(value, "fuzz")
    assert parsed is None or (isinstance(parsed, datetime) and parsed.tzinfo is None
                              and PUBLISHED_YEARS[0] <= parsed.year <= PUBLISHED_YEARS[1])
