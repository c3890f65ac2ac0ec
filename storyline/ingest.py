"""Read articles from files and dumps: plain text, HTML pages, JSONL, CSV and Parquet.

``iter_articles`` streams (dumps can be larger than memory) and yields either an :class:`Article` or an
:class:`InputError` for each input or row that could not be read, so one bad input never stops a
batch; ``read_inputs`` collects the same stream. Each article keeps its raw input, gets a stable
content-based id, its outlet (from the data, else the URL's domain, else the file name) and its
publication date when known.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator, Mapping
from urllib.parse import urlparse

from storyline.errors import InputError, require
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
# Main text shorter than this on a page is navigation or an error page, not an article (the shortest
# real news items, briefs, run to a few sentences).
MIN_HTML_ARTICLE_WORDS = 25
FIELDS = ("url", "title", "text", "published", "outlet", "author")
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
CSV_SUFFIXES = {".csv", ".tsv"}
PARQUET_SUFFIXES = {".parquet"}


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


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


# --- decoding -------------------------------------------------------------------------------------


def decode_text(data: bytes, where: str) -> str:
    return decode_bytes(data, where)[0]


def decode_bytes(data: bytes, where: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1.

    Returns the text and the encoding used. UTF-16 without a BOM is recognised by its NUL bytes (every
    other byte, for Latin text); a UTF-8 file cut in the middle of its last character is still UTF-8.
    Refuses binary data: other NUL bytes, or mostly control characters.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_utf16(data, "utf-16", where), "utf-16"
    if b"\x00" in data[:65536]:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise InputError("binary file, not text", input=where, fix="give text, HTML, JSONL, CSV or Parquet")
        text = _decode_utf16(data, encoding, where)
        _refuse_control_characters(text, where)
        return text, encoding
    encoding = "utf-8"
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut_at_end = exc.reason == "unexpected end of data" and exc.end == len(body)
        if cut_at_end and max(body[: exc.start], default=0) >= 0x80:
            # Truncated in the middle of the last character (a cut download) of a text that has other
            # UTF-8 multi-byte characters: the rest is UTF-8, and reading it all as cp1252 would garble
            # every accented letter. (Plain ASCII ending in one such byte is cp1252: "café" ends in 0xE9.)
            log.info("%s: ends in the middle of a UTF-8 character; that character was dropped", where)
            text = body[: exc.start].decode("utf-8")
            _refuse_control_characters(text, where)
            return text, encoding
        # Not UTF-8: the usual legacy encoding of Western news pages. cp1252 is a superset of
        # Latin-1's printable range; bytes it leaves undefined fall back to Latin-1.
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
        log.info("%s: not UTF-8, read as %s", where, encoding)
    _refuse_control_characters(text, where)
    return text, encoding


def _refuse_control_characters(text: str, where: str) -> None:
    sample = text[:4096]
    control = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if sample and control / len(sample) > 0.05:
        raise InputError("binary file, not text", input=where, fix="give text, HTML, JSONL, CSV or Parquet")


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NUL bytes sit in every other byte, as in UTF-16 Latin text."""
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    # A Latin-script text has a zero high byte for almost every character; binary data has NULs anywhere.
    if odd.count(0) >= 0.6 * len(odd) and even.count(0) <= 0.02 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.6 * len(even) and odd.count(0) <= 0.02 * len(odd):
        return "utf-16-be"
    return None


def _decode_utf16(data: bytes, encoding: str, where: str) -> str:
    try:
        return data[: len(data) - len(data) % 2].decode(encoding)  # a cut final byte is dropped
    except UnicodeDecodeError:
        raise InputError("looks like UTF-16 but does not decode", input=where) from None


def _read_bytes(path: Path, limit: int | None) -> bytes:
    where = str(path)
    too_large = "split it, or give a JSONL/CSV dump with one article per row"
    try:
        size = path.stat().st_size
        if limit is not None and size > limit:
            raise InputError(f"too large for one article ({size / 1e6:.1f} MB > {limit / 1e6:.0f} MB)",
                             input=where, fix=too_large)
        if limit is None or path.is_file():
            return path.read_bytes()
        # A pipe or device (/dev/zero, <(zcat ...)) has no size: read at most the limit, never forever.
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"too large for one article (over {limit / 1e6:.0f} MB)", input=where, fix=too_large)
        return data
    except PermissionError:
        raise InputError("permission denied", input=where) from None
    except IsADirectoryError:
        raise InputError("is a directory", input=where) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", input=where) from None


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


