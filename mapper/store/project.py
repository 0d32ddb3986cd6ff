"""Project files (``.dateline``): an analyst's whole working state in one file.

A project holds the articles (their full text, so a project opens even when
the original files are gone), the corrections, the home regions the user set
(by folder, outlet or article), the filters, the map view and the article
chosen — and the analyses, so opening is instant when the pipeline
is the same (its fingerprint matches); otherwise the articles are analysed
again.

Format: gzip-compressed JSON with ``"format": "dateline-project"`` and a
version. Saving is atomic: the new file is written beside the old one, flushed
to disk and renamed over it, so a crash mid-save leaves the previous project
intact.

Reading trusts nothing in the file (it may come from anyone): the size on disk,
the inflated size, the nesting and the integers are bounded before anything is
built (:mod:`mapper.store.safejson`), then every field is checked — types, ranges,
offsets within the text — and the first bad one is named in one line. Analyses
are re-checked too; one that fails is dropped and its article analysed again.
"""

from __future__ import annotations

import datetime
import gzip
import json
import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from mapper.errors import DatelineError
from mapper.filters import Filter
from mapper.geo.corrections import Corrections, CorrectionsError
from mapper.geo.home import MAX_HOME_SETTINGS, HomeSettings, outlet_key
from mapper.search import MAX_QUERY_CHARS, normalized
from mapper.sources import printable
from mapper.store.atomic import write_atomically
from mapper.store.gc_pause import collector_paused
from mapper.store.safejson import JsonLimitError, loads_bounded, read_bounded
from mapper.store.serialize import (
    MAX_ID_CHARS,
    FormatError,
    PlacePool,
    analysis_from_dict,
    analysis_to_dict,
    article_from_dict,
    read_id,
    read_int,
    read_list,
    read_number,
    read_object,
    read_str,
    value_of,
)
from mapper.types import Article, ArticleAnalysis

log = logging.getLogger(__name__)

#: File suffix of projects.
SUFFIX = ".dateline"
_FORMAT = "dateline-project"
_VERSION = 1
_DAMAGED = "not a Dateline project, or damaged"

# Bounds on what a project file may hold, whoever wrote it. Measured: the benchmark's
# 1,000-article project (bench/corpus.py) is 3.6 MB on disk and 33 MB of JSON, 1.1 s to open.
#: Most JSON a project inflates to: about 7,500 such articles; a gzip bomb (a few MB that
#: inflate to gigabytes) is refused here, having cost a quarter of a gigabyte at most.
MAX_PROJECT_JSON_BYTES = 256 * 1024 * 1024
#: Largest project file (gzip never makes data much larger than it is).
MAX_PROJECT_FILE_BYTES = MAX_PROJECT_JSON_BYTES
#: Most articles in a project (a crafted file of tiny ones could hold millions).
MAX_PROJECT_ARTICLES = 100_000
#: Deepest nesting of arrays and objects (a project's own is 6 levels).
MAX_PROJECT_DEPTH = 16
#: Longest integer (offsets and populations are well under 20 digits).
MAX_PROJECT_INT_DIGITS = 20
#: Most values of one facet of a saved filter.
MAX_FILTER_VALUES = MAX_PROJECT_ARTICLES
#: Most bytes inflated at a time.
_INFLATE_STEP_BYTES = 16 * 1024 * 1024
#: Zoom levels a saved map view may have (the map keeps to its own narrower range).
VIEW_ZOOM_RANGE = (0.0, 30.0)
#: What the map shows (the window's View menu; :class:`mapper.export.common.ReportOptions`).
MAP_VIEWS = ("pins", "choropleth", "heat")


class ProjectError(DatelineError):
    """A project file could not be read or written; ``str(error)`` says why, for the user."""


@dataclass(frozen=True)
class Project:
    """Everything a project file holds."""

    articles: tuple[Article, ...]
    corrections: Corrections = field(default_factory=Corrections)
    filter: Filter = field(default_factory=Filter)
    view: tuple[float, float, float] | None = None  # lat, lon, zoom
    #: One of :data:`MAP_VIEWS`; projects saved before it existed open on the pins.
    map_view: str = "pins"
    chosen_article: str | None = None
    analyses: tuple[ArticleAnalysis, ...] = ()
    fingerprint: str = ""  # of the pipeline that made the analyses
    #: The user's home regions (by folder, outlet and article) the analyses were made with.
    home_regions: HomeSettings = field(default_factory=HomeSettings)


