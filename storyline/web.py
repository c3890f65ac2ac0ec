"""The web app (``storyline serve``): stories, briefings with followable citations, articles, adding.

Server-rendered pages (Jinja2) over the same Python API as the command line, and a JSON API with the
same data under ``/api`` (described by the OpenAPI schema at ``/openapi.json``). The pages need no
JavaScript: citation previews are CSS, a citation is a link to the article with the sentence
highlighted (server side) and scrolled into view (its fragment), and the boilerplate toggle is a
checkbox.

Article text is untrusted: Jinja2 autoescapes everything, hrefs from article data go through
``render.http_url``, and every response carries a Content-Security-Policy that allows no script at all.
The server answers only to the host names it was started for (``AllowedHosts``: DNS rebinding cannot
turn a reader's browser against it), caps every request body while it arrives (``RequestGuard``), and
fetches only public addresses unless started with ``--allow-private-urls`` (one ``fetch.FetchPolicy``
for every URL, feed and feed entry a submission can start).
Briefings are kept in the store as versions; a page is served from the latest version while the
story's articles are unchanged, and rebuilt (a new version) when they changed.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import shutil
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlparse

from storyline.errors import ConfigError, InputError, StoreError, StorylineError, require

require("fastapi", extra="web", purpose="storyline serve")
require("python_multipart", extra="web", purpose="storyline serve")

from fastapi import FastAPI, File, Form, Query, Request, UploadFile  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402
from starlette.exceptions import HTTPException  # noqa: E402

from storyline.changes import change_text, changes_since, parse_user_date  # noqa: E402
from storyline.sources.fetch import PUBLIC_ONLY, FetchPolicy  # noqa: E402
from storyline.sources.article import MAX_ARTICLE_BYTES  # noqa: E402
from storyline.models import Article  # noqa: E402
from storyline.render import briefing_to_dict, template_environment  # noqa: E402
from storyline.store import Store, StoryRow  # noqa: E402
from storyline.analyze import DEFAULT_EMBEDDER, analyzer_for, analyzer_key, embedders  # noqa: E402
from storyline.brief import DEFAULT_WORDS  # noqa: E402
from storyline.settings import briefing_fingerprint, store_choice  # noqa: E402
from storyline.summarizers import DEFAULT_SUMMARIZER, summarizers  # noqa: E402

log = logging.getLogger(__name__)

# No script, no inline style, no framing, forms post only here: article text can never run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
MAX_UPLOAD_FILES = 20
MAX_UPLOAD_LINES = 50  # URLs per submission: each one is fetched while the reader waits
# A whole request body, refused as it arrives (Content-Length, then the bytes actually received): what
# MAX_UPLOAD_FILES files of MAX_ARTICLE_BYTES would be (200 MB) is more than one reader should put on
# the server's disk in one request.
MAX_REQUEST_BYTES = 50 * 1024 * 1024
MAX_UPLOAD_NAME_BYTES = 255  # a file name on Linux, macOS and Windows file systems
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
PAGE_SIZE = 50
SEEN_COOKIE = "storyline_seen"  # story id -> the briefing version the reader last saw
SEEN_COOKIE_STORIES = 100  # remember at most this many stories (a cookie holds ~4 KB)
PAGES_CACHED = 512  # rendered pages and their data
BRIEFINGS_CACHED = 64  # a big story's briefing is megabytes of JSON
# A story of 100 articles has hundreds of timeline entries and quotes and thousands of citations: the
# page shows the first of each (all are in its JSON), or a 2 MB page would take seconds to arrive.
SECTION_ITEMS_SHOWN = 40
# ... of which the first few are shown open, the rest behind "N more" (a phone's screen holds about eight).
SECTION_ITEMS_FIRST = 8
CITATIONS_SHOWN = 5  # per item; the rest are counted


# --- data for the pages (the JSON API returns exactly these) --------------------------------------


class NotFound(StorylineError):
    """A story or article id that the store does not hold."""


class ReadOnly(StorylineError):
    """A change asked of a server started with --read-only."""

    def __init__(self) -> None:
        super().__init__("this server is read-only", fix="start it without --read-only to add articles")


class LRUCache:
    """A bounded mapping shared by the server's threads; the least recently used entry goes first."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass
