"""The web app (``storyline serve``): stories, briefings with followable citations, articles, adding.

Server-rendered pages (Jinja2) over the same Python API as the command line, and a JSON API with the
same data under ``/api`` (described by the OpenAPI schema at ``/openapi.json``). The pages need no
JavaScript: citation previews are CSS, a citation is a link to the article with the sentence
highlighted (server side) and scrolled into view (its fragment), and the boilerplate toggle is a
checkbox.

Article text is untrusted: Jinja2 autoescapes everything, hrefs from article data go through
``render.http_url``, and every response carries a Content-Security-Policy that allows no script at all.
Briefings are kept in the store as versions; a page is served from the latest version while the
story's articles are unchanged, and rebuilt (a new version) when they changed.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from storyline.errors import ConfigError, InputError, StoreError, StorylineError, require

require("fastapi", extra="web", purpose="storyline serve")
require("python_multipart", extra="web", purpose="storyline serve")

from fastapi import FastAPI, File, Form, Query, Request, UploadFile  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402
from jinja2 import Environment, PackageLoader, select_autoescape  # noqa: E402
from starlette.exceptions import HTTPException  # noqa: E402

from storyline.changes import changes_since, parse_date  # noqa: E402
from storyline.ingest import MAX_ARTICLE_BYTES  # noqa: E402
from storyline.render import briefing_to_dict, http_url  # noqa: E402
from storyline.store import Store, StoryRow  # noqa: E402

log = logging.getLogger(__name__)

# No script, no inline style, no framing, forms post only here: article text can never run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
MAX_UPLOAD_FILES = 20
MAX_UPLOAD_LINES = 50  # URLs per submission: each one is fetched while the reader waits
PAGE_SIZE = 50
SEEN_COOKIE = "storyline_seen"  # story id -> the briefing version the reader last saw
SEEN_COOKIE_STORIES = 100  # remember at most this many stories (a cookie holds ~4 KB)
COVERAGE_FACTS = 15  # rows of the coverage matrix
PAGES_CACHED = 512  # rendered pages and their data
BRIEFINGS_CACHED = 64  # a big story's briefing is megabytes of JSON
# A story of 100 articles has hundreds of timeline entries and quotes and thousands of citations: the
# page shows the first of each (all are in its JSON), or a 2 MB page would take seconds to arrive.
SECTION_ITEMS_SHOWN = 40
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
    allow_private_urls: bool = False
    analyzer: Any = None  # built on first use: loading the models takes seconds
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
            from storyline.analyze import default_analyzer

            self.analyzer = default_analyzer()
        return self.analyzer

    def briefing(self, story_id: str) -> dict:
        """The story's current briefing (JSON form): cached while its articles are unchanged."""
        from storyline.pipeline import brief_story, stored_briefing

        store = self.store()
        article_ids = tuple(sorted(store.story_article_ids(story_id)))
        cached = self._briefings.get(story_id)
        if cached is not None and cached[0] == article_ids:
            return cached[1]
        stored = stored_briefing(store, story_id, article_ids)
        if stored:
            data = stored[1]
        else:
            with self._write_lock:  # one briefing build at a time; a second reader waits for it
                briefing = brief_story(store, story_id, analyzer=self.get_analyzer(), save=not self.read_only)
                stored = stored_briefing(store, story_id, article_ids)
                data = stored[1] if stored and stored[0] == briefing.version else briefing_to_dict(briefing)
        self._briefings.put(story_id, (article_ids, data))
        return data


def story_row_dict(row: StoryRow) -> dict:
    return asdict(row)


def list_page_data(state: WebState, *, q: str | None, since: str | None, until: str | None,
                   outlet: str | None, page: int) -> dict:
    store = state.store()
    since_at = parse_date(since) if since else None
    until_at = parse_date(until) if until else None
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
    """Facts x outlets: "reports", "contradicts" (an outlet's sentence conflicts with the fact) or "silent"."""
    outlets = sorted({s["outlet"] for s in briefing["sources"]})
    conflicts: list[tuple[set, str]] = []  # (cited sentences of one side, the other side's outlet)
    for c in briefing["sections"].get("contradictions", []):
        first, second = c["first"], c["second"]
        conflicts.append(({_key(first["citation"])}, second["outlet"]))
        conflicts.append(({_key(second["citation"])}, first["outlet"]))
    rows = []
    for fact in briefing["sections"].get("facts", [])[:COVERAGE_FACTS]:
        cited = {_key(ref) for ref in fact["citations"]}
        contradicting = {outlet for sentences, outlet in conflicts if sentences & cited}
        cells = {o: "reports" if o in fact["outlets"] else "contradicts" if o in contradicting else "silent"
                 for o in outlets}
        rows.append({"text": fact["text"], "citations": fact["citations"], "cells": cells,
                     "independent_sources": fact["independent_sources"]})
    return {"outlets": outlets, "facts": rows}


