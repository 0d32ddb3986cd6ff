"""A cache of analysed articles, so reopening the same articles is near-instant.

Keyed by the hash of the article's text and the pipeline's *fingerprint* (code
version, language model, gazetteer, corrections, event types, actor word
lists, online lookups on/off): any change to what produces an analysis makes
the old entries unreachable, so stale results are never shown. An article with a
home region (:mod:`mapper.geo.home`: its dateline, its outlet or the user's setting)
is kept under a fingerprint of its own (:func:`fingerprint_for_home`), so an analysis
made for one home region is never handed back for another. Entries hold the
analysis without the article itself (text, file name, title), which is taken
from the file as opened now.

The cache is a single SQLite file in the user's cache folder, which may be
shared or synced, so anyone who can write there can write entries: an entry is
plain DATA (zlib-compressed JSON of the records' fields, laid out in columns,
see :func:`_entry_of`), never code, and is checked field by field when read
back; one that does not check out is a miss. Older caches held pickles: their
files have other names, are never opened, and are deleted.

The cache never stops the app. A really corrupt file is set aside and rebuilt
empty; a cache that cannot be written (read-only, full, locked) is read as far
as it can be and stops being written; one that cannot be opened at all is
replaced by an in-memory one for the session. Each says so in one log warning.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import operator
import os
import re
import sqlite3
import threading
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

from mapper.errors import DatelineError
from mapper.store.gc_pause import collector_paused
from mapper.time.timex import Timex
from mapper.types import (
    Actor,
    ActorKind,
    ActorMention,
    Article,
    ArticleAnalysis,
    EventTag,
    Place,
    PlaceKind,
    PlaceMention,
    ResolvedMention,
    Sentence,
)

log = logging.getLogger(__name__)

#: Bump when the layout of an entry changes: the file name changes with it, so
#: entries of another layout are never read.
CACHE_LAYOUT = 3

#: Seconds a statement waits for another connection's lock (another Dateline
#: writing one entry holds it for milliseconds; longer is not a normal wait).
_BUSY_TIMEOUT_S = 5.0

#: Text keys per SELECT (well under SQLite's limit on bound parameters).
_KEYS_PER_QUERY = 500

#: An entry inflating to more than this is not ours (a real one is tens of kB).
_MAX_ENTRY_BYTES = 64 * 1024 * 1024

#: Cache files of the pickle era (``analyses-v1p.sqlite`` and its -wal, -shm and
#: set-aside copies): never opened, deleted when the default cache opens.
_PICKLE_CACHE_NAME = re.compile(r"analyses-v\d+p\.sqlite.*")
#: Caches of an earlier layout (``analyses-v2.sqlite``…): unreadable now, so deleted too.
_OLD_LAYOUT_NAME = re.compile(r"analyses-v(\d+)\.sqlite.*")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS analyses (text_key TEXT, fingerprint TEXT,"
    " data BLOB, stored REAL, PRIMARY KEY (text_key, fingerprint)) WITHOUT ROWID"
)


def text_key(text: str) -> str:
    """The full sha256 of an article's text (the short article id is for display)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint_for_home(fingerprint: str, home_key: str) -> str:
    """The fingerprint an article's analysis is kept under, given what its home region is
    keyed by (:attr:`mapper.geo.home.HomeRegion.key`; "" for none: the pipeline's own)."""
    if not home_key:
        return fingerprint
    return hashlib.sha256(f"{fingerprint}\0{home_key}".encode()).hexdigest()[:24]


def default_cache_path() -> Path:
    """The analysis cache in the user's cache folder (``DATELINE_CACHE_DIR`` overrides it)."""
    from platformdirs import user_cache_dir

    root = Path(os.environ.get("DATELINE_CACHE_DIR") or user_cache_dir("dateline", "Dateline"))
    return root / f"analyses-v{CACHE_LAYOUT}.sqlite"


