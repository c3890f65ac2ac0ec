"""The summarizer on the seeds and on small stories written here, through the real analyze stage."""

from __future__ import annotations

import pytest

from storyline.errors import StorylineError
from storyline.summarizers import summarize, summarizers


def _by_id(articles):
    return {a.id: a for a in articles}


def _assert_cites_exact_sources(summary, articles):
    by_id = _by_id(articles)
    for sentence in summary.sentences:
        first = sentence.citations[0]
        source = by_id[first.article_id]
        assert source.sentences[first.sentence_index].text == sentence.text
        assert source.cleaned.text[first.start : first.end] == sentence.text
        cited_articles = [ref.article_id for ref in sentence.citations]
        assert len(cited_articles) == len(set(cited_articles)), "each other citation is another article"


@pytest.mark.parametrize("budget", [30, 60, 150])
def test_seed_summary_fits_budget_and_quotes_its_sources_exactly(seed_articles, budget):
    summary = summarize(seed_articles, budget)
    assert summary.sentences
    assert summary.words <= budget
    assert summary.word_budget == budget
    _assert_cites_exact_sources(summary, seed_articles)


def test_seed_summary_states_the_central_facts(seed_articles):
    text = " ".join(s.text for s in summarize(seed_articles, 150).sentences).lower()
    assert "delegation" in text
    assert "ambassador" in text


def test_seed_summary_never_repeats_itself(seed_articles):
    summary = summarize(seed_articles, 200)
    vectors = {}
    by_id = _by_id(seed_articles)
    for sentence in summary.sentences:
        ref = sentence.citations[0]
        vectors[sentence.text] = by_id[ref.article_id].embeddings[ref.sentence_index]
    texts = list(vectors)
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert float(vectors[a] @ vectors[b]) < 0.8, (a, b)


SHARED_FACT = [
    "The river bridge at Halden was closed on Monday after engineers found cracks in two support pillars.",
    "Engineers found cracks in two support pillars of the Halden river bridge, which was closed on Monday.",
    "The Halden river bridge was closed on Monday because engineers found cracks in two support pillars.",
]
FILLER = [
    "Local shops reported fewer customers during the afternoon as traffic was diverted through the valley.",
    "The regional council will publish a repair schedule and a cost estimate before the end of the month.",
    "Commuters were advised to allow an extra forty minutes for journeys into the town centre this week.",
]


def test_one_fact_told_by_three_outlets_is_said_once_and_cites_the_others(make_articles):
    articles = make_articles(
        [(outlet, f"{fact}\n\n{filler}") for outlet, fact, filler in zip(["alpha", "beta", "gamma"], SHARED_FACT, FILLER)]
    )
    summary = summarize(articles, 120)
    about_cracks = [s for s in summary.sentences if "cracks" in s.text]
    assert len(about_cracks) == 1
    assert {ref.article_id for ref in about_cracks[0].citations} == {a.id for a in articles}
    _assert_cites_exact_sources(summary, articles)


def test_independent_sources_outweigh_syndicated_copies(make_articles):
    wire = "A chemical tanker ran aground near Port Edda early on Tuesday, spilling diesel into the harbour water."
    texts = [
        ("wire-a", f"{wire}\n\nThe harbour master opened an inquiry into the grounding that afternoon."),
        ("wire-b", f"{wire}\n\nThe harbour master opened an inquiry into the grounding that afternoon."),
        ("wire-c", f"{wire}\n\nThe harbour master opened an inquiry into the grounding that afternoon."),
        ("north", "Fishing boats were ordered to stay in dock while divers inspected the damaged tanker hull."),
        ("south", "Fishing boats must stay in dock while divers inspect the damaged hull of the tanker."),
        ("east", "Divers inspected the tanker hull as fishing boats were ordered to stay in dock."),
    ]
    articles = make_articles(texts)
    outlet_of = {a.id: a.article.outlet for a in articles}
    # The three wire outlets carry one agency's copy: one independent source.
    one_wire = {aid: ("wire" if outlet.startswith("wire") else outlet) for aid, outlet in outlet_of.items()}
    summary = summarize(articles, 18, source_of=one_wire)
    assert len(summary.sentences) == 1
    assert "fishing boats" in summary.sentences[0].text.lower()


def test_sentences_come_in_story_order(make_articles):
    articles = make_articles(
        [
            ("late", "Rescue teams reached the last stranded village on Friday and began moving residents out.", "2024-03-08T10:00"),
            ("early", "Heavy snow cut the mountain road to three villages on Tuesday morning after a storm.", "2024-03-05T09:00"),
            ("middle", "Helicopters dropped food and medicine to the three cut-off villages on Wednesday.", "2024-03-06T12:00"),
        ]
    )
    summary = summarize(articles, 100)
    order = [_by_id(articles)[s.citations[0].article_id].article.outlet for s in summary.sentences]
    assert order == ["early", "middle", "late"]


def test_questions_and_fragments_are_not_summary_material(make_articles):
    articles = make_articles(
        [
            ("one", "What happens to the ferry service now?\n\nThe ferry service between the two islands stopped on Sunday after a storm damaged the pier."),
            ("two", "By staff.\n\nThe ferry service between the two islands stopped after Sunday's storm damaged the pier."),
        ]
    )
    texts = [s.text for s in summarize(articles, 100).sentences]
    assert texts
    assert not any(t.endswith("?") for t in texts)
    assert all(len(t.split()) >= 6 for t in texts)


