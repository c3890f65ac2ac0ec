"""Syndicated copies on real texts: the example pile's wire pair, an edited copy, unrelated stories."""

from pathlib import Path

from storyline.clean import clean_article
from storyline.dedup import COPY_JACCARD, SyndicationIndex, group_syndicated_copies, signature
from storyline.ingest import read_inputs

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _cleaned_texts() -> dict[str, str]:
    result = read_inputs([EXAMPLES])
    return {a.source: clean_article(a).text for a in result.articles}


def test_the_wire_pair_is_one_group_and_the_other_articles_are_their_own():
    texts = _cleaned_texts()
    groups = group_syndicated_copies(texts)
    is_wire = lambda source: "port-aldric-daily" in source or "coastline-times" in source  # noqa: E731
    wire = [g for source, g in groups.items() if is_wire(source)]
    assert len(wire) == 2 and wire[0] == wire[1]
    others = [g for source, g in groups.items() if not is_wire(source)]
    assert len(set(others)) == len(others) and wire[0] not in others


def test_a_lightly_edited_copy_joins_the_group_incrementally():
    texts = _cleaned_texts()
    source, text = next((s, t) for s, t in texts.items() if "saltwind-review" in s)
    sentences = text.split(". ")
    # Edit one sentence in ten and add a new closing line: still the same article.
    edited = ". ".join(s + " indeed" if i % 10 == 3 else s for i, s in enumerate(sentences))
    edited += "\n\nThis column also appears in our weekend print edition."
    index = SyndicationIndex()
    group, _ = index.assign("original", text)
    for other, other_text in texts.items():
        if other != source:
            index.assign(other, other_text)
    assert index.assign("edited", edited)[0] == group
    # Same id again: same group, nothing new.
    assert index.assign("edited", edited)[0] == group


def test_two_stories_on_the_same_topic_are_not_copies():
    texts = _cleaned_texts()
    herald = [t for s, t in texts.items() if "norvane-herald-reef" in s][0]
    wire = [t for s, t in texts.items() if "coastline-times" in s][0]
    similarity = float((signature(herald) == signature(wire)).mean())
    assert similarity < COPY_JACCARD
