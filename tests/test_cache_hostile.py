"""The analysis cache and the gazetteer index against hostile or broken surroundings.

A cache folder may be shared or synced (anyone who can write it writes our
entries), read-only, full or locked by another process, and an index file may
be garbage. None of it may run code, crash the app, or set a healthy cache aside.

The tests run as root, and root ignores file permissions (chmod 0o555 does not
stop it writing), so "read-only", "full" and "cannot be created" are made in
ways root cannot get round: a cache folder under a regular file (mkdir fails
with NotADirectoryError), SQLite connections opened with ``mode=ro`` (SQLite
itself refuses every write: SQLITE_READONLY), ``PRAGMA max_page_count`` (SQLite
refuses to grow the file: SQLITE_FULL), and a lock held by another connection.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import zlib
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

import mapper.geo.gazetteer as gazetteer_module
import mapper.store.cache as cache_module
from mapper.geo.gazetteer import (
    Gazetteer,
    IndexState,
    build_index,
    default_index_path,
    index_health,
)
from mapper.store.cache import AnalysisCache, default_cache_path, text_key
from mapper.types import (
    Actor,
    ActorMention,
    Article,
    ArticleAnalysis,
    EventTag,
    Place,
    PlaceMention,
    ResolvedMention,
    Sentence,
)

FINGERPRINT = "test-fingerprint"
ROOT = Path(__file__).resolve().parent.parent

LIMA = Place("gn:3936456", "Lima", "city", -12.04, -77.03, "Peru", "PE", 7_737_002)
PERU = Place("cc:PE", "Peru", "country", -10.0, -76.0, "Peru", "PE", 29_907_003)


def analysis_of(text: str, *, source: str = "lima.txt") -> ArticleAnalysis:
    """A hand-made analysis with every kind of record (places, actors, events, notes)."""
    article = Article(id=text_key(text)[:12], title="Lima", text=text, source=source)
    first_end = text.index(".") + 1
    sentences = (Sentence(0, first_end), Sentence(first_end + 1, len(text)))

    def span(word: str, after: int = 0) -> tuple[int, int]:
        start = text.index(word, after)
        return start, start + len(word)

    lima = span("Lima")
    peru = span("Peru")
    quispe = span("Quispe", first_end)
    fired = span("fired")
    rosa = Actor("person:rosa-quispe", "Rosa Quispe", "person", ("Quispe", "Rosa"), "organiser")
    return ArticleAnalysis(
        article=article,
        sentences=sentences,
        places=(
            ResolvedMention(PlaceMention(*lima, "Lima", "ner"), LIMA, 0.9, sentences[0]),
            ResolvedMention(PlaceMention(*peru, "Peru", "gazetteer"), PERU, 1.0, sentences[1]),
            ResolvedMention(
                PlaceMention(*span("Lima", first_end), "Lima", "ner"), LIMA, 0.8, sentences[1]
            ),
        ),
        actors=(rosa, Actor("state:PE", "Peru", "state")),
        actor_mentions=(
            ActorMention(rosa.id, 0, len("Rosa Quispe"), "Rosa Quispe"),
            ActorMention(rosa.id, *quispe, "Quispe"),
        ),
        events=(
            EventTag("Protests", 0.5, "marched", *span("marched"), sentences[0]),
            EventTag("Battles", 1, "fired", *fired, sentences[1]),
        ),
        pipeline_version="test+blank",
        notes=("a note",),
    )


TEXT = "Rosa Quispe marched in Lima. Quispe said police fired tear gas in Lima, Peru."


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of the test's own (the conftest keeps user data beside it in tmp_path)."""
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def analysis() -> ArticleAnalysis:
    return analysis_of(TEXT)


