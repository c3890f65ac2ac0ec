"""Group syndicated copies: near-duplicate texts under different URLs or outlets.

A wire story republished by five sites, a press release pasted with a different footer, the same
article fetched twice, a lightly edited copy: each forms one *syndication group*, and everywhere
storyline counts sources a group counts once.

Method: MinHash signatures over word 5-shingles of the cleaned text (the cleaner has already removed
the footers and chrome that differ between copies), candidates from datasketch's LSH index (no
all-pairs comparison), confirmed by the estimated Jaccard similarity. Incremental: a new article joins
the group of the most similar stored copy, or starts its own.
"""

from __future__ import annotations

import re

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERMUTATIONS = 128
MINHASH_SCHEME = "affine32"  # datasketch's default since 2.0; stored signatures must use the same
SHINGLE_WORDS = 5
# Copies share most 5-word shingles (a light edit of one sentence in ten leaves Jaccard ~0.7; a
# different footer is gone after cleaning); two articles that merely quote the same wire paragraph or
# statement stay far below. 0.5 is the usual near-duplicate threshold for 5-shingles (Broder 1997).
COPY_JACCARD = 0.5
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> np.ndarray:
    minhash = MinHash(num_perm=NUM_PERMUTATIONS, seed=1, scheme=MINHASH_SCHEME)
    minhash.update_batch(list(shingles(text)))
    return minhash.hashvalues.astype(np.uint64)


class SyndicationIndex:
    """An LSH index of article signatures that assigns each new article to a syndication group."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=COPY_JACCARD, num_perm=NUM_PERMUTATIONS)
        self._signatures: dict[str, np.ndarray] = {}
        self.group_of: dict[str, str] = {}

    def add_known(self, article_id: str, group_id: str, hashvalues: np.ndarray) -> None:
        """Load an article whose group is already decided (e.g. from the store)."""
        self._signatures[article_id] = hashvalues
        self.group_of[article_id] = group_id
        self._lsh.insert(article_id, MinHash(num_perm=NUM_PERMUTATIONS, seed=1, hashvalues=hashvalues, scheme=MINHASH_SCHEME))

    def assign(self, article_id: str, text: str, hashvalues: np.ndarray | None = None) -> tuple[str, np.ndarray]:
        """The group of a new article: the group of its closest stored copy, or a new one (its own id).

        ``hashvalues``: its ``signature(text)`` when already computed (e.g. by a Dask worker).
        """
        if article_id in self.group_of:
            return self.group_of[article_id], self._signatures[article_id]
        if hashvalues is None:
            hashvalues = signature(text)
        minhash = MinHash(num_perm=NUM_PERMUTATIONS, seed=1, hashvalues=hashvalues, scheme=MINHASH_SCHEME)
        best, best_similarity = None, 0.0
        for candidate in self._lsh.query(minhash):
            similarity = float(np.mean(self._signatures[candidate] == hashvalues))
            if similarity >= COPY_JACCARD and similarity > best_similarity:
                best, best_similarity = candidate, similarity
        group_id = self.group_of[best] if best else article_id
        self.add_known(article_id, group_id, hashvalues)
        return group_id, hashvalues


def group_syndicated_copies(texts: dict[str, str]) -> dict[str, str]:
    """Article id -> syndication group id for a batch of cleaned texts (in the given order)."""
    index = SyndicationIndex()
    return {article_id: index.assign(article_id, text)[0] for article_id, text in texts.items()}
