"""Baseline summarizers: the lead of the newest article, the leads in turn, and sumy's LexRank and
TextRank. The benchmark and the CLI run them through the same registry as storyline's own methods."""

from __future__ import annotations

import re
from typing import Callable, Mapping

from storyline.models import AnalyzedArticle, Summary, SummarySentence
from storyline.summarizers.coverage import word_count


def _fit_budget(ranked: list[tuple[AnalyzedArticle, int]], budget: int) -> list[tuple[AnalyzedArticle, int]]:
    """Sentences in rank order that fit in what is left of the budget (never over): a sentence too long
    for the rest is passed over for the next that fits, as storyline's own method does."""
    out, words = [], 0
    for article, index in ranked:
        n = word_count(article.sentences[index].text)
        if words + n > budget:
            continue
        out.append((article, index))
        words += n
    return out


def _single_citations(chosen: list[tuple[AnalyzedArticle, int]], budget: int) -> Summary:
    return Summary(tuple(SummarySentence(a.sentences[i].text, (a.ref(i),)) for a, i in chosen), budget)


class LeadSummarizer:
    """First sentences of the newest article (without dates: the first article)."""

    name = "lead"

    def summarize(self, articles: list[AnalyzedArticle], word_budget: int, source_of: Mapping[str, str]) -> Summary:
        if not articles:
            return Summary((), word_budget)
        dated = [a for a in articles if a.article.published]
        newest = max(dated, key=lambda a: a.article.published) if dated else articles[0]
        return _single_citations(_fit_budget([(newest, i) for i in range(len(newest.sentences))], word_budget), word_budget)


class RoundRobinLeadSummarizer:
    """First sentence of each article, then the second of each, and so on."""

    name = "round-robin-lead"

    def summarize(self, articles: list[AnalyzedArticle], word_budget: int, source_of: Mapping[str, str]) -> Summary:
        longest = max((len(a.sentences) for a in articles), default=0)
        ordered = [(a, i) for i in range(longest) for a in articles if i < len(a.sentences)]
        return _single_citations(_fit_budget(ordered, word_budget), word_budget)


_SUMY_EXTRA = "bench"  # pyproject extra that installs sumy


class SumyTokenizer:
    """sumy's tokenizer interface over storyline's sentence splits (sumy's default asks NLTK to download
    punkt): ``split(text)`` gives the sentences of a text."""

    _WORD = re.compile(r"\w+(?:[-']\w+)*")

    def __init__(self, split: Callable[[str], list[str]]):
        self._split = split

    def to_sentences(self, text: str) -> list[str]:
        return self._split(text)

    def to_words(self, sentence: str) -> list[str]:
        return self._WORD.findall(sentence)


class _SumySummarizer:
    """A sumy summarizer ranks every sentence; the best are taken while they fit, shown in input order."""

    name = ""
    _module, _class = "", ""

    def summarize(self, articles: list[AnalyzedArticle], word_budget: int, source_of: Mapping[str, str]) -> Summary:
        import importlib

        from storyline.errors import require

        require("sumy", extra=_SUMY_EXTRA, purpose=f"the {self.name} baseline summarizer")
        from sumy.nlp.stemmers import Stemmer
        from sumy.parsers.plaintext import PlaintextParser

        base = getattr(importlib.import_module(self._module), self._class)

        class Ranking(base):
            @staticmethod
            def _get_best_sentences(sentences, count, rating, *args, **kwargs):
                # sumy keeps the best `count` in input order; filling a budget needs the whole ranking.
                rate = rating.__getitem__ if isinstance(rating, dict) else (lambda s: rating(s, *args, **kwargs))
                return tuple(sorted(sentences, key=lambda sentence: -rate(sentence)))

        pairs = [(a, s.index) for a in articles for s in a.sentences]
        if not pairs:
            return Summary((), word_budget)
        texts = [a.sentences[i].text for a, i in pairs]
        parser = PlaintextParser.from_string("\n".join(texts), SumyTokenizer(lambda _text: texts))
        ranked_texts = [str(s) for s in Ranking(Stemmer("english"))(parser.document, len(texts))]
        first_pair = {}
        for pair, text in zip(pairs, texts):
            first_pair.setdefault(text, pair)
        kept = {(a.id, i) for a, i in _fit_budget([first_pair[t] for t in ranked_texts], word_budget)}
        return _single_citations([(a, i) for a, i in pairs if (a.id, i) in kept], word_budget)


class LexRankSummarizer(_SumySummarizer):
    name = "lexrank"
    _module, _class = "sumy.summarizers.lex_rank", "LexRankSummarizer"


class TextRankSummarizer(_SumySummarizer):
    name = "textrank"
    _module, _class = "sumy.summarizers.text_rank", "TextRankSummarizer"

