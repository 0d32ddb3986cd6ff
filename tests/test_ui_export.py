"""File ▸ Export… and Edit ▸ Copy Map Image, driven in the real window on the seed article."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import PAGE_TIMEOUT_MS
from test_snapshot import LAND, SEA, pdf_document, pixels, share_of
from test_ui import wait_until_mapped

from mapper.export.csv_rows import CSV_COLUMNS
from mapper.filters import Filter
from ui.export_dialog import ExportDialog
from ui.qt import QtCore, QtGui, QtWidgets
from ui.snapshot import SnapshotResult

TITLE = "Venezuela, seen from the seed"
#: Mean absolute difference (0–255) of the two images reduced to 40×30: an export of the
#: current view against a grab of the screen, and, for scale, against the screen mirrored.
SAME_VIEW_MAX = 5.0


# -- helpers ---------------------------------------------------------------------------------


def settle(qtbot, window) -> None:
    """The map has drawn what it shows (pins, filter) and painted it."""
    wait_until_mapped(qtbot, window)
    qtbot.wait(300)


def open_dialog(qtbot, window) -> ExportDialog:
    """File ▸ Export…, and wait until the dialog knows what the map shows."""
    window.menu_actions.export.trigger()
    dialogs = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=PAGE_TIMEOUT_MS)
    return dialog


def wait_for_preview(qtbot, dialog: ExportDialog) -> QtGui.QPixmap:
    def shown() -> bool:
        pixmap = dialog.preview_label.pixmap()
        return (
            not dialog._preview_timer.isActive()
            and not dialog.renderer.busy
            and pixmap is not None
            and not pixmap.isNull()
        )

    try:
        qtbot.waitUntil(shown, timeout=PAGE_TIMEOUT_MS)
    except qtbot.TimeoutError:
        # Say what the dialog shows instead (a renderer's failure is written there).
        pytest.fail(f"no preview; the dialog says: {dialog.preview_label.text()!r}")
    return dialog.preview_label.pixmap()


def export(qtbot, dialog: ExportDialog, path: Path, monkeypatch) -> SnapshotResult | None:
    """Click Export…, answer the file dialog with ``path``, wait until it is written."""
    asked: list[tuple[object, ...]] = []

    def get_save_file_name(*args: object, **kwargs: object) -> tuple[str, str]:
        asked.append(args)
        return str(path), ""

    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", get_save_file_name)
    results: list[SnapshotResult] = []
    dialog.renderer.finished.connect(results.append)
    with qtbot.waitSignal(dialog.exported, timeout=PAGE_TIMEOUT_MS) as done:
        qtbot.mouseClick(dialog.export_button, QtCore.Qt.MouseButton.LeftButton)
    assert asked, "no file name was asked for"
    assert str(path) in done.args[0]
    assert path.is_file()
    return results[-1] if results else None


def reduced(image: QtGui.QImage) -> np.ndarray:
    small = image.scaled(
        40,
        30,
        QtCore.Qt.AspectRatioMode.IgnoreAspectRatio,
        QtCore.Qt.TransformationMode.SmoothTransformation,
    )
    return pixels(small).astype(float)


def difference(a: QtGui.QImage, b: QtGui.QImage) -> float:
    return float(np.abs(reduced(a) - reduced(b)).mean())


# -- the dialog ------------------------------------------------------------------------------


def test_file_export_opens_the_dialog_with_a_preview(qtbot, window):
    assert window.menu_actions.export.shortcut() == QtGui.QKeySequence("Ctrl+E")
    file_menu = window.menuBar().actions()[0].menu()
    assert window.menu_actions.export in file_menu.actions()

    dialog = open_dialog(qtbot, window)
    try:
        assert dialog.isModal() or dialog.windowModality() != QtCore.Qt.WindowModality.NonModal
        assert [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())] == [
            "png",
            "pdf",
            "html",
            "geojson",
            "csv",
            "kml",
        ]
        width, height = window.map_view.width(), window.map_view.height()
        assert f"{width} × {height}" in dialog.current_size_radio.text()
        credits = dialog.credits_label.text()
        assert "Natural Earth" in credits and "GeoNames" in credits
        assert "OpenStreetMap" not in credits  # no web tiles here
        assert dialog.date_edit.date() == QtCore.QDate.currentDate()

        first = wait_for_preview(qtbot, dialog).toImage()
        preview = pixels(first)
        assert share_of(preview, LAND, 10) > 0.05 and share_of(preview, SEA, 10) > 0.05
        # Options redraw the preview: a PDF page is landscape A4 by default.
        dialog.set_format("pdf")
        assert dialog.paper_box.isVisibleTo(dialog) and not dialog.size_box.isVisibleTo(dialog)
        qtbot.waitUntil(
            lambda: dialog.preview_label.pixmap().toImage() != first, timeout=PAGE_TIMEOUT_MS
        )
        page = wait_for_preview(qtbot, dialog)
        assert page.width() > page.height()
        # Data formats say what they hold instead.
        dialog.set_format("csv")
        assert dialog.csv_box.isVisibleTo(dialog)
        places = len(window.atlas.places())
        assert dialog.preview_label.text().startswith(f"{places} places · ")
    finally:
        dialog.reject()


def test_png_of_the_current_view_matches_the_screen(qtbot, window, tmp_path, monkeypatch):
    settle(qtbot, window)
    screen = window.map_view.grab().toImage()
    dialog = open_dialog(qtbot, window)
    dialog.set_format("png")
    dialog.title_edit.setText(TITLE)
    out = tmp_path / "current.png"

    result = export(qtbot, dialog, out, monkeypatch)

    image = QtGui.QImage(str(out))
    assert result is not None and result.map_rect is not None
    rect = result.map_rect
    # The map part is exactly as big as the map on screen, the header and footer around it.
    assert rect.size() == window.map_view.size()
    assert image.width() == rect.width() and image.height() > rect.height()
    assert rect.top() > 20 and rect.bottom() < image.height() - 20
    # ...and shows what the screen shows (pins differ in detail: labels, no clusters).
    map_part = image.copy(rect)
    same = difference(map_part, screen)
    mirrored = difference(map_part, screen.flipped(QtCore.Qt.Orientation.Horizontal))
    assert same < SAME_VIEW_MAX < mirrored, (same, mirrored)
    # The title is written in the header: dark pixels on white.
    header = pixels(image.copy(0, 0, image.width(), rect.top()))
    assert share_of(header, (255, 255, 255), 8) > 0.6
    assert (header.max(axis=2) < 90).mean() > 0.01
    # The legend is a white box at the map's top right, where the sea would be.
    legend = pixels(map_part.copy(rect.width() - 200, 15, 180, 50))
    assert share_of(legend, (255, 255, 255), 10) > 0.5
    # The footer holds the credits: text below the map.
    below = rect.bottom() + 1
    footer = pixels(image.copy(0, below, image.width(), image.height() - below))
    assert (footer.max(axis=2) < 160).mean() > 0.005
    assert str(out) in window.statusBar().currentMessage()


def test_png_at_2x_has_twice_the_dimensions(qtbot, window, tmp_path, monkeypatch):
    settle(qtbot, window)
    sizes = {}
    for density in (1, 2):
        dialog = open_dialog(qtbot, window)
        dialog.set_format("png")
        dialog.title_edit.setText(TITLE)
        dialog.density_combo.setCurrentIndex(dialog.density_combo.findData(float(density)))
        out = tmp_path / f"map-{density}x.png"
        export(qtbot, dialog, out, monkeypatch)
        sizes[density] = QtGui.QImage(str(out)).size()
    assert sizes[2] == sizes[1] * 2


def test_png_of_a_custom_size(qtbot, window, tmp_path, monkeypatch):
    dialog = open_dialog(qtbot, window)
    dialog.set_format("png")
    dialog.custom_size_radio.setChecked(True)
    dialog.width_spin.setValue(1000)
    dialog.height_spin.setValue(700)
    out = tmp_path / "custom.png"
    export(qtbot, dialog, out, monkeypatch)
    image = QtGui.QImage(str(out))
    assert image.size() == QtCore.QSize(1000, 700)
    assert share_of(pixels(image), LAND) > 0.1


def test_pdf_export_is_one_page_with_the_title_as_text(qtbot, window, tmp_path, monkeypatch):
    dialog = open_dialog(qtbot, window)
    dialog.set_format("pdf")
    dialog.title_edit.setText(TITLE)
    dialog.paper_combo.setCurrentIndex(dialog.paper_combo.findData("a4"))
    dialog.orientation_combo.setCurrentIndex(dialog.orientation_combo.findData("landscape"))
    out = tmp_path / "map.pdf"
    export(qtbot, dialog, out, monkeypatch)

    assert out.read_bytes().startswith(b"%PDF-")
    document = pdf_document(out)
    assert document.pageCount() == 1
    size = document.pagePointSize(0)
    assert abs(size.width() - 841.9) < 2 and abs(size.height() - 595.3) < 2
    text = document.getAllText(0).text()
    assert TITLE in text and "GeoNames" in text and "Legend" in text


# -- data formats ------------------------------------------------------------------------------


def test_geojson_and_csv_exports_follow_the_filter(qtbot, window, tmp_path, monkeypatch):
    window.filter_panel.set_checked(window.filter_panel.event_list, {"Protests"})
    settle(qtbot, window)
    where = Filter.of(event_types=["Protests"])
    assert window.current_filter() == where
    expected = {p.id for p in window.atlas.places(where=where)}
    assert expected and expected < {p.id for p in window.atlas.places()}

    dialog = open_dialog(qtbot, window)
    dialog.set_format("geojson")
    assert "pass the current filter" in dialog.preview_label.text()
    geojson = tmp_path / "places.geojson"
    export(qtbot, dialog, geojson, monkeypatch)
    collection = json.loads(geojson.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert {f["properties"]["id"] for f in collection["features"]} == expected

    dialog = open_dialog(qtbot, window)
    dialog.set_format("csv")
    dialog.bom_check.setChecked(True)
    table = tmp_path / "mentions"  # no suffix typed: the format's is added
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a: (str(table), ""))
    with qtbot.waitSignal(dialog.exported, timeout=PAGE_TIMEOUT_MS):
        qtbot.mouseClick(dialog.export_button, QtCore.Qt.MouseButton.LeftButton)
    data = table.with_suffix(".csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == CSV_COLUMNS
    column = CSV_COLUMNS.index("place_id")
    assert {row[column] for row in rows[1:]} == expected
    assert len(rows) - 1 == sum(window.atlas.mention_counts(where=where).values())


def test_the_format_suffix_is_added_and_the_folder_remembered(qtbot, window, tmp_path, monkeypatch):
    dialog = open_dialog(qtbot, window)
    dialog.set_format("kml")
    dialog.title_edit.setText(TITLE)
    export(qtbot, dialog, tmp_path / "places.kml", monkeypatch)
    assert TITLE in (tmp_path / "places.kml").read_text(encoding="utf-8")

    dialog = open_dialog(qtbot, window)
    dialog.set_format("html")
    proposed: list[str] = []

    def get_save_file_name(parent, caption, directory, file_filter):
        proposed.append(directory)
        return str(tmp_path / "map"), file_filter

    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", get_save_file_name)
    path = dialog.ask_path()
    assert proposed[0].startswith(str(tmp_path))  # the folder of the last export
    assert path == tmp_path / "map.html"
    dialog.reject()


def test_a_failed_export_says_why_and_keeps_the_dialog(qtbot, window, tmp_path):
    dialog = open_dialog(qtbot, window)
    dialog.set_format("geojson")
    dialog.export_to(tmp_path / "no such folder" / "x.geojson")
    boxes = [b for b in dialog.findChildren(QtWidgets.QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert "no such folder" in boxes[0].text() and "Traceback" not in boxes[0].text()
    assert dialog.isVisible()

    dialog.set_format("png")
    dialog.export_to(tmp_path / "no such folder" / "x.png")
    qtbot.waitUntil(
        lambda: len([b for b in dialog.findChildren(QtWidgets.QMessageBox) if b.isVisible()]) == 2,
        timeout=PAGE_TIMEOUT_MS,
    )
    assert dialog.isVisible() and dialog.export_button.isEnabled()
    dialog.reject()


# -- Edit ▸ Copy Map Image -----------------------------------------------------------------------


def test_copy_map_image_puts_the_composed_view_on_the_clipboard(qtbot, window):
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "&Places", "&Settings", "&Help"]
    action = window.menu_actions.copy_map_image
    assert action.shortcut() == QtGui.QKeySequence("Ctrl+Shift+C")
    clipboard = QtWidgets.QApplication.clipboard()
    clipboard.clear()
    settle(qtbot, window)

    action.trigger()

    qtbot.waitUntil(lambda: not clipboard.image().isNull(), timeout=PAGE_TIMEOUT_MS)
    image = clipboard.image()
    assert image.width() == window.map_view.width()
    assert image.height() > window.map_view.height()  # the map, and the credits below it
    assert share_of(pixels(image), LAND) > 0.05
    assert "Copied the map image" in window.statusBar().currentMessage()


@pytest.mark.parametrize("format_key", ["png", "geojson"])
def test_closing_the_window_with_the_dialog_open_is_clean(qtbot, window, format_key):
    dialog = open_dialog(qtbot, window)
    dialog.set_format(format_key)
    window.close()  # the fixture deletes the window; the dialog's views must go first
    assert dialog._closed


def choropleth_reds(image: QtGui.QImage) -> int:
    """Pixels (every 4th) of the choropleth's darkest class, ColorBrewer OrRd (as in
    tests/test_ui_choropleth.py): pins have no such colour."""
    reds = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            colour = image.pixelColor(x, y)
            if colour.red() > 150 and colour.green() < 110 and colour.blue() < 90:
                reds += 1
    return reds


def test_the_dialogs_view_choice_is_what_the_png_shows(qtbot, window, tmp_path, monkeypatch):
    settle(qtbot, window)
    dialog = open_dialog(qtbot, window)
    assert dialog.map_view_key == "pins"  # the window's view, by default
    dialog.set_format("png")
    pins = tmp_path / "pins.png"
    export(qtbot, dialog, pins, monkeypatch)
    assert choropleth_reds(QtGui.QImage(str(pins))) < 20

    dialog = open_dialog(qtbot, window)
    dialog.set_format("png")
    dialog.set_map_view("choropleth")
    wait_for_preview(qtbot, dialog)
    out = tmp_path / "choropleth.png"
    export(qtbot, dialog, out, monkeypatch)
    assert choropleth_reds(QtGui.QImage(str(out))) > 200
    assert window.map_view.map_view_name == "pins"  # the window keeps its own view
