"""The Filters panel: narrow the map to some actors and event types."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from mapper.filters import NO_EVENT, Filter
from mapper.search import MAX_QUERY_CHARS, normalized
from mapper.types import Actor
from ui.qt import QtCore, QtGui, QtWidgets

ID_ROLE = QtCore.Qt.ItemDataRole.UserRole
#: The pause after the last keystroke before the text search runs (milliseconds).
SEARCH_DELAY_MS = 250
#: Item data role holding what the actor search looks in: (names, role words), casefolded.
SEARCH_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1

_KIND_ORDER = {"person": 0, "organization": 1, "state": 2, "group": 3}
_KIND_LABEL = {
    "person": "person",
    "organization": "organisation",
    "state": "state",
    "group": "group",
}


def _search_keys(actor: Actor) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the actor search looks in: the actor's names (name and aliases) and the
    words of its role, casefolded."""
    names = tuple(name.casefold() for name in (actor.name, *actor.aliases))
    return names, tuple(re.findall(r"\w+", actor.role.casefold()))


def actor_matches(needle: str, names: Sequence[str], role_words: Sequence[str]) -> bool:
    """Whether a (casefolded) search text finds an actor: in one of its names, or as a
    whole word of its role ("ambassador" is found by "ambassador", not by "assad")."""
    if any(needle in name for name in names):
        return True
    words = re.findall(r"\w+", needle)
    return bool(words) and all(word in role_words for word in words)


def swatch(color: str, size: int = 12) -> QtGui.QIcon:
    """A small filled circle in the event type's colour (the pins' colour)."""
    pixmap = QtGui.QPixmap(size, size)
    pixmap.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setBrush(QtGui.QColor(color))
    painter.setPen(QtGui.QColor(0, 0, 0, 90))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QtGui.QIcon(pixmap)


