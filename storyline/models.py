"""The plain dataclasses that flow between the pipeline stages.

Data flows one way: ``ingest`` makes :class:`Article`, ``clean`` makes :class:`CleanedArticle`,
``analyze`` makes :class:`AnalyzedArticle`, ``summarize`` makes :class:`Summary` and ``brief``
assembles a :class:`Briefing`. Every derived record keeps its provenance as a :class:`SentenceRef`
(article id + sentence index + character span in the cleaned text), so any output sentence can be
traced back to the exact source sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is a hard dependency, but keep import of this module cheap
    import numpy as np


@dataclass(frozen=True)
class Article:
    """One news article as read from its input, before any cleaning."""

    id: str  # stable, content-based (see sources.article.article_id)
    title: str
    text: str  # body text as extracted from the input (boilerplate still in)
    outlet: str  # from the data, else the URL's domain, else the file name (cleaning may name it: outlet_source)
    source: str  # where it was read from: a path, "path#line=N", "path#row=N" or a URL
    url: str | None = None
    published: datetime | None = None  # naive, UTC when the input gave a zone
    author: str | None = None
    raw: str = ""  # the raw input exactly as read (file text, HTML, the JSON line / CSV row)
    raw_format: str = "text"  # text | html | jsonl | csv | parquet | feed
    encoding: str = "utf-8"  # how the raw bytes were decoded: utf-8, utf-16, cp1252, latin-1
    # Where outlet and published came from: OUTLET_SOURCES / PUBLISHED_SOURCES. The cleaner may fill an
    # outlet that was only a fallback, or a missing date, from the article's own text; the id never changes.
    outlet_source: str = "data"
    published_source: str = "data"


# "data": the input's own field; "url": the URL's domain; "file name" / "unknown": the fallbacks ingest
# uses when nothing names the outlet; "credit line" / "dateline": read from the text (storyline.credits).
OUTLET_SOURCES = ("data", "url", "credit line", "dateline", "file name", "unknown", "not recorded")
FALLBACK_OUTLET_SOURCES = frozenset({"file name", "unknown"})
PUBLISHED_SOURCES = ("data", "dateline")


@dataclass(frozen=True)
class Dateline:
    """The dateline that opens an article: "PORT ALDRIC, Norvane Islands, March 4, 2025 (IWS) —"."""

    text: str  # as written, up to and including the dash
    place: str | None  # "PORT ALDRIC, Norvane Islands"
    date_text: str | None  # "March 4, 2025", "Jan. 15"
    published: datetime | None  # the date, only when the dateline gives its year (never guessed)
    wire: str | None  # the wire or outlet tag: "IWS", "Reuters", "UPI"


@dataclass(frozen=True)
class RemovedSpan:
    """A piece of boilerplate removed by the cleaner, with the rule that removed it."""

    start: int  # character offsets into Article.text
    end: int
    text: str
    rule: str  # name of a rule in clean.RULES


@dataclass(frozen=True)
class CleanedArticle:
    article: Article
    text: str  # the cleaned body: paragraphs separated by a blank line
    removed: tuple[RemovedSpan, ...] = ()
    title: str = ""  # the headline after cleaning ("" = Article.title was already clean)
    dateline: Dateline | None = None  # the dateline opening the text, when it has one

    @property
    def headline(self) -> str:
        return self.title or self.article.title

    @property
    def id(self) -> str:
        return self.article.id


@dataclass(frozen=True)
class Sentence:
    article_id: str
    index: int  # position among the article's sentences, from 0
    text: str  # exactly CleanedArticle.text[start:end]
    start: int
    end: int
    paragraph: int  # index of the paragraph it belongs to, from 0


@dataclass(frozen=True)
class Entity:
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, LOC, DATE, ...
    sentence_index: int
    start: int  # character offsets into CleanedArticle.text
    end: int


@dataclass(frozen=True)
class SentenceRef:
    """Provenance of any output record: the exact source sentence."""

    article_id: str
    sentence_index: int
    start: int  # character span in the cleaned text of that article
    end: int


@dataclass
class AnalyzedArticle:
    cleaned: CleanedArticle
    sentences: list[Sentence]
    entities: list[Entity]
    embeddings: "np.ndarray"  # float32, shape (len(sentences), dim), rows L2-normalised

    @property
    def article(self) -> Article:
        return self.cleaned.article

    @property
    def id(self) -> str:
        return self.cleaned.article.id

    def entities_by_sentence(self) -> dict[int, list[Entity]]:
        """Sentence index -> the entities found in that sentence."""
        out: dict[int, list[Entity]] = {}
        for entity in self.entities:
            out.setdefault(entity.sentence_index, []).append(entity)
        return out

    def ref(self, sentence_index: int) -> SentenceRef:
        s = self.sentences[sentence_index]
        return SentenceRef(self.id, s.index, s.start, s.end)


@dataclass(frozen=True)
class SummarySentence:
    text: str  # identical to the text of citations[0]'s source sentence
    citations: tuple[SentenceRef, ...]  # first: the sentence shown; then others saying the same


@dataclass(frozen=True)
class Summary:
    sentences: tuple[SummarySentence, ...]
    word_budget: int
    method: str = ""  # the summarizer that chose the sentences (a name in summarizers.summarizers)

    @property
    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)


@dataclass(frozen=True)
class SourceInfo:
    """One input article as the briefing lists it."""

    article_id: str
    outlet: str
    title: str
    source: str
    url: str | None
    published: datetime | None
    words_kept: int
    words_removed: int
    removed_by_rule: dict[str, int] = field(default_factory=dict)  # rule -> words removed
    syndication_group: str | None = None  # articles sharing a group are copies of one text
    outlet_source: str = "data"  # Article.outlet_source
    published_source: str = "data"  # Article.published_source


@dataclass
class Briefing:
    """Everything storyline says about one story. Later stages add sections (timeline, ...)."""

    headline: str
    summary: Summary
    sources: list[SourceInfo]
    articles: dict[str, AnalyzedArticle]  # id -> article, to resolve every SentenceRef
    sections: dict[str, Any] = field(default_factory=dict)  # deep-briefing sections, by name
    story_id: str | None = None
    version: int | None = None
    made_with: str | None = None  # what shaped it besides its articles (settings.briefing_fingerprint)

    def sentence_text(self, ref: SentenceRef) -> str:
        return self.articles[ref.article_id].sentences[ref.sentence_index].text
