"""Hostile project files: nothing a ``.dateline`` file holds can crash, hang or quietly
change Dateline. Every bad field is refused in one line naming it (or, inside an
analysis, the analysis is dropped and its article analysed again); a gzip bomb is
refused at once; lone surrogates are replaced, so the project opens and saves."""

from __future__ import annotations

import copy
import gzip
import json
import logging
import math
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper.filters import Filter
from mapper.geo.corrections import Corrections
from mapper.pipeline import MAX_PLACE_MENTIONS, Pipeline
from mapper.sources import MAX_TEXT_CHARS, article_from_text
from mapper.store.project import (
    MAX_PROJECT_DEPTH,
    Project,
    ProjectError,
    _json_pieces,
    from_json,
    load_project,
    save_project,
    to_json,
)
from mapper.store.safejson import JsonLimitError, loads_bounded, without_lone_surrogates

ROOT = Path(__file__).resolve().parent.parent
GIB = 1 << 30
DAMAGED = "p.dateline: not a Dateline project, or damaged"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.blank(corrections=Corrections())


@pytest.fixture(scope="module")
def project(pipeline: Pipeline) -> Project:
    """A small project with every kind of record: places, actors, events, a filter."""
    from atlas_factory import ROSA, Said, article, place

    lima = place("gn:3936456", "Lima", "city", -12.04, -77.03, "Peru")
    handmade = article(
        "handmade",
        "Lima",
        [
            Said("Rosa Quispe marched in Lima.", [lima], [ROSA], ["Protests", "Riots"]),
            Said("Police answered in Lima.", [lima], [], ["Riots"]),
        ],
    )
    analysed = article_from_text(
        "Protests spread from Caracas to Lima, Peru, on Monday.", source="caracas.txt"
    )
    unanalysed = article_from_text("Talks resumed in Quito.", source="quito.txt")
    return Project(
        articles=(handmade.article, analysed, unanalysed),
        corrections=Corrections().with_correction("Valencia", "gn:2509954"),
        filter=Filter.of(event_types=["Protests", ""], actors=[ROSA.id]),
        view=(10.5, -66.9, 6.0),
        map_view="choropleth",
        chosen_article=analysed.id,
        analyses=(handmade, pipeline.analyze(analysed)),
        fingerprint="abc",
    )


@pytest.fixture
def data(project: Project) -> dict[str, Any]:
    """The project as the JSON a file holds (a fresh copy to damage)."""
    return json.loads(json.dumps(to_json(project)))


def write(path: Path, content: dict[str, Any] | str | bytes) -> Path:
    """A project file holding ``content`` (JSON text, or a dict to encode)."""
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    path.write_bytes(gzip.compress(content))
    return path


def assert_sound(project: Project) -> None:
    """What a Project from a file must be: savable, offsets and views in range."""
    payload = "".join(_json_pieces(to_json(project))).encode("utf-8")  # no lone surrogate
    json.dumps(to_json(project), allow_nan=False)  # no NaN or infinity anywhere
    assert payload
    ids = {article.id for article in project.articles}
    assert len(ids) == len(project.articles)
    assert project.chosen_article is None or project.chosen_article in ids
    if project.view is not None:
        lat, lon, zoom = project.view
        assert -90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 30
    for analysis in project.analyses:
        text = analysis.article.text
        assert analysis.article in project.articles
        assert len(analysis.places) <= MAX_PLACE_MENTIONS
        for resolved in analysis.places:
            mention = resolved.mention
            assert text[mention.start : mention.end] == mention.surface
            assert -90 <= resolved.place.lat <= 90 and -180 <= resolved.place.lon <= 180
            assert math.isfinite(resolved.score)
        actor_ids = {actor.id for actor in analysis.actors}
        for named in analysis.actor_mentions:
            assert named.actor_id in actor_ids
            assert text[named.start : named.end] == named.surface
        for sentence in analysis.sentences:
            assert 0 <= sentence.start <= sentence.end <= len(text)


