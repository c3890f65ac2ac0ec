"""`storyline ingest` and `storyline watch` against real feeds and pages on a local HTTP server."""

from __future__ import annotations

import pytest

from conftest import local_http_server
from storyline.cli import main
from storyline.sources.route import looks_like_feed
from storyline.store import Store
from test_fetch import Handler

LOCAL = ["--allow-private-urls"]  # the local server stands in for public news sites


@pytest.fixture
def site():
    """The fetch tests' site (feeds, pages, broken URLs), fresh for each test so request logs are its own."""
    with local_http_server(Handler) as served:
        yield served


@pytest.mark.models
def test_feed_ingest_then_conditional_request_ingests_nothing(site, tmp_path, capsys):
    base, httpd = site
    db = str(tmp_path / "s.db")
    assert main(["ingest", "--db", db, *LOCAL, f"{base}/feed.rss"]) == 1  # two entries' pages are gone (404)
    err = capsys.readouterr().err
    assert "/news/gone" in err and "HTTP 404" in err
    with Store(db) as store:
        titles = sorted(r[0] for r in store.connection.execute("SELECT title FROM articles"))
        # Pages that fail fall back to the entry's own text (and are reported above).
        assert titles == ["Already seen story", "Bridge repairs delayed again",
                          "Dam operator opens spillway after record rain"]
        assert store.feed_state(f"{base}/feed.rss") == ('"v1"', "Sat, 02 Mar 2024 11:00:00 GMT")

    before = len(httpd.requests)
    assert main(["ingest", "--db", db, *LOCAL, f"{base}/feed.rss"]) == 0
    assert "0 new, 0 already stored, 0 errors" in capsys.readouterr().err
    assert httpd.requests[before:] == ["/feed.rss"], "a 304 costs one request and fetches no page"
    with Store(db) as store:
        assert store.count_articles() == 3


@pytest.mark.models
def test_watch_polls_until_max_polls_and_stores_each_entry_once(site, tmp_path, capsys):
    base, httpd = site
    db = str(tmp_path / "s.db")
    assert main(["watch", "--db", db, *LOCAL, "--every", "0s", "--max-polls", "3", f"{base}/atom.xml"]) == 0
    err = capsys.readouterr().err
    assert "poll 1: 1 new" in err and "poll 3: 0 new" in err
    assert httpd.requests.count("/news/rail") == 1, "an entry already stored is not fetched again"
    with Store(db) as store:
        assert store.count_articles() == 1


@pytest.mark.models
def test_pages_and_bad_urls_in_one_batch(site, tmp_path, capsys):
    base, _ = site
    db = str(tmp_path / "s.db")
    inputs = [f"{base}/news/dam", f"{base}/news/missing", f"{base}/menu", f"{base}/data.json", "ftp://example.test/x",
              "http://127.0.0.1:1/dead", f"{base}/news/rail"]
    assert main(["ingest", "--db", db, *LOCAL, *inputs]) == 1
    error_lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("storyline: error:")]
    assert len(error_lines) == 5
    for bad in inputs[1:6]:
        assert sum(bad in line for line in error_lines) == 1
    with Store(db) as store:
        assert store.count_articles() == 2
    # A feed that is not XML is one error; what is stored stays (exit 2: nothing could be read).
    assert main(["ingest", "--db", db, *LOCAL, "--feed", f"{base}/news/dam"]) == 2
    assert "storyline: error:" in capsys.readouterr().err
    with Store(db) as store:
        assert store.count_articles() == 2


@pytest.mark.parametrize(
    "source, feed",
    [("https://x.test/rss", True), ("https://x.test/news/feed/", True), ("https://x.test/a.xml", True),
     ("feeds/local.atom", True), ("https://x.test/news/story-about-feeds", False), ("dump.jsonl", False)],
)
def test_feed_addresses_are_recognised(source, feed):
    assert looks_like_feed(source) is feed
