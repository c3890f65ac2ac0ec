"""Render a :class:`~storyline.models.Briefing` as JSON, Markdown or HTML.

All three share one :class:`CitationIndex`: every cited source sentence gets a number ``[n]`` in order of
first use, and the citation list resolves each number to the article id, sentence index, character
span, outlet, headline and the exact sentence text. The JSON layout is documented in
``docs/briefing-schema.md``; bump ``SCHEMA_VERSION`` on any incompatible change.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any

from storyline.markdown import cite_md, md_escape, plural
from storyline.models import Briefing, SentenceRef
from storyline.sections import SECTIONS

SCHEMA = "storyline.briefing"
SCHEMA_VERSION = 1
FORMATS = ("md", "json", "html")


class CitationIndex:
    """Numbers cited source sentences [1], [2], ... in order of first use."""

    def __init__(self, briefing: Briefing):
        self.briefing = briefing
        self._numbers: dict[tuple[str, int], int] = {}

    def number(self, ref: SentenceRef) -> int:
        key = (ref.article_id, ref.sentence_index)
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
        return self._numbers[key]

    def entries(self) -> list[dict[str, Any]]:
        out = []
        for (article_id, sentence_index), n in self._numbers.items():
            analyzed = self.briefing.articles[article_id]
            sentence = analyzed.sentences[sentence_index]
            out.append(
                {
                    "n": n,
                    "article_id": article_id,
                    "sentence_index": sentence_index,
                    "start": sentence.start,
                    "end": sentence.end,
                    "outlet": analyzed.article.outlet,
                    "title": analyzed.cleaned.headline,
                    "url": analyzed.article.url,
                    "published": _iso(analyzed.article.published),
                    "text": sentence.text,
                }
            )
        return out


# How a reader is told where an outlet or a date came from; the input's own field needs no note.
_PROVENANCE_NOTES = {"url": "from the URL", "credit line": "from its credit line", "dateline": "from its dateline",
                     "file name": "the file name", "unknown": "not named"}


def provenance_note(source: str | None) -> str:
    """" (from its credit line)" for an outlet or date not given by the input itself, else ""."""
    note = _PROVENANCE_NOTES.get(source or "")
    return f" ({note})" if note else ""


def human_date(value: str | datetime | date | None, *, with_time: bool = False) -> str:
    """An ISO date or datetime as a reader writes it: "3 Mar 2025" (with_time: "3 Mar 2025, 09:30" when the
    time of day is known, i.e. not midnight). An unreadable value is returned as it is."""
    if value is None or value == "":
        return ""
    try:
        moment = value if isinstance(value, (datetime, date)) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    text = f"{moment.day} {moment:%b %Y}"
    if with_time and isinstance(moment, datetime) and (moment.hour, moment.minute) != (0, 0):
        text += f", {moment:%H:%M}"
    return text


def html_date(value: str | None, with_time: bool = False):
    """``human_date`` in a <time> element whose datetime attribute keeps the ISO value (for machines)."""
    from markupsafe import Markup, escape

    if not value:
        return Markup('<span class="undated">undated</span>')
    return Markup(f'<time datetime="{escape(value)}">{escape(human_date(value, with_time=with_time))}</time>')


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def to_jsonable(value: Any, citations: CitationIndex) -> Any:
    """Dataclasses -> dicts, dates -> ISO strings, SentenceRefs -> their citation numbers."""
    if isinstance(value, SentenceRef):
        return {"n": citations.number(value), "article_id": value.article_id, "sentence_index": value.sentence_index}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name), citations) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, citations) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v, citations) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    return value


def outlet_counts(briefing: Briefing) -> tuple[int, int]:
    """(outlets, independent sources): syndicated copies count once."""
    outlets = {s.outlet for s in briefing.sources}
    independent = {s.syndication_group or s.outlet for s in briefing.sources}
    return len(outlets), len(independent)


def briefing_to_dict(briefing: Briefing) -> dict[str, Any]:
    citations = CitationIndex(briefing)
    summary = [
        {"text": s.text, "citations": [citations.number(ref) for ref in s.citations]}
        for s in briefing.summary.sentences
    ]
    sections = to_jsonable(briefing.sections, citations)
    outlets, independent = outlet_counts(briefing)
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "story_id": briefing.story_id,
        "version": briefing.version,
        "made_with": briefing.made_with,
        "headline": briefing.headline,
        "outlets": outlets,
        "independent_sources": independent,
        "summary": {"word_budget": briefing.summary.word_budget, "words": briefing.summary.words,
                    "method": briefing.summary.method, "sentences": summary},
        "sections": sections,
        "sources": [to_jsonable(s, citations) for s in briefing.sources],
        "citations": citations.entries(),
    }


def render_json(briefing: Briefing) -> str:
    return json.dumps(briefing_to_dict(briefing), ensure_ascii=False, indent=2)


# --- Markdown -------------------------------------------------------------------------------------


def render_markdown(briefing: Briefing) -> str:
    data = briefing_to_dict(briefing)
    lines = [f"# {md_escape(data['headline'])}", ""]
    lines.append(
        f"*{plural(len(briefing.sources), 'article')} from {plural(data['outlets'], 'outlet')}, "
        f"{data['independent_sources']} independent; summary {plural(data['summary']['words'], 'word')}.*"
    )
    lines += ["", "## Summary", ""]
    lines.append(" ".join(f"{md_escape(s['text'])} {cite_md(s['citations'])}" for s in data["summary"]["sentences"]))
    for section in registered_sections():
        items = data["sections"].get(section.name)
        if items:
            lines += ["", f"## {section.title}", "", *section.markdown(items)]
    lines += ["", "## Sources", "", "| outlet | headline | words kept | boilerplate removed |", "|---|---|---|---|"]
    for s in data["sources"]:
        rules = ", ".join(f"{rule} {n}" for rule, n in sorted(s["removed_by_rule"].items()))
        removed = plural(s["words_removed"], "word") + (f" ({rules})" if rules else "")
        copy = " (syndicated copy group " + s["syndication_group"] + ")" if s.get("syndication_group") else ""
        outlet = md_escape(s["outlet"]) + provenance_note(s.get("outlet_source"))
        lines.append(f"| {outlet}{copy} | {md_escape(s['title'])} | {s['words_kept']} | {removed} |")
    lines += ["", "## Citations", ""]
    for c in data["citations"]:
        lines.append(
            f"[{c['n']}] {md_escape(c['outlet'])}, \"{md_escape(c['title'])}\", sentence {c['sentence_index']}: "
            f"\"{md_escape(c['text'])}\""
        )
    return "\n".join(lines) + "\n"


def registered_sections():
    """The deep-briefing sections in the order the briefing shows them."""
    return SECTIONS.ordered()


# --- HTML -----------------------------------------------------------------------------------------


def http_url(url: str | None) -> str | None:
    """Only http(s) links from article data may become hrefs (no javascript: or data: URLs)."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def template_environment():
    """The Jinja2 environment of the HTML report and the web app: autoescape on, and the filters both use."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("storyline", "templates"), autoescape=select_autoescape(default=True))
    env.filters["http_url"] = http_url
    env.filters["plural"] = plural
    env.filters["date"] = html_date
    env.filters["provenance"] = provenance_note
    env.globals["sections"] = registered_sections()
    return env


def render_html(briefing: Briefing) -> str:
    """A self-contained page; all article-derived text is escaped by Jinja2's autoescape."""
    data = briefing_to_dict(briefing)
    return template_environment().get_template("briefing.html").render(
        b=data, citations={c["n"]: c for c in data["citations"]})


RENDERERS = {"md": render_markdown, "json": render_json, "html": render_html}


def render(briefing: Briefing, fmt: str = "md") -> str:
    return RENDERERS[fmt](briefing)
