"""What an input format is: a :class:`Reader`, and the :class:`Partition` of work an executor runs.

A reader reads a whole file (:meth:`Reader.read`) and, when its format can be cut, plans and reads the
*partitions* of one file (:meth:`Reader.partitions`, :meth:`Reader.read_partition`) so that an executor
can spread a big dump over workers; a partition of any reader gives exactly the articles, ids and errors
a read of the whole file gives there. A file whose suffix no reader claims is read by the ``text`` reader
(which also recognises HTML by its content).

Adding a format: one module in ``storyline/sources/`` with a Reader subclass, one line in
``sources.formats`` (the registry), and its test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from storyline.errors import InputError
from storyline.models import Article


@dataclass(frozen=True)
class Partition:
    """One unit of work for an executor. ``kind`` is ``files`` (a chunk of whole files, each read by its
    reader), ``items`` (articles and errors already read in the driver: pages, feeds) or the name of the
    reader that cut it out of one file (``jsonl``: ``count`` lines from byte ``start``, the first being line
    ``first``; ``parquet``: row group ``start``, whose first row is row ``first``). ``where``: how an error
    line names a partition cut out of one file; ``stored``: ids of its items already stored when it was
    planned (they are not prepared again)."""

    kind: str
    paths: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    start: int = 0
    first: int = 1
    count: int = 0
    where: str = ""
    items: tuple = ()
    stored: frozenset[str] = frozenset()

    def describe(self) -> str:
        """How an error line names the partition: its input, or its first and last inputs."""
        if self.kind == "files":
            names, unit = list(self.paths), "files"
        elif self.kind == "items":
            names, unit = [getattr(item, "source", None) or getattr(item, "input", "?") for item in self.items], "inputs"
        else:
            return self.where or self.paths[0]
        return names[0] if len(names) == 1 else f"{names[0]} .. {names[-1]} ({len(names)} {unit})"


class Reader:
    """One input format. Subclasses set ``name`` and ``suffixes`` and define :meth:`read`; a format that
    can be cut also defines :meth:`partitions` and :meth:`read_partition`."""

    name: str = ""
    suffixes: frozenset[str] = frozenset()

    def read(self, path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
        """Every article of the file, or an error for each row (or the file) that cannot be read; may raise
        one InputError for the whole file."""
        raise NotImplementedError

    def partitions(self, path: Path, fields: tuple[tuple[str, str], ...], size: int) -> list[Partition] | None:
        """The file's partitions of about ``size`` articles; None: the file is read whole, in a chunk of files."""
        return None

    def read_partition(self, partition: Partition) -> Iterator[Article | InputError]:
        raise NotImplementedError(f"the {self.name} reader does not cut files")

    @staticmethod
    def whole(path: Path, fields: tuple[tuple[str, str], ...]) -> list[Partition]:
        """A file read whole as its own partition (it could not be cut: a pipe, an unreadable file, ...)."""
        return [Partition("files", (str(path),), fields)]
