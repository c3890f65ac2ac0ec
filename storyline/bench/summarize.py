"""`storyline bench summarize DATASET_DIR`: summary quality against baselines and published systems.

Reads the DUC 2004 layout (``<cluster>/docs``, ``refs``, ``peers``) or the Multi-News layout
(``clusters/<id>/docs``, ``refs/0.txt``). Each cluster's folder of documents takes exactly the path of
``storyline brief DOCS --whole-pile --no-deep --words N``: ``sources.route.read_inputs`` then
``pipeline.brief_articles`` (clean, analyze, syndicated copies, brief), so the figures are the product's.
In the same run the baselines (Lead, round-robin Lead, sumy LexRank and TextRank with our own tokenizer)
take the same path with their summarizer, and on DUC 2004 the 13 published systems in ``peers/`` are
scored by the same code (``bench.rouge``). Prints a table, writes per-cluster scores and timings as JSON
and a chart as PNG.

Summary length: DUC 2004 uses its task's fixed 100 words. Multi-News uses ``length_for_input``, a
rule of the input's size stated below, never the reference's length; every system gets the same budget.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import defaultdict
from pathlib import Path

from storyline.analyze import MemoryCache, default_analyzer
from storyline.bench.rouge import duc_recall, multinews_f1
from storyline.sources.route import read_inputs
from storyline.pipeline import brief_articles
from storyline.summarizers import DEFAULT_SUMMARIZER, length_for_input, summarizers

log = logging.getLogger(__name__)

DUC_WORDS = 100


# Every system is a summarizer of storyline.summarizers' registry, run through the path `storyline brief` takes.
SYSTEMS = ("storyline", "learned", "lead", "round-robin-lead", "lexrank", "textrank")


# --- the harness ------------------------------------------------------------------------------------------


def is_duc(root: Path) -> bool:
    return any((p / "peers").is_dir() for p in root.iterdir() if p.is_dir())


def cluster_folders(root: Path) -> list[Path]:
    """Each cluster's folder (holding docs/ and refs/), sorted by name."""
    parent = root if is_duc(root) else root / "clusters"
    return sorted(p for p in parent.iterdir() if (p / "docs").is_dir())


def references(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((folder / "refs").glob("*.txt"))]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", type=Path, metavar="DATASET_DIR", help="duc2004 or multinews_val200 directory")
    parser.add_argument("--words", type=int, help="summary length (default: 100 on DUC 2004, length_for_input on Multi-News)")
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help=f"comma-separated summarizers (default {','.join(SYSTEMS)}; any of: {', '.join(summarizers.names())})")
    parser.add_argument("--limit", type=int, help="only the first K clusters (sorted by name)")
    parser.add_argument("--json", type=Path, default=Path("bench-results/summarize.json"), help="results file")
    parser.add_argument("--chart", type=Path, help="chart file (default: the JSON path with .png)")


def evaluate(dataset: Path, *, systems: list[str], words: int | None = None, limit: int | None = None) -> dict:
    """Score the systems (and DUC's published peers) on a data set; returns the results as a dict."""
    duc = is_duc(dataset)
    folders = cluster_folders(dataset)[:limit] if limit else cluster_folders(dataset)
    analyzer = default_analyzer()
    cache = MemoryCache()  # each article is analyzed once, by the first system; the others read it
    per_cluster: dict[str, dict] = {name: {} for name in systems}
    seconds: dict[str, float] = defaultdict(float)
    analysis_seconds = 0.0
    for folder in folders:
        ingested = read_inputs([folder / "docs"])
        refs = references(folder)
        budget = words or (DUC_WORDS if duc else length_for_input(sum(len(a.text.split()) for a in ingested.articles)))
        for name in systems:
            run = brief_articles(ingested.articles, input_name=str(folder), words=budget, analyzer=analyzer,
                                 cache=cache, deep=False, whole_pile=True, summarizer=name)
            sentences = [s.text for s in run.briefing.summary.sentences]
            seconds[name] += run.timings["brief"]
            if name == systems[0]:  # the first system's run analyzes the cluster; the others read the cache
                analysis_seconds += run.timings["analyze"] + run.timings["clean"]
            per_cluster[name][folder.name] = _score(sentences, refs, duc) | {"words": sum(len(s.split()) for s in sentences)}
        if duc:
            for peer in sorted((folder / "peers").glob("*.txt")):
                text = peer.read_text(encoding="utf-8")
                per_cluster.setdefault(f"peer:{peer.stem}", {})[folder.name] = _score(text.splitlines(), refs, duc)

    def mean(name: str, metric: str) -> float:
        values = [scores[metric] for scores in per_cluster[name].values()]
        return 100 * sum(values) / len(values)

    metrics = ["rouge1", "rouge2"] if duc else ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    summary = {
        name: {m: mean(name, m) for m in metrics}
        | ({"ms_per_cluster": 1000 * seconds[name] / len(folders)} if name in seconds else {})
        for name in per_cluster
    }
    # storyline's own methods need the analysis (embeddings, entities): their time includes it.
    for name in systems:
        if name in (DEFAULT_SUMMARIZER, "storyline"):
            summary[name]["ms_per_cluster_with_analysis"] = summary[name]["ms_per_cluster"] + 1000 * analysis_seconds / len(folders)
    return {
        "dataset": str(dataset), "layout": "duc2004" if duc else "multinews", "clusters": len(folders),
        "scoring": "ROUGE-1.5.5 -l 100 -m -f A recall" if duc else "rouge-score F1, stemmed",
        "length_rule": f"{words} words" if words else ("100 words" if duc else "length_for_input: clip(0.5 * input words, 100, 300)"),
        "path": "storyline brief DOCS --whole-pile --no-deep (sources.route.read_inputs + pipeline.brief_articles)",
        "analysis_seconds": analysis_seconds, "summary": summary, "per_cluster": per_cluster,
    }


