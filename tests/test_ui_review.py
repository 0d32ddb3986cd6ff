"""Places ▸ Review Doubtful Places… in the real window: choose, apply, the pins move."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import close_window, open_window
from test_ui import pin_ids, wait_until_mapped

from mapper.geo.corrections import Corrections, default_corrections_path
from ui.qt import QtCore
from ui.review import CHOSEN, EXAMPLE, NAME, ReviewDialog

#: Two doubtful names: Jamaica's parish beat Portland, Oregon; Springfield is a near tie.
#: The markup is article text, to be shown as typed.
LOCAL = (
    "Flooding hit Portland overnight, officials said.\n"
    "The council met in Springfield on Monday to discuss <b>repairs</b>.\n"
)


@pytest.fixture
def local_window(qtbot, tmp_path: Path, seed_paths):
    article = tmp_path / "local.txt"
    article.write_text(LOCAL, encoding="utf-8")
    window = open_window(qtbot, [*seed_paths, article])
    try:
        yield window
    finally:
        close_window(qtbot, window)


def row_of(dialog: ReviewDialog, name: str) -> int:
    rows = [r for r, item in enumerate(dialog.items) if item.name == name]
    assert len(rows) == 1, [i.name for i in dialog.items]
    return rows[0]


def open_review(qtbot, window) -> ReviewDialog:
    """Open the dialog from the Places menu, as a user would."""
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Places")
    (action,) = [a for a in menu.actions() if a.text().startswith("&Review Doubtful Places")]
    action.trigger()
    dialog = window.findChild(ReviewDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    # The list is drawn up off the UI thread: it is there once the count is done.
    qtbot.waitUntil(
        lambda: not window.reviewing.is_counting and dialog.table.isEnabled(), timeout=10_000
    )
    return dialog


def test_the_menu_counts_the_doubtful_places(qtbot, local_window) -> None:
    action = local_window.menu_actions.review_places
    qtbot.waitUntil(lambda: action.text() == "&Review Doubtful Places (2)…", timeout=10_000)
    assert action.shortcut().toString() == "Ctrl+R"


def test_the_queue_is_drawn_up_off_the_ui_thread(qtbot, local_window, monkeypatch) -> None:
    # 2 s for 1,000 articles: on the UI thread, the window froze after every analysis.
    import threading

    import ui.review

    threads: list[threading.Thread] = []
    real = ui.review.review_queue

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(ui.review, "review_queue", recording)
    reviewing = local_window.reviewing
    with qtbot.waitSignal(reviewing.counted, timeout=10_000):
        reviewing.refresh()
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert reviewing.count == 2
    # Asked again while counting: the later count is the one shown.
    with qtbot.waitSignal(reviewing.counted, timeout=10_000):
        reviewing.refresh()
        reviewing.refresh()
    assert not reviewing.is_counting and reviewing.count == 2


def test_choosing_an_alternative_and_applying_moves_the_pin(qtbot, local_window) -> None:
    window = local_window
    dialog = open_review(qtbot, window)
    assert not dialog.isModal()
    assert sorted(i.name for i in dialog.items) == ["Portland", "Springfield"]
    row = row_of(dialog, "Portland")
    jamaica = dialog.items[row].place
    assert jamaica.country_code == "JM" and jamaica.id in pin_ids(qtbot, window)

    # The example is shown as written: markup is text, never rendered.
    springfield = row_of(dialog, "Springfield")
    assert "<b>repairs</b>" in dialog.table.item(springfield, EXAMPLE).text()
    assert "&lt;b&gt;" in dialog.table.item(springfield, EXAMPLE).toolTip()

    # Clicking a row shows its place on the map (and its excerpts).
    dialog.table.setCurrentCell(row, CHOSEN)
    qtbot.waitUntil(lambda: window.place_id == jamaica.id, timeout=5_000)

    combo = dialog.combo(row)
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels[0] == "As chosen now" and labels[-1] == "Not a place"
    oregon_index = next(i for i, t in enumerate(labels) if t.startswith("Portland, Oregon"))
    assert not dialog.apply_button.isEnabled()
    combo.setCurrentIndex(oregon_index)
    assert dialog.is_ticked(row) and dialog.apply_button.isEnabled()
    oregon = dialog.items[row].alternatives[oregon_index - 1].place

    dialog.apply_button.click()
    wait_until_mapped(qtbot, window)
    qtbot.waitUntil(lambda: "Portland" not in [i.name for i in dialog.items], timeout=10_000)
    pins = pin_ids(qtbot, window)
    assert oregon.id in pins and jamaica.id not in pins
    assert Corrections.load(default_corrections_path())["Portland"].place_id == oregon.id
    assert [i.name for i in dialog.items] == ["Springfield"]
    assert dialog.table.isEnabled()
    assert window.menu_actions.review_places.text() == "&Review Doubtful Places (1)…"


def test_confirming_selected_rows_keeps_their_pins_and_empties_the_queue(
    qtbot, local_window
) -> None:
    window = local_window
    dialog = open_review(qtbot, window)
    before = {i.name: i.place.id for i in dialog.items}
    qtbot.mouseClick(dialog.select_all_button, QtCore.Qt.MouseButton.LeftButton)
    assert all(dialog.is_ticked(r) for r in range(len(dialog.items)))
    assert not dialog.apply_button.isEnabled()  # nothing changed: only confirmations
    qtbot.mouseClick(dialog.confirm_button, QtCore.Qt.MouseButton.LeftButton)
    wait_until_mapped(qtbot, window)
    qtbot.waitUntil(lambda: not dialog.items, timeout=10_000)
    saved = Corrections.load(default_corrections_path())
    assert {name: saved[name].place_id for name in before} == before
    assert set(before.values()) <= pin_ids(qtbot, window)
    assert dialog.status.text().startswith("Nothing doubtful")
    assert window.menu_actions.review_places.text() == "&Review Doubtful Places (0)…"


def test_not_a_place_removes_the_pin(qtbot, local_window) -> None:
    window = local_window
    dialog = open_review(qtbot, window)
    row = row_of(dialog, "Springfield")
    place = dialog.items[row].place
    dialog.choose(row, None)
    assert dialog.table.item(row, NAME).font().bold()
    dialog.apply_button.click()
    wait_until_mapped(qtbot, window)
    qtbot.waitUntil(lambda: "Springfield" not in [i.name for i in dialog.items], timeout=10_000)
    assert place.id not in pin_ids(qtbot, window)
    assert "Springfield" not in {r.mention.surface for r in window.atlas.mentions()}


def test_the_seed_article_has_nothing_doubtful(qtbot, window) -> None:
    dialog = open_review(qtbot, window)
    assert dialog.table.rowCount() == 0
    assert dialog.status.text().startswith("Nothing doubtful")
    assert not dialog.confirm_button.isEnabled() and not dialog.apply_button.isEnabled()
    # Opening it again brings the same dialog back, not a second one.
    dialog.close()
    window.menu_actions.review_places.trigger()
    assert dialog.isVisible() and window.findChildren(ReviewDialog) == [dialog]
