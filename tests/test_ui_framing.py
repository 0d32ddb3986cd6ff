"""What the map shows and how it is framed, in the real window (issue 16): a legend of the
event types on the map only, clusters that show their mix of types, country pins that frame
their country, world views without Antarctica, and exports as big as the dialog says."""

from __future__ import annotations

import json
import math
import re

import pytest
from conftest import PAGE_TIMEOUT_MS, close_window, open_window
from test_ui import click_item, pin_ids, place_id, run_js, wait_until_mapped
from test_ui_export import export, open_dialog, wait_for_preview

from ui.qt import QtGui

WORLD_TEXT = """Protests spread worldwide

Thousands of people marched in Tokyo on Monday. Crowds also gathered in Sydney, Lima and Oslo,
and police in Cape Town arrested twelve protesters. In Reykjavik, workers went on strike.
"""

#: Venezuela's mainland in Natural Earth 1:50m, [south, west, north, east] (rounded out).
VENEZUELA = (0.6, -73.4, 12.3, -59.8)


@pytest.fixture
def world_window(qtbot, seed_paths, tmp_path):
    """The seed (Venezuela) and an article with cities on five continents."""
    world = tmp_path / "world.txt"
    world.write_text(WORLD_TEXT, encoding="utf-8")
    main_window = open_window(qtbot, [*seed_paths, world])
    try:
        yield main_window
    finally:
        close_window(qtbot, main_window)


def view_state(qtbot, window) -> dict:
    result = run_js(qtbot, window, "Dateline.viewState()")
    assert isinstance(result, str), result
    return json.loads(result)


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def legend_entries(qtbot, window) -> list[tuple[str, str, int]]:
    """(event type, swatch colour, count) of each legend line, top to bottom."""
    script = (
        "JSON.stringify(Array.from(document.querySelectorAll('.dl-legend-item')).map("
        "function (e) { return [e.querySelector('.dl-legend-label').textContent,"
        " e.querySelector('.dl-swatch').style.backgroundColor,"
        " Number(e.querySelector('.dl-legend-count').textContent)]; }))"
    )
    return [tuple(entry) for entry in json.loads(str(run_js(qtbot, window, script)))]


def colours_drawn(qtbot, window) -> set[str]:
    """Colours of the pins drawn on the map, and of the arcs of the clusters drawn."""
    script = (
        "JSON.stringify(Array.from(document.querySelectorAll('.dl-pin')).map(function (e) {"
        " return e.style.getPropertyValue('--dl-pin'); }).concat("
        "Array.from(document.querySelectorAll('.dl-cluster-arc')).map(function (e) {"
        " return e.getAttribute('data-color'); })))"
    )
    return {rgb(c) for c in json.loads(str(run_js(qtbot, window, script)))}


def clusters(qtbot, window) -> list[dict]:
    """Each cluster drawn: its number and its arcs (colour, pins)."""
    script = (
        "JSON.stringify(Array.from(document.querySelectorAll('.dl-cluster')).map(function (e) {"
        " return {n: Number(e.querySelector('span').textContent),"
        " arcs: Array.from(e.querySelectorAll('.dl-cluster-arc')).map(function (a) {"
        " return [a.getAttribute('data-color'), Number(a.getAttribute('data-pins'))]; })}; }))"
    )
    return json.loads(str(run_js(qtbot, window, script)))


def centre_for(lat: float, lon: float, zoom: int, dx: float, dy: float) -> tuple[float, float]:
    """The map centre that puts (lat, lon) dx px right and dy px above it (Web Mercator)."""
    world = 256 * 2**zoom
    x = (lon + 180) / 360 * world - dx
    y = (0.5 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)) * world
    y += dy
    centre_lat = math.degrees(
        2 * math.atan(math.exp((0.5 - y / world) * 2 * math.pi)) - math.pi / 2
    )
    return centre_lat, x / world * 360 - 180


def taxonomy_names(window) -> list[str]:
    return [name for name, _ in window.session.event_types]


# -- the legend ------------------------------------------------------------------------------


