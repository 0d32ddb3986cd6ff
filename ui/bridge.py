"""The one bridge between the map page and Python, over QWebChannel."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ui.qt import QtCore

log = logging.getLogger(__name__)

#: Ids are short ("gn:3646738", "<article id>:<offset>"); anything longer is not ours.
_MAX_ID_LENGTH = 200


class Bridge(QtCore.QObject):
    """What the page may tell Python: narrow, id-based calls, checked against the Atlas.

    Registered on the page's QWebChannel as ``bridge``. The page is not trusted:
    an id the Atlas does not know is ignored (and logged), never passed on.

    Signals:
        page_loaded: the page has connected to the channel and is ready for calls.
        place_selected(str): the user clicked the pin of this (known) place id.
        excerpt_selected(str): the user clicked this (known) excerpt id in a popup.
        place_menu_requested(str): the user right-clicked the pin of this (known) place id.
    """

    page_loaded = QtCore.Signal()
    place_selected = QtCore.Signal(str)
    excerpt_selected = QtCore.Signal(str)
    place_menu_requested = QtCore.Signal(str)
    map_view_chosen = QtCore.Signal(str)

    def __init__(
        self,
        has_place: Callable[[str], bool],
        has_excerpt: Callable[[str], bool],
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._has_place = has_place
        self._has_excerpt = has_excerpt

    # The four slots below are the page's API: their names are the contract
    # with resources/map (the page calls bridge.pageReady() and so on).
    @QtCore.Slot()
    def pageReady(self) -> None:
        """Called by the page once its channel is connected and the map is drawn."""
        self.page_loaded.emit()

    @QtCore.Slot(str)
    def placeClicked(self, place_id: str) -> None:
        """Called by the page when the user clicks a pin."""
        if self._valid(place_id, self._has_place):
            self.place_selected.emit(place_id)

    @QtCore.Slot(str)
    def excerptClicked(self, excerpt_id: str) -> None:
        """Called by the page when the user clicks an excerpt in a popup."""
        if self._valid(excerpt_id, self._has_excerpt):
            self.excerpt_selected.emit(excerpt_id)

    @QtCore.Slot(str)
    def placeContextMenu(self, place_id: str) -> None:
        """Called by the page when the user right-clicks a pin."""
        if self._valid(place_id, self._has_place):
            self.place_menu_requested.emit(place_id)

    @QtCore.Slot(str)
    def mapViewChosen(self, view: str) -> None:
        """Called by the page when the user picks Pins / Areas / Heat on the map."""
        if view in ("pins", "choropleth", "heat"):
            self.map_view_chosen.emit(view)
        else:
            log.warning("Ignoring an unknown map view from the page: %.80r", view)

    @staticmethod
    def _valid(value: object, known: Callable[[str], bool]) -> bool:
        if isinstance(value, str) and len(value) <= _MAX_ID_LENGTH and known(value):
            return True
        log.warning("Ignoring an unknown id from the map page: %.80r", value)
        return False