class WebState:
    """What the app shares between requests: the store path, the mode, and cached briefings and pages."""

    db_path: Path
    read_only: bool = False
    fetch_policy: FetchPolicy = PUBLIC_ONLY  # the one policy of every fetch a submission starts
    analyzer: Any = None  # built on first use: loading the models takes seconds
    summarizer: str = DEFAULT_SUMMARIZER  # how story pages' summaries are made (serve --summarizer)
    words: int = DEFAULT_WORDS  # their word budget (serve --words)
    embedder: str = DEFAULT_EMBEDDER  # the store's (settings.store_choice), behind the analyses it holds
    _local: threading.local = field(default_factory=threading.local)
    _write_lock: threading.Lock = field(default_factory=threading.Lock)
    # story id -> (its article ids, briefing JSON): valid while the story's articles are the same
    _briefings: LRUCache = field(default_factory=lambda: LRUCache(BRIEFINGS_CACHED))
    # (kind, store stamp, ...) -> page data or HTML: valid until anything in the store changes
    _pages: LRUCache = field(default_factory=lambda: LRUCache(PAGES_CACHED))

    def memo(self, key: tuple, compute):
        """Page data and HTML, kept until the store changes (its stamp is part of every key)."""
        key = (*key[:1], self.store().change_stamp(), *key[1:])
        value = self._pages.get(key)
        if value is None:
            value = compute()
            self._pages.put(key, value)
        return value

    def store(self) -> Store:
        """One connection per server thread (sqlite3 connections stay in the thread that made them)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db_path)
        return store

    def get_analyzer(self):
        if self.analyzer is None:
            self.analyzer = analyzer_for(self.embedder)
        return self.analyzer

    def briefing(self, story_id: str) -> dict:
        """The story's current briefing (JSON form): cached while its articles are unchanged."""
        from storyline.pipeline import brief_story, stored_briefing

        store = self.store()
        article_ids = tuple(sorted(store.story_article_ids(story_id)))
        cached = self._briefings.get(story_id)
        if cached is not None and cached[0] == article_ids:
            return cached[1]
        made_with = briefing_fingerprint(self.words, self.summarizer, True, analyzer_key(embedder=self.embedder))
        stored = stored_briefing(store, story_id, article_ids, made_with)
        if stored:
            data = stored[1]
        else:
            with self._write_lock:  # one briefing build at a time; a second reader waits for it
                briefing = brief_story(store, story_id, analyzer=self.get_analyzer(), save=not self.read_only,
                                       summarizer=self.summarizer, words=self.words)
                stored = stored_briefing(store, story_id, article_ids, briefing.made_with)
                data = stored[1] if stored and stored[0] == briefing.version else briefing_to_dict(briefing)
        self._briefings.put(story_id, (article_ids, data))
        return data


def story_row_dict(row: StoryRow) -> dict:
    return asdict(row)