def to_json(project: Project) -> dict[str, Any]:
    """The project as a JSON-ready dict."""
    return {
        "format": _FORMAT,
        "version": _VERSION,
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "text": a.text,
                "source": a.source,
                "published": a.published,
                "published_source": a.published_source,
                "outlet": a.outlet,
                "author": a.author,
                "url": a.url,
            }
            for a in project.articles
        ],
        "corrections": project.corrections.to_json(),
        # The search is kept as its text: the excerpts it matches follow the articles.
        "filter": {**project.filter.to_json(), "excerpts": None},
        "view": list(project.view) if project.view is not None else None,
        "map_view": project.map_view,
        "chosen_article": project.chosen_article,
        "home_regions": project.home_regions.to_json(),
        "fingerprint": project.fingerprint,
        "analyses": [
            {**analysis_to_dict(a), "article": {"id": a.article.id}} for a in project.analyses
        ],
    }


def from_json(data: Any) -> Project:
    """A project from its JSON dict, every field checked.

    Raises :class:`ProjectError` and nothing else: "not a Dateline project, or damaged
    (articles[3].text is not a string)" names the first bad field. The analyses are
    only a record of what the pipeline made: one that fails its checks is dropped (and
    logged), so that its article is analysed again, as a damaged cache entry would be.
    """
    try:
        with collector_paused():
            return _project_of(data)
    except (FormatError, _UnreadableError) as error:
        raise ProjectError(f"{_DAMAGED} ({error})") from None
    except ProjectError:
        raise
    except RecursionError:
        raise ProjectError(f"{_DAMAGED} (nested too deeply)") from None
    except MemoryError:
        raise ProjectError("too large to open with the memory available") from None
    except Exception as error:  # a check missed: still no crash, and the log tells us
        log.exception("unexpected failure reading a project")
        raise ProjectError(f"{_DAMAGED} (unexpected {type(error).__name__})") from None


def _project_of(data: Any) -> Project:
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ProjectError(f'{_DAMAGED} (no "format": "{_FORMAT}")')
    version = data.get("version")
    if version != _VERSION:
        shown = version if isinstance(version, int) and abs(version) < 10**6 else "unknown"
        raise ProjectError(f"made by another version of Dateline (format {shown})")
    articles = tuple(_each_article(value_of(data, "articles")))
    by_id = {article.id: article for article in articles}
    corrections = data.get("corrections")
    return Project(
        articles=articles,
        corrections=Corrections() if corrections is None else _corrections(corrections),
        filter=_filter(data.get("filter")),
        view=_view(data.get("view")),
        map_view=_map_view(data.get("map_view", "pins")),
        chosen_article=_chosen(data.get("chosen_article"), by_id),
        analyses=tuple(_usable_analyses(data.get("analyses", []), by_id)),
        fingerprint=read_str(data.get("fingerprint", ""), "fingerprint", MAX_ID_CHARS),
        home_regions=_home_regions(data.get("home_regions")),
    )


def _each_article(value: Any) -> Iterator[Article]:
    seen: set[str] = set()
    for index, raw in enumerate(read_list(value, "articles", MAX_PROJECT_ARTICLES)):
        try:
            article = article_from_dict(raw)
        except FormatError as error:
            raise error.within(f"articles[{index}]") from None
        if article.id in seen:  # the window keeps one analysis per id: one would be lost
            raise FormatError(f"articles[{index}].id", "is the id of an earlier article")
        seen.add(article.id)
        yield article


def _corrections(value: Any) -> Corrections:
    try:
        return Corrections.from_json(value)
    except CorrectionsError as error:
        raise _UnreadableError(f"corrections: {error}") from None


def _filter(value: Any) -> Filter:
    if value is None:
        return Filter()
    record = read_object(value, "filter")

    def facet(key: str) -> list[str] | None:
        values = record.get(key)
        if values is None:
            return None
        where = f"filter.{key}"
        # Not read_id: "" is a value too (filters.NO_EVENT, "sentences of no event type").
        return [
            read_str(item, f"{where}[{index}]", MAX_ID_CHARS)
            for index, item in enumerate(read_list(values, where, MAX_FILTER_VALUES))
        ]

    chosen = Filter.of(
        actors=facet("actors"), event_types=facet("eventTypes"), articles=facet("articles")
    )

    def day(key: str) -> int | None:
        value = record.get(key)
        return None if value is None else read_int(value, f"filter.{key}", 1, _LAST_ORDINAL)

    undated = record.get("undated", True)
    if not isinstance(undated, bool):
        raise FormatError("filter.undated", "is not true or false")
    event_places_only = record.get("eventPlacesOnly", False)
    if not isinstance(event_places_only, bool):
        raise FormatError("filter.eventPlacesOnly", "is not true or false")
    search = record.get("search", "")
    if not isinstance(search, str) or len(search) > MAX_QUERY_CHARS:
        raise FormatError("filter.search", f"is not text of at most {MAX_QUERY_CHARS} characters")
    return replace(
        chosen,
        first_day=day("firstDay"),
        last_day=day("lastDay"),
        undated=undated,
        event_places_only=event_places_only,
        search=normalized(search),
    )


