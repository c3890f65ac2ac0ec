"""Where the per-article stages run: in this process, or as tasks on a Dask cluster.

The stages that need one article at a time (read, clean, analyze, embed, copy shingles) run over
*partitions* of the input: chunks of files of a directory, chunks of lines of a JSONL dump, row groups
of a Parquet dump (a CSV dump is one partition: a quoted cell may span lines, so it cannot be cut by
line). :func:`plan_partitions` describes them (small, picklable), :func:`prepare_partition` runs one,
and an executor maps it over the partitions, yielding the results **in partition order** so that the
global stages in the driver (syndication groups, story clustering, the store writes, see
``pipeline.ingest_partitions``) see the articles in the same order as a local run, and give the same
groups and stories.

A partition that still fails after the retries is yielded as one :class:`PartitionFailed` error naming
its input; the rest goes on.
"""

from __future__ import annotations

import collections
from concurrent.futures import CancelledError
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

from storyline.errors import ConfigError, InputError, require
from storyline.ingest import (
    JSONL_SUFFIXES, MAX_ARTICLE_BYTES, PARQUET_SUFFIXES, _article_or_error, _bounded_lines, _expand, check_fields,
    decode_bytes, iter_articles, jsonl_row,
)

if TYPE_CHECKING:
    import numpy as np

    from storyline.models import Article, AnalyzedArticle

log = logging.getLogger(__name__)

# Articles (files or dump rows) per partition: two analysis batches (pipeline.ANALYZE_BATCH), ~2 s of
# work on one core, so the Dask per-task overhead (~ms) is negligible and a lost worker costs little.
PARTITION_SIZE = 64
RETRIES = 2  # a failing partition is tried this many more times before it is reported


@dataclass(frozen=True)
class Partition:
    """One unit of work: ``files`` (a chunk of files), ``jsonl`` (``count`` lines of one dump from byte
    ``start``, the first being line ``first``) or ``parquet`` (row group ``start``, whose first row is row
    ``first``)."""

    kind: str
    paths: tuple[str, ...]
    fields: tuple[tuple[str, str], ...] = ()
    start: int = 0
    first: int = 1
    count: int = 0

    def describe(self) -> str:
        if self.kind == "jsonl":
            return f"{self.paths[0]}:{self.first}-{self.first + self.count - 1}"
        if self.kind == "parquet":
            return f"{self.paths[0]}#row-group={self.start}"
        if len(self.paths) == 1:
            return self.paths[0]
        return f"{self.paths[0]} .. {self.paths[-1]} ({len(self.paths)} files)"


@dataclass
class PreparedArticle:
    """An article read, cleaned and analyzed in a worker, with its copy shingles (``dedup.copy_shingles``).

    ``analyzed`` is None when the article was already stored (skipped before analysis)."""

    article_id: str
    analyzed: "AnalyzedArticle | None" = None
    signature: "np.ndarray | None" = None
    analyzer_key: str = ""


class PartitionFailed(InputError):
    """A partition whose task failed on every try (a crashing worker, a bug): one error line for it."""

    def __init__(self, partition: Partition, exc: BaseException, tries: int):
        super().__init__(f"failed after {tries} tries ({type(exc).__name__}: {exc})", input=partition.describe(),
                         fix="the other inputs were stored; run the command again to retry this one")


# --- planning (in the driver) -----------------------------------------------------------------------


def check_partition_size(size: int) -> None:
    if size < 1:
        raise ConfigError(f"--partition-size {size} is too small", fix="give at least 1")


def plan_partitions(inputs: Iterable[str | Path], fields: Mapping[str, str] | None = None,
                    size: int = PARTITION_SIZE) -> list[Partition]:
    """The partitions of the inputs, in input order (the order ``ingest.iter_articles`` reads them in)."""
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
        for item in _expand(Path(given)):
            if isinstance(item, InputError):  # a missing input: its partition reports it
                files.append(str(given))
            elif item.suffix.lower() in JSONL_SUFFIXES:
                flush()
                partitions += _jsonl_partitions(item, mapped, size)
            elif item.suffix.lower() in PARQUET_SUFFIXES:
                flush()
                partitions += _parquet_partitions(item, mapped)
            else:
                files.append(str(item))
            if len(files) >= size:
                flush()
    flush()
    return partitions