def list_page_data(state: WebState, *, q: str | None, since: str | None, until: str | None,
                   outlet: str | None, page: int) -> dict:
    store = state.store()
    since_at = parse_user_date(since) if since else None
    until_at = parse_user_date(until) if until else None
    rows = store.list_stories(since=since_at, until=until_at, search=q or None, outlet=outlet or None,
                              limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return {
        "stories": [story_row_dict(r) for r in rows[:PAGE_SIZE]],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "filters": {"q": q or "", "since": since or "", "until": until or "", "outlet": outlet or ""},
        "outlets": [{"outlet": o, "articles": n} for o, n in store.outlets()],
        "articles": store.count_articles(),
    }


def coverage_matrix(briefing: dict) -> dict:
    """The coverage section (facts x outlets: "reports", "contradicts" or "silent") with its outlets, as the
    API has always given it; the story page shows the section itself."""
    return {"outlets": sorted({s["outlet"] for s in briefing["sources"]}),
            "facts": briefing["sections"].get("coverage", [])}


def copy_groups(briefing: dict) -> list[dict]:
    """Sources grouped so that syndicated copies form one entry (an independent source)."""
    groups: dict[str, list[dict]] = {}
    for source in briefing["sources"]:
        groups.setdefault(source.get("syndication_group") or source["article_id"], []).append(source)
    return [{"group": key if len(members) > 1 else None, "sources": members} for key, members in groups.items()]


# Each dot on the time axis is a link with a hit circle of this radius (viewBox units; the axis is drawn at
# least 800 px wide, so 16 is 25.6 px across, over the 24 px of a tap target); dots closer than two radii
# are stacked in lanes above the axis rather than drawn over each other.
AXIS_HIT_RADIUS = 16
AXIS_LANE = 2 * AXIS_HIT_RADIUS


def timeline_axis(events: list[dict], width: int = 1000) -> dict:
    """Positions on a time axis for the timeline entries whose year is known: x in 0..width, y the dot's
    lane (dots of nearby dates stacked, never overlapping), with the drawing's height and its axis line."""
    def ordinal(date: dict) -> float | None:
        if not date.get("year") or not date.get("year_known", True):
            return None
        return date["year"] + ((date.get("month") or 1) - 1) / 12 + ((date.get("day") or 1) - 1) / 365

    points = [(i, ordinal(e["date"])) for i, e in enumerate(events)]
    known = [(i, t) for i, t in points if t is not None]
    if not known:
        return {"points": [], "ticks": [], "width": width, "height": 70, "line_y": 40}
    low, high = min(t for _, t in known), max(t for _, t in known)
    span = (high - low) or 1.0
    margin = 40
    scale = lambda t: margin + (t - low) / span * (width - 2 * margin)  # noqa: E731
    first_year, last_year = int(low), int(high)
    step = max(1, (last_year - first_year) // 8 or 1)
    ticks = [{"x": round(scale(y), 1), "label": str(y)} for y in range(first_year, last_year + 1, step)
             if low <= y <= high or first_year == last_year]
    if first_year == last_year:  # one year: mark the months instead
        ticks = [{"x": round(scale(first_year + m / 12), 1), "label": datetime(2000, m + 1, 1).strftime("%b")}
                 for m in range(12) if low <= first_year + m / 12 <= high]
    lanes: list[float] = []  # the x of the last dot in each lane
    placed = []
    for i, t in sorted(known, key=lambda point: point[1]):
        x = round(scale(t), 1)
        lane = next((n for n, last in enumerate(lanes) if x - last >= AXIS_LANE), len(lanes))
        lanes[lane:lane + 1] = [x]
        placed.append((i, x, lane))
    line_y = 40 + AXIS_LANE * (len(lanes) - 1)
    return {
        "points": [{"index": i, "x": x, "y": line_y - AXIS_LANE * lane, "label": events[i]["date"]["label"]}
                   for i, x, lane in sorted(placed)],
        "ticks": ticks,
        "width": width,
        "height": line_y + 30,
        "line_y": line_y,
        "hit_radius": AXIS_HIT_RADIUS,
    }


def story_page_data(state: WebState, story_id: str) -> dict:
    store = state.store()
    try:
        story_id = store.resolve_story_id(story_id)
    except StoreError:
        raise NotFound("no such story", input=f"story {story_id}") from None
    row = store.story_row(story_id)
    if row is None:
        raise NotFound("no such story", input=f"story {story_id}")
    briefing = public_briefing(state.briefing(story_id))
    return {
        "story": story_row_dict(row),
        "briefing": briefing,
        "coverage": coverage_matrix(briefing),
        "copy_groups": copy_groups(briefing),
        "timeline_axis": timeline_axis(briefing["sections"].get("timeline", [])),
    }


def shown_source(source: str) -> str:
    """Where an article came from, as a reader may see it: a URL or an upload's name as given, and for
    a file read on the server its name (with the row, "dump.jsonl:12"), never the server's folders."""
    if "://" in source or source.startswith("upload:"):
        return source
    return Path(source).name or source


def public_briefing(briefing: dict) -> dict:
    """The briefing as the pages and the API show it: sources named by ``shown_source``."""
    sources = [{**s, "source": shown_source(s["source"])} if "source" in s else s for s in briefing["sources"]]
    return {**briefing, "sources": sources}


def new_since_version(state: WebState, briefing: dict, seen_version: int | None) -> dict | None:
    """What the briefing has that the version the reader last saw did not (None: nothing to show)."""
    if not seen_version or seen_version >= briefing["version"]:
        return None
    old = state.store().briefing_version(briefing["story_id"], version=seen_version)
    return changes_since(public_briefing(old), briefing) if old else None


def changes_data(state: WebState, story_id: str, since: str) -> dict:
    from storyline.changes import parse_since

    current = story_page_data(state, story_id)["briefing"]
    version, at = parse_since(since)
    old = state.store().briefing_version(current["story_id"], version=version, at=at)
    if old is None:
        raise ConfigError(f"no briefing version of this story at or before '{since}'", input=f"since={since}")
    return changes_since(public_briefing(old), current)


def article_page_data(state: WebState, article_id: str) -> dict:
    store = state.store()
    cleaned = store.cleaned_article(article_id)
    if cleaned is None:
        raise NotFound("no such article", input=f"article {article_id}")
    article = cleaned.article
    text = cleaned.text
    sentences = [{"index": i, "start": start, "end": end, "text": text[start:end]}
                 for i, (start, end) in enumerate(store.sentence_spans(article_id))]
    story_id = store.story_of(article_id)
    story = store.story_row(story_id) if story_id else None
    return {
        "id": article.id,
        "title": cleaned.headline,
        "outlet": article.outlet,
        "outlet_source": article.outlet_source,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "published_source": article.published_source,
        "author": article.author,
        "source": shown_source(article.source),
        "format": article.raw_format,
        "encoding": article.encoding,
        "cleaned_text": text,
        "sentences": sentences,
        "original_text": article.text,
        "removed": [{"start": r.start, "end": r.end, "text": r.text, "rule": r.rule} for r in cleaned.removed],
        "stories": [story_row_dict(story)] if story else [],
        "syndicated_copies": store.copies_of(article_id),
    }


def text_with_sentences(text: str, sentences: list[dict]) -> list[dict]:
    """The cleaned text as runs: {"text", "sentence": index or None}, paragraph breaks kept in the text."""
    runs, position = [], 0
    for s in sentences:
        if s["start"] > position:
            runs.append({"text": text[position:s["start"]], "sentence": None})
        runs.append({"text": text[s["start"]:s["end"]], "sentence": s["index"]})
        position = max(position, s["end"])
    if position < len(text):
        runs.append({"text": text[position:], "sentence": None})
    return runs


def text_with_removed(text: str, removed: list[dict]) -> list[dict]:
    """The original text as runs: {"text", "rule": the rule that removed it, or None}."""
    runs, position = [], 0
    for span in sorted(removed, key=lambda r: r["start"]):
        if span["start"] < position:  # overlapping spans: the first one shown wins
            continue
        if span["start"] > position:
            runs.append({"text": text[position:span["start"]], "rule": None})
        runs.append({"text": text[span["start"]:span["end"]], "rule": span["rule"]})
        position = span["end"]
    if position < len(text):
        runs.append({"text": text[position:], "rule": None})
    return runs


# --- adding articles ---------------------------------------------------------------------------------


@dataclass
class Submission:
    urls: list[str]
    feeds: list[str]
    files: list[Path]
    upload_dir: Path | None = None  # where uploads were saved; error lines name the file as uploaded


def add_articles(state: WebState, submission: Submission) -> dict:
    """Ingest a submission as `storyline ingest` would; one error line per bad input."""
    from storyline.ingest import ingest_into_store
    from storyline.sources.route import iter_sources

    if state.read_only:
        raise ReadOnly()
    store = state.store()

    def web_addresses(addresses: list[str]) -> tuple[list[str], list[InputError]]:
        # Never let a typed line fall through to a path on the server's disk.
        good = [a for a in addresses if urlparse(a).scheme.lower() in ("http", "https")]
        bad = [InputError("not an http(s) URL", input=a, fix="give http:// or https:// addresses")
               for a in addresses if a not in good]
        return good, bad

    urls, bad_urls = web_addresses(submission.urls)
    feeds, bad_feeds = web_addresses(submission.feeds)
    policy = state.fetch_policy  # page URLs, feed URLs and the entries of uploaded feed files alike
    upload_dir = str(submission.upload_dir) if submission.upload_dir else None
    with state._write_lock:  # one writer at a time
        def sources():
            yield from bad_urls + bad_feeds
            yield from iter_sources(urls, store, policy=policy)
            yield from iter_sources(feeds, store, feeds=True, policy=policy)
            for item in iter_sources([str(p) for p in submission.files], store, policy=policy):
                # The article's source is the file as the reader named it, not the server's temporary copy
                # (an entry of an uploaded feed that was fetched keeps its URL).
                if isinstance(item, Article) and upload_dir and item.source.startswith(upload_dir):
                    item = replace(item, source="upload:" + _uploaded_name(item.source, submission.upload_dir))
                yield item

        report = ingest_into_store(sources(), store, analyzer=state.get_analyzer())
    return {
        "new": report.new,
        "already_stored": report.already_stored,
        "errors": [_uploaded_name(error.one_line(), submission.upload_dir) for error in report.errors],
        "stories": [story_row_dict(r) for r in (store.story_row(s) for s in sorted(report.stories_touched)) if r],
    }


def _uploaded_name(line: str, upload_dir: Path | None) -> str:
    return re.sub(re.escape(str(upload_dir)) + r"/\d+/", "", line) if upload_dir else line


def upload_name(filename: str | None, number: int) -> str:
    """The name a reader gave an uploaded file, if it can name a file here; else one ConfigError.

    A browser sends the file's own name; a name with folders, "." or "..", control characters or over
    MAX_UPLOAD_NAME_BYTES is not one (and would escape or break the upload folder)."""
    name = filename or ""
    shown = repr(name if len(name) <= 60 else name[:57] + "...")
    if name in ("", ".", ".."):
        problem = "no file name" if not name else f"{shown} is not a file name"
    elif "/" in name or "\\" in name:
        problem = f"{shown} has folders in it"
    elif any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        problem = f"{shown} has control characters in it"
    elif len(name.encode("utf-8")) > MAX_UPLOAD_NAME_BYTES:
        problem = f"the name is {len(name)} characters long ({shown})"
    else:
        return name
    raise ConfigError(f"uploaded file {number + 1}: {problem}",
                      fix=f"send each file under its own name, without folders, of at most {MAX_UPLOAD_NAME_BYTES} bytes")


async def read_submission(urls: str, feeds: str, files: list[UploadFile], directory: Path) -> Submission:
    """Form fields -> a Submission; uploads are saved under ``directory`` with a size limit each."""
    def lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    url_list, feed_list = lines(urls), lines(feeds)
    if len(url_list) + len(feed_list) > MAX_UPLOAD_LINES:
        raise ConfigError(f"{len(url_list) + len(feed_list)} addresses in one submission",
                          fix=f"send at most {MAX_UPLOAD_LINES} at a time")
    # A form's file field left empty is sent as a nameless, empty file: nothing chosen, not a file.
    uploads = [f for f in files or [] if f.filename or (f.size or 0) > 0]
    if len(uploads) > MAX_UPLOAD_FILES:
        raise ConfigError(f"{len(uploads)} files in one submission", fix=f"send at most {MAX_UPLOAD_FILES} at a time")
    names = [upload_name(upload.filename, number) for number, upload in enumerate(uploads)]
    saved = []
    for number, (upload, name) in enumerate(zip(uploads, names)):
        # One folder per upload: two may share a name, and the name (the outlet) stays as given.
        target = directory / f"{number:02d}" / name
        target.parent.mkdir()
        size = 0
        with target.open("wb") as out:
            while chunk := await upload.read(1 << 16):
                size += len(chunk)
                if size > MAX_ARTICLE_BYTES:
                    raise InputError(f"file too large (over {MAX_ARTICLE_BYTES // (1024 * 1024)} MB)", input=name)
                out.write(chunk)
        saved.append(target)
    if not (url_list or feed_list or saved):
        raise ConfigError("nothing to add", fix="give URLs, feed URLs or files")
    return Submission(url_list, feed_list, saved, directory)


# --- the app -------------------------------------------------------------------------------------------


def _seen_versions(request: Request) -> dict[str, int]:
    try:
        value = json.loads(request.cookies.get(SEEN_COOKIE, "{}"))
        return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}
    except (ValueError, TypeError, AttributeError):
        return {}  # a cookie we did not write, or one mangled on the way: start afresh


def _same_origin(request: Request, hosts: "AllowedHosts") -> bool:
    """Refuse cross-site form posts (another site's page making the reader's browser add articles).

    A browser's Sec-Fetch-Site (no page can set it) must say same-origin; a browser without it must send an
    Origin naming one of the allowed hosts. (With Sec-Fetch-Site the Origin is not read: under this app's
    no-referrer policy Chromium sends "Origin: null" with its own forms. A rebound name is refused earlier,
    by the Host check.)"""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:  # not a browser's cross-site post: a script, curl, the in-process client
        return True
    return hosts.allows(urlparse(origin).netloc)  # "null" (a sandboxed frame, a file) has none: refused


# --- the host check and the body cap ---------------------------------------------------------------------

_HOST = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9_.-]+?)\.?(?::(?P<port>\d{1,5}))?")