def store_raw(path: Path, article: Article, data: object) -> None:
    """Write an entry as anyone with access to the cache folder can: straight into the file."""
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS analyses (text_key TEXT, fingerprint TEXT, data BLOB,"
            " stored REAL, PRIMARY KEY (text_key, fingerprint)) WITHOUT ROWID"
        )
        db.execute(
            "INSERT OR REPLACE INTO analyses VALUES (?, ?, ?, 0)",
            (text_key(article.text), FINGERPRINT, data),
        )
        db.commit()


class ShellPayload:
    """A pickle that runs a shell command when it is loaded (what an attacker would plant)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {shlex.quote(str(self.marker))}",)


def cache_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "mapper.store.cache" and r.levelno == logging.WARNING
    ]


# -- data, never code -------------------------------------------------------------------


def test_a_pickle_in_the_cache_is_never_run(analysis, folder) -> None:
    # The payload is live: loading it with pickle does run the command.
    control = folder / "control"
    pickle.loads(pickle.dumps(ShellPayload(control)))
    assert control.exists()

    marker = folder / "pwned"
    path = folder / "cache.sqlite"
    for blob in (
        zlib.compress(pickle.dumps(ShellPayload(marker))),
        pickle.dumps(ShellPayload(marker)),
    ):
        store_raw(path, analysis.article, blob)
        assert AnalysisCache(path).get(analysis.article, FINGERPRINT) is None
        assert not marker.exists()


def test_an_old_pickle_cache_is_never_opened_and_is_deleted(
    analysis, folder, monkeypatch, caplog
) -> None:
    monkeypatch.setenv("DATELINE_CACHE_DIR", str(folder))
    marker = folder.parent / "pwned"
    old = folder / "analyses-v1p.sqlite"  # where the pickle-era app kept its entries
    store_raw(old, analysis.article, zlib.compress(pickle.dumps(ShellPayload(marker))))
    (folder / "analyses-v1p.sqlite.corrupt-1700000000").write_bytes(b"old")

    cache = AnalysisCache()
    assert cache.get(analysis.article, FINGERPRINT) is None
    assert not marker.exists()
    assert cache.path == default_cache_path() != old
    cache.close()
    assert sorted(p.name for p in folder.iterdir()) == [cache.path.name]
    assert not cache_warnings(caplog)


def test_entries_round_trip_equal(analysis, folder) -> None:
    from mapper.geo.corrections import Corrections
    from mapper.pipeline import Pipeline
    from mapper.sources import read_article, seed_paths

    seed = Pipeline.blank(corrections=Corrections()).analyze(read_article(seed_paths()[0]))
    odd_text = (
        "Rosa Quispe marched in Lima \udcff caf\u00e9. Quispe \U0001f600 fired in Lima, Peru."
    )
    odd = analysis_of(odd_text)  # a lone surrogate (a broken file) and an emoji in the text
    # A sentence outside the sentence list, and a place from an online geocoder.
    elsewhere = Place("osm:1", "Lima", "city", -12.0, -77.0, "Peru", "PE", source="nominatim")
    stray = ResolvedMention(odd.places[0].mention, elsewhere, 0.5, Sentence(0, 3))
    odd = ArticleAnalysis(
        odd.article,
        odd.sentences,
        (*odd.places, stray),
        odd.actors,
        odd.actor_mentions,
        odd.events,
        odd.pipeline_version,
        odd.notes,
    )
    empty = ArticleAnalysis(Article("e", "Empty", "", ""), (), ())
    cache = AnalysisCache(folder / "cache.sqlite")
    records = (seed, analysis, odd, empty)
    for record in records:
        cache.put(record, FINGERPRINT)
    cache.close()
    reopened = AnalysisCache(folder / "cache.sqlite")
    assert reopened.get_many([r.article for r in records], FINGERPRINT) == list(records)
    moved = Article("x", "Another title", TEXT, "/elsewhere/copy.txt", "2019-03-02")
    assert reopened.get(moved, FINGERPRINT) == ArticleAnalysis(
        moved,
        analysis.sentences,
        analysis.places,
        analysis.actors,
        analysis.actor_mentions,
        analysis.events,
        analysis.pipeline_version,
        analysis.notes,
    )


def _entry(analysis: ArticleAnalysis) -> list:
    return json.loads(zlib.decompress(cache_module._entry_of(analysis)))


# Each takes an entry (the decoded JSON of the hand-made analysis) and damages it.
# Layout: [layout, pipeline_version, notes, sentence_count, sentences, places,
#          place mentions, actors, actor mentions, events]; each table is a list of columns.
TAMPERINGS = {
    "another layout": lambda e: e.__setitem__(0, 99),
    "an offset as text": lambda e: e[4][0].__setitem__(0, "0"),
    "an offset as a flag": lambda e: e[4][0].__setitem__(0, True),
    "an offset as a float": lambda e: e[6][0].__setitem__(0, 23.0),
    "a flag as a number": lambda e: e[6][4].__setitem__(0, 1),
    "a negative place reference": lambda e: e[6][5].__setitem__(0, -1),
    "a place reference past the table": lambda e: e[6][5].__setitem__(0, 99),
    "a sentence reference past the table": lambda e: e[9][5].__setitem__(0, 99),
    "an offset past the text": lambda e: e[4][1].__setitem__(-1, 10**9),
    "a negative offset": lambda e: e[8][1].__setitem__(0, -5),
    "a start after its end": lambda e: e[6][0].__setitem__(0, 30),  # "Lima" ends at 27
    "an unknown place kind": lambda e: e[5][2].__setitem__(0, "planet"),
    "an unknown actor kind": lambda e: e[7][2].__setitem__(0, "robot"),
    "an alias that is not text": lambda e: e[7][3].__setitem__(0, [1]),
    "aliases as text": lambda e: e[7][3].__setitem__(0, "Quispe"),
    "a missing column": lambda e: e[6].pop(),
    "columns of unequal length": lambda e: e[6][0].append(0),
    "a table as an object": lambda e: e.__setitem__(5, {"id": ["gn:1"]}),
    "a missing table": lambda e: e.pop(),
    "no pipeline version": lambda e: e.__setitem__(1, None),
    "notes as text": lambda e: e.__setitem__(2, "a note"),
    "too many sentences counted": lambda e: e.__setitem__(3, 99),
    "a score as text": lambda e: e[9][1].__setitem__(0, "high"),
}


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_a_tampered_entry_is_a_miss(analysis, folder, caplog, tamper) -> None:
    path = folder / "cache.sqlite"
    entry = _entry(analysis)
    tamper(entry)
    store_raw(path, analysis.article, zlib.compress(json.dumps(entry).encode()))
    cache = AnalysisCache(path)
    assert cache.get(analysis.article, FINGERPRINT) is None
    (warning,) = cache_warnings(caplog)
    assert "unreadable, ignored" in warning
    cache.put(analysis, FINGERPRINT)  # analysed again, stored anew over the damaged entry
    assert cache.get(analysis.article, FINGERPRINT) == analysis


RAW_DAMAGE = {
    "not zlib": b"not zlib",
    "not JSON": zlib.compress(b"\x80\x81 not json"),
    "a JSON object": zlib.compress(b'{"layout": 2}'),
    "JSON nested past any limit": zlib.compress(b"[" * 200_000 + b"]" * 200_000),
    "truncated": cache_module._entry_of(analysis_of(TEXT))[:-20],
    "text, not bytes": "an entry",
    "a number": 42,
    "null": None,
}


@pytest.mark.parametrize("blob", RAW_DAMAGE.values(), ids=RAW_DAMAGE.keys())
def test_a_damaged_entry_is_a_miss(analysis, folder, blob) -> None:
    path = folder / "cache.sqlite"
    store_raw(path, analysis.article, blob)
    assert AnalysisCache(path).get(analysis.article, FINGERPRINT) is None


def test_an_entry_that_inflates_without_end_is_a_miss(analysis, folder, monkeypatch) -> None:
    cache = AnalysisCache(folder / "cache.sqlite")
    cache.put(analysis, FINGERPRINT)
    # A zip bomb is an entry larger than any analysis: stands in for one, without the memory.
    monkeypatch.setattr(cache_module, "_MAX_ENTRY_BYTES", 100)
    assert cache.get(analysis.article, FINGERPRINT) is None


# -- read-only, full, locked, corrupt -----------------------------------------------------


def test_a_cache_folder_that_cannot_be_made_means_no_cache_not_a_crash(
    analysis, folder, monkeypatch, caplog
) -> None:
    blocker = folder / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DATELINE_CACHE_DIR", str(blocker / "cache"))  # mkdir: NotADirectoryError
    cache = AnalysisCache()
    assert cache.get(analysis.article, FINGERPRINT) is None
    cache.put(analysis, FINGERPRINT)
    assert cache.get(analysis.article, FINGERPRINT) == analysis  # kept for the session
    assert len(cache) == 1
    (warning,) = cache_warnings(caplog)
    assert "session only" in warning and "\n" not in warning


def test_the_cli_extracts_with_a_cache_folder_that_cannot_be_made(
    folder, monkeypatch, capsys, caplog
) -> None:
    from mapper.cli import main
    from mapper.sources import seed_paths

    blocker = folder / "a-file"
    blocker.write_text("not a folder")
    # Only the analysis cache's folder: the gazetteer index stays where the tests keep it.
    monkeypatch.setattr(
        cache_module, "default_cache_path", lambda: blocker / "cache" / "analyses.sqlite"
    )
    assert main(["extract", "--no-model", str(seed_paths()[0])]) == 0
    record = json.loads(capsys.readouterr().out)
    assert "Caracas" in {p["name"] for p in record["places"]}
    assert len(cache_warnings(caplog)) == 1


def read_only_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Open every cache file as SQLite opens one it may not write (``mode=ro``)."""
    real_connect = sqlite3.connect

    def connect(database, *args, uri=False, **kwargs):
        if not uri and str(database) != ":memory:":
            database, uri = f"{Path(database).as_uri()}?mode=ro", True
        return real_connect(database, *args, uri=uri, **kwargs)

    monkeypatch.setattr(cache_module.sqlite3, "connect", connect)