def _map_fields(record: Mapping[str, object], fields: Mapping[str, str]) -> dict[str, object]:
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


def _no_text_column(columns, fields: Mapping[str, str], where: str, whose: str = "the row") -> InputError | None:
    """The error for a row (or a CSV/Parquet file, whose columns are the same in every row) that has no
    column the text could be read from; None when it has one, or when --field maps the text."""
    columns = list(columns)
    if "text" in fields or not columns or {"text", *FIELD_ALIASES["text"]} & {str(c).lower() for c in columns}:
        return None
    return InputError(f"no article text: no 'text' column nor one of {', '.join(FIELD_ALIASES['text'])} "
                      f"({whose} has: {', '.join(map(str, columns[:12]))})", input=where,
                      fix="map the right column with --field text=COLUMN")


def _article_or_error(
    record: Mapping[str, object], fields: Mapping[str, str], **article_options: str
) -> Article | InputError:
    """One dump row as an Article, or the error that makes it unusable (the dump goes on)."""
    mapped = _map_fields(record, fields)
    missing = _no_text_column(record, fields, article_options["source"])
    if missing:
        return missing
    try:
        return make_article(mapped, **article_options)
    except InputError as exc:
        return exc


# --- readers ----------------------------------------------------------------------------------------


# Headlines run to 20 words at most in practice; a longer first line is the article's first paragraph.
HEADLINE_MAX_WORDS = 30


def read_text_article(path: Path, raw: str, encoding: str = "utf-8") -> Article:
    lines = raw.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise InputError("the file is empty", input=str(path))
    title = lines[first].strip()
    text = "\n".join(lines[first + 1 :]).strip("\n")
    if len(title.split()) > HEADLINE_MAX_WORDS:  # a first paragraph, not a headline: the file has none
        title, text = "", "\n".join(lines[first:]).strip("\n")
    if not text.strip():
        raise InputError("has a headline but no article text", input=str(path))
    return make_article({"title": title, "text": text}, source=str(path), raw=raw, raw_format="text",
                        default_outlet=path.stem, encoding=encoding)


# The page's own statement of its author, in the order tried: <meta name="author">, the New York Times'
# "byl", Open Graph's article:author (when it is a name, not a profile URL), Dublin Core, Parse.ly,
# Sailthru and schema.org's itemprop. trafilatura reads some of these but drops one-word names
# ("Reuters", "Staff") and mangles others, so the page's own words come first.
AUTHOR_META = ("author", "byl", "article:author", "og:article:author", "dc.creator", "dcterms.creator",
               "parsely-author", "sailthru.author", "itemprop:author")


class _HeadDone(Exception):
    pass


