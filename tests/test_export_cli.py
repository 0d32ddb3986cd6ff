"""The public `python -m mapper export` command, run as a user would run it."""

from __future__ import annotations

import codecs
import csv
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mapper.cli import main
from mapper.export import common, csv_rows
from mapper.filters import Filter
from mapper.sources import seed_paths

KML = "{http://www.opengis.net/kml/2.2}"
WROTE = re.compile(r"wrote (?P<out>.+) \((?P<places>\d+) places?, (?P<articles>\d+) articles?\)")


def run_export(
    out: Path, *args: str, files: list[Path] | None = None
) -> subprocess.CompletedProcess[str]:
    paths = seed_paths() if files is None else files
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mapper",
            "export",
            "--no-model",
            "--to",
            str(out),
            *args,
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def succeeded(result: subprocess.CompletedProcess[str], out: Path) -> int:
    """Check a successful run (one stdout line, nothing on stderr); the places written."""
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    match = WROTE.fullmatch(line)
    assert match is not None, line
    assert match["out"] == str(out) and out.is_file()
    return int(match["places"])


@pytest.fixture(scope="module")
def extracted() -> dict[str, dict[str, object]]:
    """The seed's places as `extract` reports them, by id."""
    (seed,) = seed_paths()
    result = subprocess.run(
        [sys.executable, "-m", "mapper", "extract", "--no-model", str(seed)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    (line,) = result.stdout.splitlines()
    return {p["id"]: p for p in json.loads(line)["places"]}


def geojson(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# -- data formats --------------------------------------------------------------------------


def test_geojson_of_the_seed_matches_extract(tmp_path: Path, extracted) -> None:
    out = tmp_path / "seed.geojson"
    places = succeeded(run_export(out), out)
    data = geojson(out)
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    assert len(features) == places == len(extracted)
    for feature in features:
        place = extracted[feature["id"]]
        assert feature["geometry"]["coordinates"] == [place["lon"], place["lat"]]
        assert feature["properties"]["mentions"] == len(place["mentions"])
    names = {f["properties"]["name"] for f in features}
    assert {"Caracas", "Venezuela", "Colombia", "Cuba", "Russia", "United States"} <= names
    meta = data["dateline"]
    assert meta["attribution"] == common.credits()
    (source,) = meta["sources"]
    assert source["source"] == str(seed_paths()[0])
    assert meta["filter"] == Filter().to_json()


def test_event_type_filter(tmp_path: Path) -> None:
    everything = tmp_path / "all.geojson"
    protests = tmp_path / "protests.geojson"
    all_places = succeeded(run_export(everything), everything)
    some = succeeded(run_export(protests, "--event-type", "protests"), protests)  # any case
    assert 0 < some < all_places
    data = geojson(protests)
    assert data["dateline"]["filter"]["eventTypes"] == ["Protests"]
    for feature in data["features"]:
        for excerpt in feature["properties"]["excerpts"]:
            assert "Protests" in excerpt["event_types"]


def test_actor_filter_by_name_or_id_repeatable(tmp_path: Path) -> None:
    russia = tmp_path / "russia.geojson"
    succeeded(run_export(russia, "--actor", "RUSSIA"), russia)
    data = geojson(russia)
    assert data["dateline"]["filter"]["actors"] == ["state:RU"]
    excerpts = [e for f in data["features"] for e in f["properties"]["excerpts"]]
    assert excerpts and all("state:RU" in e["actor_ids"] for e in excerpts)
    both = tmp_path / "both.geojson"
    succeeded(run_export(both, "--actor", "state:RU", "--actor", "protesters"), both)
    filter_ = geojson(both)["dateline"]["filter"]
    assert filter_["actors"] == ["group:protesters", "state:RU"]
    count = sum(len(f["properties"]["excerpts"]) for f in geojson(both)["features"])
    assert count > len(excerpts)


def test_csv_of_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "seed.csv"
    succeeded(run_export(out, "--actor", "protesters", "--excel-bom"), out)
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == csv_rows.CSV_COLUMNS
        rows = list(reader)
    assert rows and all("protesters" in row["actors"].split("; ") for row in rows)
    text = seed_paths()[0].read_text(encoding="utf-8")
    for row in rows:
        assert text[int(row["mention_start"]) : int(row["mention_end"])] == row["mention_text"]


def test_kml_of_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "seed.kml"
    places = succeeded(run_export(out, "--event-type", "Protests", "--title", "Protests"), out)
    root = ET.parse(out).getroot()
    document = root.find(f"{KML}Document")
    assert document is not None and document.findtext(f"{KML}name") == "Protests"
    assert len(document.findall(f"{KML}Placemark")) == places


def test_html_of_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "seed.html"
    succeeded(run_export(out, "--title", "Venezuela <crisis>"), out)
    page = out.read_text(encoding="utf-8")
    assert "Venezuela &lt;crisis&gt;" in page and "<crisis>" not in page
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:|//|file:)""", page)
    assert "GeoNames (CC BY 4.0)" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.html"]


# -- failures ------------------------------------------------------------------------------


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run_export(tmp_path / "seed.docx")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unknown format .docx" in result.stderr and ".geojson" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("a.png", ["--paper", "a4"], "--paper and --orientation apply to PDF"),
        ("a.csv", ["--width", "800"], "apply to PNG and PDF"),
        ("a.kml", ["--excel-bom"], "--excel-bom applies to CSV"),
        ("a.png", ["--scale", "3"], "must be 1 or 2"),
        ("a.png", ["--width", "12"], "must be 100 to 8000"),
    ],
)
def test_options_that_do_not_fit_are_usage_errors(
    tmp_path: Path, name: str, options: list[str], message: str
) -> None:
    result = run_export(tmp_path / name, *options)
    assert result.returncode == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_actor_or_event_type_says_what_is_known(tmp_path: Path) -> None:
    result = run_export(tmp_path / "out.geojson", "--actor", "Nobody")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("dateline: no actor named 'Nobody' (known: ")
    assert "Russia" in line and "protesters" in line
    result = run_export(tmp_path / "out.geojson", "--event-type", "Parades")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("dateline: no event type named 'Parades' (known: Protests, Riots")
    assert list(tmp_path.iterdir()) == []


def test_bad_files_are_reported_and_the_others_exported(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    out = tmp_path / "out.geojson"
    result = run_export(out, files=[missing, *seed_paths(), binary])
    assert result.returncode == 1  # like extract: some files failed
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("dateline: ") for line in lines)
    assert "missing.txt" in lines[0] and "image.png" in lines[1]
    assert WROTE.fullmatch(result.stdout.strip())
    assert geojson(out)["features"]
    nothing = run_export(tmp_path / "none.geojson", files=[missing])
    assert nothing.returncode == 1 and "no article to export" in nothing.stderr


def test_a_missing_folder_is_reported_before_any_work(tmp_path: Path) -> None:
    result = run_export(tmp_path / "no" / "such" / "out.csv")
    assert result.returncode == 1
    assert "does not exist" in result.stderr


def test_a_renderer_failure_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[list[str]] = []

    def fail(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        page = Path(command[command.index("--page") + 1])
        assert page.is_file() and "window.Dateline" in page.read_text(encoding="utf-8")
        return subprocess.CompletedProcess(command, 1, "", "Qt noise\nsnapshot: the page broke\n")

    monkeypatch.setattr(subprocess, "run", fail)
    out = tmp_path / "map.pdf"
    status = main(["export", "--no-model", "--to", str(out), *map(str, seed_paths())])
    captured = capsys.readouterr()
    assert status == 1 and captured.out == ""
    assert captured.err == f"dateline: cannot render {out}: snapshot: the page broke\n"
    (command,) = calls
    assert command[:3] == [sys.executable, "-m", "ui.snapshot"]
    # A PDF without a size is the paper: A4 landscape at 96 px to the inch.
    options = dict(zip(command[3::2], command[4::2], strict=True))
    assert options["--width"] == "1123" and options["--height"] == "794"
    assert options["--paper"] == "a4" and options["--orientation"] == "landscape"
    assert options["--out"] == str(out)
    assert not out.exists()


@pytest.mark.parametrize(
    ("options", "size"),
    [
        (["--paper", "letter", "--orientation", "portrait"], ("816", "1056", "letter")),
        (["--width", "900", "--height", "500"], ("900", "500", None)),
    ],
)
def test_pdf_sizes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
    size: tuple[str, str, str | None],
) -> None:
    seen: dict[str, str] = {}

    def record(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        seen.update(zip(command[3::2], command[4::2], strict=True))
        Path(seen["--out"]).write_bytes(b"%PDF-1.4\n")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", record)
    out = tmp_path / "map.pdf"
    assert main(["export", "--no-model", "--to", str(out), *options, *map(str, seed_paths())]) == 0
    assert (seen["--width"], seen["--height"], seen.get("--paper")) == size


# -- pictures, through ui.snapshot ---------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_of_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "seed.png"
    succeeded(run_export(out, "--title", "Venezuela", "--width", "800", "--height", "600"), out)
    assert png_size(out) == (800, 600)
    double = tmp_path / "double.png"
    succeeded(run_export(double, "--event-type", "Protests", "--scale", "2"), double)
    assert png_size(double) == (2400, 1600)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["double.png", "seed.png"]


def test_pdf_of_the_seed_is_one_a4_page(tmp_path: Path) -> None:
    out = tmp_path / "seed.pdf"
    succeeded(run_export(out, "--title", "Venezuela", "--actor", "Russia"), out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box is not None
    width, height = float(box.group(1)), float(box.group(2))
    assert (width, height) == (pytest.approx(841.9, abs=2), pytest.approx(595.3, abs=2))
