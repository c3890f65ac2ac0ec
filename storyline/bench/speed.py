"""Benchmark briefing speed: cold CLI wall time and warm time by stage, against sumy LexRank.

Two inputs: the five seed articles and one 10-article DUC 2004 cluster (``--cluster``; its documents
are written to a temporary directory as text files with a "cluster/doc" headline line, so that the
CLI reads them like any other files; nothing is copied into the repository).

For each input:

* **cold**: ``storyline brief DIR`` in a fresh process (Python start, imports, model load, the whole
  pipeline, Markdown written to a temporary file), the median wall time of ``--cold-repeat`` runs.
  The ONNX embedder's file is exported once beforehand, as any earlier run would have done.
* **warm**: the stages called in this process with the models loaded, ``--repeat`` times (median):
  ingest, clean, analyze (embeddings computed, then again with every article in the analysis cache),
  summarize, brief (``build_briefing`` minus its summarize call: sources and deep sections) and render.
* **baseline**: sumy LexRank summarizing the same cleaned articles in this process; the ratio
  storyline warm total / LexRank puts the absolute figures in context on a noisy, shared machine.

``--full-duc`` also times the analysis of all 488 DUC 2004 documents (split, embed, entities), the
part of the DUC evaluation run that issue 3 wants under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from storyline.bench import write_results

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))
STAGES = ("ingest", "clean", "analyze", "summarize", "brief", "render")


def write_duc_cluster(cluster_dir: Path, destination: Path) -> Path:
    """Write a DUC cluster's documents as headline-first text files (DUC documents have no headline)."""
    destination.mkdir(parents=True, exist_ok=True)
    for path in sorted((cluster_dir / "docs").glob("*.txt")):
        body = path.read_text(encoding="utf-8", errors="replace").strip()
        (destination / path.name).write_text(f"{cluster_dir.name}/{path.stem}\n\n{body}\n", encoding="utf-8")
    return destination


def storyline_command() -> list[str]:
    script = Path(sys.executable).with_name("storyline")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from storyline.cli import main; sys.exit(main())"]


def time_cold_cli(input_dir: Path, repeat: int) -> dict:
    """Median wall time of a fresh `storyline brief` process on one input directory."""
    times, failure = [], None
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "briefing.md"
        for _ in range(repeat):
            start = time.perf_counter()
            done = subprocess.run(
                [*storyline_command(), "brief", str(input_dir), "-o", str(output)],
                capture_output=True,
                text=True,
                env={**os.environ, "HF_HUB_OFFLINE": "1"},
            )
            times.append(time.perf_counter() - start)
            # Exit status 1 is "partial" (some inputs skipped): still a briefing, if one was written.
            if done.returncode not in (0, 1) or not output.exists():
                lines = done.stderr.strip().splitlines()
                failure = lines[-1] if lines else f"exit status {done.returncode}"
                break
    return {"wall_s": round(statistics.median(times), 3), "runs": len(times), "error": failure}


