"""The sources package: every input format has one reader in the registry, found by its suffix; a
format nobody reads is one clear error; the partitions a reader cuts read exactly what the whole file
reads; and the per-article step (prepare) gives a pile, an ingest and a worker the same articles."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import EXAMPLES
from storyline.errors import ConfigError, InputError
from storyline.executor import LocalExecutor, PartitionFailed
from storyline.ingest import prepare_partition
from storyline.prepare import prepare
from storyline.sources.formats import READERS, reader, reader_for
from storyline.sources.readers import Partition
from storyline.sources.route import iter_articles, plan_partitions, read_partition


@pytest.mark.parametrize("name, expected", [
    ("a.txt", "text"), ("a.md", "text"), ("NOTES", "text"), ("a.xml", "text"),  # no reader claims .xml
    ("a.html", "html"), ("a.HTM", "html"), ("a.xhtml", "html"),
    ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.json", "jsonl"),
    ("a.csv", "csv"), ("a.TSV", "csv"), ("a.parquet", "parquet"),
])
def test_each_file_goes_to_the_reader_its_suffix_names(name, expected):
    assert reader_for(Path(name)).name == expected


def test_every_suffix_is_claimed_by_one_reader_only():
    suffixes = [suffix for r in READERS.values() for suffix in r.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert set(READERS) == {"text", "html", "jsonl", "csv", "parquet"}


def test_an_unknown_format_is_one_clear_error():
    with pytest.raises(ConfigError) as error:
        reader("xml")
    assert error.value.one_line() == (
        "no reader for the input format 'xml' (the formats read are: csv, html, jsonl, parquet, text)")


@pytest.mark.models
def test_a_partition_of_an_unknown_format_is_one_error_line_and_the_rest_goes_on(tmp_path):
    good = Partition("files", (str(EXAMPLES / "tarne-gazette.txt"),))
    unknown = Partition("xml", (str(tmp_path / "feed.xml"),))
    results = list(LocalExecutor().map(prepare_partition, [unknown, good]))
    assert isinstance(results[0], PartitionFailed)
    assert results[0].one_line().startswith(f"{tmp_path / 'feed.xml'}: failed after 1 tries (ConfigError: "
                                            "no reader for the input format 'xml'")
    assert [p.analyzed.id for p in results[1]] == [a.id for a in iter_articles([EXAMPLES / "tarne-gazette.txt"])]


def test_a_cut_dump_reads_the_same_rows_errors_and_line_numbers_as_the_whole_file(tmp_path):
    dump = tmp_path / "dump.jsonl"
    rows = [json.dumps({"title": f"Item {n}", "text": f"Body of item {n}.", "outlet": "wire"}) for n in range(5)]
    rows[2] = "{broken"
    dump.write_text("\n".join(rows) + "\n", encoding="utf-8")
    partitions = plan_partitions([dump], size=2)
    assert [p.describe() for p in partitions] == [f"{dump}:1-2", f"{dump}:3-4", f"{dump}:5-5"]
    by_parts = [item for p in partitions for item in read_partition(p)]
    whole = list(iter_articles([dump]))
    assert [getattr(i, "id", None) or i.one_line() for i in by_parts] == \
        [getattr(i, "id", None) or i.one_line() for i in whole]
    assert f"{dump}:3: not valid JSON" in by_parts[2].one_line()


def test_items_read_in_the_driver_are_a_partition_too():
    items = list(iter_articles([EXAMPLES])) + [InputError("no such file or directory", input="missing.txt")]
    partition = Partition("items", items=tuple(items))
    assert list(read_partition(partition)) == items
    assert partition.describe() == f"{items[0].source} .. missing.txt ({len(items)} inputs)"


def test_prepare_keeps_the_order_and_names_what_cleaning_emptied(analyzer):
    articles = [a for a in iter_articles([EXAMPLES]) if not isinstance(a, InputError)][:3]
    boilerplate = replace(articles[0], id="only-boilerplate", source="chrome.txt",
                          text="Share\n\nAdvertisement\n\nFollow us on Twitter")
    prepared = prepare([articles[0], boilerplate, articles[1], articles[0], articles[2]], analyzer)
    assert [p.article_id for p in prepared] == [articles[0].id, "only-boilerplate", articles[1].id,
                                                  articles[0].id, articles[2].id]
    assert prepared[1].analyzed is None and prepared[1].removed.input == "chrome.txt"
    assert "nothing left after removing boilerplate" in prepared[1].removed.problem
    assert all(p.analyzed is not None and p.signature is not None and p.analyzer_key == analyzer.key
               for n, p in enumerate(prepared) if n != 1)