def test_a_read_only_cache_is_read_not_written_nor_set_aside(
    analysis, folder, monkeypatch, caplog
) -> None:
    path = folder / "cache.sqlite"
    cache = AnalysisCache(path)
    cache.put(analysis, FINGERPRINT)
    cache.close()
    healthy = path.read_bytes()
    read_only_connections(monkeypatch)

    cache = AnalysisCache(path)
    assert cache.get(analysis.article, FINGERPRINT) == analysis
    other = analysis_of(TEXT + " More.")
    for _attempt in range(3):
        cache.put(other, FINGERPRINT)  # refused by SQLite: "attempt to write a readonly database"
    assert cache.get(other.article, FINGERPRINT) is None and not cache.writable
    (warning,) = cache_warnings(caplog)
    assert "readonly" in warning
    cache.close()
    assert not list(folder.glob("*.corrupt-*")) and path.read_bytes() == healthy


def test_a_read_only_folder_without_a_cache_means_no_cache(
    analysis, folder, monkeypatch, caplog
) -> None:
    read_only_connections(monkeypatch)  # the file does not exist and cannot be created
    cache = AnalysisCache(folder / "cache.sqlite")
    cache.put(analysis, FINGERPRINT)
    assert cache.get(analysis.article, FINGERPRINT) == analysis
    assert list(folder.iterdir()) == []  # nothing created, nothing moved
    (warning,) = cache_warnings(caplog)
    assert "unable to open" in warning


