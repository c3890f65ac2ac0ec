"""ROUGE as the published numbers were computed.

* DUC 2004 (``duc_recall``): ROUGE-1.5.5 with ``-l 100 -m -f A``: the summary AND each reference cut to
  their first 100 whitespace words; lower-cased; every non-alphanumeric character becomes a space;
  every token Porter-stemmed (NLTK, original algorithm); per cluster, n-gram hits and counts pooled
  over the references; recall. (rouge-score's own tokenizer stems only tokens longer than 3 and does
  not cut references, which puts it about a point low.) Checked on the 13 published systems in
  ``peers/``: see ``storyline bench summarize``.
* Multi-News (``multinews_f1``): rouge-score F1 with stemming, ROUGE-1/2/L/Lsum.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    return _stemmer().stem(token)


def duc_tokens(text: str, limit_words: int = 100) -> list[str]:
    cut = " ".join(text.split()[:limit_words])
    return [_stem(t) for t in _NON_ALNUM.sub(" ", cut.lower()).split()]


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def duc_recall(summary: str, references: list[str], n: int, limit_words: int = 100) -> float:
    """ROUGE-n recall of one summary against its references, hits and counts pooled (ROUGE-1.5.5 -f A)."""
    candidate = _ngrams(duc_tokens(summary, limit_words), n)
    hits = total = 0
    for reference in references:
        ref = _ngrams(duc_tokens(reference, limit_words), n)
        hits += sum(min(count, candidate[gram]) for gram, count in ref.items())
        total += sum(ref.values())
    return hits / total if total else 0.0


@lru_cache(maxsize=1)
def _multinews_scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True)


def multinews_f1(summary_sentences: list[str], reference: str) -> dict[str, float]:
    """rouge-score F1 with stemming; rougeLsum reads one sentence per line."""
    scores = _multinews_scorer().score(reference, "\n".join(summary_sentences))
    return {name: score.fmeasure for name, score in scores.items()}
