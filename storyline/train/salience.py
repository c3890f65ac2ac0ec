"""``storyline train salience DATA``: learn sentence salience from Multi-News *train* clusters.

Each cluster's documents take the path ``storyline brief`` takes (``sources.route.read_inputs`` then
``pipeline.analyze_pile``: clean, analyze, syndicated copies), so the model learns from the sentences a
brief sees. Every candidate sentence gets :func:`storyline.summarizers.learned.sentence_features` and a label from
the cluster's reference summary (how much of the reference's words and word pairs the sentence carries,
per word it costs: what a budgeted summary wants most). A LightGBM regressor learns the label; a share of
the clusters is held out, and on it the learned summarizer and the hand-set one are scored end to end
(rouge-score F1 at the benchmark's length rule) for the model card. Only the training split is read.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

import numpy as np

from storyline.summarizers.learned import (FEATURES, FORMAT_VERSION, MODEL_NAME, QUALITY_EXPONENT, ClusterFeatures, select,
                                 sentence_features)
from storyline.train import REPRODUCIBLE_LIGHTGBM

log = logging.getLogger(__name__)

HOLD_OUT = 0.1  # share of the clusters kept out of training, to score the model on
SEED = 20261202
PARAMETERS = {
    "objective": "regression",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.5,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": SEED,
    **REPRODUCIBLE_LIGHTGBM,
}
ROUNDS = 400


@dataclass
class TrainingCluster:
    name: str
    features: ClusterFeatures
    articles: list  # the analyzed articles, as the summarizer receives them
    sources: dict[str, str]  # article id -> independent source (copies share one)
    reference: str
    budget: int  # the benchmark's length rule for this cluster


def _tokens(text: str) -> list[str]:
    """rouge-score's tokens: lower-cased alphanumeric runs, Porter-stemmed when longer than 3."""
    from storyline.bench.rouge import _NON_ALNUM, _stem

    return [_stem(t) if len(t) > 3 else t for t in _NON_ALNUM.sub(" ", text.lower()).split()]


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i: i + n]) for i in range(len(tokens) - n + 1))


def sentence_labels(cluster: TrainingCluster) -> np.ndarray:
    """Per candidate: the share of its unigrams and bigrams found in the reference (clipped counts),
    averaged: the value per word a budgeted summary gets from the sentence."""
    reference = _tokens(cluster.reference)
    ref1, ref2 = _ngrams(reference, 1), _ngrams(reference, 2)
    labels = np.zeros(len(cluster.features.candidates))
    for i, c in enumerate(cluster.features.candidates):
        tokens = _tokens(c.text)
        one, two = _ngrams(tokens, 1), _ngrams(tokens, 2)
        p1 = sum(min(n, ref1[g]) for g, n in one.items()) / max(sum(one.values()), 1)
        p2 = sum(min(n, ref2[g]) for g, n in two.items()) / max(sum(two.values()), 1)
        labels[i] = (p1 + p2) / 2
    return labels


def training_clusters(root: Path, *, limit: int | None = None, cache=None, analyzer=None,
                      progress=None) -> Iterator[TrainingCluster]:
    """The clusters of a Multi-News layout directory, each read and analyzed as a brief would."""
    from storyline.bench.summarize import references
    from storyline.brief import independent_sources
    from storyline.pipeline import copy_keys
    from storyline.summarizers import length_for_input
    from storyline.train import analyzed_clusters

    for folder, ingested, analyzed, copies in analyzed_clusters(root, limit=limit, cache=cache, analyzer=analyzer,
                                                                progress=progress):
        sources = independent_sources(analyzed, copy_keys(copies)["source_of"])
        features = sentence_features(analyzed, sources)
        if not features.candidates:
            continue
        budget = length_for_input(sum(len(a.text.split()) for a in ingested.articles))
        yield TrainingCluster(folder.name, features, analyzed, sources, references(folder)[0], budget)


def split_clusters(clusters: list[TrainingCluster], hold_out: float = HOLD_OUT) -> tuple[list, list]:
    """(train, held out), by a seeded shuffle of the cluster names (the same split every run)."""
    names = sorted(c.name for c in clusters)
    random.Random(SEED).shuffle(names)
    held = set(names[: max(1, round(hold_out * len(names)))])
    return [c for c in clusters if c.name not in held], [c for c in clusters if c.name in held]