def test_lower_cased_text_is_summarised_but_a_fragment_in_cased_text_is_not(make_articles):
    story = ("The ferry service between Skye and Raasay stopped on Sunday after a storm damaged the pier. "
             "Engineers from Caledonian Marine said repairs would take three weeks and cost two million euros. "
             "Residents of Raasay depend on the ferry for food, fuel and medicine, the Highland Council said.")
    cased = make_articles([("cased", story + " and then the harbour office closed its doors to everyone.")])
    lowered = make_articles([("lowered", story.lower())])  # a lower-cased dump: capitals say nothing here
    cased_texts = [s.text for s in summarize(cased, 100).sentences]
    lowered_texts = [s.text for s in summarize(lowered, 100).sentences]
    assert len(cased_texts) == len(lowered_texts) == 3
    assert [t.lower() for t in cased_texts] == lowered_texts
    assert not any(t.startswith("and then") for t in cased_texts)  # a fragment where text is cased


def test_methods_are_named_in_the_registry(seed_articles):
    assert "storyline" in summarizers.names()
    with pytest.raises(StorylineError):
        summarize(seed_articles, 100, method="no-such-method")


def test_empty_input_gives_an_empty_summary():
    summary = summarize([], 100)
    assert summary.sentences == () and summary.words == 0


@pytest.mark.parametrize("method", ["lead", "round-robin-lead", "lexrank", "textrank"])
def test_baselines_share_the_registry_and_its_guarantees(seed_articles, method):
    summary = summarize(seed_articles, 80, method=method)
    assert summary.sentences
    assert summary.words <= 80
    _assert_cites_exact_sources(summary, seed_articles)


def test_lead_takes_the_newest_article(make_articles):
    articles = make_articles(
        [
            ("old", "The museum announced on Monday that its north wing would close for repairs next year.", "2024-01-01T09:00"),
            ("new", "The museum reopened its north wing on Saturday after a year of repairs to the roof.", "2025-01-04T09:00"),
        ]
    )
    summary = summarize(articles, 50, method="lead")
    assert [s.citations[0].article_id for s in summary.sentences] == [articles[1].id]


def test_length_rule_is_half_the_input_within_100_to_300_words():
    from storyline.summarizers import length_for_input

    assert length_for_input(80) == 100
    assert length_for_input(400) == 200
    assert length_for_input(5000) == 300


# --- sentences that lean on context the reader lacks (issue 16, item 4) -----------------------------

@pytest.mark.parametrize("text, need", [
    ("Instead, the envoy flew home on Monday.", "refers back"),
    ("He said the talks would resume in May.", "refers back"),
    ("However, the ministry denied the report.", "refers back"),
    ("We fought hard and we won it in the end.”", "continues a quote"),
    ("the fishers were there before anyone. \" the mayor said nothing.", "continues a quote"),
    ("“We will not sign until the survey is done.”", "continues a quote"),
    ("Norvane declines to send envoy to Calloway talks", "not a sentence"),
    ("“We will not sign,” Reyes said on Monday.", None),
    ("\"We will not sign until the survey is done, \" said reyes.", None),
    ("The ministry called it a \" precision nuclear striking tool. \"", None),  # spaced closing quote
    ("The minister resigned on Friday after the vote.", None),
])
def test_context_need_names_why_a_sentence_cannot_stand_alone(text, need):
    from storyline.standalone import context_need

    assert context_need(text) == need


def test_a_sentence_that_leans_on_the_one_before_is_shown_only_beside_it():
    from storyline.standalone import CONTINUES_QUOTE, NOT_A_SENTENCE, REFERS_BACK, may_show

    assert may_show(None, 4, set())
    assert not may_show(REFERS_BACK, 4, {2}) and may_show(REFERS_BACK, 4, {3})
    assert not may_show(CONTINUES_QUOTE, 1, set()) and may_show(CONTINUES_QUOTE, 1, {0})
    assert not may_show(NOT_A_SENTENCE, 4, {3}) and may_show(NOT_A_SENTENCE, 4, {3}, last=True)


@pytest.mark.parametrize("method", ["storyline", "learned"])
def test_a_dangling_sentence_is_not_summarised_without_its_antecedent(make_articles, method):
    lead = "The harbour board of Port Aldric approved the dredging of the north quay on Monday after a long debate."
    dangling = ("Instead, the harbour board of Port Aldric chose to dredge the north quay in June, "
                "ending years of debate over the reef.")
    articles = make_articles([
        ("one", f"{lead} The fishers' union said the reef would be damaged by the dredging work."),
        ("two", f"Fishers in Port Aldric protested outside the town hall on Sunday. {dangling}"),
        ("three", "The dredging of the north quay in Port Aldric was approved by the harbour board on Monday."),
    ])
    texts = [s.text for s in summarize(articles, 40, method=method).sentences]
    assert texts and dangling not in texts
    # with its antecedent in the summary, the same sentence may be chosen
    texts = [s.text for s in summarize(articles, 300, method=method).sentences]
    if dangling in texts:
        assert "Fishers in Port Aldric protested outside the town hall on Sunday." in texts
