"""Incremental story clustering: a new article joins the best matching story or starts a new one.

Two clusterers. ``link`` (the default, :class:`ArticleLinkClusterer`): a new article is compared with
each of the most recent articles and joins the story of its best links. ``centroid``
(:class:`CentroidClusterer`): an article is matched against every story's centroid (the mean of its articles' embeddings; one
matrix product, so the cost per article grows with the number of stories, not of articles) and
the score adds the overlap of named entities and subtracts a penalty for a long gap in time. When an
article pulls a story close to another, the two are merged.

Swappable behind the :class:`Clusterer` Protocol (registry ``clusterers``).
"""

from __future__ import annotations

import logging
import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Mapping, Protocol

import numpy as np

from storyline.models import AnalyzedArticle
from storyline.registry import Registry

log = logging.getLogger(__name__)

# CentroidClusterer. Tuned on DUC 2004 (488 articles, 50 stories, shuffled into one stream with seed 0)
# by a grid over JOIN_SCORE 0.3-0.75, MERGE_COSINE 0.8-0.9, ENTITY_WEIGHT 0-0.25, LEXICAL_WEIGHT 0-0.7:
# best B-cubed F1 0.81 (P 0.83, R 0.79, ARI 0.72) at the values below; embeddings alone (LEXICAL_WEIGHT
# 0) peaked at F1 0.79. Seeds 1 / 2: F1 0.790 / 0.772; Multi-News val200 seeds 0-2: 0.778 / 0.774 /
# 0.780 (P 0.94, R 0.67). Measure with `storyline bench cluster DIR --clusterer centroid`.
JOIN_SCORE = 0.5  # article-to-story score at or above which an article joins the story
MERGE_COSINE = 0.85  # story centroids this close are one story
ENTITY_WEIGHT = 0.15  # weight of the (weighted) share of the article's entities the story also has
TIME_GRACE_DAYS = 7  # no penalty for articles within a week of the story's latest article
TIME_PENALTY_PER_WEEK = 0.03
TIME_PENALTY_MAX = 0.15
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
TOP_ENTITIES = 50  # a story remembers its most frequent entities
TOP_TERMS = 300  # ... and content words
LEXICAL_WEIGHT = 0.5  # share of the TF-IDF cosine (vs. the embedding cosine) in the score
CANDIDATES = 20  # stories nearest by embedding that are scored in full


def article_vector(article: AnalyzedArticle) -> np.ndarray:
    """Mean sentence embedding, L2-normalised (zeros for an article without sentences)."""
    if not len(article.sentences):  # nothing left after cleaning: matches no story
        return np.zeros(article.embeddings.shape[1], dtype=np.float32)
    vector = article.embeddings.mean(axis=0)
    return (vector / (np.linalg.norm(vector) + 1e-9)).astype(np.float32)


_WORD = re.compile(r"[a-z][a-z0-9'-]+")
# Words that say nothing about which story an article belongs to. Its own list, not the summarizer's or the
# sections': the learned links model was trained on TF-IDF features over it (another list means retraining).
_STOPWORDS = frozenset(
    """the a an and or but of to in on at for with by from as is was were are be been has have had
    that this these those it its he she they his her their we our you said says say will would could
    should can may might not no than then there here which who whom what when where why how also more
    most other some such only into over after before about up out new one two year years mr mrs ms""".split()
)


def article_terms(article: AnalyzedArticle) -> Counter[str]:
    """Content-word counts of the cleaned text (the lexical side of story matching)."""
    return Counter(w for w in _WORD.findall(article.cleaned.text.lower()) if w not in _STOPWORDS and len(w) > 2)


def article_entities(article: AnalyzedArticle) -> Counter[str]:
    return Counter(e.text.lower() for e in article.entities if e.label in ENTITY_LABELS and len(e.text) > 1)


