"""The SQLite store: articles (raw and cleaned), their analyses, syndication groups, stories and
briefing versions, in one file.

* Path: ``--db``, else ``$STORYLINE_DB``, else ``~/.local/share/storyline/storyline.db``.
* Schema changes are numbered migrations applied in order (``MIGRATIONS``); ``schema_version``
  records the last one applied.
* WAL mode: readers are never blocked by the writer for long; one writer at a time (SQLite's lock,
  waited on with a busy timeout).
* Every article is written in one transaction together with its analysis, syndication group and
  story, so killing the process at any point leaves each article stored completely or not at all.
* The store implements ``analyze.AnalysisCache``: an article is never analyzed twice.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import ContextManager, Iterator, Protocol

import numpy as np

from storyline.analyze import AnalysisCache
from storyline.errors import StoreError
from storyline.models import AnalyzedArticle, Article, CleanedArticle, Entity, RemovedSpan, Sentence

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 30

MIGRATIONS: list[str] = [
    # 1: the initial schema
    """
    CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL, text TEXT NOT NULL, outlet TEXT NOT NULL, source TEXT NOT NULL,
        url TEXT, published TEXT, author TEXT, raw TEXT NOT NULL, raw_format TEXT NOT NULL, encoding TEXT NOT NULL,
        cleaned_text TEXT NOT NULL, cleaned_title TEXT NOT NULL, removed TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_url ON articles(url);
    CREATE TABLE analyses (
        article_id TEXT NOT NULL REFERENCES articles(id),
        analyzer_key TEXT NOT NULL,
        sentences TEXT NOT NULL, entities TEXT NOT NULL,
        embeddings BLOB NOT NULL, dim INTEGER NOT NULL,
        PRIMARY KEY (article_id, analyzer_key)
    );
    CREATE TABLE syndication (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        group_id TEXT NOT NULL,
        signature BLOB NOT NULL
    );
    CREATE INDEX syndication_group ON syndication(group_id);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        centroid BLOB NOT NULL, size INTEGER NOT NULL, entities TEXT NOT NULL, terms TEXT NOT NULL,
        last_published TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE TABLE story_articles (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        story_id TEXT NOT NULL REFERENCES stories(id)
    );
    CREATE INDEX story_articles_story ON story_articles(story_id);
    CREATE TABLE briefings (
        story_id TEXT NOT NULL, version INTEGER NOT NULL,
        created_at TEXT NOT NULL, article_ids TEXT NOT NULL, briefing TEXT NOT NULL,
        PRIMARY KEY (story_id, version)
    );
    CREATE TABLE feeds (url TEXT PRIMARY KEY, etag TEXT, modified TEXT, polled_at TEXT);
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, cleaned_text, content='articles', content_rowid='rowid');
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, cleaned_text) VALUES (new.rowid, new.title, new.cleaned_text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, cleaned_text)
        VALUES ('delete', old.rowid, old.title, old.cleaned_text);
    END;
    """,
    # 2: where the outlet and the publication date came from (Article.outlet_source, .published_source).
    # Rows stored before could only date an article from the input's own field; which fallback named
    # their outlet was not recorded.
    """
    ALTER TABLE articles ADD COLUMN outlet_source TEXT NOT NULL DEFAULT 'not recorded';
    ALTER TABLE articles ADD COLUMN published_source TEXT NOT NULL DEFAULT 'data';
    """,
    # 3: copies by containment: the syndication signature is now the article's sampled shingle hashes
    # (dedup.copy_shingles), not a MinHash. Old signatures are emptied; opening the indexes recomputes them
    # from the cleaned text (the groups already decided stay).
    """
    UPDATE syndication SET signature = X'';
    """,
    # 4: the settings a store's derived data was made with (the story clusterer), so that every later
    # ingest, watch and repair of it uses the same. A store that has stories already made them with the
    # hand-set links, the default until then.
    """
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO settings SELECT 'clusterer', 'link' WHERE EXISTS (SELECT 1 FROM stories);
    """,
]


DEFAULT_DB = Path.home() / ".local" / "share" / "storyline" / "storyline.db"


def default_db_path() -> Path:
    return Path(os.environ["STORYLINE_DB"]) if os.environ.get("STORYLINE_DB") else DEFAULT_DB


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StoryRow:
    id: str
    title: str
    articles: int
    outlets: int
    independent: int
    first_published: str | None
    last_published: str | None
    updated_at: str


class IngestStore(AnalysisCache, Protocol):
    """What ingest needs from a store (``ingest.ingest``, ``assign``, ``sources.route.iter_sources``):
    which articles it holds, the syndication and story indexes to load, one transaction per article to
    write, the stories' titles, and the feeds' conditional-request state. :class:`Store` is the one."""

    path: Path

    def transaction(self) -> ContextManager: ...
    def has_article(self, article_id: str) -> bool: ...
    def article_ids_in_order(self) -> list[str]: ...
    def setting(self, name: str) -> str | None: ...
    def set_setting(self, name: str, value: str) -> None: ...
    def syndication_signatures(self) -> Iterator[tuple[str, str, np.ndarray]]: ...
    def load_stories(self) -> Iterator[tuple]: ...
    def recent_story_articles(self, limit: int) -> list[tuple[str, str]]: ...
    def story_ids(self) -> list[str]: ...
    def story_of(self, article_id: str) -> str | None: ...
    def story_article_ids(self, story_id: str) -> list[str]: ...
    def put_article(self, cleaned: CleanedArticle) -> None: ...
    def put_syndication(self, article_id: str, group_id: str, signature: np.ndarray) -> None: ...
    def put_story(self, story) -> None: ...
    def merge_stories(self, keep: str, absorbed: str) -> None: ...
    def add_to_story(self, article_id: str, story_id: str) -> None: ...
    def set_story_title(self, story_id: str, title: str) -> None: ...
    def feed_state(self, url: str) -> tuple[str | None, str | None]: ...
    def save_feed_state(self, url: str, etag: str | None, modified: str | None) -> None: ...
    def known_urls(self) -> set[str]: ...


class StoryReader(Protocol):
    """What the web app reads from a store to list and show stories (its briefings come through
    ``pipeline.brief_story``). :class:`Store` is the one."""

    def count_articles(self) -> int: ...
    def list_stories(self, *, since: datetime | None = None, until: datetime | None = None, search: str | None = None,
                     outlet: str | None = None, story_id: str | None = None, limit: int = 100,
                     offset: int = 0) -> list[StoryRow]: ...
    def story_row(self, story_id: str) -> StoryRow | None: ...
    def outlets(self) -> list[tuple[str, int]]: ...
    def resolve_story_id(self, prefix: str) -> str: ...
    def story_article_ids(self, story_id: str) -> list[str]: ...
    def story_of(self, article_id: str) -> str | None: ...
    def copies_of(self, article_id: str) -> list[str]: ...
    def cleaned_article(self, article_id: str) -> CleanedArticle | None: ...
    def sentence_spans(self, article_id: str) -> list[tuple[int, int]]: ...
    def briefing_version(self, story_id: str, *, version: int | None = None, at: datetime | None = None) -> dict | None: ...
    def change_stamp(self) -> tuple: ...


class Store:
    """One SQLite file. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoint, never corrupt
            self.connection.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the store ({exc})", input=str(self.path),
                             fix="check the path, or run `storyline doctor`") from None
        except OSError as exc:
            raise StoreError(f"cannot create the store ({exc.strerror})", input=str(self.path)) from None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    # --- schema ------------------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self.transaction():
            self.connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self.connection.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"the store has schema version {version}, newer than this storyline knows ({len(MIGRATIONS)})",
                    input=str(self.path), fix="upgrade storyline",
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _split_sql(script):
                    self.connection.execute(statement)
                log.info("store %s migrated to schema version %d", self.path, number)
            if row is None:
                self.connection.execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS),))
            else:
                self.connection.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS),))

    @property
    def schema_version(self) -> int:
        return self.connection.execute("SELECT version FROM schema_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE takes the single writer lock up front)."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        else:
            self.connection.execute("COMMIT")

    # --- articles ----------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        return self.connection.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def put_article(self, cleaned: CleanedArticle) -> None:
        """Insert (inside the caller's transaction); an article already stored is left as it is."""
        a = cleaned.article
        removed = json.dumps([[r.start, r.end, r.text, r.rule] for r in cleaned.removed], ensure_ascii=False)
        self.connection.execute(
            "INSERT OR IGNORE INTO articles (id, title, text, outlet, source, url, published, author, raw,"
            " raw_format, encoding, cleaned_text, cleaned_title, removed, ingested_at, outlet_source, published_source)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (a.id, a.title, a.text, a.outlet, a.source, a.url, a.published.isoformat() if a.published else None,
             a.author, a.raw, a.raw_format, a.encoding, cleaned.text, cleaned.title, removed, now_iso(),
             a.outlet_source, a.published_source),
        )

    def cleaned_article(self, article_id: str) -> CleanedArticle | None:
        row = self.connection.execute(
            "SELECT id, title, text, outlet, source, url, published, author, raw, raw_format, encoding,"
            " cleaned_text, cleaned_title, removed, outlet_source, published_source FROM articles WHERE id = ?",
            (article_id,)
        ).fetchone()
        if row is None:
            return None
        article = Article(
            id=row[0], title=row[1], text=row[2], outlet=row[3], source=row[4], url=row[5],
            published=datetime.fromisoformat(row[6]) if row[6] else None, author=row[7], raw=row[8],
            raw_format=row[9], encoding=row[10], outlet_source=row[14], published_source=row[15],
        )
        removed = tuple(RemovedSpan(*span) for span in json.loads(row[13]))
        return CleanedArticle(article, row[11], removed, row[12])

    def count_articles(self) -> int:
        return self.connection.execute("SELECT count(*) FROM articles").fetchone()[0]

    # --- the AnalysisCache protocol ---------------------------------------------------------------

    def get(self, article_id: str, analyzer_key: str) -> AnalyzedArticle | None:
        row = self.connection.execute(
            "SELECT sentences, entities, embeddings, dim FROM analyses WHERE article_id = ? AND analyzer_key = ?",
            (article_id, analyzer_key),
        ).fetchone()
        if row is None:
            return None
        cleaned = self.cleaned_article(article_id)
        if cleaned is None:
            return None
        sentences = [Sentence(article_id, *values) for values in json.loads(row[0])]
        entities = [Entity(*values) for values in json.loads(row[1])]
        embeddings = np.frombuffer(row[2], dtype=np.float32).reshape(len(sentences), row[3])
        return AnalyzedArticle(cleaned, sentences, entities, embeddings)

    def put(self, analyzed: AnalyzedArticle, analyzer_key: str) -> None:
        """Store an analysis (inside the caller's transaction); the article must be stored first."""
        sentences = json.dumps([[s.index, s.text, s.start, s.end, s.paragraph] for s in analyzed.sentences],
                               ensure_ascii=False)
        entities = json.dumps([[e.text, e.label, e.sentence_index, e.start, e.end] for e in analyzed.entities],
                              ensure_ascii=False)
        embeddings = np.ascontiguousarray(analyzed.embeddings, dtype=np.float32)
        dim = embeddings.shape[1] if embeddings.ndim == 2 else 0  # kept for an article without sentences too
        self.connection.execute(
            "INSERT OR REPLACE INTO analyses (article_id, analyzer_key, sentences, entities, embeddings, dim)"
            " VALUES (?,?,?,?,?,?)",
            (analyzed.id, analyzer_key, sentences, entities, embeddings.tobytes(), dim),
        )

    # --- syndication groups ------------------------------------------------------------------------

    def put_syndication(self, article_id: str, group_id: str, signature: np.ndarray) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO syndication (article_id, group_id, signature) VALUES (?,?,?)",
            (article_id, group_id, np.asarray(signature, dtype=np.uint64).tobytes()),
        )

    def syndication_signatures(self) -> Iterator[tuple[str, str, np.ndarray]]:
        """(article id, group id, shingle hashes) of every stored article; the hashes of rows emptied by
        migration 3 are recomputed from the cleaned text and stored again."""
        rows = self.connection.execute("SELECT article_id, group_id, signature FROM syndication").fetchall()
        emptied = [(article_id, group_id) for article_id, group_id, blob in rows if not blob]
        if emptied:
            from storyline.dedup import copy_shingles

            with self.transaction():
                for article_id, group_id in emptied:
                    text = self.connection.execute("SELECT cleaned_text FROM articles WHERE id = ?", (article_id,)).fetchone()
                    self.put_syndication(article_id, group_id, copy_shingles(text[0] if text else ""))
            rows = self.connection.execute("SELECT article_id, group_id, signature FROM syndication").fetchall()
        for article_id, group_id, blob in rows:
            yield article_id, group_id, np.frombuffer(blob, dtype=np.uint64)

    def syndication_groups(self, article_ids: list[str]) -> dict[str, str]:
        """Article id -> its group id, for articles in a group with at least one other article."""
        out = {}
        for article_id in article_ids:
            row = self.connection.execute(
                "SELECT s.group_id, (SELECT count(*) FROM syndication t WHERE t.group_id = s.group_id)"
                " FROM syndication s WHERE s.article_id = ?", (article_id,)
            ).fetchone()
            if row and row[1] > 1:
                out[article_id] = row[0]
        return out

    # --- stories -----------------------------------------------------------------------------------

    def load_stories(self) -> Iterator[tuple[str, str, np.ndarray, int, dict[str, int], dict[str, int], str | None]]:
        """(id, title, vector sum, size, entity counts, term counts, last published) of every story."""
        for row in self.connection.execute(
            "SELECT id, title, centroid, size, entities, terms, last_published FROM stories ORDER BY rowid"
        ):
            yield (row[0], row[1], np.frombuffer(row[2], dtype=np.float32), row[3], json.loads(row[4]),
                   json.loads(row[5]), row[6])

    def put_story(self, story) -> None:
        """Insert or update a cluster.Story (inside the caller's transaction)."""
        stamp = now_iso()
        self.connection.execute(
            "INSERT INTO stories (id, title, centroid, size, entities, terms, last_published, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"  # the title is the briefing's: set_story_title
            " centroid = excluded.centroid, size = excluded.size, entities = excluded.entities,"
            " terms = excluded.terms, last_published = excluded.last_published, updated_at = excluded.updated_at",
            (story.id, story.title, np.asarray(story.vector_sum, dtype=np.float32).tobytes(), story.size,
             json.dumps(dict(story.entities)), json.dumps(dict(story.terms)),
             story.last_published.isoformat() if story.last_published else None, stamp, stamp),
        )

    def set_story_title(self, story_id: str, title: str) -> None:
        """A story is named as its briefing is (``pipeline.name_stories``), after each ingest that touched it."""
        self.connection.execute("UPDATE stories SET title = ? WHERE id = ?", (title, story_id))

    def add_to_story(self, article_id: str, story_id: str) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO story_articles (article_id, story_id) VALUES (?,?)", (article_id, story_id)
        )

    def merge_stories(self, keep: str, absorbed: str) -> None:
        self.connection.execute("UPDATE story_articles SET story_id = ? WHERE story_id = ?", (keep, absorbed))
        self.connection.execute("DELETE FROM stories WHERE id = ?", (absorbed,))

    def setting(self, name: str) -> str | None:
        row = self.connection.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_setting(self, name: str, value: str) -> None:
        with self.transaction():
            self.connection.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                            (name, value))

    def untitled_stories(self) -> list[str]:
        return [r[0] for r in self.connection.execute("SELECT id FROM stories WHERE trim(title) = '' ORDER BY rowid")]

    def story_ids(self) -> list[str]:
        return [r[0] for r in self.connection.execute("SELECT id FROM stories ORDER BY rowid")]

    def story_article_ids(self, story_id: str) -> list[str]:
        return [
            r[0]
            for r in self.connection.execute(
                "SELECT sa.article_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
                " WHERE sa.story_id = ? ORDER BY a.published IS NULL, a.published, a.rowid", (story_id,)
            )
        ]

    def resolve_story_id(self, prefix: str) -> str:
        rows = self.connection.execute("SELECT id FROM stories WHERE id LIKE ? || '%'", (prefix,)).fetchall()
        if len(rows) != 1:
            problem = "no story has this id" if not rows else f"{len(rows)} stories start with this id"
            raise StoreError(problem, input=f"story {prefix}", fix="see `storyline stories`")
        return rows[0][0]

    def list_stories(
        self, *, since: datetime | None = None, until: datetime | None = None, search: str | None = None,
        outlet: str | None = None, story_id: str | None = None, limit: int = 100, offset: int = 0,
    ) -> list[StoryRow]:
        """Stories newest first (by their latest article's publication date), then biggest; filtered by
        words (``fts_query``: "harb*" is a prefix), by an outlet among their articles and by the
        publication date of their latest article.

        Undated stories (no article has a publication date) come after every dated one, newest change
        first, and a date filter (``since`` or ``until``) leaves them out: it asks when the news was
        published, which they do not say (the time they were ingested is not news time)."""
        where, params = [], []
        if story_id:
            where.append("s.id = ?")
            params.append(story_id)
        if outlet:
            where.append("s.id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
                         " WHERE a.outlet = ?)")
            params.append(outlet)
        if search:
            where.append(
                "s.id IN (SELECT sa.story_id FROM articles_fts f JOIN articles a ON a.rowid = f.rowid"
                " JOIN story_articles sa ON sa.article_id = a.id WHERE articles_fts MATCH ?)"
            )
            params.append(fts_query(search))
        having = []
        if since:
            having.append("max(a.published) >= ?")
            params.append(since.isoformat())
        if until:
            having.append("max(a.published) <= ?")
            params.append(until.isoformat())
        sql = (
            "SELECT s.id, s.title, count(a.id), count(DISTINCT a.outlet),"
            " count(DISTINCT coalesce(g.group_id, a.outlet)), min(a.published), max(a.published), s.updated_at"
            " FROM stories s JOIN story_articles sa ON sa.story_id = s.id JOIN articles a ON a.id = sa.article_id"
            " LEFT JOIN (SELECT article_id, group_id FROM syndication WHERE group_id IN"
            "   (SELECT group_id FROM syndication GROUP BY group_id HAVING count(*) > 1)) g ON g.article_id = a.id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " GROUP BY s.id" + (" HAVING " + " AND ".join(having) if having else "")
            + " ORDER BY max(a.published) IS NULL, max(a.published) DESC, s.updated_at DESC, count(a.id) DESC,"
              " s.id LIMIT ? OFFSET ?"
        )
        params += [limit, offset]
        try:
            return [StoryRow(*row) for row in self.connection.execute(sql, params)]
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search ({exc})", input=search or "", fix="search for plain words") from None

    def story_row(self, story_id: str) -> StoryRow | None:
        rows = self.list_stories(story_id=story_id, limit=1)
        return rows[0] if rows else None

    def outlets(self) -> list[tuple[str, int]]:
        """(outlet, number of articles), most articles first."""
        return self.connection.execute(
            "SELECT outlet, count(*) FROM articles GROUP BY outlet ORDER BY count(*) DESC, outlet"
        ).fetchall()

    def story_of(self, article_id: str) -> str | None:
        row = self.connection.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def copies_of(self, article_id: str) -> list[str]:
        """The other articles in this article's syndication group."""
        return [r[0] for r in self.connection.execute(
            "SELECT t.article_id FROM syndication s JOIN syndication t ON t.group_id = s.group_id"
            " WHERE s.article_id = ? AND t.article_id != s.article_id ORDER BY t.article_id", (article_id,)
        )]

    def sentence_spans(self, article_id: str) -> list[tuple[int, int]]:
        """(start, end) of each sentence of the article's cleaned text, from its latest analysis."""
        row = self.connection.execute(
            "SELECT sentences FROM analyses WHERE article_id = ? ORDER BY rowid DESC LIMIT 1", (article_id,)
        ).fetchone()
        return [(s[2], s[3]) for s in json.loads(row[0])] if row else []

    # --- briefing versions ---------------------------------------------------------------------------

    def latest_briefing(self, story_id: str) -> tuple[int, list[str], dict] | None:
        row = self.connection.execute(
            "SELECT version, article_ids, briefing FROM briefings WHERE story_id = ? ORDER BY version DESC LIMIT 1",
            (story_id,),
        ).fetchone()
        return (row[0], json.loads(row[1]), json.loads(row[2])) if row else None

    def briefing_version(self, story_id: str, *, version: int | None = None, at: datetime | None = None) -> dict | None:
        """A stored briefing: by version number, or the latest one made at or before a time."""
        if version is not None:
            row = self.connection.execute(
                "SELECT briefing FROM briefings WHERE story_id = ? AND version = ?", (story_id, version)
            ).fetchone()
        else:
            row = self.connection.execute(
                "SELECT briefing FROM briefings WHERE story_id = ? AND created_at <= ? ORDER BY version DESC LIMIT 1",
                (story_id, (at or datetime.max).isoformat()),
            ).fetchone()
        return json.loads(row[0]) if row else None

    def save_briefing(self, story_id: str, article_ids: list[str], briefing: dict) -> int:
        with self.transaction():
            latest = self.connection.execute(
                "SELECT coalesce(max(version), 0) FROM briefings WHERE story_id = ?", (story_id,)
            ).fetchone()[0]
            version = latest + 1
            briefing = {**briefing, "version": version}
            self.connection.execute(
                "INSERT INTO briefings (story_id, version, created_at, article_ids, briefing) VALUES (?,?,?,?,?)",
                (story_id, version, now_iso(), json.dumps(sorted(article_ids)), json.dumps(briefing, ensure_ascii=False)),
            )
        return version

    # --- feeds ------------------------------------------------------------------------------------------

    def feed_state(self, url: str) -> tuple[str | None, str | None]:
        """(etag, last-modified) remembered from the feed's last answer, for a conditional request."""
        row = self.connection.execute("SELECT etag, modified FROM feeds WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_feed_state(self, url: str, etag: str | None, modified: str | None) -> None:
        self.connection.execute(
            "INSERT INTO feeds (url, etag, modified, polled_at) VALUES (?,?,?,?) ON CONFLICT(url) DO UPDATE SET"
            " etag = excluded.etag, modified = excluded.modified, polled_at = excluded.polled_at",
            (url, etag, modified, now_iso()),
        )

    def known_urls(self) -> set[str]:
        return {row[0] for row in self.connection.execute("SELECT url FROM articles WHERE url IS NOT NULL")}

    # --- health ------------------------------------------------------------------------------------

    def integrity_check(self) -> str:
        return self.connection.execute("PRAGMA integrity_check").fetchone()[0]

    def article_ids_in_order(self) -> list[str]:
        """Every stored article id, in the order the articles were stored."""
        return [r[0] for r in self.connection.execute("SELECT id FROM articles ORDER BY rowid")]

    def articles_without_analysis(self, analyzer_key: str) -> list[str]:
        return [r[0] for r in self.connection.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM analyses WHERE analyzer_key = ?)"
            " ORDER BY rowid", (analyzer_key,))]

    def change_stamp(self) -> tuple:
        """Changes whenever articles, stories or briefings change: a cheap cache key for pages built from them."""
        return self.connection.execute(
            "SELECT (SELECT max(rowid) FROM articles), (SELECT count(*) FROM articles), (SELECT count(*) FROM stories),"
            " (SELECT max(updated_at) FROM stories), (SELECT total(size) FROM stories), (SELECT count(*) FROM briefings)"
        ).fetchone()

    def fts_in_step(self) -> bool:
        """Whether the full-text index matches the stored articles (FTS5 integrity-check against content)."""
        try:
            self.connection.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")
            return True
        except sqlite3.DatabaseError:
            return False

    def rebuild_fts(self) -> None:
        self.connection.execute("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")

    def derived_data_problems(self) -> dict[str, int]:
        """Counts of what is missing or dangling in the data derived from the articles (0 = healthy)."""
        count = lambda sql: self.connection.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "articles without an analysis": count(
                "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM analyses)"),
            "articles without a syndication group": count(
                "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM syndication)"),
            "articles in no story": count(
                "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM story_articles)"),
            "story links to a missing story": count(
                "SELECT count(*) FROM story_articles WHERE story_id NOT IN (SELECT id FROM stories)"),
            "stories without articles": count(
                "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM story_articles)"),
            "stories without a title": count("SELECT count(*) FROM stories WHERE trim(title) = ''"),
            "stories whose size is wrong": count(
                "SELECT count(*) FROM stories s WHERE size != (SELECT count(*) FROM story_articles WHERE story_id = s.id)"),
            "derived rows of missing articles": count(
                "SELECT (SELECT count(*) FROM analyses WHERE article_id NOT IN (SELECT id FROM articles))"
                " + (SELECT count(*) FROM syndication WHERE article_id NOT IN (SELECT id FROM articles))"
                " + (SELECT count(*) FROM story_articles WHERE article_id NOT IN (SELECT id FROM articles))"),
        }

    def drop_rows_of_missing_articles(self) -> None:
        """Delete the derived rows (analyses, syndication, story links) of articles no longer stored."""
        with self.transaction():
            for table in ("analyses", "syndication", "story_articles"):
                self.connection.execute(f"DELETE FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)")

    def clear_groups_and_stories(self) -> None:
        """Delete every syndication group and story (``doctor --repair`` rebuilds them from the articles)."""
        with self.transaction():
            for table in ("syndication", "story_articles", "stories"):
                self.connection.execute(f"DELETE FROM {table}")

    # --- stories: the clusterer's window -------------------------------------------------------------

    def recent_story_articles(self, limit: int) -> list[tuple[str, str]]:
        """(article id, story id) of the last ``limit`` articles stored with a story, oldest first."""
        rows = self.connection.execute(
            "SELECT sa.article_id, sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
            " ORDER BY a.rowid DESC LIMIT ?", (limit,)
        ).fetchall()
        return [(article_id, story_id) for article_id, story_id in reversed(rows)]


_SEARCH_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f]+")


def fts_query(text: str) -> str:
    """User words as an FTS5 query: each word one quoted term, so no user input is FTS syntax (AND, NEAR,
    column filters); a word ending in * is a prefix ("harb*" finds harbour). Raises ConfigError when
    there is nothing to search for (only "*")."""
    from storyline.errors import ConfigError

    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate (a non-UTF-8 argument)
    terms = []
    for word in _SEARCH_SEPARATORS.split(text):
        stem = word.rstrip("*")
        if word and not stem:
            raise ConfigError(f"search '{text.strip()}': a * needs the start of a word before it",
                              fix="search for words, or the first letters of one followed by * (harb*)")
        if stem:
            quoted = '"' + stem.replace('"', '""') + '"'
            terms.append(quoted + "*" if stem != word else quoted)
    if not terms:
        raise ConfigError("nothing to search for", fix="give one or more words")
    return " ".join(terms)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (which contain ';') whole."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        inside_trigger = text.upper().startswith("CREATE TRIGGER") and not text.upper().endswith("END;")
        if text.endswith(";") and not inside_trigger:
            statements.append(text)
            current = []
    if "\n".join(current).strip():
        statements.append("\n".join(current).strip())
    return statements
