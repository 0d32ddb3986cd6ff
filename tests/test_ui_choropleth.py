"""View ▸ Pins / Choropleth / Heat in the real window, and `export --view choropleth`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from test_ui import pin_ids, run_js, wait_until_mapped

from mapper.filters import Filter
from mapper.page.regions import country_shape_id
from mapper.sources import seed_paths
from ui.qt import QtGui


def filled_regions(qtbot, window) -> dict[str, int]:
    """Shape id -> count of the choropleth's filled shapes, as the page draws them."""
    script = (
        "JSON.stringify(Array.from(document.querySelectorAll('path[data-region]'))"
        ".filter(function (p) { return Number(p.getAttribute('fill-opacity')) > 0.5; })"
        ".map(function (p) { return [p.getAttribute('data-region'),"
        " Number(p.getAttribute('data-count'))]; }))"
    )
    result = run_js(qtbot, window, script)
    assert isinstance(result, str), result
    return dict(json.loads(result))


def expected_countries(window, where: Filter) -> dict[str, int]:
    """Distinct excerpts shown per country (the page's rule, counted here from the atlas)."""
    excerpts: dict[str, set[str]] = {}
    for place in window.atlas.places(where=where):
        shape = country_shape_id(place.country_code)
        if not shape:
            continue
        for excerpt in window.atlas.excerpts_for_place(place.id, where=where):
            excerpts.setdefault(shape, set()).add(excerpt.id)
    return {shape: len(ids) for shape, ids in excerpts.items()}


def choose(qtbot, window, view: str) -> None:
    window.menu_actions.map_view_actions[view].trigger()
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, window, "document.querySelector('.leaflet-container').className")
            .split()
            .count(f"dl-view-{view}")
            == 1
        ),
        timeout=10_000,
    )


def test_view_menu_switches_to_the_choropleth_and_back(qtbot, window):
    wait_until_mapped(qtbot, window)
    pins = pin_ids(qtbot, window)
    assert window.menu_actions.map_view_actions["pins"].isChecked()
    assert window.menu_actions.map_view_actions["choropleth"].shortcut() == QtGui.QKeySequence(
        "Ctrl+2"
    )

    choose(qtbot, window, "choropleth")
    drawn = filled_regions(qtbot, window)
    expected = expected_countries(window, window.current_filter())
    venezuela = country_shape_id("VE")
    assert drawn[venezuela] == expected[venezuela] > 0
    assert {k: v for k, v in drawn.items() if len(k) == 3} == expected
    assert run_js(qtbot, window, "document.querySelectorAll('.dl-pin').length") == 0

    # A filter recounts what is drawn.
    window.filter_panel.set_checked(window.filter_panel.event_list, {"Protests"})
    qtbot.waitUntil(lambda: filled_regions(qtbot, window) != drawn, timeout=10_000)
    protests = expected_countries(window, window.current_filter())
    assert {k: v for k, v in filled_regions(qtbot, window).items() if len(k) == 3} == protests
    assert sum(protests.values()) < sum(expected.values())
    window.filter_panel.clear()

    # The map's own switch says which view is on; back to pins from the menu.
    assert (
        run_js(
            qtbot,
            window,
            "document.querySelector('.dl-view-button[aria-pressed=\"true\"]').textContent",
        )
        == "Areas"
    )
    choose(qtbot, window, "pins")
    wait_until_mapped(qtbot, window)
    assert filled_regions(qtbot, window) == {}
    qtbot.waitUntil(lambda: pin_ids(qtbot, window) == pins, timeout=10_000)
    assert run_js(qtbot, window, "document.querySelectorAll('.dl-pin, .dl-cluster').length") > 0


def test_the_maps_switch_checks_the_view_menu(qtbot, window):
    wait_until_mapped(qtbot, window)
    run_js(qtbot, window, "document.querySelector('.dl-view-button[data-view=\"heat\"]').click()")
    qtbot.waitUntil(
        lambda: window.menu_actions.map_view_actions["heat"].isChecked(), timeout=10_000
    )
    assert window.map_view.map_view_name == "heat"
    assert (
        run_js(qtbot, window, "document.querySelectorAll('canvas.leaflet-heatmap-layer').length")
        == 1
    )


def test_export_view_choropleth_is_a_coloured_map(tmp_path: Path) -> None:
    out = tmp_path / "choropleth.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mapper",
            "export",
            "--no-model",
            "--view",
            "choropleth",
            "--to",
            str(out),
            *map(str, seed_paths()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    image = QtGui.QImage(str(out))
    assert not image.isNull()
    # The choropleth's darkest class (ColorBrewer OrRd) is on the map; pins' colours are not.
    reds = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            colour = image.pixelColor(x, y)
            if colour.red() > 150 and colour.green() < 110 and colour.blue() < 90:
                reds += 1
    assert reds > 200


def test_export_view_is_for_maps_only(tmp_path: Path) -> None:
    out = tmp_path / "places.geojson"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "mapper", "export", "--no-model", "--view", "heat"),
            *("--to", str(out), *map(str, seed_paths())),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 2
    assert "--view applies to PNG, PDF and HTML exports" in result.stderr
    assert not out.exists()
