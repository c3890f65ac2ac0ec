"""Group syndicated copies: one text published under different URLs or outlets.

A wire story republished by five sites, a press release pasted with a different footer, the same
article fetched twice, a lightly edited copy, or a page that shows only a window of the wire text (the
first 40% on one site, all of it on another): each forms one *syndication group*, and everywhere
storyline counts sources a group counts once. A paraphrase, a rewrite or a separately written article
of the same story is not a copy (it is the same story, which clustering finds).

Method: *containment*, not Jaccard. A window of 30% of a text shares only 30% of the whole text's
shingles (Jaccard 0.3), but nearly all of its own (containment ~1). Each cleaned text becomes a set of
hashed word 8-shingles, with quoted speech left out (separately written articles share quotations, not
their own sentences), sampled by hash value (every article keeps the same shingles, so containment
computed on the samples estimates the true one). Candidates come from an inverted index over a sparser
sample of the hashes (no all-pairs comparison); each is confirmed by the exact containment of the
smaller sample in the other. Incremental: a new article joins the group of the stored copy it shares the
most with, or starts its own.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Mapping

import numpy as np

SHINGLE_WORDS = 8  # long enough that two separately written sentences rarely share one
SAMPLE = 4  # an article keeps the shingles whose hash is 0 modulo SAMPLE
MIN_SHINGLES = 20  # a shorter sample is not enough to measure containment: the article keeps all
INDEX_SAMPLE = 16  # the index keys: the hashes 0 modulo INDEX_SAMPLE (a multiple of SAMPLE)
MAX_POSTINGS = 200  # a key shared by more articles is a stock phrase: no use for finding candidates
MAX_CANDIDATES = 50  # the candidates (most shared keys first) checked exactly
MIN_COMPARED = 3  # fewer shingles in common sampling than this: too little to call a copy
# Labelled copies (windows of 30-80%, other boilerplate, a paragraph dropped, words edited) keep
# 0.6-1.0 of their shingles in the original; separately written articles of one story stay under 0.2
# once quotations are left out (storyline bench copies).
COPY_CONTAINMENT = 0.5
_WORD = re.compile(r"\w+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def _without_quotations(text: str) -> str:
    """The text with its quoted passages left out, paired within each sentence: straight quotes pair up
    differently once a page cuts the text mid-quotation, a sentence keeps its pairing in every copy."""
    kept = []
    for sentence in _SENTENCE_BREAK.split(text):
        balanced = sentence.count('"') % 2 == 0 and sentence.count("“") == sentence.count("”")
        kept.append(_QUOTED.sub(" ", sentence) if balanced else sentence)
    return " ".join(kept)


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little")


def copy_shingles(text: str) -> np.ndarray:
    """The text's sampled shingle hashes (sorted, unique uint64): what the store keeps per article."""
    words = _WORD.findall(_without_quotations(text).lower())
    if len(words) < SHINGLE_WORDS:
        shingles = {" ".join(words)} if words else set()
    else:
        shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    hashes = np.unique(np.fromiter((_hash(s) for s in shingles), dtype=np.uint64, count=len(shingles)))
    sampled = hashes[hashes % SAMPLE == 0]
    return sampled if len(sampled) >= MIN_SHINGLES else hashes


def _is_sampled(hashes: np.ndarray) -> bool:
    return not np.any(hashes % SAMPLE)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the smaller text's shingles that the other text carries (0 when too few to tell)."""
    if _is_sampled(a) != _is_sampled(b):  # compare a short text's full set on the common sample
        a, b = a[a % SAMPLE == 0], b[b % SAMPLE == 0]
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if len(small) < MIN_COMPARED and not (len(small) and len(small) == len(large)):
        return 0.0
    return len(np.intersect1d(small, large, assume_unique=True)) / len(small)


def _index_keys(hashes: np.ndarray) -> np.ndarray:
    keys = hashes[hashes % INDEX_SAMPLE == 0]
    return keys if len(keys) else hashes[:1]


class SyndicationIndex:
    """An index of article shingle samples that assigns each new article to a syndication group."""

    def __init__(self) -> None:
        self._shingles: dict[str, np.ndarray] = {}
        self._postings: dict[int, list[str]] = {}
        self.group_of: dict[str, str] = {}

    def add_known(self, article_id: str, group_id: str, hashes: np.ndarray) -> None:
        """Load an article whose group is already decided (e.g. from the store)."""
        self._shingles[article_id] = hashes
        self.group_of[article_id] = group_id
        for key in _index_keys(hashes).tolist():
            self._postings.setdefault(key, []).append(article_id)

    def closest_copy(self, hashes: np.ndarray) -> tuple[str | None, float]:
        """The stored article this text is a copy of (the highest containment), or None."""
        hits: Counter[str] = Counter()
        for key in _index_keys(hashes).tolist():
            posting = self._postings.get(key, ())
            if len(posting) <= MAX_POSTINGS:
                hits.update(posting)
        best, best_containment = None, 0.0
        for candidate, _ in sorted(hits.items(), key=lambda item: -item[1])[:MAX_CANDIDATES]:
            share = containment(hashes, self._shingles[candidate])
            if share >= COPY_CONTAINMENT and share > best_containment:
                best, best_containment = candidate, share
        return best, best_containment

    def assign(self, article_id: str, text: str, hashes: np.ndarray | None = None) -> tuple[str, np.ndarray]:
        """The group of a new article: the group of its closest stored copy, or a new one (its own id).

        ``hashes``: its ``copy_shingles(text)`` when already computed (e.g. by a Dask worker).
        """
        if article_id in self.group_of:
            return self.group_of[article_id], self._shingles[article_id]
        if hashes is None:
            hashes = copy_shingles(text)
        best, _ = self.closest_copy(hashes)
        group_id = self.group_of[best] if best else article_id
        self.add_known(article_id, group_id, hashes)
        return group_id, hashes


def group_syndicated_copies(texts: dict[str, str], signatures: Mapping[str, np.ndarray] | None = None) -> dict[str, str]:
    """Article id -> syndication group id for a batch of cleaned texts (in the given order).

    ``signatures``: their ``copy_shingles`` by article id, when already computed (``prepare``)."""
    index = SyndicationIndex()
    signatures = signatures or {}
    return {article_id: index.assign(article_id, text, signatures.get(article_id))[0]
            for article_id, text in texts.items()}
