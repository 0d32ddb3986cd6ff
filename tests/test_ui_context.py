"""Context when zoomed in (resources/map/js/context.js): states' borders and the names of
the pins, placed without overlaps, in the window's page and in PNG reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from atlas_factory import EVENT_TYPES, OffscreenPage, Said, article, place
from conftest import PAGE_TIMEOUT_MS

from mapper.atlas import Atlas
from mapper.export import common, html
from mapper.filters import OPEN
from mapper.page import mapview
from ui import snapshot
from ui.qt import QtGui

# Towns of northern Alabama and Georgia, a few tens of km apart: at zoom 7 their names
# would collide if each were simply written to the right of its pin.
TOWNS = [
    place("gn:4049979", "Birmingham", "city", 33.5207, -86.80249, "United States", "US"),
    place("gn:4068590", "Huntsville", "city", 34.7304, -86.58594, "United States", "US"),
    place("gn:4069458", "Gadsden", "city", 34.01426, -86.00639, "United States", "US"),
    place("gn:4089114", "Cullman", "city", 34.17482, -86.84361, "United States", "US"),
    place("gn:4069060", "Talladega", "city", 33.43594, -86.10580, "United States", "US"),
    place("gn:4092788", "Sylacauga", "city", 33.17317, -86.25164, "United States", "US"),
    place("gn:4221333", "Rome", "city", 34.25704, -85.16467, "United States", "US"),
    place("gn:4180439", "Atlanta", "city", 33.749, -84.38798, "United States", "US"),
    place("gn:4212995", "Dalton", "city", 34.76980, -84.97022, "United States", "US"),
    place("gn:4193699", "Carrollton", "city", 33.58011, -85.07661, "United States", "US"),
]
# Most mentioned first: Birmingham 6 times, then fewer.
MENTIONS = {town.id: max(1, 6 - i) for i, town in enumerate(TOWNS)}
CENTRE_ZOOM = (33.9, -85.9, 7.0)
SIZE = (1000, 700)


@pytest.fixture
def towns_atlas() -> Atlas:
    sentences = [
        Said(f"Storm damage was reported in {town.name}.", [town], events=["Protests"])
        for town in TOWNS
        for _ in range(MENTIONS[town.id])
    ]
    return Atlas([article("storm", "Storms across the South", sentences)])


def window_page(open_offscreen: Any, atlas: Atlas, tmp_path: Path) -> OffscreenPage:
    """The window's page (assets linked, states and provinces loaded on demand)."""
    pins = mapview.pins_feature_collection(atlas, event_types=EVENT_TYPES)
    return open_offscreen(mapview.write_page(tmp_path, pins, bridge=False), SIZE)


def settled_state(page: OffscreenPage, zoom: float, *, borders: bool | None = None) -> Any:
    """labelState once the map is at `zoom` and the names (and borders) have been placed."""
    latest: dict[str, Any] = {}

    def ready() -> bool:
        state = page.json("Dateline.labelState()")
        latest.update(state)
        if state["zoom"] != zoom or len(state["drawn"]) != len(state["labels"]):
            return False
        return borders is None or (state["borders"] > 0) == borders

    page.qtbot.waitUntil(ready, timeout=PAGE_TIMEOUT_MS)
    page.qtbot.wait(400)  # past the page's debounce: nothing is about to move
    return page.json("Dateline.labelState()")


def overlap(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    return (
        a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]
    )


def assert_clear(state: Any) -> None:
    """No two names overlap, and no name covers a pin (its own or another)."""
    drawn = state["drawn"]
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            assert not overlap(a, b), (a, b)
        for pin in state["pins"]:
            assert not overlap(a, pin["box"]), (a, pin)


def test_zoomed_in_pins_are_named_without_overlaps(open_offscreen, towns_atlas, tmp_path):
    page = window_page(open_offscreen, towns_atlas, tmp_path)
    lat, lon, zoom = CENTRE_ZOOM
    assert page.js(f"Dateline.setView({lat}, {lon}, {zoom})") is True
    state = settled_state(page, zoom)
    names = {label["name"] for label in state["labels"]}
    # Most of the towns are named; the most mentioned always is.
    assert len(names) >= 6, names
    assert "Birmingham" in names
    assert len(state["pins"]) >= 8  # standing alone, not clustered
    # The names are in the page, as text (what a PNG/PDF report renders).
    texts = page.json(
        "JSON.stringify(Array.from(document.querySelectorAll('.dl-pin-label span'))"
        ".map(function (e) { return e.textContent; }))"
    )
    assert sorted(texts) == sorted(names)
    assert_clear(state)
    # Some names could not go to the right of their pin and went elsewhere.
    pins = {pin["id"]: pin["box"] for pin in state["pins"]}
    sides = {label["box"][0] > pins[label["id"]][2] for label in state["labels"]}
    assert sides == {True, False}


