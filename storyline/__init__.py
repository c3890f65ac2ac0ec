"""storyline: turn a pile of news articles from many outlets into cited story briefings."""

__version__ = "0.1.0"