def test_a_full_disk_stops_writing_once_and_keeps_the_cache(
    analysis, folder, monkeypatch, caplog
) -> None:
    path = folder / "cache.sqlite"
    cache = AnalysisCache(path)
    cache.put(analysis, FINGERPRINT)
    cache.close()
    real_connect = sqlite3.connect

    def connect_to_a_full_disk(database, *args, **kwargs):
        db = real_connect(database, *args, **kwargs)
        if str(database) == ":memory:":
            return db
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {max(pages, 1)}")  # not one page more
        return db

    monkeypatch.setattr(cache_module.sqlite3, "connect", connect_to_a_full_disk)
    cache = AnalysisCache(path)
    assert cache.get(analysis.article, FINGERPRINT) == analysis
    for more in (" More.", " Even more."):  # entries too big for the pages there are
        bulky = replace(analysis_of(TEXT + more), notes=(os.urandom(30_000).hex(),))
        cache.put(bulky, FINGERPRINT)
    (warning,) = cache_warnings(caplog)
    assert "full" in warning
    assert not list(folder.glob("*.corrupt-*")) and len(cache) == 1

    fresh = AnalysisCache(folder / "new.sqlite")  # not even the table fits: in memory
    fresh.put(analysis, FINGERPRINT)
    assert fresh.get(analysis.article, FINGERPRINT) == analysis
    assert not list(folder.glob("*.corrupt-*"))