class AnalysisCache:
    """Stored analyses by (text hash, pipeline fingerprint); safe to share between threads.

    Opening never raises for the machine's sake (a folder that cannot be
    created or written, a full disk, a locked or corrupt file): the cache then
    works with what it can, down to an in-memory cache for this session.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()
        self._lock = threading.Lock()
        self._writable = True
        self._db = self._open()
        if path is None:
            _delete_pickle_caches(self.path.parent)

    @property
    def writable(self) -> bool:
        """Whether new analyses are still being stored (False once writing has failed)."""
        return self._writable

    # -- opening --------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return self._in_memory(f"cannot create {self.path.parent}: {error}")
        try:
            return self._connect()
        except sqlite3.DatabaseError as error:
            if _is_corrupt(error):
                return self._set_aside_and_restart(error)
            if _is_locked(error):  # a reader would wait for the same lock, and fail alike
                return self._in_memory(f"{self.path} is locked by another program: {error}")
            problem = error  # read-only, full, unreadable: not the file's fault
        try:
            db = self._connect_read_only()
        except sqlite3.DatabaseError:
            return self._in_memory(f"{self.path} cannot be opened: {problem}")
        self._writable = False
        log.warning(
            "analysis cache %s is read-only now (%s); new analyses are not kept", self.path, problem
        )
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=_BUSY_TIMEOUT_S)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(_SCHEMA)
            db.execute("SELECT COUNT(*) FROM analyses").fetchone()  # fails now if corrupt
        except BaseException:
            db.close()  # no file handle (nor lock) left behind on a failed open
            raise
        return db

    def _connect_read_only(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            f"{self.path.absolute().as_uri()}?mode=ro",
            uri=True,
            check_same_thread=False,
            timeout=_BUSY_TIMEOUT_S,
        )
        try:
            db.execute("SELECT COUNT(*) FROM analyses").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside_and_restart(self, error: sqlite3.DatabaseError) -> sqlite3.Connection:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        try:
            self.path.replace(aside)
            # The journal files belong to the damaged database: a new one must not replay them.
            for suffix in ("-wal", "-shm"):
                journal = self.path.with_name(self.path.name + suffix)
                if journal.exists():
                    journal.replace(aside.with_name(aside.name + suffix))
        except OSError as move_error:
            return self._in_memory(
                f"{self.path} is corrupt ({error}) and cannot be moved: {move_error}"
            )
        log.warning("analysis cache corrupt (%s); moved to %s, starting afresh", error, aside.name)
        try:
            return self._connect()
        except sqlite3.DatabaseError as again:
            return self._in_memory(f"{self.path} cannot be created: {again}")

    def _in_memory(self, reason: str) -> sqlite3.Connection:
        log.warning(
            "analysis cache unavailable (%s); analyses are kept for this session only", reason
        )
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute(_SCHEMA)
        return db

    # -- reading and writing ----------------------------------------------------------
    def get(self, article: Article, fingerprint: str) -> ArticleAnalysis | None:
        """The stored analysis of this article's text, with this article's title and source."""
        return self.get_many([article], fingerprint)[0]

    def get_many(
        self, articles: Sequence[Article], fingerprint: str | Sequence[str]
    ) -> list[ArticleAnalysis | None]:
        """The stored analyses of these articles, in their order (None where there is none).

        ``fingerprint``: one for every article, or each article's own (as many as articles:
        see :func:`fingerprint_for_home`).

        One query per few hundred articles, and the records rebuilt with the
        garbage collector paused (see :mod:`mapper.store.gc_pause`): reopening a thousand
        articles is a bulk read, not a thousand small ones. An entry that cannot
        be read back is a miss (the article is analysed again, and stored anew).
        """
        keys = [text_key(article.text) for article in articles]
        fingerprints = (
            [fingerprint] * len(keys) if isinstance(fingerprint, str) else list(fingerprint)
        )
        if len(fingerprints) != len(keys):
            raise ValueError("one fingerprint for every article, or one for each")
        wanted: dict[str, list[str]] = {}  # fingerprint -> text keys (usually one group)
        for key, print_ in zip(keys, fingerprints, strict=True):
            wanted.setdefault(print_, []).append(key)
        blobs: dict[tuple[str, str], object] = {}
        with self._lock:
            try:
                for print_, group in wanted.items():
                    for first in range(0, len(group), _KEYS_PER_QUERY):
                        chunk = group[first : first + _KEYS_PER_QUERY]
                        placeholders = ",".join("?" * len(chunk))  # only "?"s: values bound
                        rows = self._db.execute(
                            "SELECT text_key, data FROM analyses WHERE fingerprint = ?"  # noqa: S608
                            f" AND text_key IN ({placeholders})",
                            (print_, *chunk),
                        ).fetchall()
                        blobs.update(((print_, key), data) for key, data in rows)
            except sqlite3.DatabaseError as error:
                log.warning("analysis cache read failed: %s", error)
                return [None] * len(articles)
        found: list[ArticleAnalysis | None] = []
        damaged: list[str] = []
        with collector_paused():
            for key, print_, article in zip(keys, fingerprints, articles, strict=True):
                blob = blobs.get((print_, key))
                if blob is None:
                    found.append(None)
                    continue
                try:
                    found.append(_analysis_of(blob, article))
                except Exception as error:  # a damaged entry is a miss, never a crash
                    damaged.append(f"{type(error).__name__}: {error}")
                    found.append(None)
        if damaged:
            log.warning(
                "%d analysis cache entries unreadable, ignored (first: %s)",
                len(damaged),
                damaged[0][:200],
            )
        return found

    def put(self, analysis: ArticleAnalysis, fingerprint: str) -> None:
        """Store an analysis (the text itself is not stored twice: only its hash)."""
        try:
            blob = _entry_of(analysis)
        except (TypeError, ValueError) as error:  # a value JSON cannot hold: not cached
            log.warning("analysis of %s not cached: %s", analysis.article.id, error)
            return
        with self._lock:
            if not self._writable:
                return
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO analyses VALUES (?, ?, ?, ?)",
                    (text_key(analysis.article.text), fingerprint, blob, time.time()),
                )
                self._db.commit()
            except sqlite3.DatabaseError as error:
                # Read-only, full, locked for longer than a write takes: more writes would
                # fail (or wait) alike, so the session goes on reading only, saying so once.
                self._writable = False
                log.warning(
                    "analysis cache %s cannot be written (%s); new analyses are not kept",
                    self.path,
                    error,
                )

    def __len__(self) -> int:
        with self._lock:
            try:
                return int(self._db.execute("SELECT COUNT(*) FROM analyses").fetchone()[0])
            except sqlite3.DatabaseError as error:
                log.warning("analysis cache cannot be counted: %s", error)
                return 0

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def _is_corrupt(error: sqlite3.DatabaseError) -> bool:
    """Whether the file itself is damaged (not a database, or a malformed one).

    Not so for what the machine does to a healthy file: locked, read-only,
    unopenable, disk full, I/O errors (those are OperationalErrors).
    """
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    message = str(error)
    return "file is not a database" in message or "malformed" in message


def _is_locked(error: sqlite3.DatabaseError) -> bool:
    """Whether another connection holds the lock (for longer than we wait for it)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error)


