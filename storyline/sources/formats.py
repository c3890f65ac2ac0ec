"""The registry of the input formats storyline reads, keyed by name; a file's reader is found by its
suffix. A new format: its module in ``storyline/sources/`` (a :class:`~storyline.sources.readers.Reader`)
and one line here."""

from __future__ import annotations

from pathlib import Path

from storyline.errors import ConfigError
from storyline.sources.csv_table import CsvReader
from storyline.sources.html_page import HtmlReader
from storyline.sources.jsonl import JsonlReader
from storyline.sources.parquet import ParquetReader
from storyline.sources.readers import Reader
from storyline.sources.text import TextReader

READERS: dict[str, Reader] = {r.name: r for r in (TextReader(), HtmlReader(), JsonlReader(), CsvReader(), ParquetReader())}
FALLBACK = READERS["text"]  # reads a file whose suffix no reader claims (and tells HTML by its content)
_BY_SUFFIX = {suffix: r for r in READERS.values() for suffix in r.suffixes}
assert len(_BY_SUFFIX) == sum(len(r.suffixes) for r in READERS.values()), "a suffix is claimed by two readers"


def reader(name: str) -> Reader:
    """The reader of a format by its name; an unknown format is one clear error."""
    try:
        return READERS[name]
    except KeyError:
        raise ConfigError(f"no reader for the input format '{name}'",
                          fix=f"the formats read are: {', '.join(sorted(READERS))}") from None


def reader_for(path: Path) -> Reader:
    """The reader of a file, by its suffix (any letter case)."""
    return _BY_SUFFIX.get(path.suffix.lower(), FALLBACK)