def _jsonl_partitions(path: Path, fields: tuple, size: int) -> list[Partition]:
    """Chunks of ``size`` lines, found by one pass over the bytes (nothing is parsed here)."""
    whole = [Partition("files", (str(path),), fields)]  # read by iter_articles, which reports what is wrong
    if not path.is_file():
        return whole  # a pipe can be read once only
    try:
        with path.open("rb") as handle:
            _, encoding = decode_bytes(handle.read(1 << 16), str(path))
            if encoding.startswith("utf-16"):
                return whole  # lines of UTF-16 cannot be found by their bytes
            handle.seek(0)
            partitions, start, first, rows, number = [], 0, 1, 0, 0
            for line in _bounded_lines(handle, MAX_ARTICLE_BYTES):
                number += 1
                rows += line is not None and bool(line.strip())
                if number - first + 1 == size:
                    partitions.append(Partition("jsonl", (str(path),), fields, start, first, size))
                    start, first = handle.tell(), number + 1
            if number >= first:
                partitions.append(Partition("jsonl", (str(path),), fields, start, first, number - first + 1))
    except (InputError, OSError):
        return whole
    return partitions if rows else whole  # an empty dump: one "empty" error, as a local run gives


def _parquet_partitions(path: Path, fields: tuple) -> list[Partition]:
    parquet = require("pyarrow.parquet", extra="scale", purpose="reading Parquet dumps")
    try:
        metadata = parquet.ParquetFile(path).metadata
    except Exception:  # not Parquet: iter_articles reports it as a local run does
        return [Partition("files", (str(path),), fields)]
    partitions, first = [], 1
    for group in range(metadata.num_row_groups):
        rows = metadata.row_group(group).num_rows
        partitions.append(Partition("parquet", (str(path),), fields, group, first, rows))
        first += rows
    return partitions or [Partition("files", (str(path),), fields)]


# --- one partition (in a worker) --------------------------------------------------------------------


def read_partition(partition: Partition) -> Iterator["Article | InputError"]:
    """The articles of one partition, with the same ids, sources and raw text as a local run reads."""
    fields = dict(partition.fields)
    if partition.kind == "files":
        yield from iter_articles(partition.paths, fields=fields)
    elif partition.kind == "jsonl":
        yield from _read_jsonl_lines(partition, fields)
    elif partition.kind == "parquet":
        yield from _read_row_group(partition, fields)
    else:
        raise ValueError(f"unknown partition kind {partition.kind!r}")


def _read_jsonl_lines(partition: Partition, fields: dict) -> Iterator["Article | InputError"]:
    # A slice of the file, row by row as ingest reads a whole dump (the planner has already refused
    # binary and UTF-16 dumps); tests/test_executor.py checks both read the same articles.
    path = Path(partition.paths[0])
    with path.open("rb") as handle:
        handle.seek(partition.start)
        numbers = range(partition.first, partition.first + partition.count)
        for number, line in zip(numbers, _bounded_lines(handle, MAX_ARTICLE_BYTES)):
            item = jsonl_row(line, f"{path}:{number}", fields, default_outlet=path.stem, max_bytes=MAX_ARTICLE_BYTES)
            if item is not None:
                yield item


def _read_row_group(partition: Partition, fields: dict) -> Iterator["Article | InputError"]:
    parquet = require("pyarrow.parquet", extra="scale", purpose="reading Parquet dumps")
    path = Path(partition.paths[0])
    try:
        records = parquet.ParquetFile(path).read_row_group(partition.start).to_pylist()
    except Exception as exc:  # a corrupt row group: one error for it, the other groups go on
        yield InputError(f"not a readable Parquet row group ({exc})", input=partition.describe())
        return
    for row_number, record in enumerate(records, start=partition.first):
        yield _article_or_error(record, fields, source=f"{path}#row={row_number}", raw=json.dumps(record, default=str),
                                raw_format="parquet", default_outlet=path.stem)


_worker_analyzer = None


def worker_analyzer():
    """The default analyzer, loaded once per process. In a Dask worker its embedder runs on the worker's
    threads only: with ONNX Runtime's default (every core) in each of two worker processes, the threads
    fight for the cores (300 articles on 2 cores: 31.6 s, against 24.5 s with one thread per worker).
    The vectors do not depend on the thread count (checked bit for bit on 64 texts)."""
    global _worker_analyzer
    if _worker_analyzer is None:
        from dataclasses import replace

        from storyline.analyze import OnnxMiniLMEmbedder, default_analyzer

        _worker_analyzer = default_analyzer()
        threads = _dask_worker_threads()
        if threads and isinstance(_worker_analyzer.embedder, OnnxMiniLMEmbedder):
            embedder = _worker_analyzer.embedder
            _worker_analyzer = replace(_worker_analyzer,
                                       embedder=OnnxMiniLMEmbedder(batch_size=embedder.batch_size, threads=threads))
    return _worker_analyzer


def _dask_worker_threads() -> int | None:
    try:
        from distributed import get_worker

        return get_worker().state.nthreads
    except (ImportError, ValueError, AttributeError):  # not in a Dask worker
        return None


