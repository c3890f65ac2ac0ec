"""``storyline train NAME DATA``: learn a shipped model from open training data.

One module per model (``salience``, ``links``, ``timeline``), each exposing ``add_arguments(parser)`` and
``run(args) -> int``, like the benchmarks. Training reads only the training split it is given (by
default Multi-News train3000); the dev sets that the benchmarks report on are never read here. The
result is written with :func:`storyline.learned.save_model`: the model, its card as JSON and Markdown.
"""

from __future__ import annotations
# The LightGBM settings every trainer shares: the same model from the same data, quietly, on one thread
# (OpenMP threads spin on a shared machine: 2 threads took 5x longer than 1 there).
REPRODUCIBLE_LIGHTGBM = {"verbose": -1, "deterministic": True, "num_threads": 1, "force_col_wise": True}

# name -> one-line description; the module storyline.train.NAME holds the trainer
TRAINERS = {
    "salience": "Sentence salience for summaries, learned from Multi-News train clusters",
    "links": "Same-story links between articles, learned from Multi-News train clusters",
    "timeline": "Which dated sentences are events on that date, learned from hand labels of Multi-News train clusters",
}


def analyzed_clusters(root, *, limit: int | None = None, cache=None, analyzer=None, progress=None):
    """Each cluster of a Multi-News layout directory, read and analyzed as ``storyline brief`` reads a
    pile (``sources.route.read_inputs`` then ``pipeline.analyze_pile``: clean, analyze, syndicated copies):
    ``(folder, ingested, analyzed, copies)``. A cluster whose documents are all boilerplate is skipped."""
    from storyline.analyze import default_analyzer
    from storyline.bench.summarize import cluster_folders
    from storyline.sources.route import read_inputs
    from storyline.pipeline import NoArticlesError, analyze_pile

    analyzer = analyzer or default_analyzer()
    folders = cluster_folders(root)[:limit] if limit else cluster_folders(root)
    for folder in folders:
        ingested = read_inputs([folder / "docs"])
        if progress:
            progress.update(1)
        try:
            analyzed, copies = analyze_pile(ingested.articles, ingested.errors, input_name=str(folder),
                                            analyzer=analyzer, cache=cache)
        except NoArticlesError:
            continue  # every document boilerplate only: nothing a brief would read
        yield folder, ingested, analyzed, copies


def add_training_arguments(parser, *, rounds: int, layout: str = "clusters/<id>/docs") -> None:
    """The arguments every trainer takes: the training directory, --out, --limit, --rounds, --cache."""
    from pathlib import Path

    parser.add_argument("data", type=Path, metavar="TRAIN_DIR", help=f"Multi-News train directory ({layout})")
    parser.add_argument("--out", type=Path, default=None, help="where to write the model and its card (default: the package's data folder)")
    parser.add_argument("--limit", type=int, default=None, help="only the first K clusters by name")
    parser.add_argument("--rounds", type=int, default=rounds, help=f"boosting rounds (default {rounds})")
    parser.add_argument("--cache", type=Path, default=None, metavar="STORE_FILE",
                        help="keep the analyzed articles in this store file and reuse them on later runs")


def check_training_layout(data) -> None:
    """One clear error unless ``data`` is a Multi-News layout directory (a ``clusters/`` folder)."""
    from storyline.errors import ConfigError

    if not (data / "clusters").is_dir():
        raise ConfigError("not a Multi-News layout directory (no clusters/ folder)", input=str(data),
                          fix="give ../shared/data/multinews_train3000")


def read_training_data(args, read, *, step: str):
    """``read(root, limit=, cache=, progress=)`` over ``args.data`` (checked to be a Multi-News layout),
    with the ``--cache`` store and a progress bar over its clusters (quiet when stderr is not a terminal)."""
    import sys

    from tqdm import tqdm

    from storyline.bench.cluster import StoreCache
    from storyline.bench.summarize import cluster_folders
    from storyline.store import Store

    check_training_layout(args.data)
    store = Store(args.cache) if args.cache else None
    total = min(args.limit or 10**9, len(cluster_folders(args.data)))
    try:
        with tqdm(total=total, unit="cluster", desc=step, disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            return read(args.data, limit=args.limit, cache=StoreCache(store) if store else None, progress=bar)
    finally:
        if store:
            store.close()
