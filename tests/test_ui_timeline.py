"""The Timeline dock in the real window: the range narrows the map, the lists and projects."""

from __future__ import annotations

import datetime
import json

from conftest import PAGE_TIMEOUT_MS, close_window, open_window
from test_ui import pin_ids, run_js, wait_until_mapped

from mapper.timeline import excerpt_spans
from ui.qt import QtCore, QtWidgets


def d(text: str) -> int:
    return datetime.date.fromisoformat(text).toordinal()


def places_with_excerpts_in(window, first: int, last: int) -> set[str]:
    """Ids of the places with an excerpt whose days overlap the range (dated ones only)."""
    return {
        place.id
        for place in window.atlas.places()
        if any(
            e.first_day and e.last_day >= first and e.first_day <= last
            for e in window.atlas.excerpts_for_place(place.id)
        )
    }


def test_the_timeline_is_docked_under_the_map_and_in_the_view_menu(window):
    dock = window.timeline_dock
    assert dock.isVisible()
    assert window.dockWidgetArea(dock) == QtCore.Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock.toggleViewAction() in window.menuBar().actions()[2].menu().actions()
    map_rect = window.map_view.geometry()
    assert dock.geometry().top() >= map_rect.bottom()
    assert map_rect.height() > 300  # not squashed
    hist = window.timeline.histogram
    assert hist.dated > 0
    assert hist.first_day <= d("2019-04-30") and hist.last_day >= d("2019-05-02")
    assert hist.dated + hist.undated == len(excerpt_spans(window.atlas, window.current_filter()))


def test_a_range_hides_the_pins_with_no_excerpt_in_it(qtbot, window):
    every = pin_ids(qtbot, window)
    first = last = d("2019-05-01")
    window.timeline.undated_box.setChecked(False)
    window.timeline.set_range(first, last)
    wait_until_mapped(qtbot, window)
    where = window.current_filter()
    assert (where.first_day, where.last_day, where.undated) == (first, last, False)
    expected = places_with_excerpts_in(window, first, last)
    assert expected and expected < every
    assert pin_ids(qtbot, window) == expected
    assert {p.id for p in window.atlas.places(where=where)} == expected
    assert all(window.place_list.item_for(pid) is not None for pid in expected)
    assert all(window.place_list.item_for(pid) is None for pid in every - expected)
    # The date fields follow the handles; the status bar and the legend say the range.
    assert window.timeline.from_edit.date() == QtCore.QDate(2019, 5, 1)
    assert window.timeline.until_edit.date() == QtCore.QDate(2019, 5, 1)
    assert window.range_label.text() == "1 May 2019 (undated hidden)"
    legend = run_js(qtbot, window, "document.querySelector('.dl-legend-range').textContent")
    assert legend == "1 May 2019 (undated hidden)"
    # Every date again.
    window.timeline.clear_range()
    window.timeline.undated_box.setChecked(True)
    wait_until_mapped(qtbot, window)
    assert pin_ids(qtbot, window) == every
    assert window.range_label.text() == ""


def test_typed_dates_set_the_range(qtbot, window):
    timeline = window.timeline
    timeline.set_range(d("2019-04-30"), d("2019-05-02"))
    timeline.until_edit.setDate(QtCore.QDate(2019, 5, 1))
    assert (timeline.state.first, timeline.state.last) == (d("2019-04-30"), d("2019-05-01"))
    assert window.range_label.text() == "30 April 2019 – 1 May 2019"


def test_undated_excerpts_are_counted_apart_and_can_be_hidden(qtbot, window):
    timeline = window.timeline
    undated = timeline.histogram.undated
    assert timeline.undated_box.text() == f"{undated} undated"
    timeline.undated_box.setChecked(False)
    wait_until_mapped(qtbot, window)
    where = window.current_filter()
    assert where.has_dates and not where.undated
    dated_places = {p.id for p in window.atlas.places(where=where)}
    assert pin_ids(qtbot, window) == dated_places
    timeline.undated_box.setChecked(True)
    wait_until_mapped(qtbot, window)
    assert not window.current_filter().has_dates


def test_clear_filters_also_resets_the_timeline(qtbot, window):
    every = pin_ids(qtbot, window)
    timeline = window.timeline
    timeline.undated_box.setChecked(False)
    timeline.set_range(d("2019-05-01"), d("2019-05-01"))
    wait_until_mapped(qtbot, window)
    assert pin_ids(qtbot, window) < every
    qtbot.mouseClick(window.filter_panel.clear_button, QtCore.Qt.MouseButton.LeftButton)
    wait_until_mapped(qtbot, window)
    assert window.current_filter().is_open
    assert timeline.state.is_open and timeline.undated_box.isChecked()
    assert not timeline.all_button.isEnabled()
    assert window.range_label.text() == ""
    assert pin_ids(qtbot, window) == every


