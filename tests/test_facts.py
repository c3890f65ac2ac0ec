"""Corroboration: the same fact across outlets, counted by independent source; single-source facts marked."""

from storyline.sections.facts import build_facts

WIRE = (
    "The city council approved a new tram line to the airport on Tuesday. "
    "Construction of the tram line will cost 300 million euros and take four years."
)


def test_a_fact_counts_independent_sources_and_wire_copies_once(make_articles):
    articles = make_articles(
        [
            ("Wire Site A", WIRE),
            ("Wire Site B", WIRE),
            (
                "Metro Daily",
                "On Tuesday the city council voted to approve a new tram line to the airport. "
                "Shop owners on the route fear months of road works will keep customers away.",
            ),
        ]
    )
    source_of = {articles[0].id: "wire", articles[1].id: "wire", articles[2].id: "Metro Daily"}
    facts = build_facts(articles, source_of)
    approved = next(f for f in facts if "tram line to the airport" in f.text)
    assert approved.independent_sources == 2 and not approved.single_source
    assert approved.outlets[0] in {"Wire Site A", "Wire Site B", "Metro Daily"} and len(approved.citations) == 3
    cost = next(f for f in facts if "300 million" in f.text)
    assert cost.independent_sources == 1 and cost.single_source  # two copies of one wire story
    shops = next(f for f in facts if "Shop owners" in f.text)
    assert shops.single_source
    assert facts.index(approved) < facts.index(cost)  # corroborated facts first
    for fact in facts:
        ref = fact.citations[0]
        article = next(a for a in articles if a.id == ref.article_id)
        assert article.cleaned.text[ref.start : ref.end] == fact.text


def test_without_source_map_each_outlet_is_a_source(make_articles):
    articles = make_articles([("Wire Site A", WIRE), ("Wire Site B", WIRE)])
    cost = next(f for f in build_facts(articles) if "300 million" in f.text)
    assert cost.independent_sources == 2
