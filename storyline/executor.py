"""Where the per-article step runs: in this process, or as tasks on a Dask cluster.

An executor maps a task (``ingest.prepare_partition``) over partitions of the input
(``sources.readers.Partition``) and yields the results **in partition order**, so that the global stages
in the driver (``ingest.ingest``: syndication groups, story clustering, the store writes) see the
articles in the same order on every executor, and give the same groups and stories.

A partition that still fails after the retries is yielded as one :class:`PartitionFailed` error naming
its input; the rest goes on.
"""

from __future__ import annotations

import collections
from concurrent.futures import CancelledError
import logging
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Protocol

from storyline.errors import ConfigError, InputError, require

if TYPE_CHECKING:
    from storyline.analyze import Analyzer
    from storyline.sources.readers import Partition

log = logging.getLogger(__name__)

RETRIES = 2  # a failing partition is tried this many more times before it is reported


class Executor(Protocol):
    """What the ingest driver needs from an executor: ``map`` a task over partitions, results in order
    (a failed partition as one :class:`PartitionFailed`), ``shared`` keyword arguments passed to every
    task; and ``with executor:`` to close it."""

    name: str
    dashboard_link: str | None

    def map(self, fn: Callable, partitions: Iterable["Partition"], **shared) -> Iterator: ...

    def close(self) -> None: ...

    def __enter__(self) -> "Executor": ...

    def __exit__(self, *exc_info) -> None: ...


class PartitionFailed(InputError):
    """A partition whose task failed on every try (a crashing worker, a bug): one error line for it."""

    def __init__(self, partition: "Partition", exc: BaseException, tries: int):
        super().__init__(f"failed after {tries} tries ({type(exc).__name__}: {exc})", input=partition.describe(),
                         fix="the other inputs were stored; run the command again to retry this one")


_worker_analyzers: dict[str, "Analyzer"] = {}  # embedder name -> this process's analyzer


def worker_analyzer(embedder: str | None = None) -> "Analyzer":
    """The analyzer with this embedder (default: the default one), loaded once per process. In a Dask worker its embedder runs on the worker's
    threads only: with ONNX Runtime's default (every core) in each of two worker processes, the threads
    fight for the cores (300 articles on 2 cores: 31.6 s, against 24.5 s with one thread per worker).
    The vectors do not depend on the thread count (checked bit for bit on 64 texts)."""
    from storyline.analyze import DEFAULT_EMBEDDER, OnnxMiniLMEmbedder, analyzer_for

    embedder = embedder or DEFAULT_EMBEDDER
    if embedder not in _worker_analyzers:
        from dataclasses import replace

        analyzer = analyzer_for(embedder)
        threads = _dask_worker_threads()
        if threads and isinstance(analyzer.embedder, OnnxMiniLMEmbedder):
            analyzer = replace(analyzer, embedder=OnnxMiniLMEmbedder(batch_size=analyzer.embedder.batch_size,
                                                                     threads=threads))
        _worker_analyzers[embedder] = analyzer
    return _worker_analyzers[embedder]


def _dask_worker_threads() -> int | None:
    try:
        from distributed import get_worker

        return get_worker().state.nthreads
    except (ImportError, ValueError, AttributeError):  # not in a Dask worker
        return None


# --- executors --------------------------------------------------------------------------------------


class _Executor:
    """What both executors share: ``with executor:`` closes it; a failed partition is one error."""

    def close(self) -> None:
        pass

    @staticmethod
    def _failed(partition: "Partition", exc: BaseException, attempts: int) -> PartitionFailed:
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

    def map(self, fn: Callable, partitions: Iterable["Partition"], **shared) -> Iterator:
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

    def map(self, fn: Callable, partitions: Iterable["Partition"], **shared) -> Iterator:
        # Shared arguments (the stored ids) go to every worker once, not once per task.
        scattered = self._scatter(shared)

        def submit(partition: "Partition"):
            return self.client.submit(fn, partition, **scattered, retries=self.retries, pure=False)

        def result(partition: "Partition", future, resubmitted: bool = False):
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