def test_a_locked_cache_is_read_and_not_set_aside(analysis, folder, monkeypatch, caplog) -> None:
    monkeypatch.setattr(cache_module, "_BUSY_TIMEOUT_S", 0.1)
    path = folder / "cache.sqlite"
    cache = AnalysisCache(path)
    cache.put(analysis, FINGERPRINT)
    cache.close()
    other = analysis_of(TEXT + " More.")
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")  # another process writing, for longer than it should
        cache = AnalysisCache(path)
        assert cache.get(analysis.article, FINGERPRINT) == analysis
        cache.put(other, FINGERPRINT)
        cache.put(other, FINGERPRINT)
        (warning,) = cache_warnings(caplog)
        assert "locked" in warning
        holder.execute("ROLLBACK")
    cache.close()
    assert not list(folder.glob("*.corrupt-*"))
    again = AnalysisCache(path)  # the lock gone, the cache is written again
    again.put(other, FINGERPRINT)
    assert again.get(other.article, FINGERPRINT) == other


def test_a_cache_locked_while_opening_is_not_set_aside(
    analysis, folder, monkeypatch, caplog
) -> None:
    monkeypatch.setattr(cache_module, "_BUSY_TIMEOUT_S", 0.1)
    path = folder / "cache.sqlite"
    store_raw(path, analysis.article, b"")  # a cache not yet in WAL mode: locks stop readers
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        cache = AnalysisCache(path)  # "database is locked": not corrupt
        cache.put(analysis, FINGERPRINT)
        assert cache.get(analysis.article, FINGERPRINT) == analysis  # this session, in memory
        holder.execute("ROLLBACK")
    assert [p.name for p in folder.iterdir()] == ["cache.sqlite"]
    assert "session only" in cache_warnings(caplog)[0]


MACHINE_ERRORS = [
    "database is locked",
    "unable to open database file",
    "attempt to write a readonly database",
    "disk I/O error",
    "database or disk is full",
]


@pytest.mark.parametrize("message", MACHINE_ERRORS)
def test_what_the_machine_does_never_sets_a_healthy_cache_aside(
    analysis, folder, monkeypatch, caplog, message
) -> None:
    path = folder / "cache.sqlite"
    AnalysisCache(path).close()
    real_connect = sqlite3.connect

    def failing_connect(database, *args, **kwargs):
        if str(database) == ":memory:":
            return real_connect(database, *args, **kwargs)
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(cache_module.sqlite3, "connect", failing_connect)
    cache = AnalysisCache(path)
    cache.put(analysis, FINGERPRINT)
    assert cache.get(analysis.article, FINGERPRINT) == analysis
    assert [p.name for p in folder.iterdir()] == ["cache.sqlite"]
    (warning,) = cache_warnings(caplog)
    assert message in warning


