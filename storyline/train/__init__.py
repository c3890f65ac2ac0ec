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
