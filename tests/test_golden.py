"""Golden briefings: the sections of the seeds' and the examples/ pile's briefings are pinned, so a
regression in any section (a false contradiction, a duplicated or misdated timeline entry, a lost actor,
a frequent word shown as loaded) fails here. Issue 17 lists what a reader judged right and wrong."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES
from storyline.sections import build_sections


def _texts(contradiction) -> list[str]:
    return [side.text for side in contradiction.reports]


@pytest.fixture(scope="module")
def seed_sections(seed_articles):
    return build_sections(seed_articles, {})


def test_seed_contradictions_are_the_two_real_ones(seed_sections):
    found = seed_sections["contradictions"]
    assert len(found) == 2  # "will attend" (Erdogan's spokesman) against the two denials, nothing else
    for c in found:
        texts = " || ".join(_texts(c))
        assert c.kind == "polarity" and "Erdogan confirmed the United States will attend" in texts
        assert "won’t be attending" in texts or "will not be sending a formal delegation" in texts
        assert c.reason and 0 < c.confidence <= 1
    joined = " ".join(t for c in found for t in _texts(c))
    assert "totally absent" not in joined  # the same fact with a nuance
    assert "uninvited" not in joined and "absence" not in joined  # another subject / a noun
    assert [c.confidence for c in found] == sorted((c.confidence for c in found), reverse=True)


def test_seed_timeline_order_one_entry_per_sentence(seed_sections):
    entries = seed_sections["timeline"]
    events = [e.event for e in entries]
    assert len(events) == len(set(events))  # the late Sep / early Oct sentence appears once
    days = [(e.date.month, e.date.day) for e in entries]
    order = [(2, 1), (2, 27), (10, 15), (12, 20), (12, 28), (1, 23)]
    positions = [days.index(d) for d in order]
    assert positions == sorted(positions)
    truce = next(e for e in entries if "Another attempt at a truce" in e.event)
    assert (truce.date.month, truce.date.qualifier) == (9, "late")


def test_seed_actors_and_framing(seed_sections):
    names = {a.name for a in seed_sections["actors"]}
    assert {"Sergei Lavrov", "John Kerry", "George Krol", "Michael T. Flynn", "Sergey Kislyak", "Donald Trump"} <= names
    framing = {p.outlet: p for p in seed_sections["framing"]}
    loaded = {p: {w.word for w in f.loaded_words} for p, f in framing.items()}
    assert {"abject", "yet another"} <= loaded["Daily Caller News Foundation"]  # named by its licence footer
    everything = set().union(*loaded.values())
    # issue 17: words an outlet merely uses more often are not loaded language
    assert not everything & {"new", "official", "phone", "call", "ground", "groups", "air"}
    assert all(w.in_lexicon for f in framing.values() for w in f.loaded_words)


@pytest.fixture(scope="module")
def harbour_briefing(analyzer):
    from storyline.pipeline import brief_paths

    run = brief_paths([EXAMPLES], analyzer=analyzer)
    assert not run.errors
    return run.briefing


def test_examples_contradiction_is_one_change_over_time(harbour_briefing):
    [change] = harbour_briefing.sections["contradictions"]
    assert change.kind == "polarity" and change.changed_over_time
    assert (change.first.outlet, change.second.outlet) == ("Norvane Herald", "Meridian Post")
    assert change.first.published < change.second.published
    assert "will sign its agreement" in change.first.text and "did not sign" in change.second.text


def test_examples_timeline_actors_framing(harbour_briefing):
    sections = harbour_briefing.sections
    labels = [e.date.label for e in sections["timeline"]]
    # the spokesman's "this month" is inside his quote and "should be finished in June" a modal: not events
    assert labels == ["Feb 2025", "4 Mar 2025", "5 Mar 2025", "7 Mar 2025"]
    signing = next(e for e in sections["timeline"] if e.date.label == "7 Mar 2025")
    assert len(signing.outlets) >= 4  # the minister's Friday, merged across outlets and wire copies
    names = {a.name for a in sections["actors"]}
    assert {"Tobin Krael", "Oskar Brenn", "Ilse Varda", "Ruth Amsel", "Henrik Sollas"} <= names
    speakers = {q.speaker for q in sections["quotes"]}
    assert {"Tobin Krael", "Oskar Brenn", "Henrik Sollas", "Ruth Amsel"} <= speakers
    framing = {p.outlet: p for p in sections["framing"]}
    assert {w.word for w in framing["saltwind-review"].loaded_words} == {"shameless", "reckless"}
    assert all(not f.loaded_words for name, f in framing.items() if name != "saltwind-review")
    assert framing["saltwind-review"].left_out  # facts the wire reports and the column never covers