def _key(ref: dict) -> tuple[str, int]:
    return ref["article_id"], ref["sentence_index"]


def copy_groups(briefing: dict) -> list[dict]:
    """Sources grouped so that syndicated copies form one entry (an independent source)."""
    groups: dict[str, list[dict]] = {}
    for source in briefing["sources"]:
        groups.setdefault(source.get("syndication_group") or source["article_id"], []).append(source)
    return [{"group": key if len(members) > 1 else None, "sources": members} for key, members in groups.items()]


def timeline_axis(events: list[dict], width: int = 1000) -> dict:
    """Positions on a time axis for the timeline entries whose year is known (x in 0..width)."""
    def ordinal(date: dict) -> float | None:
        if not date.get("year") or not date.get("year_known", True):
            return None
        return date["year"] + ((date.get("month") or 1) - 1) / 12 + ((date.get("day") or 1) - 1) / 365

    points = [(i, ordinal(e["date"])) for i, e in enumerate(events)]
    known = [(i, t) for i, t in points if t is not None]
    if not known:
        return {"points": [], "ticks": [], "width": width}
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
    return {
        "points": [{"index": i, "x": round(scale(t), 1), "label": events[i]["date"]["label"]} for i, t in known],
        "ticks": ticks,
        "width": width,
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
    briefing = state.briefing(story_id)
    return {
        "story": story_row_dict(row),
        "briefing": briefing,
        "coverage": coverage_matrix(briefing),
        "copy_groups": copy_groups(briefing),
        "timeline_axis": timeline_axis(briefing["sections"].get("timeline", [])),
    }


def new_since_version(state: WebState, briefing: dict, seen_version: int | None) -> dict | None:
    """What the briefing has that the version the reader last saw did not (None: nothing to show)."""
    if not seen_version or seen_version >= briefing["version"]:
        return None
    old = state.store().briefing_version(briefing["story_id"], version=seen_version)
    return changes_since(old, briefing) if old else None


def changes_data(state: WebState, story_id: str, since: str) -> dict:
    from storyline.changes import parse_since

    current = story_page_data(state, story_id)["briefing"]
    version, at = parse_since(since)
    old = state.store().briefing_version(current["story_id"], version=version, at=at)
    if old is None:
        raise ConfigError(f"no briefing version of this story at or before '{since}'", input=f"since={since}")
    return changes_since(old, current)


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
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "author": article.author,
        "source": article.source,
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
    from storyline.pipeline import ingest_into_store, iter_sources

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
    with state._write_lock:  # one writer at a time
        def sources():
            yield from bad_urls + bad_feeds
            yield from iter_sources(urls, store, allow_private=state.allow_private_urls)
            yield from iter_sources(feeds, store, feeds=True, allow_private=state.allow_private_urls)
            for item in iter_sources([str(p) for p in submission.files], store):
                # The article's source is the file as the reader named it, not the server's temporary copy.
                yield item if isinstance(item, InputError) else \
                    replace(item, source="upload:" + _uploaded_name(item.source, submission.upload_dir))

        report = ingest_into_store(sources(), store, analyzer=state.get_analyzer())
    return {
        "new": report.new,
        "already_stored": report.already_stored,
        "errors": [_uploaded_name(error.one_line(), submission.upload_dir) for error in report.errors],
        "stories": [story_row_dict(r) for r in (store.story_row(s) for s in sorted(report.stories_touched)) if r],
    }


def _uploaded_name(line: str, upload_dir: Path | None) -> str:
    return re.sub(re.escape(str(upload_dir)) + r"/\d+/", "", line) if upload_dir else line


async def read_submission(urls: str, feeds: str, files: list[UploadFile], directory: Path) -> Submission:
    """Form fields -> a Submission; uploads are saved under ``directory`` with a size limit each."""
    def lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    url_list, feed_list = lines(urls), lines(feeds)
    if len(url_list) + len(feed_list) > MAX_UPLOAD_LINES:
        raise ConfigError(f"{len(url_list) + len(feed_list)} addresses in one submission",
                          fix=f"send at most {MAX_UPLOAD_LINES} at a time")
    uploads = [f for f in files or [] if f.filename]
    if len(uploads) > MAX_UPLOAD_FILES:
        raise ConfigError(f"{len(uploads)} files in one submission", fix=f"send at most {MAX_UPLOAD_FILES} at a time")
    saved = []
    for number, upload in enumerate(uploads):
        name = Path(upload.filename).name or f"upload-{number}"
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


def _templates() -> Environment:
    env = Environment(loader=PackageLoader("storyline", "templates"), autoescape=select_autoescape(default=True))
    env.filters["http_url"] = http_url
    env.filters["day"] = lambda value: (value or "")[:10] or "?"
    return env


def _seen_versions(request: Request) -> dict[str, int]:
    try:
        value = json.loads(request.cookies.get(SEEN_COOKIE, "{}"))
        return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}
    except (ValueError, TypeError, AttributeError):
        return {}  # a cookie we did not write, or one mangled on the way: start afresh


