"""`storyline bench copies DATASET_DIR`: syndicated-copy grouping on a labelled copy set.

The set is built from a DUC 2004 or Multi-News directory. From one document of each cluster (the
*original*) it makes the copies real republication produces: a window of 30-80% of the text (a site
that shows only the first part of the wire story), the text with other page furniture around it, the
text with a paragraph dropped, the text with about 3% of its words edited, and a window with edits and
furniture together. The original and its copies form one copy group. The hard negatives are the other
documents of the same cluster: separately written articles of one story, which share its facts, names
and quotations but are not copies. The data sets also hold some wire texts twice (a second
transmission, a shorter version, one document filed under two topics): those are labelled copies by an
exact measure on the raw texts (``own_copies``), not by storyline's method. Each text is cleaned as `storyline ingest` cleans it, the whole set is
shuffled (fixed seed) and grouped; pair precision and recall are reported for storyline's containment
method and, in the same run, for the Jaccard method it replaced (MinHash of 5-shingles, 0.5) and a looser
MinHash LSH baseline (0.3), each with its time.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

from storyline.bench import write_results
from storyline.bench.cluster import load_dataset
from storyline.clean import clean_article
from storyline.dedup import group_syndicated_copies
from storyline.sources.article import make_article

MIN_ORIGINAL_SENTENCES = 10  # an original long enough to cut windows from
EDIT_SHARE = 0.03
# Furniture of the kinds real pages carry, as another site would wrap a republished text.
FURNITURE_BEFORE = ["Advertisement", "Share this article", "Sign up for our morning newsletter",
                    "Home / World / Politics"]
FURNITURE_AFTER = ["Copyright 2026 The Example Post. All rights reserved.", "Follow us on Twitter @examplepost",
                   "Related stories", "This article was republished with permission."]
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


def _window(sentences: list[str], rng: random.Random, low: float, high: float) -> list[str]:
    size = max(3, round(len(sentences) * rng.uniform(low, high)))
    start = rng.randrange(0, len(sentences) - size + 1)
    return sentences[start : start + size]


def _edited(sentences: list[str], rng: random.Random, vocabulary: list[str]) -> list[str]:
    out = []
    for sentence in sentences:
        words = sentence.split(" ")
        for i in range(len(words)):
            if rng.random() < EDIT_SHARE:
                words[i] = rng.choice(vocabulary)
        out.append(" ".join(words))
    return out


def _framed(sentences: list[str], rng: random.Random) -> str:
    before = rng.sample(FURNITURE_BEFORE, 2)
    after = rng.sample(FURNITURE_AFTER, 2)
    return "\n\n".join([*before, " ".join(sentences), *after])


def copy_variants(text: str, rng: random.Random, vocabulary: list[str]) -> dict[str, str]:
    """The kinds of copy republication makes of ``text``, by name."""
    sentences = [s for s in _SENTENCE_BREAK.split(text.strip()) if s]
    drop_start = rng.randrange(1, len(sentences) - 2)
    dropped = sentences[:drop_start] + sentences[drop_start + max(1, len(sentences) // 8) :]
    return {
        "window": " ".join(_window(sentences, rng, 0.3, 0.8)),
        "furniture": _framed(sentences, rng),
        "paragraph dropped": " ".join(dropped),
        "words edited": " ".join(_edited(sentences, rng, vocabulary)),
        "window, edits and furniture": _framed(_edited(_window(sentences, rng, 0.5, 0.8), rng, vocabulary), rng),
    }


def build_copy_set(root: Path, seed: int = 0) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(id -> cleaned text, id -> true copy group, id -> kind) for the data set, in shuffled order."""
    rng = random.Random(seed)
    by_cluster: dict[str, list] = {}
    for article, cluster in load_dataset(root):
        by_cluster.setdefault(cluster, []).append(clean_article(article))  # as `storyline ingest` cleans
    vocabulary = sorted({w for articles in by_cluster.values() for a in articles[:1] for w in a.text.split()})
    items: list[tuple[str, str, str, str]] = []  # (id, text, group, kind)
    variants: set[str] = set()
    versions = own_copies([a for _, articles in sorted(by_cluster.items()) for a in articles])
    version_sizes = Counter(versions.values())
    for cluster, articles in sorted(by_cluster.items()):
        original = next((a for a in articles if len(_SENTENCE_BREAK.split(a.text.strip())) >= MIN_ORIGINAL_SENTENCES), None)
        for article in articles:
            kind = ("original" if article is original else "data set's own copy"
                    if version_sizes[versions[article.id]] > 1 else "same story, written separately")
            items.append((article.id, article.text, f"copies of {versions[article.id]}", kind))
        if original is not None:
            for kind, text in copy_variants(original.text, rng, vocabulary).items():
                variants.add(f"{original.id}:{kind}")
                items.append((f"{original.id}:{kind}", text, f"copies of {versions[original.id]}", kind))
    rng.shuffle(items)
    texts, gold, kinds = {}, {}, {}
    for item_id, text, group, kind in items:
        if item_id in variants:  # the copy, with the furniture another site adds, cleaned as on ingest
            text = clean_article(make_article({"title": "", "text": text}, source=item_id, raw=text,
                                              raw_format="text", default_outlet=item_id)).text
        if text.strip():  # a document that was all page furniture is not stored, so it is no one's copy
            texts[item_id], gold[item_id], kinds[item_id] = text, group, kind
    return texts, gold, kinds


def _shingle_set(text: str, words: int = 5) -> set[str]:
    tokens = re.findall(r"\w+", text.lower())
    return {" ".join(tokens[i : i + words]) for i in range(max(1, len(tokens) - words + 1))}