def split_host(value: str) -> tuple[str, int | None] | None:
    """A Host header (or an --allowed-host) as (lower-case name, port or None); None when malformed."""
    match = _HOST.fullmatch(value.strip().lower())
    return (match["name"], int(match["port"]) if match["port"] else None) if match else None


class AllowedHosts:
    """The host names a server answers to, as Django's ALLOWED_HOSTS: "name" (any port), "name:port",
    or ".example.org" for the name and all its subdomains.

    A page on attacker.example whose name the attacker re-points at 127.0.0.1 (DNS rebinding) reaches the
    server with ``Host: attacker.example``: refusing unknown hosts keeps such pages out.
    """

    def __init__(self, entries: Iterable[str]):
        self.entries: list[tuple[str, int | None]] = []
        for entry in entries:
            parsed = split_host(entry)
            if parsed is None:
                raise ConfigError(f"--allowed-host {entry!r} is not a host name",
                                  fix="give a name or address, with an optional :PORT (news.example.org, 192.0.2.7:8000)")
            self.entries.append(parsed)

    def allows(self, host: str | None) -> bool:
        parsed = split_host(host) if host else None
        if parsed is None:
            return False
        name, port = parsed
        port = port or 80  # no port in a Host header: the scheme's default (this server speaks http)
        return any((name == allowed or (allowed.startswith(".") and (name == allowed[1:] or name.endswith(allowed))))
                   and (allowed_port is None or allowed_port == port) for allowed, allowed_port in self.entries)

    def __repr__(self) -> str:
        return "AllowedHosts(" + ", ".join(n + (f":{p}" if p else "") for n, p in self.entries) + ")"


