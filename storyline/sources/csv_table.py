"""CSV and TSV dumps (.csv, .tsv): one article per row, named by a header. A dump is read whole, as one
partition: a quoted cell may span lines, so it cannot be cut by line."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator, Mapping

from storyline.errors import InputError
from storyline.models import Article
from storyline.sources.article import article_or_error, no_text_column
from storyline.sources.decode import decode_bytes
from storyline.sources.readers import Reader


def _iter_csv(path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
    csv.field_size_limit(max_bytes)
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip():
        raise InputError("the file is empty", input=str(path))
    _, sniffed = decode_bytes(head, str(path))  # refuses binary data early, with the usual message
    if sniffed.startswith("utf-16"):
        encoding = sniffed
    else:
        try:
            head.decode("utf-8-sig")
            encoding = "utf-8-sig"
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still UTF-8.
            encoding = "utf-8-sig" if exc.start >= len(head) - 3 else "cp1252"
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(encoding=encoding, errors="replace", newline="") as text:
        yield from _iter_csv_rows(_BoundedLines(text, max_bytes), path, fields, delimiter,
                                  encoding.removesuffix("-sig"))


class _BoundedLines:
    """The lines of a text file for the csv module, each at most ``max_chars`` long. An oversize line is
    skipped without being held in memory (the csv module would read it whole) and ends the iteration;
    ``oversize`` then holds its line number until the caller resets it and goes on."""

    def __init__(self, handle, max_chars: int) -> None:
        self.handle, self.max_chars = handle, max_chars
        self.count = 0  # physical lines read so far
        self.oversize: int | None = None

    def __iter__(self) -> "_BoundedLines":
        return self

    def __next__(self) -> str:
        if self.oversize is not None:
            raise StopIteration
        line = self.handle.readline(self.max_chars + 1)
        if not line:
            raise StopIteration
        self.count += 1
        if len(line) > self.max_chars and not line.endswith(("\n", "\r")):
            while line and not line.endswith(("\n", "\r")):
                line = self.handle.readline(1 << 20)
            self.oversize = self.count
            raise StopIteration
        return line


def _iter_csv_rows(
    lines: _BoundedLines, path: Path, fields: Mapping[str, str], delimiter: str, encoding: str
) -> Iterator[Article | InputError]:
    too_large = f"row too large (a line over {lines.max_chars / 1e6:.1f} MB)"
    reader = csv.DictReader(lines, delimiter=delimiter, strict=True)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        yield InputError(f"malformed CSV header ({exc})", input=f"{path}:1")
        return
    if lines.oversize is not None:
        yield InputError(f"header {too_large.removeprefix('row ')}", input=f"{path}:{lines.oversize}")
        return
    if not fieldnames:
        yield InputError("the file is empty", input=str(path))
        return
    missing = no_text_column(fieldnames, fields, str(path), whose="its header")
    if missing:  # the same in every row: one error for the file
        yield missing
        return
    rows = 0
    while True:
        line = lines.count + 1  # the row's first line: the csv module never reads ahead
        try:
            row = next(reader)
        except StopIteration:
            if lines.oversize is None:
                break
            row = None
        except csv.Error as exc:
            if lines.oversize is not None:  # the cut line left a quoted cell open
                row = None
            elif "field limit" in str(exc):  # one oversize cell: that row is lost, the next line goes on
                yield InputError(f"row too large ({exc})", input=f"{path}:{line}")
                continue
            else:
                yield InputError(f"malformed CSV ({exc})", input=f"{path}:{line}")
                return  # the reader cannot resynchronise after a quoting error
        if row is None:  # an oversize line: that row is lost, a fresh reader goes on after it
            yield InputError(too_large, input=f"{path}:{lines.oversize}")
            lines.oversize = None
            reader = csv.DictReader(lines, fieldnames=fieldnames, delimiter=delimiter, strict=True)
            continue
        rows += 1
        where = f"{path}:{line}"
        if None in row:  # more cells than the header has columns
            yield InputError("row has more cells than the header", input=where)
            continue
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(row.values())
        yield article_or_error(row, fields, source=where, raw=buffer.getvalue(), raw_format="csv",
                                default_outlet=path.stem, encoding=encoding)
    if rows == 0:
        yield InputError("has a header but no rows", input=str(path))



class CsvReader(Reader):
    name = "csv"
    suffixes = frozenset({".csv", ".tsv"})

    def read(self, path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
        return _iter_csv(path, fields, max_bytes)