def fit(clusters: list[TrainingCluster], rounds: int = ROUNDS, parameters: dict | None = None):
    import lightgbm

    rows = np.vstack([c.features.rows for c in clusters])
    labels = np.concatenate([sentence_labels(c) for c in clusters])
    data = lightgbm.Dataset(rows, labels, feature_name=list(FEATURES), free_raw_data=True)
    return lightgbm.train(parameters or PARAMETERS, data, num_boost_round=rounds)


def score_held_out(clusters: list[TrainingCluster], booster) -> dict[str, dict[str, float]]:
    """rouge-score F1 (stemmed) on the held-out clusters: the learned selection against the hand-set
    summarizer, each at the benchmark's length rule."""
    from storyline.bench.rouge import multinews_f1
    from storyline.summarizers import summarizers

    hand_set = summarizers.create("storyline")
    totals: dict[str, Counter] = {"learned": Counter(), "storyline": Counter()}
    for cluster in clusters:
        features = cluster.features
        chosen = select(features, booster.predict(features.rows, num_threads=1), cluster.budget)
        learned = [features.candidates[i].text for i in chosen]
        ours = [s.text for s in hand_set.summarize(cluster.articles, cluster.budget, cluster.sources).sentences]
        totals["learned"].update(multinews_f1(learned, cluster.reference))
        totals["storyline"].update(multinews_f1(ours, cluster.reference))
    return {name: {metric: round(100 * value / len(clusters), 2) for metric, value in total.items()}
            for name, total in totals.items()}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from storyline.train import add_training_arguments

    add_training_arguments(parser, rounds=ROUNDS, layout="clusters/<id>/docs, refs")


def run(args: argparse.Namespace) -> int:
    from storyline.learned import MODEL_DIR, ModelCard, save_model
    from storyline.train import read_training_data

    start = time.perf_counter()
    clusters = read_training_data(args, lambda *a, **k: list(training_clusters(*a, **k)), step="features")
    feature_seconds = time.perf_counter() - start
    train, held_out = split_clusters(clusters)
    print(f"{len(clusters)} clusters ({sum(len(c.features.candidates) for c in clusters)} candidate sentences) "
          f"in {feature_seconds:.0f} s; training on {len(train)}, scoring on {len(held_out)} held out", file=sys.stderr)
    booster = fit(train, args.rounds)
    scores = score_held_out(held_out, booster)
    seconds = time.perf_counter() - start
    card = ModelCard(
        name=MODEL_NAME, format_version=FORMAT_VERSION, features=list(FEATURES),
        objective="LightGBM regression of each candidate sentence's reference n-gram precision "
                  "(mean of unigram and bigram precision against the cluster's reference summary)",
        trained_on=f"{args.data.name}: {len(train)} Multi-News train clusters ({HOLD_OUT:.0%} held out, seed {SEED})",
        trained_at=date.today().isoformat(),
        command=f"storyline train salience {args.data}" + (f" --limit {args.limit}" if args.limit else "")
                + (f" --rounds {args.rounds}" if args.rounds != ROUNDS else ""),
        settings={"lightgbm": PARAMETERS, "rounds": args.rounds, "hold_out": HOLD_OUT,
                  "quality_exponent": QUALITY_EXPONENT},
        scores={"held_out_clusters": len(held_out), "rouge_f1_at_length_for_input": scores},
        training_seconds=round(seconds, 1),
        notes="Sentence salience for storyline's learned summarizer (storyline.summarizers.learned). Trained only on "
              "the Multi-News train split; never on multinews_val200 or DUC 2004, which stay the dev sets. "
              "The summarizer keeps the hand-set concept coverage and scales each sentence's gain by this "
              "salience (relative to the cluster's best) to the power quality_exponent; the scores below "
              "are that selection ('learned') against the hand-set one ('storyline').",
    )
    written = save_model(booster, card, args.out or MODEL_DIR)
    print(f"held out ({len(held_out)} clusters), rouge-score F1: " + "; ".join(
        f"{name} R-1 {s['rouge1']:.2f} R-2 {s['rouge2']:.2f}" for name, s in scores.items()))
    print(f"trained in {seconds:.0f} s; wrote " + ", ".join(map(str, written)))
    return 0