def prepare_partition(partition: Partition, skip: frozenset[str] = frozenset()) -> list["PreparedArticle | InputError"]:
    """Read, clean and analyze one partition, and sign each article for the syndication index.

    Runs in a worker, with the process's cached default analyzer (its models load once per worker).
    Articles whose id is in ``skip`` (already stored) are not analyzed. The result is in input order.
    """
    from storyline.analyze import analyze_articles
    from storyline.clean import clean_articles
    from storyline.dedup import copy_shingles
    from storyline.pipeline import ANALYZE_BATCH, _batches

    items = list(read_partition(partition))
    fresh = {}
    for item in items:
        if not isinstance(item, InputError) and item.id not in skip:
            fresh.setdefault(item.id, item)
    analyzed: dict[str, PreparedArticle | InputError] = {}

    def in_its_place(article: Article, error: InputError) -> None:  # an article that was all boilerplate
        analyzed[article.id] = error

    if fresh:
        analyzer = worker_analyzer()
        for batch in _batches(fresh.values(), ANALYZE_BATCH):
            for article in analyze_articles(clean_articles(batch, in_its_place), analyzer):
                analyzed[article.id] = PreparedArticle(article.id, article, copy_shingles(article.cleaned.text),
                                                       analyzer.key)
    return [item if isinstance(item, InputError) else analyzed.get(item.id) or PreparedArticle(item.id)
            for item in items]


# --- executors --------------------------------------------------------------------------------------


class _Executor:
    """What both executors share: ``with executor:`` closes it; a failed partition is one error."""

    def close(self) -> None:
        pass

    @staticmethod
    def _failed(partition: Partition, exc: BaseException, attempts: int) -> PartitionFailed:
        log.debug("partition %s failed", partition.describe(), exc_info=exc)
        return PartitionFailed(partition, exc, attempts)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class LocalExecutor(_Executor):
    """Runs each partition in this process, one after the other (the analyzer uses every core itself)."""

    name = "local"
    dashboard_link: str | None = None

    def map(self, fn: Callable, partitions: Iterable[Partition], **shared) -> Iterator:
        for partition in partitions:
            try:
                yield fn(partition, **shared)
            except Exception as exc:  # the same contract as on Dask: one error, the rest goes on
                yield self._failed(partition, exc, 1)


class DaskExecutor(_Executor):
    """Runs partitions as tasks on a Dask cluster: the one at ``scheduler`` (tcp://HOST:PORT), else a
    LocalCluster of ``workers`` processes with one thread each (the models are not thread-parallel)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, *, workers: int = 2, retries: int = RETRIES) -> None:
        distributed = require("distributed", extra="scale", purpose="running on Dask (--executor dask)")
        self.retries = retries
        self.cluster = None
        # Dask logs its start and stop at INFO; show them only when our own log level asks for them.
        logging.getLogger("distributed").setLevel(logging.getLogger().level)
        if scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ConfigError(f"cannot connect to the Dask scheduler ({exc})", input=scheduler,
                                  fix="start one with `dask scheduler`, or leave out --scheduler") from None
        else:
            self.cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                    dashboard_address=":0", silence_logs=logging.ERROR)
            self.client = distributed.Client(self.cluster)

    @property
    def dashboard_link(self) -> str | None:
        try:
            import bokeh  # noqa: F401  (the dashboard is only served when bokeh is installed)
        except ImportError:
            return None
        return self.client.dashboard_link

    def map(self, fn: Callable, partitions: Iterable[Partition], **shared) -> Iterator:
        # Shared arguments (the stored ids) go to every worker once, not once per task.
        scattered = self._scatter(shared)

        def submit(partition: Partition):
            return self.client.submit(fn, partition, **scattered, retries=self.retries, pure=False)

        def result(partition: Partition, future, resubmitted: bool = False):
            nonlocal scattered
            try:
                return future.result()
            except CancelledError as exc:
                if resubmitted or getattr(exc, "reason", "") != "lost dependencies":
                    return self._failed(partition, exc, self.retries + 1)
                # Every worker holding the shared data died: send it again and run the partition anew.
                scattered = self._scatter(shared)
                return result(partition, submit(partition), resubmitted=True)
            except Exception as exc:
                return self._failed(partition, exc, self.retries + 1)
            finally:
                future.release()

        # A bounded window of tasks in flight: results wait in the workers' memory until the driver takes
        # them in order, so the window keeps that (and the driver's memory) bounded on any input size.
        window = max(4, 2 * sum(self.client.nthreads().values()))
        pending: collections.deque = collections.deque()
        for partition in partitions:
            pending.append((partition, submit(partition)))
            if len(pending) >= window:
                yield result(*pending.popleft())
        while pending:
            yield result(*pending.popleft())

    def _scatter(self, shared: dict) -> dict:
        return {name: self.client.scatter([value], broadcast=True)[0] for name, value in shared.items()}

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
