"""CI quality gate: storyline's summaries and stories on fixed subsets of DUC 2004 and Multi-News.

The minimums are pinned a little under what the current summarizer measures (see each constant), so
noise does not fail the gate but a change that really lowers quality does. Raise them when quality
goes up. Full runs: `storyline bench summarize ../shared/data/duc2004` (and multinews_val200), and
`storyline bench cluster ../shared/data/duc2004` (and multinews_val200).
"""

from __future__ import annotations

import pytest

from conftest import shared_path
from storyline.bench.summarize import evaluate

# Measured 2026-12-03 on the first 10 clusters by name (100 words, ROUGE-1.5.5 recall): the default
# ("learned") 39.11 / 10.06, the hand-set "storyline" 39.21 / 10.36.
DUC_MINIMUM = {"learned": {"rouge1": 38.5, "rouge2": 9.6}, "storyline": {"rouge1": 38.5, "rouge2": 9.8}}
# Measured 2026-12-03 on the first 20 clusters by name (length_for_input, rouge-score F1): the default
# ("learned") 42.29 / 14.91, the hand-set "storyline" 40.66 / 12.99.
MULTINEWS_MINIMUM = {"learned": {"rouge1": 41.0, "rouge2": 14.0}, "storyline": {"rouge1": 40.0, "rouge2": 12.0}}
# Story clustering, B-cubed F1 of the documents of the first K clusters by name shuffled into one stream
# (seed 0) and ingested as `storyline ingest` does, with the default learned links and the hand-set ones.
# Measured 2026-12-03: DUC 2004, 20 clusters (195 documents): learned 0.832 (seed 1: 0.818), hand-set 0.850
# (0.869); Multi-News, 60 clusters (176 documents, 14 of them boilerplate only): learned 0.839 (0.850),
# hand-set 0.820 (0.815). Remeasured at 8b93133: Multi-News learned 0.822; after issue 16's caption rules
# 0.819 (a caption and its AP credit now cut from one article of a 5-article story, which splits otherwise).
CLUSTERING_MINIMUM_F1 = {("duc2004", 20): {"learned-link": 0.80, "link": 0.82},
                         ("multinews_val200", 60): {"learned-link": 0.80, "link": 0.79}}


@pytest.fixture(scope="module")
def analysis_cache(tmp_path_factory):
    """The subsets' analyses, kept for the second clusterer (analysis is most of the time)."""
    from storyline.bench.cluster import StoreCache
    from storyline.store import Store

    store = Store(tmp_path_factory.mktemp("gate") / "analyses.db")
    yield StoreCache(store)
    store.close()


@pytest.mark.slow
@pytest.mark.parametrize(("dataset", "clusters", "clusterer"),
                         [(*key, name) for key, minimums in CLUSTERING_MINIMUM_F1.items() for name in minimums])
def test_story_clustering_subset_meets_pinned_minimum(analyzer, analysis_cache, dataset, clusters, clusterer):
    from storyline.bench.cluster import scores, shuffled_dataset, stories_of_stream

    items = shuffled_dataset(shared_path(dataset), seed=0, clusters=clusters)
    predicted, _, _ = stories_of_stream([article for article, _ in items], analyzer, cache=analysis_cache,
                                        clusterer=clusterer)
    result = scores(predicted, {article.id: label for article, label in items})
    minimum = CLUSTERING_MINIMUM_F1[dataset, clusters][clusterer]
    assert result["bcubed_f1"] >= minimum, (
        f"{dataset} story B-cubed F1 ({clusterer}) fell to {result['bcubed_f1']:.3f} (< {minimum})")
    assert result["true_stories"] == clusters


# Syndicated copies, pair precision / recall on the labelled copy set (`storyline bench copies`, seed 0).
# Measured 2026-12-03: DUC 2004 1.000 / 0.963, Multi-News val200 1.000 / 0.983 (the Jaccard method before:
# 1.000 / 0.613 and 1.000 / 0.665). The targets are precision >= 0.95 and recall >= 0.90.
COPIES_MINIMUM = {"duc2004": (0.98, 0.94), "multinews_val200": (0.98, 0.95)}


@pytest.mark.parametrize("dataset", list(COPIES_MINIMUM))
def test_copy_grouping_meets_pinned_minimum(dataset):
    from storyline.bench.copies import evaluate as evaluate_copies

    result = evaluate_copies(shared_path(dataset), seed=0)
    ours = result["methods"]["containment (storyline)"]
    precision, recall = COPIES_MINIMUM[dataset]
    assert ours["precision"] >= precision, f"{dataset} copy precision fell to {ours['precision']:.3f}: {ours['false_pairs'][:3]}"
    assert ours["recall"] >= recall, f"{dataset} copy recall fell to {ours['recall']:.3f}"
    assert ours["recall"] > result["methods"]["Jaccard 0.5 (before)"]["recall"]


@pytest.mark.models
@pytest.mark.slow
def test_duc2004_subset_meets_pinned_minimum():
    result = evaluate(shared_path("duc2004"), systems=[*DUC_MINIMUM, "lead"], limit=10)
    for system, minimums in DUC_MINIMUM.items():
        ours = result["summary"][system]
        for metric, minimum in minimums.items():
            assert ours[metric] >= minimum, f"DUC 2004 {system} {metric} fell to {ours[metric]:.2f} (< {minimum})"
        assert ours["rouge2"] > result["summary"]["lead"]["rouge2"]
    assert result["summary"]["peer:ICSISumm"]["rouge2"] > 0  # the peers are scored by the same code


