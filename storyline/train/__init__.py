"""``storyline train NAME DATA``: learn a shipped model from open training data.

One module per model (``salience``, ``links``), each exposing ``add_arguments(parser)`` and
``run(args) -> int``, like the benchmarks. Training reads only the training split it is given (by
default Multi-News train3000); the dev sets that the benchmarks report on are never read here. The
result is written with :func:`storyline.learned.save_model`: the model, its card as JSON and Markdown.
"""

from __future__ import annotations

# name -> one-line description; the module storyline.train.NAME holds the trainer
TRAINERS = {
    "salience": "Sentence salience for summaries, learned from Multi-News train clusters",
    "links": "Same-story links between articles, learned from Multi-News train clusters",
}


def analyzed_clusters(root, *, limit: int | None = None, cache=None, analyzer=None, progress=None):
    """Each cluster of a Multi-News layout directory, read and analyzed as ``storyline brief`` reads a
    pile (``ingest.read_inputs`` then ``pipeline.analyze_pile``: clean, analyze, syndicated copies):
    ``(folder, ingested, analyzed, copies)``. A cluster whose documents are all boilerplate is skipped."""
    from storyline.analyze import default_analyzer
    from storyline.bench.summarize import cluster_folders
    from storyline.ingest import read_inputs
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
