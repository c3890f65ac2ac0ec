"""Fetch pages and feeds safely: http(s) only, bounded in time, size and redirects.

``fetch_url`` gets one response, ``fetch_article`` fetches a page and extracts it with the same code
as files (``sources.html_page.extract_html``), and ``poll_feed`` reads an RSS/Atom feed (conditional request with
ETag / Last-Modified), follows each new entry to its page and falls back to the entry's own content
when the page fails. Every failure is one :class:`InputError` naming the URL and the problem.

Built on the standard library's ``http.client`` rather than httpx: fetching is a core feature
(``storyline ingest URL``, ``storyline watch``) and httpx is only an optional extra; doing the
redirect loop ourselves also gives separate connect/read timeouts and one place where every hop's
scheme and address are checked (``FetchPolicy.check``: non-public addresses are refused).
"""

from __future__ import annotations

import codecs
import http.client
import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

from storyline.errors import InputError
from storyline.models import Article
from storyline.sources.article import MAX_ARTICLE_BYTES, MAX_ARTICLE_CHARS, article_id, outlet_from_url
from storyline.sources.decode import decode_bytes
from storyline.sources.html_page import extract_html

log = logging.getLogger(__name__)

# (connect, read) seconds: a news site that has not answered in 10 s or stalls 20 s mid-page is down.
DEFAULT_TIMEOUT = (10.0, 20.0)
# Whole-response ceiling, so a server dripping one byte per read cannot hold a fetch forever.
DEFAULT_TOTAL_TIMEOUT = 60.0
DEFAULT_MAX_BYTES = MAX_ARTICLE_BYTES
DEFAULT_MAX_REDIRECTS = 5
# New entries taken from one feed per poll; the rest come with the next polls (their links are then seen).
# News feeds carry 10 to 100 entries; a feed of 10,000 would otherwise mean 10,000 page fetches in a row.
MAX_FEED_ENTRIES = 200
MAX_POLL_SECONDS = 600.0  # one poll of one feed; entries not reached come with the next poll
USER_AGENT = "storyline/0.1 (+https://github.com/storyline; news briefing tool)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml", "application/feed+json", "text/plain", "text/html")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchedPage:
    url: str  # the final URL, after redirects
    status: int
    body: bytes = b""
    content_type: str = ""  # media type only, lower case, without parameters
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304 answer to a conditional request: no body

    @property
    def text(self) -> str:
        return self.decoded()[0]

    def decoded(self) -> tuple[str, str]:
        """The body decoded with the declared charset, else sniffed like a file (UTF-8, UTF-16, cp1252);
        returns the text and the encoding used."""
        if self.charset:
            try:
                return self.body.decode(self.charset), codecs.lookup(self.charset).name
            except (LookupError, UnicodeDecodeError):
                log.info("%s: declared charset %r does not decode; sniffing instead", self.url, self.charset)
        return decode_bytes(self.body, self.url)


@dataclass
class FeedPoll:
    articles: list[Article] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    etag: str | None = None  # give these back on the next poll for a conditional request
    modified: str | None = None
    not_modified: bool = False  # the feed has not changed since etag/modified: nothing to do
    title: str = ""


# --- the address policy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchPolicy:
    """Which addresses a fetch may connect to: one value, given to every path that can start a fetch
    (page URLs, feed URLs, the entries of a feed file or URL, every redirect hop).

    The default refuses every address that is not globally routable, on the command line as in
    ``storyline serve``: a URL in a feed or a dump is data from elsewhere, and following it to an
    intranet host or a cloud metadata address is server-side request forgery. ``allow_private=True``
    (``--allow-private-urls``) lifts it, for a user who fetches their own intranet on purpose.
    """

    allow_private: bool = False

    def check(self, url: str, host: str, port: int) -> str | None:
        """The address to connect to, after checking every address ``host`` resolves to.

        Returns None when nothing is checked (``allow_private``); otherwise every address must be public
        and the first is returned: the caller connects to that address, so a second DNS answer (DNS
        rebinding) cannot swap in a private one. Raises one InputError naming the URL.
        """
        if self.allow_private:
            return None
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise InputError(f"host {host!r} not found ({exc.strerror})", input=url) from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not is_public_address(address):
                raise InputError(f"refused: {host} is a private or local address ({address})", input=url,
                                 fix="only public internet addresses are fetched; "
                                     "--allow-private-urls lets the operator fetch private ones")
        return infos[0][4][0]