def test_a_truncated_cache_is_set_aside_with_its_journal(analysis, folder, caplog) -> None:
    path = folder / "cache.sqlite"
    cache = AnalysisCache(path)
    for number in range(60):
        cache.put(analysis_of(TEXT + f" Day {number}." + " z" * 2000), FINGERPRINT)
    cache.close()
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    (folder / "cache.sqlite-wal").write_bytes(b"a journal of the damaged file")

    cache = AnalysisCache(path)  # "database disk image is malformed"
    assert len(cache) == 0
    aside = sorted(p.name for p in folder.glob("cache.sqlite.corrupt-*"))
    assert aside[0].startswith("cache.sqlite.corrupt-") and aside[1:] in ([], [aside[0] + "-wal"])
    assert "malformed" in cache_warnings(caplog)[0]
    cache.put(analysis, FINGERPRINT)
    assert cache.get(analysis.article, FINGERPRINT) == analysis


# -- the gazetteer index ------------------------------------------------------------------

#: A gazetteer small enough to build in milliseconds (for what the index's data does not change).
TINY_PLACES = [
    ("gn:3646738", "Caracas", "city", 10.49, -66.88, "Venezuela", "VE", 3_000_000, "", 1),
    ("cc:VE", "Venezuela", "country", 8.0, -66.0, "Venezuela", "VE", 28_000_000, "", 0),
]
TINY_NAMES = [
    ("caracas", "gn:3646738", 0, 1),
    ("venezuela", "cc:VE", 0, 1),
    ("venezuelan", "cc:VE", 1, 0),
]
TINY_COLLECT = "lambda aliases: (TINY_PLACES, TINY_NAMES)"