def allowed_hosts_for(bind: str, port: int, extra: Iterable[str] = ()) -> list[str]:
    """The hosts a server listening on ``bind``:``port`` answers to: the loopback names for a loopback
    address, the address itself for another one, plus ``extra`` (``--allowed-host``).

    Listening on every address (0.0.0.0 or ::) needs ``extra``: readers on the network reach the server
    under names it cannot know, and answering to any name would let DNS rebinding in."""
    extra = list(extra)
    try:
        address = ipaddress.ip_address(bind.strip("[]"))
    except ValueError:
        address = None  # a host name
    if bind == "localhost" or (address is not None and address.is_loopback):
        return [f"{name}:{port}" for name in LOOPBACK_NAMES] + extra
    if address is not None and address.is_unspecified:
        if not extra:
            raise ConfigError(f"--host {bind} listens on every address of this machine, so the names readers "
                              "use must be given", fix="add --allowed-host NAME for each name or address readers "
                              "open it under (e.g. --allowed-host news.example.org --allowed-host 192.0.2.7)")
        return [f"{name}:{port}" for name in LOOPBACK_NAMES] + extra
    shown = f"[{address}]" if address is not None and address.version == 6 else bind
    return [f"{shown}:{port}"] + extra


class RequestTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"the request is too large (over {limit // (1024 * 1024)} MB)")
        self.fix = f"send fewer or smaller files at a time (at most {limit // (1024 * 1024)} MB in all)"