def time_warm_stages(input_dir: Path, repeat: int, words: int) -> dict:
    """Median warm time of each stage, with embeddings computed and with every article cached."""
    from storyline.analyze import MemoryCache, analyze_articles, default_analyzer
    from storyline.brief import build_briefing, independent_sources
    from storyline.clean import clean_article
    from storyline.sources.route import read_inputs
    from storyline.render import render
    from storyline.summarizers import summarize

    analyzer = default_analyzer()
    cache = MemoryCache()
    runs: list[dict[str, float]] = []
    for _ in range(repeat + 1):  # the first run fills the cache and warms lazy imports; not counted
        t: dict[str, float] = {}
        start = time.perf_counter()
        articles = read_inputs([input_dir]).articles
        t["ingest"] = time.perf_counter() - start

        start = time.perf_counter()
        cleaned = [clean_article(article) for article in articles]
        t["clean"] = time.perf_counter() - start

        start = time.perf_counter()
        analyzed = analyze_articles(cleaned, analyzer)  # no cache: sentences, entities, embeddings
        t["analyze"] = time.perf_counter() - start

        start = time.perf_counter()
        analyze_articles(cleaned, analyzer, cache)
        t["analyze_cached"] = time.perf_counter() - start

        start = time.perf_counter()
        summarize(analyzed, words, source_of=independent_sources(analyzed, None))
        t["summarize"] = time.perf_counter() - start

        start = time.perf_counter()
        briefing = build_briefing(analyzed, words=words)
        t["brief"] = max(0.0, time.perf_counter() - start - t["summarize"])

        start = time.perf_counter()
        render(briefing, "md")
        t["render"] = time.perf_counter() - start
        runs.append(t)

    counted = runs[1:] if repeat else runs
    median = {stage: statistics.median(run[stage] for run in counted) for stage in counted[0]}
    total = sum(median[stage] for stage in STAGES)
    cached_total = total - median["analyze"] + median["analyze_cached"]
    return {
        "articles": len(analyzed),
        "sentences": sum(len(a.sentences) for a in analyzed),
        "stages_s": {stage: round(seconds, 4) for stage, seconds in median.items()},
        "total_s": round(total, 4),
        "total_cached_s": round(cached_total, 4),
        "cleaned": cleaned,
    }