#: Longest folder, outlet or article id a home region is set for (a path is at most a few
#: thousand characters on every system we run on).
MAX_HOME_KEY_CHARS = 4_096


def _home_regions(value: Any) -> HomeSettings:
    """``{"folders": {path: place id}, "outlets": {name: id}, "articles": {id: id}}``; a
    place id of "" says "no home region"; an id the gazetteer lacks is ignored later."""
    if value is None:
        return HomeSettings()
    record = read_object(value, "home_regions")
    tables: dict[str, dict[str, str]] = {}
    for part in ("folders", "outlets", "articles"):
        where = f"home_regions.{part}"
        entries = read_object(record.get(part, {}), where)
        if len(entries) > MAX_HOME_SETTINGS:
            raise FormatError(where, f"has more than {MAX_HOME_SETTINGS:,} entries")
        table: dict[str, str] = {}
        for index, (key, place_id) in enumerate(entries.items()):
            name = read_str(key, f"{where}[{index}] (its name)", MAX_HOME_KEY_CHARS)
            if not name:
                raise FormatError(f"{where}[{index}] (its name)", "is empty")
            # Outlets are matched by a normal form of their name ("The Paris News").
            table[outlet_key(name) if part == "outlets" else name] = read_str(
                place_id, f"{where}[{index}]", MAX_ID_CHARS
            )
        tables[part] = table
    return HomeSettings(tables["folders"], tables["outlets"], tables["articles"])


#: The ordinal of 9999-12-31, the last day ``datetime.date`` knows.
_LAST_ORDINAL = datetime.date.max.toordinal()


def _view(value: Any) -> tuple[float, float, float] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 3:
        raise FormatError("view", "is not [latitude, longitude, zoom]")
    return (
        read_number(value[0], "view[0] (latitude)", -90.0, 90.0),
        read_number(value[1], "view[1] (longitude)", -180.0, 180.0),
        read_number(value[2], "view[2] (zoom)", *VIEW_ZOOM_RANGE),
    )


def _map_view(value: Any) -> str:
    if not isinstance(value, str) or value not in MAP_VIEWS:
        raise FormatError("map_view", f"is not one of {', '.join(MAP_VIEWS)}")
    return value


def _chosen(value: Any, articles: dict[str, Article]) -> str | None:
    if value is None:
        return None
    chosen = read_id(value, "chosen_article")
    if chosen not in articles:
        raise FormatError("chosen_article", "is not the id of an article of the project")
    return chosen


def _usable_analyses(value: Any, articles: dict[str, Article]) -> Iterator[ArticleAnalysis]:
    """The analyses that pass every check, of articles of the project, one per article."""
    done: set[str] = set()
    places = PlacePool()
    dropped: list[FormatError] = []
    for index, entry in enumerate(read_list(value, "analyses", MAX_PROJECT_ARTICLES)):
        try:
            record = read_object(entry, "")
            of_article = read_object(value_of(record, "article"), "article")
            article_id = read_id(value_of(of_article, "id"), "article.id")
            article = articles.get(article_id)
            if article is None or article_id in done:
                raise FormatError("article.id", "is not of an article still to be analysed")
            analysis = analysis_from_dict(record, article=article, place_pool=places)
        except FormatError as error:
            dropped.append(error.within(f"analyses[{index}]"))
            continue
        done.add(article_id)
        yield analysis
    if dropped:  # one line, however many: a crafted file must not flood the log
        log.warning(
            "%d damaged analyses in the project were dropped, their articles are "
            "analysed again (the first: %s)",
            len(dropped),
            dropped[0],
        )


class _UnreadableError(DatelineError):
    """A part of a project that its own reader refused (its message names the part)."""


def recovery_path() -> Path:
    """Where unsaved work is autosaved (the user's data folder; ``DATELINE_DATA_DIR``)."""
    from platformdirs import user_data_dir

    root = os.environ.get("DATELINE_DATA_DIR") or user_data_dir("dateline", "Dateline")
    return Path(root) / f"recovery{SUFFIX}"


