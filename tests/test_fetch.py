"""Fetching: a real HTTP server on 127.0.0.1 serving our own pages and RSS/Atom feeds.

The server stands in for a public news site, so most fetches here pass ``policy=LOCAL`` (what
``--allow-private-urls`` gives); the default policy refuses it, as the tests of the address policy check.
"""

from __future__ import annotations

import socket
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler

import pytest

from conftest import local_http_server
from storyline.errors import InputError
from storyline.sources.fetch import ALLOW_PRIVATE, PUBLIC_ONLY, FeedPoll, fetch_article, fetch_url, is_public_address, poll_feed
from storyline.sources.route import read_inputs

LOCAL = ALLOW_PRIVATE


def news_page(headline: str, outlet: str, paragraphs: list[str], *, charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="{charset}">
<title>{headline} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta name="author" content="Tomas Reed">
<meta property="article:published_time" content="2024-03-02T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<div class="share-bar">Share | Tweet | Email</div>
<article><h1>{headline}</h1>
{body}
</article>
<aside>Most read: Ten things to do this weekend</aside>
<footer>&copy; 2024 {outlet}. Terms. Privacy. Cookies.</footer>
</body></html>"""


PAGE_ONE = news_page(
    "Dam operator opens spillway after record rain",
    "The Valley Courier",
    [
        "The operator of the Ellis Creek dam opened its spillway on Saturday for the first time since 2011 after "
        "three days of record rain raised the reservoir to within a metre of its crest.",
        "Residents of two villages downstream were told to move livestock to higher ground, and the county "
        "closed the river road between Harlow and Penmoor until Monday at the earliest.",
        "Engineers said the dam itself was sound and that the release would be reduced once inflows eased.",
    ],
)
PAGE_TWO = news_page(
    "Rail union accepts pay offer, ending strike threat",
    "Northern Ledger",
    [
        "Members of the rail union voted by a wide margin on Friday to accept a two-year pay offer, ending the "
        "threat of a strike that would have halted regional services over the holiday weekend.",
        "The offer raises wages by four percent this year and three percent next year and adds a rest-day "
        "guarantee that the union had made its central demand during six months of talks.",
    ],
)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Valley Courier - News</title><link>{base}/</link>
<description>Local news</description>
<item><title>Dam operator opens spillway after record rain</title><link>{base}/news/dam</link>
<pubDate>Sat, 02 Mar 2024 08:00:00 GMT</pubDate><description>Spillway opened.</description></item>
<item><title>Bridge repairs delayed again</title><link>{base}/news/gone</link>
<pubDate>Sat, 02 Mar 2024 10:30:00 +0100</pubDate>
<description>&lt;p&gt;Repairs to the Harlow bridge will not finish before May, the county said.&lt;/p&gt;&lt;p&gt;The
contractor blamed the flooding.&lt;/p&gt;</description></item>
<item><title>Already seen story</title><link>{base}/news/seen</link><description>Old.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Northern Ledger</title><id>urn:ledger</id>
<updated>2024-03-01T18:00:00Z</updated>
<entry><title>Rail union accepts pay offer, ending strike threat</title><id>urn:ledger:1</id>
<link href="{base}/news/rail"/><updated>2024-03-01T18:00:00Z</updated>
<summary>Union accepts offer.</summary></entry>
</feed>"""


class Handler(BaseHTTPRequestHandler):
    stall = threading.Event()  # set at teardown so a stalled handler thread ends

    def log_message(self, *args):  # keep the test output quiet
        pass

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8", **headers):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        path = self.path
        self.server.requests.append(path)
        if path == "/feed.rss":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send(304)
                return
            self.send(200, RSS.format(base=base).encode(), "application/rss+xml", ETag='"v1"',
                      Last_Modified="Sat, 02 Mar 2024 11:00:00 GMT")
        elif path == "/atom.xml":
            self.send(200, ATOM.format(base=base).encode(), "application/atom+xml")
        elif path == "/news/dam":
            self.send(200, PAGE_ONE.encode())
        elif path == "/news/rail":
            self.send(200, PAGE_TWO.encode())
        elif path == "/news/latin1":
            page = PAGE_TWO.replace("Rail union", "Caf\u00e9 union").replace('charset="utf-8"', 'charset="windows-1252"')
            self.send(200, page.encode("cp1252"), "text/html; charset=windows-1252")
        elif path == "/old-address":
            self.send(301, Location="/news/dam")
        elif path == "/loop":
            self.send(302, Location="/loop")
        elif path == "/to-file":
            self.send(302, Location="file:///etc/passwd")
        elif path == "/data.json":
            self.send(200, b'{"a": 1}', "application/json")
        elif path == "/big":
            self.send(200, b"<html><body>" + b"x" * 300_000 + b"</body></html>")
        elif path == "/big-unsized":  # no Content-Length: the limit must hold while reading
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b"<p>" + b"y" * 10_000 + b"</p>")
        elif path == "/stall":
            self.stall.wait(30)  # never answers within the client's read timeout
        elif path == "/menu":
            self.send(200, b"<html><body><nav><a href='/'>Home</a> <a href='/a'>World</a></nav></body></html>")
        else:
            self.send(404, b"<html><body>Not found</body></html>")


