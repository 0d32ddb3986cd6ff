"""Correcting pins from the window: right-click a pin or a place, choose, and it sticks."""

from __future__ import annotations

import json

import pytest
from conftest import close_window, open_window
from test_ui import pin_ids, place_id, run_js, wait_until_mapped

from mapper.geo.corrections import Corrections, default_corrections_path
from ui.qt import QtCore, QtWidgets


@pytest.fixture(autouse=True)
def no_saved_corrections():
    default_corrections_path().unlink(missing_ok=True)
    yield
    default_corrections_path().unlink(missing_ok=True)


@pytest.fixture
def popups(monkeypatch) -> list[QtWidgets.QMenu]:
    """Menus the window pops up (captured instead of shown, so the test can choose)."""
    shown: list[QtWidgets.QMenu] = []
    monkeypatch.setattr(QtWidgets.QMenu, "popup", lambda menu, *args: shown.append(menu))
    return shown


def menu_actions(menu: QtWidgets.QMenu) -> list[QtWidgets.QAction]:
    """Every action of a menu and its submenus."""
    found = []
    for action in menu.actions():
        found.append(action)
        if action.menu() is not None:
            found.extend(menu_actions(action.menu()))
    return found


def test_right_clicking_a_pin_offers_the_candidates(qtbot, window, popups):
    caracas = place_id(window, "Caracas")
    assert run_js(qtbot, window, f"Dateline.contextPin({json.dumps(caracas)})")
    qtbot.waitUntil(lambda: bool(popups), timeout=10_000)
    labels = [a.text() for a in menu_actions(popups[-1])]
    assert any(label.startswith("Caracas — Venezuela · city") for label in labels)
    assert "Not a place" in labels
    checked = [a.text() for a in menu_actions(popups[-1]) if a.isChecked()]
    assert checked and checked[0].startswith("Caracas — Venezuela")


def test_not_a_place_removes_the_pin_and_is_remembered(qtbot, window, popups, seed_paths):
    caracas = place_id(window, "Caracas")
    run_js(qtbot, window, f"Dateline.contextPin({json.dumps(caracas)})")
    qtbot.waitUntil(lambda: bool(popups), timeout=10_000)
    (not_a_place,) = [a for a in menu_actions(popups[-1]) if a.text() == "Not a place"]
    not_a_place.trigger()
    wait_until_mapped(qtbot, window)
    assert caracas not in pin_ids(qtbot, window)
    assert "Caracas" not in {p.name for p in window.atlas.places()}
    saved = Corrections.load(default_corrections_path())
    assert saved["Caracas"].place_id is None

    # A new window (next start of the app) applies the saved correction too.
    again = open_window(qtbot, seed_paths)
    try:
        assert "Caracas" not in {p.name for p in again.atlas.places()}
    finally:
        close_window(qtbot, again)


def test_choosing_another_candidate_from_the_places_list_moves_the_pin(qtbot, window, popups):
    cuba = place_id(window, "Cuba")  # written "Cuban", "Cuba" and "Cubans" in the seed
    item = window.place_list.item_for(cuba)
    window.place_list.customContextMenuRequested.emit(
        window.place_list.visualItemRect(item).center()
    )
    qtbot.waitUntil(lambda: bool(popups), timeout=10_000)
    submenus = {a.text(): a.menu() for a in popups[-1].actions() if a.menu() is not None}
    assert "“Cuba” means…" in submenus and "“Cuban” means…" in submenus
    choices = submenus["“Cuba” means…"].actions()
    town = [a for a in choices if a.text().startswith("Cuba — Portugal")]
    assert town, [a.text() for a in choices]
    town[0].trigger()
    wait_until_mapped(qtbot, window)
    by_kind = {p.kind: p for p in window.atlas.places() if p.name == "Cuba"}
    assert by_kind["city"].country_code == "PT"  # "Cuba" now means the Portuguese town
    assert by_kind["country"].id == cuba  # "Cuban" still points at the country
    assert by_kind["city"].id in pin_ids(qtbot, window)

    # "Forget my correction" puts every "Cuba" back on the country.
    item = window.place_list.item_for(by_kind["city"].id)
    window.place_list.customContextMenuRequested.emit(
        window.place_list.visualItemRect(item).center()
    )
    qtbot.waitUntil(lambda: len(popups) == 2, timeout=10_000)
    (forget,) = [a for a in menu_actions(popups[-1]) if a.objectName() == "forgetCorrectionAction"]
    forget.trigger()
    wait_until_mapped(qtbot, window)
    assert [p.kind for p in window.atlas.places() if p.name == "Cuba"] == ["country"]


def test_online_lookups_are_off_unless_switched_on(window):
    assert not window.menu_actions.online.isChecked()
    assert window.session.pipeline is not None and window.session.pipeline.online is None
    window.menu_actions.online.setChecked(True)
    assert window.session.pipeline.online is not None
    assert QtCore.QSettings("Dateline", "Dateline").value("geocoding/online") in (True, "true")
    window.menu_actions.online.setChecked(False)
    assert window.session.pipeline.online is None


def test_a_projects_corrections_stay_the_projects_until_the_user_adopts_them(
    qtbot, window, popups, tmp_path
):
    """Opening a project that says "Caracas is not a place" changes that project's map only.

    Before, the project's corrections joined the user's and were written to the user's
    file at their next correction, changing every later article and the CLI.
    """
    from mapper.store.project import Project, save_project

    assert "Caracas" in {p.name for p in window.atlas.places()}
    path = tmp_path / "colleague.dateline"
    save_project(
        path,
        Project(
            articles=tuple(window.atlas.articles),
            corrections=Corrections().with_correction("Caracas", None),
        ),
    )
    assert window.open_project(path)
    wait_until_mapped(qtbot, window)
    assert "Caracas" not in {p.name for p in window.atlas.places()}  # the project's map
    assert "corrections of its own" in window.statusBar().currentMessage()
    assert window.menu_actions.adopt_corrections.isEnabled()

    # The user's own next correction is saved alone: the project's stays out of their file.
    cuba = place_id(window, "Cuba")
    run_js(qtbot, window, f"Dateline.contextPin({json.dumps(cuba)})")
    qtbot.waitUntil(lambda: bool(popups), timeout=10_000)
    submenus = {a.text(): a.menu() for a in popups[-1].actions() if a.menu() is not None}
    (not_a_place,) = [a for a in submenus["“Cuba” means…"].actions() if a.text() == "Not a place"]
    not_a_place.trigger()
    wait_until_mapped(qtbot, window)
    saved = Corrections.load(default_corrections_path())
    assert "Cuba" in saved and "Caracas" not in saved
    assert "Caracas" not in {p.name for p in window.atlas.places()}  # still, in this project

    # A project saved now carries both, so a colleague sees the same map.
    again = tmp_path / "again.dateline"
    window.save_project(again)
    qtbot.waitUntil(lambda: again.exists(), timeout=10_000)
    from mapper.store.project import load_project

    carried = load_project(again).corrections
    assert "Caracas" in carried and "Cuba" in carried

    # Only when the user chooses does the project's correction become theirs.
    window.menu_actions.adopt_corrections.trigger()
    saved = Corrections.load(default_corrections_path())
    assert saved["Caracas"].place_id is None and "Cuba" in saved
    assert not window.menu_actions.adopt_corrections.isEnabled()
