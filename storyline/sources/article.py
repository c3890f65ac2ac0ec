"""One article from one record: the limits an input must keep, its id, outlet and date, and the mapping
of the input's columns onto our fields. Every reader builds its articles here (:func:`make_article`), so
the same text gives the same article and id whatever format it came in."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from datetime import datetime, timezone
from typing import Mapping
from urllib.parse import urlparse

from storyline.errors import InputError
from storyline.models import Article

log = logging.getLogger(__name__)

# One article file larger than this is not an article (a log, a dump with the wrong extension, ...);
# one dump row (JSONL line, CSV record) may not be larger either. Configurable: iter_articles(max_bytes=).
MAX_ARTICLE_BYTES = 10 * 1024 * 1024
# An article's text longer than this is not one article either: the longest news long-reads run to about
# 200,000 characters, and 1,000,000 is spaCy's own max_length. Beyond it the analysis (pysbd, NER,
# embeddings) would take minutes for one input, so such a text is refused with a clear error.
MAX_ARTICLE_CHARS = 1_000_000
# Publication dates outside these years are data errors (a year 1 or 99999 in a dump), not news dates;
# they are dropped like any unreadable date. Fixed bounds, so the same input always gives the same result.
PUBLISHED_YEARS = (1800, 2100)
FIELDS = ("url", "title", "text", "published", "outlet", "author")


def _normalise_for_id(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()


def article_id(outlet: str, title: str, text: str) -> str:
    """A stable, content-based id: the same outlet, headline and body always give the same id."""
    digest = hashlib.sha256(
        "\x1f".join(_normalise_for_id(part) for part in (outlet, title, text)).encode("utf-8")
    )
    return digest.hexdigest()[:16]


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlparse(url).hostname or ""
    except ValueError:  # "http://[oops": not a URL at all
        return None
    return host.removeprefix("www.") or None


def parse_published(value: object, where: str) -> datetime | None:
    """A publication date as naive UTC, or None (logged) when it is missing or not a real date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        # ISO 8601 first: what most dumps carry, and far cheaper than dateutil (which took 60% of the
        # JSONL ingest time on a 20,000-row dump)
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            parsed = None
    if parsed is None:
        from dateutil import parser as date_parser

        try:
            parsed = date_parser.parse(str(value))
        except (ValueError, OverflowError, TypeError):
            log.warning("%s: publication date %r is not a date; kept the article without it", where, value)
            return None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
        except (OverflowError, ValueError):  # "0001-01-01T00:00+05:00" has no UTC time
            parsed = None
    if parsed is None or not PUBLISHED_YEARS[0] <= parsed.year <= PUBLISHED_YEARS[1]:
        log.warning("%s: publication date %r is out of range; kept the article without it", where, value)
        return None
    return parsed


# --- one article from fields ------------------------------------------------------------------------


_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(text: str) -> str:
    """Lone surrogates (a JSON "\\ud800", a file name that is not UTF-8) as U+FFFD: they cannot be
    encoded, so hashing or storing them would fail."""
    return _SURROGATE.sub("\ufffd", text)


def make_article(
    record: Mapping[str, object],
    *,
    source: str,
    raw: str,
    raw_format: str,
    default_outlet: str,
    encoding: str = "utf-8",
    default_outlet_source: str = "file name",
) -> Article:
    """Build an Article from a record with our field names; raises InputError when it has no text."""
    value = record.get("text")
    if isinstance(value, (dict, list, tuple)):
        raise InputError(f"field 'text' is a {type(value).__name__}, not text", input=source,
                         fix="map the right column with --field text=COLUMN")
    source, default_outlet, raw = _storable(source), _storable(default_outlet), _storable(raw)
    record = {key: _storable(field) if isinstance(field, str) else field for key, field in record.items()}
    text = _storable(str(value or "")).strip()
    if not text:
        raise InputError("no article text (field 'text' is missing or empty)", input=source,
                         fix="map the right column with --field text=COLUMN")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(f"article text too long ({len(text):,} characters > {MAX_ARTICLE_CHARS:,})",
                         input=source, fix="split it into articles")
    url = str(record.get("url") or "").strip() or None
    title = str(record.get("title") or "").strip()
    outlet, outlet_source = str(record.get("outlet") or "").strip(), "data"
    if not outlet:
        domain = outlet_from_url(url)
        outlet, outlet_source = (domain, "url") if domain else (default_outlet, default_outlet_source)
    author = str(record.get("author") or "").strip() or None
    published = parse_published(record.get("published"), source)
    return Article(
        id=article_id(outlet, title, text),
        title=title,
        text=text,
        outlet=outlet,
        source=source,
        url=url,
        published=published,
        author=author,
        raw=raw,
        raw_format=raw_format,
        encoding=encoding,
        outlet_source=outlet_source,
    )