def _delete_pickle_caches(folder: Path) -> None:
    """Delete caches of the pickle era (never opened: pickles run code) and of earlier
    layouts from the cache folder."""
    try:
        old = [
            p
            for p in folder.iterdir()
            if _PICKLE_CACHE_NAME.fullmatch(p.name)
            or ((m := _OLD_LAYOUT_NAME.fullmatch(p.name)) and int(m.group(1)) < CACHE_LAYOUT)
        ]
    except OSError:
        return  # no folder: nothing to delete
    for path in old:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:  # in use by an older Dateline on Windows, say: next time
            log.info("old analysis cache %s left: %s", path, error)


# -- entries ------------------------------------------------------------------------
#
# An entry is a JSON array: [layout, pipeline_version, notes, sentence_count, and one
# table per kind of record]. A table is a list of columns (one list per field, in the
# record's field order), which JSON reads back nearly three times faster than one
# object per record, and whose types are checked a column at a time. Places are stored once
# per entry and sentences once, referred to by their position in their table.

_INT = frozenset({int})
_NUMBER = frozenset({int, float})
_TEXT = frozenset({str})
_FLAG = frozenset({bool})
_LIST = frozenset({list})
_PLACE_KINDS = frozenset(get_args(PlaceKind))
_ACTOR_KINDS = frozenset(get_args(ActorKind))

#: The column types of each table, in field order.
_SENTENCE_COLUMNS = (_INT, _INT)  # start, end
#: id, name, kind, lat, lon, country, country_code, population, admin1, source
_PLACE_COLUMNS = (_TEXT, _TEXT, _TEXT, _NUMBER, _NUMBER, _TEXT, _TEXT, _INT, _TEXT, _TEXT)
#: mention start, end, surface, source, demonym; place, score, sentence
_MENTION_COLUMNS = (_INT, _INT, _TEXT, _TEXT, _FLAG, _INT, _NUMBER, _INT)
_ACTOR_COLUMNS = (_TEXT, _TEXT, _TEXT, _LIST, _TEXT)  # id, name, kind, aliases, role
_ACTOR_MENTION_COLUMNS = (_TEXT, _INT, _INT, _TEXT)  # actor_id, start, end, surface
#: type, score, trigger, trigger_start, trigger_end, sentence
_EVENT_COLUMNS = (_TEXT, _NUMBER, _TEXT, _INT, _INT, _INT)
_DATE_COLUMNS = (_INT, _INT, _TEXT, _TEXT)  # start, end, type, value
_DATE_TYPES = frozenset(("DATE", "TIME", "DURATION", "SET"))


