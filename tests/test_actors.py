"""Actors: merged across spellings and forms, with roles, mention counts, and extraction errors filtered."""

from storyline.sections.actors import PERSON, build_actors, find_role, is_plausible_name, normalise_name


def _by_name(actors):
    index = {}
    for actor in actors:
        for form in [actor.name, *actor.aliases]:
            index.setdefault(form, actor)
    return index


def test_seed_actors_are_merged_across_spellings(seed_articles):
    actors = build_actors(seed_articles)
    people = _by_name([a for a in actors if a.kind == PERSON])
    assert people["Sergei Lavrov"] is people["Sergey Lavrov"] is people["Lavrov"]
    assert people["Kislyak"] is people["Kislak"] is people["Sergey Kislyak"]
    assert people["Kerry"] is people["John Kerry"]
    assert people["Flynn"] is people["Michael T. Flynn"]
    assert "George Krol" in people
    assert people["Lavrov"].role == "Russian Foreign Minister"
    assert people["George Krol"].role == "US Ambassador to Kazakhstan"
    assert people["Kerry"].mentions["Daily Caller News Foundation"] >= 5
    # each actor cites a sentence that names it
    for actor in (people["Lavrov"], people["Krol"] if "Krol" in people else people["George Krol"]):
        ref = actor.citations[0]
        text = next(a for a in seed_articles if a.id == ref.article_id).cleaned.text[ref.start : ref.end]
        assert any(form.split()[-1] in text for form in [actor.name, *actor.aliases])


def test_aliases_titles_and_counts_per_outlet(make_articles):
    articles = make_articles(
        [
            (
                "Daily One",
                "President Trump met Canadian Prime Minister Justin Trudeau on Monday. Trump said the talks went well.",
            ),
            ("Daily Two", "Donald Trump hosted Justin Trudeau at the White House. Follow us on Twitter for updates."),
        ]
    )
    actors = build_actors(articles)
    people = _by_name([a for a in actors if a.kind == PERSON])
    trump = people["Donald Trump"]
    assert people["Trump"] is trump
    assert trump.mentions == {"Daily One": 2, "Daily Two": 1}
    assert trump.independent_sources == 2
    assert people["Justin Trudeau"].role == "Canadian Prime Minister"
    assert not any(a.name == "Twitter" for a in actors)


def test_a_wire_copy_counts_as_one_source(make_articles):
    text = "Mayor Lena Hart opened the new library on Saturday."
    articles = make_articles([("Site A", text), ("Site B", text)])
    source_of = {articles[0].id: "wire", articles[1].id: "wire"}
    [hart] = [a for a in build_actors(articles, source_of) if a.kind == PERSON]
    assert hart.total_mentions == 2 and hart.independent_sources == 1


def test_roles_from_appositives():
    text = "Lavrov, Russia's foreign minister, said the talks would go on."
    assert find_role(text, 0, 6) == "Russia's foreign minister"
    text = "Russia's ambassador in Washington, Sergey Kislyak, called."
    start = text.index("Sergey")
    assert find_role(text, start, start + len("Sergey Kislyak")) == "Russia's ambassador in Washington"


def test_extraction_errors_are_filtered():
    assert not is_plausible_name("Twitter", "PERSON")
    assert not is_plausible_name("SWITZERLAND-GENEVA-U.S.-RUSSIA-TRUCE IN SYRIA- Sergey Lavrov", "PERSON")
    assert not is_plausible_name("Trump's remarks and", "PERSON")
    assert is_plausible_name("Bashar al-Assad", "PERSON")
    assert is_plausible_name("de Mistura", "PERSON")
    assert normalise_name("President-elect Donald Trump’s") == "Donald Trump"
