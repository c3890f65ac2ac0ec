"""Ingest: new articles into the store, by one driver whatever the executor.

    sources -> partitions -> [executor: read -> prepare (clean, analyze, sign)] -> driver: assign -> store

The inputs become *partitions* (``sources.route.plan_partitions`` for files and dumps; batches of items
already read, such as fetched pages and feed entries, for :func:`ingest_into_store`). The executor
(``executor.LocalExecutor`` in this process, ``executor.DaskExecutor`` on a cluster) runs
:func:`prepare_partition` on each and yields the results in partition order; the driver, :func:`ingest`,
then gives each new article its syndication group and story and writes it (``assign.store_article``), so
both executors give the same groups and stories by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

from storyline.analyze import AnalysisCache, Analyzer
from storyline.assign import name_stories, open_indexes, store_article, store_clusterer
from storyline.errors import InputError
from storyline.executor import LocalExecutor, worker_analyzer
from storyline.models import Article
from storyline.prepare import ANALYZE_BATCH, PreparedArticle, batches, prepare
from storyline.sources.readers import Partition
from storyline.sources.route import PARTITION_SIZE, plan_partitions, read_partition

if TYPE_CHECKING:
    from storyline.executor import Executor
    from storyline.store import IngestStore


@dataclass
class IngestReport:
    new: int = 0
    already_stored: int = 0
    errors: list[InputError] = field(default_factory=list)
    stories_touched: set[str] = field(default_factory=set)
    stories_merged: int = 0

    def add_error(self, error: InputError, on_error=None) -> None:
        self.errors.append(error)
        if on_error:
            on_error(error)

    def add_stored(self, assignment) -> None:
        self.new += 1
        self.stories_touched.add(assignment.story.id)
        self.stories_touched.difference_update(assignment.merged_away)
        self.stories_merged += len(assignment.merged_away)


def prepare_partition(partition: Partition, skip: frozenset[str] = frozenset(), analyzer: Analyzer | None = None,
                      cache: AnalysisCache | None = None, embedder: str | None = None) -> list[PreparedArticle | InputError]:
    """Read one partition and prepare its articles (``prepare.prepare``), in input order: the task an
    executor runs, in a worker or in this process.

    Articles whose id is in ``skip`` or ``partition.stored`` (already stored) are not prepared, nor an
    article met again; the others are prepared ``ANALYZE_BATCH`` at a time. ``analyzer``: the default is
    the process's own with ``embedder`` (``executor.worker_analyzer``: loaded once per worker).
    """
    items = list(read_partition(partition))
    skip = skip | partition.stored
    fresh: dict[str, Article] = {}
    for item in items:
        if not isinstance(item, InputError) and item.id not in skip:
            fresh.setdefault(item.id, item)
    prepared: dict[str, PreparedArticle] = {}
    if fresh:
        analyzer = analyzer or worker_analyzer(embedder)
        for batch in batches(fresh.values(), ANALYZE_BATCH):
            prepared.update((p.article_id, p) for p in prepare(batch, analyzer, cache))
    return [item if isinstance(item, InputError) else prepared.get(item.id) or PreparedArticle(item.id)
            for item in items]


def ingest(
    partitions: Iterable[Partition],
    store: "IngestStore",
    executor: "Executor",
    *,
    skip: frozenset[str] = frozenset(),
    analyzer: Analyzer | None = None,
    cache: AnalysisCache | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_article: Callable[[str], None] | None = None,
    clusterer: str | None = None,
    embedder: str | None = None,
) -> IngestReport:
    """Prepare the partitions on ``executor`` and store their new articles with their syndication group
    and story, in partition order.

    Each article is written in one transaction with everything derived from it, so a crash loses at
    most the article being written and never leaves half of one. Per partition: its read errors and
    input articles first (``on_error(error)``, ``on_article(article_id)``, for progress), then the
    articles that cleaning left empty, then the new articles stored. ``skip``: ids known to be stored
    (not prepared again); ``analyzer``, ``cache``: for the preparing (default: the worker's analyzer with
    ``embedder``, no cache); ``clusterer``: a name in ``cluster.clusterers``, checked before anything is read.
    """
    store_clusterer(store, clusterer)
    shared = {"skip": skip, **({"analyzer": analyzer} if analyzer else {}), **({"cache": cache} if cache else {}),
              **({"embedder": embedder} if embedder else {})}
    report = IngestReport()
    indexes = None  # opened at the first new article, with the analyzer key it was prepared with
    analyzer_key = ""
    for result in executor.map(prepare_partition, partitions, **shared):
        if isinstance(result, InputError):  # the whole partition failed
            report.add_error(result, on_error)
            continue
        fresh: dict[str, PreparedArticle] = {}
        for item in result:
            if isinstance(item, InputError):
                report.add_error(item, on_error)
                continue
            if on_article:
                on_article(item.article_id)
            skipped = item.analyzed is None and item.removed is None  # already stored when it was read
            if skipped or item.article_id in fresh or store.has_article(item.article_id):
                report.already_stored += 1
            else:
                fresh[item.article_id] = item
        for item in fresh.values():
            if item.removed:
                report.add_error(item.removed, on_error)
        for item in fresh.values():
            if item.analyzed is not None:
                if indexes is None:
                    indexes = open_indexes(store, item.analyzer_key, clusterer)
                analyzer_key = item.analyzer_key
                report.add_stored(store_article(store, item.analyzed, analyzer_key, *indexes, signature=item.signature))
    if report.stories_touched:
        name_stories(store, report.stories_touched, analyzer_key)
    return report


def ingest_into_store(
    items: Iterable[Article | InputError],
    store: "IngestStore",
    *,
    executor: "Executor | None" = None,
    analyzer: Analyzer | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_article: Callable[[str], None] | None = None,
    cache: AnalysisCache | None = None,
    clusterer: str | None = None,
) -> IngestReport:
    """:func:`ingest` of items already read (``sources.route.iter_sources``: files, pages, feeds), in
    batches of ``ANALYZE_BATCH`` items on ``executor`` (default: this process). ``cache``: where analyses
    are looked up first (the cluster benchmark keeps one so it does not re-embed on every run)."""
    return ingest(_item_partitions(items, store), store, executor or LocalExecutor(), analyzer=analyzer,
                  cache=cache, on_error=on_error, on_article=on_article, clusterer=clusterer)


def _item_partitions(items: Iterable[Article | InputError], store: "IngestStore") -> Iterator[Partition]:
    # Planned as the executor asks for them: in this process, after the batch before was stored, so an
    # article met again in a later batch is known to be stored and is not prepared twice.
    for batch in batches(items, ANALYZE_BATCH):
        stored = frozenset(item.id for item in batch if isinstance(item, Article) and store.has_article(item.id))
        yield Partition("items", items=tuple(batch), stored=stored)


def ingest_partitions(
    inputs: Iterable[str | Path],
    store: "IngestStore",
    executor: "Executor",
    *,
    fields: Mapping[str, str] | None = None,
    partition_size: int | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_article: Callable[[str], None] | None = None,
    clusterer: str | None = None,
    embedder: str | None = None,
) -> IngestReport:
    """:func:`ingest` of files and dumps, cut into partitions (``sources.route.plan_partitions``) that the
    executor's workers read themselves; the articles already stored are skipped before analysis."""
    partitions = plan_partitions(inputs, fields, partition_size or PARTITION_SIZE)
    return ingest(partitions, store, executor, skip=frozenset(store.article_ids_in_order()), on_error=on_error,
                  on_article=on_article, clusterer=clusterer, embedder=embedder)
