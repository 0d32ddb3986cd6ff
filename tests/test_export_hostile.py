"""Hostile files: text no format can carry as is, and a disk that fills up.

Text extracted from PDFs holds control characters (vertical tab, form feed, ESC, NUL),
lone surrogates and the noncharacters U+FFFE and U+FFFF. Every export of such text is
a valid file of its format (parsed back here as its readers would), with the text still
there, less what the format cannot hold. A write that fails half-way (a full disk, a
file too large) leaves no partial file and keeps the file it would have replaced; the
user gets one line saying why, never a traceback.

A full disk is simulated with ``RLIMIT_FSIZE`` in a subprocess (writes past the limit
fail with EFBIG, "File too large"; Python ignores SIGXFSZ), or with ENOSPC raised by a
patched ``os.fsync`` in this process.
"""

from __future__ import annotations

import csv
import errno
import html
import json
import os
import re
import resource
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from atlas_factory import EVENT_TYPES, Said, article, place
from conftest import PAGE_TIMEOUT_MS

from mapper.atlas import Atlas
from mapper.export import common, csv_rows, geojson, kml
from mapper.export import html as html_export
from mapper.sources import seed_paths
from mapper.store import atomic
from mapper.types import Actor

ROOT = Path(__file__).parent.parent
KML = "{http://www.opengis.net/kml/2.2}"

# Each hostile string, and what KML and CSV make of it (common.plain_text): vertical tab
# and form feed become a space, a lone surrogate U+FFFD, ESC, NUL, U+FFFE and U+FFFF go.
TITLE = "Tit\x0ble\x0c\x1b\x00 \ud800\uffff 🚩"
PLAIN_TITLE = "Tit le  \ufffd 🚩"
TEXT = "Ro\x1bsa led Lima\x0bmarches,\x0cagain\x00 \ud800 \uffff\ufffe\x1b[31m 🚩😀."
PLAIN_TEXT = "Rosa led Lima marches, again \ufffd [31m 🚩😀."
TOWN = "Cu\x1bsco\x0c"  # a place name as a pasted correction might give it
PLAIN_TOWN = "Cusco "
SECOND = f"{TOWN} watched \ud800."
SOURCE = "/tmp/a\x1b\x00\ud800.txt"
PLAIN_SOURCE = "/tmp/a\ufffd.txt"

HOSTILE_ACTOR = Actor("person:rosa", "Ro\x1bsa", "person")
LIMA = place("gn:3936456", "Lima", "city", -12.04318, -77.02824, "Peru")
CUSCO = place("gn:3941584", TOWN, "city", -13.52264, -71.96734, "Peru")
#: What XML 1.0 refuses (and what no file should hold: ESC would drive a terminal).
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: What a write past RLIMIT_FSIZE fails with (EFBIG).
FILE_TOO_LARGE = os.strerror(errno.EFBIG)


def unbroken(text: str) -> str:
    """What GeoJSON and HTML make of a hostile string: only surrogates become U+FFFD."""
    return text.replace("\ud800", "\ufffd")


def hostile_atlas() -> Atlas:
    """An article as a PDF's text may give it: every string holds what formats refuse."""
    return Atlas(
        [
            article(
                "pdf",
                TITLE,
                [
                    Said(TEXT, [LIMA], [HOSTILE_ACTOR], ["Protests"]),
                    Said(SECOND, [CUSCO], (), ["Riots"]),
                ],
                source=SOURCE,
            )
        ]
    )


@pytest.fixture
def atlas() -> Atlas:
    return hostile_atlas()


