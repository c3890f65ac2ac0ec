"""Framing: opinion vs attributed reporting, loaded words, and facts an outlet leaves out."""

import pytest

from storyline.attribution import ATTRIBUTED, NEUTRAL, OPINION, attribution_cue, classify_sentence, opinion_cues
from storyline.sections.framing import build_framing


@pytest.mark.parametrize(
    "text, label",
    [
        ("The minister said the plan would go ahead.", ATTRIBUTED),
        ("According to the State Department, no delegation will travel.", ATTRIBUTED),
        ("“It remains unclear who will attend,” the Post writes.", ATTRIBUTED),
        ("Officials say they could not attend because of the transition.", ATTRIBUTED),
        ("Kerry's previous attempts at negotiation were all abject failures.", OPINION),
        ("The lack of any Western representation is yet another sign of weakness.", OPINION),
        ("Is this really what passes for diplomacy?", OPINION),
        ("We think the deal should be torn up.", OPINION),
        ("The talks began Feb. 1 and were suspended two days later.", NEUTRAL),
        ("The United States will send its ambassador.", NEUTRAL),  # "States" is not a reporting verb
    ],
)
def test_classify_sentence(text, label):
    assert classify_sentence(text) == label


def test_opinion_inside_a_quote_is_the_speakers_not_the_outlets():
    text = "“This is a shameful, reckless deal,” the opposition leader said."
    assert classify_sentence(text) == ATTRIBUTED
    assert opinion_cues(text) == []
    assert attribution_cue(text) == "said"


def test_framing_per_outlet(make_articles):
    articles = make_articles(
        [
            (
                "Plain Wire",
                "Parliament approved the harbour bill by 31 votes to 18 on Tuesday. "
                "About 600 fishers protested outside the parliament building during the vote. "
                "The harbour minister said the contract would be signed on Friday.",
            ),
            (
                "Second Wire",
                "Lawmakers passed the harbour bill by 31 votes to 18 on Tuesday. "
                "Some 600 fishers protested outside parliament while lawmakers voted. "
                "The minister said signing was planned for Friday.",
            ),
            (
                "The Column",
                "Parliament has once again acted as a rubber stamp for a reckless harbour deal. "
                "The shameless rush to sign it is a disgrace, and the deal should be torn up. "
                "The minister said the contract would be signed on Friday.",
            ),
        ]
    )
    profiles = {p.outlet: p for p in build_framing(articles)}
    column, wire = profiles["The Column"], profiles["Plain Wire"]
    assert column.opinion_share > 0.5 and wire.opinion_share == 0
    assert wire.attributed_share > 0
    assert {"reckless", "shameless"} <= {w.word for w in column.loaded_words}
    assert all(w.citations for w in column.loaded_words)
    assert column.opinion_examples and all(r.article_id == articles[2].id for r in column.opinion_examples)
    # the vote and the protest, reported by both wires, are missing from the column
    left_out = " ".join(f.text for f in column.left_out)
    assert "31 votes to 18" in left_out and "600 fishers" in left_out
    assert not wire.left_out


def test_seed_framing_marks_the_opinion_pieces(seed_articles):
    profiles = {p.outlet: p for p in build_framing(seed_articles)}
    daily_caller = profiles["Daily Caller News Foundation"]  # (named by its licence footer); "abject failures", "yet another sign"
    assert daily_caller.opinion_share == max(p.opinion_share for p in profiles.values())
    assert {"abject", "yet another"} <= {w.word for w in daily_caller.loaded_words}


def test_an_ing_verb_and_a_group_s_belief_are_not_the_outlets_judgement():
    from storyline.attribution import evaluative_words

    assert evaluative_words("Some protesters pushed the limits, frustrating clinic workers and guards.") == []
    assert evaluative_words("He won with 72 percent of the vote, stunning even his supporters.") == []
    assert evaluative_words("Critics of the plan think he is a dishonest, selfish man.") == []
    assert evaluative_words("Martinez had another frustrating season.") == ["frustrating"]


def test_a_quote_opened_with_two_apostrophes_is_the_speakers():
    """Newswire copy sometimes opens a quote with '' instead of ``; its words are not the outlet's."""
    from storyline.attribution import evaluative_words, outside_running_quotes

    text = "''This is very painful for our family,'' a tearful Ana Ruiz told reporters."
    bare, still_open = outside_running_quotes(text, False)
    assert "painful" not in bare and not still_open
    assert evaluative_words(text, bare) == []
    # A quote that opens with '' and runs on past its sentence keeps the next sentence quoted.
    bare, still_open = outside_running_quotes("Ruiz said. ''We were shocked.", False)
    assert "shocked" not in bare and still_open
