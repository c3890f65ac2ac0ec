"""Framing per outlet: own opinion vs attributed reporting, loaded words, and what it leaves out.

* Each sentence is classified by :func:`storyline.attribution.classify_sentence` (attributed / opinion /
  neutral); the shares are reported per outlet with example opinion sentences cited.
* Loaded words: evaluative words of the maintained lexicons (TextBlob's subjectivity lexicon agreeing
  with VADER's valence lexicon, :func:`storyline.attribution.loaded_lexicon`) and storyline's short list
  of judging words and phrases, that the outlet uses in its own voice: outside quotes and before any
  reporting verb (:func:`storyline.attribution.own_voice`). Each word cites its sentences.
* Distinctive words, shown apart under that name: the words the outlet uses far more often than the
  other outlets (relative frequency with add-one smoothing >= ``DISTINCTIVE_RATIO`` and at least
  ``MIN_DISTINCTIVE_COUNT`` uses). They say what the outlet dwells on, not that it is loaded.
* Left out: facts (see :mod:`storyline.sections.facts`) that most (more than half, and at least two) of
  the other independent sources report while no sentence of this outlet is close to them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.attribution import (
    ATTRIBUTED,
    NEUTRAL,
    OPINION,
    evaluative_words,
    outside_quotes,
    outside_running_quotes,
)
from storyline.models import AnalyzedArticle, SentenceRef
from storyline.markdown import md_escape, refs_md
from storyline.sections.base import Section, StoryContext, register_section
from storyline.sections.common import STOPWORDS, outlet_of, tokens
from storyline.sections.facts import Fact
from storyline.standalone import NOT_A_SENTENCE, context_need

_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'-]+[a-z]")
DISTINCTIVE_RATIO = 4.0
MIN_DISTINCTIVE_COUNT = 3
MAX_WORDS = 10
MAX_EXAMPLES = 3
# An outlet covers a fact when one of its sentences is this close to the fact's sentences (the
# "related" level of facts.py: same topic and claim, possibly worded differently).
COVERED_SIMILARITY = 0.6


@dataclass
class LoadedWord:
    word: str
    count: int
    in_lexicon: bool  # from the loaded-word lexicons (else: distinctive of this outlet)
    relative_frequency: float  # rate in this outlet / rate in the others (add-one smoothed)
    citations: list[SentenceRef]


@dataclass
class OmittedFact:
    text: str
    independent_sources: int  # other sources that report it
    citations: list[SentenceRef]


@dataclass
class OutletFraming:
    outlet: str
    sentences: int
    opinion_share: float
    attributed_share: float
    neutral_share: float
    opinion_examples: list[SentenceRef]
    loaded_words: list[LoadedWord]  # evaluative language in the outlet's own voice
    distinctive_words: list[LoadedWord]  # words it uses far more than the other outlets (not loaded as such)
    left_out: list[OmittedFact]


@register_section
class Framing(Section):
    """One framing profile per outlet, in the order the outlets first appear."""

    name, title = "framing", "Framing by outlet"
    item = OutletFraming
    requires = ("facts",)  # what an outlet leaves out is a fact the others report

    def build(self, context: StoryContext) -> list[OutletFraming]:
        return _framing(context, context.items("facts"))

    def markdown(self, items: list[dict[str, Any]]) -> list[str]:
        lines = [
            "| outlet | own opinion | attributed | neutral | loaded words | uses far more than the others | leaves out |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in items:
            words = ", ".join(f"{md_escape(w['word'])} {refs_md(w['citations'][:1])}" for w in f["loaded_words"])
            distinctive = ", ".join(md_escape(w["word"]) for w in f.get("distinctive_words", []))
            left_out = "; ".join(f"{md_escape(x['text'])} {refs_md(x['citations'][:1])}" for x in f["left_out"][:3])
            lines.append(
                f"| {md_escape(f['outlet'])} | {f['opinion_share']:.0%} {refs_md(f['opinion_examples'])} | "
                f"{f['attributed_share']:.0%} | {f['neutral_share']:.0%} | {words} | {distinctive} | {left_out} |"
            )
        return lines


build_framing = Framing.build_alone


def _framing(context: StoryContext, facts: list[Fact]) -> list[OutletFraming]:
    articles = context.articles
    by_outlet: dict[str, list[tuple[int, AnalyzedArticle]]] = {}  # outlet -> (article position, article)
    for position, article in enumerate(articles):
        by_outlet.setdefault(outlet_of(article), []).append((position, article))

    counts: dict[str, Counter[str]] = {}
    for outlet, items in by_outlet.items():
        # Lower-case words only: names (Iran, Lavrov) tell the topic, not the framing.
        counts[outlet] = Counter(
            t
            for _, a in items
            for s in a.sentences
            for t in _LOWER_WORD.findall(outside_quotes(s.text))
            if t not in STOPWORDS
        )
    all_sources = {context.source(a) for a in articles}
    id_to_article = {a.id: a for a in articles}

    profiles = []
    for outlet, items in by_outlet.items():
        labels = Counter()
        examples: list[SentenceRef] = []
        lexicon_hits: dict[str, list[SentenceRef]] = {}
        for position, article in items:
            inside_quote, paragraph = False, None
            for sentence in article.sentences:
                if sentence.paragraph != paragraph:
                    inside_quote, paragraph = False, sentence.paragraph
                bare, inside_quote = outside_running_quotes(sentence.text, inside_quote)
                label = context.voice(position, sentence.index)
                labels[label] += 1
                if label == OPINION and len(examples) < MAX_EXAMPLES:
                    examples.append(article.ref(sentence.index))
                if context_need(sentence.text) == NOT_A_SENTENCE:
                    continue  # a headline, caption or link line
                for word in evaluative_words(sentence.text, bare):
                    lexicon_hits.setdefault(word, []).append(article.ref(sentence.index))
        total = sum(labels.values()) or 1
        mine = counts[outlet]
        others = Counter()
        for other, c in counts.items():
            if other != outlet:
                others.update(c)
        mine_total, others_total = sum(mine.values()) or 1, sum(others.values()) or 1

        def ratio(word: str) -> float:
            return ((mine[word] + 1) / mine_total) / ((others[word] + 1) / others_total)

        words = [
            LoadedWord(w, len(refs), True, round(ratio(w.split()[0]), 2), refs[:MAX_EXAMPLES])
            for w, refs in sorted(lexicon_hits.items(), key=lambda kv: -len(kv[1]))
        ]
        distinctive: list[LoadedWord] = []
        if len(counts) > 1:
            for w in sorted(mine, key=lambda w: -ratio(w)):
                if len(distinctive) >= MAX_WORDS:
                    break
                if mine[w] >= MIN_DISTINCTIVE_COUNT and ratio(w) >= DISTINCTIVE_RATIO and w not in lexicon_hits:
                    refs = [a.ref(s.index) for _, a in items for s in a.sentences if w in tokens(s.text)][:MAX_EXAMPLES]
                    distinctive.append(LoadedWord(w, mine[w], False, round(ratio(w), 2), refs))

        my_sources = {context.source(a) for _, a in items}
        other_sources = len(all_sources - my_sources)
        left_out = []
        vectors = (
            np.vstack([a.embeddings for _, a in items if len(a.sentences)])
            if any(len(a.sentences) for _, a in items)
            else None
        )
        for fact in facts:
            reporters = {context.source(id_to_article[r.article_id]) for r in fact.citations}
            if reporters & my_sources or len(reporters) < 2 or len(reporters) * 2 <= other_sources:
                continue
            fact_vectors = np.vstack([id_to_article[r.article_id].embeddings[r.sentence_index] for r in fact.citations])
            if vectors is not None and float((vectors @ fact_vectors.T).max()) >= COVERED_SIMILARITY:
                continue
            left_out.append(OmittedFact(fact.text, len(reporters), fact.citations))

        profiles.append(
            OutletFraming(
                outlet=outlet,
                sentences=sum(labels.values()),
                opinion_share=round(labels[OPINION] / total, 3),
                attributed_share=round(labels[ATTRIBUTED] / total, 3),
                neutral_share=round(labels[NEUTRAL] / total, 3),
                opinion_examples=examples,
                loaded_words=words[:MAX_WORDS],
                distinctive_words=distinctive,
                left_out=left_out,
            )
        )
    return profiles
