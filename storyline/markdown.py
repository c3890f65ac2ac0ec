"""The words every reader-facing text shares: counts with their noun, and Markdown that article text
cannot break. Render, the sections' own Markdown, "what changed" and the CLI's report lines use these."""

from __future__ import annotations

from typing import Any


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """"1 article", "2 articles", "0 errors": every count a reader sees (CLI, Markdown, web) goes through here."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def md_escape(text: str) -> str:
    """Keep article text from being read as Markdown markup (links, emphasis, headings, HTML)."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text


def cite_md(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def refs_md(refs: list[dict[str, Any]] | dict[str, Any] | None) -> str:
    """The citation marks of a section item's references (JSON form: {"n", ...}), "[3][7]"."""
    if refs is None:
        return ""
    refs = refs if isinstance(refs, list) else [refs]
    return cite_md([r["n"] for r in refs])