@dataclass
class Story:
    id: str
    title: str
    vector_sum: np.ndarray
    size: int
    entities: Counter[str] = field(default_factory=Counter)
    last_published: datetime | None = None
    terms: Counter[str] = field(default_factory=Counter)  # content-word counts of its articles
    # Founding order among the clusterer's stories. When stories merge, the oldest keeps its id, so a
    # story's id is always its first-stored article's: the same on every executor and after a repair.
    founded: int = 0

    @property
    def centroid(self) -> np.ndarray:
        return self.vector_sum / (np.linalg.norm(self.vector_sum) + 1e-9)

    def add(self, vector: np.ndarray, entities: Counter[str], published: datetime | None,
            terms: Counter[str] | None = None) -> None:
        self.vector_sum = self.vector_sum + vector
        self.size += 1
        self.terms.update(terms or {})
        self.entities.update(entities)
        self.entities = Counter(dict(self.entities.most_common(TOP_ENTITIES)))
        if published and (self.last_published is None or published > self.last_published):
            self.last_published = published

    def absorb(self, other: "Story") -> None:
        self.vector_sum = self.vector_sum + other.vector_sum
        self.size += other.size
        self.terms.update(other.terms)
        self.entities.update(other.entities)
        self.entities = Counter(dict(self.entities.most_common(TOP_ENTITIES)))
        dates = [d for d in (self.last_published, other.last_published) if d]
        self.last_published = max(dates) if dates else None


@dataclass
class Assignment:
    story: Story
    new_story: bool
    merged_away: list[str]  # ids of stories merged into this one


def oldest(stories: list[Story]) -> Story:
    """The story that keeps its id when these merge."""
    return min(stories, key=lambda story: story.founded)


def number_in_founding_order(stories: list[Story]) -> int:
    """Number stories given oldest first; returns the number the next new story gets."""
    for order, story in enumerate(stories):
        story.founded = order
    return len(stories)


class Clusterer(Protocol):
    def assign(self, article: AnalyzedArticle, story_id: str | None = None) -> Assignment:
        """Place the article in a story. ``story_id``: the story it belongs in whatever its scores (a
        syndicated copy joins its original's story, even when the original has left the window)."""
        ...


clusterers: Registry[Clusterer] = Registry("clusterer")


def entity_overlap(article: Counter[str], story: Counter[str]) -> float:
    """Share of the article's entity mentions that name entities the story also has."""
    total = sum(article.values())
    if not total:
        return 0.0
    return sum(n for name, n in article.items() if name in story) / total


def time_penalty(published: datetime | None, story_last: datetime | None) -> float:
    if published is None or story_last is None:
        return 0.0
    weeks = (abs((published - story_last).days) - TIME_GRACE_DAYS) / 7
    return min(TIME_PENALTY_MAX, max(0.0, weeks * TIME_PENALTY_PER_WEEK))


