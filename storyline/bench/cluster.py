"""`storyline bench cluster DATASET_DIR`: story clustering against the true clusters of a data set.

All documents of the data set (DUC 2004 or Multi-News layout) are shuffled into one stream with a
fixed seed and ingested one by one into an in-memory store through the same code as `storyline
ingest` (clean, analyze, dedup, cluster). The stories are compared with the true clusters: B-cubed
precision / recall / F1 and the adjusted Rand index. In the same run, every registered clusterer (the
learned links, the hand-set links, story centroids) on the same analyzed stream, and a baseline: TF-IDF vectors and
agglomerative clustering (average linkage, cosine) told the true number of clusters, which it would not
know in real use. Growth: the analyzed stream is replicated into larger streams (each copy a new
article id with its sentence embeddings slightly perturbed, so no two are identical) and only the
clustering stage is timed on them, from 1k to 10k articles.
"""

from __future__ import annotations

import argparse
import logging
import random
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from storyline.analyze import AnalysisCache, analyze_articles, default_analyzer
from storyline.bench import own_peak_memory_mb, write_results
from storyline.clean import clean_article
from storyline.cluster import DEFAULT_CLUSTERER, clusterers, final_stories
from storyline.sources.article import make_article
from storyline.models import AnalyzedArticle, Article
from storyline.ingest import ingest_into_store
from storyline.store import Store

log = logging.getLogger(__name__)