def _score(sentences: list[str], refs: list[str], duc: bool) -> dict[str, float]:
    if duc:
        text = " ".join(sentences)
        return {"rouge1": duc_recall(text, refs, 1), "rouge2": duc_recall(text, refs, 2)}
    return multinews_f1(sentences, refs[0])


def print_table(result: dict) -> None:
    summary = result["summary"]
    metrics = [m for m in ("rouge1", "rouge2", "rougeL", "rougeLsum") if m in next(iter(summary.values()))]
    print(f"{result['dataset']}: {result['clusters']} clusters; {result['scoring']}; length {result['length_rule']}")
    print(f"{'system':<22}" + "".join(f"{m:>10}" for m in metrics) + f"{'ms/cluster':>12}")
    for name, scores in sorted(summary.items(), key=lambda item: -item[1]["rouge2"]):
        timing = f"{scores['ms_per_cluster']:12.1f}" if "ms_per_cluster" in scores else f"{'':>12}"
        print(f"{name:<22}" + "".join(f"{scores[m]:10.2f}" for m in metrics) + timing)
    s = summary.get(DEFAULT_SUMMARIZER)
    if s:
        ratio = (f", {s['ms_per_cluster_with_analysis'] / summary['lexrank']['ms_per_cluster']:.1f}x sumy LexRank's time"
                 if "lexrank" in summary else "")
        print(f"{DEFAULT_SUMMARIZER} (the default): {s['ms_per_cluster_with_analysis']:.0f} ms/cluster with the "
              f"analysis ({result['analysis_seconds']:.1f} s of analysis for all clusters, "
              f"{s['ms_per_cluster_with_analysis'] * result['clusters'] / 1000:.1f} s in all){ratio}")


def draw_chart(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = result["summary"]
    names = sorted(summary, key=lambda n: summary[n]["rouge2"])
    fig, (quality, speed) = plt.subplots(1, 2, figsize=(13, 0.35 * len(names) + 2), gridspec_kw={"width_ratios": [2, 1]})
    colours = ["#c0392b" if n == "storyline" else "#7f8c8d" if n.startswith("peer:") else "#2980b9" for n in names]
    y = range(len(names))
    quality.barh([i - 0.2 for i in y], [summary[n]["rouge1"] for n in names], height=0.4, color=colours, label="ROUGE-1")
    quality.barh([i + 0.2 for i in y], [summary[n]["rouge2"] for n in names], height=0.4, color=colours, alpha=0.5, label="ROUGE-2")
    quality.set_yticks(list(y), names)
    quality.set_xlabel("score (ROUGE-1 solid, ROUGE-2 light)")
    quality.set_title(f"{Path(result['dataset']).name}: {result['scoring']}")
    timed = [n for n in names if "ms_per_cluster" in summary[n]]
    speed.barh(timed, [summary[n]["ms_per_cluster"] for n in timed], color="#2980b9")
    speed.set_xscale("log")
    speed.set_xlabel("ms per cluster, log scale\n(storyline: summarizing; its analysis apart)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(args: argparse.Namespace) -> int:
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(systems) - set(summarizers.names())
    if unknown:
        from storyline.errors import ConfigError

        raise ConfigError(f"unknown system(s) {', '.join(sorted(unknown))}", fix=f"choose from {', '.join(summarizers.names())}")
    result = evaluate(args.dataset, systems=systems, words=args.words, limit=args.limit)
    print_table(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    chart = args.chart or args.json.with_suffix(".png")
    draw_chart(result, chart)
    print(f"wrote {args.json} and {chart}")
    return 0