def test_the_legend_lists_only_the_event_types_on_the_map(qtbot, world_window):
    window = world_window
    # Every pin on its own: the colours drawn are the colours of the pins.
    run_js(qtbot, window, "Dateline.setView(10, 0, 8)")
    run_js(qtbot, window, "Dateline.fitPins()")
    qtbot.wait(300)
    entries = legend_entries(qtbot, window)
    names = [name for name, _, _ in entries]
    assert names and len(names) < len(taxonomy_names(window)) + 1
    # One line a colour of the map, counted: every shown pin once.
    assert sum(count for _, _, count in entries) == len(pin_ids(qtbot, window))
    assert {colour for _, colour, _ in entries} == colours_drawn(qtbot, window)
    # In taxonomy order, "No event type" last.
    order = [*taxonomy_names(window), "No event type"]
    assert names == sorted(names, key=order.index)

    # Filtered to one type, the legend follows.
    chosen = names[0]
    window.filter_panel.set_checked(window.filter_panel.event_list, {chosen})
    wait_until_mapped(qtbot, window)
    qtbot.wait(200)
    after = legend_entries(qtbot, window)
    assert chosen in [name for name, _, _ in after]
    assert sum(count for _, _, count in after) == len(pin_ids(qtbot, window))
    assert len(after) <= len(entries)
    assert {colour for _, colour, _ in after} <= {colour for _, colour, _ in entries}


def test_an_open_popup_keeps_its_close_button_clear_of_the_legend(qtbot, window):
    # A pin near the top right of the map: its popup opens below the folded legend.
    caracas = place_id(window, "Caracas")
    place = window.atlas.place(caracas)
    size = window.map_view.size()
    lat, lon = centre_for(place.lat, place.lon, 5, size.width() / 2 - 70, size.height() / 2 - 70)
    run_js(qtbot, window, f"Dateline.setView({lat}, {lon}, 5)")  # Caracas at the top right
    assert run_js(qtbot, window, f"Dateline.clickPin({json.dumps(caracas)})")
    qtbot.waitUntil(lambda: window.place_id == caracas, timeout=PAGE_TIMEOUT_MS)
    qtbot.wait(500)
    script = (
        "JSON.stringify([document.querySelector('.dl-legend').getBoundingClientRect(),"
        " document.querySelector('.leaflet-popup-close-button').getBoundingClientRect()]"
        ".map(function (r) { return [r.left, r.top, r.right, r.bottom]; }))"
    )
    legend, close = json.loads(str(run_js(qtbot, window, script)))
    overlap_x = min(legend[2], close[2]) - max(legend[0], close[0])
    overlap_y = min(legend[3], close[3]) - max(legend[1], close[1])
    assert overlap_x <= 0 or overlap_y <= 0, (legend, close)


# -- clusters --------------------------------------------------------------------------------


def test_a_cluster_is_a_ring_of_its_event_types(qtbot, world_window):
    window = world_window
    run_js(qtbot, window, "Dateline.setView(5, -66, 2)")  # Venezuela's pins cluster
    qtbot.wait(500)
    drawn = clusters(qtbot, window)
    assert drawn, "no cluster at zoom 2"
    for cluster in drawn:
        colours = [colour for colour, _ in cluster["arcs"]]
        # One arc a type present, together as many as the places inside.
        assert colours and len(colours) == len(set(colours))
        assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", c) for c in colours)
        assert sum(pins for _, pins in cluster["arcs"]) == cluster["n"]
    legend = {colour for _, colour, _ in legend_entries(qtbot, window)}
    assert {rgb(c) for cluster in drawn for c, _ in cluster["arcs"]} <= legend


# -- framing ---------------------------------------------------------------------------------


def assert_frames_venezuela(view: dict) -> None:
    south, west, north, east = view["bounds"]
    lat = (VENEZUELA[0] + VENEZUELA[2]) / 2
    lon = (VENEZUELA[1] + VENEZUELA[3]) / 2
    assert south < lat < north and west < lon < east
    # The country fills the view: not a world view, not 100 km of empty land.
    width = VENEZUELA[3] - VENEZUELA[1]
    assert 0.8 * width < east - west < 4 * width, view
    assert view["zoom"] > 3


