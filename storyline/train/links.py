"""``storyline train links DATA``: learn same-story links from Multi-News *train* clusters.

The articles of one cluster tell one story. The training clusters' articles (read and analyzed as a brief
reads them) are shuffled into one stream and fed to :class:`storyline.cluster.ArticleLinkClusterer` with
their true story, so that each new article is compared with exactly the window articles the clusterer
would score in use: the nearest LINK_CANDIDATES by embedding, which makes the other clusters' articles
among them the hardest negatives the stream has. Each comparison is a row of
:data:`storyline.cluster.PAIR_FEATURES` (embedding, TF-IDF, entity and lead similarities, the gap between
the two articles' event times and its confidence, their length ratio), labelled 1 when the two share a cluster. A
LightGBM classifier learns the probability.

A share of the clusters is held out and split in two: on the first half the join and merge thresholds of
the streaming clusterer are chosen (a grid, by B-cubed F1 of the whole stream), on the second the learned
links and the hand-set ones are scored side by side for the model card. Only the training split is read.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from storyline.cluster import (PAIR_FEATURES, PAIR_FEATURES_VERSION, ArticleLinkClusterer, HandSetLinks, LearnedLinks,
                               final_stories)
from storyline.models import AnalyzedArticle
from storyline.train import REPRODUCIBLE_LIGHTGBM

log = logging.getLogger(__name__)

MODEL_NAME = "links"
HOLD_OUT = 0.2  # share of the clusters kept out of training: half to choose thresholds, half to score
SEED = 20261203
PARAMETERS = {
    "objective": "binary",
    "learning_rate": 0.1,
    "num_leaves": 15,
    "min_data_in_leaf": 100,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": SEED,
    **REPRODUCIBLE_LIGHTGBM,
    # More similar never means less likely one story, a longer gap between event times never more likely:
    # the few far-apart look-alike pairs in the data cannot teach a tree otherwise by chance.
    "monotone_constraints": [1, 1, 1, 1, 1, -1, 0, 0],  # in PAIR_FEATURES order
}
ROUNDS = 100  # a prediction per new article: 200 rounds at 0.05 cost twice the time for the same F1
JOIN_GRID = (0.02, 0.03, 0.05, 0.07) + tuple(round(0.05 * i, 2) for i in range(2, 13))  # up to 0.60
MERGE_GRID = (0.3, 0.5, 0.7, 0.9, 1.01)  # 1.01: never merge

Stream = list[tuple[AnalyzedArticle, str]]  # (article, true story) in arrival order


def read_clusters(root: Path, *, limit: int | None = None, cache=None, progress=None) -> dict[str, list[AnalyzedArticle]]:
    """Cluster name -> its analyzed articles (syndicated copies of one another count once, as in use a
    copy joins its original's story before any link is scored)."""
    from storyline.train import analyzed_clusters

    clusters = {}
    for folder, _, analyzed, copies in analyzed_clusters(root, limit=limit, cache=cache, progress=progress):
        groups_seen: set[str] = set()
        kept = []
        for article in analyzed:  # copies: article id -> its copy group, for the articles that have copies
            group = copies.get(article.id)
            if group is None or group not in groups_seen:
                kept.append(article)
                groups_seen.add(group)
        clusters[folder.name] = kept
    return clusters


def split_names(names: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(train, tune, score) cluster names by a seeded shuffle (the same split every run)."""
    names = sorted(names)
    random.Random(SEED).shuffle(names)
    held = max(2, round(HOLD_OUT * len(names)))
    return names[held:], names[: held // 2], names[held // 2: held]


def shuffled_stream(clusters: dict[str, list[AnalyzedArticle]], names: list[str], seed: int = SEED) -> Stream:
    stream = [(a, name) for name in sorted(names) for a in clusters[name]]
    random.Random(seed).shuffle(stream)
    return stream


def pair_examples(stream: Stream, progress=None) -> tuple[np.ndarray, np.ndarray]:
    """The PAIR_FEATURES rows of every (new article, window candidate) comparison of the stream, and
    whether the two are of one story."""
    clusterer = ArticleLinkClusterer()
    rows, labels = [], []
    for article, story in stream:
        new = clusterer.linked(article)
        others, pair_rows = clusterer.pair_rows(new)
        rows.append(pair_rows)
        labels.append(np.array([other.story_id == story for other in others], dtype=np.float64))
        clusterer.remember(new, story)  # the window knows the true stories: labels for later articles
        if progress:
            progress.update(1)
    return np.vstack(rows), np.concatenate(labels)


def bcubed_f1(stream: Stream, links) -> dict[str, float]:
    from storyline.bench.cluster import bcubed

    predicted = final_stories(ArticleLinkClusterer(links=links), (a for a, _ in stream))
    precision, recall, f1 = bcubed(predicted, {a.id: story for a, story in stream})
    return {"bcubed_precision": round(precision, 4), "bcubed_recall": round(recall, 4), "bcubed_f1": round(f1, 4)}


def fit(rows: np.ndarray, labels: np.ndarray, rounds: int = ROUNDS):
    import lightgbm

    data = lightgbm.Dataset(rows, labels, feature_name=list(PAIR_FEATURES), free_raw_data=True)
    return lightgbm.train(PARAMETERS, data, num_boost_round=rounds)


def choose_thresholds(stream: Stream, booster, progress=None) -> tuple[float, float, list[dict]]:
    """(join, merge) with the best B-cubed F1 on ``stream``, and the whole grid's scores."""
    grid = []
    for join in JOIN_GRID:
        for merge in MERGE_GRID:
            if merge > join:
                score = bcubed_f1(stream, LearnedLinks(booster, join, merge))
                grid.append({"join": join, "merge": merge, **score})
            if progress:
                progress.update(1)
    best = max(grid, key=lambda g: (g["bcubed_f1"], -g["join"], g["merge"]))
    return best["join"], best["merge"], grid


def pair_scores(labels: np.ndarray, probabilities: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

    return {"pairs": int(len(labels)), "same_story_pairs": int(labels.sum()),
            "roc_auc": round(float(roc_auc_score(labels, probabilities)), 4),
            "average_precision": round(float(average_precision_score(labels, probabilities)), 4),
            f"f1_at_{threshold}": round(float(f1_score(labels, probabilities >= threshold)), 4)}


def feature_gain_share(booster) -> dict[str, float]:
    """Each feature's share of the model's total split gain (0: the model never uses it)."""
    gain = booster.feature_importance("gain")
    return {name: round(float(g / gain.sum()), 4) for name, g in zip(PAIR_FEATURES, gain)}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from storyline.train import add_training_arguments

    add_training_arguments(parser, rounds=ROUNDS)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from storyline.learned import MODEL_DIR, ModelCard, save_model
    from storyline.train import read_training_data

    quiet = not sys.stderr.isatty()
    start = time.perf_counter()
    clusters = read_training_data(args, read_clusters, step="analyze")
    train_names, tune_names, score_names = split_names(list(clusters))
    train, tune, score = (shuffled_stream(clusters, names) for names in (train_names, tune_names, score_names))
    print(f"{len(clusters)} clusters ({sum(map(len, clusters.values()))} articles, copies counted once) in "
          f"{time.perf_counter() - start:.0f} s; training on {len(train_names)} ({len(train)} articles), choosing "
          f"thresholds on {len(tune_names)}, scoring on {len(score_names)}", file=sys.stderr)

    with tqdm(total=len(train) + len(score), unit="article", desc="pairs", disable=quiet, file=sys.stderr) as bar:
        rows, labels = pair_examples(train, bar)
        score_rows, score_labels = pair_examples(score, bar)
    booster = fit(rows, labels, args.rounds)
    with tqdm(total=len(JOIN_GRID) * len(MERGE_GRID), desc="thresholds", disable=quiet, file=sys.stderr) as bar:
        join, merge, grid = choose_thresholds(tune, booster, bar)
    learned, hand_set = LearnedLinks(booster, join, merge), HandSetLinks()
    scores = {
        "held_out_clusters": len(score_names), "held_out_articles": len(score),
        "stream_bcubed": {"learned": bcubed_f1(score, learned), "hand_set": bcubed_f1(score, hand_set)},
        "threshold_choice_bcubed": {"learned": bcubed_f1(tune, learned), "hand_set": bcubed_f1(tune, hand_set)},
        "pairs": pair_scores(score_labels, learned.scores(score_rows)),
        "training_pairs": {"pairs": int(len(labels)), "same_story_pairs": int(labels.sum())},
        "feature_gain_share": feature_gain_share(booster),
    }
    seconds = time.perf_counter() - start
    card = ModelCard(
        name=MODEL_NAME, format_version=PAIR_FEATURES_VERSION, features=list(PAIR_FEATURES),
        objective="LightGBM binary classification: do a new article and one of the clusterer's window "
                  "candidates (nearest by embedding) belong to the same Multi-News cluster",
        trained_on=f"{args.data.name}: {len(train_names)} Multi-News train clusters, {len(train)} articles in one "
                   f"shuffled stream ({HOLD_OUT:.0%} of the clusters held out, seed {SEED})",
        trained_at=date.today().isoformat(),
        command=f"storyline train links {args.data}" + (f" --limit {args.limit}" if args.limit else "")
                + (f" --rounds {args.rounds}" if args.rounds != ROUNDS else ""),
        settings={"lightgbm": PARAMETERS, "rounds": args.rounds, "hold_out": HOLD_OUT, "join": join, "merge": merge,
                  "threshold_grid": grid},
        scores=scores,
        training_seconds=round(seconds, 1),
        notes="Same-story links for storyline's learned-link clusterer (storyline.cluster.LearnedLinks): the "
              "probability replaces the hand-set pair score; a story's link score is still the mean of its best "
              "LINK_TOP pair probabilities, the article joins the best story at or above `join` and a second "
              "story at or above `merge` is merged in. Both thresholds were chosen on held-out train clusters "
              "(threshold_grid), and the scores are on other held-out clusters. Trained only on the Multi-News "
              "train split; never on multinews_val200 or DUC 2004, which stay the dev sets.",
    )
    written = save_model(booster, card, args.out or MODEL_DIR)
    stream_scores = scores["stream_bcubed"]
    print(f"held out ({len(score_names)} clusters, {len(score)} articles), stream B-cubed F1: learned "
          f"{stream_scores['learned']['bcubed_f1']:.3f} (join {join}, merge {merge}), hand-set "
          f"{stream_scores['hand_set']['bcubed_f1']:.3f}; pairs ROC AUC {scores['pairs']['roc_auc']:.3f}")
    print(f"trained in {seconds:.0f} s; wrote " + ", ".join(map(str, written)))
    return 0
