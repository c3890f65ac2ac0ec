"""HTML pages (.html, .htm, .xhtml; a page fetched from a URL is read by the same code): the main text
and metadata by trafilatura, the author from the page's own <meta> tags."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator, Mapping

from storyline.errors import InputError
from storyline.models import Article
from storyline.sources.article import make_article
from storyline.sources.decode import read_text_file
from storyline.sources.readers import Reader

# Main text shorter than this on a page is navigation or an error page, not an article (the shortest
# real news items, briefs, run to a few sentences).
MIN_HTML_ARTICLE_WORDS = 25

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


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


class HtmlReader(Reader):
    name = "html"
    suffixes = frozenset({".html", ".htm", ".xhtml"})

    def read(self, path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
        raw, encoding = read_text_file(path, max_bytes)
        yield extract_html(raw, source=str(path), default_outlet=path.stem, encoding=encoding)
