"""Coverage by outlet: the story's leading facts x its outlets, each cell "reports", "contradicts" or "silent".

An outlet reports a fact when one of its sentences states it (:mod:`storyline.sections.facts`), and
contradicts it when one of its sentences is a side of a contradiction whose other side is a sentence of
the fact (:mod:`storyline.sections.contradictions`). Read it across a row to see who carries a claim,
down a column to see what an outlet leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storyline.models import SentenceRef
from storyline.markdown import md_escape, refs_md
from storyline.sections.base import Section, StoryContext, register_section
from storyline.sections.common import outlet_of

REPORTS, CONTRADICTS, SILENT = "reports", "contradicts", "silent"
COVERAGE_FACTS = 15  # rows: the facts the briefing lists first (most independent sources)


@dataclass
class CoverageRow:
    text: str  # the fact, exactly as in citations[0]
    citations: list[SentenceRef]  # the fact's sentences
    cells: dict[str, str]  # every outlet of the story, by name -> reports | contradicts | silent
    independent_sources: int


def _key(ref: SentenceRef) -> tuple[str, int]:
    return ref.article_id, ref.sentence_index


@register_section
class Coverage(Section):
    name, title, nav_title = "coverage", "Coverage by outlet", "Coverage"
    item = CoverageRow
    requires = ("facts", "contradictions")
    marks = {REPORTS: "●", CONTRADICTS: "✕", SILENT: "·"}  # a cell as Markdown and HTML show it

    def build(self, context: StoryContext) -> list[CoverageRow]:
        outlets = sorted({outlet_of(a) for a in context.articles})
        conflicts: list[tuple[tuple[str, int], str]] = []  # (a side's sentence, the other side's outlet)
        for c in context.items("contradictions"):
            conflicts.append((_key(c.first.citation), c.second.outlet))
            conflicts.append((_key(c.second.citation), c.first.outlet))
        rows = []
        for fact in context.items("facts")[:COVERAGE_FACTS]:
            cited = {_key(ref) for ref in fact.citations}
            contradicting = {outlet for sentence, outlet in conflicts if sentence in cited}
            cells = {o: REPORTS if o in fact.outlets else CONTRADICTS if o in contradicting else SILENT for o in outlets}
            rows.append(CoverageRow(fact.text, fact.citations, cells, fact.independent_sources))
        return rows

    def markdown(self, items: list[dict[str, Any]]) -> list[str]:
        outlets = list(items[0]["cells"])
        lines = [
            f"*Which outlet reports each fact: {self.marks[REPORTS]} reports, {self.marks[CONTRADICTS]} contradicts, "
            f"{self.marks[SILENT]} does not report*",
            "",
            "| fact | " + " | ".join(md_escape(o) for o in outlets) + " |",
            "|---|" + "---|" * len(outlets),
        ]
        for row in items:
            marks = " | ".join(self.marks[row["cells"][o]] for o in outlets)
            lines.append(f"| {md_escape(row['text'])} {refs_md(row['citations'])} | {marks} |")
        return lines