class CentroidClusterer:
    """Online clustering against story centroids, with lexical, entity and time evidence."""

    def __init__(self, stories: list[Story] | None = None):
        """``stories``: the stories already stored, oldest first."""
        self.stories: dict[str, Story] = {s.id: s for s in stories or []}
        self._next_founded = number_in_founding_order(list(self.stories.values()))
        self._ids: list[str] = list(self.stories)
        self._matrix = np.vstack([s.centroid for s in self.stories.values()]) if self.stories else None
        # In how many stories each content word occurs: words every story uses weigh nothing.
        self._story_frequency: Counter[str] = Counter()
        for story in self.stories.values():
            self._story_frequency.update(story.terms.keys())

    def _idf(self, term: str) -> float:
        return math.log((1 + len(self.stories)) / (1 + self._story_frequency[term])) + 1.0

    def lexical_similarity(self, terms: Counter[str], story: Story) -> float:
        """Cosine of TF-IDF vectors (story-level IDF) of the article and the story."""
        if not terms or not story.terms:
            return 0.0
        weights = {t: n * self._idf(t) for t, n in terms.items()}
        dot = sum(w * story.terms[t] * self._idf(t) for t, w in weights.items() if t in story.terms)
        if not dot:
            return 0.0
        story_norm = math.sqrt(sum((n * self._idf(t)) ** 2 for t, n in story.terms.items()))
        return dot / (math.sqrt(sum(w * w for w in weights.values())) * story_norm)

    def _track_terms(self, story: Story, before: set[str]) -> None:
        self._story_frequency.update(set(story.terms) - before)
        story.terms = Counter(dict(story.terms.most_common(TOP_TERMS)))

    def _refresh(self, story: Story) -> None:
        if story.id in self._ids:
            self._matrix[self._ids.index(story.id)] = story.centroid
        else:
            self._ids.append(story.id)
            row = story.centroid[None, :]
            self._matrix = row if self._matrix is None else np.vstack([self._matrix, row])

    def _remove(self, story_id: str) -> None:
        position = self._ids.index(story_id)
        self._ids.pop(position)
        self._matrix = np.delete(self._matrix, position, axis=0)
        del self.stories[story_id]

    def assign(self, article: AnalyzedArticle, story_id: str | None = None) -> Assignment:
        vector = article_vector(article)
        entities = article_entities(article)
        terms = article_terms(article)
        published = article.article.published
        best, best_score = None, -1.0
        if story_id in self.stories:
            best, best_score = self.stories[story_id], JOIN_SCORE
        elif self._matrix is not None and len(self._ids):
            similarities = self._matrix @ vector
            # Only the nearest stories by embedding are candidates (no all-pairs comparison).
            for position in np.argsort(-similarities)[:CANDIDATES]:
                story = self.stories[self._ids[position]]
                score = (
                    (1 - LEXICAL_WEIGHT) * float(similarities[position])
                    + LEXICAL_WEIGHT * self.lexical_similarity(terms, story)
                    + ENTITY_WEIGHT * entity_overlap(entities, story.entities)
                    - time_penalty(published, story.last_published)
                )
                if score > best_score:
                    best, best_score = story, score
        if best is not None and best_score >= JOIN_SCORE:
            before = set(best.terms)
            best.add(vector, entities, published, terms)
            self._track_terms(best, before)
            self._refresh(best)
            keep, merged = self._merge_with_neighbours(best)
            return Assignment(keep, False, merged)
        story = Story(article.id[:12], article.cleaned.headline, vector.copy(), 1, Counter(entities), published,
                      founded=self._next_founded)
        self._next_founded += 1
        self.stories[story.id] = story
        story.terms.update(terms)
        self._track_terms(story, set())
        self._refresh(story)
        return Assignment(story, True, [])

    def _merge_with_neighbours(self, story: Story) -> tuple[Story, list[str]]:
        """Merge every story whose centroid is now this close to the one the article joined; returns the
        merged story (the oldest of them) and the ids merged away."""
        group = [story]
        similarities = self._matrix @ story.centroid
        for position in np.argsort(-similarities):
            other_id = self._ids[position]
            if similarities[position] < MERGE_COSINE:
                break
            if other_id != story.id:
                group.append(self.stories[other_id])
        keep = oldest(group)
        merged = [other.id for other in group if other is not keep]
        for other_id in merged:
            keep.absorb(self.stories[other_id])
            self._remove(other_id)
        if merged:
            self._refresh(keep)
        return keep, merged


clusterers.register("centroid")(CentroidClusterer)