def test_clicking_a_country_pin_frames_the_country(qtbot, world_window):
    window = world_window
    venezuela = place_id(window, "Venezuela")
    world_zoom = view_state(qtbot, window)["zoom"]  # the pins of five continents, framed
    run_js(qtbot, window, "Dateline.setView(8, -66, 9)")  # 100 km round its pin
    assert run_js(qtbot, window, f"Dateline.clickPin({json.dumps(venezuela)})")
    qtbot.waitUntil(lambda: window.place_id == venezuela, timeout=PAGE_TIMEOUT_MS)
    qtbot.wait(300)
    view = view_state(qtbot, window)
    assert view["zoom"] > world_zoom
    assert_frames_venezuela(view)


def test_choosing_a_country_in_the_places_list_frames_it(qtbot, world_window):
    window = world_window
    run_js(qtbot, window, "Dateline.fitPins()")
    places = window.place_list
    item = places.item_for(place_id(window, "Venezuela"))
    assert item is not None
    click_item(qtbot, places, places.indexFromItem(item))

    def popup_open() -> bool:
        text = json.loads(str(run_js(qtbot, window, "Dateline.popupText()")))
        return isinstance(text, str) and text.startswith("Venezuela")

    qtbot.waitUntil(popup_open, timeout=PAGE_TIMEOUT_MS)
    assert_frames_venezuela(view_state(qtbot, window))


def test_clicking_a_state_pin_frames_the_state(qtbot, tmp_path):
    kansas_txt = tmp_path / "kansas.txt"
    kansas_txt.write_text("Storms\n\nFloods closed roads across Kansas on Monday.\n", "utf-8")
    window = open_window(qtbot, [kansas_txt])
    try:
        kansas = window.atlas.place(place_id(window, "Kansas"))
        assert kansas.kind == "admin1"
        run_js(qtbot, window, f"Dateline.setView({kansas.lat}, {kansas.lon}, 10)")
        assert run_js(qtbot, window, f"Dateline.clickPin({json.dumps(kansas.id)})")
        qtbot.waitUntil(lambda: window.place_id == kansas.id, timeout=PAGE_TIMEOUT_MS)

        # Kansas: 37–40° N, 102.05–94.6° W; the view holds it, and not much more (its shape
        # comes with the states-and-provinces script, loaded on the first state click).
        def frames_kansas() -> bool:
            south, west, north, east = view_state(qtbot, window)["bounds"]
            return south < 37.2 and north > 39.8 and west < -101.8 and east > -94.8

        qtbot.waitUntil(frames_kansas, timeout=PAGE_TIMEOUT_MS)
        _south, west, _north, east = view_state(qtbot, window)["bounds"]
        assert east - west < 4 * 7.5
    finally:
        close_window(qtbot, window)


def test_a_world_view_leaves_out_antarctica(qtbot, world_window):
    window = world_window
    # A tall map: fitting the pins alone would show the ice down to -68°.
    window.resize(1900, 1200)
    window.map_view.setFixedSize(1000, 800)
    qtbot.wait(500)
    run_js(qtbot, window, "Dateline.fitPins()")
    qtbot.wait(200)
    view = view_state(qtbot, window)
    south, _west, north, _east = view["bounds"]
    assert south > -60, view
    assert north > 64  # Reykjavík still in view
    assert len(pin_ids(qtbot, window)) >= 8


# -- exports ---------------------------------------------------------------------------------


def promised_size(dialog) -> tuple[int, int]:
    match = re.search(r"(\d+) × (\d+) pixels", dialog.info_label.text())
    assert match, dialog.info_label.text()
    return int(match.group(1)), int(match.group(2))


