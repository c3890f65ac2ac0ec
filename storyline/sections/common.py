"""Helpers shared by the deep-briefing sections: sentence tables, content words, outlet names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import numpy as np

from storyline.models import AnalyzedArticle, SentenceRef

# Function words left out of content-word overlap (a short list: the rules only need rough overlap). The
# section rules were tuned with it; the summarizer's and the links model's lists feed learned features.
STOPWORDS: frozenset[str] = frozenset("""
    a an the and or but nor of to in on at by for from with without as into onto over under about after
    before between during since until than that this these those there here it its it's is are was were be
    been being am has have had having do does did will would shall should can could may might must not no
    never n't he she they them his her their hers theirs him we us our you your i me my mine who whom whose
    which what when where why how also only just very more most much many some any all each both other
    such so too then than if while because though although however yet still even again further once up
    down out off said says say told according mr mrs ms s t
    """.split())
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")


def tokens(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


@lru_cache(maxsize=1 << 16)  # sections compare every pair of a story's sentences: each text is asked many times
def content_words(text: str) -> frozenset[str]:
    """Lower-cased words that carry content (no stopwords, no possessive endings)."""
    stripped = (token.removesuffix("'s") for token in tokens(text))
    return frozenset(token for token in stripped if token not in STOPWORDS and len(token) > 1)


def overlap(a: set[str], b: set[str]) -> float:
    """Overlap coefficient |a & b| / min(|a|, |b|): robust to one sentence being much longer."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def outlet_of(article: AnalyzedArticle) -> str:
    return article.article.outlet


@dataclass
class SentenceTable:
    """All sentences of a story in one array, with a row -> (article, sentence) map."""

    articles: list[AnalyzedArticle]
    rows: list[tuple[int, int]]  # row -> (article position, sentence index)
    vectors: np.ndarray  # (rows, dim), L2-normalised

    @classmethod
    def build(cls, articles: list[AnalyzedArticle]) -> "SentenceTable":
        rows = [(i, s.index) for i, a in enumerate(articles) for s in a.sentences]
        parts = [a.embeddings for a in articles if len(a.sentences)]
        dim = parts[0].shape[1] if parts else 1
        vectors = np.vstack(parts).astype(np.float32) if parts else np.zeros((0, dim), np.float32)
        return cls(articles, rows, vectors)

    def article(self, row: int) -> AnalyzedArticle:
        return self.articles[self.rows[row][0]]

    def text(self, row: int) -> str:
        i, s = self.rows[row]
        return self.articles[i].sentences[s].text

    def ref(self, row: int) -> SentenceRef:
        i, s = self.rows[row]
        return self.articles[i].ref(s)

    def similarities(self) -> np.ndarray:
        return self.vectors @ self.vectors.T


def source_key(article: AnalyzedArticle, source_of: Mapping[str, str]) -> str:
    """The independent source of an article: syndicated copies share one key."""
    return source_of.get(article.id) or article.article.outlet


def independent_sources(articles: list[AnalyzedArticle], source_of: Mapping[str, str] | None) -> dict[str, str]:
    """Article id -> independent-source key. Without store knowledge of copies, each outlet is one source."""
    return {a.id: source_key(a, source_of or {}) for a in articles}
