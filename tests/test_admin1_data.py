"""Checks on the generated states/provinces table, resources/gazetteer/admin1.tsv.

The table is made by scripts/make_admin1.py from Natural Earth data (see its
docstring to rerun it). These tests read only the committed TSV and the script's
pure helpers: no Qt, no network, no npm package.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "resources" / "gazetteer" / "admin1.tsv"
SCRIPT = ROOT / "scripts" / "make_admin1.py"
HEADER = [
    "id",
    "country_code",
    "name",
    "lat",
    "lon",
    "alt_names",
    "iso_3166_2",
    "geonames_id",
    "kind",
]

#: name -> (country, lat, lon): rough geographic centres, from any atlas.
KNOWN = {
    "California": ("US", 37.2, -119.5),
    "Kentucky": ("US", 37.5, -85.3),
    "Hawaii": ("US", 20.3, -156.4),
    "Tamil Nadu": ("IN", 11.0, 78.4),
    "Ontario": ("CA", 50.0, -85.0),
    "Bavaria": ("DE", 48.9, 11.4),
    "Lombardy": ("IT", 45.6, 9.8),
    "Scotland": ("GB", 56.8, -4.2),
}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        assert header == HEADER
        body = list(reader)
    assert all(len(cells) == len(HEADER) for cells in body)
    return [dict(zip(HEADER, cells, strict=True)) for cells in body]


@pytest.fixture(scope="module")
def by_name(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    index: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        index.setdefault(row["name"], []).append(row)
    return index


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_admin1", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_admin1"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_size_and_shape(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 3000
    assert TABLE.stat().st_size < 1_000_000
    assert {row["kind"] for row in rows} == {"admin1"}
    assert all(re.fullmatch(r"[A-Z]{2}", row["country_code"]) for row in rows)
    assert all(row["name"].strip() == row["name"] != "" for row in rows)


def test_ids_are_unique_and_well_formed(rows: list[dict[str, str]]) -> None:
    ids = Counter(row["id"] for row in rows)
    assert [key for key, n in ids.items() if n > 1] == []
    assert all(key.startswith("a1:") for key in ids)
    for row in rows:
        if row["iso_3166_2"]:
            assert row["iso_3166_2"].startswith(row["country_code"] + "-") or row[
                "country_code"
            ] in {"RU", "PR", "SX"}, row  # Crimea, Puerto Rico, Sint Maarten
        if row["geonames_id"]:
            assert row["geonames_id"].isdigit()


def test_sorted_by_country(rows: list[dict[str, str]]) -> None:
    countries = [row["country_code"] for row in rows]
    assert countries == sorted(countries)


def test_coordinates_in_range(rows: list[dict[str, str]]) -> None:
    for row in rows:
        lat, lon = float(row["lat"]), float(row["lon"])
        assert -90 <= lat <= 90 and -180 <= lon <= 180, row
        assert re.fullmatch(r"-?\d+\.\d{4}", row["lat"]), row


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_units(by_name: dict[str, list[dict[str, str]]], name: str) -> None:
    country, lat, lon = KNOWN[name]
    matches = [row for row in by_name.get(name, []) if row["country_code"] == country]
    assert len(matches) == 1, by_name.get(name)
    row = matches[0]
    assert math.dist((float(row["lat"]), float(row["lon"])), (lat, lon)) < 2.0, row


def test_us_states_and_news_abbreviations(rows: list[dict[str, str]]) -> None:
    us = {row["name"]: row for row in rows if row["country_code"] == "US"}
    assert len(us) == 51  # 50 states and the District of Columbia
    assert "Calif." in us["California"]["alt_names"].split("|")
    assert "Wash." in us["Washington"]["alt_names"].split("|")
    assert us["District of Columbia"]["id"] == "a1:US-DC"


def test_no_bare_codes_or_foreign_script_in_alt_names(rows: list[dict[str, str]]) -> None:
    for row in rows:
        alts = [alt for alt in row["alt_names"].split("|") if alt]
        assert len(alts) == len(set(alts)), row
        for alt in alts:
            assert not re.fullmatch(r"[^\W\d_]{2}", alt), row  # "CA", "IN", "OR"
            assert alt == alt.strip() and alt != row["name"], row
            assert all(
                not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") or ch in "ʻʼ" for ch in alt
            ), alt


def test_alt_name_filter(script: ModuleType) -> None:
    acceptable = script._acceptable
    assert not acceptable("CA", own=False, country="US")
    assert not acceptable("VIII", own=False, country="CL")
    assert not acceptable("East", own=False, country="GB")
    assert not acceptable("Ba¡a", own=False, country="MX")  # mojibake
    assert not acceptable("Москва", own=False, country="RU")
    assert not acceptable("U.N.", own=False, country="SS")  # dotted, not a US/CA/AU/GB unit
    assert acceptable("Calif.", own=True, country="US")
    assert acceptable("Bavaria", own=False, country="DE")


def test_representative_point_of_an_archipelago(script: ModuleType) -> None:
    def square(lon: float, lat: float, size: float) -> list[list[float]]:
        return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]]

    # A small island holding the label, and a big one far away.
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [[square(0, 0, 0.1)], [square(10, 0, 1.0)]],
    }
    lat, lon, source = script.representative_point((0.05, 0.05), geometry)
    assert source == "centroid" and 9 < lon < 11 and 0 < lat < 1
    # A label on the big island stays.
    assert script.representative_point((0.5, 10.5), geometry) == (0.5, 10.5, "label")