def test_a_valid_project_round_trips_whole(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "p.dateline"
    save_project(path, project)
    again = load_project(path)
    assert again == project  # no analysis dropped: the checks accept what we write
    assert_sound(again)


def test_the_map_view_is_kept_and_older_projects_open_on_the_pins(
    project: Project, data: dict[str, Any], tmp_path: Path
) -> None:
    assert load_project(write(tmp_path / "p.dateline", data)).map_view == "choropleth"
    del data["map_view"]  # saved before projects kept it
    older = load_project(write(tmp_path / "old.dateline", data))
    assert older.map_view == "pins" and older.view == project.view


# -- refused, naming what was wrong --------------------------------------------------------


def _set(path: str, value: Any):
    """A mutation setting the field at a dotted path (list indices as numbers)."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = data
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def _many_articles(data: dict[str, Any]) -> None:
    data["articles"] = [dict(data["articles"][0], id=f"a{n}") for n in range(100_001)]
    data["chosen_article"] = None
    data["analyses"] = []


CRAFTED = [
    # (what, mutation, the message after "p.dateline: not a Dateline project, or damaged")
    ("chosen_article a list", _set("chosen_article", [1, 2]), "chosen_article is not a string"),
    (
        "chosen_article of no article",
        _set("chosen_article", "nobody"),
        "chosen_article is not the id of an article of the project",
    ),
    ("filter a list", _set("filter", ["Protests"]), "filter is not an object"),
    ("filter facet a string", _set("filter.actors", "state:VE"), "filter.actors is not a list"),
    (
        "filter eventPlacesOnly a string",
        _set("filter.eventPlacesOnly", "yes"),
        "filter.eventPlacesOnly is not true or false",
    ),
    (
        "filter value a number",
        _set("filter.eventTypes", [3]),
        "filter.eventTypes[0] is not a string",
    ),
    (
        "view of strings",
        _set("view", ["north", "west", "close"]),
        "view[0] (latitude) is not a number",
    ),
    ("view NaN", _set("view", [math.nan, 0, 3]), "view[0] (latitude) is not a finite number"),
    ("view infinite", _set("view", [0, math.inf, 3]), "view[1] (longitude) is not a finite number"),
    ("latitude 1e300", _set("view", [1e300, 0, 3]), "view[0] (latitude) is not between -90 and 90"),
    ("longitude 200", _set("view", [0, 200, 3]), "view[1] (longitude) is not between -180 and 180"),
    ("zoom 99", _set("view", [0, 0, 99]), "view[2] (zoom) is not between 0 and 30"),
    ("view of two", _set("view", [0, 0]), "view is not [latitude, longitude, zoom]"),
    ("view a boolean", _set("view", [True, 0, 3]), "view[0] (latitude) is not a number"),
    (
        "map_view unknown",
        _set("map_view", "satellite"),
        "map_view is not one of pins, choropleth, heat",
    ),
    ("map_view a number", _set("map_view", 1), "map_view is not one of pins, choropleth, heat"),
    ("map_view null", _set("map_view", None), "map_view is not one of pins, choropleth, heat"),
    ("articles an object", _set("articles", {}), "articles is not a list"),
    ("article a string", _set("articles.0", "text"), "articles[0] is not an object"),
    ("text not a string", _set("articles.1.text", ["Caracas"]), "articles[1].text is not a string"),
    (
        "text too long",
        _set("articles.1.text", "a" * (MAX_TEXT_CHARS + 1)),
        "articles[1].text is longer than 1,000,000 characters",
    ),
    ("no id", lambda d: d["articles"][2].pop("id"), "articles[2].id is missing"),
    ("empty id", _set("articles.2.id", ""), "articles[2].id is empty"),
    (
        "huge id",
        _set("articles.2.id", "x" * 5000),
        "articles[2].id is longer than 1,000 characters",
    ),
    (
        "published a number",
        _set("articles.2.published", 2024),
        "articles[2].published is not a string",
    ),
    (
        "the same id twice",
        _set("articles.2.id", "handmade"),
        "articles[2].id is the id of an earlier article",
    ),
    ("too many articles", _many_articles, "articles has more than 100,000 items (100,001)"),
    (
        "corrections a list",
        _set("corrections", []),
        "corrections: not a Dateline corrections file (version 1)",
    ),
    (
        "correction name a list",
        _set("corrections.corrections.valencia.name", ["x"]),
        "corrections: correction 1: name is not a string",
    ),
    (
        "correction place id a number",
        _set("corrections.corrections.valencia.place_id", 7),
        "corrections: correction 1: place_id is not a string",
    ),
    ("fingerprint an object", _set("fingerprint", {}), "fingerprint is not a string"),
    ("analyses an object", _set("analyses", {}), "analyses is not a list"),
]


@pytest.mark.parametrize(
    ("mutate", "problem"), [case[1:] for case in CRAFTED], ids=[case[0] for case in CRAFTED]
)
def test_a_crafted_field_is_refused_naming_it(
    data: dict[str, Any], tmp_path: Path, mutate, problem: str
) -> None:
    mutate(data)
    with pytest.raises(ProjectError) as refused:
        load_project(write(tmp_path / "p.dateline", data))
    assert str(refused.value) == f"{DAMAGED} ({problem})"


def _text_with(data: dict[str, Any], marker: Any, literal: str) -> str:
    """The project's JSON with the value ``marker`` (set beforehand) written as ``literal``."""
    text = json.dumps(data)
    assert text.count(json.dumps(marker)) == 1
    return text.replace(json.dumps(marker), literal)


@pytest.mark.parametrize(
    ("literal", "problem"),
    [
        ("1" * 4000, "a number with more than 20 digits"),
        ("-" + "9" * 30, "a number with more than 20 digits"),
        ("[" * 100_000 + "]" * 100_000, "nested more than 16 levels deep"),
        ("[" * 1_000_000, "nested more than 16 levels deep"),
        ('{"a":' * 50_000 + "1" + "}" * 50_000, "nested more than 16 levels deep"),
        ("1e999", "view[0] (latitude) is not a finite number"),
        ("NaN", "view[0] (latitude) is not a finite number"),
        ("-Infinity", "view[0] (latitude) is not a finite number"),
    ],
    ids=[
        "4000 digits",
        "negative 30 digits",
        "100000 deep",
        "unclosed 1000000 deep",
        "50000 deep objects",
        "1e999",
        "NaN",
        "-Infinity",
    ],
)
def test_numbers_and_nesting_past_the_bounds_are_refused(
    data: dict[str, Any], tmp_path: Path, literal: str, problem: str
) -> None:
    data["view"] = ["MARKER", 0, 3]
    path = write(tmp_path / "p.dateline", _text_with(data, "MARKER", literal))
    started = time.monotonic()
    with pytest.raises(ProjectError) as refused:
        load_project(path)
    assert str(refused.value) == f"{DAMAGED} ({problem})"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (gzip.compress(b"[1, 2, 3]"), 'no "format": "dateline-project"'),
        (gzip.compress(b"\xff\xfe{}"), "not UTF-8 text"),
        (
            gzip.compress(b'{"format": "dateline-project", "version": 1,'),
            "not valid JSON (Expecting property name enclosed in double quotes: line 1, column 45)",
        ),
        (gzip.compress(b"{}") + b"more", "data after the end of the project"),
        (
            gzip.compress(b"{}")[:-12],
            "the file is truncated or damaged: its compressed data ends early",
        ),
        (b"PK\x03\x04 a zip file", "not gzip-compressed, or the file is truncated or damaged"),
    ],
    ids=["a list", "not utf-8", "cut json", "trailing data", "truncated", "zip"],
)
def test_a_file_that_is_no_project_is_refused(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "p.dateline"
    path.write_bytes(content)
    with pytest.raises(ProjectError) as refused:
        load_project(path)
    assert str(refused.value) == f"{DAMAGED} ({problem})"


def test_a_version_that_is_no_number_is_named_unknown(data: dict[str, Any]) -> None:
    data["version"] = [[[]]]
    with pytest.raises(
        ProjectError,
        match=r"^made by another version of Dateline "
        r"\(format unknown\)$",
    ):
        from_json(data)


def test_what_is_not_a_regular_file_is_refused_without_reading(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.dateline"
    os.mkfifo(fifo)
    with pytest.raises(
        ProjectError,
        match=r"^pipe\.dateline: not a regular file "
        r"\(a named pipe\)$",
    ):
        load_project(fifo)  # would block forever, waiting for a writer
    (tmp_path / "folder.dateline").mkdir()
    with pytest.raises(
        ProjectError,
        match=r"^folder\.dateline: not a regular file "
        r"\(a folder\)$",
    ):
        load_project(tmp_path / "folder.dateline")
    with pytest.raises(ProjectError, match=r"^gone\.dateline: file not found$"):
        load_project(tmp_path / "gone.dateline")


def test_a_file_name_is_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "evil\n\x1b[2Jname.dateline"
    path.write_bytes(b"garbage")
    with pytest.raises(ProjectError) as refused:
        load_project(path)
    assert str(refused.value).startswith("evil\\n\\x1b[2Jname.dateline: not a Dateline")


# -- analyses: checked, and dropped (their article analysed again) when wrong --------------

DAMAGED_ANALYSES = [
    # (what, mutation of the caracas.txt analysis (analyses[1]), the warning's problem)
    (
        "latitude a string",
        _set("analyses.1.places.0.place.lat", "10.5"),
        "analyses[1].places[0].place.lat is not a number",
    ),
    (
        "latitude 1e300",
        _set("analyses.1.places.0.place.lat", 1e300),
        "analyses[1].places[0].place.lat is not between -90 and 90",
    ),
    (
        "longitude NaN",
        _set("analyses.1.places.0.place.lon", math.nan),
        "analyses[1].places[0].place.lon is not a finite number",
    ),
    (
        "unknown kind",
        _set("analyses.1.places.0.place.kind", "planet"),
        "analyses[1].places[0].place.kind is not a kind of place",
    ),
    (
        "score infinite",
        _set("analyses.1.places.0.score", math.inf),
        "analyses[1].places[0].score is not a finite number",
    ),
    (
        "offset past the text",
        _set("analyses.1.places.0.mention.end", 10**6),
        "analyses[1].places[0].mention.end is not between 21 and 54",
    ),
    (
        "start after end",
        _set("analyses.1.places.0.mention.start", 40),
        "analyses[1].places[0].mention.end is not between 40 and 54",
    ),
    (
        "negative offset",
        _set("analyses.1.sentences.0.start", -1),
        "analyses[1].sentences[0].start is not between 0 and 54",
    ),
    (
        "offset a float",
        _set("analyses.1.sentences.0.end", 5.5),
        "analyses[1].sentences[0].end is not a whole number",
    ),
    (
        "surface not the text",
        _set("analyses.1.places.0.mention.surface", "Paris"),
        "analyses[1].places[0].mention.surface is not the text at its offsets",
    ),
    (
        "surface a list",
        _set("analyses.1.places.0.mention.surface", ["Caracas"]),
        "analyses[1].places[0].mention.surface is not a string",
    ),
    ("places an object", _set("analyses.1.places", {}), "analyses[1].places is not a list"),
    (
        "population negative",
        _set("analyses.1.places.0.place.population", -5),
        "analyses[1].places[0].place.population is not between 0 and 100,000,000,000",
    ),
    ("notes a string", _set("analyses.1.notes", "hi"), "analyses[1].notes is not a list"),
    (
        "article of no article",
        _set("analyses.1.article.id", "nobody"),
        "analyses[1].article.id is not of an article still to be analysed",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [case[1:] for case in DAMAGED_ANALYSES],
    ids=[case[0] for case in DAMAGED_ANALYSES],
)
def test_a_damaged_analysis_is_dropped_and_its_article_kept(
    data: dict[str, Any], project: Project, tmp_path: Path, caplog, mutate, problem: str
) -> None:
    mutate(data)
    with caplog.at_level(logging.WARNING, logger="mapper.store.project"):
        opened = load_project(write(tmp_path / "p.dateline", data))
    assert opened.articles == project.articles  # the user's work is all there
    assert opened.analyses == project.analyses[:1]  # the damaged one will be redone
    (warning,) = caplog.messages
    assert warning == (
        "1 damaged analyses in the project were dropped, their articles are "
        f"analysed again (the first: {problem})"
    )
    assert_sound(opened)


def test_mentions_past_the_pipeline_cap_drop_the_analysis(
    data: dict[str, Any], tmp_path: Path, caplog
) -> None:
    places = data["analyses"][1]["places"]
    data["analyses"][1]["places"] = (places * 30_000)[:30_000]
    with caplog.at_level(logging.WARNING, logger="mapper.store.project"):
        opened = load_project(write(tmp_path / "p.dateline", data))
    assert len(opened.analyses) == 1
    assert "analyses[1].places has more than 5,000 items (30,000)" in caplog.text


def test_an_actor_mention_of_no_actor_drops_the_analysis(data: dict[str, Any]) -> None:
    data["analyses"][0]["actor_mentions"][0]["actor_id"] = "person:nobody"
    opened = from_json(data)
    assert [a.article.id for a in opened.analyses] == [data["analyses"][1]["article"]["id"]]


def test_many_damaged_analyses_make_one_warning(data: dict[str, Any], caplog) -> None:
    data["analyses"] = [data["analyses"][1]] * 5_000  # one valid, 4,999 repeats
    with caplog.at_level(logging.WARNING, logger="mapper.store.project"):
        opened = from_json(data)
    assert len(opened.analyses) == 1
    assert len(caplog.records) == 1 and "4999 damaged analyses" in caplog.text


# -- lone surrogates ---------------------------------------------------------------------


def test_lone_surrogates_are_replaced_so_the_project_opens_analyses_and_saves(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    text = "Protests \ud800in Caracas\udfff and Lima."
    # Written as JSON does it ("\ud800"), which Dateline itself can never write.
    article = {
        "id": "s1",
        "title": "Caracas \udbff",
        "text": text,
        "source": "x\ud800.txt",
        "published": None,
    }
    surface_at = text.index("Caracas")
    analysis = {
        "article": {"id": "s1"},
        "sentences": [{"start": 0, "end": len(text)}],
        "places": [
            {
                "mention": {
                    "start": 9,
                    "end": surface_at + 7,
                    "surface": text[9 : surface_at + 7],
                    "source": "gazetteer",
                    "demonym": False,
                },
                "place": {
                    "id": "gn:3646738",
                    "name": "Caracas\ud800",
                    "kind": "city",
                    "lat": 10.5,
                    "lon": -66.9,
                    "country": "Venezuela",
                    "country_code": "VE",
                },
                "score": 0.9,
                "sentence": {"start": 0, "end": len(text)},
            }
        ],
        "actors": [],
        "actor_mentions": [],
        "events": [],
        "notes": ["\ud800"],
        "pipeline_version": "0.2",
    }
    data = {
        "format": "dateline-project",
        "version": 1,
        "articles": [article],
        "corrections": {
            "version": 1,
            "corrections": {"x": {"name": "Car\udc80acas", "place_id": None}},
        },
        "filter": {"actors": ["\ud800"], "eventTypes": None, "articles": None},
        "view": None,
        "chosen_article": "s1",
        "fingerprint": "f",
        "analyses": [analysis],
    }
    path = write(tmp_path / "p.dateline", json.dumps(data))  # ensure_ascii: "\ud800" escapes
    opened = load_project(path)
    (read,) = opened.articles
    assert read.text == "Protests \ufffdin Caracas\ufffd and Lima."
    assert len(read.text) == len(text)  # one for one: every offset still holds
    assert read.title == "Caracas \ufffd" and read.source == "x\ufffd.txt"
    (kept,) = opened.analyses  # its offsets and surfaces agree with the replaced text
    assert kept.places[0].mention.surface == "\ufffdin Caracas"
    assert kept.places[0].place.name == "Caracas\ufffd" and kept.notes == ("\ufffd",)
    assert [c.name for c in opened.corrections.values()] == ["Car\ufffdacas"]
    assert opened.filter.actors == frozenset({"\ufffd"})
    assert_sound(opened)
    pipeline.analyze(read)  # analysis no longer stops at the text
    save_project(tmp_path / "again.dateline", opened)  # nor does saving
    assert load_project(tmp_path / "again.dateline") == opened


def test_without_lone_surrogates_keeps_pairs_and_plain_text() -> None:
    assert without_lone_surrogates("plain") == "plain"
    assert without_lone_surrogates("🌍 Zoë") == "🌍 Zoë"
    assert without_lone_surrogates("a\ud83db\ude00") == "a\ufffdb\ufffd"


# -- the gzip bomb ------------------------------------------------------------------------


@cache
def gzip_bomb() -> bytes:
    """A valid gzip file of about 2 MB that inflates to 2 GiB of zeros.

    Made in two seconds, not a minute: after a full flush deflate starts afresh, so
    the compressed form of a 16 MiB chunk of zeros is the same every time and is
    repeated; the trailer carries the real CRC and size, as a true bomb would.
    """
    chunk = bytes(16 << 20)
    repeats = 2 * GIB // len(chunk)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS, 9)
    first = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    middle = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    assert deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH) == middle
    end = deflate.flush(zlib.Z_FINISH)[:-8]  # the final block, less the trailer
    crc = 0
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    trailer = struct.pack("<II", crc, (repeats * len(chunk)) & 0xFFFFFFFF)
    return first + middle * (repeats - 1) + end + trailer


def run_limited(
    code: str, *args: str, limit: int = 3 * GIB // 2, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` in a subprocess whose address space is at most ``limit``."""
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    """) + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )


def test_the_bomb_is_a_bomb() -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 2_500_000
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert len(inflater.decompress(bomb, 1 << 20)) == 1 << 20  # it does inflate


def test_a_gzip_bomb_is_refused_fast_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.dateline"
    path.write_bytes(gzip_bomb())
    started = time.monotonic()
    done = run_limited(
        """
        from pathlib import Path
        from mapper.store.project import ProjectError, load_project
        try:
            load_project(Path(sys.argv[1]))
        except ProjectError as error:
            print(error)
    """,
        str(path),
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "bomb.dateline: not a Dateline project, or damaged (inflates to more than 256 MB of data)"
    )
    assert elapsed < 20


def test_importing_the_project_reader_fits_well_under_the_limit() -> None:
    """The bomb test's 1.5 GiB is about the reading, not the imports (~50 MB)."""
    done = run_limited(
        """
        import mapper.store.project
        peak = [line for line in open("/proc/self/status") if line.startswith("VmPeak")]
        print(int(peak[0].split()[1]) * 1024)
    """,
        limit=512 << 20,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) < 256 << 20


# -- safejson -----------------------------------------------------------------------------


def bounded(text: str | bytes, **bounds: Any) -> Any:
    return loads_bounded(text, **{"max_depth": 4, "max_int_digits": 5, **bounds})


def test_depth_is_counted_exactly_and_brackets_in_strings_do_not_count() -> None:
    assert bounded("[[[[1]]]]") == [[[[1]]]]
    assert bounded('{"a": [{"b": [1]}]}') == {"a": [{"b": [1]}]}
    for deeper in ("[[[[[1]]]]]", '{"a": [{"b": [[1]]}]}', '[{"a": [{"b": {}}]}]'):
        with pytest.raises(JsonLimitError, match="nested more than 4 levels deep"):
            bounded(deeper)
    # Brackets, quotes and backslashes inside strings are text, not structure.
    for text in (
        r'["[[[[[[", "\\", "\"[[[[", "]]]]]]]]", "{{{{{{"]',
        r'[["\\"], [["\\\"]]]"]]]',
        r'{"k[[[[[": "\\\\", "v": [[["\""]]]}',
    ):
        assert bounded(text) == json.loads(text)


def test_bounded_json_gives_one_error_type_with_a_message() -> None:
    cases = {
        "123456": "a number with more than 5 digits",
        "1e400": "a number too large",
        "NaN": "NaN is not a number JSON allows",
        "[1,]": "not valid JSON (Expecting value: line 1, column 4)",
        "]]]]": "not valid JSON (Expecting value: line 1, column 1)",
        "": "not valid JSON (Expecting value",
    }
    for text, message in cases.items():
        with pytest.raises(JsonLimitError) as refused:
            bounded(text)
        assert str(refused.value).startswith(message), text
    with pytest.raises(JsonLimitError, match="not UTF-8 text"):
        bounded(b'"\xff"')
    with pytest.raises(JsonLimitError, match=r"too large \(more than 10 bytes\)"):
        bounded("[" + "1," * 10 + "1]", max_bytes=10)
    assert bounded(b"\xef\xbb\xbf[1]") == [1]  # a BOM, as Notepad writes
    assert bounded("-12345") == -12345 and bounded("1.5") == 1.5
    assert math.isnan(bounded("NaN", allow_nonfinite=True))
    assert bounded('"\\ud800"') == "\ud800"  # replaced by the reader of each field


def test_a_number_within_a_string_does_not_trip_the_digit_bound() -> None:
    assert bounded('["12345678901234567890", 7]') == ["12345678901234567890", 7]


# -- any field, any value: a Project or a ProjectError, nothing else -----------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found += _paths(item, (*prefix, index))
    return found


def _deep(levels: int) -> list[Any]:
    nested: list[Any] = []
    for _ in range(levels):
        nested = [nested]
    return nested


#: Values too awkward to leave to hypothesis's generation or its reports.
_SPECIAL = {
    "deep list": lambda: _deep(100_000),
    "deep object": lambda: {"a": _deep(5_000)},
    "huge int": lambda: 10**4000,
    "long string": lambda: "x" * (MAX_TEXT_CHARS + 1),
    "lone surrogate": lambda: "\ud800",
    "nan": lambda: math.nan,
    "infinity": lambda: -math.inf,
    "1e300": lambda: 1e300,
    "int64": lambda: 2**63,
    "deleted": lambda: _DELETE,
}
_DELETE = object()
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.data(), value=st.sampled_from(sorted(_SPECIAL)) | _JSON.map(lambda v: [v]))
def test_any_field_set_to_anything_gives_a_project_or_a_project_error(
    project: Project, where: st.DataObject, value: Any
) -> None:
    data = json.loads(json.dumps(to_json(project)))
    path = where.draw(st.sampled_from(_paths(data)))
    replacement = _SPECIAL[value]() if isinstance(value, str) else copy.deepcopy(value[0])
    *parents, last = path
    target: Any = data
    for key in parents:
        target = target[key]
    if replacement is _DELETE:
        del target[last]
    else:
        target[last] = replacement
    try:
        opened = from_json(data)
    except ProjectError as error:
        assert "unexpected" not in str(error)  # refused by a check, not a crash caught
        assert "\n" not in str(error) and len(str(error)) < 300
        return
    assert_sound(opened)


def test_from_json_of_anything_at_all_is_a_project_error() -> None:
    for anything in (
        None,
        3,
        "x",
        [],
        _deep(100_000),
        {"format": "dateline-project"},
        {"format": "dateline-project", "version": 1, "articles": _deep(10_000)},
    ):
        with pytest.raises(ProjectError):
            from_json(anything)


def test_the_depth_bound_leaves_room_over_our_own_nesting(data: dict[str, Any]) -> None:
    deepest = max(len(p) for p in _paths(data))  # keys and indices: one level each
    assert deepest < MAX_PROJECT_DEPTH
