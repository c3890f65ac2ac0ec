"""The analyze stage: exact sentence and entity offsets, normalised embeddings that agree across the
ONNX and torch embedders, and a cache that keeps articles from being analyzed twice."""

from __future__ import annotations

import re

import numpy as np
import pytest

from storyline.analyze import (
    Analyzer,
    MemoryCache,
    OnnxMiniLMEmbedder,
    analyze_articles,
    embedders,
    minilm_onnx_path,
    split_sentences,
    splitters,
)
from storyline.clean import clean_article
from storyline.sources.article import article_id
from storyline.models import Article, CleanedArticle

from conftest import shared_path

HAND_TEXT = (
    'The U.S. Senate met on Dec. 28 in Washington. "We will not go," said Sen. John Smith. '
    "He left at 5 p.m. on Friday.\n\n"
    "Mr. Lavrov said talks would resume in Jan. 2017. “Nothing is agreed,” he added.\n"
    "A second line of the same paragraph.\n\n\n"
    "   Last paragraph, indented."
)
HAND_SENTENCES = [
    (0, "The U.S. Senate met on Dec. 28 in Washington."),
    (0, '"We will not go," said Sen. John Smith.'),
    (0, "He left at 5 p.m. on Friday."),
    (1, "Mr. Lavrov said talks would resume in Jan. 2017."),
    (1, "“Nothing is agreed,” he added."),
    (1, "A second line of the same paragraph."),
    (2, "Last paragraph, indented."),
]


def cleaned_from(text: str, outlet: str = "Test Wire") -> CleanedArticle:
    article = Article(article_id(outlet, "", text), "", text, outlet, "test")
    return CleanedArticle(article, text)


def assert_sentences_exact(text: str, sentences) -> None:
    """Exact spans, in order, never overlapping, never across a paragraph, covering all non-space text."""
    covered = [False] * len(text)
    previous_end = 0
    for index, sentence in enumerate(sentences):
        assert sentence.index == index
        assert sentence.text == text[sentence.start : sentence.end]
        assert sentence.text == sentence.text.strip() and sentence.text
        assert sentence.start >= previous_end
        assert not re.search(r"\n\s*\n", sentence.text)
        if index:  # a new paragraph number exactly where the text has a paragraph break
            between = text[sentences[index - 1].end : sentence.start]
            assert (sentence.paragraph != sentences[index - 1].paragraph) == bool(re.search(r"\n\s*\n", between))
        covered[sentence.start : sentence.end] = [True] * (sentence.end - sentence.start)
        previous_end = sentence.end
    assert all(c or text[i].isspace() for i, c in enumerate(covered))


# --- splitting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pysbd", "blingfire"])
def test_split_keeps_abbreviations_quotes_and_paragraphs(name):
    sentences = split_sentences(HAND_TEXT, splitters.create(name), "a1")
    assert [(s.paragraph, s.text) for s in sentences] == HAND_SENTENCES
    assert_sentences_exact(HAND_TEXT, sentences)
    assert all(s.article_id == "a1" for s in sentences)


def test_split_empty_and_blank_text():
    splitter = splitters.create("pysbd")
    assert split_sentences("", splitter) == []
    assert split_sentences("\n\n   \n\n", splitter) == []


def test_seed_sentences_exact(seed_articles):
    assert len(seed_articles) == 5
    for analyzed in seed_articles:
        assert len(analyzed.sentences) >= 5
        assert_sentences_exact(analyzed.cleaned.text, analyzed.sentences)


def test_duc_sentences_exact():
    docs = sorted(shared_path("duc2004").glob("d3000*t/docs/*"))[:20]
    splitter = splitters.create("pysbd")
    for path in docs:
        text = path.read_text(encoding="utf-8")
        assert_sentences_exact(text, split_sentences(text, splitter))


# --- entities -------------------------------------------------------------------------------------


def test_seed_entities_exact(seed_articles):
    labels = set()
    for analyzed in seed_articles:
        text = analyzed.cleaned.text
        for entity in analyzed.entities:
            sentence = analyzed.sentences[entity.sentence_index]
            assert entity.text == text[entity.start : entity.end]
            assert sentence.start <= entity.start < entity.end <= sentence.end
            labels.add(entity.label)
    names = {e.text for a in seed_articles for e in a.entities if e.label == "PERSON"}
    assert {"John Kerry", "Sergei Lavrov"} <= names
    assert {"PERSON", "GPE", "DATE"} <= labels


def test_hand_entities_land_in_their_sentence(analyzer):
    (analyzed,) = analyze_articles([cleaned_from(HAND_TEXT)], analyzer)
    found = {(e.text, e.label): e for e in analyzed.entities}
    washington = found[("Washington", "GPE")]
    assert washington.sentence_index == 0
    assert HAND_TEXT[washington.start : washington.end] == "Washington"
    lavrov = found[("Lavrov", "PERSON")]
    assert lavrov.sentence_index == 3 and analyzed.sentences[3].paragraph == 1


