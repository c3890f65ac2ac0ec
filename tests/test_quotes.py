"""Quotes: direct and reported speech, speakers resolved, one entry per quote across outlets."""

from storyline.sections.quotes import DIRECT, REPORTED, build_quotes


def _speaker_of(quotes, words):
    return next(q for q in quotes if words in q.text).speaker


def test_speaker_patterns(make_articles):
    [article] = make_articles(
        [
            (
                "Valley News",
                "“We will rebuild the bridge before winter,” said Mayor Lena Hart. "
                "Council member Tom Ruiz said the budget was too small to finish the work. "
                "“The numbers do not add up,” Ruiz told reporters. "
                "He added that the council would vote again in May. "
                "According to engineer Priya Natarajan, the old bridge had been unsafe for years. "
                "Natarajan spoke after the meeting. “Nobody should cross it on foot,” she said.",
            )
        ]
    )
    quotes = build_quotes([article])
    assert _speaker_of(quotes, "rebuild the bridge") == "Lena Hart"  # "..., said X"
    assert _speaker_of(quotes, "budget was too small") == "Tom Ruiz"  # "X said" (reported)
    assert _speaker_of(quotes, "numbers do not add up") == "Tom Ruiz"  # surname -> full name
    assert _speaker_of(quotes, "vote again in May") == "Tom Ruiz"  # pronoun -> last person named
    assert _speaker_of(quotes, "unsafe for years") == "Priya Natarajan"  # according to X
    assert _speaker_of(quotes, "cross it on foot") == "Priya Natarajan"
    kinds = {q.text[:20]: q.kind for q in quotes}
    assert kinds["We will rebuild the b"[:20]] == DIRECT
    assert any(q.kind == REPORTED and "budget" in q.text for q in quotes)
    for quote in quotes:  # the quoted words are in the cited sentence
        ref = quote.citations[0]
        assert quote.text in article.cleaned.text[ref.start : ref.end]


def test_quote_in_the_sentence_after_its_attribution(make_articles):
    [article] = make_articles(
        [
            (
                "Valley News",
                "Governor Karen Walsh visited the flood victims on Sunday. She said help was coming. “We will not leave anyone behind.”",
            )
        ]
    )
    quotes = build_quotes([article])
    assert _speaker_of(quotes, "leave anyone behind") == "Karen Walsh"


def test_same_quote_in_several_outlets_is_one_entry_and_a_wire_copy_counts_once(make_articles):
    wire = (
        "“Our boats were here first, and they will be here after,” union chair Oskar Brenn told the crowd on the quay."
    )
    articles = make_articles(
        [
            ("Wire Site A", wire),
            ("Wire Site B", wire),
            (
                "Column",
                "Brenn put it best: “Our boats were here first, and they will be here after,” said Oskar Brenn, to cheers.",
            ),
        ]
    )
    source_of = {articles[0].id: "wire", articles[1].id: "wire", articles[2].id: "Column"}
    quotes = [q for q in build_quotes(articles, source_of) if "boats were here first" in q.text]
    assert len(quotes) == 1
    [quote] = quotes
    assert quote.speaker == "Oskar Brenn"
    assert quote.outlets == ["Wire Site A", "Wire Site B", "Column"]
    assert len(quote.citations) == 3 and quote.independent_sources == 2


def test_seed_quotes_resolve_speakers(seed_articles):
    quotes = build_quotes(seed_articles)
    assert _speaker_of(quotes, "The Kurds must continue") == "Sergei Lavrov"  # written "Sergey Lavrov"
    assert _speaker_of(quotes, "plain and simple") == "Michael T. Flynn"
    assert _speaker_of(quotes, "repeated promises") == "John Kirby"  # "He added ..."


def test_a_pronoun_speaks_for_a_person_never_a_country_nor_the_other_title(make_articles):
    """Issue 17: "he said" after a country spoke is the last person; Ms. Boyle is not "he"."""
    [article] = make_articles([(
        "Valley News",
        "Governor Tom Ruiz met Mayor Mary Boyle in Halifax on Monday. "
        "Ms. Boyle praised the harbour plan. "
        "Canada said the talks would go on. "
        "“I will probably know more about the budget than anyone in the council,” he said. "
        "Lena Hart of Halifax, Nova Scotia, said the plan was fair. "
        "Cara Vell was unharmed, but she said two of the boats had sunk.",
    )])
    quotes = build_quotes([article])
    assert _speaker_of(quotes, "know more about the budget") == "Tom Ruiz"
    assert _speaker_of(quotes, "the plan was fair") == "Lena Hart"  # not the place she is from
    assert _speaker_of(quotes, "two of the boats had sunk") == "Cara Vell"  # named before the pronoun


def test_quoted_as_saying_an_opening_typed_twice_and_a_namesake(make_articles):
    """Issue 17, fourth round: "X was quoted as saying" is X's; newswire copy that opens a quote with ''
    quotes it; a relative who shares a surname is not the person; "she" after two names is the subject."""
    [article] = make_articles([(
        "Valley News",
        "Governor Tom Ruiz was arrested in Halifax on Monday. "
        "''This is very painful for our family,'' a tearful Ana Ruiz told reporters. "
        "``I am very concerned over how my friend has been treated,'' Mayor Lena Hart was quoted as saying by the Harbour Post. "
        "Mary Boyle was handed the wrong keys after waiting for her son Andy Boyle to return, she told the Daily News.",
    )])
    quotes = build_quotes([article])
    assert _speaker_of(quotes, "very painful for our family") == "Ana Ruiz"
    assert _speaker_of(quotes, "how my friend has been treated") == "Lena Hart"
    assert _speaker_of(quotes, "handed the wrong keys") == "Mary Boyle"


def test_a_daily_that_relays_the_words_is_not_their_speaker(make_articles):
    [article] = make_articles([(
        "Valley News",
        "Coach Bob Hart, who trains the national team, said the new players would ``bring the things they have "
        "learned abroad to the team,'' the Valley Daily said.",
    )])
    assert _speaker_of(build_quotes([article]), "learned abroad") == "Bob Hart"