# Column names other tools give our fields, tried (in this order, any letter case) when a row has no
# column of our own name and --field maps none: news-please (maintext, date_publish, source_domain,
# authors), NewsAPI (content, publishedAt, source: {"name": ...}), spreadsheets (Headline, Body, Date).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("body", "content", "maintext", "article", "article_text", "full_text", "fulltext", "story"),
    "title": ("headline", "heading", "article_title"),
    "published": ("date", "date_publish", "published_at", "publishedat", "publish_date", "pubdate", "pub_date",
                  "date_published", "publication_date", "datetime"),
    "url": ("link", "article_url", "source_url", "href"),
    "outlet": ("source", "source_domain", "site", "site_name", "sitename", "publisher", "domain", "source_name"),
    "author": ("authors", "byline", "creator"),
}


def check_fields(fields: Mapping[str, str]) -> None:
    """A --field map may only name our fields."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        from storyline.errors import ConfigError

        raise ConfigError(f"unknown field(s) {', '.join(sorted(unknown))}", fix=f"map one of: {', '.join(FIELDS)}")


def map_fields(record: Mapping[str, object], fields: Mapping[str, str]) -> dict[str, object]:
    """Rename the input's columns to ours: fields maps OURS -> THEIRS; an unmapped field is read from the
    column of our name, else from the first of its FIELD_ALIASES the row has."""
    by_lower = {str(column).lower(): column for column in record}
    mapped: dict[str, object] = {}
    for ours in FIELDS:
        if ours in fields:
            mapped[ours] = record.get(fields[ours])
            continue
        column = next((by_lower[name] for name in (ours, *FIELD_ALIASES[ours]) if name in by_lower), None)
        value = record.get(column) if column is not None else None
        if ours in ("outlet", "author"):  # NewsAPI's {"id": ..., "name": "BBC News"}, news-please's author list
            if isinstance(value, Mapping):
                value = value.get("name")
            elif isinstance(value, (list, tuple)):
                value = ", ".join(str(v) for v in value if isinstance(v, str) and v.strip()) or None
        mapped[ours] = value
    return mapped


def no_text_column(columns, fields: Mapping[str, str], where: str, whose: str = "the row") -> InputError | None:
    """The error for a row (or a CSV/Parquet file, whose columns are the same in every row) that has no
    column the text could be read from; None when it has one, or when --field maps the text."""
    columns = list(columns)
    if "text" in fields or not columns or {"text", *FIELD_ALIASES["text"]} & {str(c).lower() for c in columns}:
        return None
    return InputError(f"no article text: no 'text' column nor one of {', '.join(FIELD_ALIASES['text'])} "
                      f"({whose} has: {', '.join(map(str, columns[:12]))})", input=where,
                      fix="map the right column with --field text=COLUMN")


def article_or_error(
    record: Mapping[str, object], fields: Mapping[str, str], **article_options: str
) -> Article | InputError:
    """One dump row as an Article, or the error that makes it unusable (the dump goes on)."""
    mapped = map_fields(record, fields)
    missing = no_text_column(record, fields, article_options["source"])
    if missing:
        return missing
    try:
        return make_article(mapped, **article_options)
    except InputError as exc:
        return exc