def strings(value: object) -> Iterator[str]:
    """Every string in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# -- every data format is valid, the text kept ----------------------------------------------


def test_plain_text_leaves_out_what_xml_forbids() -> None:
    assert common.plain_text(TEXT) == PLAIN_TEXT
    assert common.plain_text("tab\tline\ncr\r ok \x7f\x85") == "tab\tline\ncr\r ok \x7f\x85"
    # A surrogate pair (as surrogateescape or UTF-16 may leave it) is two broken halves.
    assert common.plain_text("\ud83d\ude00") == "\ufffd\ufffd"
    assert common.unbroken_text(TEXT) == unbroken(TEXT)


def test_geojson_of_hostile_text_loads_with_the_text_and_offsets_kept(
    atlas: Atlas, tmp_path: Path
) -> None:
    path = geojson.write_geojson(tmp_path / "out.geojson", atlas, event_types=EVENT_TYPES)
    data = json.loads(path.read_bytes().decode("utf-8"))  # strict UTF-8
    features = {f["id"]: f for f in data["features"]}
    assert set(features) == {LIMA.id, CUSCO.id}
    (excerpt,) = features[LIMA.id]["properties"]["excerpts"]
    # JSON carries control characters (escaped); only the surrogate had to go.
    assert excerpt["text"] == unbroken(TEXT)
    assert excerpt["article_title"] == unbroken(TITLE)
    (highlight,) = excerpt["highlights"]
    assert excerpt["text"][highlight[0] : highlight[1]] == "Lima"  # offsets still right
    assert features[CUSCO.id]["properties"]["name"] == TOWN
    assert features[LIMA.id]["properties"]["actors"][0]["name"] == HOSTILE_ACTOR.name
    assert data["dateline"]["sources"][0]["source"] == unbroken(SOURCE)


def test_csv_of_hostile_text_reads_back_plain(atlas: Atlas, tmp_path: Path) -> None:
    path = csv_rows.write_csv(tmp_path / "out.csv", atlas)
    raw = path.read_bytes().decode("utf-8")  # strict UTF-8
    assert not ILLEGAL.search(raw)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["place"] for row in rows] == ["Lima", PLAIN_TOWN]
    lima, cusco = rows
    assert lima["sentence"] == PLAIN_TEXT
    assert lima["mention_text"] == "Lima" and lima["actors"] == "Rosa"
    assert lima["article_title"] == PLAIN_TITLE
    assert lima["article_source"] == PLAIN_SOURCE
    assert cusco["sentence"] == common.plain_text(SECOND) == "Cusco  watched \ufffd."
    # Offsets index the article text as the other exports give it.
    start, end = int(lima["mention_start"]), int(lima["mention_end"])
    assert unbroken(TEXT + " " + SECOND)[start:end] == "Lima"


def test_csv_never_uncovers_a_formula_behind_a_left_out_character(tmp_path: Path) -> None:
    sneaky = '\x00=HYPERLINK("http://x")'
    atlas = Atlas([article("a", sneaky, [Said(f"\x1b-1+Lima {sneaky}", [LIMA])])])
    with csv_rows.write_csv(tmp_path / "out.csv", atlas).open(encoding="utf-8", newline="") as f:
        (row,) = csv.DictReader(f)
    assert row["article_title"] == '\'=HYPERLINK("http://x")'
    assert row["sentence"] == '\'-1+Lima =HYPERLINK("http://x")'


def test_kml_of_hostile_text_is_well_formed_xml(atlas: Atlas, tmp_path: Path) -> None:
    path = kml.write_kml(tmp_path / "out.kml", atlas, event_types=EVENT_TYPES, title=TITLE)
    data = path.read_bytes()
    assert not ILLEGAL.search(data.decode("utf-8"))  # no raw illegal character either
    assert b"&#" not in data  # nor one as a character reference
    root = ET.fromstring(data)  # expat: well-formed XML 1.0 or an error
    document = root.find(f"{KML}Document")
    assert document is not None
    assert document.findtext(f"{KML}name") == PLAIN_TITLE
    assert html.escape(PLAIN_TITLE) in (document.findtext(f"{KML}description") or "")
    placemarks = {p.findtext(f"{KML}name"): p for p in document.iter(f"{KML}Placemark")}
    assert set(placemarks) == {"Lima", PLAIN_TOWN}
    description = placemarks["Lima"].findtext(f"{KML}description") or ""
    before, after = PLAIN_TEXT.split("Lima")
    assert f"{html.escape(before)}<b>Lima</b>{html.escape(after)}" in description
    actors = placemarks["Lima"].find(f"{KML}ExtendedData/{KML}Data[@name='actors']")
    assert actors is not None and actors.findtext(f"{KML}value") == "Rosa"
    sources = document.find(f"{KML}ExtendedData/{KML}Data[@name='sources']")
    assert sources is not None
    assert json.loads(sources.findtext(f"{KML}value") or "")[0]["source"] == unbroken(SOURCE)
    # A stricter reader too (libxml2, as GIS tools use), when it is installed.
    etree = pytest.importorskip("lxml.etree")
    strict = etree.XMLParser(recover=False, resolve_entities=False)
    assert etree.fromstring(data, strict).tag == f"{KML}kml"


PINS = re.compile(r'<script type="application/json" id="dateline-pins">(.*?)</script>', re.S)


@pytest.mark.parametrize("writer", ["write_html", "write_report_page"])
def test_html_pages_of_hostile_text_are_utf8_with_their_pins(
    atlas: Atlas, tmp_path: Path, writer: str
) -> None:
    write: Callable[..., Path] = getattr(html_export, writer)
    options = common.ReportOptions(title=TITLE, subtitle=TITLE)
    path = write(tmp_path / "page.html", atlas, event_types=EVENT_TYPES, options=options)
    page = path.read_bytes().decode("utf-8")  # strict UTF-8
    pins = PINS.search(page)
    assert pins is not None
    # The pins' data (JSON, escaped) keeps the text; only the surrogate had to go.
    assert unbroken(TEXT) in set(strings(json.loads(pins.group(1))))
    # The page around it (title, header, footer) holds the titles as plain text.
    rest = page[: pins.start()] + page[pins.end() :]
    assert f"<title>{html.escape(PLAIN_TITLE)}</title>" in rest
    assert html.escape(PLAIN_TITLE) in rest.split('class="dl-frame-footer"', 1)[1]
    assert not ILLEGAL.search(rest)


def test_html_export_of_hostile_text_shows_it_in_a_browser(
    open_offscreen, atlas: Atlas, tmp_path: Path
) -> None:
    path = html_export.write_html(tmp_path / "map.html", atlas, event_types=EVENT_TYPES)
    view = open_offscreen(path)
    assert set(view.json("Dateline.pinIds()")) == {LIMA.id, CUSCO.id}
    assert view.js(f"Dateline.clickPin({json.dumps(LIMA.id)})") is True
    view.qtbot.waitUntil(
        lambda: view.json("Dateline.popupText()") is not None, timeout=PAGE_TIMEOUT_MS
    )
    popup = view.json("Dateline.popupText()")
    assert isinstance(popup, str) and "marches," in popup and "\ufffd" in popup


# -- a full disk: no partial file, the old file kept, one line -------------------------------


def limited(limit: int) -> Callable[[], None]:
    """A preexec_fn: files of this process and its children stop at ``limit`` bytes."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))

    return apply