@pytest.mark.models
@pytest.mark.slow
def test_multinews_subset_meets_pinned_minimum():
    result = evaluate(shared_path("multinews_val200"), systems=[*MULTINEWS_MINIMUM, "round-robin-lead"], limit=20)
    for system, minimums in MULTINEWS_MINIMUM.items():
        ours = result["summary"][system]
        for metric, minimum in minimums.items():
            assert ours[metric] >= minimum, f"Multi-News {system} {metric} fell to {ours[metric]:.2f} (< {minimum})"
        assert ours["rouge2"] > result["summary"]["round-robin-lead"]["rouge2"]


def test_scorer_reproduces_the_published_duc2004_scores():
    """ICSISumm 38.44/9.81 and LexRank 36.00/7.51 (official ROUGE-1.5.5), within 0.3."""
    from storyline.bench.rouge import duc_recall

    root = shared_path("duc2004")
    clusters = sorted(p for p in root.iterdir() if (p / "peers").is_dir())
    for system, (r1, r2) in {"ICSISumm": (38.44, 9.81), "LexRank": (36.00, 7.51)}.items():
        ones = twos = 0.0
        for cluster in clusters:
            refs = [p.read_text() for p in sorted((cluster / "refs").glob("*.txt"))]
            summary = (cluster / "peers" / f"{system}.txt").read_text()
            ones += duc_recall(summary, refs, 1)
            twos += duc_recall(summary, refs, 2)
        assert abs(100 * ones / len(clusters) - r1) <= 0.3, system
        assert abs(100 * twos / len(clusters) - r2) <= 0.3, system


# Furniture removal, sentence precision / recall on the labelled pages (`storyline bench clean`, issue 16).
# Measured 2026-12-03: Multi-News (56 sources of multinews_train3000) 1.000 / 0.609, written pages 1.000 /
# 1.000, overall 1.000 / 0.815 (the cleaner before issue 16: 1.000 / 0.219, 1.000 / 0.577, 1.000 / 0.407). A
# false removal is worse than a missed footer: precision is pinned at the 0.98.
# Then (the same day) a second tune set 1.000 / 0.303 and a held-out set 1.000 / 0.266, overall 1.000 / 0.521.
CLEAN_MINIMUM = {"Multi-News": (0.98, 0.57), "tune 2": (0.98, 0.28), "held out": (0.98, 0.24),
                 "written": (0.98, 0.95), "overall": (0.98, 0.49)}


def test_clean_furniture_removal_meets_pinned_minimum():
    from storyline.bench.clean import evaluate as evaluate_clean

    result = evaluate_clean(shared_path("multinews_train3000"), with_briefings=False)
    for name, (precision, recall) in CLEAN_MINIMUM.items():
        ours = result["after"][name]
        assert ours["precision"] >= precision, f"{name} furniture precision fell to {ours['precision']:.3f}: {ours['false_removals'][:3]}"
        assert ours["recall"] >= recall, f"{name} furniture recall fell to {ours['recall']:.3f}"


# Main text of HTML pages (`storyline bench html`, issue 16 item 5), 19 written pages. Measured 2026-12-03:
# storyline (trafilatura's balanced mode + the cleaner) 0.905 / 1.000 / 0.950; trafilatura.extract alone
# 0.803 / 1.000 / 0.890 in the same run (with favor_precision, as storyline extracted before: 0.940 / 0.901 /
# 0.920). The bar: a better F1 than trafilatura alone, without less precision.
HTML_MINIMUM_F1 = 0.93


def test_html_main_text_beats_trafilatura_alone():
    from storyline.bench.html import evaluate as evaluate_html

    methods = evaluate_html()["methods"]
    ours, theirs = methods["storyline"], methods["trafilatura"]
    assert ours["f1"] >= HTML_MINIMUM_F1, f"HTML main-text F1 fell to {ours['f1']:.3f}"
    assert ours["f1"] > theirs["f1"] and ours["precision"] >= theirs["precision"], (ours, theirs)


# The deep briefing's sections, judged on the hand-labelled report clusters of `storyline bench deep`
# (tests/data/section_labels.jsonl). Measured 2026-12-04 on the fifth round's report set: quote speakers
# 83 / 97 (0.856), timeline learned 28 / 38 (0.737), rules alone 30 / 43 (0.698), loaded words 5 / 6,
# contradictions 1 / 1 with 3 of 6 labelled conflicts found; claim pairs P 0.938 R 0.600.
SECTIONS_MINIMUM = {"quotes": 0.82, "timeline": 0.70, "timeline (rules)": 0.66, "loaded_words": 0.66}
CLAIM_PAIRS_MINIMUM = {"precision": 0.9, "recall": 0.55}


@pytest.mark.models
@pytest.mark.slow
def test_deep_sections_meet_pinned_minimum():
    from storyline.bench.deep import evaluate_sections

    totals = evaluate_sections(shared_path(), "report")["totals"]
    for section, minimum in SECTIONS_MINIMUM.items():
        assert totals[section]["precision"] >= minimum, f"{section} precision fell to {totals[section]['precision']} (< {minimum})"
    # the learned veto never does worse than the rules it filters
    assert totals["timeline"]["precision"] >= totals["timeline (rules)"]["precision"]
    assert totals["contradictions"]["conflicts_found"] >= 2


@pytest.mark.models
def test_contradiction_rules_meet_pinned_minimum_on_the_claim_pairs(analyzer):
    from storyline.bench.deep import evaluate_contradictions, load_claim_pairs

    pairs, unreadable = load_claim_pairs(shared=shared_path())
    assert not unreadable
    result = evaluate_contradictions(pairs, analyzer.embedder)
    for metric, minimum in CLAIM_PAIRS_MINIMUM.items():
        assert result[metric] >= minimum, f"claim-pair {metric} fell to {result[metric]:.3f} (< {minimum})"