@pytest.fixture
def tiny_gazetteer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Index builds use the tiny data; returns the list of builds made."""
    builds: list[str] = []

    def collect(aliases):
        builds.append("built")
        return TINY_PLACES, TINY_NAMES

    monkeypatch.setattr(gazetteer_module, "_collect", collect)
    monkeypatch.setattr(gazetteer_module, "_temporary_indexes", {})
    return builds


def real_index() -> Path:
    path = default_index_path()
    assert index_health(path)[0] is IndexState.SOUND  # built by the session fixture
    return path


def test_the_index_probe_tells_sound_from_damaged(folder) -> None:
    assert index_health(real_index()) == (IndexState.SOUND, "")
    assert index_health(folder / "none.sqlite")[0] is IndexState.MISSING

    damaged = {
        "random bytes": os.urandom(300_000),
        "empty": b"",
        "truncated": real_index().read_bytes()[:20_000_000],
        "the last pages lost": real_index().read_bytes()[:-4096],
    }
    other = folder / "other.sqlite"  # a SQLite database, but not an index
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE places (id TEXT)")
        db.commit()
    for name, content in damaged.items():
        (folder / name).write_bytes(content)
    for path in [*(folder / name for name in damaged), other]:
        state, why = index_health(path)
        assert state is IndexState.DAMAGED and why, path.name


def test_a_locked_index_is_busy_not_damaged(folder, tiny_gazetteer, monkeypatch) -> None:
    monkeypatch.setattr(gazetteer_module, "_PROBE_TIMEOUT_S", 0.1)
    path = folder / "index.sqlite"
    build_index(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        assert index_health(path)[0] is IndexState.BUSY
        before = path.stat().st_ino
        Gazetteer.open(path).close()  # not rebuilt under the lock holder
        holder.execute("ROLLBACK")
    assert tiny_gazetteer == ["built"] and path.stat().st_ino == before


def test_a_garbage_index_is_rebuilt(folder, monkeypatch, caplog) -> None:
    """End to end, with the real data (one full build: about ten seconds)."""
    monkeypatch.setenv("DATELINE_CACHE_DIR", str(folder))
    path = default_index_path()
    path.write_bytes(os.urandom(1 << 20))
    gazetteer = Gazetteer.open()
    assert gazetteer.lookup("Caracas")[0].country_code == "VE"
    gazetteer.close()
    assert index_health(path)[0] is IndexState.SOUND
    assert [p.name for p in folder.iterdir()] == [path.name]  # no partial file left
    assert any("damaged" in r.getMessage() for r in caplog.records)


def test_a_truncated_index_is_rebuilt(folder, tiny_gazetteer) -> None:
    path = folder / "index.sqlite"
    path.write_bytes(real_index().read_bytes()[:5_000_000])
    assert Gazetteer.open(path).lookup("Caracas")[0].id == "gn:3646738"
    assert tiny_gazetteer == ["built"]
    Gazetteer.open(path).close()
    assert tiny_gazetteer == ["built"]  # sound now: opened, not built again


def test_an_unwritable_cache_folder_gets_a_temporary_index(
    folder, monkeypatch, tiny_gazetteer, caplog
) -> None:
    blocker = folder / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DATELINE_CACHE_DIR", str(blocker / "cache"))
    first = Gazetteer.open()
    assert first.lookup("Caracas")[0].country_code == "VE"
    second = Gazetteer.open()  # the same temporary index, not a second build
    assert second.lookup("Venezuela")[0].kind == "country"
    assert tiny_gazetteer == ["built"]
    (temporary,) = gazetteer_module._temporary_indexes.values()
    assert temporary.is_relative_to(tempfile.gettempdir())
    warnings = [r.getMessage() for r in caplog.records if r.name == "mapper.geo.gazetteer"]
    assert len(warnings) == 1 and "temporary" in warnings[0]
    first.close()
    second.close()


def run_python(script: str, env: dict[str, str]) -> subprocess.Popen[str]:
    preamble = f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        import mapper.geo.gazetteer as g
        TINY_PLACES, TINY_NAMES = {TINY_PLACES!r}, {TINY_NAMES!r}
    """
    code = textwrap.dedent(preamble) + textwrap.dedent(script)
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_the_temporary_index_is_removed_at_exit(folder) -> None:
    blocker = folder / "a-file"
    blocker.write_text("not a folder")
    process = run_python(
        f"""
        g._collect = {TINY_COLLECT}
        gazetteer = g.Gazetteer.open()
        assert gazetteer.lookup("Caracas")
        (path,) = g._temporary_indexes.values()
        print(path)
    """,
        {"DATELINE_CACHE_DIR": str(blocker / "cache"), "TMPDIR": str(folder)},
    )
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    temporary = Path(out.strip())
    assert temporary.parent.parent == folder and not temporary.parent.exists()


def test_two_processes_building_at_once_leave_one_whole_index(folder) -> None:
    target = folder / "index.sqlite"
    slow_collect = f"""
        def collect(aliases):
            time.sleep(1)  # both builds under way at the same time
            return ({TINY_COLLECT})(aliases)
        g._collect = collect
        g.build_index(g.Path({str(target)!r}))
        assert g.Gazetteer.open(g.Path({str(target)!r})).lookup("Caracas")
    """
    builders = [run_python(slow_collect, {}) for _ in range(2)]
    for builder in builders:
        _out, err = builder.communicate(timeout=120)
        assert builder.returncode == 0, err
    assert index_health(target)[0] is IndexState.SOUND
    assert [p.name for p in folder.iterdir()] == ["index.sqlite"]


def test_a_failed_build_leaves_no_partial_file(folder, monkeypatch) -> None:
    def broken_collect(aliases):
        raise OSError("No space left on device")

    monkeypatch.setattr(gazetteer_module, "_collect", broken_collect)
    with pytest.raises(OSError, match="No space"):
        build_index(folder / "index.sqlite")
    assert list(folder.iterdir()) == []
