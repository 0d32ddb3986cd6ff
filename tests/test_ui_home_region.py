"""Home regions in the window: right-click an article ▸ "Articles from … are local to…",
File ▸ Import Folder… with the folder's home region, and the reader saying where an
article is local to."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PAGE_TIMEOUT_MS, close_window, open_window
from test_ui import pin_ids, wait_until_mapped

from ui.article_menu import HomeRegionDialog
from ui.projects import load_home_folders
from ui.qt import QtWidgets

ATHENS_GA = "gn:4180386"
ATHENS_GR = "gn:264371"
ATHENS_STORY = (
    "Council approves downtown budget\n\n"
    "City of Athens officials approved a new downtown budget on Tuesday. Athens police "
    "said the parade route would close early."
)


@pytest.fixture
def athens_folder(tmp_path: Path) -> Path:
    """A folder of local news that never says it is in Georgia."""
    folder = tmp_path / "athens-news"
    folder.mkdir()
    (folder / "council.txt").write_text(ATHENS_STORY, encoding="utf-8")
    return folder


def visible_home_dialog(window) -> HomeRegionDialog:
    (dialog,) = [d for d in window.findChildren(HomeRegionDialog) if d.isVisible()]
    return dialog


def choose_in(dialog: HomeRegionDialog, search: str, label: str) -> None:
    """Type a search, pick the row labelled ``label`` and press the dialog's OK button."""
    dialog.search.setText(search)
    rows = [dialog.results.item(r) for r in range(dialog.results.count())]
    (row,) = [item for item in rows if item.text() == label]
    dialog.results.setCurrentItem(row)
    dialog.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).click()


def test_right_click_makes_a_folder_local_and_the_pin_moves(qtbot, athens_folder: Path):
    window = open_window(qtbot, [athens_folder / "council.txt"])
    try:
        assert ATHENS_GR in pin_ids(qtbot, window)  # "Athens" alone: Greece
        (article,) = window.atlas.articles
        window.article_list.choose(article.id)
        assert window.reader.home.text() == "Home region: none"

        menu = window.article_menu.menu_for(article.id)
        actions = {a.objectName(): a for a in menu.actions()}
        folder_action = actions["homeFolderAction"]
        assert folder_action.text() == "Articles from athens-news are local to…"
        assert folder_action.isEnabled()
        assert actions["homeArticleAction"].text() == "This article is local to…"
        folder_action.trigger()
        dialog = visible_home_dialog(window)
        assert dialog.findChild(QtWidgets.QLabel, "homeNow").text() == "Now: none"
        choose_in(dialog, "Athens, Georgia", "Athens, Georgia, United States")
        menu.deleteLater()

        qtbot.waitUntil(lambda: ATHENS_GA in pin_ids(qtbot, window), timeout=PAGE_TIMEOUT_MS)
        wait_until_mapped(qtbot, window)
        assert ATHENS_GR not in pin_ids(qtbot, window)  # the pin moved from Greece to Georgia
        assert window.reader.home.text() == (
            "Home region: Athens, Georgia, United States (set by you)"
        )
        assert window.session.modified and window.isWindowModified()
        # The folder's setting is the user's from now on (for every project).
        assert load_home_folders() == {str(athens_folder): ATHENS_GA}

        # Back to "Automatic": the story has no dateline nor known outlet, so Greece again.
        window.article_menu.ask_home(article.id, "folder", str(athens_folder))
        dialog = visible_home_dialog(window)
        assert dialog.chosen() == ATHENS_GA  # the dialog starts from the setting
        choose_in(dialog, "", "Automatic (each article's dateline or outlet)")
        qtbot.waitUntil(lambda: ATHENS_GR in pin_ids(qtbot, window), timeout=PAGE_TIMEOUT_MS)
        assert load_home_folders() == {}
    finally:
        close_window(qtbot, window)


def import_from_menu(window, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """File ▸ Import Folder…, the folder chosen in its dialog."""
    monkeypatch.setattr(
        QtWidgets.QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(folder)
    )
    window.menu_actions.import_folder.trigger()


def test_import_folder_asks_what_its_articles_are_local_to(
    qtbot, athens_folder: Path, monkeypatch: pytest.MonkeyPatch
):
    window = open_window(qtbot, [])
    try:
        import_from_menu(window, athens_folder, monkeypatch)
        # The question does not hold the import up; "Automatic" unless the user says otherwise.
        dialog = visible_home_dialog(window)
        assert dialog.windowTitle() == "Home Region"
        assert dialog.chosen() is None
        choose_in(dialog, "Athens, GA", "Athens, Georgia, United States")
        qtbot.waitUntil(lambda: ATHENS_GA in pin_ids(qtbot, window), timeout=PAGE_TIMEOUT_MS)
        wait_until_mapped(qtbot, window)
        assert len(window.atlas) == 1
        assert ATHENS_GR not in pin_ids(qtbot, window)
        assert load_home_folders() == {str(athens_folder): ATHENS_GA}
    finally:
        close_window(qtbot, window)


def test_dismissing_the_question_imports_with_each_articles_own_home(
    qtbot, athens_folder: Path, monkeypatch: pytest.MonkeyPatch
):
    window = open_window(qtbot, [])
    try:
        import_from_menu(window, athens_folder, monkeypatch)
        visible_home_dialog(window).reject()
        qtbot.waitUntil(lambda: len(window.atlas) == 1, timeout=PAGE_TIMEOUT_MS)
        wait_until_mapped(qtbot, window)
        assert ATHENS_GR in pin_ids(qtbot, window)
        assert not window.session.home_settings
        assert load_home_folders() == {}
    finally:
        close_window(qtbot, window)


def test_the_reader_says_the_home_region_comes_from_the_dateline(qtbot, tmp_path: Path):
    story = tmp_path / "athens-ga.txt"
    story.write_text(
        "ATHENS, Ga. — City of Athens officials approved a budget on Tuesday.", encoding="utf-8"
    )
    window = open_window(qtbot, [story])
    try:
        assert ATHENS_GA in pin_ids(qtbot, window)
        (article,) = window.atlas.articles
        window.article_list.choose(article.id)
        assert window.reader.home.isVisibleTo(window.reader)
        assert window.reader.home.text() == (
            "Home region: Athens, Georgia, United States (from the dateline “ATHENS, Ga.”)"
        )
    finally:
        close_window(qtbot, window)