def load_dataset(root: Path) -> list[tuple[Article, str]]:
    """(article, true cluster) for every non-empty document of a DUC 2004 or Multi-News directory."""
    clusters_dir = root / "clusters" if (root / "clusters").is_dir() else root
    items = []
    for cluster in sorted(p for p in clusters_dir.iterdir() if (p / "docs").is_dir()):
        for doc in sorted((cluster / "docs").glob("*.txt")):
            text = doc.read_text(encoding="utf-8", errors="replace").strip()
            if not text:
                continue
            source = f"{cluster.name}/{doc.name}"
            # No headline or outlet in these layouts: the document's own path stands for both.
            article = make_article({"title": "", "text": text}, source=source, raw=text, raw_format="text",
                                   default_outlet=source)
            items.append((article, cluster.name))
    return items


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    by_predicted, by_gold = defaultdict(set), defaultdict(set)
    for item, label in predicted.items():
        by_predicted[label].add(item)
    for item, label in gold.items():
        by_gold[label].add(item)
    precision = recall = 0.0
    for item in gold:
        same_predicted = by_predicted[predicted[item]]
        same_gold = by_gold[gold[item]]
        overlap = len(same_predicted & same_gold)
        precision += overlap / len(same_predicted)
        recall += overlap / len(same_gold)
    precision /= len(gold)
    recall /= len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def scores(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score

    items = sorted(gold)
    p, r, f = bcubed(predicted, gold)
    ari = adjusted_rand_score([gold[i] for i in items], [predicted[i] for i in items])
    return {"bcubed_precision": p, "bcubed_recall": r, "bcubed_f1": f, "ari": ari,
            "stories": len(set(predicted.values())), "true_stories": len(set(gold.values()))}


def identical_text_ceiling(articles: list[Article], gold: dict[str, str],
                           alone: frozenset[str] = frozenset()) -> tuple[float, float, float]:
    """B-cubed (P, R, F1) of the true clusters when every document whose text is identical to an earlier
    one's sits in that one's cluster: the best any method that reads the text can score, since it must
    give identical texts one story (both data sets file some identical documents under two clusters).
    Documents in ``alone`` (boilerplate from end to end, so not stored) are each a cluster of their own."""
    first_cluster: dict[str, str] = {}
    placed = {}
    for article in articles:
        if article.id in alone:
            placed[article.id] = f"alone:{article.id}"
        elif article.id in gold:
            placed[article.id] = first_cluster.setdefault(" ".join(article.text.split()), gold[article.id])
    return bcubed(placed, {i: gold[i] for i in placed})


def tfidf_baseline(articles: list[Article], n_clusters: int) -> dict[str, str]:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(
        [a.text for a in articles]
    )
    labels = AgglomerativeClustering(n_clusters=n_clusters, metric="cosine", linkage="average").fit_predict(
        matrix.toarray()
    )
    return {a.id: str(label) for a, label in zip(articles, labels)}


def perturbed_copies(analyzed: list[AnalyzedArticle], total: int, seed: int) -> list[AnalyzedArticle]:
    """A stream of ``total`` articles: the analyzed ones and perturbed copies with new ids."""
    rng = np.random.default_rng(seed)
    out = list(analyzed)
    copy_number = 0
    while len(out) < total:
        copy_number += 1
        for a in analyzed:
            if len(out) >= total:
                break
            noise = rng.normal(0, 0.02, a.embeddings.shape).astype(np.float32)
            vectors = a.embeddings + noise
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
            article = replace(a.article, id=f"{a.id}-{copy_number}")
            out.append(AnalyzedArticle(replace(a.cleaned, article=article), a.sentences, a.entities, vectors))
    return out


class StoreCache:
    """An AnalysisCache in a store file (the article is stored with its analysis, as the store requires)."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, article_id: str, analyzer_key: str) -> AnalyzedArticle | None:
        return self.store.get(article_id, analyzer_key)

    def put(self, analyzed: AnalyzedArticle, analyzer_key: str) -> None:
        with self.store.transaction():
            self.store.put_article(analyzed.cleaned)
            self.store.put(analyzed, analyzer_key)


def pair_decisions(analyzed: list[AnalyzedArticle], gold: dict[str, str]) -> dict[str, dict]:
    """Same story or not, decided pair by pair: every article against its nearest others by embedding (the
    pairs the link clusterer scores; hard negatives), by the learned links and the hand-set score at their
    join thresholds (with the time evidence), and by TF-IDF cosine at the best threshold for these answers
    (which no method could know). F1 of the same-story decisions."""
    from storyline.cluster import ArticleLinkClusterer, HandSetLinks, LearnedLinks, time_factor

    window = ArticleLinkClusterer()
    for article in analyzed:
        window.remember(window.linked(article), gold[article.id])
    rows, labels, seen = [], [], set()
    for article in analyzed:
        others, pair_rows = window.pair_rows(window.linked(article))
        for other, row in zip(others, pair_rows):
            key = tuple(sorted((article.id, other.id)))
            if other.id != article.id and key not in seen:
                seen.add(key)
                rows.append(row)
                labels.append(gold[article.id] == gold[other.id])
    rows, labels = np.array(rows), np.array(labels)

    def f1(decided: np.ndarray) -> dict:
        hits = int((decided & labels).sum())
        precision, recall = hits / max(int(decided.sum()), 1), hits / max(int(labels.sum()), 1)
        return {"precision": round(precision, 3), "recall": round(recall, 3),
                "f1": round(2 * precision * recall / (precision + recall) if hits else 0.0, 3)}

    kept = time_factor(rows[:, 5], rows[:, 6])
    results = {name: f1(links.scores(rows) * kept >= links.join)
               for name, links in (("learned links", LearnedLinks()), ("hand-set links", HandSetLinks()))}
    tfidf = rows[:, 1]
    results["TF-IDF cosine, best threshold*"] = max((f1(tfidf >= t) for t in np.unique(np.round(tfidf, 3))),
                                                    key=lambda r: r["f1"])
    return {"pairs": int(len(labels)), "same_story": int(labels.sum()), "methods": results}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", type=Path, metavar="DATASET_DIR", help="duc2004 or multinews_val200 directory")
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed (default 0)")
    parser.add_argument("--growth", default="1000,5000,10000", help="stream sizes for the growth table ('' to skip)")
    parser.add_argument("--json", type=Path, default=Path("bench-results/cluster.json"), help="write results here")
    parser.add_argument("--clusterer", choices=clusterers.names(), default=DEFAULT_CLUSTERER,
                        help=f"story clusterer (default {DEFAULT_CLUSTERER})")
    parser.add_argument("--cache", type=Path, default=None, metavar="STORE_FILE",
                        help="keep the analyzed articles in this store file and reuse them on later runs "
                             "(e.g. bench-results/cluster-cache.db; default: analyze every time)")


def stories_of_stream(articles: list[Article], analyzer, *, cache: AnalysisCache | None = None,
                      clusterer: str | None = None) -> tuple[dict[str, str], list[AnalyzedArticle], list[str]]:
    """Ingest ``articles`` in this order into a fresh in-memory store, as `storyline ingest` would.

    Returns article id -> story id (a document that was boilerplate from end to end is reported, not
    stored, and counts as a story of its own), the stored articles' analyses in stream order, and the
    ids that were not stored. Exact duplicates in a data set share an id: each id appears once."""
    with Store(":memory:") as store:
        ingest_into_store(articles, store, analyzer=analyzer, cache=cache, clusterer=clusterer)
        predicted = dict(store.connection.execute("SELECT article_id, story_id FROM story_articles"))
        # read back from the store: the clustering-only timing below pays no model time
        analyzed = analyze_articles([clean_article(a) for a in articles if a.id in predicted], analyzer, store)
    not_stored = list(dict.fromkeys(a.id for a in articles if a.id not in predicted))
    predicted.update({i: f"not-stored:{i}" for i in not_stored})
    return predicted, analyzed, not_stored


def shuffled_dataset(root: Path, seed: int, clusters: int | None = None) -> list[tuple[Article, str]]:
    """The data set's documents in one stream shuffled with ``seed`` (only the first ``clusters`` by name)."""
    items = load_dataset(root)
    if clusters is not None:
        keep = sorted({label for _, label in items})[:clusters]
        items = [(a, label) for a, label in items if label in keep]
    random.Random(seed).shuffle(items)
    return items


def run(args: argparse.Namespace) -> int:
    items = shuffled_dataset(args.dataset, args.seed)
    gold = {a.id: label for a, label in items}
    articles = [a for a, _ in items]
    analyzer = default_analyzer()

    cache_store = Store(args.cache) if args.cache else None
    start = time.perf_counter()
    predicted, analyzed, not_stored = stories_of_stream(
        articles, analyzer, cache=StoreCache(cache_store) if cache_store else None, clusterer=args.clusterer)
    ingest_seconds = time.perf_counter() - start
    if cache_store:
        cache_store.close()
    ours = scores(predicted, gold)

    # Every clusterer on the same analyzed stream (clustering only: no copies joined first), side by side.
    alone = {}
    for name in dict.fromkeys([args.clusterer, *clusterers.names()]):
        start = time.perf_counter()
        alone_predicted = final_stories(clusterers.create(name), analyzed)
        seconds = time.perf_counter() - start
        alone_predicted.update({i: f"not-stored:{i}" for i in not_stored})
        alone[name] = {**scores(alone_predicted, gold), "seconds": seconds, "articles_per_second": len(analyzed) / seconds}
    cluster_seconds = alone[args.clusterer]["seconds"]

    start = time.perf_counter()
    unique = list({a.id: a for a in articles}.values())
    baseline = scores(tfidf_baseline(unique, len(set(gold.values()))), gold)
    baseline_seconds = time.perf_counter() - start

    ceiling = dict(zip(("bcubed_precision", "bcubed_recall", "bcubed_f1"),
                       identical_text_ceiling(articles, gold, frozenset(not_stored))))

    pairs = pair_decisions(analyzed, gold)

    growth = []
    for size in [int(s) for s in args.growth.split(",") if s.strip()]:
        stream = perturbed_copies(analyzed, size, args.seed)
        start = time.perf_counter()
        clusterer = clusterers.create(args.clusterer)
        for a in stream:
            clusterer.assign(a)
        growth.append({"articles": size, "seconds": time.perf_counter() - start, "stories": len(clusterer.stories)})

    peak_mb = own_peak_memory_mb()
    result = {
        "dataset": str(args.dataset), "articles": len(gold), "seed": args.seed, "clusterer": args.clusterer,
        "storyline": {**ours, "seconds_with_analysis": ingest_seconds,
                      "articles_per_second_with_analysis": len(articles) / ingest_seconds,
                      "seconds_clustering_only": cluster_seconds,
                      "articles_per_second_clustering_only": len(analyzed) / cluster_seconds},
        "clustering_only": alone,
        "tfidf_agglomerative_baseline": {**baseline, "seconds": baseline_seconds,
                                         "articles_per_second": len(unique) / baseline_seconds,
                                         "note": "given the true number of clusters"},
        "identical_text_ceiling": ceiling,
        "pair_decisions": pairs,
        "boilerplate_only_documents": len(not_stored),
        "growth_clustering_only": growth,
        "peak_memory_mb": peak_mb,
    }
    print(f"{args.dataset.name}: {len(gold)} articles, {ours['true_stories']} true stories (shuffle seed {args.seed},"
          f" clusterer {args.clusterer})")
    print(f"{'system':<34} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'ARI':>6} {'stories':>7} {'art/s':>8}")
    rows = [(f"storyline ingest ({args.clusterer})", ours, len(analyzed) / cluster_seconds)]
    rows += [(f"  clustering only: {name}", a, a["articles_per_second"]) for name, a in alone.items()]
    rows += [("TF-IDF + agglomerative*", baseline, len(unique) / baseline_seconds)]
    for name, s, speed in rows:
        print(f"{name:<34} {s['bcubed_precision']:6.3f} {s['bcubed_recall']:6.3f} {s['bcubed_f1']:6.3f} "
              f"{s['ari']:6.3f} {s['stories']:7d} {speed:8.1f}")
    print(f"storyline with analysis (clean, split, embed, NER, dedup, cluster, store): "
          f"{len(articles) / ingest_seconds:.1f} articles/s; clustering only is "
          f"{(len(analyzed) / cluster_seconds) / (len(unique) / baseline_seconds):.1f}x the baseline's speed"
          + (f" (analyses read from {args.cache}: not the analysis speed)" if args.cache else ""))
    print("* the baseline is told the true number of stories; the ingest row joins copies to their original's story "
          "first, the clustering-only rows do not (art/s: clustering only, all rows)")
    if not_stored:
        print(f"{len(not_stored)} documents were boilerplate from end to end (not stored; each scored as its own story)")
    print(f"ceiling for any method reading the text (identical documents filed under two true stories): "
          f"B3 P {ceiling['bcubed_precision']:.3f} R {ceiling['bcubed_recall']:.3f} F1 {ceiling['bcubed_f1']:.3f}")
    print(f"same story or not, {pairs['pairs']} pairs of nearest articles ({pairs['same_story']} same-story): "
          + "; ".join(f"{name} P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}"
                      for name, r in pairs["methods"].items()))
    for g in growth:
        print(f"growth: {g['articles']:>6} articles clustered in {g['seconds']:.2f} s ({g['stories']} stories)")
    if len(growth) >= 2:
        print(f"growth ratio {growth[0]['articles']} -> {growth[-1]['articles']}: "
              f"{growth[-1]['seconds'] / growth[0]['seconds']:.1f}x time for "
              f"{growth[-1]['articles'] / growth[0]['articles']:.0f}x articles")
    print(f"peak memory {peak_mb:.0f} MB")
    write_results(args.json, result)
    return 0
