"""Parquet dumps (.parquet; needs pyarrow, the 'scale' extra): one article per row, streamed in batches; a
dump is cut into partitions by row group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, Mapping

from storyline.errors import InputError, require
from storyline.models import Article
from storyline.sources.article import article_or_error, no_text_column
from storyline.sources.readers import Partition, Reader


def _pyarrow_parquet():
    return require("pyarrow.parquet", extra="scale", purpose="reading Parquet dumps")


def _iter_parquet(path: Path, fields: Mapping[str, str]) -> Iterator[Article | InputError]:
    parquet = _pyarrow_parquet()
    try:
        table_file = parquet.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        yield InputError(f"not a readable Parquet file ({exc})", input=str(path))
        return
    missing = no_text_column(table_file.schema_arrow.names, fields, str(path), whose="the table")
    if missing:  # the same in every row: one error for the file
        yield missing
        return
    row_number = 0
    batches = table_file.iter_batches(batch_size=1024)
    while True:
        try:
            records = next(batches).to_pylist()
        except StopIteration:
            return
        except Exception as exc:  # a corrupt row group: the rows before it are kept
            yield InputError(f"not a readable Parquet file after row {row_number} ({exc})", input=str(path))
            return
        for record in records:
            row_number += 1
            yield _row(record, fields, path, row_number)


def _row(record: dict, fields: Mapping[str, str], path: Path, row_number: int) -> Article | InputError:
    return article_or_error(record, fields, source=f"{path}#row={row_number}", raw=json.dumps(record, default=str),
                            raw_format="parquet", default_outlet=path.stem)



class ParquetReader(Reader):
    name = "parquet"
    suffixes = frozenset({".parquet"})

    def read(self, path: Path, fields: Mapping[str, str], max_bytes: int) -> Iterator[Article | InputError]:
        return _iter_parquet(path, fields)

    def partitions(self, path: Path, fields: tuple[tuple[str, str], ...], size: int) -> list[Partition]:
        """One partition per row group (``size`` is the writer's choice here, not ours)."""
        parquet = _pyarrow_parquet()
        try:
            metadata = parquet.ParquetFile(path).metadata
        except Exception:  # not Parquet: the whole-file reader reports it as a local run does
            return self.whole(path, fields)
        partitions, first = [], 1
        for group in range(metadata.num_row_groups):
            rows = metadata.row_group(group).num_rows
            partitions.append(Partition(self.name, (str(path),), fields, group, first, rows,
                                        where=f"{path}#row-group={group}"))
            first += rows
        return partitions or self.whole(path, fields)

    def read_partition(self, partition: Partition) -> Iterator[Article | InputError]:
        parquet = _pyarrow_parquet()
        path, fields = Path(partition.paths[0]), dict(partition.fields)
        try:
            records = parquet.ParquetFile(path).read_row_group(partition.start).to_pylist()
        except Exception as exc:  # a corrupt row group: one error for it, the other groups go on
            yield InputError(f"not a readable Parquet row group ({exc})", input=partition.describe())
            return
        for row_number, record in enumerate(records, start=partition.first):
            yield _row(record, fields, path, row_number)
