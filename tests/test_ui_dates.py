"""Dates in the panels: the Articles list, Set Date…, the Excerpts panel and the popups."""

from __future__ import annotations

import datetime

from conftest import PAGE_TIMEOUT_MS
from test_ui import click_pin, excerpt_items, popup_text, wait_until_mapped

from ui import panels
from ui.article_menu import DateDialog
from ui.qt import QtCore, QtWidgets


def seed_id(window) -> str:
    """The seed article's id (the first opened)."""
    return window.atlas.articles[0].id


def excerpt_dates(window) -> list[tuple[str, str]]:
    return [(i.data(panels.DATE_ROLE), i.data(panels.DETAIL_ROLE)) for i in excerpt_items(window)]


def set_date(qtbot, window, day: datetime.date | None) -> None:
    """Right-click ▸ Set Date… on the seed, then pick ``day`` (None: Clear) and accept."""
    menu = window.article_menu.menu_for(seed_id(window))
    (action,) = [a for a in menu.actions() if a.objectName() == "setDateAction"]
    assert action.isEnabled()
    action.trigger()
    (dialog,) = [d for d in window.findChildren(DateDialog) if d.isVisible()]
    if day is None:
        dialog.clear_button.click()
    else:
        dialog.date_edit.setDate(QtCore.QDate(day.year, day.month, day.day))
        dialog.findChild(QtWidgets.QDialogButtonBox).button(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
        ).click()
    menu.deleteLater()


def test_the_article_list_shows_the_date_and_how_sure_it_is(window):
    articles = window.article_list
    item = articles.item_for(seed_id(window))
    assert item is not None and articles.row(item) == 1
    # The seed's date is inferred from its text ("clung to power Thursday"): marked uncertain.
    assert item.data(panels.DATE_ROLE) == "\u2248 2 May 2019"
    assert "2 May 2019" in item.data(panels.DETAIL_ROLE)
    assert "inferred from the text" in item.toolTip()
    assert articles.item(0).data(panels.DETAIL_ROLE) == "1 article"


def test_set_date_re_dates_the_excerpts_in_the_panel_and_the_popup(qtbot, window):
    click_pin(qtbot, window, "Caracas")
    before = excerpt_dates(window)
    assert ("Tue 30 April 2019", "") in before  # "Tuesday"
    assert ("Thu 2 May 2019", "article date") in before  # no date of its own
    assert ("Wed 1 May 2019", "") in before  # a caption's "May 1, 2019"
    popup = popup_text(qtbot, window)
    assert popup is not None and "Tue 30 April 2019" in popup

    set_date(qtbot, window, datetime.date(2019, 5, 9))  # a week later, a Thursday
    qtbot.waitUntil(lambda: excerpt_dates(window) != before, timeout=PAGE_TIMEOUT_MS)
    wait_until_mapped(qtbot, window)
    after = excerpt_dates(window)
    assert ("Tue 7 May 2019", "") in after
    assert ("Thu 9 May 2019", "article date") in after
    assert ("Wed 1 May 2019", "") in after  # a date written out in full stays
    assert ("Thu 2 May 2019", "article date") not in after
    assert window.session.modified and window.isWindowModified()
    item = window.article_list.item_for(seed_id(window))
    assert item is not None and item.data(panels.DATE_ROLE) == "9 May 2019"  # no "≈": yours
    assert "set by you" in item.toolTip()

    # The open popup is redrawn with the new dates.
    qtbot.waitUntil(
        lambda: "Tue 7 May 2019" in (popup_text(qtbot, window) or ""), timeout=PAGE_TIMEOUT_MS
    )
    popup = popup_text(qtbot, window) or ""
    assert "Tue 30 April 2019" not in popup

    set_date(qtbot, window, None)  # Clear: unknown
    qtbot.waitUntil(
        lambda: window.atlas.article(seed_id(window)).published is None, timeout=PAGE_TIMEOUT_MS
    )
    wait_until_mapped(qtbot, window)
    item = window.article_list.item_for(seed_id(window))
    assert item is not None and item.data(panels.DATE_ROLE) == "no date"
    assert ("Wed 1 May 2019", "") in excerpt_dates(window)
    assert not any(note == "article date" for _date, note in excerpt_dates(window))


def test_the_article_list_sorts_by_date_outlet_and_title(qtbot, window, tmp_path):
    later = tmp_path / "later.txt"
    later.write_text(
        "LIMA, Peru (Reuters) \u2014 June 3, 2019 \u2014 Protests in Lima drew thousands.\n",
        encoding="utf-8",
    )
    window.open_paths([later])
    qtbot.waitUntil(lambda: len(window.atlas) == 2, timeout=PAGE_TIMEOUT_MS)
    wait_until_mapped(qtbot, window)
    articles = window.article_list
    seed = seed_id(window)
    (lima,) = [a.id for a in window.atlas.articles if a.id != seed]
    assert articles.article_ids() == [seed, lima]  # the order they were added

    articles.sort_by("newest")
    assert articles.article_ids() == [lima, seed]
    assert articles.item(0).text() == "All articles"
    articles.sort_by("title")
    assert articles.article_ids() == [lima, seed]  # "LIMA…" before "Venezuela…"
    articles.sort_by("outlet")
    assert articles.article_ids() == [lima, seed]  # the seed names no outlet: last
    articles.sort_by("oldest")
    assert articles.article_ids() == [seed, lima]
    # A choice survives a new order.
    articles.choose(lima)
    articles.sort_by("newest")
    assert articles.chosen() == lima
    # And the menu offers the orders too.
    menu = window.article_menu.menu_for("")
    (sort_menu,) = [a.menu() for a in menu.actions() if a.menu() is not None]
    (by_title,) = [a for a in sort_menu.actions() if a.text() == "Title"]
    by_title.trigger()
    assert articles.sort == "title"
    menu.deleteLater()


def test_the_article_order_is_remembered_for_the_next_launch(qtbot, seed_paths):
    from conftest import close_window, open_window

    window = open_window(qtbot, seed_paths)
    try:
        assert window.article_list.sort == "added"
        window.article_list.sort_by("newest")
    finally:
        close_window(qtbot, window)
    again = open_window(qtbot, seed_paths)
    try:
        assert again.article_list.sort == "newest"
    finally:
        close_window(qtbot, again)