def own_copies(articles: list) -> dict[str, str]:
    """Article id -> the id of the first text it is a copy of, among the data set's own documents.

    The data sets hold some wire texts more than once (a second transmission, a shorter version, the same
    document filed under two topics). By the definition measured here (one text carried inside another)
    these are copies, not negatives; they are labelled with the exact measure on the raw texts (every
    5-shingle, quotations included: containment of the smaller >= 0.5), not storyline's sampled one.
    """
    shingles = {a.id: _shingle_set(a.text) for a in articles}
    first = {a.id: a.id for a in articles}
    for i, a in enumerate(articles):
        for b in articles[:i]:
            smaller = min(len(shingles[a.id]), len(shingles[b.id]))
            if smaller and len(shingles[a.id] & shingles[b.id]) / smaller >= 0.5:
                first[a.id] = first[b.id]
                break
    return first


def minhash_groups(texts: dict[str, str], threshold: float, shingle_words: int = 5) -> dict[str, str]:
    """The baselines: MinHash signatures of word shingles, LSH candidates at ``threshold``, confirmed by
    the estimated Jaccard similarity (0.5: storyline's method before containment)."""
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    signatures, group_of = {}, {}
    for item_id, text in texts.items():
        words = re.findall(r"\w+", text.lower())
        minhash = MinHash(num_perm=128, seed=1)
        minhash.update_batch([" ".join(words[i : i + shingle_words]).encode()
                              for i in range(max(1, len(words) - shingle_words + 1))])
        best, best_similarity = None, 0.0
        for candidate in lsh.query(minhash):
            similarity = float(np.mean(signatures[candidate] == minhash.hashvalues))
            if similarity >= threshold and similarity > best_similarity:
                best, best_similarity = candidate, similarity
        group_of[item_id] = group_of[best] if best else item_id
        signatures[item_id] = minhash.hashvalues
        lsh.insert(item_id, minhash)
    return group_of


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for item_id, group in groups.items():
        members.setdefault(group, []).append(item_id)
    return {tuple(sorted(pair)) for ids in members.values() for pair in combinations(ids, 2)}


def pair_scores(predicted: dict[str, str], gold: dict[str, str], kinds: dict[str, str]) -> dict:
    predicted_pairs, gold_pairs = _pairs(predicted), _pairs(gold)
    hits = predicted_pairs & gold_pairs
    recall_by_kind = {}
    for kind in sorted(set(kinds.values()) - {"original", "same story, written separately"}):  # copy kinds
        wanted = {p for p in gold_pairs if kind in (kinds[p[0]], kinds[p[1]])}
        recall_by_kind[kind] = len(wanted & predicted_pairs) / len(wanted) if wanted else None
    return {"precision": len(hits) / len(predicted_pairs) if predicted_pairs else 1.0,
            "recall": len(hits) / len(gold_pairs) if gold_pairs else 1.0,
            "predicted_pairs": len(predicted_pairs), "true_pairs": len(gold_pairs),
            "false_pairs": sorted(predicted_pairs - gold_pairs)[:20], "recall_by_kind": recall_by_kind}


METHODS = {
    "containment (storyline)": group_syndicated_copies,
    "Jaccard 0.5 (before)": lambda texts: minhash_groups(texts, 0.5),
    "MinHash LSH 0.3": lambda texts: minhash_groups(texts, 0.3),
}


def evaluate(root: Path, seed: int = 0) -> dict:
    texts, gold, kinds = build_copy_set(root, seed)
    results = {}
    for name, method in METHODS.items():
        started = time.perf_counter()
        predicted = method(texts)
        seconds = time.perf_counter() - started
        results[name] = pair_scores(predicted, gold, kinds) | {"seconds": round(seconds, 3)}
    return {"dataset": root.name, "seed": seed, "texts": len(texts),
            "originals": sum(1 for k in kinds.values() if k == "original"),
            "hard_negatives": sum(1 for k in kinds.values() if k == "same story, written separately"),
            "own_copies": sum(1 for k in kinds.values() if k == "data set's own copy"),
            "methods": results}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", type=Path, help="a DUC 2004 or Multi-News directory")
    parser.add_argument("--seed", type=int, default=0, help="variant and shuffle seed (default 0)")
    parser.add_argument("--json", type=Path, default=Path("bench-results/copies.json"), help="where to write the results")


def run(args: argparse.Namespace) -> int:
    result = evaluate(args.dataset, args.seed)
    print(f"{result['dataset']}: {result['texts']} texts, {result['originals']} originals with 5 copies each, "
          f"{result['hard_negatives']} articles of the same stories written separately, "
          f"{result['own_copies']} copies the data set holds itself (seed {result['seed']})")
    baseline = result["methods"]["Jaccard 0.5 (before)"]["seconds"]
    print(f"{'method':<26} {'precision':>9} {'recall':>7} {'pairs':>6} {'seconds':>8} {'x before':>8}")
    for name, scores in result["methods"].items():
        print(f"{name:<26} {scores['precision']:>9.3f} {scores['recall']:>7.3f} {scores['predicted_pairs']:>6} "
              f"{scores['seconds']:>8.2f} {scores['seconds'] / baseline if baseline else 0:>8.2f}")
    ours = result["methods"]["containment (storyline)"]["recall_by_kind"]
    print("containment recall by kind of copy: " + ", ".join(f"{k} {v:.2f}" for k, v in ours.items() if v is not None))
    write_results(args.json, result)
    return 0
