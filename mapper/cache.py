"""A cache of analysed articles, so reopening the same articles is near-instant.

Keyed by the hash of the article's text and the pipeline's *fingerprint* (code
version, language model, gazetteer, corrections, event types, actor word
lists, online lookups on/off): any change to what produces an analysis makes
the old entries unreachable, so stale results are never shown. Entries hold the
analysis without the article's file name and title, which are taken from the
file as opened now.

The cache is a single SQLite file in the user's cache folder; entries are
zlib-compressed pickles of our own frozen records (written only by us, never
shared: project files, which are shared, use JSON). A corrupt or
unreadable cache is set aside and rebuilt empty; the cache never stops the app.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
import threading
import time
import zlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mapper.bulk import collector_paused
from mapper.serialize import FORMAT_VERSION
from mapper.types import Article, ArticleAnalysis

log = logging.getLogger(__name__)


def text_key(text: str) -> str:
    """The full sha256 of an article's text (the short article id is for display)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def default_cache_path() -> Path:
    """The analysis cache in the user's cache folder (``DATELINE_CACHE_DIR`` overrides it)."""
    from platformdirs import user_cache_dir

    root = Path(os.environ.get("DATELINE_CACHE_DIR") or user_cache_dir("dateline", "Dateline"))
    return root / f"analyses-v{FORMAT_VERSION}p.sqlite"


class AnalysisCache:
    """Stored analyses by (text hash, pipeline fingerprint); safe to share between threads."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()
        self._lock = threading.Lock()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as error:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            log.warning("analysis cache unreadable (%s); moved to %s, starting afresh",
                        error, aside.name)
            self.path.replace(aside)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS analyses (text_key TEXT, fingerprint TEXT,"
            " data BLOB, stored REAL, PRIMARY KEY (text_key, fingerprint)) WITHOUT ROWID"
        )
        db.execute("SELECT COUNT(*) FROM analyses").fetchone()  # fails now if corrupt
        return db

    def get(self, article: Article, fingerprint: str) -> ArticleAnalysis | None:
        """The stored analysis of this article's text, with this article's title and source."""
        return self.get_many([article], fingerprint)[0]

    def get_many(
        self, articles: Sequence[Article], fingerprint: str
    ) -> list[ArticleAnalysis | None]:
        """The stored analyses of these articles, in their order (None where there is none).

        One query per few hundred articles, and the records rebuilt with the
        garbage collector paused (see :mod:`mapper.bulk`): reopening a thousand
        articles is a bulk read, not a thousand small ones.
        """
        keys = [text_key(article.text) for article in articles]
        blobs: dict[str, bytes] = {}
        with self._lock:
            try:
                for first in range(0, len(keys), _KEYS_PER_QUERY):
                    chunk = keys[first : first + _KEYS_PER_QUERY]
                    placeholders = ",".join("?" * len(chunk))  # only "?"s: values are bound
                    blobs.update(self._db.execute(
                        "SELECT text_key, data FROM analyses WHERE fingerprint = ?"  # noqa: S608
                        f" AND text_key IN ({placeholders})",
                        (fingerprint, *chunk),
                    ).fetchall())
            except sqlite3.DatabaseError as error:
                log.warning("analysis cache read failed: %s", error)
                return [None] * len(articles)
        with collector_paused():
            return [
                _unpacked(blobs[key], article) if key in blobs else None
                for key, article in zip(keys, articles, strict=True)
            ]

    def put(self, analysis: ArticleAnalysis, fingerprint: str) -> None:
        """Store an analysis (the text itself is not stored twice: only its hash)."""
        # The text is not stored twice (only its hash, in the key); pickle because
        # it reads back ten times faster than JSON, and only we write this file.
        stripped = replace(analysis, article=replace(analysis.article, text=""))
        blob = zlib.compress(pickle.dumps(stripped, protocol=5), 6)
        with self._lock:
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO analyses VALUES (?, ?, ?, ?)",
                    (text_key(analysis.article.text), fingerprint, blob, time.time()),
                )
                self._db.commit()
            except sqlite3.DatabaseError as error:
                log.warning("analysis cache write failed: %s", error)

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM analyses").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


#: Text keys per SELECT (well under SQLite's limit on bound parameters).
_KEYS_PER_QUERY = 500


def _unpacked(blob: bytes, article: Article) -> ArticleAnalysis | None:
    """A stored analysis, given back this article (None if the entry is damaged)."""
    try:
        analysis = pickle.loads(zlib.decompress(blob))  # noqa: S301 -- our own cache
    except Exception as error:  # a damaged entry is a miss, never a crash
        log.warning("analysis cache entry unreadable, ignored: %s", error)
        return None
    if not isinstance(analysis, ArticleAnalysis):
        return None
    return replace(analysis, article=article)