# --- article-to-article linking ---------------------------------------------------------------------
# Tuned on DUC 2004 and Multi-News val200 together (each shuffled into one stream with seeds 0, 1, 2) by
# a grid over LINK_SCORE 0.24-0.35, LINK_TOP 1-5, LINK_MERGE_SCORE 0.40-0.55 and the weights (embedding /
# TF-IDF / entities 0.2-0.5 / 0.3-0.6 / 0-0.2): B-cubed F1 0.810 / 0.820 / 0.834 on DUC (centroid: 0.812
# / 0.790 / 0.772) and 0.808 / 0.812 / 0.816 on Multi-News (centroid: 0.778 / 0.774 / 0.780). The
# threshold is sharp: LINK_SCORE 0.24 or 0.28 costs 0.01 on both sets, 0.30-0.34 up to 0.1 on DUC (its
# stories of ~10 articles split). Weights 0.4 / 0.4 / 0.2 (at LINK_SCORE 0.30): 0.806 / 0.810 mean;
# 0.5 / 0.3 / 0.2: 0.79 / 0.80 at best. LINK_TOP 1 (single link) chains DUC stories together (F1
# 0.76-0.80). A batch average-link clustering of all articles on the same kind of similarity, with the
# best threshold chosen on the answers, reaches only 0.81-0.83 on both sets: the similarity, not the
# online method, is what limits the score now (DUC's wrong nearest neighbours are mostly its near-duplicate
# documents filed under two topics, e.g. Anwar's trial vs. the APEC summit in Malaysia).
LINK_SCORE = 0.26  # story link score at or above which a new article joins the story
LINK_MERGE_SCORE = 0.40  # a link this strong to a second story merges the two (0.50: the same +-0.007)
LINK_EMBEDDING_WEIGHT = 0.3  # weights of the pair similarity: embedding cosine, TF-IDF cosine, entities
LINK_LEXICAL_WEIGHT = 0.5
LINK_ENTITY_WEIGHT = 0.2  # Jaccard overlap of the two articles' named entities
LINK_TOP = 3  # a story's link score: the mean of its best LINK_TOP pair similarities (1 = single link)
WINDOW = 2000  # the most recent articles a new one is compared with (bounds the cost per article)
LINK_CANDIDATES = 50  # nearest articles by embedding scored in full (100: the same F1 +-0.003, slower)


@dataclass
class _Linked:
    """What the link clusterer remembers of one article in its window."""

    id: str
    story_id: str
    slot: int  # row in the window's vector matrix
    weights: dict[str, float]  # L2-normalised TF-IDF weights (IDF as of the article's arrival)
    entities: frozenset[str]
    event_day: int | None  # dates.event_time as a day ordinal, and its confidence
    event_confidence: float
    lead: np.ndarray  # the lead sentence's embedding
    words: int
    # The new article's own vector and counts, kept only until it is remembered (see remember)
    vector: np.ndarray | None = None
    terms: Counter[str] | None = None
    entity_counts: Counter[str] | None = None
    term_ids: np.ndarray = field(default=None)  # the weights as a sparse vector (see _sparse)
    term_weights: np.ndarray = field(default=None)

    def __post_init__(self) -> None:
        self.term_ids, self.term_weights = _sparse(self.weights)