class _HeadMeta(HTMLParser):
    """The <meta> tags of a page's head: (name, property or itemprop, lower case) -> their contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            raise _HeadDone  # the head is over: the rest of the page is not read
        if tag == "meta":
            found = dict(attrs)
            itemprop = found.get("itemprop")
            key = found.get("name") or found.get("property") or (f"itemprop:{itemprop}" if itemprop else None)
            if key and (found.get("content") or "").strip():
                self.values.setdefault(key.strip().lower(), []).append(" ".join(found["content"].split()))


def meta_author(html: str) -> str | None:
    """The author a page declares in its <meta> tags (``AUTHOR_META``), several joined by ", "; None when none."""
    parser = _HeadMeta()
    try:
        parser.feed(html[:200_000])  # a head is a few KB; a page without <body> is not read to its end
    except _HeadDone:
        pass
    for key in AUTHOR_META:
        names = [re.sub(r"^by\s+", "", value, flags=re.IGNORECASE) for value in parser.values.get(key, [])
                 if "://" not in value and not value.startswith("@")]
        if names:
            return ", ".join(dict.fromkeys(names))
    return None


def trafilatura_paragraphs(text: str) -> str:
    """trafilatura's text with a blank line between paragraphs: it separates them with one newline, and
    storyline's stages expect a blank line."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def extract_html(
    html: str, *, source: str, url: str | None = None, default_outlet: str = "", encoding: str = "utf-8"
) -> Article:
    """Main text and metadata of a news page (trafilatura), paragraphs separated by blank lines."""
    import trafilatura

    # trafilatura's balanced mode, not favor_precision: precision mode keeps only the first <article> block
    # of a liveblog and finds nothing in a table layout, and storyline's cleaner removes what balanced mode
    # lets through (storyline bench html: F1 0.920 with favor_precision, see the README for today's)
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        # keep the time of day too (htmldate's default output is the date alone); prefer the original
        # publication date over the last-modified one; only dates the page's markup gives (meta tags,
        # JSON-LD, <time>, the URL): a search of the page's text takes the earliest date it finds, which is
        # often a related story's ("Published 12 May 2024" in a "More on this story" list), and a wrong
        # date misplaces the article in timelines and stories where no date only leaves it undated
        date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True,
                                "extensive_search": False},
    )
    if document is None or len((document.text or "").split()) < MIN_HTML_ARTICLE_WORDS:
        raise InputError("HTML page with no article text (a menu, index or error page?)", input=source)
    text = trafilatura_paragraphs(document.text)
    page_url = url or document.url
    record = {
        "title": document.title or "",
        "text": text,
        "url": page_url,
        "outlet": document.sitename or None,
        "author": meta_author(html) or document.author,
        "published": document.date,
    }
    # make_article takes the page URL's domain before this fallback
    fallback, fallback_source = (default_outlet, "file name") if default_outlet else ("unknown", "unknown")
    return make_article(record, source=source, raw=html, raw_format="html", encoding=encoding,
                        default_outlet=fallback, default_outlet_source=fallback_source)