def time_lexrank(cleaned, repeat: int, sentences: int = 8) -> float | None:
    """Median time of sumy LexRank summarizing the cleaned articles as one document."""
    try:
        from sumy.nlp.stemmers import Stemmer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError:
        log.warning("sumy is not installed (pip install 'storyline[bench]'): no baseline")
        return None
    from storyline.analyze import PysbdSplitter
    from storyline.summarizers.baselines import SumyTokenizer

    splitter = PysbdSplitter()
    tokenizer = SumyTokenizer(lambda text: [text[a:b] for a, b in splitter.split(text)])
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    text = "\n\n".join(item.text for item in cleaned)
    times = []
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        document = PlaintextParser.from_string(text, tokenizer).document
        summarizer(document, sentences)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_full_duc(duc: Path) -> dict:
    """Analysis time of every DUC 2004 document, by part (split, embed, entities)."""
    from storyline.analyze import default_analyzer, paragraph_spans, split_sentences
    from storyline.clean import clean_article
    from storyline.sources.article import article_id
    from storyline.models import Article

    analyzer = default_analyzer()
    cleaned = []
    for path in sorted(duc.glob("d3*/docs/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        outlet = f"{path.parent.parent.name}/{path.stem}"
        cleaned.append(clean_article(Article(article_id(outlet, "", text), "", text, outlet, str(path))))
    start = time.perf_counter()
    split = [split_sentences(item.text, analyzer.splitter, item.id) for item in cleaned]
    split_s = time.perf_counter() - start
    texts = [s.text for sentences in split for s in sentences]
    start = time.perf_counter()
    analyzer.embedder.encode(texts)
    embed_s = time.perf_counter() - start
    paragraphs = [item.text[a:b] for item in cleaned for a, b in paragraph_spans(item.text)]
    start = time.perf_counter()
    analyzer.recognizer.entities(paragraphs)
    entities_s = time.perf_counter() - start
    return {
        "documents": len(cleaned),
        "sentences": len(texts),
        "split_s": round(split_s, 2),
        "embed_s": round(embed_s, 2),
        "entities_s": round(entities_s, 2),
        "total_s": round(split_s + embed_s + entities_s, 2),
        "embed_sentences_per_s": round(len(texts) / embed_s, 1) if embed_s else None,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared evaluation data")
    parser.add_argument("--cluster", default="d30001t", help="DUC 2004 cluster used as the 10-article story")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per input (median reported)")
    parser.add_argument("--cold-repeat", type=int, default=1, help="cold CLI runs per input (median reported)")
    parser.add_argument("--words", type=int, default=None, help="summary length in words (default: brief's)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold CLI runs")
    parser.add_argument("--full-duc", action="store_true", help="also time the analysis of all 488 DUC documents")
    parser.add_argument(
        "--json", type=Path, default=Path("bench-results/speed.json"), help="where to write the results (JSON)"
    )


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from storyline.analyze import default_analyzer
    from storyline.brief import DEFAULT_WORDS

    words = args.words or DEFAULT_WORDS
    start = time.perf_counter()
    default_analyzer()  # also exports the ONNX embedder once, so cold runs measure a normal start
    results: dict = {"model_load_s": round(time.perf_counter() - start, 2), "inputs": {}}

    with tempfile.TemporaryDirectory() as tmp:
        inputs = {}
        seeds = args.shared / "seeds"
        if seeds.is_dir():
            inputs["seeds"] = seeds
        cluster = args.shared / "duc2004" / args.cluster
        if cluster.is_dir():
            inputs[f"duc2004/{args.cluster}"] = write_duc_cluster(cluster, Path(tmp) / args.cluster)
        if not inputs:
            log.error("no input found under %s (seeds/ or duc2004/%s)", args.shared, args.cluster)
            return 1
        for name, directory in inputs.items():
            log.info("timing %s", name)
            entry: dict = {}
            if not args.no_cold:
                entry["cold_cli"] = time_cold_cli(directory, args.cold_repeat)
            warm = time_warm_stages(directory, args.repeat, words)
            lexrank = time_lexrank(warm.pop("cleaned"), args.repeat)
            entry["warm"] = warm
            entry["lexrank_s"] = round(lexrank, 4) if lexrank is not None else None
            entry["warm_over_lexrank"] = round(warm["total_s"] / lexrank, 2) if lexrank else None
            results["inputs"][name] = entry
    if args.full_duc and (args.shared / "duc2004").is_dir():
        results["full_duc_analysis"] = time_full_duc(args.shared / "duc2004")

    print_table(results)
    write_results(args.json, results)
    return 0


def print_table(results: dict) -> None:
    print(f"model load (in process): {results['model_load_s']:.2f} s")
    header = f"{'input':<18}{'arts':>5}{'sents':>6}{'cold CLI':>10}" + "".join(f"{s:>10}" for s in STAGES)
    header += f"{'warm':>8}{'cached':>8}{'LexRank':>9}{'ratio':>7}"
    print(header)
    for name, entry in results["inputs"].items():
        warm, stages = entry["warm"], entry["warm"]["stages_s"]
        cold = entry.get("cold_cli")
        cold_text = "-" if not cold else ("failed" if cold["error"] else f"{cold['wall_s']:.2f}")
        row = f"{name:<18}{warm['articles']:>5}{warm['sentences']:>6}{cold_text:>10}"
        row += "".join(f"{stages[s]:>10.3f}" for s in STAGES)
        lexrank = "-" if entry["lexrank_s"] is None else f"{entry['lexrank_s']:.3f}"
        ratio = "-" if entry["warm_over_lexrank"] is None else f"{entry['warm_over_lexrank']:.1f}x"
        row += f"{warm['total_s']:>8.3f}{warm['total_cached_s']:>8.3f}{lexrank:>9}{ratio:>7}"
        print(row)
        if cold and cold["error"]:
            print(f"  cold CLI failed: {cold['error']}")
    print("stage times are warm medians in seconds; 'cached' = the same with every article's analysis cached;")
    print("ratio = warm total / sumy LexRank on the same cleaned articles (same process)")
    full = results.get("full_duc_analysis")
    if full:
        print(
            f"full DUC 2004 analysis: {full['documents']} documents, {full['sentences']} sentences in "
            f"{full['total_s']:.1f} s (split {full['split_s']:.1f}, embed {full['embed_s']:.1f} "
            f"= {full['embed_sentences_per_s']} sentences/s, entities {full['entities_s']:.1f})"
        )
