"""Correcting pins: the right-click menu's choice, and corrections files.

A correction is the user's (saved in their data folder, for every article);
a project's corrections apply to that project only until the user makes them
theirs (File ▸ Make Project's Corrections Mine). The rules are the session's
(:class:`~mapper.session.Session`); here are the menus, dialogs and messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mapper.geo.corrections import CorrectionsError
from mapper.session import Session
from ui.corrections import FORGET, build_correction_menu
from ui.messages import show_error, show_status
from ui.qt import QtCore, QtGui, QtWidgets

if TYPE_CHECKING:
    from ui.analysis import AnalysisRunner

_CORRECTIONS_FILES = "Dateline corrections (*.json)"


class Correcting(QtCore.QObject):
    """The window's corrections: the place menu, and importing, exporting and adopting them."""

    def __init__(
        self, window: QtWidgets.QMainWindow, session: Session, analysis: AnalysisRunner
    ) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._analysis = analysis

    def menu_for(self, place_id: str) -> QtWidgets.QMenu | None:
        """The right-click menu of a place (None before the pipeline is loaded)."""
        session = self._session
        if session.pipeline is None or not session.atlas.has_place(place_id):
            return None
        return build_correction_menu(
            self._window,
            session.atlas.place(place_id),
            session.atlas.surfaces_for_place(place_id),
            session.pipeline.gazetteer,
            session.pipeline.corrections,
            self.correct,
        )

    @QtCore.Slot(str)
    def show_menu(self, place_id: str) -> None:
        """Pop up a place's menu where the pointer is (or say why there is none yet)."""
        menu = self.menu_for(place_id)
        if menu is None:
            show_status(
                self._window,
                self.tr("Corrections are available once the language model is loaded."),
            )
            return
        menu.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(QtGui.QCursor.pos())

    def correct(self, surface: str, place_id: str | None) -> None:
        """Record that ``surface`` means ``place_id`` (None: not a place; FORGET: undo).

        The correction is saved at once and every open article is analysed again.
        """
        try:
            if place_id == FORGET:
                changed = self._session.forget_correction(surface)
            else:
                changed = self._session.correct(surface, place_id)
        except (OSError, CorrectionsError) as error:
            show_error(self._window, self.tr("The correction could not be saved"), [str(error)])
            return
        if changed:
            self._analysis.start_next_batch()

    @QtCore.Slot()
    def adopt(self) -> None:
        """Make the open project's corrections the user's own (saved; every article)."""
        if self._session.pipeline is None:  # the user's own are not loaded yet
            show_status(
                self._window,
                self.tr("Corrections are available once the language model is loaded."),
            )
            return
        try:
            count = self._session.adopt_project_corrections()
        except (OSError, CorrectionsError) as error:
            show_error(self._window, self.tr("The corrections could not be saved"), [str(error)])
            return
        if count:
            show_status(
                self._window,
                self.tr("{n} corrections from the project are now yours.").format(n=count),
            )

    @QtCore.Slot()
    def ask_import(self) -> None:
        """File ▸ Import Corrections…: add a file's corrections to the user's."""
        if self._session.pipeline is None:
            return
        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self._window, self.tr("Import Corrections"), "", self.tr(_CORRECTIONS_FILES)
        )
        if not name:
            return
        try:
            count = self._session.import_corrections(Path(name))
        except (OSError, CorrectionsError) as error:
            show_error(self._window, self.tr("The corrections could not be imported"), [str(error)])
            return
        show_status(self._window, self.tr("Imported {n} corrections.").format(n=count))
        self._analysis.start_next_batch()

    @QtCore.Slot()
    def ask_export(self) -> None:
        """File ▸ Export Corrections…: those in effect (the user's and the open project's)."""
        if self._session.pipeline is None:
            return
        name, _ = QtWidgets.QFileDialog.getSaveFileName(
            self._window,
            self.tr("Export Corrections"),
            "dateline-corrections.json",
            self.tr(_CORRECTIONS_FILES),
        )
        if not name:
            return
        try:
            self._session.export_corrections(Path(name))
        except (OSError, CorrectionsError) as error:
            show_error(self._window, self.tr("The corrections could not be exported"), [str(error)])