class RequestGuard:
    """ASGI middleware run before any route: refuses a Host the server was not started for, and a body
    over ``max_body`` bytes, by its Content-Length before a byte of it is read and by the bytes actually
    received (a chunked or lying client), so no route ever reads past the cap."""

    def __init__(self, app, *, hosts: AllowedHosts, max_body: int,
                 reject: Callable[[Request, int, str, str | None], Response]):
        self.app, self.hosts, self.max_body, self.reject = app, hosts, max_body, reject

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        host = request.headers.get("host")
        if not self.hosts.allows(host):
            shown = (host or "")[:100]
            response = self.reject(request, 400, f"this server does not answer to the host {shown!r}" if host
                                   else "the request names no host", "open it at the address it was started "
                                   "for; its operator can add names with --allowed-host NAME")
            return await response(scope, receive, send)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            too_large = RequestTooLarge(self.max_body)
            return await self.reject(request, 413, too_large.detail, too_large.fix)(scope, receive, send)
        received = 0

        async def bounded_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise RequestTooLarge(self.max_body)  # answered by the app's error handler
            return message

        await self.app(scope, bounded_receive, send)


# --- the app -------------------------------------------------------------------------------------------------


def create_app(db_path: str | Path | None = None, *, read_only: bool = False, fetch_policy: FetchPolicy = PUBLIC_ONLY,
               allowed_hosts: Iterable[str] = LOOPBACK_NAMES, analyzer: Any = None,
               summarizer: str = DEFAULT_SUMMARIZER, words: int = DEFAULT_WORDS, embedder: str | None = None) -> FastAPI:
    """The FastAPI application over one store (``db_path``: as ``--db``; None = the default store).

    ``fetch_policy``: which addresses submissions may fetch (default: public ones only);
    ``allowed_hosts``: the Host names answered (``AllowedHosts``; default: the loopback names, any port);
    ``summarizer``, ``words``: how the story pages' briefings are made; ``embedder``: the one the store was
    given (None: the store's own, see :func:`settings.store_choice`).
    """
    from storyline import __version__
    from storyline.store import default_db_path

    state = WebState(Path(db_path) if db_path else default_db_path(), read_only=read_only,
                     fetch_policy=fetch_policy, analyzer=analyzer, summarizer=summarizers.check(summarizer), words=words)
    hosts = AllowedHosts(allowed_hosts)
    # Create or migrate the store now, so a bad path fails at start-up, not on a reader.
    state.embedder = store_choice(state.store(), "embedder", embedder, DEFAULT_EMBEDDER, embedders,
                                  in_use=bool(state.store().count_articles()), contents="analyses", record=not read_only)
    env = template_environment()
    env.globals["change_text"] = change_text
    app = FastAPI(title="storyline", version=__version__, docs_url=None, redoc_url=None,
                  description="Stories, cited briefings and articles from a storyline store.")
    app.state.web = state
    app.mount("/static", StaticFiles(packages=[("storyline", "static")]), name="static")

    def render_page(name: str, status: int = 200, **context) -> HTMLResponse:
        html = env.get_template(f"web/{name}.html").render(read_only=state.read_only, **context)
        return HTMLResponse(html, status_code=status)

    # Errors: one JSON shape under /api, a page elsewhere.
    def error_response(request: Request, status: int, message: str, fix: str | None = None) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": {"status": status, "message": message, "fix": fix}}, status_code=status)
        return render_page("error", status=status, status_code=status, message=message, fix=fix)

    # Added before security_headers, so it runs inside it: its refusals carry the same headers.
    app.add_middleware(RequestGuard, hosts=hosts, max_body=MAX_REQUEST_BYTES, reject=error_response)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError):
        status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, ReadOnly) else 400
        message = f"{exc.input}: {exc.problem}" if exc.input else exc.problem
        return error_response(request, status, message, exc.fix)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return error_response(request, exc.status_code, str(exc.detail), getattr(exc, "fix", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error_response(request, 400, f"bad request: {problems}")

    # --- story list
    @app.get("/api/stories", tags=["stories"], summary="Stories, newest and biggest first")
    def api_stories(q: str | None = None, since: str | None = None, until: str | None = None,
                    outlet: str | None = None, page: int = Query(1, ge=1, le=10_000)) -> dict:
        return state.memo(("list", q, since, until, outlet, page),
                          lambda: list_page_data(state, q=q, since=since, until=until, outlet=outlet, page=page))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def story_list(q: str | None = None, since: str | None = None, until: str | None = None,
                   outlet: str | None = None, page: int = Query(1, ge=1, le=10_000)):
        data = state.memo(("list", q, since, until, outlet, page),
                          lambda: list_page_data(state, q=q, since=since, until=until, outlet=outlet, page=page))
        return render_page("list", data=data)

    # --- story page
    @app.get("/api/stories/{story_id}", tags=["stories"], summary="A story: briefing, coverage, copies, timeline")
    def api_story(story_id: str) -> dict:
        return state.memo(("story", story_id), lambda: story_page_data(state, story_id))

    @app.get("/api/stories/{story_id}/changes", tags=["stories"], summary="What is new since a version or date")
    def api_changes(story_id: str, since: str = Query(..., description="a briefing version (3, v3) or a date")) -> dict:
        return changes_data(state, story_id, since)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str, request: Request):
        data = state.memo(("story", story_id), lambda: story_page_data(state, story_id))
        full_id, version = data["story"]["id"], data["briefing"]["version"]
        if story_id != full_id:
            return RedirectResponse(f"/stories/{full_id}", status_code=307)
        seen = _seen_versions(request)
        changes = new_since_version(state, data["briefing"], seen.get(full_id))

        def render() -> str:
            citations = {c["n"]: c for c in data["briefing"]["citations"]}
            return env.get_template("web/story.html").render(
                read_only=state.read_only, data=data, b=data["briefing"], citations=citations, changes=changes,
                items_shown=SECTION_ITEMS_SHOWN, items_first=SECTION_ITEMS_FIRST, citations_shown=CITATIONS_SHOWN)

        html = render() if changes else state.memo(("story-html", full_id), render)
        response = HTMLResponse(html)
        seen.pop(full_id, None)
        seen[full_id] = version  # most recent last, so the oldest are dropped first
        kept = dict(list(seen.items())[-SEEN_COOKIE_STORIES:])
        response.set_cookie(SEEN_COOKIE, json.dumps(kept, separators=(",", ":")), max_age=365 * 86400,
                            httponly=True, samesite="lax")
        return response

    # --- article page
    @app.get("/api/articles/{article_id}", tags=["articles"], summary="An article: text, sentences, boilerplate")
    def api_article(article_id: str) -> dict:
        return article_page_data(state, article_id)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str, s: int | None = Query(None, ge=0, description="sentence to highlight")):
        data = article_page_data(state, article_id)
        return render_page("article", a=data, highlight=s,
                    cleaned_runs=text_with_sentences(data["cleaned_text"], data["sentences"]),
                    original_runs=text_with_removed(data["original_text"], data["removed"]))

    # --- adding articles
    limits = {"max_mb": MAX_ARTICLE_BYTES // (1024 * 1024), "max_files": MAX_UPLOAD_FILES,
              "max_total_mb": MAX_REQUEST_BYTES // (1024 * 1024)}

    @app.get("/add", response_class=HTMLResponse, include_in_schema=False)
    def add_form():
        return render_page("add", result=None, **limits)

    async def submit(request: Request, urls: str, feeds: str, files: list[UploadFile]) -> dict:
        if state.read_only:
            raise ReadOnly()
        if not _same_origin(request, hosts):
            raise HTTPException(403, "cross-site submissions are refused")
        directory = Path(tempfile.mkdtemp(prefix="storyline-upload-"))
        try:
            submission = await read_submission(urls, feeds, files, directory)
            from starlette.concurrency import run_in_threadpool

            return await run_in_threadpool(add_articles, state, submission)
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    @app.post("/api/articles", tags=["articles"], summary="Add articles: page URLs, feed URLs, files")
    async def api_add(request: Request, urls: str = Form(""), feeds: str = Form(""),
                      files: list[UploadFile] = File(default=[])) -> dict:
        return await submit(request, urls, feeds, files)

    @app.post("/add", response_class=HTMLResponse, include_in_schema=False)
    async def add_submit(request: Request, urls: str = Form(""), feeds: str = Form(""),
                         files: list[UploadFile] = File(default=[])):
        result = await submit(request, urls, feeds, files)
        return render_page("add", result=result, **limits)

    return app


def serve(db_path: str | Path | None, *, host: str = "127.0.0.1", port: int = 8000, read_only: bool = False,
          fetch_policy: FetchPolicy = PUBLIC_ONLY, allowed_hosts: Iterable[str] = (),
          summarizer: str = DEFAULT_SUMMARIZER, words: int = DEFAULT_WORDS, embedder: str | None = None) -> None:
    """Run the app with uvicorn on ``host``:``port``; it answers to ``allowed_hosts_for(host, port,
    allowed_hosts)``."""
    require("uvicorn", extra="web", purpose="storyline serve")
    import uvicorn

    hosts = allowed_hosts_for(host, port, allowed_hosts)
    app = create_app(db_path, read_only=read_only, fetch_policy=fetch_policy, allowed_hosts=hosts, summarizer=summarizer,
                     words=words, embedder=embedder)
    shown = f"[{host}]" if ":" in host else host
    print(f"storyline: serving {app.state.web.db_path} at http://{shown}:{port}/"
          + (" (read-only)" if read_only else "")
          + (" (private URLs allowed)" if fetch_policy.allow_private else ""), flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