class EveryWordSplitter:
    """Splits after every word: a deliberately bad splitter, to see entities that straddle a break."""

    name = "every-word"

    def split(self, text):
        return [m.span() for m in re.finditer(r"\S+", text)]


def test_entity_straddling_a_sentence_break_is_dropped(analyzer):
    text = "Secretary of State John Kerry met Sergei Lavrov in Geneva on Friday."
    words = Analyzer(EveryWordSplitter(), analyzer.embedder, analyzer.recognizer)
    (analyzed,) = analyze_articles([cleaned_from(text)], words)
    kept = {e.text for e in analyzed.entities}
    assert "Geneva" in kept  # one word: one sentence
    assert not kept & {"John Kerry", "Sergei Lavrov"}
    for entity in analyzed.entities:
        assert analyzed.sentences[entity.sentence_index].text.rstrip(".") == entity.text


# --- embeddings -----------------------------------------------------------------------------------


def test_embeddings_normalised_one_row_per_sentence(seed_articles):
    for analyzed in seed_articles:
        vectors = analyzed.embeddings
        assert vectors.dtype == np.float32
        assert vectors.shape == (len(analyzed.sentences), 384)
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


@pytest.mark.models
def test_onnx_embedder_handles_empty_and_long_input():
    embedder = embedders.create("minilm-onnx")
    assert embedder.encode([]).shape == (0, 384)
    long_text = " ".join(["Negotiations over the ceasefire continued in Astana."] * 200)  # > 256 tokens
    vectors = embedder.encode([long_text, "Short."])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_onnx_agrees_with_torch_on_real_sentences(seed_articles):
    sentences = [s.text for a in seed_articles for s in a.sentences]
    duc = shared_path("duc2004")
    for path in sorted(duc.glob("d30001t/docs/*"))[:3]:
        sentences += [s.text for s in split_sentences(path.read_text(encoding="utf-8"), splitters.create("pysbd"))]
    onnx = embedders.create("minilm-onnx").encode(sentences)
    torch = embedders.create("minilm").encode(sentences)
    cosines = (onnx * torch).sum(axis=1)
    # Measured 0.992 mean on 1,122 DUC sentences (int8 weights); a broken export gives far less.
    assert cosines.mean() > 0.98
    assert cosines.min() > 0.9
    # Order of the inputs must not matter (the ONNX embedder sorts by length internally).
    np.testing.assert_allclose(embedders.create("minilm-onnx").encode(sentences[::-1])[::-1], onnx, atol=1e-5)


def test_onnx_export_goes_to_the_cache_dir(tmp_path, monkeypatch, analyzer):
    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(tmp_path))
    path = minilm_onnx_path()
    assert path.parent == tmp_path and not path.exists()
    vectors = OnnxMiniLMEmbedder().encode(["The US declined to send a delegation to Astana."])
    assert path.exists()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    again = analyzer.embedder.encode(["The US declined to send a delegation to Astana."])
    assert float((vectors * again).sum()) > 0.999


# --- the cache ------------------------------------------------------------------------------------


class CountingEmbedder:
    """Delegates to a real embedder and counts the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.texts = inner, inner.name, inner.dim, 0

    def encode(self, texts):
        self.texts += len(texts)
        return self.inner.encode(texts)


def test_cached_articles_are_never_reembedded(seeds_dir, analyzer):
    from storyline.sources.route import read_inputs

    cleaned = [clean_article(a) for a in read_inputs([seeds_dir]).articles]
    counting = CountingEmbedder(analyzer.embedder)
    counted = Analyzer(analyzer.splitter, counting, analyzer.recognizer)
    cache = MemoryCache()

    first = analyze_articles(cleaned[:3], counted, cache)
    assert counting.texts == sum(len(a.sentences) for a in first)

    counting.texts = 0
    second = analyze_articles(cleaned, counted, cache)
    assert counting.texts == sum(len(a.sentences) for a in second[3:])  # only the two new articles
    assert [a.id for a in second] == [c.id for c in cleaned]
    assert second[0] is first[0]

    counting.texts = 0
    analyze_articles(cleaned + cleaned[:1], counted, cache)
    assert counting.texts == 0


def test_empty_article_analyzes_to_nothing(analyzer):
    (analyzed,) = analyze_articles([cleaned_from("")], analyzer)
    assert analyzed.sentences == [] and analyzed.entities == []
    assert analyzed.embeddings.shape == (0, 384)


def test_parallel_entity_recognition_matches_one_process(analyzer, monkeypatch):
    import storyline.analyze as analyze

    paragraphs = [p.read_text(encoding="utf-8") for p in sorted(shared_path("duc2004").glob("d30001t/docs/*"))]
    one_process = analyzer.recognizer.entities(paragraphs)
    monkeypatch.setattr(analyze, "PARALLEL_NER_CHARACTERS", 0)  # force the worker processes
    assert analyzer.recognizer.entities(paragraphs) == one_process
    assert sum(map(len, one_process)) > 100
