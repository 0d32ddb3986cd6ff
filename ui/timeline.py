"""The Timeline dock: excerpts over time, and the range of days the map shows.

A histogram (:class:`HistogramView`, painted here) of the excerpts that pass the other
filters, with two handles for the range; two date fields synced with the handles; a
sliding window, stepping and playing (a QTimer), loop and cumulative modes; whether
undated excerpts are shown; whether pins fade by age. The logic is
:class:`mapper.timeline.TimelineState`; this module draws it and forwards the user.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from mapper.filters import Filter
from mapper.timeline import (
    RESOLUTIONS,
    SPEEDS,
    STEP_MS,
    WINDOWS,
    Histogram,
    Resolution,
    TimelineState,
    format_day,
    histogram,
)
from ui.qt import QtCore, QtGui, QtWidgets

if TYPE_CHECKING:
    from ui.filters import FilterPanel

_HANDLE_GRAB_PX = 7
_MARGIN = 8
_BAR = QtGui.QColor("#9aa7b4")
_BAR_IN = QtGui.QColor("#3b6ea5")
_RANGE = QtGui.QColor(59, 110, 165, 40)
_HANDLE = QtGui.QColor("#1f4e80")


def _qdate(day: int) -> QtCore.QDate:
    date = datetime.date.fromordinal(day)
    return QtCore.QDate(date.year, date.month, date.day)


def _ordinal(date: QtCore.QDate) -> int:
    return datetime.date(date.year(), date.month(), date.day()).toordinal()


class HistogramView(QtWidgets.QWidget):
    """Bars of excerpts per bin, the range shaded, a handle at each end.

    Drag a handle to move that end, drag inside the range to move it whole, drag
    elsewhere to draw a new range. Left/Right step, Space plays (the panel's keys).

    Signals:
        range_dragged(int, int, str): the user dragged the range to (first, last); the
            str says which end moved ("first", "last", or "both").
    """

    range_dragged = QtCore.Signal(int, int, str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineHistogram")
        self.setMinimumHeight(60)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding
        )
        self.histogram = Histogram("day")
        self.span: tuple[int, int] | None = None  # the range shown (None: nothing dated)
        self.is_open = True
        self._drag: tuple[str, int, int, int] | None = None  # what, grab day, first, last

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(480, 90)

    # -- geometry ---------------------------------------------------------------------
    def _days(self) -> tuple[int, int] | None:
        hist = self.histogram
        if hist.is_empty:
            return None
        return hist.starts[0], hist.ends[-1]

    def x_of(self, day: float) -> float:
        """The x of the start of ``day`` (the end of the drawing for the day after)."""
        days = self._days()
        if days is None:
            return _MARGIN
        width = max(1, self.width() - 2 * _MARGIN)
        return _MARGIN + (day - days[0]) / (days[1] - days[0] + 1) * width

    def day_at(self, x: float) -> int:
        days = self._days()
        if days is None:
            return 0
        width = max(1, self.width() - 2 * _MARGIN)
        day = days[0] + int((x - _MARGIN) / width * (days[1] - days[0] + 1))
        return min(max(day, days[0]), days[1])

    def axis_labels(self) -> tuple[str, str] | None:
        """The words under the axis's two ends: its first and last day, and how many
        excerpts are dated beyond each end (off the axis: :func:`mapper.timeline.core_days`)."""
        days = self._days()
        if days is None:
            return None
        hist = self.histogram
        first, last = format_day(days[0]), format_day(days[1])
        if hist.earlier:
            first = self.tr("◀ {n} earlier · {day}").format(n=hist.earlier, day=first)
        if hist.later:
            last = self.tr("{day} · {n} later ▶").format(n=hist.later, day=last)
        return first, last

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QtGui.QPalette.ColorRole.Base))
        hist = self.histogram
        if hist.is_empty:
            painter.setPen(palette.color(QtGui.QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect(), QtCore.Qt.AlignmentFlag.AlignCenter, self.tr("No dated excerpts")
            )
            painter.end()
            return
        label_h = self.fontMetrics().height()
        top, bottom = 4, self.height() - label_h - 4
        tallest = max(hist.counts) or 1
        first, last = self.span or (hist.first_day, hist.last_day)
        for start, end, count in zip(hist.starts, hist.ends, hist.counts, strict=True):
            if not count:
                continue
            x0, x1 = self.x_of(start), self.x_of(end + 1)
            h = (bottom - top) * count / tallest
            inside = self.is_open or (end >= first and start <= last)
            rect = QtCore.QRectF(x0 + 0.5, bottom - h, max(1.0, x1 - x0 - 1), h)
            painter.fillRect(rect, _BAR_IN if inside else _BAR)
        # The range and its handles.
        if not self.is_open:
            x0, x1 = self.x_of(first), self.x_of(last + 1)
            painter.fillRect(QtCore.QRectF(x0, top, x1 - x0, bottom - top), _RANGE)
            pen = QtGui.QPen(_HANDLE, 2)
            painter.setPen(pen)
            for x in (x0, x1):
                painter.drawLine(QtCore.QPointF(x, top), QtCore.QPointF(x, bottom))
                painter.fillRect(QtCore.QRectF(x - 3, (top + bottom) / 2 - 8, 6, 16), _HANDLE)
        # The axis: the first and last day.
        painter.setPen(palette.color(QtGui.QPalette.ColorRole.Text))
        painter.drawLine(
            QtCore.QPointF(_MARGIN, bottom), QtCore.QPointF(self.width() - _MARGIN, bottom)
        )
        labels = self.axis_labels()
        if labels is not None:
            label_rect = QtCore.QRectF(_MARGIN, bottom + 2, self.width() - 2 * _MARGIN, label_h)
            painter.drawText(label_rect, QtCore.Qt.AlignmentFlag.AlignLeft, labels[0])
            painter.drawText(label_rect, QtCore.Qt.AlignmentFlag.AlignRight, labels[1])
        if self.hasFocus():
            painter.setPen(QtGui.QPen(palette.color(QtGui.QPalette.ColorRole.Highlight), 1))
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    # -- dragging ---------------------------------------------------------------------
    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() != QtCore.Qt.MouseButton.LeftButton or self._days() is None:
            super().mousePressEvent(event)
            return
        x = event.position().x()
        day = self.day_at(x)
        hist = self.histogram
        first, last = self.span or (hist.first_day, hist.last_day)
        if not self.is_open and abs(x - self.x_of(first)) <= _HANDLE_GRAB_PX:
            self._drag = ("first", day, first, last)
        elif not self.is_open and abs(x - self.x_of(last + 1)) <= _HANDLE_GRAB_PX:
            self._drag = ("last", day, first, last)
        elif not self.is_open and first <= day <= last:
            self._drag = ("both", day, first, last)
        else:
            self._drag = ("new", day, day, day)
            self.range_dragged.emit(day, day, "first")
        event.accept()

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._drag is None:
            super().mouseMoveEvent(event)
            return
        what, grabbed, first, last = self._drag
        day = self.day_at(event.position().x())
        if what == "first":
            self.range_dragged.emit(min(day, last), last, "first")
        elif what == "last":
            self.range_dragged.emit(first, max(day, first), "last")
        elif what == "both":
            days = self._days()
            assert days is not None
            shift = min(max(day - grabbed, days[0] - first), days[1] - last)
            self.range_dragged.emit(first + shift, last + shift, "first")
        else:
            self.range_dragged.emit(min(day, grabbed), max(day, grabbed), "first")
        event.accept()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        self._drag = None
        super().mouseReleaseEvent(event)


class TimelinePanel(QtWidgets.QWidget):
    """The Timeline dock's contents.

    Signals:
        range_changed: the range, the undated choice or the window changed; read
            :meth:`narrow`.
        fade_changed(bool): "Fade older pins" was ticked or cleared.
    """

    range_changed = QtCore.Signal()
    fade_changed = QtCore.Signal(bool)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.state = TimelineState()
        self._spans: list[tuple[int, int]] = []
        self._updating = False

        self.view = HistogramView(self)
        self.view.range_dragged.connect(self._on_dragged)

        icon = QtWidgets.QStyle.StandardPixmap

        def tool(
            name: str, pixmap: QtWidgets.QStyle.StandardPixmap, tip: str
        ) -> QtWidgets.QToolButton:
            button = QtWidgets.QToolButton(self)
            button.setObjectName(name)
            button.setIcon(self.style().standardIcon(pixmap))
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.setAutoRaise(True)
            return button

        self.back_button = tool(
            "timelineBack", icon.SP_MediaSeekBackward, self.tr("Step back (Left)")
        )
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.play_button = tool("timelinePlay", icon.SP_MediaPlay, self.tr("Play / pause (Space)"))
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.forward_button = tool(
            "timelineForward", icon.SP_MediaSeekForward, self.tr("Step forward (Right)")
        )
        self.forward_button.clicked.connect(lambda: self.step(1))
        self.speed_combo = self._combo("timelineSpeed", [label for label, _ in SPEEDS], 1)
        self.speed_combo.setToolTip(self.tr("Playing speed"))
        self.speed_combo.currentIndexChanged.connect(self._set_interval)

        self.from_edit = self._date_edit("timelineFrom")
        self.until_edit = self._date_edit("timelineUntil")
        self.all_button = QtWidgets.QPushButton(self.tr("All Dates"), self)
        self.all_button.setObjectName("timelineAll")
        self.all_button.setToolTip(self.tr("Show every date again"))
        self.all_button.clicked.connect(self.clear_range)

        self.window_combo = self._combo("timelineWindow", [label for label, _ in WINDOWS], 0)
        self.window_combo.setToolTip(
            self.tr("A window of this length slides along the timeline (drag or play it)")
        )
        self.window_combo.currentIndexChanged.connect(self._on_window_chosen)
        self.resolution_combo = self._combo(
            "timelineResolution",
            [self.tr("Auto"), *(r.capitalize() for r in RESOLUTIONS)],
            0,
        )
        self.resolution_combo.setToolTip(self.tr("Bars of a day, week, month or year"))
        self.resolution_combo.currentIndexChanged.connect(lambda _i: self._rebin())

        self.loop_box = QtWidgets.QCheckBox(self.tr("Loop"), self)
        self.loop_box.setObjectName("timelineLoop")
        self.loop_box.toggled.connect(lambda on: setattr(self.state, "loop", on))
        self.cumulative_box = QtWidgets.QCheckBox(self.tr("Cumulative"), self)
        self.cumulative_box.setObjectName("timelineCumulative")
        self.cumulative_box.setToolTip(self.tr("Playing keeps the start and moves the end"))
        self.cumulative_box.toggled.connect(lambda on: setattr(self.state, "cumulative", on))
        self.undated_box = QtWidgets.QCheckBox(self.tr("Undated"), self)
        self.undated_box.setObjectName("timelineUndated")
        self.undated_box.setToolTip(self.tr("Show excerpts with no known date"))
        self.undated_box.setChecked(True)
        self.undated_box.toggled.connect(self._on_undated_toggled)
        self.fade_box = QtWidgets.QCheckBox(self.tr("Fade older pins"), self)
        self.fade_box.setObjectName("timelineFade")
        self.fade_box.setToolTip(self.tr("Pins whose newest excerpt is older are fainter"))
        self.fade_box.toggled.connect(self.fade_changed)

        self.timer = QtCore.QTimer(self)
        self.timer.setObjectName("timelineTimer")
        self.timer.timeout.connect(self._on_tick)
        self._set_interval()

        controls = QtWidgets.QHBoxLayout()
        controls.setSpacing(4)
        for widget in (self.back_button, self.play_button, self.forward_button, self.speed_combo):
            controls.addWidget(widget)
        controls.addSpacing(8)
        controls.addWidget(self.from_edit)
        controls.addWidget(QtWidgets.QLabel("–", self))
        controls.addWidget(self.until_edit)
        controls.addWidget(self.all_button)
        controls.addSpacing(8)
        controls.addWidget(self.window_combo)
        controls.addWidget(self.resolution_combo)
        controls.addStretch(1)
        options = QtWidgets.QHBoxLayout()
        options.setSpacing(10)
        for box in (self.loop_box, self.cumulative_box, self.undated_box, self.fade_box):
            options.addWidget(box)
        options.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.view, 1)
        layout.addLayout(controls)
        layout.addLayout(options)
        self._show_state()

    def _combo(self, name: str, labels: list[str], current: int) -> QtWidgets.QComboBox:
        combo = QtWidgets.QComboBox(self)
        combo.setObjectName(name)
        combo.addItems(labels)
        combo.setCurrentIndex(current)
        combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def _date_edit(self, name: str) -> QtWidgets.QDateEdit:
        edit = QtWidgets.QDateEdit(self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        edit.dateChanged.connect(self._on_date_typed)
        return edit

    # -- what the window asks ---------------------------------------------------------
    def set_excerpt_days(self, spans: list[tuple[int, int]]) -> None:
        """The (first day, last day) of the excerpts that pass the other filters."""
        self._spans = spans
        self._rebin()

    def narrow(self, where: Filter) -> Filter:
        """``where`` narrowed to the range shown."""
        return self.state.narrow(where)

    def restore(self, where: Filter) -> None:
        """Take a saved filter's range (a project being opened); no signal."""
        self.pause()
        self.state.restore(where)
        self._updating = True
        try:
            self.window_combo.setCurrentIndex(
                next(i for i, (_, days) in enumerate(WINDOWS) if days == self.state.window)
            )
            self.undated_box.setChecked(self.state.undated)
        finally:
            self._updating = False
        self._show_state()

    def describe(self) -> str:
        """The range shown, for the status bar ("" for every date)."""
        return self.state.describe()

    @property
    def histogram(self) -> Histogram:
        return self.view.histogram

    # -- what the user does -------------------------------------------------------------
    def set_range(self, first: int, last: int, *, moving: str = "first") -> None:
        """Show the days from ``first`` to ``last`` (ordinals)."""
        self.state.set_range(first, last, moving=moving)
        self._changed()

    def clear_range(self) -> None:
        """Every date (the undated choice stays)."""
        self.pause()
        self.state.clear()
        self._changed()

    def reset(self) -> None:
        """Every date, undated excerpts shown ("Clear Filters"); no signal: the caller
        redraws."""
        self.pause()
        self.state.clear()
        self.state.undated = True
        self._updating = True
        try:
            self.undated_box.setChecked(True)
        finally:
            self._updating = False
        self._show_state()

    def step(self, direction: int) -> bool:
        """One step of the resolution forwards (1) or back (-1)."""
        moved = self.state.step(direction)
        if moved:
            self._changed()
        return moved

    def play(self) -> None:
        self.play_button.setChecked(True)

    def pause(self) -> None:
        self.play_button.setChecked(False)

    @property
    def is_playing(self) -> bool:
        return self.timer.isActive()

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        key = event.key()
        if key == QtCore.Qt.Key.Key_Left:
            self.step(-1)
        elif key == QtCore.Qt.Key.Key_Right:
            self.step(1)
        elif key == QtCore.Qt.Key.Key_Space:
            self.play_button.toggle()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- inside -------------------------------------------------------------------------
    def _resolution(self) -> Resolution | None:
        index = self.resolution_combo.currentIndex()
        return None if index <= 0 else RESOLUTIONS[index - 1]

    def _rebin(self) -> None:
        hist = histogram(self._spans, self._resolution())
        self.view.histogram = hist
        self.state.resolution = hist.resolution
        self.state.bounds = None if hist.is_empty else (hist.first_day, hist.last_day)
        self.undated_box.setText(self.tr("{n} undated").format(n=hist.undated))
        self._show_state()

    def _changed(self) -> None:
        self._show_state()
        self.range_changed.emit()

    def _show_state(self) -> None:
        """The handles and the date fields follow the state."""
        state = self.state
        span = state.span()
        self.view.span = span
        self.view.is_open = state.is_open
        self.view.update()
        self._updating = True
        try:
            has_days = span is not None
            for edit in (self.from_edit, self.until_edit):
                edit.setEnabled(has_days)
            if span is not None:
                self.from_edit.setDate(_qdate(span[0]))
                self.until_edit.setDate(_qdate(span[1]))
        finally:
            self._updating = False
        self.all_button.setEnabled(not state.is_open)
        enabled = state.bounds is not None
        for widget in (self.back_button, self.play_button, self.forward_button):
            widget.setEnabled(enabled)

    def _set_interval(self, _index: int = 0) -> None:
        factor = SPEEDS[max(0, self.speed_combo.currentIndex())][1]
        self.timer.setInterval(int(STEP_MS / factor))

    @QtCore.Slot(int, int, str)
    def _on_dragged(self, first: int, last: int, moving: str) -> None:
        self.set_range(first, last, moving=moving)

    @QtCore.Slot()
    def _on_date_typed(self) -> None:
        if self._updating:
            return
        first = _ordinal(self.from_edit.date())
        last = _ordinal(self.until_edit.date())
        moving = "last" if self.sender() is self.until_edit else "first"
        self.set_range(first, last, moving=moving)

    @QtCore.Slot(int)
    def _on_window_chosen(self, index: int) -> None:
        if self._updating:
            return
        self.state.set_window(WINDOWS[index][1])
        if not self.state.is_open:
            self._changed()

    @QtCore.Slot(bool)
    def _on_undated_toggled(self, shown: bool) -> None:
        if self._updating:
            return
        self.state.undated = shown
        self._changed()

    @QtCore.Slot(bool)
    def _on_play_toggled(self, playing: bool) -> None:
        pixmap = QtWidgets.QStyle.StandardPixmap
        self.play_button.setIcon(
            self.style().standardIcon(pixmap.SP_MediaPause if playing else pixmap.SP_MediaPlay)
        )
        if not playing:
            self.timer.stop()
            return
        if self.state.bounds is None:
            self.pause()
            return
        self.state.start_playing()
        self._changed()
        self.timer.start()

    @QtCore.Slot()
    def _on_tick(self) -> None:
        going = self.state.tick()
        self._changed()
        if not going:
            self.pause()


class FacetsWithRange:
    """The Filters panel's facets and the timeline's range, as projects save and restore
    them (:class:`ui.projects.ProjectFiles`)."""

    def __init__(self, panel: FilterPanel, timeline: TimelinePanel) -> None:
        self._panel = panel
        self._timeline = timeline

    def current_filter(self) -> Filter:
        return self._timeline.narrow(self._panel.current_filter())

    def restore(self, where: Filter) -> None:
        self._timeline.restore(where)
        self._panel.restore(where)  # its filter_changed redraws with the range
