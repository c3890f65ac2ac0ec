"""Corroboration: facts (groups of sentences stating the same thing) and how many independent sources back each.

Two sentences from different articles state the same fact when their embeddings are very close
(cosine >= ``SAME_FACT_SIMILARITY``) or fairly close with shared content words (cosine >=
``RELATED_SIMILARITY`` and content-word overlap >= ``SAME_FACT_OVERLAP``). Groups are built by
average linkage (a sentence joins the group whose members it matches on average), which keeps
chains of loosely related sentences apart. Syndicated copies share a source key (``source_of``), so a
wire story carried by five sites is one source, not five.

Single-source facts are listed too, marked ``single_source``: the claims of the story's central
sentences that no other source confirms (at most ``MAX_SINGLE_SOURCE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.attribution import OPINION
from storyline.models import SentenceRef
from storyline.markdown import md_escape, plural, refs_md
from storyline.sections.base import Section, StoryContext, register_section
from storyline.sections.common import SentenceTable, outlet_of, overlap

# Tuned by reading the pairs on the seeds and examples/ (wire copies score 1.0, paraphrases of one
# claim across outlets 0.72-0.9, same-topic different claims 0.5-0.7).
SAME_FACT_SIMILARITY = 0.72
RELATED_SIMILARITY = 0.6
SAME_FACT_OVERLAP = 0.5
MAX_SINGLE_SOURCE = 10
MIN_FACT_WORDS = 6  # shorter "sentences" are headlines, datelines or fragments


@dataclass
class Fact:
    text: str  # the representative sentence, exactly as in citations[0]
    citations: list[SentenceRef]  # every sentence stating it; first: the one shown
    outlets: list[str]
    independent_sources: int  # syndicated copies count once
    single_source: bool


def same_fact(similarity: float, words_a: set[str], words_b: set[str]) -> bool:
    return similarity >= SAME_FACT_SIMILARITY or (
        similarity >= RELATED_SIMILARITY and overlap(words_a, words_b) >= SAME_FACT_OVERLAP
    )


def group_statements(context: StoryContext) -> list[list[int]]:
    """Rows of the story's sentence table grouped into facts (each group: rows of different articles)."""
    table, words, sims = context.table, context.words, context.similarities
    n = len(table.rows)
    usable = [r for r in range(n) if len(table.text(r).split()) >= MIN_FACT_WORDS]
    match = np.zeros((n, n), dtype=bool)
    for i in usable:
        for j in usable:
            if j > i and table.rows[i][0] != table.rows[j][0] and sims[i, j] >= RELATED_SIMILARITY:
                match[i, j] = match[j, i] = same_fact(float(sims[i, j]), words[i], words[j])
    groups: list[list[int]] = []
    group_of: dict[int, int] = {}
    # Strongest pairs first; a row joins a group when it matches at least half of its members and the
    # group holds no other sentence of its article.
    pairs = sorted(((float(sims[i, j]), i, j) for i in usable for j in usable if j > i and match[i, j]), reverse=True)
    for _, i, j in pairs:
        gi, gj = group_of.get(i), group_of.get(j)
        if gi is None and gj is None:
            group_of[i] = group_of[j] = len(groups)
            groups.append([i, j])
        elif gi is not None and gj is None:
            _join(groups, group_of, gi, j, match, table)
        elif gj is not None and gi is None:
            _join(groups, group_of, gj, i, match, table)
    for r in usable:
        if r not in group_of:
            group_of[r] = len(groups)
            groups.append([r])
    return groups


def _join(groups, group_of, g: int, row: int, match: np.ndarray, table: SentenceTable) -> None:
    members = groups[g]
    if any(table.rows[m][0] == table.rows[row][0] for m in members):
        return
    if sum(match[row, m] for m in members) * 2 >= len(members):
        members.append(row)
        group_of[row] = g


@register_section
class Facts(Section):
    """Facts reported by several independent sources (most first), then the main single-source claims."""

    name, title = "facts", "Corroboration"
    item = Fact
    changes_position = 1

    def build(self, context: StoryContext) -> list[Fact]:
        return _facts(context)

    def markdown(self, items: list[dict[str, Any]]) -> list[str]:
        lines = []
        for f in items:
            badge = "single source" if f["single_source"] else plural(f["independent_sources"], "independent source")
            lines.append(f"- *{badge}*: {md_escape(f['text'])} {refs_md(f['citations'])}")
        return lines


build_facts = Facts.build_alone


def _facts(context: StoryContext) -> list[Fact]:
    table, voices = context.table, context.voices
    groups = group_statements(context)
    if not groups:
        return []
    centre = table.vectors.mean(axis=0)
    centrality = table.vectors @ centre
    # (centrality, fact, the row shown)
    facts: list[tuple[float, Fact, int]] = []
    singles: list[tuple[float, Fact, int]] = []
    for group in groups:
        # Shown: the member closest to the others, preferring reporting over the outlet's own opinion.
        def rank(r: int) -> tuple[bool, float]:
            return (
                voices[r] != OPINION,
                float(sum(table.vectors[r] @ table.vectors[m] for m in group)),
            )

        members = sorted(group, key=rank, reverse=True)
        sources = {context.source(table.article(r)) for r in members}
        outlets = list(dict.fromkeys(outlet_of(table.article(r)) for r in members))
        fact = Fact(table.text(members[0]), [table.ref(r) for r in members], outlets, len(sources), len(sources) == 1)
        score = float(max(centrality[r] for r in members))
        (singles if fact.single_source else facts).append((score, fact, members[0]))
    facts.sort(key=lambda found: (-found[1].independent_sources, -found[0]))
    singles = [found for found in singles if voices[found[2]] != OPINION]  # the shown sentence's voice
    singles.sort(key=lambda found: -found[0])
    return [f for _, f, _ in facts] + [f for _, f, _ in singles[:MAX_SINGLE_SOURCE]]
