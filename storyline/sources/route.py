"""Every input to its reader: files and directories, dumps, page URLs and RSS/Atom feeds.

:func:`iter_sources` is the one entry for everything `storyline ingest` takes; :func:`iter_articles`
reads files and directories (each file by the reader its suffix names, ``sources.formats``) and streams,
yielding an :class:`Article` or an :class:`InputError` for each input or row that could not be read, so
one bad input never stops a batch. :func:`plan_partitions` cuts the same files into partitions for an
executor and :func:`read_partition` reads one, giving exactly what :func:`iter_articles` gives there.
Page URLs and feeds are fetched by ``sources.fetch``, under its policy of which addresses may be asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping
from urllib.parse import urlparse

from storyline.errors import ConfigError, InputError
from storyline.sources.fetch import PUBLIC_ONLY, FetchPolicy, fetch_article, poll_feed
from storyline.models import Article
from storyline.sources.article import MAX_ARTICLE_BYTES, check_fields
from storyline.sources.formats import reader, reader_for
from storyline.sources.readers import Partition

if TYPE_CHECKING:
    from storyline.store import IngestStore

# Articles (files or dump rows) per partition: two analysis batches (prepare.ANALYZE_BATCH), ~2 s of
# work on one core, so the Dask per-task overhead (~ms) is negligible and a lost worker costs little.
PARTITION_SIZE = 64

_FEED_PATH = re.compile(r"(\.(xml|rss|atom|rdf)$|/(feed|rss|atom)/?$)", re.IGNORECASE)


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def is_url(text: str) -> bool:
    return "://" in text


def looks_like_feed(source: str) -> bool:
    """A feed by its address: .xml/.rss/.atom/.rdf, or a path ending in /feed, /rss or /atom."""
    return bool(_FEED_PATH.search(urlparse(source).path if is_url(source) else source))


def iter_sources(
    inputs: Iterable[str], store: "IngestStore", *, fields: Mapping[str, str] | None = None, feeds: bool = False,
    policy: FetchPolicy = PUBLIC_ONLY,
) -> Iterator[Article | InputError]:
    """Articles from files and dumps, page URLs and RSS/Atom feeds (``feeds=True``: every URL is a feed).

    ``policy`` says which addresses may be fetched (page URLs, feed URLs, the entries of every feed, a
    feed file's included); the default refuses every non-public address. A feed is asked with the ETag /
    Last-Modified the store remembers for it, so an unchanged feed costs one 304; entries whose page is
    already stored are skipped without fetching it.
    """
    for source in inputs:
        if feeds or looks_like_feed(source):
            etag, modified = store.feed_state(source)
            poll = poll_feed(source, etag=etag, modified=modified, seen_urls=store.known_urls(), policy=policy)
            yield from poll.errors
            yield from poll.articles
            if not poll.errors or poll.articles or poll.not_modified:
                store.save_feed_state(source, poll.etag, poll.modified)
        elif is_url(source):
            try:
                yield fetch_article(source, policy=policy)
            except InputError as error:
                yield error
        else:
            yield from iter_articles([source], fields=fields)


def _is_project_file(path: Path) -> bool:
    """README/LICENSE files beside a pile of articles describe the pile; they are not articles."""
    return path.name.upper().startswith(("README", "LICENSE", "LICENCE", "CHANGELOG"))


def expand(path: Path) -> Iterator[Path | InputError]:
    """The article files of an input: itself, or a directory's files in name order (hidden and project
    files left out); an error for a missing input or a directory with none."""
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
        for item in expand(Path(given)):
            if isinstance(item, InputError):
                yield item
                continue
            try:
                yield from reader_for(item).read(item, fields, max_bytes)
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


# --- partitions, for an executor --------------------------------------------------------------------


def check_partition_size(size: int) -> None:
    if size < 1:
        raise ConfigError(f"--partition-size {size} is too small", fix="give at least 1")


def plan_partitions(inputs: Iterable[str | Path], fields: Mapping[str, str] | None = None,
                    size: int = PARTITION_SIZE) -> list[Partition]:
    """The partitions of the inputs, in input order (the order :func:`iter_articles` reads them in): a
    dump its reader can cut is cut (its own partitions); other files go in chunks of ``size`` files."""
    check_partition_size(size)
    check_fields(fields or {})
    mapped = tuple(sorted((fields or {}).items()))
    partitions: list[Partition] = []
    files: list[str] = []

    def flush() -> None:
        if files:
            partitions.append(Partition("files", tuple(files), mapped))
            files.clear()

    for given in inputs:
        for item in expand(Path(given)):
            own = None if isinstance(item, InputError) else reader_for(item).partitions(item, mapped, size)
            if own is not None:
                flush()
                partitions += own
            else:  # read whole; a missing input is given again, so that its partition reports it
                files.append(str(given if isinstance(item, InputError) else item))
            if len(files) >= size:
                flush()
    flush()
    return partitions


def read_partition(partition: Partition) -> Iterator[Article | InputError]:
    """The articles of one partition, with the same ids, sources and raw text as :func:`iter_articles`."""
    if partition.kind == "files":
        return iter_articles(partition.paths, fields=dict(partition.fields))
    if partition.kind == "items":
        return iter(partition.items)
    return reader(partition.kind).read_partition(partition)