@pytest.mark.parametrize("custom", [False, True])
def test_the_png_is_the_size_the_dialog_promises(qtbot, window, tmp_path, monkeypatch, custom):
    # A narrow map: the header and footer wrap, so their height is only known once drawn.
    window.map_view.setFixedWidth(380)
    qtbot.wait(500)
    # The pins stay framed in the narrowed map (the reader has not chosen a view), so the
    # "current view" export shows them.
    south, west, north, east = view_state(qtbot, window)["bounds"]
    for place in window.atlas.places():
        assert south < place.lat < north and west < place.lon < east, place.name
    dialog = open_dialog(qtbot, window)
    try:
        dialog.set_format("png")
        dialog.title_edit.setText("A long title that has to wrap in a narrow map, twice over")
        if custom:
            dialog.custom_size_radio.setChecked(True)
            dialog.width_spin.setValue(700)
            dialog.height_spin.setValue(500)
        wait_for_preview(qtbot, dialog)
        qtbot.wait(300)
        wait_for_preview(qtbot, dialog)
        width, height = promised_size(dialog)
        if custom:
            assert (width, height) == (700, 500)
        out = tmp_path / "promised.png"
        export(qtbot, dialog, out, monkeypatch)
        image = QtGui.QImage(str(out))
        assert (image.width(), image.height()) == (width, height)
    finally:
        dialog.reject()


def test_a_square_world_view_zooms_in_off_antarctica(qtbot, world_window):
    window = world_window
    # Square: the whole width fits only with the whole height, down to -85°.
    window.resize(1500, 1100)
    window.map_view.setFixedSize(800, 800)
    qtbot.wait(500)
    run_js(qtbot, window, "Dateline.fitPins()")
    qtbot.wait(200)
    view = view_state(qtbot, window)
    south, west, north, east = view["bounds"]
    assert south > -62, view
    places = {p.name: p for p in window.atlas.places()}
    assert {"Tokyo", "Sydney", "Lima", "Oslo", "Cape Town"} <= set(places)
    shown = pin_ids(qtbot, window)
    assert len(shown) >= 8
    for place in window.atlas.places():
        if place.id in shown:  # never a pin cut off
            assert south < place.lat < north and west < place.lon < east, (place.name, view)
    # Nor an icon drawn across the map's edge.
    cut = run_js(
        qtbot,
        window,
        "(function () { var box = document.querySelector('.leaflet-container')"
        ".getBoundingClientRect(); return Array.from(document.querySelectorAll("
        "'.dl-pin, .dl-cluster')).filter(function (e) { var r = e.getBoundingClientRect();"
        " return r.left < box.left || r.right > box.right || r.top < box.top ||"
        " r.bottom > box.bottom; }).length; })()",
    )
    assert cut == 0


def test_an_empty_square_map_shows_the_world_without_antarctica(qtbot):
    window = open_window(qtbot, [])
    try:
        window.resize(1500, 1100)
        window.map_view.setFixedSize(800, 800)
        qtbot.wait(500)
        run_js(qtbot, window, "Dateline.fitPins()")  # no pin: the world, as on opening
        south, west, north, east = view_state(qtbot, window)["bounds"]
        assert south > -62 and north > 80
        assert east - west > 200  # still most of the world across
    finally:
        close_window(qtbot, window)


def test_pins_from_alaska_to_new_zealand_get_the_world_view_not_a_smaller_world(qtbot, tmp_path):
    # Their span needs less than the world's own zoom: fitted as they are, the world was
    # drawn small and off-centre, with empty sea beside it.
    article = tmp_path / "pacific.txt"
    article.write_text(
        "Storms across the Pacific\n\nFlights were cancelled in Anchorage, Apia and Honolulu "
        "on Monday, and ferries stopped in Suva and Auckland. Crowds waited in Tokyo, "
        "Lima and Oslo.\n",
        encoding="utf-8",
    )
    window = open_window(qtbot, [article])
    try:
        window.resize(1500, 1100)
        window.map_view.setFixedSize(660, 690)  # the window's usual map
        qtbot.wait(500)
        run_js(qtbot, window, "Dateline.fitPins()")
        qtbot.wait(200)
        south, west, _north, east = view_state(qtbot, window)["bounds"]
        assert east - west <= 360.5, (west, east)  # the map is all world, no empty margin
        assert south > -62  # and the world view leaves Antarctica out
    finally:
        close_window(qtbot, window)
