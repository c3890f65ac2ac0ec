"""`storyline bench scale`: ingest throughput and memory from 1k to 50k articles, local against Dask.

The corpus: every non-empty document of DUC 2004 and Multi-News val200 (``bench.cluster.load_dataset``,
~1,025 articles in ~250 true stories) is a *base*. Article n of the corpus is a base drawn at random
(``random.Random(SEED)``, with replacement, so bases recur: syndicated copies), re-published by one of
40 outlets under its own headline ``Report n: <first words>`` (so every article has its own id), with
its sentences set in paragraphs of three, a publication date of its true story's day (a fixed random
day of 2004) and one variant drawn at random: 40% the text as is, 20% a paragraph dropped (when it has
more than two), 20% one sentence edited (a word replaced), 20% published one to three days later.
Copies of the same base are near-duplicates (the same text but for one paragraph or word); bases of
different true stories are distinct stories. Corpus n is the first n articles of the same stream, so
the 1k corpus is a prefix of the 10k one; it is written as JSONL under bench-results/ (not committed).

Each (size, executor) run is a fresh process and a fresh store: ``ingest.ingest_partitions`` over the
JSONL with the local executor, or with Dask on a LocalCluster of 2 workers x 1 thread, partitions of
64 rows. Reported: articles/s (wall time, model loading included), peak resident memory of the driver
and of each worker (ru_maxrss), time growth from the smaller to the larger sizes (target for 10k ->
50k: at most 6x the time for 5x the data), and the Dask/local time ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from storyline.bench import own_peak_memory_mb

SEED = 20041
OUTLETS = [f"outlet-{n:02d}" for n in range(40)]
DATASETS = ("duc2004", "multinews_val200")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'`])")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data",
                        help="the shared data directory holding duc2004/ and multinews_val200/")
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--executors", default="local,dask", help="local, dask or both (default local,dask)")
    parser.add_argument("--partition-size", type=int, default=64, help="rows per partition (default 64)")
    parser.add_argument("--out", type=Path, default=Path("bench-results"), help="where the corpus and scale.json go")


def _paragraphs(sentences: list[str]) -> list[str]:
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def build_corpus(data: Path, size: int, path: Path) -> None:
    """Write the first ``size`` articles of the corpus stream (see the module docstring) as JSONL."""
    from storyline.bench.cluster import load_dataset
    from storyline.errors import ConfigError

    bases = []
    for name in DATASETS:
        if not (data / name).is_dir():
            raise ConfigError(f"{data / name} is not a directory", fix="give the shared data directory with --data")
        bases += load_dataset(data / name)
    rng = random.Random(SEED)
    story_day = {story: datetime(2004, 1, 1) + timedelta(days=rng.randrange(366))
                 for story in sorted({story for _, story in bases})}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for n in range(size):
            article, story = bases[rng.randrange(len(bases))]
            sentences = _SENTENCE_END.split(" ".join(article.text.split()))
            paragraphs = _paragraphs(sentences)
            published = story_day[story] + timedelta(hours=rng.randrange(24))
            variant = rng.random()
            if variant < 0.4:
                pass
            elif variant < 0.6:
                if len(paragraphs) > 2:
                    del paragraphs[rng.randrange(len(paragraphs))]
            elif variant < 0.8:
                i = rng.randrange(len(sentences))
                words = sentences[i].split()
                words[rng.randrange(len(words))] = rng.choice(["reportedly", "officials", "Tuesday", "again"])
                sentences[i] = " ".join(words)
                paragraphs = _paragraphs(sentences)
            else:
                published += timedelta(days=rng.randint(1, 3))
            headline = " ".join(sentences[0].split()[:8])
            out.write(json.dumps({
                "title": f"Report {n}: {headline}", "text": "\n\n".join(paragraphs), "outlet": rng.choice(OUTLETS),
                "published": published.isoformat(), "story": story,
            }) + "\n")


def run_one(executor_name: str, corpus: Path, db: Path, partition_size: int) -> dict:
    """One measured ingest, in this (fresh) process."""
    from storyline.executor import DaskExecutor, LocalExecutor
    from storyline.ingest import ingest_partitions
    from storyline.store import Store

    db.unlink(missing_ok=True)
    start = time.perf_counter()
    executor = DaskExecutor(workers=2) if executor_name == "dask" else LocalExecutor()
    with executor, Store(db) as store:
        report = ingest_partitions([corpus], store, executor, partition_size=partition_size)
        seconds = time.perf_counter() - start
        workers = []
        if executor_name == "dask":
            workers = sorted(executor.client.run(own_peak_memory_mb).values())
        groups = store.connection.execute("SELECT count(DISTINCT group_id) FROM syndication").fetchone()[0]
        stories = store.connection.execute("SELECT count(*) FROM stories").fetchone()[0]
    return {"executor": executor_name, "articles": report.new, "errors": len(report.errors),
            "seconds": round(seconds, 1), "articles_per_s": round(report.new / seconds, 1),
            "driver_peak_mb": round(own_peak_memory_mb()), "worker_peak_mb": [round(w) for w in workers],
            "syndication_groups": groups, "stories": stories}


def run(args: argparse.Namespace) -> int:
    from storyline.errors import ConfigError

    try:
        sizes = sorted({int(size) for size in args.sizes.split(",")})
    except ValueError:
        raise ConfigError(f"--sizes {args.sizes!r} is not a list of numbers", fix="e.g. --sizes 1000,10000") from None
    executors = [name.strip() for name in args.executors.split(",")]
    if not set(executors) <= {"local", "dask"} or min(sizes) < 1:
        raise ConfigError("--executors takes local and/or dask, --sizes positive numbers")
    args.out.mkdir(parents=True, exist_ok=True)
    corpus_all = args.out / f"scale-corpus-{max(sizes)}.jsonl"
    if not corpus_all.exists():
        build_corpus(args.data, max(sizes), corpus_all)
    results = []
    stores = tempfile.TemporaryDirectory(prefix="storyline-scale-")  # the stores are big and thrown away
    for size in sizes:
        corpus = args.out / f"scale-corpus-{size}.jsonl"
        if not corpus.exists():
            with corpus_all.open(encoding="utf-8") as source, corpus.open("w", encoding="utf-8") as target:
                for _, line in zip(range(size), source):
                    target.write(line)
        for name in executors:
            command = [sys.executable, "-m", "storyline.bench.scale", name, str(corpus),
                       str(Path(stores.name) / f"{name}-{size}.db"), str(args.partition_size)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stderr[-2000:], file=sys.stderr)
                raise ConfigError(f"the {name} run at {size} articles failed (see above)")
            result = {"size": size, **json.loads(done.stdout.splitlines()[-1])}
            results.append(result)
            print(f"{size:>7} {name:<6} {result['seconds']:>8.1f} s {result['articles_per_s']:>7.1f} art/s", file=sys.stderr)

    stores.cleanup()

    def seconds(size: int, name: str) -> float | None:
        return next((r["seconds"] for r in results if r["size"] == size and r["executor"] == name), None)

    summary = {}
    for name in executors:
        for small, large in zip(sizes, sizes[1:]):
            summary[f"{name}: time growth {small} -> {large} ({large / small:g}x data)"] = round(
                seconds(large, name) / seconds(small, name), 2)
    if len(executors) == 2:
        for size in sizes:
            summary[f"dask/local time at {size}"] = round(seconds(size, "dask") / seconds(size, "local"), 2)
    lines = [f"{'size':>7}  {'executor':<8}  {'seconds':>8}  {'art/s':>7}  {'driver MB':>9}  {'workers MB':<12}  "
             f"{'groups':>7}  {'stories':>7}"]
    for r in results:
        workers = "/".join(map(str, r["worker_peak_mb"])) or "-"
        lines.append(f"{r['size']:>7}  {r['executor']:<8}  {r['seconds']:>8.1f}  {r['articles_per_s']:>7.1f}  "
                     f"{r['driver_peak_mb']:>9}  {workers:<12}  {r['syndication_groups']:>7}  {r['stories']:>7}")
    lines += [f"{key}: {value}" for key, value in summary.items()]
    print("\n".join(lines))
    (args.out / "scale.json").write_text(json.dumps({"seed": SEED, "partition_size": args.partition_size,
                                                     "runs": results, "summary": summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":  # one measured run, in a fresh process: EXECUTOR CORPUS DB PARTITION_SIZE
    import logging
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.ERROR)
    print(json.dumps(run_one(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))))
