"""Places ▸ Review Doubtful Places…: the doubtful places, confirmed or corrected many at once.

The queue is :func:`mapper.geo.review.review_queue`'s; a decision is a correction
(:meth:`Session.correct_many <mapper.session.Session.correct_many>`: saved once, every
article analysed again once). The dialog does not block the window: clicking a row
shows that place on the map, and the list follows the map when the analysis is done.

Article text is untrusted: every cell, combo entry and label here is plain text, and
the one tooltip that shows an excerpt is escaped before Qt may take it for rich text.
"""

from __future__ import annotations

import contextlib
import html
import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from mapper.geo.corrections import CorrectionsError
from mapper.geo.review import ReviewItem, review_queue
from mapper.session import Session
from ui.messages import show_error, show_status
from ui.qt import QtCore, QtGui, QtWidgets

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ui.analysis import AnalysisRunner

#: Item data role holding a row's place id (on the name cell).
PLACE_ROLE = QtCore.Qt.ItemDataRole.UserRole

#: The table's columns.
NAME, CHOSEN, MEANS, WHY, MENTIONS, EXAMPLE = range(6)

_BLANKS = re.compile(r"\s+")


def _one_line(text: str) -> str:
    return _BLANKS.sub(" ", text).strip()


def _plain_tip(text: str) -> str:
    """A tooltip showing ``text`` as typed (Qt takes a tooltip that looks like markup
    for rich text)."""
    return "<p>" + html.escape(_one_line(text)) + "</p>"


