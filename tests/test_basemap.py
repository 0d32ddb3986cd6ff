"""Checks on the generated offline basemap, resources/basemap/countries.js.

The file is made by scripts/make_basemap.py; these tests parse the JSON out of
its two ``window.*`` assignments, so they need neither Qt nor a browser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

BASEMAP_JS = Path(__file__).resolve().parent.parent / "resources" / "basemap" / "countries.js"

Ring = list[list[float]]


def _read_globals() -> dict[str, Any]:
    """Return the values assigned to ``window.NAME`` in countries.js, by NAME."""
    values: dict[str, Any] = {}
    for line in BASEMAP_JS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("//"):
            continue
        assert line.startswith("window.") and line.endswith(";"), line[:80]
        name, _, value = line.removeprefix("window.").removesuffix(";").partition(" = ")
        values[name] = json.loads(value)
    return values


@pytest.fixture(scope="module")
def basemap() -> dict[str, Any]:
    """The GeoJSON FeatureCollection."""
    return dict(_read_globals()["DATELINE_BASEMAP"])


@pytest.fixture(scope="module")
def labels() -> dict[str, dict[str, Any]]:
    """The country label points, by country name."""
    return {label["name"]: label for label in _read_globals()["DATELINE_COUNTRY_LABELS"]}


def _polygons(feature: dict[str, Any]) -> list[list[Ring]]:
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return list(geometry["coordinates"])


def _rings(basemap: dict[str, Any]) -> Iterator[tuple[str, Ring]]:
    for feature in basemap["features"]:
        for polygon in _polygons(feature):
            for ring in polygon:
                yield feature["properties"]["name"], ring


def _feature(basemap: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in basemap["features"] if f["properties"]["name"] == name)


def _bbox(feature: dict[str, Any]) -> tuple[float, float, float, float]:
    points = [p for polygon in _polygons(feature) for ring in polygon for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _inside(lon: float, lat: float, feature: dict[str, Any]) -> bool:
    """Even-odd point-in-polygon test over all of a feature's rings."""
    inside = False
    for polygon in _polygons(feature):
        for ring in polygon:
            for (x0, y0), (x1, y1) in pairwise(ring):
                if (y0 > lat) != (y1 > lat) and lon < (x1 - x0) * (lat - y0) / (y1 - y0) + x0:
                    inside = not inside
    return inside


def test_is_a_feature_collection_of_the_world(basemap: dict[str, Any]) -> None:
    assert basemap["type"] == "FeatureCollection"
    assert len(basemap["features"]) >= 200
    names = {f["properties"]["name"] for f in basemap["features"]}
    for name in ("Venezuela", "Colombia", "Cuba", "Russia", "United States of America"):
        assert name in names
    assert _feature(basemap, "Venezuela")["id"] == "862"


def test_coordinates_are_in_range_and_rings_closed(basemap: dict[str, Any]) -> None:
    for name, ring in _rings(basemap):
        assert len(ring) >= 4 and ring[0] == ring[-1], name
        for lon, lat in ring:
            assert -180 <= lon <= 180 and -90 <= lat <= 90, (name, lon, lat)


def test_no_ring_jumps_across_the_antimeridian(basemap: dict[str, Any]) -> None:
    for name, ring in _rings(basemap):
        for (lon0, _), (lon1, _) in pairwise(ring):
            assert abs(lon1 - lon0) <= 180, (name, lon0, lon1)


def test_countries_on_the_antimeridian_keep_both_sides(basemap: dict[str, Any]) -> None:
    for name in ("Russia", "Fiji"):
        lons = [p[0] for polygon in _polygons(_feature(basemap, name)) for r in polygon for p in r]
        assert max(lons) >= 179.9 and min(lons) <= -179.9, name


def test_every_country_has_a_label_inside_it(
    basemap: dict[str, Any], labels: dict[str, dict[str, Any]]
) -> None:
    assert len(labels) == len(basemap["features"])
    for feature in basemap["features"]:
        label = labels[feature["properties"]["name"]]
        assert isinstance(label["rank"], int) and label["rank"] >= 1
        assert _inside(label["lon"], label["lat"], feature), label


def test_venezuela_label(basemap: dict[str, Any], labels: dict[str, dict[str, Any]]) -> None:
    label = labels["Venezuela"]
    west, south, east, north = _bbox(_feature(basemap, "Venezuela"))
    assert west <= label["lon"] <= east and south <= label["lat"] <= north
    assert label["lat"] == pytest.approx(7, abs=3) and label["lon"] == pytest.approx(-66, abs=3)


def test_russia_label(basemap: dict[str, Any], labels: dict[str, dict[str, Any]]) -> None:
    label = labels["Russia"]
    west, south, east, north = _bbox(_feature(basemap, "Russia"))
    assert west <= label["lon"] <= east and south <= label["lat"] <= north
    assert label["rank"] < labels["Cuba"]["rank"]
