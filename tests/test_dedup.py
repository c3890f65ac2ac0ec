"""Syndicated copies on real texts: the example pile's wire pair, an edited copy, an excerpt window, a
store from before copies by containment, and separately written articles of one story."""

import re
from pathlib import Path

import pytest

from storyline.clean import clean_article
from storyline.dedup import COPY_CONTAINMENT, SyndicationIndex, containment, copy_shingles, group_syndicated_copies
from storyline.sources.route import read_inputs

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
    assert containment(copy_shingles(herald), copy_shingles(wire)) < COPY_CONTAINMENT


def test_a_window_of_the_text_with_other_furniture_is_a_copy_and_a_quote_is_not():
    texts = _cleaned_texts()
    wire = next(t for s, t in texts.items() if "coastline-times" in s)
    paragraphs = [p for p in wire.split("\n\n") if p.strip()]
    window = "\n\n".join(paragraphs[: max(2, len(paragraphs) * 2 // 5)])  # the first 40%, as some sites show
    page = "Sign up for our morning briefing\n\n" + window + "\n\nRead the full story at the wire's site."
    shares = containment(copy_shingles(page), copy_shingles(wire))
    assert shares >= COPY_CONTAINMENT
    # Quotations are left out: a new article built around the same statement is not a copy.
    quoted = re.findall(r'[“"][^”"]{60,}[”"]', wire)
    assert quoted, "the wire text quotes someone at length"
    statement = max(quoted, key=len)
    reaction = (f"Residents on the quay reacted angrily on Thursday. {statement} the minister had said. "
                "Fishers gathered at the union hall in the evening and voted to continue the protest, "
                "while the harbour master said boats would be allowed to leave at dawn as usual.")
    assert containment(copy_shingles(reaction), copy_shingles(wire)) < COPY_CONTAINMENT


@pytest.mark.models
def test_a_store_from_before_containment_keeps_its_groups_and_finds_new_copies(tmp_path):
    """Migration 3 empties the old MinHash signatures; opening the indexes recomputes the shingles."""
    import numpy as np

    from storyline.assign import open_indexes
    from storyline.ingest import ingest_into_store
    from storyline.store import MIGRATIONS, Store

    db = tmp_path / "old.db"
    with Store(db) as store:
        ingest_into_store(read_inputs([EXAMPLES]).articles, store)
        groups = dict(store.connection.execute("SELECT article_id, group_id FROM syndication"))
        with store.transaction():  # what a store of schema version 2 held: 128 MinHash values per article
            store.connection.execute("UPDATE syndication SET signature = ?", (np.arange(128, dtype=np.uint64).tobytes(),))
            store.connection.execute("DROP TABLE settings")  # migration 4 came later
            store.connection.execute("UPDATE schema_version SET version = 2")
    with Store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        syndication, _ = open_indexes(store)
        assert dict(store.connection.execute("SELECT article_id, group_id FROM syndication")) == groups
        wire_id, wire_text = next(
            (i, t) for i, t in store.connection.execute("SELECT id, cleaned_text FROM articles WHERE source LIKE '%port-aldric%'"))
        assert syndication.assign("reprint", wire_text + "\n\nReprinted with permission.")[0] == groups[wire_id]