def old_file(folder: Path, name: str) -> tuple[Path, bytes]:
    """An older export in ``folder`` that a failed write must leave as it is."""
    target = folder / name
    content = b"an older export, which must survive\n"
    target.write_bytes(content)
    return target, content


def assert_untouched(target: Path, content: bytes) -> None:
    assert target.read_bytes() == content
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no .part


# A writer, run on the hostile atlas in a process of its own (the limit is its alone).
_WRITER = """
import sys
sys.path.insert(0, {tests!r})
from atlas_factory import EVENT_TYPES
from test_export_hostile import hostile_atlas
from mapper.export import common, csv_rows, geojson, html, kml
options = {{}} if sys.argv[1] == "write_csv" else {{"event_types": EVENT_TYPES}}
modules = (csv_rows, geojson, html, kml)
write = next(getattr(m, sys.argv[1]) for m in modules if hasattr(m, sys.argv[1]))
try:
    write(sys.argv[2], hostile_atlas(), **options)
except common.ExportError as error:
    print(error, file=sys.stderr)
    sys.exit(1)
"""


@pytest.mark.parametrize(
    ("writer", "name"),
    [
        ("write_geojson", "out.geojson"),
        ("write_csv", "out.csv"),
        ("write_kml", "out.kml"),
        ("write_html", "out.html"),
        ("write_report_page", "report.html"),
    ],
)
def test_a_data_export_to_a_full_disk_leaves_no_partial_file(
    tmp_path: Path, writer: str, name: str
) -> None:
    target, content = old_file(tmp_path, name)
    code = _WRITER.format(tests=str(Path(__file__).parent))
    done = subprocess.run(
        [sys.executable, "-c", code, writer, str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limited(200),
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"Cannot write {target}: {FILE_TOO_LARGE}.\n"
    assert_untouched(target, content)


def test_no_space_left_is_said_and_leaves_no_partial_file(
    atlas: Atlas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up with the data written, when it is synced (as on NFS, say)."""

    def full(descriptor: int) -> None:
        assert os.fstat(descriptor).st_size > 0  # the partial file is there, written
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target, content = old_file(tmp_path, "out.kml")
    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(common.ExportError) as raised:
        kml.write_kml(target, atlas)
    assert str(raised.value) == f"Cannot write {target}: No space left on device."
    assert_untouched(target, content)


def run_cli(out: Path, limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mapper",
            "export",
            "--no-model",
            "--no-cache",
            "--to",
            str(out),
            *args,
            *map(str, seed_paths()),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited(limit),
    )


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    (line,) = stderr.splitlines()
    return line


@pytest.mark.parametrize("name", ["out.geojson", "out.kml"])
def test_a_cli_export_to_a_full_disk_fails_in_one_line(tmp_path: Path, name: str) -> None:
    target, content = old_file(tmp_path, name)
    done = run_cli(target, 1000)
    assert done.returncode == 1 and done.stdout == ""
    assert one_line(done.stderr) == f"dateline: Cannot write {target}: {FILE_TOO_LARGE}."
    assert_untouched(target, content)


def test_a_cli_png_export_under_a_file_size_limit_fails_in_one_line(tmp_path: Path) -> None:
    """The limit reaches the renderer and Chromium's processes (rlimits are inherited):
    under a few megabytes Chromium's own shared memory fails (here: the page does not
    load, or the renderer crashes) before the PNG is written. Whatever fails, it is one
    line and nothing is left behind. (The PNG write itself fails in the next test.)"""
    target, content = old_file(tmp_path, "out.png")
    done = run_cli(target, 2_000_000, "--width", "400", "--height", "300")
    assert "Traceback" not in done.stderr
    if done.returncode == 0:  # a Chromium content with less room: then the PNG fits
        assert target.read_bytes()[:4] == b"\x89PNG"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]
        return
    assert done.returncode == 1 and done.stdout == ""
    # Chromium fails, or before it the report page (with its state shapes) does not fit.
    assert one_line(done.stderr).startswith(f"dateline: cannot render {target}: ")
    assert_untouched(target, content)


# The renderer, with the file size limit set once the page is drawn: in the process that
# encodes the PNG (and writes the PDF Chromium printed), not in Chromium's helpers.
_RENDERER = """
import resource, sys
from ui import snapshot

ready = snapshot.Snapshotter._on_ready

def on_ready(self):
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), hard))
    ready(self)