class DamagedEntryError(DatelineError, ValueError):
    """A cache entry that is not an analysis in our layout."""


def _entry_of(analysis: ArticleAnalysis) -> bytes:
    """The stored form of an analysis: compressed JSON, without the article."""
    sentences = list(analysis.sentences)
    sentence_numbers: dict[Sentence, int] = {}
    for number, sentence in enumerate(sentences):
        sentence_numbers.setdefault(sentence, number)

    def sentence_number(sentence: Sentence) -> int:
        number = sentence_numbers.get(sentence)
        if number is None:  # a sentence not in the list (never seen, but kept exact)
            number = sentence_numbers[sentence] = len(sentences)
            sentences.append(sentence)
        return number

    places: list[Place] = []
    place_numbers: dict[Place, int] = {}

    def place_number(place: Place) -> int:
        number = place_numbers.get(place)
        if number is None:
            number = place_numbers[place] = len(places)
            places.append(place)
        return number

    resolved = analysis.places
    mentions = [r.mention for r in resolved]
    mention_table = [
        [m.start for m in mentions],
        [m.end for m in mentions],
        [m.surface for m in mentions],
        [m.source for m in mentions],
        [m.demonym for m in mentions],
        [place_number(r.place) for r in resolved],
        [r.score for r in resolved],
        [sentence_number(r.sentence) for r in resolved],
    ]
    events = analysis.events
    event_table = [
        [e.type for e in events],
        [e.score for e in events],
        [e.trigger for e in events],
        [e.trigger_start for e in events],
        [e.trigger_end for e in events],
        [sentence_number(e.sentence) for e in events],
    ]
    actors = analysis.actors
    said = analysis.actor_mentions
    entry = [
        CACHE_LAYOUT,
        analysis.pipeline_version,
        list(analysis.notes),
        len(analysis.sentences),
        [[s.start for s in sentences], [s.end for s in sentences]],
        [
            [p.id for p in places],
            [p.name for p in places],
            [p.kind for p in places],
            [p.lat for p in places],
            [p.lon for p in places],
            [p.country for p in places],
            [p.country_code for p in places],
            [p.population for p in places],
            [p.admin1 for p in places],
            [p.source for p in places],
        ],
        mention_table,
        [
            [a.id for a in actors],
            [a.name for a in actors],
            [a.kind for a in actors],
            [list(a.aliases) for a in actors],
            [a.role for a in actors],
        ],
        [
            [m.actor_id for m in said],
            [m.start for m in said],
            [m.end for m in said],
            [m.surface for m in said],
        ],
        event_table,
        analysis.dates_anchor,
        [
            [t.start for t in analysis.dates],
            [t.end for t in analysis.dates],
            [t.type for t in analysis.dates],
            [t.value for t in analysis.dates],
        ],
    ]
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    # Article text may hold lone surrogates (a broken file): keep them, as the key does.
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


