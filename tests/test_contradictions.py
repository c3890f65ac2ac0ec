"""Contradictions: each kind on written pairs, change over time, the seeds' attend/decline conflict, and the
detector's precision/recall on the labelled claim pairs (tests/data/claim_pairs.jsonl)."""

from datetime import date

import pytest

from conftest import SHARED_DATA
from storyline.sections.contradictions import ACTOR, DATE, NUMBER, POLARITY, build_contradictions, conflict_between


@pytest.mark.parametrize(
    "a, b, kind",
    [
        ("Greece will attend the summit in Oslo.", "Greece declined to attend the Oslo summit.", POLARITY),
        (
            "The company will close its Leeds factory next year.",
            "The company said it will not close the Leeds factory.",
            POLARITY,
        ),
        (
            "The earthquake killed 120 people, officials said.",
            "Officials put the earthquake death toll at 85 people.",
            NUMBER,
        ),
        ("Turnout was 64 percent in the capital.", "Turnout in the capital reached 71 percent.", NUMBER),
        ("The trial will begin on March 3 in Lyon.", "The trial in Lyon will begin on March 10.", DATE),
        (
            "Maria Lopez won the Brackenford marathon on Sunday.",
            "Karen Walsh won the Brackenford marathon on Sunday.",
            ACTOR,
        ),
    ],
)
def test_each_kind_of_conflict(a, b, kind):
    found = conflict_between(a, b, similarity=0.8)
    assert found is not None and found.kind == kind


@pytest.mark.parametrize(
    "a, b",
    [
        ("Such a docking had never been attempted before.", "This was the first time such a docking was attempted."),
        ("The bridge cost 40 million dollars to build.", "Building the bridge cost more than 35 million dollars."),
        ("The minister will attend the summit.", "The minister's deputy will also attend the summit."),
        ("Turkey agrees that the United States should be present.", "The United States won't be attending."),  # a wish
        (
            "The ferry sank on June 4 near the island.",
            "The ferry that sank near the island on June 4 carried 80 passengers.",
        ),
        ("Campbell was in the water for 40 minutes.", "John Campbell was in the water for 40 minutes."),
        # issue 17: both figures written in both; a vague amount; a negation that belongs to another verb
        (
            "The agency revised the 2024 growth figure to 9.1 % from 8.7 %.",
            "The agency revised its 2024 growth figure up from 8.7 per cent to 9.1.",
        ),
        ("Since January, 176 people have been kidnapped in the region.", "Hundreds of people have been kidnapped in the region."),
        (
            "The television did not say where the meeting took place.",
            "The meeting took place after the agency reported a delay.",
        ),
    ],
)
def test_consistent_pairs_are_not_conflicts(a, b):
    assert conflict_between(a, b, similarity=0.8) is None


def test_past_and_future_claims_conflict_only_when_dates_order_them():
    a = "The government will sign the harbour agreement on Friday."
    b = "The government did not sign the harbour agreement on Friday."
    assert conflict_between(a, b, 0.9) is None  # maybe two different Fridays
    assert conflict_between(a, b, 0.9, date(2025, 3, 3), date(2025, 3, 8)).kind == POLARITY


def test_change_over_time_with_publication_dates_and_wire_copies(make_articles):
    wire = "Harbour Minister Tobin Krael said the government will sign the harbour agreement on Friday."
    articles = make_articles(
        [
            (
                "Later Post",
                "The government did not sign the harbour agreement on Friday, officials said.",
                "2025-03-08T09:00",
            ),
            ("Wire A", wire, "2025-03-04T10:00"),
            ("Wire B", wire, "2025-03-04T15:00"),
        ]
    )
    source_of = {articles[0].id: "Later Post", articles[1].id: "wire", articles[2].id: "wire"}
    found = build_contradictions(articles, source_of)
    assert found and all(c.kind == POLARITY and c.changed_over_time for c in found)
    first = found[0]
    assert first.first.outlet.startswith("Wire") and first.second.outlet == "Later Post"  # earlier, then later
    assert first.note.startswith("changed over time: earlier")
    assert first.citations[0] == first.first.citation and first.citations[-1] == first.second.citation
    assert first.reason and 0 < first.confidence <= 1
    # the two wire copies carry one side: one item, citing both copies
    assert len(found) == 1 and len(first.first.copies) == 1
    # the two wire copies never contradict each other (one source)
    assert not any({c.first.outlet, c.second.outlet} == {"Wire A", "Wire B"} for c in found)


def test_seed_attend_vs_not_send_delegation_is_surfaced(seed_articles):
    found = build_contradictions(seed_articles)
    texts = {id_: {s.index: s.text for s in a.sentences} for id_, a in ((a.id, a) for a in seed_articles)}
    hits = [
        c
        for c in found
        if c.kind == POLARITY
        and any("Erdogan confirmed the United States will attend" in side.text for side in (c.first, c.second))
        and any(
            ("won’t be attending" in side.text or "will not be sending" in side.text) for side in (c.first, c.second)
        )
    ]
    assert hits
    for c in hits:  # both sides cited with their exact sentences
        for side in (c.first, c.second):
            assert texts[side.citation.article_id][side.citation.sentence_index] == side.text
        assert not c.changed_over_time  # no publication dates: no claim about which came first


def test_precision_and_recall_on_the_labelled_claim_pairs(analyzer):
    from storyline.bench.deep import load_claim_pairs, evaluate_contradictions

    pairs, missing = load_claim_pairs(shared=SHARED_DATA)
    if missing:
        pytest.skip(f"{missing} labelled pairs need {SHARED_DATA} (the shared evaluation data is not on this machine)")
    result = evaluate_contradictions(pairs, analyzer.embedder)
    # Pinned quality gate: measured 0.882 / 0.600 on 97 pairs (25 conflicting after three seed pairs were
    # relabelled as not conflicting for issue 17; the lexical rules of before measured 0.786 / 0.786 with
    # them labelled conflicting). Precision first: fewer, right items.
    assert result["precision"] >= 0.85
    assert result["recall"] >= 0.55


def test_two_readings_of_a_speed_are_two_moments_unless_dates_order_them():
    """Issue 17, fourth round: "moving west at 8 mph" and "drifting west at only 2 mph" are the storm at
    two times; with publication dates they are a change over time."""
    a = "The storm was moving west at 8 mph (13 kph) over the islands."
    b = "The storm was drifting west at only 2 mph (3 kph) over the islands."
    assert conflict_between(a, b, 0.9) is None
    assert conflict_between(a, b, 0.9, date(2025, 3, 3), date(2025, 3, 4)).kind == NUMBER
    # A count is not a reading of a moment: different tolls at the same time still conflict.
    c, d = "The storm killed 213 people on the islands.", "The storm killed 400 people on the islands."
    assert conflict_between(c, d, 0.9).kind == NUMBER