snapshot.Snapshotter._on_ready = on_ready
sys.exit(snapshot.main(sys.argv[2:]))
"""


@pytest.mark.parametrize("name", ["out.png", "out.pdf"])
def test_a_png_or_pdf_export_to_a_full_disk_leaves_no_partial_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    """``mapper export`` to PNG and PDF, its renderer's writes failing with EFBIG."""
    from mapper.cli import main

    limit = [4096]
    run = subprocess.run

    def renderer(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
        assert command[1:3] == ["-m", "ui.snapshot"]
        return run([command[0], "-c", _RENDERER, str(limit[0]), *command[3:]], **options)

    monkeypatch.setattr(subprocess, "run", renderer)
    target, content = old_file(tmp_path, name)
    arguments = [
        "export",
        "--no-model",
        "--no-cache",
        "--to",
        str(target),
        "--width",
        "400",
        "--height",
        "300",
        *map(str, seed_paths()),
    ]
    assert main(arguments) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_untouched(target, content)
    assert one_line(captured.err) == (
        f"dateline: cannot render {target}: snapshot: Cannot write {target}: {FILE_TOO_LARGE}."
    )
    # Room again: the same renderer writes it.
    limit[0] = resource.RLIM_INFINITY
    assert main(arguments) == 0, capsys.readouterr().err
    assert target.read_bytes()[:4] in (b"\x89PNG", b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