def _analysis_of(blob: object, article: Article) -> ArticleAnalysis:
    """The analysis an entry holds, given this article; raises when it is not one of ours.

    Every value is checked to be of its field's type, every offset to lie in
    the article's text and every reference to point into its table, so what a
    tampered entry can give is at worst a wrong analysis of the right shape.
    """
    if not isinstance(blob, bytes):
        raise DamagedEntryError(f"stored as {type(blob).__name__}")
    inflater = zlib.decompressobj()
    data = inflater.decompress(blob, _MAX_ENTRY_BYTES)
    if inflater.unconsumed_tail:
        raise DamagedEntryError("larger than any analysis")
    entry = json.loads(data.decode("utf-8", "surrogatepass"))
    if type(entry) is not list or len(entry) != 12 or entry[0] != CACHE_LAYOUT:
        raise DamagedEntryError("not an entry of this layout")
    (
        _layout,
        pipeline_version,
        notes,
        sentence_count,
        sentence_table,
        place_table,
        mention_table,
        actor_table,
        actor_mention_table,
        event_table,
        dates_anchor,
        date_table,
    ) = entry
    if type(pipeline_version) is not str or not _is_column(notes, _TEXT):
        raise DamagedEntryError("pipeline version or notes")
    text_length = len(article.text)

    starts, ends = _table(sentence_table, _SENTENCE_COLUMNS)
    _check_spans(starts, ends, text_length)
    if type(sentence_count) is not int or not 0 <= sentence_count <= len(starts):
        raise DamagedEntryError("sentence count")
    sentences = list(map(Sentence, starts, ends))

    place_columns = _table(place_table, _PLACE_COLUMNS)
    if not _PLACE_KINDS.issuperset(place_columns[2]):
        raise DamagedEntryError("place kind")
    places = list(map(Place, *place_columns))

    (
        mention_starts,
        mention_ends,
        surfaces,
        sources,
        demonyms,
        place_refs,
        scores,
        mention_sentences,
    ) = _table(mention_table, _MENTION_COLUMNS)
    _check_spans(mention_starts, mention_ends, text_length)
    _check_references(place_refs, len(places))
    _check_references(mention_sentences, len(sentences))
    resolved = tuple(
        map(
            ResolvedMention,
            map(PlaceMention, mention_starts, mention_ends, surfaces, sources, demonyms),
            map(places.__getitem__, place_refs),
            scores,
            map(sentences.__getitem__, mention_sentences),
        )
    )

    ids, names, kinds, aliases, roles = _table(actor_table, _ACTOR_COLUMNS)
    if not _ACTOR_KINDS.issuperset(kinds) or not _TEXT.issuperset(
        map(type, itertools.chain.from_iterable(aliases))  # each a list (a column type)
    ):
        raise DamagedEntryError("actor kind or aliases")
    actors = tuple(map(Actor, ids, names, kinds, map(tuple, aliases), roles))

    actor_ids, said_starts, said_ends, said = _table(actor_mention_table, _ACTOR_MENTION_COLUMNS)
    _check_spans(said_starts, said_ends, text_length)
    actor_mentions = tuple(map(ActorMention, actor_ids, said_starts, said_ends, said))

    (types, event_scores, triggers, trigger_starts, trigger_ends, event_sentences) = _table(
        event_table, _EVENT_COLUMNS
    )
    _check_spans(trigger_starts, trigger_ends, text_length)
    _check_references(event_sentences, len(sentences))
    events = tuple(
        map(
            EventTag,
            types,
            event_scores,
            triggers,
            trigger_starts,
            trigger_ends,
            map(sentences.__getitem__, event_sentences),
        )
    )

    if dates_anchor is not None and type(dates_anchor) is not str:
        raise DamagedEntryError("dates anchor")
    date_starts, date_ends, date_types, date_values = _table(date_table, _DATE_COLUMNS)
    _check_spans(date_starts, date_ends, text_length)
    if not _DATE_TYPES.issuperset(date_types) or any(len(v) > 64 for v in date_values):
        raise DamagedEntryError("date type or value")
    dates = tuple(
        Timex(start, end, article.text[start:end], kind, value)
        for start, end, kind, value in zip(
            date_starts, date_ends, date_types, date_values, strict=True
        )
    )

    return ArticleAnalysis(
        article=article,
        sentences=tuple(sentences[:sentence_count]),
        places=resolved,
        actors=actors,
        actor_mentions=actor_mentions,
        events=events,
        pipeline_version=pipeline_version,
        notes=tuple(notes),
        dates=dates,
        dates_anchor=dates_anchor,
    )


def _is_column(values: object, allowed: frozenset[type]) -> bool:
    """Whether ``values`` is a list whose items are all of the allowed (exact) types."""
    # set.issuperset(map(type, ...)) walks the list in C: the check costs a few
    # nanoseconds an item, so a whole reopen can afford it.
    return type(values) is list and allowed.issuperset(map(type, values))


def _table(columns: object, types: tuple[frozenset[type], ...]) -> list[list[Any]]:
    """The columns of a table, checked: as many as the record has fields, equally long, typed."""
    if type(columns) is not list or len(columns) != len(types):
        raise DamagedEntryError("table shape")
    length = len(columns[0])
    for column, allowed in zip(columns, types, strict=True):
        if not _is_column(column, allowed) or len(column) != length:
            raise DamagedEntryError("column type or length")
    return columns


def _check_spans(starts: list[int], ends: list[int], text_length: int) -> None:
    """Offsets must lie in the text, each start at or before its end."""
    if starts and (
        min(starts) < 0 or max(ends) > text_length or any(map(operator.gt, starts, ends))
    ):
        raise DamagedEntryError("offsets outside the text")


def _check_references(numbers: list[int], count: int) -> None:
    """Positions in a table of ``count`` rows (negative ones would silently count from the end)."""
    if numbers and (min(numbers) < 0 or max(numbers) >= count):
        raise DamagedEntryError("reference outside its table")