@pytest.fixture(scope="module")
def server():
    Handler.stall.clear()
    with local_http_server(Handler) as (base, httpd):
        yield base, httpd
        Handler.stall.set()  # so a stalled handler thread ends


@pytest.fixture
def base(server):
    return server[0]


def test_fetch_article_extracts_like_ingest_does(base, tmp_path):
    article = fetch_article(f"{base}/news/dam", policy=LOCAL)
    assert article.title == "Dam operator opens spillway after record rain"
    assert article.outlet == "The Valley Courier"
    assert article.author == "Tomas Reed"
    assert article.published == datetime(2024, 3, 2, 8, 0)
    assert article.url == f"{base}/news/dam" and article.raw == PAGE_ONE and article.raw_format == "html"
    assert "Most read" not in article.text and "Share | Tweet" not in article.text
    # Raw extraction: the headline block stays first (the clean stage removes it), then three paragraphs.
    assert article.text.split("\n\n")[0] == article.title and article.text.count("\n\n") == 3
    # One extraction for files and URLs: the same page saved to disk gives the same article text and id.
    saved = tmp_path / "dam.html"
    saved.write_text(PAGE_ONE, encoding="utf-8")
    [from_file] = read_inputs([saved]).articles
    assert (from_file.text, from_file.title, from_file.id) == (article.text, article.title, article.id)


def test_redirect_is_followed_and_charset_header_respected(base):
    assert fetch_article(f"{base}/old-address", policy=LOCAL).url == f"{base}/news/dam"
    assert fetch_article(f"{base}/news/latin1", policy=LOCAL).title.startswith("Caf\u00e9 union")


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/nowhere", "HTTP 404"),
        ("/loop", "more than 3 redirects"),
        ("/to-file", "only http and https"),
        ("/data.json", "not an HTML page"),
        ("/big", "too large"),
        ("/big-unsized", "too large"),
        ("/stall", "timed out"),
        ("/menu", "no article text"),
    ],
)
def test_each_failed_url_is_one_clear_error(base, path, problem):
    with pytest.raises(InputError) as caught:
        fetch_article(f"{base}{path}", timeout=(2.0, 0.5), max_bytes=200_000, max_redirects=3, policy=LOCAL)
    assert problem in caught.value.problem
    assert caught.value.input == f"{base}{path}"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/news.html", "file:///etc/passwd", "javascript:alert(1)"])
def test_other_schemes_are_refused_without_a_request(url):
    with pytest.raises(InputError, match="only http and https"):
        fetch_url(url)


def test_dead_url_is_one_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError, match="cannot connect"):
        fetch_url(f"http://127.0.0.1:{port}/news", timeout=(2.0, 2.0), policy=LOCAL)


def test_the_default_policy_refuses_a_local_address_before_connecting(server):
    base, httpd = server
    before = len(httpd.requests)
    for fetch in (fetch_url, fetch_article):
        with pytest.raises(InputError, match="private or local address") as caught:
            fetch(f"{base}/news/dam")
        assert "--allow-private-urls" in caught.value.fix
    poll = poll_feed(f"{base}/feed.rss", policy=PUBLIC_ONLY)
    assert poll.articles == [] and "private or local address" in poll.errors[0].problem
    assert httpd.requests[before:] == []  # nothing was asked of the server


@pytest.mark.parametrize("host", [
    "127.0.0.1", "[::1]", "0.0.0.0", "2130706433", "0x7f000001", "0177.0.0.1", "[::ffff:127.0.0.1]",
    "169.254.169.254", "10.0.0.1", "172.16.5.4", "192.168.1.1", "[fe80::1]", "[fc00::1]", "224.0.0.1",
    "192.0.2.10",  # documentation
    "100.64.0.1", "100.127.255.254",  # carrier-grade NAT (RFC 6598)
    "[2002:7f00:1::1]", "[2002:c0a8:101::1]", "[2002:808:808::1]",  # 6to4 (of 127.0.0.1, 192.168.1.1, 8.8.8.8)
    "[64:ff9b::7f00:1]", "[64:ff9b:1::1]", "[fec0::1]", "[ff02::1]",  # NAT64 of 127.0.0.1, local NAT64, site-local, multicast
])
def test_only_globally_routable_addresses_are_fetched(host):
    with pytest.raises(InputError, match="refused: .* is a private or local address"):
        fetch_url(f"http://{host}:9/page.html", timeout=(0.5, 0.5))