PUBLIC_ONLY = FetchPolicy()
ALLOW_PRIVATE = FetchPolicy(allow_private=True)

# Ranges that Python 3.11's ``is_global`` still counts as global (fixed in 3.12.4): 6to4 and the
# local-use NAT64 prefix relay to IPv4 addresses of any kind (2002:7f00:1:: is 127.0.0.1 by 6to4).
_NOT_GLOBAL_V6 = (ipaddress.ip_network("2002::/16"), ipaddress.ip_network("64:ff9b:1::/48"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known prefix: the IPv4 address is the last 32 bits


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a globally routable unicast address (``is_global``, with the IPv6 forms that embed an
    IPv4 address judged by that address): not private, loopback, link-local, carrier-grade NAT
    (100.64.0.0/10), documentation, reserved, multicast, 6to4 or site-local."""
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return is_public_address(address.ipv4_mapped)
        if address in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.is_site_local or any(address in network for network in _NOT_GLOBAL_V6):
            return False
    return address.is_global and not address.is_multicast


# --- one request --------------------------------------------------------------------------------------


def _split_timeout(timeout: float | tuple[float, float]) -> tuple[float, float]:
    if isinstance(timeout, (int, float)):
        return float(timeout), float(timeout)
    return float(timeout[0]), float(timeout[1])


def _check_scheme(url: str, original: str) -> None:
    scheme = urlparse(url).scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}://" if scheme else "no scheme"
        raise InputError(f"only http and https URLs are fetched, not {shown}", input=original,
                         fix="give an http(s) URL, or a local file path")


def fetch_url(
    url: str,
    *,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    accept: tuple[str, ...] | None = HTML_TYPES,
    etag: str | None = None,
    modified: str | None = None,
    policy: FetchPolicy = PUBLIC_ONLY,
) -> FetchedPage:
    """GET one URL within the bounds, following redirects; raises one InputError on any failure.

    ``timeout`` is (connect, read) seconds (read = the longest wait for the next bytes),
    ``total_timeout`` bounds the whole fetch, ``accept`` is the media types taken (None = any),
    ``etag``/``modified`` make the request conditional (a 304 gives ``not_modified=True``); ``policy``
    says which addresses may be connected to, checked for the URL and for every redirect.
    """
    connect_timeout, read_timeout = _split_timeout(timeout)
    deadline = time.monotonic() + total_timeout
    _check_scheme(url, url)
    current = url
    for _hop in range(max_redirects + 1):
        parts = urlparse(current)
        host = parts.hostname
        if not host:
            raise InputError("URL has no host", input=url)
        secure = parts.scheme.lower() == "https"
        port = parts.port or (443 if secure else 80)
        address = policy.check(url, host, port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity",  # no decompression bombs
                   "Accept": ", ".join(accept) + ", */*;q=0.1" if accept else "*/*"}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        tls = ssl.create_default_context()
        if secure:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=connect_timeout, context=tls)
        else:
            connection = http.client.HTTPConnection(host, port, timeout=connect_timeout)
        try:
            try:
                if address:  # connect to the address that was checked, not to a fresh DNS answer
                    sock = socket.create_connection((address, port), timeout=connect_timeout)
                    connection.sock = tls.wrap_socket(sock, server_hostname=host) if secure else sock
                else:
                    connection.connect()
                connection.sock.settimeout(read_timeout)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
            except (socket.timeout, TimeoutError):
                raise InputError("timed out waiting for the server", input=url) from None
            except ssl.SSLError as exc:
                raise InputError(f"TLS error ({exc.reason or exc})", input=url) from None
            except socket.gaierror as exc:
                raise InputError(f"host {host!r} not found ({exc.strerror})", input=url) from None
            except (OSError, http.client.HTTPException) as exc:
                raise InputError(f"cannot connect ({getattr(exc, 'strerror', None) or exc})", input=url) from None
            status = response.status
            if status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise InputError(f"HTTP {status} redirect without a Location", input=url)
                current = urljoin(current, location)
                _check_scheme(current, url)
                log.debug("%s: redirected to %s", url, current)
                continue
            if status == 304:
                return FetchedPage(url=current, status=304, not_modified=True,
                                   etag=response.getheader("ETag") or etag,
                                   last_modified=response.getheader("Last-Modified") or modified)
            if status >= 400:
                raise InputError(f"HTTP {status} {response.reason}".rstrip(), input=url)
            media_type, charset = _content_type(response.getheader("Content-Type") or "")
            if accept is not None and media_type and media_type not in accept:
                raise InputError(f"not an HTML page (the server says {media_type})", input=url)
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InputError(f"too large ({int(declared) / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB)", input=url)
            body = _read_bounded(response, url, max_bytes, deadline)
            return FetchedPage(url=current, status=status, body=body, content_type=media_type, charset=charset,
                               etag=response.getheader("ETag"), last_modified=response.getheader("Last-Modified"))
        finally:
            connection.close()
    raise InputError(f"more than {max_redirects} redirects", input=url)


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def _read_bounded(response: http.client.HTTPResponse, url: str, max_bytes: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise InputError("timed out: the response took too long", input=url)
        try:
            chunk = response.read1(_CHUNK)
        except (socket.timeout, TimeoutError):
            raise InputError("timed out reading the response", input=url) from None
        except (OSError, http.client.HTTPException) as exc:
            raise InputError(f"connection broke while reading ({exc})", input=url) from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"too large (over {max_bytes / 1e6:.1f} MB)", input=url)
        chunks.append(chunk)


# --- articles -----------------------------------------------------------------------------------------


def fetch_article(
    url: str,
    *,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    policy: FetchPolicy = PUBLIC_ONLY,
) -> Article:
    """Fetch a news page and extract its article (``sources.html_page.extract_html``); raises one InputError."""
    page = fetch_url(url, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects, policy=policy)
    if not page.body.strip():
        raise InputError("the page is empty", input=url)
    html, encoding = page.decoded()
    return extract_html(html, source=url, url=page.url, encoding=encoding)


class _TextOfHtml(HTMLParser):
    """The text of a feed entry's HTML snippet, with a blank line between blocks."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    def text(self) -> str:
        paragraphs = (" ".join(block.split()) for block in "".join(self.parts).split("\n\n"))
        return "\n\n".join(p for p in paragraphs if p)


def html_to_text(snippet: str) -> str:
    parser = _TextOfHtml()
    parser.feed(snippet)
    parser.close()
    return parser.text()


def _entry_published(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6])  # feedparser normalises to UTC
            except (ValueError, TypeError):
                return None
    return None


def _entry_article(entry, link: str | None, feed_source: str) -> Article:
    """An article from the feed entry's own content (used when its page cannot be fetched)."""
    contents = entry.get("content") or []
    snippet = max((c.get("value", "") for c in contents), key=len, default="") or entry.get("summary", "")
    text = html_to_text(snippet)
    title = html_to_text(entry.get("title", "")).replace("\n\n", " ")
    if not text:
        raise InputError("feed entry has no text of its own", input=link or feed_source)
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(f"feed entry text too long ({len(text):,} characters > {MAX_ARTICLE_CHARS:,})",
                         input=link or feed_source)
    outlet = outlet_from_url(link) or outlet_from_url(feed_source)
    outlet_source = "url" if outlet else "file name"
    outlet = outlet or Path(feed_source).stem
    author = entry.get("author") or None
    return Article(id=article_id(outlet, title, text), title=title, text=text, outlet=outlet,
                   source=link or feed_source, url=link, published=_entry_published(entry), author=author,
                   raw=snippet, raw_format="feed", outlet_source=outlet_source)


def poll_feed(
    url_or_path: str | Path,
    *,
    etag: str | None = None,
    modified: str | None = None,
    seen_urls: frozenset[str] | set[str] = frozenset(),
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    policy: FetchPolicy = PUBLIC_ONLY,
    max_seconds: float = MAX_POLL_SECONDS,
) -> FeedPoll:
    """Read an RSS/Atom feed (URL or local file) and return its new entries as articles.

    Entries whose link is in ``seen_urls`` are skipped. Each new entry is followed to its page and
    extracted, under ``policy`` as the feed itself (a feed file's entries too); when that fails the
    entry's own content is used and the failure is reported in ``errors``. A 304 answer to the
    conditional request gives ``not_modified=True`` and no articles. A feed that cannot be fetched or
    is not a feed is one error in ``errors`` (nothing is raised).
    """
    import feedparser

    source = str(url_or_path)
    poll = FeedPoll(etag=etag, modified=modified)
    try:
        if urlparse(source).scheme.lower() in ("http", "https"):
            page = fetch_url(source, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects,
                             accept=FEED_TYPES, etag=etag, modified=modified, policy=policy)
            if page.not_modified:
                poll.not_modified = True
                return poll
            body = page.body
            poll.etag, poll.modified = page.etag, page.last_modified
        elif Path(source).exists():
            path = Path(source)
            if path.stat().st_size > max_bytes:
                raise InputError(f"feed too large ({path.stat().st_size / 1e6:.1f} MB)", input=source)
            body = path.read_bytes()
        else:
            if "://" in source:
                _check_scheme(source, source)  # ftp://, file://, ... are refused with that reason
            raise InputError("no such file, and not an http(s) URL", input=source)
    except InputError as exc:
        poll.errors.append(exc)
        return poll
    except OSError as exc:
        poll.errors.append(InputError(f"cannot be read ({exc.strerror or exc})", input=source))
        return poll

    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        poll.errors.append(InputError("not an RSS or Atom feed", input=source,
                                      fix="give the feed's URL, not the site's home page"))
        return poll
    poll.title = parsed.feed.get("title", "")
    taken = 0
    deadline = time.monotonic() + max_seconds
    for number, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link") or None
        if link:
            link = urljoin(source, link) if urlparse(source).scheme else link
            if urlparse(link).scheme.lower() not in ("http", "https"):
                # a guid ("g12", "urn:uuid:..."), a link relative to a local file, or another scheme:
                # nothing to fetch, so the entry's own text is the article (no error per entry)
                log.debug("%s entry %d: link %r is not an http(s) URL; used the entry's text", source, number, link)
                link = None
        if link and link in seen_urls:
            continue
        if taken == MAX_FEED_ENTRIES or time.monotonic() > deadline:
            why = f"more than {MAX_FEED_ENTRIES} new entries" if taken == MAX_FEED_ENTRIES else \
                f"the poll took over {max_seconds:g} s"
            log.warning("%s: %s; took the first %d, the rest come with the next polls", source, why, taken)
            poll.etag = poll.modified = None  # so the next poll is not answered "not modified"
            break
        taken += 1
        page_error: InputError | None = None
        if link:
            try:
                poll.articles.append(fetch_article(link, timeout=timeout, max_bytes=max_bytes,
                                                   max_redirects=max_redirects, policy=policy))
                continue
            except InputError as exc:
                page_error = exc
        try:
            article = _entry_article(entry, link, source)
        except InputError as exc:
            poll.errors.append(page_error or InputError(exc.problem, input=f"{source} entry {number}"))
            continue
        poll.articles.append(article)
        if page_error is not None:
            poll.errors.append(InputError(f"{page_error.problem}; used the feed entry's own text instead",
                                          input=page_error.input))
    return poll