def _same_origin(request: Request) -> bool:
    """Refuse cross-site form posts (another site's page making the reader's browser add articles)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:  # not a browser's cross-site post: a script, curl, the in-process client
        return True
    return urlparse(origin).netloc == request.headers.get("host", "")


def create_app(db_path: str | Path | None = None, *, read_only: bool = False, allow_private_urls: bool = False,
               analyzer: Any = None) -> FastAPI:
    """The FastAPI application over one store (``db_path``: as ``--db``; None = the default store)."""
    from storyline import __version__
    from storyline.store import default_db_path

    state = WebState(Path(db_path) if db_path else default_db_path(), read_only=read_only,
                     allow_private_urls=allow_private_urls, analyzer=analyzer)
    state.store()  # create or migrate the store now, so a bad path fails at start-up, not on a reader
    env = _templates()
    app = FastAPI(title="storyline", version=__version__, docs_url=None, redoc_url=None,
                  description="Stories, cited briefings and articles from a storyline store.")
    app.state.web = state
    app.mount("/static", StaticFiles(packages=[("storyline", "static")]), name="static")

    def render_page(name: str, status: int = 200, **context) -> HTMLResponse:
        html = env.get_template(f"web/{name}.html").render(read_only=state.read_only, **context)
        return HTMLResponse(html, status_code=status)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    # Errors: one JSON shape under /api, a page elsewhere.
    def error_response(request: Request, status: int, message: str, fix: str | None = None) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": {"status": status, "message": message, "fix": fix}}, status_code=status)
        return render_page("error", status=status, status_code=status, message=message, fix=fix)

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError):
        status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, ReadOnly) else 400
        message = f"{exc.input}: {exc.problem}" if exc.input else exc.problem
        return error_response(request, status, message, exc.fix)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return error_response(request, exc.status_code, str(exc.detail))

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
                items_shown=SECTION_ITEMS_SHOWN, citations_shown=CITATIONS_SHOWN)

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
    @app.get("/add", response_class=HTMLResponse, include_in_schema=False)
    def add_form():
        return render_page("add", result=None, max_mb=MAX_ARTICLE_BYTES // (1024 * 1024), max_files=MAX_UPLOAD_FILES)

    async def submit(request: Request, urls: str, feeds: str, files: list[UploadFile]) -> dict:
        if state.read_only:
            raise ReadOnly()
        if not _same_origin(request):
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
        return render_page("add", result=result, max_mb=MAX_ARTICLE_BYTES // (1024 * 1024), max_files=MAX_UPLOAD_FILES)

    return app


def serve(db_path: str | Path | None, *, host: str = "127.0.0.1", port: int = 8000, read_only: bool = False,
          allow_private_urls: bool = False) -> None:
    require("uvicorn", extra="web", purpose="storyline serve")
    import uvicorn

    app = create_app(db_path, read_only=read_only, allow_private_urls=allow_private_urls)
    print(f"storyline: serving {app.state.web.db_path} at http://{host}:{port}/"
          + (" (read-only)" if read_only else ""), flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
