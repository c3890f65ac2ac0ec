"""What a deep-briefing section is, the registry of sections, and the story context they all read.

A section is one class in its own module, registered with ``@register_section``: its name, its heading,
the sections whose items it reads (``requires``), how it builds its items from a :class:`StoryContext`,
how its items (their JSON form) read in Markdown, its HTML template and whether "what changed"
compares its items. Render, the templates, ``changes`` and the docs test iterate the registry, so a
section without a Markdown renderer or a template fails loudly instead of vanishing.

:class:`StoryContext` is built once per briefing and holds what several sections need: the sentence
table, its similarity matrix, each sentence's voice (attributed / opinion / neutral), content words and
every article's independent-source key. It also keeps the items of the sections built so far, so a
section that requires another reads its items instead of building them again.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar, Mapping

import numpy as np

from storyline.attribution import classify_sentence
from storyline.models import AnalyzedArticle
from storyline.registry import Registry
from storyline.sections.common import SentenceTable, content_words, independent_sources, source_key


class StoryContext:
    """One story's articles and what several sections compute from them, each computed once."""

    def __init__(self, articles: list[AnalyzedArticle], source_of: Mapping[str, str] | None = None):
        self.articles = articles
        self.sources = independent_sources(articles, source_of)  # syndicated copies share one key
        self._items: dict[str, list] = {}  # section name -> its items, once built
        self._building: list[str] = []  # the sections being built, the innermost last

    def source(self, article: AnalyzedArticle) -> str:
        return source_key(article, self.sources)

    @cached_property
    def table(self) -> SentenceTable:
        return SentenceTable.build(self.articles)

    @cached_property
    def similarities(self) -> np.ndarray:
        """Cosine similarity of every pair of the table's rows."""
        return self.table.similarities()

    @cached_property
    def row_of(self) -> dict[tuple[int, int], int]:
        """(article position, sentence index) -> row of the sentence table."""
        return {key: row for row, key in enumerate(self.table.rows)}

    @cached_property
    def voices(self) -> list[str]:
        """Each row's attribution class (:func:`storyline.attribution.classify_sentence`)."""
        return [classify_sentence(self.table.text(row)) for row in range(len(self.table.rows))]

    def voice(self, article_position: int, sentence_index: int) -> str:
        return self.voices[self.row_of[(article_position, sentence_index)]]

    @cached_property
    def words(self) -> list[frozenset[str]]:
        """Each row's content words (:func:`storyline.sections.common.content_words`)."""
        return [content_words(self.table.text(row)) for row in range(len(self.table.rows))]

    def items(self, name: str) -> list:
        """The items of a section, built the first time they are asked for. A section being built may ask
        only for those it ``requires``: the order the registry derives from them must be the true one."""
        reader = SECTIONS.create(self._building[-1]) if self._building else None
        if reader is not None and name not in reader.requires:
            raise ValueError(f"section {reader.name} reads the {name} section without requiring it")
        if name not in self._items:
            self._building.append(name)
            try:
                self._items[name] = SECTIONS.create(name).build(self)
            finally:
                self._building.pop()
        return self._items[name]


class Section:
    """The protocol of a deep-briefing section (subclass it and register it with ``@register_section``)."""

    name: ClassVar[str]
    item: ClassVar[type]  # the dataclass of its items: their JSON form is render.briefing_to_dict's of it
    title: ClassVar[str]  # the heading, in Markdown and HTML alike
    nav_title: ClassVar[str | None] = None  # the web page's table of contents, when shorter than the title
    requires: ClassVar[tuple[str, ...]] = ()  # sections whose items ``build`` reads
    # Where "what changed" (changes.changes_since) lists its new items, None: not compared. Its own order,
    # older than this registry: timeline, facts, quotes, contradictions.
    changes_position: ClassVar[int | None] = None

    @classmethod
    def build_alone(cls, articles: list[AnalyzedArticle], source_of: Mapping[str, str] | None = None) -> list:
        """Its items for a story of which nothing else is built yet (tests, benchmarks; a briefing builds
        every section from one StoryContext)."""
        return StoryContext(articles, source_of).items(cls.name)

    @property
    def template(self) -> str:
        """The Jinja2 template of its body (the page gives its heading)."""
        return f"sections/{self.name}.html"

    def build(self, context: StoryContext) -> list:
        raise NotImplementedError

    def markdown(self, items: list[dict[str, Any]]) -> list[str]:
        """The Markdown lines under its heading, from its items' JSON form (SentenceRefs as {"n", ...})."""
        raise NotImplementedError

    def change_text(self, item: dict[str, Any]) -> str:
        """How "what changed" names one new item (JSON form)."""
        return str(item.get("text", ""))


class SectionRegistry(Registry[Section]):
    def ordered(self) -> list[Section]:
        """Every section after the sections it requires, otherwise in the order they were registered
        (the order the briefing shows them)."""
        registered = list(self._factories)
        placed: list[str] = []

        def place(name: str, path: tuple[str, ...] = ()) -> None:
            if name in placed:
                return
            if name in path:
                raise ValueError(f"sections require each other in a cycle: {' -> '.join((*path, name))}")
            for required in self._factories[self.check(name)].requires:
                place(required, (*path, name))
            placed.append(name)

        for name in registered:
            place(name)
        return [self.create(name) for name in placed]


SECTIONS = SectionRegistry("briefing section")


def register_section(cls: type[Section]) -> type[Section]:
    """Class decorator: add a section to the briefing under its ``name``."""
    return SECTIONS.register(cls.name)(cls)