def test_play_advances_the_range_and_keys_step(qtbot, window):
    timeline = window.timeline
    timeline.resolution_combo.setCurrentIndex(1)  # days
    timeline.window_combo.setCurrentIndex(1)  # 1 day
    timeline.speed_combo.setCurrentIndex(3)  # 4×
    timeline.play()
    assert timeline.is_playing
    start = timeline.state.first
    assert start == timeline.histogram.first_day
    qtbot.waitUntil(lambda: timeline.state.first > start, timeout=5000)
    timeline.pause()
    assert not timeline.is_playing
    here = timeline.state.first
    timeline.view.setFocus()
    qtbot.keyClick(timeline.view, QtCore.Qt.Key.Key_Right)
    assert timeline.state.first == here + 1
    qtbot.keyClick(timeline.view, QtCore.Qt.Key.Key_Left)
    assert timeline.state.first == here
    qtbot.keyClick(timeline.view, QtCore.Qt.Key.Key_Space)
    assert timeline.is_playing
    qtbot.keyClick(timeline.view, QtCore.Qt.Key.Key_Space)
    assert not timeline.is_playing


def test_fade_by_age_dims_older_pins(qtbot, window):
    # Venezuela's "2019-W18" reaches the range's last day; Cuba's newest is 2 May.
    window.timeline.set_range(d("2019-04-29"), d("2019-05-03"))
    wait_until_mapped(qtbot, window)
    window.timeline.fade_box.setChecked(True)
    qtbot.waitUntil(
        lambda: min(json.loads(run_js(qtbot, window, "Dateline.pinOpacities()")).values()) < 1,
        timeout=PAGE_TIMEOUT_MS,
    )
    opacities = json.loads(run_js(qtbot, window, "Dateline.pinOpacities()"))
    assert max(opacities.values()) == 1
    window.timeline.fade_box.setChecked(False)
    qtbot.waitUntil(
        lambda: set(json.loads(run_js(qtbot, window, "Dateline.pinOpacities()")).values()) == {1},
        timeout=PAGE_TIMEOUT_MS,
    )


def test_the_range_survives_a_project_save_and_open(qtbot, window, tmp_path):
    window.timeline.set_range(d("2019-05-01"), d("2019-05-02"))
    window.timeline.undated_box.setChecked(False)
    wait_until_mapped(qtbot, window)
    shown = pin_ids(qtbot, window)
    path = tmp_path / "range.dateline"
    with qtbot.waitSignal(window.project_saved, timeout=PAGE_TIMEOUT_MS):
        window.save_project(path)

    again = open_window(qtbot, [])
    try:
        assert again.open_project(path)
        qtbot.waitUntil(
            lambda: len(again.atlas) == 1 and not again.is_busy, timeout=PAGE_TIMEOUT_MS
        )
        wait_until_mapped(qtbot, again)
        state = again.timeline.state
        assert (state.first, state.last, state.undated) == (d("2019-05-01"), d("2019-05-02"), False)
        assert not again.timeline.undated_box.isChecked()
        assert again.timeline.from_edit.date() == QtCore.QDate(2019, 5, 1)
        assert again.range_label.text() == "1 May 2019 – 2 May 2019 (undated hidden)"
        qtbot.waitUntil(lambda: pin_ids(qtbot, again) == shown, timeout=PAGE_TIMEOUT_MS)
    finally:
        close_window(qtbot, again)


def test_the_export_dialog_takes_the_range(qtbot, window, monkeypatch):
    import ui.export_dialog

    given = []

    class Recording(QtWidgets.QDialog):
        exported = QtCore.Signal(str)

        def __init__(self, _view, _atlas, where, _types, parent):
            super().__init__(parent)
            given.append(where)

        def shutdown(self):
            pass

    monkeypatch.setattr(ui.export_dialog, "ExportDialog", Recording)
    window.timeline.set_range(d("2019-05-01"), d("2019-05-01"))
    window.show_export_dialog().close()
    assert [(w.first_day, w.last_day) for w in given] == [(d("2019-05-01"), d("2019-05-01"))]


def test_history_in_the_news_stays_off_the_axis_but_on_the_map(qtbot, tmp_path):
    # One sentence recalls 1567 among sixty of May 2019: the axis spans May 2019 (not
    # four centuries with the news a sliver at the end), the old one is counted apart,
    # and its pin is on the map while no range is set.
    lines = [f"Protesters gathered in Caracas on May {1 + i % 28}, 2019." for i in range(60)]
    lines.append("Quito was founded in 1534.")
    article = tmp_path / "news.txt"
    article.write_text("Caracas protests\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    window = open_window(qtbot, [article])
    try:
        timeline = window.timeline
        hist = timeline.histogram
        assert hist.earlier == 1 and hist.later == 0
        assert datetime.date.fromordinal(hist.first_day).year == 2019
        assert timeline.from_edit.date().year() == 2019
        quito = [p.id for p in window.atlas.places() if p.name == "Quito"]
        assert quito and set(quito) <= pin_ids(qtbot, window)
        # The axis says so at its start.
        labels = timeline.view.axis_labels()
        assert labels is not None and labels[0].startswith("◀ 1 earlier · ")
        assert "2019" in labels[0] and "later" not in labels[1]
    finally:
        close_window(qtbot, window)