def test_names_follow_the_filter(open_offscreen, towns_atlas, tmp_path):
    page = window_page(open_offscreen, towns_atlas, tmp_path)
    lat, lon, zoom = CENTRE_ZOOM
    page.js(f"Dateline.setView({lat}, {lon}, {zoom})")
    settled_state(page, zoom)
    only = json.dumps({"articles": ["none"]})
    page.js(f"Dateline.setFilter({only})")
    page.qtbot.waitUntil(
        lambda: page.json("Dateline.labelState()")["drawn"] == [], timeout=PAGE_TIMEOUT_MS
    )


def test_states_borders_show_only_zoomed_in(open_offscreen, towns_atlas, tmp_path):
    page = window_page(open_offscreen, towns_atlas, tmp_path)
    page.js("Dateline.setView(20, 0, 2)")
    world = settled_state(page, 2)
    assert world["borders"] == 0
    assert world["labels"] == []  # the world map names no pins (tooltips do)
    lat, lon, zoom = CENTRE_ZOOM
    page.js(f"Dateline.setView({lat}, {lon}, {zoom})")
    zoomed = settled_state(page, zoom, borders=True)
    assert zoomed["borders"] > 10
    # Out again: gone.
    page.js("Dateline.setView(20, 0, 3)")
    assert settled_state(page, 3, borders=False)["borders"] == 0
    # The choropleth draws its own states; the grey lines are for the pins view.
    page.js(f"Dateline.setView({lat}, {lon}, {zoom})")
    settled_state(page, zoom, borders=True)
    page.js("Dateline.setMapView('choropleth')")
    page.qtbot.waitUntil(
        lambda: page.json("Dateline.labelState()")["borders"] == 0, timeout=PAGE_TIMEOUT_MS
    )
    assert page.json("Dateline.labelState()")["labels"] == []


def test_an_html_export_draws_the_borders_of_its_pins_states(open_offscreen, towns_atlas, tmp_path):
    # A standalone page had no states at all (the world's file is 2.4 MB): it carries
    # those of its pins' countries, and draws them zoomed in as the window does.
    out = html.write_html(tmp_path / "map.html", towns_atlas, OPEN, EVENT_TYPES)
    source = out.read_text(encoding="utf-8")
    assert '"id":"US-GA"' in source and '"id":"US-AL"' in source
    assert '"id":"FR-69"' not in source and '"id":"AD-02"' not in source
    assert out.stat().st_size < 2_500_000  # the whole world's would add 2.4 MB
    page = open_offscreen(out, SIZE)
    lat, lon, zoom = CENTRE_ZOOM
    page.js(f"Dateline.setView({lat}, {lon}, {zoom})")
    assert settled_state(page, zoom, borders=True)["borders"] > 10


def test_png_report_of_a_zoomed_region_names_its_pins(open_offscreen, towns_atlas, tmp_path):
    width, height = SIZE
    options = common.ReportOptions(width=width, height=height, view=CENTRE_ZOOM, legend=False)
    report = html.write_report_page(
        tmp_path / "report.html", towns_atlas, OPEN, EVENT_TYPES, options
    )
    # The report page itself: names placed without overlaps, and the states' borders.
    view = open_offscreen(report, SIZE)
    state = view.json("Dateline.labelState()")
    assert len(state["labels"]) >= 6 and state["borders"] > 10
    assert_clear(state)
    dx, dy = map_offset(view)  # the report's header is above the map
    out = tmp_path / "report.png"
    snapshot.render(report, out, width=width, height=height)
    image = QtGui.QImage(str(out))
    assert not image.isNull() and (image.width(), image.height()) == SIZE
    # The names are near-black text (#1d2733) on the pale land: count such pixels in
    # each name's box.
    dark = 0
    for label in state["labels"]:
        left, upper, right, lower = (int(v) for v in label["box"])
        for y in range(upper + dy, lower + dy):
            for x in range(left + dx, right + dx):
                colour = image.pixelColor(x, y)
                dark += colour.red() < 90 and colour.green() < 90 and colour.blue() < 110
    assert dark > 20 * len(state["labels"])


def map_offset(page: OffscreenPage) -> tuple[int, int]:
    box = page.json(
        "JSON.stringify((function () { var r = document.querySelector('.leaflet-container')"
        ".getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top)]; })())"
    )
    assert isinstance(box, list)
    return int(box[0]), int(box[1])
