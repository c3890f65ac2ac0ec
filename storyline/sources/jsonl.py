"""JSONL dumps (.jsonl, .ndjson, .json): one JSON object per line, streamed, each row one article or one
error. A dump is cut into partitions of lines, found by one pass over its bytes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Iterator, Mapping

from storyline.errors import InputError
from storyline.models import Article
from storyline.sources.article import MAX_ARTICLE_BYTES, article_or_error
from storyline.sources.decode import bounded_lines, decode_bytes, decode_row
from storyline.sources.readers import Partition, Reader


def jsonl_row(line: bytes | str | None, where: str, fields: Mapping[str, str], *, default_outlet: str,
              max_bytes: int, encoding: str | None = None) -> Article | InputError | None:
    """One line of a JSONL dump as an article or its error; None for a blank line. ``line`` None means
    the line was over ``max_bytes``; a str line was decoded as ``encoding``, bytes are decoded here."""
    if line is None:
        return InputError(f"row too large (over {max_bytes / 1e6:.1f} MB)", input=where)
    if not line.strip():
        return None
    raw, encoding = (line, encoding or "utf-8") if isinstance(line, str) else decode_row(line)
    raw = raw.strip().lstrip("\ufeff")
    try:
        record = json.loads(raw)
    # ValueError: a number over Python's 4,300-digit limit; RecursionError: [[[[... nested too deep
    except (ValueError, RecursionError) as exc:
        problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        return InputError(f"not valid JSON ({problem})", input=where)
    if not isinstance(record, dict):
        return InputError("a JSONL row must be an object", input=where)
    return article_or_error(record, fields, source=where, raw=raw, raw_format="jsonl",
                             default_outlet=default_outlet, encoding=encoding.removesuffix("-sig"))


def _iter_jsonl(path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
    with path.open("rb") as handle:
        # A binary file is one error for the whole file, not one per "line" of noise.
        _, sniffed = decode_bytes(handle.read(1 << 16), str(path))
        handle.seek(0)
        if sniffed.startswith("utf-16"):
            handle = io.TextIOWrapper(handle, encoding=sniffed, errors="replace", newline="")
        rows = 0
        for number, line in enumerate(bounded_lines(handle, max_bytes), start=1):
            item = jsonl_row(line, f"{path}:{number}", fields, default_outlet=path.stem, max_bytes=max_bytes,
                             encoding=sniffed)
            if item is None:
                continue
            rows += line is not None
            yield item
        if rows == 0:
            yield InputError("the file is empty (no JSON rows)", input=str(path))



class JsonlReader(Reader):
    name = "jsonl"
    suffixes = frozenset({".jsonl", ".ndjson", ".json"})

    def read(self, path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
        return _iter_jsonl(path, fields, max_bytes)

    def partitions(self, path: Path, fields: tuple[tuple[str, str], ...], size: int) -> list[Partition]:
        """Chunks of ``size`` lines, found by one pass over the bytes (nothing is parsed here)."""
        whole = self.whole(path, fields)  # read by the whole-file reader, which reports what is wrong
        if not path.is_file():
            return whole  # a pipe can be read once only
        try:
            with path.open("rb") as handle:
                _, encoding = decode_bytes(handle.read(1 << 16), str(path))
                if encoding.startswith("utf-16"):
                    return whole  # lines of UTF-16 cannot be found by their bytes
                handle.seek(0)
                partitions, start, first, rows, number = [], 0, 1, 0, 0
                for line in bounded_lines(handle, MAX_ARTICLE_BYTES):
                    number += 1
                    rows += line is not None and bool(line.strip())
                    if number - first + 1 == size:
                        partitions.append(self._lines(path, fields, start, first, size))
                        start, first = handle.tell(), number + 1
                if number >= first:
                    partitions.append(self._lines(path, fields, start, first, number - first + 1))
        except (InputError, OSError):
            return whole
        return partitions if rows else whole  # an empty dump: one "empty" error, as a whole read gives

    def _lines(self, path: Path, fields: tuple, start: int, first: int, count: int) -> Partition:
        return Partition(self.name, (str(path),), fields, start, first, count, where=f"{path}:{first}-{first + count - 1}")

    def read_partition(self, partition: Partition) -> Iterator[Article | InputError]:
        # A slice of the file, row by row as a whole read goes (the planner has already refused binary and
        # UTF-16 dumps); tests/test_executor.py checks both read the same articles.
        path, fields = Path(partition.paths[0]), dict(partition.fields)
        with path.open("rb") as handle:
            handle.seek(partition.start)
            numbers = range(partition.first, partition.first + partition.count)
            for number, line in zip(numbers, bounded_lines(handle, MAX_ARTICLE_BYTES)):
                item = jsonl_row(line, f"{path}:{number}", fields, default_outlet=path.stem, max_bytes=MAX_ARTICLE_BYTES)
                if item is not None:
                    yield item