class FilterPanel(QtWidgets.QWidget):
    """Actors (searchable, multi-select, with counts) and event types (checkboxes, colours).

    No actor ticked means every actor; every event type ticked (the default)
    means every excerpt, including those of no event type.

    Signals:
        filter_changed: the user changed a choice; read :meth:`current_filter`.
        clearing: "Clear Filters" is about to clear the facets (its filter_changed
            follows): filters kept elsewhere (the timeline's range) reset with them.
    """

    filter_changed = QtCore.Signal()
    clearing = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self._updating = False

        # The search over the articles' text (mapper.search): applied a short pause after
        # the last keystroke, so typing a phrase searches once, not once a letter.
        self.text_search = QtWidgets.QLineEdit(self)
        self.text_search.setObjectName("textSearch")
        self.text_search.setPlaceholderText(self.tr("Search the text…  (Ctrl+F)"))
        self.text_search.setToolTip(
            self.tr(
                'Words anywhere in a sentence; "quoted words" together; protest* for '
                "words starting so; police OR army for either. Esc clears."
            )
        )
        self.text_search.setClearButtonEnabled(True)
        self.text_search.setMaxLength(MAX_QUERY_CHARS)
        #: The search text the filter uses (the box's text once the pause is over).
        self.applied_search = ""
        self._search_timer = QtCore.QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.text_search.textChanged.connect(self._on_text_search_edited)
        self.text_search.returnPressed.connect(self.apply_search)
        # On the window, not the panel: Ctrl+F works (and shows the panel) while it is hidden.
        find = QtGui.QShortcut(
            QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Find),
            parent.window() if parent is not None else self,
        )
        find.setContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        find.activated.connect(self.focus_search)
        escape = QtGui.QShortcut(QtGui.QKeySequence("Esc"), self.text_search)
        escape.setContext(QtCore.Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.clear_search)

        self.search = QtWidgets.QLineEdit(self)
        self.search.setObjectName("actorSearch")
        self.search.setPlaceholderText(self.tr("Search actors…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)

        self.actor_list = QtWidgets.QListWidget(self)
        self.actor_list.setObjectName("actorList")
        self.actor_list.setUniformItemSizes(True)
        self.actor_list.itemChanged.connect(self._on_item_changed)

        self.event_list = QtWidgets.QListWidget(self)
        self.event_list.setObjectName("eventTypeList")
        self.event_list.setUniformItemSizes(True)
        self.event_list.itemChanged.connect(self._on_item_changed)

        self.event_places_box = QtWidgets.QCheckBox(self.tr("Event places only"), self)
        self.event_places_box.setObjectName("eventPlacesOnly")
        self.event_places_box.setToolTip(
            self.tr(
                "Show only places where a tagged event happened, not places merely "
                "mentioned (hollow pins)"
            )
        )
        self.event_places_box.toggled.connect(self._on_event_places_toggled)

        self.clear_button = QtWidgets.QPushButton(self.tr("Clear Filters"), self)
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.clicked.connect(self.clear)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.text_search)
        layout.addWidget(QtWidgets.QLabel(self.tr("Actors"), self))
        layout.addWidget(self.search)
        layout.addWidget(self.actor_list, 3)
        layout.addWidget(QtWidgets.QLabel(self.tr("Event types"), self))
        layout.addWidget(self.event_list, 2)
        layout.addWidget(self.event_places_box)
        layout.addWidget(self.clear_button)

    # -- content ------------------------------------------------------------------
    def set_actors(
        self, actors: Sequence[Actor], counts: dict[str, int], *, only_counted: bool = False
    ) -> None:
        """List these actors with their mention counts, keeping the ticks the user made.

        With ``only_counted`` (one article chosen) only the actors it names are listed,
        and those the user ticked, so that no tick in force is out of sight.
        """
        ticked = self.ticked_actors()
        if only_counted:
            actors = [a for a in actors if counts.get(a.id, 0) > 0 or a.id in ticked]
        self._updating = True
        try:
            self.actor_list.clear()
            ordered = sorted(
                actors, key=lambda a: (_KIND_ORDER.get(a.kind, 9), -counts.get(a.id, 0), a.name)
            )
            for actor in ordered:
                label = f"{actor.name} ({counts.get(actor.id, 0)})"
                item = QtWidgets.QListWidgetItem(label, self.actor_list)
                item.setData(ID_ROLE, actor.id)
                item.setData(SEARCH_ROLE, _search_keys(actor))
                tip = _KIND_LABEL.get(actor.kind, actor.kind)
                if actor.role:
                    tip += f" · {actor.role}"
                if actor.aliases:
                    tip += " · also: " + ", ".join(actor.aliases)
                item.setToolTip(tip)  # plain text: QListWidget tooltips are not rich text here
                item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    QtCore.Qt.CheckState.Checked
                    if actor.id in ticked
                    else QtCore.Qt.CheckState.Unchecked
                )
            self._on_search(self.search.text())
        finally:
            self._updating = False

    def set_event_types(self, types: Sequence[tuple[str, str]], counts: dict[str, int]) -> None:
        """List the event types (name, colour) with counts; "No event type" last."""
        unticked = {
            self.event_list.item(i).data(ID_ROLE)
            for i in range(self.event_list.count())
            if self.event_list.item(i).checkState() != QtCore.Qt.CheckState.Checked
        }
        self._updating = True
        try:
            self.event_list.clear()
            rows = [*types, (NO_EVENT, "#9e9e9e")]
            for name, color in rows:
                label = name or self.tr("No event type")
                item = QtWidgets.QListWidgetItem(
                    swatch(color), f"{label} ({counts.get(name, 0)})", self.event_list
                )
                item.setData(ID_ROLE, name)
                item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    QtCore.Qt.CheckState.Unchecked
                    if name in unticked
                    else QtCore.Qt.CheckState.Checked
                )
        finally:
            self._updating = False

    # -- state --------------------------------------------------------------------
    def ticked_actors(self) -> set[str]:
        """Ids of the actors ticked."""
        return {
            str(item.data(ID_ROLE))
            for item in self._items(self.actor_list)
            if item.checkState() == QtCore.Qt.CheckState.Checked
        }

    def ticked_event_types(self) -> set[str]:
        """Names of the event types ticked (NO_EVENT for "No event type")."""
        return {
            str(item.data(ID_ROLE))
            for item in self._items(self.event_list)
            if item.checkState() == QtCore.Qt.CheckState.Checked
        }

    def current_filter(self) -> Filter:
        """The filter the panel shows (articles are chosen in the Articles list)."""
        actors = self.ticked_actors()
        types = self.ticked_event_types()
        every_type = len(types) == self.event_list.count()
        return replace(
            Filter.of(actors=actors or None, event_types=None if every_type else types),
            event_places_only=self.event_places_box.isChecked(),
            search=self.applied_search,
        )

    # -- the text search ----------------------------------------------------------
    @QtCore.Slot()
    def focus_search(self) -> None:
        """Ctrl+F: show the Filters panel (if docked away) and put the cursor in the search."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QtWidgets.QDockWidget):
            parent = parent.parentWidget()
        if parent is not None:
            parent.show()
            parent.raise_()
        self.text_search.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.text_search.selectAll()

    @QtCore.Slot()
    def clear_search(self) -> None:
        """Esc: forget the search at once."""
        self.text_search.clear()
        self.apply_search()

    @QtCore.Slot()
    def apply_search(self) -> None:
        """Use the box's text now (the pause is over, or Enter was pressed)."""
        self._search_timer.stop()
        text = normalized(self.text_search.text())
        if text != self.applied_search:
            self.applied_search = text
            if not self._updating:
                self.filter_changed.emit()

    @QtCore.Slot(str)
    def _on_text_search_edited(self, _text: str) -> None:
        if not self._updating:
            self._search_timer.start()

    def set_checked(self, list_widget: QtWidgets.QListWidget, keys: set[str]) -> None:
        """Tick exactly these keys in one of the lists (tests, restoring a project)."""
        self._updating = True
        try:
            for item in self._items(list_widget):
                item.setCheckState(
                    QtCore.Qt.CheckState.Checked
                    if item.data(ID_ROLE) in keys
                    else QtCore.Qt.CheckState.Unchecked
                )
        finally:
            self._updating = False
        self.filter_changed.emit()

    def restore(self, where: Filter) -> None:
        """Tick what a saved filter had (a project being opened)."""
        self._updating = True
        try:
            for item in self._items(self.actor_list):
                ticked = where.actors is not None and item.data(ID_ROLE) in where.actors
                item.setCheckState(
                    QtCore.Qt.CheckState.Checked if ticked else QtCore.Qt.CheckState.Unchecked
                )
            for item in self._items(self.event_list):
                ticked = where.event_types is None or item.data(ID_ROLE) in where.event_types
                item.setCheckState(
                    QtCore.Qt.CheckState.Checked if ticked else QtCore.Qt.CheckState.Unchecked
                )
            self.event_places_box.setChecked(where.event_places_only)
            self.text_search.setText(where.search)
            self._search_timer.stop()
            self.applied_search = normalized(where.search)
        finally:
            self._updating = False
        self.filter_changed.emit()

    @QtCore.Slot()
    def clear(self) -> None:
        """Every actor, every event type, every place (and, by :attr:`clearing`, every date)."""
        self.clearing.emit()
        self._updating = True
        try:
            for item in self._items(self.actor_list):
                item.setCheckState(QtCore.Qt.CheckState.Unchecked)
            for item in self._items(self.event_list):
                item.setCheckState(QtCore.Qt.CheckState.Checked)
            self.event_places_box.setChecked(False)
            self.search.clear()
            self.text_search.clear()
            self._search_timer.stop()
            self.applied_search = ""
        finally:
            self._updating = False
        self.filter_changed.emit()

    # -- slots --------------------------------------------------------------------
    @QtCore.Slot(QtWidgets.QListWidgetItem)
    def _on_item_changed(self, _item: QtWidgets.QListWidgetItem) -> None:
        if not self._updating:
            self.filter_changed.emit()

    @QtCore.Slot(bool)
    def _on_event_places_toggled(self, _checked: bool) -> None:
        if not self._updating:
            self.filter_changed.emit()

    @QtCore.Slot(str)
    def _on_search(self, text: str) -> None:
        """Show only the actors the text finds (it only hides others: it ticks nothing)."""
        needle = text.casefold().strip()
        for item in self._items(self.actor_list):
            names, role_words = item.data(SEARCH_ROLE) or ((), ())
            item.setHidden(bool(needle) and not actor_matches(needle, names, role_words))

    @staticmethod
    def _items(list_widget: QtWidgets.QListWidget) -> list[QtWidgets.QListWidgetItem]:
        return [list_widget.item(i) for i in range(list_widget.count())]