def _sparse(weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Word weights as (sorted unique word ids, weights): CRC-32 ids are the same in every run and need
    no vocabulary that grows with the stream; a collision only adds two words' weights."""
    if not weights:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    ids = np.fromiter((zlib.crc32(t.encode()) for t in weights), dtype=np.int64, count=len(weights))
    unique, inverse = np.unique(ids, return_inverse=True)
    return unique, np.bincount(inverse, weights=np.fromiter(weights.values(), dtype=np.float64, count=len(weights)))


def _sparse_dots(a: tuple[np.ndarray, np.ndarray], others: list[_Linked]) -> np.ndarray:
    """The dot product of sparse vector ``a`` with each of the others' weights, in one pass: every
    other word id is looked up in ``a``'s sorted ids at once (one call per article, not per pair)."""
    if not len(a[0]) or not others:
        return np.zeros(len(others))
    ids = np.concatenate([o.term_ids for o in others])
    weights = np.concatenate([o.term_weights for o in others])
    owner = np.repeat(np.arange(len(others)), [len(o.term_ids) for o in others])
    position = np.minimum(np.searchsorted(a[0], ids), len(a[0]) - 1)
    hit = a[0][position] == ids
    return np.bincount(owner[hit], weights=a[1][position[hit]] * weights[hit], minlength=len(others))


# The similarities of a new article to one article of the window, in the learned model's column order.
PAIR_FEATURES = (
    "embedding_cosine",  # mean sentence embeddings
    "tfidf_cosine",  # content words, document frequencies over the window
    "entity_jaccard",  # named entities
    "shared_entities",
    "lead_cosine",  # the lead sentences' embeddings
    "event_gap_days",  # between dates.event_time of the two (missing when either is unknown)
    "event_confidence",  # the lower of the two confidences
    # log(shorter / longer) in words. Not the lengths themselves: a model given Multi-News's lengths
    # learned them and broke up DUC 2004's longer articles (B-cubed F1 0.60 against 0.80 with the ratio).
    "log_length_ratio",
)
PAIR_FEATURES_VERSION = 2


# How much of a pair's link survives the time between the two articles' events (dates.event_time): all of
# it within EVENT_GRACE_DAYS; beyond, less and less, down to nothing at EVENT_APART_DAYS when both times are
# sure (in proportion to their confidence when they are not). Nothing, not a fraction: the learned model gives
# look-alike texts (same towns, same officials) a probability near 1, which any fraction would still join.
# A story that goes on for months still links, through its latest articles (the window holds them); two
# articles whose events lie weeks apart share a story only through articles in between. Not learned: the
# training clusters carry almost no dates (Multi-News sources are lower-cased and undated: 4 of 769 articles
# of 300 clusters have an event time; the model gives both time features no gain).
EVENT_GRACE_DAYS = 14
EVENT_APART_DAYS = 42
EVENT_SURE = 0.5  # event times this confident (both) are taken as sure: the far-apart link goes entirely


def time_factor(gap_days: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Per pair, the share of its link score kept (1 when either event time is unknown: gap NaN)."""
    ramp = np.clip((np.nan_to_num(gap_days, nan=0.0) - EVENT_GRACE_DAYS) / (EVENT_APART_DAYS - EVENT_GRACE_DAYS), 0, 1)
    return 1.0 - ramp * np.minimum(1.0, confidence / EVENT_SURE)


class HandSetLinks:
    """The hand-weighted pair score (see the constants above), with their thresholds."""

    join, merge = LINK_SCORE, LINK_MERGE_SCORE

    @staticmethod
    def story_score(best_first: list[float]) -> float:
        """A story's link score from its pair scores (best first): the mean of the best LINK_TOP."""
        return sum(best_first[:LINK_TOP]) / min(LINK_TOP, len(best_first))

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return LINK_EMBEDDING_WEIGHT * rows[:, 0] + LINK_LEXICAL_WEIGHT * rows[:, 1] + LINK_ENTITY_WEIGHT * rows[:, 2]


class LearnedLinks:
    """The pair model learned from Multi-News train clusters (``storyline train links``): the probability
    that two articles tell one story. Its join and merge thresholds were chosen with it, on held-out train
    clusters, and ship in its model card."""

    def __init__(self, booster=None, join: float | None = None, merge: float | None = None) -> None:
        """``booster``: a model being trained (default: the shipped one, with its card's thresholds)."""
        if booster is None:
            from storyline.learned import load_model

            model = load_model("links", features=PAIR_FEATURES, format_version=PAIR_FEATURES_VERSION)
            self._predict = model.predict
            join, merge = model.card.settings["join"], model.card.settings["merge"]
        else:
            self._predict = lambda rows: booster.predict(rows, num_threads=1)
        self.join, self.merge = join, merge

    story_score = staticmethod(HandSetLinks.story_score)

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return self._predict(rows) if len(rows) else np.zeros(0)


class ArticleLinkClusterer:
    """Online clustering by links between articles: a new article is compared with each of the last
    WINDOW articles (embedding cosine, TF-IDF cosine with document frequencies over the window, overlap
    of named entities, minus the time penalty); each story's link score is the mean of its best
    LINK_TOP pair similarities, and the article joins the best story at or above LINK_SCORE, else starts
    one. A link at or above LINK_MERGE_SCORE to another story merges it in. Small stories (2-3
    articles) are found from one good pair, which a story centroid blurs. Story objects (centroid,
    terms, entities) are kept up to date as in :class:`CentroidClusterer`, for the store.

    The cost per article is bounded by WINDOW (one matrix product over the window's vectors) and
    LINK_CANDIDATES (the articles scored in full), whatever the number of articles stored.
    """

    def __init__(self, stories: list[Story] | None = None, recent: list[tuple[AnalyzedArticle, str]] | None = None,
                 links: "HandSetLinks | LearnedLinks | None" = None):
        """``stories``: the stories already stored, oldest first; ``recent``: their latest articles;
        ``links``: what scores a pair of articles (default: the hand-set weights)."""
        self.stories: dict[str, Story] = {s.id: s for s in stories or []}
        self._next_founded = number_in_founding_order(list(self.stories.values()))
        self.links = links or HandSetLinks()
        self._window: list[_Linked | None] = []  # ring buffer over slots
        self._next_slot = 0
        self._size = 0  # articles in the window
        self._matrix: np.ndarray | None = None
        self._document_frequency: Counter[str] = Counter()
        # Replay the most recent stored articles (oldest first) so that a reopened store links as before.
        for article, story_id in recent or []:
            if story_id in self.stories:
                self.remember(self.linked(article), story_id)

    # --- the window ---

    def _tfidf(self, terms: Counter[str]) -> dict[str, float]:
        n = self._size
        weights = {t: (1 + math.log(c)) * (math.log((2 + n) / (1 + self._document_frequency[t])) + 1.0)
                   for t, c in terms.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def linked(self, article: AnalyzedArticle) -> _Linked:
        """What the window keeps of an article, computed once (IDF as of now, before it is remembered)."""
        vector = article_vector(article)
        terms, entities = article_terms(article), article_entities(article)
        event_day, event_confidence = _event(article)
        return _Linked(article.id, "", -1, self._tfidf(terms), frozenset(entities), event_day, event_confidence, _lead(article), len(article.cleaned.text.split()),
                       vector=vector, terms=terms, entity_counts=entities)

    def remember(self, new: _Linked, story_id: str) -> None:
        """Put the article into the window (the oldest one leaves when it is full)."""
        if self._matrix is None:
            self._matrix = np.zeros((WINDOW, new.vector.shape[0]), dtype=np.float32)
            self._window = [None] * WINDOW
        slot = self._next_slot
        self._next_slot = (slot + 1) % WINDOW
        old = self._window[slot]
        if old is not None:  # the oldest article leaves the window
            for term in old.weights:
                self._document_frequency[term] -= 1
                if not self._document_frequency[term]:  # no article in the window has the word
                    del self._document_frequency[term]
        else:
            self._size += 1
        self._matrix[slot] = new.vector
        self._document_frequency.update(new.weights.keys())
        new.story_id, new.slot = story_id, slot
        new.vector = new.terms = new.entity_counts = None  # the matrix row and the weights stand for them
        self._window[slot] = new

    def pair_rows(self, new: _Linked) -> tuple[list[_Linked], np.ndarray]:
        """The window's articles nearest to a new one by embedding, and their PAIR_FEATURES rows."""
        if self._matrix is None:
            return [], np.zeros((0, len(PAIR_FEATURES)))
        # Slots fill from 0, so the first _size are in use. einsum, not @: the threaded BLAS matrix-vector
        # product took 8 ms for 2000 rows on a busy 2-core machine, einsum 0.13 ms.
        embedding = np.einsum("ij,j->i", self._matrix[: self._size], new.vector)
        # Only the nearest articles by embedding are scored in full (stable sort: deterministic ties).
        order = np.argsort(-embedding, kind="stable")[:LINK_CANDIDATES]
        others = [self._window[slot] for slot in order]
        rows = np.zeros((len(others), len(PAIR_FEATURES)))
        lexical = _sparse_dots((new.term_ids, new.term_weights), others)
        for i, (slot, other) in enumerate(zip(order, others)):
            shared = len(new.entities & other.entities)
            union = len(new.entities) + len(other.entities) - shared
            known = new.event_day is not None and other.event_day is not None
            rows[i] = (float(embedding[slot]), lexical[i],
                       shared / union if union else 0.0, shared, float(new.lead @ other.lead),
                       abs(new.event_day - other.event_day) if known else np.nan,
                       min(new.event_confidence, other.event_confidence),
                       math.log1p(min(new.words, other.words)) - math.log1p(max(new.words, other.words)))
        return others, rows

    def _story_scores(self, new: _Linked) -> dict[str, float]:
        """Story id -> link score of the new article to the story's articles in the window."""
        others, rows = self.pair_rows(new)
        if not others:
            return {}
        pairs: dict[str, list[float]] = {}
        for other, score in zip(others, self.links.scores(rows) * time_factor(rows[:, 5], rows[:, 6])):
            pairs.setdefault(other.story_id, []).append(float(score))
        return {sid: self.links.story_score(sorted(s, reverse=True)) for sid, s in pairs.items()}

    # --- the Clusterer protocol ---

    def assign(self, article: AnalyzedArticle, story_id: str | None = None) -> Assignment:
        new = self.linked(article)
        vector, entities, terms = new.vector, new.entity_counts, new.terms
        published = article.article.published
        scores = self._story_scores(new)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        if story_id not in self.stories:
            story_id = ranked[0][0] if ranked and ranked[0][1] >= self.links.join else None
        if story_id is not None:
            group = [self.stories[story_id]]
            group += [self.stories[sid] for sid, score in ranked if sid != story_id and score >= self.links.merge]
            story = oldest(group)
            story.add(vector, entities, published, terms)
            story.terms = Counter(dict(story.terms.most_common(TOP_TERMS)))
            merged = [other.id for other in group if other is not story]
            for other_id in merged:
                story.absorb(self.stories.pop(other_id))
                story.terms = Counter(dict(story.terms.most_common(TOP_TERMS)))
                for linked in self._window:
                    if linked is not None and linked.story_id == other_id:
                        linked.story_id = story.id
            self.remember(new, story.id)
            return Assignment(story, False, merged)
        story = Story(article.id[:12], article.cleaned.headline, vector.copy(), 1, Counter(entities), published,
                      founded=self._next_founded)
        self._next_founded += 1
        story.terms.update(terms)
        story.terms = Counter(dict(story.terms.most_common(TOP_TERMS)))
        self.stories[story.id] = story
        self.remember(new, story.id)
        return Assignment(story, True, [])


def _event(article: AnalyzedArticle) -> tuple[int | None, float]:
    from storyline.dates import event_time

    day, confidence = event_time(article)
    return (day.toordinal() if day else None), confidence


def _lead(article: AnalyzedArticle) -> np.ndarray:
    if not len(article.sentences):
        return np.zeros(article.embeddings.shape[1], dtype=np.float32)
    return article.embeddings[0]


def final_stories(clusterer, articles: Iterable[AnalyzedArticle], copies: Mapping[str, str] | None = None) -> dict[str, str]:
    """Assign each article in turn; article id -> the story it ends up in (merges followed).

    ``copies``: article id -> the id of the article it is a syndicated copy of (its group's first); a
    copy joins that article's story as it is at the time."""
    story_of: dict[str, str] = {}
    merged_into: dict[str, str] = {}

    def final(story_id: str) -> str:
        while story_id in merged_into:
            story_id = merged_into[story_id]
        return story_id

    for article in articles:
        original = (copies or {}).get(article.id, article.id)
        assignment = clusterer.assign(article, final(story_of[original]) if original in story_of else None)
        story_of[article.id] = assignment.story.id
        for gone in assignment.merged_away:
            merged_into[gone] = assignment.story.id
    return {article_id: final(story_id) for article_id, story_id in story_of.items()}


clusterers.register("link")(ArticleLinkClusterer)


@clusterers.register("learned-link")
def learned_link_clusterer(stories: list[Story] | None = None, recent: list[tuple[AnalyzedArticle, str]] | None = None):
    """The link clusterer with the learned pair model in place of the hand-set weights."""
    return ArticleLinkClusterer(stories, recent, LearnedLinks())


LINK_CLUSTERERS = ("link", "learned-link")  # the clusterers that take the window's recent articles
# The default: the learned links (storyline/data/links.card.md). B-cubed F1, mean of shuffle seeds 0-2 in
# `storyline bench cluster`: Multi-News val200 0.852 against 0.833 for the hand-set "link" (and 0.895 vs
# 0.852 on held-out train clusters), DUC 2004 0.792 against 0.808: DUC's topics are broader than the
# Multi-News stories the model learned from. The hand-set "link" beat "centroid" on both (DUC 0.808 vs
# 0.778, Multi-News 0.833 vs 0.792).
DEFAULT_CLUSTERER = "learned-link"
