"""Where articles come from: files, directories, dumps (JSONL, CSV, Parquet), page URLs and feeds.

``route`` sends each input to its reader (:func:`route.iter_sources`, :func:`route.iter_articles`) and
cuts files into partitions for an executor (:func:`route.plan_partitions`). ``formats`` is the registry
of the input formats, one module each (``text``, ``html_page``, ``jsonl``, ``csv_table``, ``parquet``),
each a ``readers.Reader``; ``fetch`` gets page URLs and feeds, under its policy of which addresses may be
asked; ``article`` builds every :class:`~storyline.models.Article` (:func:`article.make_article`) and
``decode`` turns bytes into text. Adding an input format is one module here, one line in ``formats``,
and its test.
"""
