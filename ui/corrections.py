"""The right-click menu that corrects a pin: another candidate, or "not a place"."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mapper.geo.corrections import Corrections, candidates_for
from mapper.geo.gazetteer import Gazetteer
from mapper.types import Place
from ui.qt import QtGui, QtWidgets

#: Passed as the place id to forget the user's correction of a name.
FORGET = ""
#: Called with (name as written, chosen place id, None for "not a place", or FORGET).
OnChoice = Callable[[str, "str | None"], None]

#: How many of a place's spellings get their own submenu ("U.S.", "United States"…).
_MAX_SURFACES = 4


def build_correction_menu(
    parent: QtWidgets.QWidget,
    place: Place,
    surfaces: Sequence[str],
    gazetteer: Gazetteer,
    corrections: Corrections,
    on_choice: OnChoice,
) -> QtWidgets.QMenu:
    """A menu of what each way the articles write ``place`` could mean.

    With one spelling the candidates are listed directly; with several, each
    spelling gets a submenu, since a correction is made per name as written.
    Every label is plain text (menus do not interpret markup).
    """
    menu = QtWidgets.QMenu(parent)
    menu.setObjectName("correctionMenu")
    title = menu.addAction(menu.tr("Correct “{name}”").format(name=place.name))
    title.setEnabled(False)
    menu.addSeparator()
    shown = list(surfaces[:_MAX_SURFACES])
    for surface in shown:
        target = (
            menu
            if len(shown) == 1
            else menu.addMenu(menu.tr("“{surface}” means…").format(surface=_shorten(surface)))
        )
        _add_choices(target, place, surface, gazetteer, corrections, on_choice)
    return menu


def _add_choices(
    menu: QtWidgets.QMenu,
    place: Place,
    surface: str,
    gazetteer: Gazetteer,
    corrections: Corrections,
    on_choice: OnChoice,
) -> None:
    group = QtGui.QActionGroup(menu)
    for candidate in candidates_for(surface, gazetteer):
        action = menu.addAction(candidate.label)
        action.setCheckable(True)
        action.setChecked(candidate.place.id == place.id)
        action.setActionGroup(group)
        action.setData(candidate.place.id)
        action.triggered.connect(
            lambda _checked=False, s=surface, pid=candidate.place.id: on_choice(s, pid)
        )
    menu.addSeparator()
    not_place = menu.addAction(menu.tr("Not a place"))
    not_place.setObjectName("notAPlaceAction")
    not_place.triggered.connect(lambda _checked=False, s=surface: on_choice(s, None))
    if surface in corrections:
        undo = menu.addAction(
            menu.tr("Forget my correction of “{surface}”").format(surface=_shorten(surface))
        )
        undo.setObjectName("forgetCorrectionAction")
        undo.triggered.connect(lambda _checked=False, s=surface: on_choice(s, FORGET))


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