def _json_pieces(data: dict[str, Any]) -> Iterator[str]:
    """The JSON of a project, each article and analysis encoded on its own.

    Same text as one ``json.dumps`` call, but the C encoder holds the GIL for a
    whole call: in pieces, a save on a background thread leaves the window
    running in between (one call took 0.5 s for 1,000 articles).
    """
    yield "{"
    for number, (key, value) in enumerate(data.items()):
        yield (", " if number else "") + json.dumps(key) + ": "
        if isinstance(value, list):
            yield "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
        else:
            yield json.dumps(value, ensure_ascii=False)
    yield "}"


def save_project(path: Path, project: Project) -> None:
    """Write atomically (:mod:`mapper.store.atomic`): a failure never leaves half a file,
    nor touches a project already at ``path``; raises :class:`ProjectError`."""
    with collector_paused():  # a big project is a few million small objects to walk
        payload = "".join(_json_pieces(to_json(project))).encode("utf-8")

    def write(raw: BinaryIO) -> None:
        # Level 6, not 9: a quarter of the time for 4% more bytes (1,000 articles:
        # 0.45 s instead of 1.6 s, 3.9 MB instead of 3.7 MB).
        with gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0, compresslevel=6) as stream:
            stream.write(payload)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, write)
    except OSError as error:
        raise _cannot_write(path, error) from None


def _cannot_write(path: Path, error: OSError) -> ProjectError:
    return ProjectError(f"{printable(path.name)}: cannot be written ({error.strerror or error})")


def load_project(path: Path) -> Project:
    """Read a project file; raises :class:`ProjectError` (and nothing else) with a reason
    the user can act on: "NAME: not a Dateline project, or damaged (what was wrong)".

    Read within bounds, whatever the file holds: at most :data:`MAX_PROJECT_FILE_BYTES`
    on disk, inflated to at most :data:`MAX_PROJECT_JSON_BYTES` (a gzip bomb stops
    there, at once), nested at most :data:`MAX_PROJECT_DEPTH` deep, then every field
    checked (:func:`from_json`).
    """
    name = printable(path.name)  # shown to the user: no control characters
    try:
        compressed = read_bounded(path, max_bytes=MAX_PROJECT_FILE_BYTES)
    except JsonLimitError as error:  # not a regular file, or too large
        raise ProjectError(f"{name}: {error}") from None
    except FileNotFoundError:
        raise ProjectError(f"{name}: file not found") from None
    except OSError as error:
        raise ProjectError(f"{name}: cannot be read ({error.strerror or error})") from None
    try:
        json_bytes = _inflate(compressed)
        del compressed
        with collector_paused():
            data = loads_bounded(
                json_bytes,
                max_depth=MAX_PROJECT_DEPTH,
                max_int_digits=MAX_PROJECT_INT_DIGITS,
                # NaN is refused field by field, naming the field.
                allow_nonfinite=True,
            )
        del json_bytes
        return from_json(data)
    except (JsonLimitError, _UnreadableError) as error:
        raise ProjectError(f"{name}: {_DAMAGED} ({error})") from None
    except ProjectError as error:
        raise ProjectError(f"{name}: {error}") from None
    except MemoryError:
        raise ProjectError(f"{name}: too large to open with the memory available") from None


def _inflate(compressed: bytes) -> bytes:
    """The JSON of a project file, refused (:class:`_UnreadableError`) as soon as it passes
    :data:`MAX_PROJECT_JSON_BYTES`: a small file can inflate to gigabytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip framing, CRC checked at the end
    pieces: list[bytes] = []
    size = 0
    pending = compressed
    try:
        while not inflater.eof:
            # In steps (one call's output is held twice while it is made), and never
            # more than one byte past the bound: enough to know the bound is passed.
            piece = inflater.decompress(
                pending, min(_INFLATE_STEP_BYTES, MAX_PROJECT_JSON_BYTES - size + 1)
            )
            size += len(piece)
            if size > MAX_PROJECT_JSON_BYTES:
                raise _UnreadableError(
                    f"inflates to more than {MAX_PROJECT_JSON_BYTES >> 20:,} MB of data"
                )
            pieces.append(piece)
            if not piece and len(inflater.unconsumed_tail) == len(pending):
                break  # no progress: the input ends before the stream does
            pending = inflater.unconsumed_tail
    except zlib.error:
        raise _UnreadableError("not gzip-compressed, or the file is truncated or damaged") from None
    if not inflater.eof:
        raise _UnreadableError("the file is truncated or damaged: its compressed data ends early")
    if inflater.unused_data.strip(b"\0"):
        raise _UnreadableError("data after the end of the project")
    return b"".join(pieces)
