"""The text search in the window: the box in the Filters panel, the map and the Excerpts panel."""

from __future__ import annotations

import json
import re

from conftest import PAGE_TIMEOUT_MS, close_window, open_window
from test_ui import pin_ids, run_js, wait_until_mapped

from mapper.filters import Filter
from ui import render
from ui.panels import HTML_ROLE
from ui.qt import QtCore, QtWidgets


def matched_parts(rich_text: str) -> list[str]:
    """The pieces of an excerpt's rich text marked as search matches."""
    opening = "|".join(re.escape(o) for o in (render.MATCH_OPEN, render.BOTH_OPEN))
    return re.findall(f"(?:{opening})(.*?){re.escape(render.HIGHLIGHT_CLOSE)}", rich_text)


def listed_html(window) -> list[str]:
    return [
        str(window.excerpt_list.item(row).data(HTML_ROLE))
        for row in range(window.excerpt_list.count())
    ]


def search_for(qtbot, window, text: str) -> set[str]:
    """Type into the search box as a user would; the places the search should leave."""
    box = window.filter_panel.text_search
    box.clear()
    qtbot.keyClicks(box, text)
    expected = {p.id for p in window.atlas.places(where=window.session.shown(Filter(search=text)))}
    qtbot.waitUntil(lambda: window.filter_panel.applied_search == text, timeout=2000)
    wait_until_mapped(qtbot, window)
    qtbot.waitUntil(lambda: pin_ids(qtbot, window) == expected, timeout=PAGE_TIMEOUT_MS)
    return expected


def test_searching_tear_gas_shows_only_its_places_and_excerpts(qtbot, window):
    before = pin_ids(qtbot, window)
    box = window.filter_panel.text_search
    qtbot.keyClicks(box, "tear gas")
    assert window.filter_panel.applied_search == ""  # not on every keystroke: after a pause
    expected = search_for(qtbot, window, "tear gas")
    assert expected and expected < before
    names = {window.atlas.place(p).name for p in expected}
    assert "Caracas" in names and "Russia" not in names
    state = json.loads(run_js(qtbot, window, "Dateline.filterState()"))
    assert state["search"] == "tear gas" and state["excerpts"]

    # The Excerpts panel lists the matching sentences, the words marked, and says how many.
    matching = window.session.search("tear gas").ids
    listed = window.excerpt_list.excerpt_ids()
    assert listed and set(listed) <= matching
    for html in listed_html(window):
        assert {part.casefold() for part in matched_parts(html)} == {"tear", "gas"}
    title = window.excerpts_dock.windowTitle()
    count = len(listed)
    assert title == (
        "1 excerpt matches \u201ctear gas\u201d"
        if count == 1
        else f"{count} excerpts match \u201ctear gas\u201d"
    )

    # Esc in the box clears the search at once: every pin again, the panel emptied.
    box.setFocus()
    qtbot.keyClick(box, QtCore.Qt.Key.Key_Escape)
    assert box.text() == "" and window.filter_panel.applied_search == ""
    wait_until_mapped(qtbot, window)
    qtbot.waitUntil(lambda: pin_ids(qtbot, window) == before, timeout=PAGE_TIMEOUT_MS)
    assert window.excerpt_list.count() == 0
    assert window.excerpts_dock.windowTitle() == "Excerpts"


def test_a_search_with_no_match_says_so_and_clear_filters_restores(qtbot, window):
    before = pin_ids(qtbot, window)
    assert search_for(qtbot, window, "zzyzx") == set()
    assert window.excerpt_list.count() == 0
    assert window.excerpts_dock.windowTitle() == "No excerpt matches \u201czzyzx\u201d"
    assert window.excerpt_list.placeholder == "No excerpt matches \u201czzyzx\u201d"
    assert window.place_list.topLevelItemCount() == 0

    qtbot.mouseClick(window.filter_panel.clear_button, QtCore.Qt.MouseButton.LeftButton)
    assert window.filter_panel.text_search.text() == ""
    wait_until_mapped(qtbot, window)
    qtbot.waitUntil(lambda: pin_ids(qtbot, window) == before, timeout=PAGE_TIMEOUT_MS)
    assert window.excerpt_list.placeholder == window.excerpt_list.default_placeholder


def test_hostile_text_in_the_box_is_just_searched(qtbot, window):
    before = pin_ids(qtbot, window)
    assert search_for(qtbot, window, '"') == before  # a phrase begun: nothing hidden yet
    for text in ["AND OR", "NEAR(", "*", 'tear" gas']:
        search_for(qtbot, window, text)  # the expected pins, whatever they are: no error
    assert window.filter_panel.current_filter().search == 'tear" gas'


def test_a_place_chosen_while_searching_lists_its_matches_marked(qtbot, window):
    search_for(qtbot, window, "tear gas")
    caracas = next(p.id for p in window.atlas.places() if p.name == "Caracas")
    window._on_place_chosen(caracas)
    qtbot.waitUntil(lambda: window.excerpt_list.count() > 0, timeout=PAGE_TIMEOUT_MS)
    assert set(window.excerpt_list.excerpt_ids()) <= window.session.search("tear gas").ids
    assert all(matched_parts(html) for html in listed_html(window))


def test_ctrl_f_puts_the_cursor_in_the_search(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.filters_dock.hide()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_F, QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: QtWidgets.QApplication.focusWidget() is window.filter_panel.text_search,
        timeout=2000,
    )
    assert window.filters_dock.isVisible()


def test_a_saved_project_brings_its_search_back(qtbot, window, tmp_path):
    expected = search_for(qtbot, window, "tear gas")
    path = tmp_path / "search.dateline"
    with qtbot.waitSignal(window.project_saved, timeout=PAGE_TIMEOUT_MS):
        window.save_project(path)
    again = open_window(qtbot, [])
    try:
        assert again.open_project(path)
        qtbot.waitUntil(lambda: len(again.atlas) == 1 and not again.is_busy, timeout=2 * 60_000)
        wait_until_mapped(qtbot, again)
        assert again.filter_panel.text_search.text() == "tear gas"
        assert again.current_filter().search == "tear gas"
        qtbot.waitUntil(lambda: pin_ids(qtbot, again) == expected, timeout=PAGE_TIMEOUT_MS)
        assert again.excerpts_dock.windowTitle().endswith("match \u201ctear gas\u201d")
    finally:
        close_window(qtbot, again)