class ReviewDialog(QtWidgets.QDialog):
    """The review queue as a table: tick rows, choose what each name means, apply.

    Each row's combo starts on the place chosen now, then the alternatives (best first)
    and "Not a place"; changing it ticks the row. **Confirm Selected** decides the ticked
    rows as their combos say (unchanged: confirmed as they are); **Apply Changes** decides
    the rows whose combo was changed, ticked or not.

    Signals:
        place_chosen(str): a row was clicked: show this place id.
        decisions_made(object): ``{name as written: place id, or None for not a place}``.
    """

    place_chosen = QtCore.Signal(str)
    decisions_made = QtCore.Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.setWindowTitle(self.tr("Review Doubtful Places"))
        self.setModal(False)
        self.resize(1280, 600)
        self._items: list[ReviewItem] = []
        #: Per row: what each combo entry means (a place id; None: not a place).
        self._choices: list[list[str | None]] = []
        self._filling = False

        self.intro = QtWidgets.QLabel(self)
        self.intro.setObjectName("reviewIntro")
        self.intro.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)
        self.intro.setText(
            self.tr(
                "These names may mean another place, or no place at all. Choose what each "
                "means; tick the ones you checked and confirm them. A decision applies to "
                "the name in every article, and the name leaves this list."
            )
        )
        self.table = QtWidgets.QTableWidget(0, 6, self)
        self.table.setObjectName("reviewTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Chosen place"),
                self.tr("Means"),
                self.tr("Why doubtful"),
                self.tr("Mentions"),
                self.tr("Example"),
            ]
        )
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)  # reasons and examples are sentences: wrapped, not cut
        vertical = self.table.verticalHeader()
        vertical.hide()
        # Rows as tall as their wrapped text, following the columns' widths.
        vertical.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for column in (NAME, MENTIONS):
            header.setSectionResizeMode(column, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        for column, width in ((CHOSEN, 230), (MEANS, 230), (WHY, 300)):
            header.setSectionResizeMode(column, QtWidgets.QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(EXAMPLE, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.currentCellChanged.connect(self._on_current_cell_changed)
        self.table.cellClicked.connect(lambda row, _column: self._show_row(row))

        self.status = QtWidgets.QLabel(self)
        self.status.setObjectName("reviewStatus")
        self.status.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        buttons = QtWidgets.QDialogButtonBox(self)
        self.select_all_button = buttons.addButton(
            self.tr("Select &All"), QtWidgets.QDialogButtonBox.ButtonRole.ActionRole
        )
        self.select_none_button = buttons.addButton(
            self.tr("Select &None"), QtWidgets.QDialogButtonBox.ButtonRole.ActionRole
        )
        self.confirm_button = buttons.addButton(
            self.tr("&Confirm Selected"), QtWidgets.QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.confirm_button.setObjectName("confirmSelectedButton")
        self.confirm_button.setToolTip(
            self.tr("Decide the ticked rows as their “Means” column says")
        )
        self.apply_button = buttons.addButton(
            self.tr("A&pply Changes"), QtWidgets.QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.apply_button.setObjectName("applyChangesButton")
        self.apply_button.setToolTip(self.tr("Decide the rows whose “Means” you changed"))
        close = buttons.addButton(QtWidgets.QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.close)
        self.select_all_button.clicked.connect(lambda: self._tick_all(True))
        self.select_none_button.clicked.connect(lambda: self._tick_all(False))
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.apply_button.clicked.connect(self.apply_changes)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._update_buttons()

    # -- filling ------------------------------------------------------------------
    @property
    def items(self) -> list[ReviewItem]:
        """The items shown, in row order."""
        return list(self._items)

    def set_items(self, items: Sequence[ReviewItem]) -> None:
        """Show these items; ticks and choices made on items still listed are kept."""
        kept = {
            (item.key, item.place.id): (self.is_ticked(row), self._chosen(row))
            for row, item in enumerate(self._items)
        }
        self._filling = True
        self.table.setEnabled(True)
        self.table.clearContents()
        self.table.setRowCount(len(items))
        self._items = list(items)
        self._choices = []
        for row, item in enumerate(items):
            self._fill_row(row, item)
            ticked, chosen = kept.get((item.key, item.place.id), (False, item.place.id))
            self.tick(row, ticked)
            combo = self._combo(row)
            if combo is not None and chosen in self._choices[row]:
                combo.setCurrentIndex(self._choices[row].index(chosen))
                self._mark(row)
        self._filling = False
        self.status.setText(
            (
                self.tr("1 doubtful place.")
                if len(items) == 1
                else self.tr("{n} doubtful places.").format(n=len(items))
            )
            if items
            else self.tr("Nothing doubtful: every place was a clear choice, or is decided.")
        )
        self._update_buttons()

    def set_busy(self, *, counting: bool = False) -> None:
        """Articles are being analysed (decisions applied), or the list is being drawn up
        (``counting``): nothing to decide until it comes back."""
        self.table.setEnabled(False)
        self.status.setText(
            self.tr("Finding the doubtful places…")
            if counting
            else self.tr("Analysing the articles; the list follows when done…")
        )
        for button in (self.confirm_button, self.apply_button):
            button.setEnabled(False)

    def _fill_row(self, row: int, item: ReviewItem) -> None:
        name = QtWidgets.QTableWidgetItem(item.name)
        name.setFlags(name.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
        name.setCheckState(QtCore.Qt.CheckState.Unchecked)
        name.setData(PLACE_ROLE, item.place.id)
        self.table.setItem(row, NAME, name)
        self.table.setItem(row, CHOSEN, QtWidgets.QTableWidgetItem(item.label))
        why = QtWidgets.QTableWidgetItem("; ".join(r.text for r in item.reasons))
        self.table.setItem(row, WHY, why)
        mentions = QtWidgets.QTableWidgetItem(
            str(item.mentions)
            if item.articles == 1
            else self.tr("{m} in {a} articles").format(m=item.mentions, a=item.articles)
        )
        mentions.setTextAlignment(
            QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter
        )
        self.table.setItem(row, MENTIONS, mentions)
        example = QtWidgets.QTableWidgetItem(_one_line(item.example.text))
        # A tooltip may be taken for rich text: the article's words are escaped first.
        example.setToolTip(_plain_tip(item.example.article_title) + _plain_tip(item.example.text))
        self.table.setItem(row, EXAMPLE, example)

        choices: list[str | None] = [item.place.id]
        combo = QtWidgets.QComboBox(self.table)
        combo.setObjectName("reviewChoice")
        combo.addItem(self.tr("As chosen now"))
        combo.setItemData(0, _plain_tip(item.label), QtCore.Qt.ItemDataRole.ToolTipRole)
        for alternative in item.alternatives:
            combo.addItem(alternative.label)
            choices.append(alternative.place.id)
        combo.addItem(self.tr("Not a place"))
        choices.append(None)
        # Labels are long ("Springfield, Massachusetts, United States (pop. 154,341)"): the
        # closed combo stays narrow, its list as wide as its longest entry.
        combo.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        combo.setMinimumContentsLength(16)
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        self._choices.append(choices)
        combo.currentIndexChanged.connect(lambda _index, c=combo: self._on_choice_changed(c))
        # In a holder, so that a tall row does not stretch the combo.
        holder = QtWidgets.QWidget(self.table)
        box = QtWidgets.QVBoxLayout(holder)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(combo, 0, QtCore.Qt.AlignmentFlag.AlignVCenter)
        self.table.setCellWidget(row, MEANS, holder)

    # -- reading the rows -----------------------------------------------------------
    def _combo(self, row: int) -> QtWidgets.QComboBox | None:
        holder = self.table.cellWidget(row, MEANS)
        return holder.findChild(QtWidgets.QComboBox) if holder is not None else None

    def combo(self, row: int) -> QtWidgets.QComboBox:
        """The "Means" choice of a row."""
        combo = self._combo(row)
        if combo is None:
            raise IndexError(row)
        return combo

    def _chosen(self, row: int) -> str | None:
        combo = self._combo(row)
        if combo is None or combo.currentIndex() < 0:
            return self._items[row].place.id
        return self._choices[row][combo.currentIndex()]

    def choose(self, row: int, place_id: str | None) -> None:
        """Set a row's choice (a place id among its alternatives; None: not a place)."""
        self.combo(row).setCurrentIndex(self._choices[row].index(place_id))

    def is_ticked(self, row: int) -> bool:
        """Whether a row is ticked."""
        item = self.table.item(row, NAME)
        return item is not None and item.checkState() == QtCore.Qt.CheckState.Checked

    def tick(self, row: int, ticked: bool = True) -> None:
        """Tick (or untick) a row."""
        item = self.table.item(row, NAME)
        if item is not None:
            state = QtCore.Qt.CheckState.Checked if ticked else QtCore.Qt.CheckState.Unchecked
            item.setCheckState(state)

    def is_changed(self, row: int) -> bool:
        """Whether a row's choice is not the place chosen now."""
        return self._chosen(row) != self._items[row].place.id

    def decisions(self, *, ticked_only: bool) -> dict[str, str | None]:
        """{name: place id, None for not a place} of the ticked rows, or of the changed ones.

        Two rows of one name (placed apart in different articles) make one decision: a
        changed row's outranks a confirmation.
        """
        decided: dict[str, str | None] = {}
        for row, item in enumerate(self._items):
            wanted = self.is_ticked(row) if ticked_only else self.is_changed(row)
            if not wanted:
                continue
            if self.is_changed(row) or item.name not in decided:
                decided[item.name] = self._chosen(row)
        return decided

    # -- what the user does ---------------------------------------------------------
    @QtCore.Slot()
    def confirm_selected(self) -> None:
        """Decide the ticked rows (as their combos say)."""
        decided = self.decisions(ticked_only=True)
        if decided:
            self.decisions_made.emit(decided)

    @QtCore.Slot()
    def apply_changes(self) -> None:
        """Decide the rows whose combo was changed."""
        decided = self.decisions(ticked_only=False)
        if decided:
            self.decisions_made.emit(decided)

    def _tick_all(self, ticked: bool) -> None:
        for row in range(self.table.rowCount()):
            self.tick(row, ticked)

    def _on_choice_changed(self, combo: QtWidgets.QComboBox) -> None:
        if self._filling:
            return
        for row in range(self.table.rowCount()):
            if self._combo(row) is combo:
                self.tick(row, True)  # a choice made is a row to apply
                self._mark(row)
                self._show_row(row)
        self._update_buttons()

    def _mark(self, row: int) -> None:
        """A changed row's name in bold: it will be corrected, not confirmed."""
        name = self.table.item(row, NAME)
        if name is not None:
            font = QtGui.QFont(self.table.font())
            font.setBold(self.is_changed(row))
            name.setFont(font)

    @QtCore.Slot(QtWidgets.QTableWidgetItem)
    def _on_item_changed(self, item: QtWidgets.QTableWidgetItem) -> None:
        if not self._filling and item.column() == NAME:
            self._update_buttons()

    @QtCore.Slot(int, int, int, int)
    def _on_current_cell_changed(self, row: int, _column: int, old_row: int, _old: int) -> None:
        if row != old_row:
            self._show_row(row)

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self._items):
            self.place_chosen.emit(self._items[row].place.id)

    def _update_buttons(self) -> None:
        rows = range(len(self._items))
        self.confirm_button.setEnabled(any(self.is_ticked(r) for r in rows))
        self.apply_button.setEnabled(any(self.is_changed(r) for r in rows))
        self.select_all_button.setEnabled(bool(self._items))
        self.select_none_button.setEnabled(bool(self._items))


class Reviewing(QtCore.QObject):
    """The window's review queue: the menu action's count, the dialog, and applying.

    ``show_place`` is how the window shows a place on the map (a place id). The queue is
    drawn up on a thread of its own (2 s for 1,000 articles: on the UI thread, the window
    froze that long after every analysis), from a snapshot of the analyses and
    corrections; the menu's count and the open dialog follow when it is done.

    Signals:
        counted: the count in the menu (and the open dialog) are up to date.
    """

    counted = QtCore.Signal()
    #: (generation, the items or the error): from the queue's thread to the UI thread.
    _computed = QtCore.Signal(int, object)

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        session: Session,
        analysis: AnalysisRunner,
        action: QtGui.QAction,
        show_place: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._analysis = analysis
        self._action = action
        self._show_place = show_place
        self.dialog: ReviewDialog | None = None
        self.count = 0
        self._items: list[ReviewItem] | None = None  # the queue as of the last count
        self._generation = 0  # counts asked for; an answer to an older one is dropped
        self._running = False
        self._computed.connect(self._on_computed)

    @property
    def is_counting(self) -> bool:
        """Whether the queue is being drawn up (the count may be out of date)."""
        return self._running

    @QtCore.Slot()
    def refresh(self) -> None:
        """Count the queue again (in the menu) and refill the dialog if it is open: on the
        queue's thread; ``counted`` says when it is done."""
        self._generation += 1
        self._items = None
        if self._session.pipeline is None:
            self._show_count()
            return
        if not self._running:
            self._start()
        # else: the running count is dropped when it ends, and this one started then.

    def _start(self) -> None:
        pipeline = self._session.pipeline
        assert pipeline is not None
        # A snapshot: the analyses and the corrections are immutable records; the
        # gazetteer's connection is shared across threads (serialized by SQLite).
        analyses = tuple(self._session.atlas.analyses)
        corrections = self._session.corrections_in_effect()
        gazetteer, home_of = pipeline.gazetteer, pipeline.home_of
        generation = self._generation
        self._running = True

        def draw_up() -> None:
            answer: object
            try:
                answer = review_queue(analyses, gazetteer, corrections, home_of=home_of)
            except Exception as error:  # never lose the count silently: say so
                log.exception("The review queue could not be drawn up")
                answer = error
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                self._computed.emit(generation, answer)

        threading.Thread(target=draw_up, name="review-queue", daemon=True).start()

    @QtCore.Slot(int, object)
    def _on_computed(self, generation: int, answer: object) -> None:
        self._running = False
        if generation != self._generation:  # asked again meanwhile: count afresh
            if self._session.pipeline is not None:
                self._start()
            return
        if isinstance(answer, Exception):
            show_status(
                self._window,
                self.tr("The doubtful places could not be listed: {reason}").format(reason=answer),
            )
            answer = []
        items = list(answer) if isinstance(answer, list) else []
        self._items = items
        self.count = len(items)
        self._show_count()
        if self.dialog is not None and self.dialog.isVisible() and not self._analysis.is_busy:
            self.dialog.set_items(items)
        self.counted.emit()

    def _show_count(self) -> None:
        self._action.setText(
            self.tr("&Review Doubtful Places ({n})…").format(n=self.count)
            if self._session.pipeline is not None
            else self.tr("&Review Doubtful Places…")
        )

    @QtCore.Slot()
    def show_dialog(self) -> ReviewDialog:
        """Open the dialog (not blocking) on the queue as last counted, and return it."""
        if self.dialog is None:
            self.dialog = ReviewDialog(self._window)
            self.dialog.place_chosen.connect(self._show_place)
            self.dialog.decisions_made.connect(self.apply)
        if self._analysis.is_busy:
            # The queue reads the atlas the analysis is busy with: it is filled when the
            # analysis is done (refresh, at idle).
            self.dialog.set_busy()
        elif self._items is not None:
            self.dialog.set_items(self._items)
        else:
            self.dialog.set_busy(counting=True)
            if not self._running:
                self.refresh()
        if self.dialog.isVisible():  # open already, perhaps behind the window
            self.dialog.raise_()
            self.dialog.activateWindow()
        else:
            self.dialog.show()
        return self.dialog

    def apply(self, decisions: Mapping[str, str | None]) -> None:
        """Save the decisions as corrections and analyse every article again, once."""
        if self._session.pipeline is None:
            show_status(
                self._window,
                self.tr("Corrections are available once the language model is loaded."),
            )
            return
        try:
            changed = self._session.correct_many(decisions)
        except (OSError, CorrectionsError) as error:
            show_error(self._window, self.tr("The corrections could not be saved"), [str(error)])
            return
        if not changed:
            return
        if self.dialog is not None:
            self.dialog.set_busy()
        show_status(
            self._window, self.tr("{n} places decided; updating the map…").format(n=len(decisions))
        )
        self._analysis.start_next_batch()
