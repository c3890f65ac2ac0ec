"""Read articles from files and dumps: plain text, HTML, JSONL and CSV.

(Minimal first version: plain-text files only. To be extended.)
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from storyline.errors import InputError
from storyline.models import Article

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def _normalise_for_id(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()


def article_id(outlet: str, title: str, text: str) -> str:
    """A stable, content-based id: the same outlet, headline and body always give the same id."""
    digest = hashlib.sha256(
        "\x1f".join(_normalise_for_id(part) for part in (outlet, title, text)).encode("utf-8")
    )
    return digest.hexdigest()[:16]


def read_text_article(path: Path) -> Article:
    raw = path.read_text(encoding="utf-8")
    lines = raw.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise InputError("the file is empty", input=str(path))
    title = lines[first].strip()
    text = "\n".join(lines[first + 1 :]).strip("\n")
    outlet = path.stem
    return Article(article_id(outlet, title, text), title, text, outlet, str(path), raw=raw, raw_format="text")


def read_inputs(paths: Iterable[str | Path]) -> IngestResult:
    result = IngestResult()
    for path in paths:
        path = Path(path)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            try:
                result.articles.append(read_text_article(file))
            except InputError as exc:
                result.errors.append(exc)
    return result