def test_public_addresses_pass_the_filter():
    import ipaddress

    for address in ("8.8.8.8", "151.101.1.69", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"):
        assert is_public_address(ipaddress.ip_address(address)), address


def test_rss_poll_follows_entries_skips_seen_and_falls_back_to_entry_text(server):
    base, httpd = server
    poll = poll_feed(f"{base}/feed.rss", seen_urls=frozenset({f"{base}/news/seen"}), policy=LOCAL)
    assert isinstance(poll, FeedPoll) and not poll.not_modified
    assert poll.title == "Valley Courier - News"
    assert poll.etag == '"v1"' and poll.modified == "Sat, 02 Mar 2024 11:00:00 GMT"
    assert [a.title for a in poll.articles] == [
        "Dam operator opens spillway after record rain",
        "Bridge repairs delayed again",
    ]
    page_article, fallback = poll.articles
    assert page_article.raw_format == "html" and page_article.outlet == "The Valley Courier"
    # The bridge page is gone: the entry's own text is used, and the failure is reported.
    assert fallback.raw_format == "feed" and fallback.url == f"{base}/news/gone"
    assert fallback.text == (
        "Repairs to the Harlow bridge will not finish before May, the county said.\n\nThe contractor blamed the flooding."
    )
    assert fallback.published == datetime(2024, 3, 2, 9, 30)  # +01:00 as naive UTC
    assert fallback.outlet == "127.0.0.1"
    [error] = poll.errors
    assert error.input == f"{base}/news/gone" and "HTTP 404" in error.problem and "feed entry" in error.problem
    assert "/news/seen" not in httpd.requests


def test_conditional_request_gives_not_modified_and_nothing_else(server):
    base, httpd = server
    first = poll_feed(f"{base}/feed.rss", policy=LOCAL)
    before = len(httpd.requests)
    again = poll_feed(f"{base}/feed.rss", etag=first.etag, modified=first.modified, policy=LOCAL)
    assert again.not_modified and again.articles == [] and again.errors == []
    assert again.etag == first.etag
    assert httpd.requests[before:] == ["/feed.rss"]  # no entry page fetched


def test_a_poll_out_of_time_stops_and_the_next_poll_takes_the_rest(server, caplog):
    base, httpd = server
    before = len(httpd.requests)
    late = poll_feed(f"{base}/feed.rss", max_seconds=0, policy=LOCAL)  # over its time before the first entry
    assert late.articles == [] and late.errors == []
    assert late.etag is None and late.modified is None  # the next poll must not be answered 304
    assert "the poll took over 0 s; took the first 0" in caplog.text
    assert httpd.requests[before:] == ["/feed.rss"]  # no entry page fetched
    again = poll_feed(f"{base}/feed.rss", etag=late.etag, modified=late.modified, policy=LOCAL)
    assert len(again.articles) == 3


def test_atom_feed_and_local_feed_file(base, tmp_path):
    poll = poll_feed(f"{base}/atom.xml", policy=LOCAL)
    assert [a.outlet for a in poll.articles] == ["Northern Ledger"] and poll.errors == []
    saved = tmp_path / "feed.xml"
    saved.write_text(ATOM.format(base=base), encoding="utf-8")
    assert [a.id for a in poll_feed(saved, policy=LOCAL).articles] == [a.id for a in poll.articles]
    # A feed file's entries are fetched under the same policy as any URL: by default a local one is not.
    refused = poll_feed(saved)
    assert "private or local address" in refused.errors[0].problem
    assert [a.raw_format for a in refused.articles] == ["feed"]  # the entry's own text, not the page


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("/news/dam", "not an RSS or Atom feed"),
        ("/nowhere", "HTTP 404"),
        ("ftp://127.0.0.1/feed.xml", "only http and https"),
        ("missing-feed.xml", "no such file"),
    ],
)
def test_a_bad_feed_is_one_error(base, target, problem):
    poll = poll_feed(f"{base}{target}" if target.startswith("/") else target, policy=LOCAL)
    assert poll.articles == []
    [error] = poll.errors
    assert problem in error.problem
