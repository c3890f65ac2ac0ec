"""Benchmark the deep briefing: its time on a 10-article story, and the contradiction detector's precision/recall.

Time: one DUC 2004 cluster (10 articles) is cleaned and analyzed once (models loaded: "warm"), then the six
sections are built ``--repeat`` times; the median is reported, with the analysis time of the same articles
in the same run as the baseline (sections / analysis ratio). Target: under 2 s warm on 2 cores.

Quality: the labelled claim pairs in ``tests/data/claim_pairs.jsonl`` (how they were built: see
``tests/data/README.md``). Shared-data sentences are stored as references (dataset, cluster, document,
SHA-1 prefix of the sentence) and read from ``../shared/data`` at run time; pairs written for storyline
carry their text. Each pair is embedded, scored with
:func:`storyline.sections.contradictions.conflict_between`, and compared with its label.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import statistics
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
CLAIM_PAIRS = REPO / "tests" / "data" / "claim_pairs.jsonl"
DEFAULT_SHARED = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))


@dataclass
class ClaimPair:
    text_a: str
    text_b: str
    published_a: date | None
    published_b: date | None
    label: str  # none | polarity | number | date | actor
    origin: str  # dataset name or "written"


def _document_path(shared: Path, ref: dict) -> Path:
    if ref["dataset"] == "seeds":
        return shared / "seeds" / ref["doc"]
    if ref["dataset"] == "duc2004":
        return shared / "duc2004" / ref["cluster"] / ref["doc"]
    return shared / "multinews_val200" / "clusters" / ref["cluster"] / ref["doc"]


def _resolve(ref: dict, shared: Path, cache: dict) -> str | None:
    """The sentence a reference points at, found by its hash among the document's sentences."""
    if "text" in ref:
        return ref["text"]
    path = _document_path(shared, ref)
    if path not in cache:
        if not path.exists():
            cache[path] = None
        else:
            from storyline.analyze import PysbdSplitter, split_sentences

            text = path.read_text(encoding="utf-8", errors="replace")
            cache[path] = {
                hashlib.sha1(s.text.strip().encode()).hexdigest()[:12]: s.text
                for s in split_sentences(text, PysbdSplitter())
            }
    sentences = cache[path]
    return sentences.get(ref["sha1"]) if sentences else None


def load_claim_pairs(path: Path = CLAIM_PAIRS, shared: Path = DEFAULT_SHARED) -> tuple[list[ClaimPair], int]:
    """The labelled pairs whose sentences can be read here, and how many could not (shared data absent)."""
    pairs, missing, cache = [], 0, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if "label" not in item:
            continue  # the comment line
        a, b = _resolve(item["a"], shared, cache), _resolve(item["b"], shared, cache)
        if a is None or b is None:
            missing += 1
            continue
        pairs.append(
            ClaimPair(
                a,
                b,
                _date(item["a"].get("published")),
                _date(item["b"].get("published")),
                item["label"],
                item["a"].get("dataset", "written"),
            )
        )
    return pairs, missing


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def evaluate_contradictions(pairs: list[ClaimPair], embedder) -> dict:
    """Detection precision/recall (any conflict vs none) and how often the kind is right."""
    from storyline.sections.contradictions import conflict_between

    vectors = embedder.encode([t for p in pairs for t in (p.text_a, p.text_b)])
    tp = fp = fn = tn = kind_right = 0
    errors = []
    for k, pair in enumerate(pairs):
        similarity = float(vectors[2 * k] @ vectors[2 * k + 1])
        found = conflict_between(pair.text_a, pair.text_b, similarity, pair.published_a, pair.published_b)
        predicted = (found[0] if isinstance(found, tuple) else found.kind) if found else "none"
        if pair.label != "none" and predicted != "none":
            tp += 1
            kind_right += predicted == pair.label
        elif pair.label == "none" and predicted != "none":
            fp += 1
            errors.append(("false positive", predicted, pair))
        elif pair.label != "none":
            fn += 1
            errors.append(("missed", pair.label, pair))
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "pairs": len(pairs),
        "positives": tp + fn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "kind_accuracy": round(kind_right / tp, 3) if tp else 0.0,
        "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "errors": [
            {"error": e, "kind": kind, "origin": p.origin, "a": p.text_a[:160], "b": p.text_b[:160]}
            for e, kind, p in errors
        ],
    }


def time_sections(cluster_dir: Path, repeat: int) -> dict:
    """Median warm time of the six sections on one story, and the analysis time of the same articles."""
    from storyline.analyze import analyze_articles, default_analyzer
    from storyline.clean import clean_article
    from storyline.ingest import article_id
    from storyline.models import Article
    from storyline.sections import build_sections

    analyzer = default_analyzer()
    # DUC documents are one paragraph with no headline line, so they are read as whole bodies here.
    documents = sorted((cluster_dir / "docs").glob("*.txt"))
    cleaned = [
        clean_article(
            Article(
                article_id(path.stem, path.stem, text), path.stem, text, f"{cluster_dir.name}/{path.stem}", str(path)
            )
        )
        for path in documents
        for text in [path.read_text(encoding="utf-8", errors="replace")]
    ]
    start = time.perf_counter()
    articles = analyze_articles(cleaned, analyzer)
    analysis = time.perf_counter() - start
    source_of = {a.id: a.article.outlet for a in articles}
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        sections = build_sections(articles, source_of)
        times.append(time.perf_counter() - start)
    warm = statistics.median(times[1:]) if repeat else times[0]
    return {
        "story": str(cluster_dir),
        "articles": len(articles),
        "sentences": sum(len(a.sentences) for a in articles),
        "sections_first_s": round(times[0], 3),
        "sections_warm_median_s": round(warm, 3),
        "analysis_s": round(analysis, 3),
        "sections_over_analysis": round(warm / analysis, 3) if analysis else None,
        "items": {name: len(items) for name, items in sections.items()},
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="the shared evaluation data (../shared/data)"
    )
    parser.add_argument("--cluster", default="d30001t", help="DUC 2004 cluster timed as the 10-article story")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs (the median is reported)")
    parser.add_argument("--pairs", type=Path, default=CLAIM_PAIRS, help="labelled claim pairs (JSONL)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from storyline.analyze import default_analyzer

    results: dict = {}
    cluster = args.shared / "duc2004" / args.cluster
    if cluster.exists():
        results["time"] = time_sections(cluster, args.repeat)
    else:
        results["time"] = None
        log.warning("%s not found: timing skipped", cluster)
    pairs, missing = load_claim_pairs(args.pairs, args.shared)
    results["contradictions"] = evaluate_contradictions(pairs, default_analyzer().embedder)
    results["contradictions"]["unreadable_pairs"] = missing

    t, c = results["time"], results["contradictions"]
    if t:
        print(f"deep briefing, {t['articles']} articles / {t['sentences']} sentences ({t['story']}):")
        print(
            f"  sections warm median {t['sections_warm_median_s']:.3f} s (first {t['sections_first_s']:.3f} s); "
            f"analysis of the same articles {t['analysis_s']:.3f} s; ratio {t['sections_over_analysis']}"
        )
    print(f"contradictions on {c['pairs']} labelled pairs ({c['positives']} conflicting, {missing} unreadable here):")
    print(
        f"  precision {c['precision']:.3f}  recall {c['recall']:.3f}  F1 {c['f1']:.3f}  kind accuracy {c['kind_accuracy']:.3f}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0
