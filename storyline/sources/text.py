"""Plain-text articles (.txt, .md, and any file whose suffix no other reader claims): the first line is
the headline when it is short enough to be one. A file that turns out to be an HTML page is read as one."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping

from storyline.errors import InputError
from storyline.models import Article
from storyline.sources.article import make_article
from storyline.sources.decode import read_text_file
from storyline.sources.html_page import extract_html, looks_like_html
from storyline.sources.readers import Reader

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



class TextReader(Reader):
    name = "text"
    suffixes = frozenset({".txt", ".text", ".md", ""})

    def read(self, path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
        raw, encoding = read_text_file(path, max_bytes)
        if looks_like_html(raw):
            yield extract_html(raw, source=str(path), default_outlet=path.stem, encoding=encoding)
        else:
            yield read_text_article(path, raw, encoding)