def _bounded_lines(handle, max_bytes: int) -> Iterator[bytes | str | None]:
    """The lines of a binary (or text) file; None for a line over max_bytes (characters for a text
    file), which is skipped, not held in memory."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        newline = "\n" if isinstance(line, str) else b"\n"
        if len(line) > max_bytes and not line.endswith(newline):
            while line and not line.endswith(newline):  # skip the rest of the oversize line
                line = handle.readline(1 << 20)
            yield None
        else:
            yield line


def _decode_row(line: bytes) -> tuple[str, str]:
    """One dump row as text: UTF-8 as JSON requires, else the Windows-1252/Latin-1 of legacy exports."""
    try:
        return line.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            return line.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return line.decode("latin-1"), "latin-1"


def jsonl_row(line: bytes | str | None, where: str, fields: Mapping[str, str], *, default_outlet: str,
              max_bytes: int, encoding: str | None = None) -> Article | InputError | None:
    """One line of a JSONL dump as an article or its error; None for a blank line. ``line`` None means
    the line was over ``max_bytes``; a str line was decoded as ``encoding``, bytes are decoded here."""
    if line is None:
        return InputError(f"row too large (over {max_bytes / 1e6:.1f} MB)", input=where)
    if not line.strip():
        return None
    raw, encoding = (line, encoding or "utf-8") if isinstance(line, str) else _decode_row(line)
    raw = raw.strip().lstrip("\ufeff")
    try:
        record = json.loads(raw)
    # ValueError: a number over Python's 4,300-digit limit; RecursionError: [[[[... nested too deep
    except (ValueError, RecursionError) as exc:
        problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        return InputError(f"not valid JSON ({problem})", input=where)
    if not isinstance(record, dict):
        return InputError("a JSONL row must be an object", input=where)
    return _article_or_error(record, fields, source=where, raw=raw, raw_format="jsonl",
                             default_outlet=default_outlet, encoding=encoding.removesuffix("-sig"))


def _iter_jsonl(path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
    with path.open("rb") as handle:
        # A binary file is one error for the whole file, not one per "line" of noise.
        _, sniffed = decode_bytes(handle.read(1 << 16), str(path))
        handle.seek(0)
        if sniffed.startswith("utf-16"):
            handle = io.TextIOWrapper(handle, encoding=sniffed, errors="replace", newline="")
        rows = 0
        for number, line in enumerate(_bounded_lines(handle, max_bytes), start=1):
            item = jsonl_row(line, f"{path}:{number}", fields, default_outlet=path.stem, max_bytes=max_bytes,
                             encoding=sniffed)
            if item is None:
                continue
            rows += line is not None
            yield item
        if rows == 0:
            yield InputError("the file is empty (no JSON rows)", input=str(path))


def _iter_csv(path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
    csv.field_size_limit(max_bytes)
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip():
        raise InputError("the file is empty", input=str(path))
    _, sniffed = decode_bytes(head, str(path))  # refuses binary data early, with the usual message
    if sniffed.startswith("utf-16"):
        encoding = sniffed
    else:
        try:
            head.decode("utf-8-sig")
            encoding = "utf-8-sig"
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still UTF-8.
            encoding = "utf-8-sig" if exc.start >= len(head) - 3 else "cp1252"
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(encoding=encoding, errors="replace", newline="") as text:
        yield from _iter_csv_rows(_BoundedLines(text, max_bytes), path, fields, delimiter,
                                  encoding.removesuffix("-sig"))


class _BoundedLines:
    """The lines of a text file for the csv module, each at most ``max_chars`` long. An oversize line is
    skipped without being held in memory (the csv module would read it whole) and ends the iteration;
    ``oversize`` then holds its line number until the caller resets it and goes on."""

    def __init__(self, handle, max_chars: int) -> None:
        self.handle, self.max_chars = handle, max_chars
        self.count = 0  # physical lines read so far
        self.oversize: int | None = None

    def __iter__(self) -> "_BoundedLines":
        return self

    def __next__(self) -> str:
        if self.oversize is not None:
            raise StopIteration
        line = self.handle.readline(self.max_chars + 1)
        if not line:
            raise StopIteration
        self.count += 1
        if len(line) > self.max_chars and not line.endswith(("\n", "\r")):
            while line and not line.endswith(("\n", "\r")):
                line = self.handle.readline(1 << 20)
            self.oversize = self.count
            raise StopIteration
        return line


def _iter_csv_rows(
    lines: _BoundedLines, path: Path, fields: Mapping[str, str], delimiter: str, encoding: str
) -> Iterator[Article | InputError]:
    too_large = f"row too large (a line over {lines.max_chars / 1e6:.1f} MB)"
    reader = csv.DictReader(lines, delimiter=delimiter, strict=True)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        yield InputError(f"malformed CSV header ({exc})", input=f"{path}:1")
        return
    if lines.oversize is not None:
        yield InputError(f"header {too_large.removeprefix('row ')}", input=f"{path}:{lines.oversize}")
        return
    if not fieldnames:
        yield InputError("the file is empty", input=str(path))
        return
    missing = _no_text_column(fieldnames, fields, str(path), whose="its header")
    if missing:  # the same in every row: one error for the file
        yield missing
        return
    rows = 0
    while True:
        line = lines.count + 1  # the row's first line: the csv module never reads ahead
        try:
            row = next(reader)
        except StopIteration:
            if lines.oversize is None:
                break
            row = None
        except csv.Error as exc:
            if lines.oversize is not None:  # the cut line left a quoted cell open
                row = None
            elif "field limit" in str(exc):  # one oversize cell: that row is lost, the next line goes on
                yield InputError(f"row too large ({exc})", input=f"{path}:{line}")
                continue
            else:
                yield InputError(f"malformed CSV ({exc})", input=f"{path}:{line}")
                return  # the reader cannot resynchronise after a quoting error
        if row is None:  # an oversize line: that row is lost, a fresh reader goes on after it
            yield InputError(too_large, input=f"{path}:{lines.oversize}")
            lines.oversize = None
            reader = csv.DictReader(lines, fieldnames=fieldnames, delimiter=delimiter, strict=True)
            continue
        rows += 1
        where = f"{path}:{line}"
        if None in row:  # more cells than the header has columns
            yield InputError("row has more cells than the header", input=where)
            continue
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(row.values())
        yield _article_or_error(row, fields, source=where, raw=buffer.getvalue(), raw_format="csv",
                                default_outlet=path.stem, encoding=encoding)
    if rows == 0:
        yield InputError("has a header but no rows", input=str(path))


def _iter_parquet(path: Path, fields: Mapping[str, str]) -> Iterator[Article | InputError]:
    parquet = require("pyarrow.parquet", extra="scale", purpose="reading Parquet dumps")
    try:
        table_file = parquet.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        yield InputError(f"not a readable Parquet file ({exc})", input=str(path))
        return
    missing = _no_text_column(table_file.schema_arrow.names, fields, str(path), whose="the table")
    if missing:  # the same in every row: one error for the file
        yield missing
        return
    row_number = 0
    batches = table_file.iter_batches(batch_size=1024)
    while True:
        try:
            records = next(batches).to_pylist()
        except StopIteration:
            return
        except Exception as exc:  # a corrupt row group: the rows before it are kept
            yield InputError(f"not a readable Parquet file after row {row_number} ({exc})", input=str(path))
            return
        for record in records:
            row_number += 1
            where = f"{path}#row={row_number}"
            yield _article_or_error(record, fields, source=where, raw=json.dumps(record, default=str),
                                    raw_format="parquet", default_outlet=path.stem)


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def _iter_file(path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _iter_jsonl(path, fields, max_bytes)
        return
    if suffix in CSV_SUFFIXES:
        yield from _iter_csv(path, fields, max_bytes)
        return
    if suffix in PARQUET_SUFFIXES:
        yield from _iter_parquet(path, fields)
        return
    raw, encoding = decode_bytes(_read_bytes(path, max_bytes), str(path))
    if not raw.strip():
        raise InputError("the file is empty", input=str(path))
    if suffix in HTML_SUFFIXES or _looks_like_html(raw):
        yield extract_html(raw, source=str(path), default_outlet=path.stem, encoding=encoding)
    else:
        yield read_text_article(path, raw, encoding)


def _is_project_file(path: Path) -> bool:
    """README/LICENSE files beside a pile of articles describe the pile; they are not articles."""
    return path.name.upper().startswith(("README", "LICENSE", "LICENCE", "CHANGELOG"))


def _expand(path: Path) -> Iterator[Path | InputError]:
    if path.is_dir():
        found = False
        for child in sorted(path.rglob("*")):
            relative = child.relative_to(path).parts
            if child.is_file() and not any(part.startswith(".") for part in relative) and not _is_project_file(child):
                found = True
                yield child
        if not found:
            yield InputError("no article files in this directory", input=str(path),
                             fix="hidden files and README/LICENSE files are not read")
    elif path.exists() or path.is_symlink():
        yield path
    else:
        yield InputError("no such file or directory", input=str(path))


def iter_articles(
    paths: Iterable[str | Path], *, fields: Mapping[str, str] | None = None, max_bytes: int = MAX_ARTICLE_BYTES
) -> Iterator[Article | InputError]:
    """Every article in the inputs, in order, or an InputError for each input or row that failed.

    ``fields`` maps our field names to the input's columns ({"text": "body"}); ``max_bytes`` limits one
    article file or one dump row (dumps themselves stream and have no limit).
    """
    fields = dict(fields or {})
    check_fields(fields)
    for given in paths:
        for item in _expand(Path(given)):
            if isinstance(item, InputError):
                yield item
                continue
            try:
                yield from _iter_file(item, fields, max_bytes)
            except InputError as exc:
                yield exc
            except OSError as exc:  # a dump that vanished, a broken link, no permission, a read error
                yield InputError(f"cannot be read ({exc.strerror or exc})", input=str(item))


def read_inputs(
    paths: Iterable[str | Path], *, fields: Mapping[str, str] | None = None, max_bytes: int = MAX_ARTICLE_BYTES
) -> IngestResult:
    result = IngestResult()
    for item in iter_articles(paths, fields=fields, max_bytes=max_bytes):
        if isinstance(item, InputError):
            result.errors.append(item)
        else:
            result.articles.append(item)
    return result
