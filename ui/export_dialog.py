"""File ▸ Export…: the map as a report (PNG, PDF) or as data (HTML, GeoJSON, CSV, KML).

A report is the page :func:`mapper.export.html.build_report_page` composes (title, map, legend,
scale bar, credits, date) rendered offscreen by :mod:`ui.snapshot`. "Current view" means
what the window shows: the map's centre and zoom (``Dateline.viewState()`` of the live
page), the window's filter and event types, and the map's size on screen for the map part
of the composition (the header and footer are added around it, so nothing of the screen's
extent is cut off). Other sizes and paper keep the screen's extent in view, zoomed to fit.

Everything slow happens off the UI thread's way: pages render asynchronously in their
own offscreen view (:class:`ReportRenderer`), previews are debounced, and the results
arrive as signals.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.atlas import Atlas
from mapper.export.common import ExportError, ReportOptions, credits
from mapper.export.html import write_report_page
from mapper.export.layout import (
    PAPERS,
    MapState,
    ReportSettings,
    file_stem,
    measured_frame_height,
    parse_view_state,
    report_options,
    summary_text,
)
from mapper.export.registry import FORMATS, RENDERED, write_data
from mapper.filters import Filter
from ui.app_info import APPLICATION, ORGANIZATION
from ui.qt import QtCore, QtGui, QtWidgets, isValid
from ui.snapshot import (
    DEFAULT_TIMEOUT_S,
    SnapshotRequest,
    SnapshotResult,
    Snapshotter,
)

if TYPE_CHECKING:
    from ui.mapwidget import MapView

log = logging.getLogger(__name__)


#: Option changes settle this long before the preview is rendered again.
PREVIEW_DELAY_MS = 300
#: QSettings keys.
FOLDER_KEY = "export/folder"
FORMAT_KEY = "export/format"

_DEFAULT_CUSTOM_SIZE = (1600, 1000)


# -- what the window shows -------------------------------------------------------------------


def capture_map_state(
    map_view: MapView,
    atlas: Atlas,
    where: Filter,
    event_types: Sequence[tuple[str, str]],
    callback: Callable[[MapState], None],
) -> None:
    """Ask the live map where it is, then call ``callback`` with the whole :class:`MapState`.

    Immediate when the map is not ready (no view: the export fits the pins).
    """
    state = MapState(
        atlas,
        where,
        tuple(event_types),
        (max(1, map_view.width()), max(1, map_view.height())),
        map_view=map_view.map_view_name,  # the View menu's choice
    )
    if not map_view.is_ready:
        callback(state)
        return
    map_view.call(
        "viewState", callback=lambda result: callback(replace(state, view=parse_view_state(result)))
    )


# -- the report: options, composition, rendering --------------------------------------------


class ReportRenderer(QtCore.QObject):
    """Composes a report page of what the window shows and renders it, asynchronously.

    The first render of a new header/footer measures its height; if the map did not come
    out the size asked for (the current view) or the view needs another zoom (other
    sizes), the page is composed again with the measured height and rendered once more.
    Starting a render while one runs drops the running one.

    Signals:
        finished(object): the :class:`~ui.snapshot.SnapshotResult` (image, or PDF path).
        failed(str): the message for the user.
    """

    finished = QtCore.Signal(object)
    failed = QtCore.Signal(str)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._snapshotter = Snapshotter(self)
        self._snapshotter.finished.connect(self._on_rendered)
        self._snapshotter.failed.connect(self._on_failed)
        self._folder = Path(tempfile.mkdtemp(prefix="dateline-report-"))
        self._state: MapState | None = None
        self._settings = ReportSettings()
        self._out: Path | None = None
        self._timeout_s = DEFAULT_TIMEOUT_S
        self._options: ReportOptions | None = None
        self._attempt = 0
        self._closed = False

    @property
    def busy(self) -> bool:
        return self._snapshotter.busy

    def start(
        self,
        state: MapState,
        settings: ReportSettings,
        out: Path | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        """Render a report: to ``out`` (.png or .pdf), or to an image only (``None``)."""
        self._state, self._settings, self._out = state, settings, out
        self._timeout_s = timeout_s
        self._attempt = 0
        self._render(report_options(state, settings))

    def cancel(self) -> None:
        self._snapshotter.cancel()

    def close(self) -> None:
        """Stop rendering and free the offscreen view and the page files."""
        if self._closed:
            return
        self._closed = True
        self._snapshotter.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _render(self, options: ReportOptions) -> None:
        state = self._state
        assert state is not None
        self._options = options
        page = self._folder / "report.html"
        try:
            write_report_page(page, state.atlas, state.where, state.event_types, options)
        except (ExportError, ValueError) as error:
            self._snapshotter.cancel()
            self.failed.emit(str(error))
            return
        pdf = self._out is not None and self._out.suffix.lower() == ".pdf"
        self._snapshotter.start(
            SnapshotRequest(
                page=page,
                out=self._out,
                width=options.width,
                height=options.height,
                scale=1.0 if pdf else self._settings.scale,
                paper=self._settings.paper if pdf else None,
                orientation=self._settings.orientation,
                timeout_s=self._timeout_s,
            )
        )

    @QtCore.Slot(object, object)
    def _on_rendered(self, request: SnapshotRequest, result: SnapshotResult) -> None:
        state, options = self._state, self._options
        if state is not None and options is not None and result.map_rect is not None:
            frame = options.height - result.map_rect.height()
            measured_frame_height(state, self._settings, options.width, frame)
            again = report_options(state, self._settings, frame)
            if again != options and self._attempt == 0:
                self._attempt += 1
                self._render(again)
                return
        self.finished.emit(result)

    @QtCore.Slot(object, str)
    def _on_failed(self, request: SnapshotRequest, message: str) -> None:
        self.failed.emit(message)


# -- data exports ----------------------------------------------------------------------------


def _settings() -> QtCore.QSettings:
    return QtCore.QSettings(ORGANIZATION, APPLICATION)


# -- the dialog ------------------------------------------------------------------------------


class ExportDialog(QtWidgets.QDialog):
    """Export what the map shows: options on the left, a live preview on the right.

    Signals:
        exported(str): a file was written; the argument is the message for the status bar.
    """

    exported = QtCore.Signal(str)

    def __init__(
        self,
        map_view: MapView,
        atlas: Atlas,
        where: Filter,
        event_types: Sequence[tuple[str, str]],
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export Map"))
        self.state: MapState | None = None
        #: The last result rendered for an export (PNG image or PDF path), for callers.
        self.last_result: SnapshotResult | None = None
        self.last_path: Path | None = None
        self._closed = False
        self._exporting = False

        # One renderer for previews and the export: its offscreen view is warm by the
        # time the user exports (previews pause while an export renders).
        self.renderer = ReportRenderer(self)
        self.renderer.finished.connect(self._on_rendered)
        self.renderer.failed.connect(self._on_render_failed)
        self._preview_timer = QtCore.QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._update_preview)
        self._preview_image: QtGui.QImage | None = None

        self._build()
        # The window's view is the default; the dialog's choice applies to this export only.
        self.set_map_view(map_view.map_view_name)
        self._update_enabled()
        capture_map_state(map_view, atlas, where, event_types, self._on_state)

    # -- building ---------------------------------------------------------------------
    def _build(self) -> None:
        settings = _settings()
        self.format_combo = QtWidgets.QComboBox(self)
        self.format_combo.setObjectName("formatCombo")
        for export_format in FORMATS.values():
            self.format_combo.addItem(self.tr(export_format.label), export_format.key)
        remembered = self.format_combo.findData(str(settings.value(FORMAT_KEY, "png")))
        self.format_combo.setCurrentIndex(max(0, remembered))

        self.view_combo = QtWidgets.QComboBox(self)
        self.view_combo.setObjectName("viewCombo")
        self.view_combo.addItem(self.tr("Pins"), "pins")
        self.view_combo.addItem(self.tr("Choropleth (by country, state)"), "choropleth")
        self.view_combo.addItem(self.tr("Heat map"), "heat")
        self.view_combo.setToolTip(self.tr("What the map shows in a PNG, PDF or HTML export."))

        self.title_edit = QtWidgets.QLineEdit(self)
        self.title_edit.setObjectName("titleEdit")
        self.title_edit.setPlaceholderText(self.tr("No title"))
        self.subtitle_edit = QtWidgets.QLineEdit(self)
        self.subtitle_edit.setObjectName("subtitleEdit")
        self.subtitle_edit.setPlaceholderText(self.tr("Subtitle or caption"))
        self.legend_check = QtWidgets.QCheckBox(self.tr("Legend (event types, pin sizes)"), self)
        self.legend_check.setObjectName("legendCheck")
        self.legend_check.setChecked(True)
        self.scale_bar_check = QtWidgets.QCheckBox(self.tr("Scale bar"), self)
        self.scale_bar_check.setObjectName("scaleBarCheck")
        self.scale_bar_check.setChecked(True)
        self.date_check = QtWidgets.QCheckBox(self.tr("Date"), self)
        self.date_check.setObjectName("dateCheck")
        self.date_check.setChecked(True)
        self.date_edit = QtWidgets.QDateEdit(QtCore.QDate.currentDate(), self)
        self.date_edit.setObjectName("dateEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        date_row = QtWidgets.QHBoxLayout()
        date_row.addWidget(self.date_check)
        date_row.addWidget(self.date_edit, 1)
        self.credits_label = QtWidgets.QLabel(self)
        self.credits_label.setObjectName("creditsLabel")
        self.credits_label.setWordWrap(True)
        self.credits_label.setTextInteractionFlags(
            QtCore.Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.credits_label.setToolTip(self.tr("Credits are always part of an exported map."))

        content = QtWidgets.QGroupBox(self.tr("Content"), self)
        content_form = QtWidgets.QFormLayout(content)
        content_form.addRow(self.tr("&View:"), self.view_combo)
        content_form.addRow(self.tr("&Title:"), self.title_edit)
        content_form.addRow(self.tr("&Subtitle:"), self.subtitle_edit)
        content_form.addRow(self.legend_check)
        content_form.addRow(self.scale_bar_check)
        content_form.addRow(date_row)
        content_form.addRow(self.tr("Credits:"), self.credits_label)
        self.content_box = content

        self.current_size_radio = QtWidgets.QRadioButton(self.tr("Current view"), self)
        self.current_size_radio.setObjectName("currentSizeRadio")
        self.current_size_radio.setChecked(True)
        self.custom_size_radio = QtWidgets.QRadioButton(self.tr("Width × height:"), self)
        self.custom_size_radio.setObjectName("customSizeRadio")
        self.width_spin = self._size_spin("widthSpin", _DEFAULT_CUSTOM_SIZE[0])
        self.height_spin = self._size_spin("heightSpin", _DEFAULT_CUSTOM_SIZE[1])
        custom_row = QtWidgets.QHBoxLayout()
        custom_row.addWidget(self.custom_size_radio)
        custom_row.addWidget(self.width_spin)
        custom_row.addWidget(QtWidgets.QLabel("×", self))
        custom_row.addWidget(self.height_spin)
        custom_row.addWidget(QtWidgets.QLabel(self.tr("px"), self))
        custom_row.addStretch(1)
        self.density_combo = QtWidgets.QComboBox(self)
        self.density_combo.setObjectName("densityCombo")
        self.density_combo.addItem(self.tr("1× (screen)"), 1.0)
        self.density_combo.addItem(self.tr("2× (sharp in print)"), 2.0)
        size_box = QtWidgets.QGroupBox(self.tr("Image size"), self)
        size_form = QtWidgets.QFormLayout(size_box)
        size_form.addRow(self.current_size_radio)
        size_form.addRow(custom_row)
        size_form.addRow(self.tr("Pixel &density:"), self.density_combo)
        self.size_box = size_box

        self.paper_combo = QtWidgets.QComboBox(self)
        self.paper_combo.setObjectName("paperCombo")
        for key, paper in PAPERS.items():
            self.paper_combo.addItem(paper.label, key)
        us_units = QtCore.QLocale.MeasurementSystem.ImperialUSSystem
        if QtCore.QLocale().measurementSystem() == us_units:
            self.paper_combo.setCurrentIndex(1)  # Letter where US units are the custom
        self.orientation_combo = QtWidgets.QComboBox(self)
        self.orientation_combo.setObjectName("orientationCombo")
        self.orientation_combo.addItem(self.tr("Landscape"), "landscape")
        self.orientation_combo.addItem(self.tr("Portrait"), "portrait")
        paper_box = QtWidgets.QGroupBox(self.tr("Page"), self)
        paper_form = QtWidgets.QFormLayout(paper_box)
        paper_form.addRow(self.tr("&Paper:"), self.paper_combo)
        paper_form.addRow(self.tr("&Orientation:"), self.orientation_combo)
        self.paper_box = paper_box

        self.bom_check = QtWidgets.QCheckBox(self.tr("For Excel (UTF-8 byte-order mark)"), self)
        self.bom_check.setObjectName("bomCheck")
        csv_box = QtWidgets.QGroupBox(self.tr("CSV"), self)
        QtWidgets.QVBoxLayout(csv_box).addWidget(self.bom_check)
        self.csv_box = csv_box

        self.preview_label = QtWidgets.QLabel(self)
        self.preview_label.setObjectName("exportPreview")
        self.preview_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.preview_label.setMinimumSize(480, 340)
        self.preview_label.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding
        )
        self.preview_label.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.preview_label.setWordWrap(True)
        self.info_label = QtWidgets.QLabel(self)
        self.info_label.setObjectName("exportInfo")
        self.info_label.setWordWrap(True)

        self.buttons = QtWidgets.QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            self.tr("&Export…"), QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.buttons.addButton(QtWidgets.QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self._on_export_clicked)
        self.buttons.rejected.connect(self.reject)

        # A fixed width: the column keeps its size whichever format's boxes are shown.
        options_column = QtWidgets.QWidget(self)
        options_column.setFixedWidth(370)
        options = QtWidgets.QVBoxLayout(options_column)
        options.setContentsMargins(0, 0, 0, 0)
        format_form = QtWidgets.QFormLayout()
        format_form.addRow(self.tr("&Format:"), self.format_combo)
        options.addLayout(format_form)
        for box in (content, size_box, paper_box, csv_box):
            options.addWidget(box)
        options.addStretch(1)
        preview = QtWidgets.QVBoxLayout()
        preview.addWidget(self.preview_label, 1)
        preview.addWidget(self.info_label)
        columns = QtWidgets.QHBoxLayout()
        columns.addWidget(options_column, 0)
        columns.addLayout(preview, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self.resize(1000, 620)

        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        for edit in (self.title_edit, self.subtitle_edit):
            edit.textChanged.connect(self._schedule_preview)
        for check in (self.legend_check, self.scale_bar_check, self.date_check):
            check.toggled.connect(self._on_option_changed)
        self.date_edit.dateChanged.connect(self._schedule_preview)
        self.current_size_radio.toggled.connect(self._on_option_changed)
        for spin in (self.width_spin, self.height_spin):
            spin.valueChanged.connect(self._schedule_preview)
        for combo in (
            self.view_combo,
            self.density_combo,
            self.paper_combo,
            self.orientation_combo,
        ):
            combo.currentIndexChanged.connect(self._on_option_changed)

    def _size_spin(self, name: str, value: int) -> QtWidgets.QSpinBox:
        spin = QtWidgets.QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(200, 4000)
        spin.setSingleStep(100)
        spin.setValue(value)
        spin.setKeyboardTracking(False)  # one preview for "1600", not for 1, 16, 160…
        return spin

    # -- reading the choices ------------------------------------------------------------
    @property
    def format_key(self) -> str:
        return str(self.format_combo.currentData())

    def set_format(self, key: str) -> None:
        """Choose a format by key (png, pdf, html, geojson, csv, kml)."""
        index = self.format_combo.findData(key)
        if index < 0:
            raise ValueError(f"unknown export format {key!r}")
        self.format_combo.setCurrentIndex(index)

    @property
    def map_view_key(self) -> str:
        """The view chosen for the export: "pins", "choropleth" or "heat"."""
        return str(self.view_combo.currentData())

    def set_map_view(self, key: str) -> None:
        """Choose the export's view by key (pins, choropleth, heat)."""
        index = self.view_combo.findData(key)
        if index < 0:
            raise ValueError(f"unknown map view {key!r}")
        self.view_combo.setCurrentIndex(index)

    def _chosen_state(self) -> MapState | None:
        """What the window shows, seen in the view chosen here."""
        state = self.state
        if state is None or state.map_view == self.map_view_key:
            return state
        return replace(state, map_view=self.map_view_key)

    def report_settings(self) -> ReportSettings:
        """The choices as they are now."""
        pdf = self.format_key == "pdf"
        return ReportSettings(
            title=self.title_edit.text().strip(),
            subtitle=self.subtitle_edit.text().strip(),
            legend=self.legend_check.isChecked(),
            scale_bar=self.scale_bar_check.isChecked(),
            date=(
                self.date_edit.date().toString(QtCore.Qt.DateFormat.ISODate)
                if self.date_check.isChecked()
                else ""
            ),
            size=(
                None
                if self.current_size_radio.isChecked()
                else (self.width_spin.value(), self.height_spin.value())
            ),
            scale=float(self.density_combo.currentData()) if not pdf else 1.0,
            paper=str(self.paper_combo.currentData()) if pdf else None,
            orientation=str(self.orientation_combo.currentData()),
        )

    # -- reacting -----------------------------------------------------------------------
    def _on_state(self, state: MapState) -> None:
        if self._closed:
            return
        self.state = state
        self.credits_label.setText(" · ".join(credits(state.web_tiles)))
        width, height = state.map_size
        self.current_size_radio.setText(
            self.tr("Current view (map {w} × {h} px)").format(w=width, h=height)
        )
        self._update_enabled()
        self._update_preview()

    @QtCore.Slot()
    def _on_format_changed(self) -> None:
        _settings().setValue(FORMAT_KEY, self.format_key)
        self._update_enabled()
        self._update_preview()

    @QtCore.Slot()
    def _on_option_changed(self) -> None:
        self._update_enabled()
        self._schedule_preview()

    def _update_enabled(self) -> None:
        key = self.format_key
        report = key in RENDERED
        self.size_box.setVisible(key == "png")
        self.paper_box.setVisible(key == "pdf")
        self.csv_box.setVisible(key == "csv")
        self.content_box.setEnabled(key in ("png", "pdf", "html", "kml"))
        for widget in (
            self.subtitle_edit,
            self.legend_check,
            self.scale_bar_check,
            self.date_check,
            self.date_edit,
            self.view_combo,
        ):
            widget.setEnabled(key != "kml")
        self.date_edit.setEnabled(key != "kml" and self.date_check.isChecked())
        custom = self.custom_size_radio.isChecked()
        self.width_spin.setEnabled(custom)
        self.height_spin.setEnabled(custom)
        self.export_button.setEnabled(self.state is not None and not self._exporting)
        self.export_button.setToolTip(
            self.tr("Renders the map as previewed") if report else self.tr("Writes the data")
        )

    @QtCore.Slot()
    def _schedule_preview(self) -> None:
        self._preview_timer.start()

    @QtCore.Slot()
    def _update_preview(self) -> None:
        self._preview_timer.stop()
        state = self._chosen_state()
        if self._closed or state is None:
            self.preview_label.setText(self.tr("Reading the map…"))
            return
        key = self.format_key
        if key not in RENDERED:
            self.renderer.cancel()
            self._preview_image = None
            self.preview_label.setPixmap(QtGui.QPixmap())
            self.preview_label.setText(
                summary_text(state)
                + "\n\n"
                + self.tr(
                    "Everything that passes the window's filters is exported, "
                    "wherever it is on the map."
                )
            )
            self.info_label.setText(self._data_info(key))
            return
        settings = self.report_settings()
        options = report_options(state, settings)
        self.info_label.setText(self._report_info(settings, options.width, options.height))
        if self._preview_image is None:
            self.preview_label.setText(self.tr("Drawing the preview…"))
        # The preview is the composition at 1×; a PDF's is its page, drawn as an image.
        self.renderer.start(state, replace(settings, scale=1.0))

    def _report_info(self, settings: ReportSettings, width: int, height: int) -> str:
        if settings.paper is not None:
            paper = PAPERS[settings.paper].label
            return self.tr("One {paper} page, {orientation}; text stays selectable.").format(
                paper=paper, orientation=self.tr(settings.orientation)
            )
        scale = settings.scale
        return self.tr("{w} × {h} pixels{sharp}.").format(
            w=round(width * scale),
            h=round(height * scale),
            sharp=self.tr(" (2× pixel density)") if scale == 2 else "",
        )

    def _data_info(self, key: str) -> str:
        return {
            "html": self.tr("One file that works offline in any browser: pins, popups, legend."),
            "geojson": self.tr("RFC 7946 points, one per place, with excerpts and sources."),
            "csv": self.tr(
                "One row per mention: article, sentence, place, coordinates, actors, event types."
            ),
            "kml": self.tr("One placemark per place, coloured by event type."),
        }.get(key, "")

    @QtCore.Slot(object)
    def _on_rendered(self, result: SnapshotResult) -> None:
        if self._exporting:
            self._on_export_rendered(result)
        else:
            self._on_preview_rendered(result)

    @QtCore.Slot(str)
    def _on_render_failed(self, message: str) -> None:
        if self._exporting:
            self._on_export_failed(message)
        else:
            self._on_preview_failed(message)

    def _on_preview_rendered(self, result: SnapshotResult) -> None:
        if self._closed or result.image is None or self.format_key not in RENDERED:
            return
        self._preview_image = result.image
        settings = self.report_settings()
        if settings.paper is None:
            # The promise follows what was drawn: the header and footer are measured by the
            # render, so the first estimate of the height may have been off.
            self.info_label.setText(
                self._report_info(settings, result.image.width(), result.image.height())
            )
        self._show_preview()

    def _on_preview_failed(self, message: str) -> None:
        if self._closed:
            return
        self._preview_image = None
        self.preview_label.setPixmap(QtGui.QPixmap())
        self.preview_label.setText(self.tr("No preview: {message}").format(message=message))

    def _show_preview(self) -> None:
        image = self._preview_image
        if image is None:
            return
        area = self.preview_label.contentsRect().size() - QtCore.QSize(8, 8)
        pixmap = QtGui.QPixmap.fromImage(image).scaled(
            area,
            QtCore.Qt.AspectRatioMode.KeepAspectRatio,
            QtCore.Qt.TransformationMode.SmoothTransformation,
        )
        self.preview_label.setPixmap(pixmap)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_preview()

    # -- exporting ------------------------------------------------------------------------
    def ask_path(self) -> Path | None:
        """Ask where to write (the folder used last time), with the format's suffix."""
        export_format = FORMATS[self.format_key]
        settings = _settings()
        folder = str(settings.value(FOLDER_KEY, "") or "") or str(Path.home())
        stem = file_stem(self.title_edit.text())
        name, _ = QtWidgets.QFileDialog.getSaveFileName(
            self,
            self.tr("Export Map"),
            str(Path(folder) / f"{stem}{export_format.suffix}"),
            self.tr(export_format.file_filter),
        )
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() not in export_format.suffixes:
            path = path.with_name(path.name + export_format.suffix)
        settings.setValue(FOLDER_KEY, str(path.parent))
        return path

    @QtCore.Slot()
    def _on_export_clicked(self) -> None:
        if self.state is None or self._exporting:
            return
        path = self.ask_path()
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Write the chosen format to ``path`` (reports render in the background)."""
        state = self._chosen_state()
        if state is None:
            return
        key = self.format_key
        settings = self.report_settings()
        if key in RENDERED:
            self._exporting = True
            self._update_enabled()
            self._preview_timer.stop()
            self.info_label.setText(self.tr("Exporting {name}…").format(name=path.name))
            QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.BusyCursor)
            self.last_path = path
            self.renderer.start(state, settings, path)  # drops a preview being drawn
            return
        try:
            # The HTML map opens at the window's view, whatever the size; KML takes the title.
            options = replace(report_options(state, settings), view=state.view)
            written = write_data(
                key,
                path,
                state.atlas,
                state.where,
                state.event_types,
                options,
                excel_bom=self.bom_check.isChecked(),
            )
        except (ExportError, OSError, ValueError) as error:
            self._show_failure(str(error))
            return
        self.last_path = written
        self._done(written)

    def _on_export_rendered(self, result: SnapshotResult) -> None:
        self._end_export()
        self.last_result = result
        if result.path is not None:
            self._done(result.path)

    def _on_export_failed(self, message: str) -> None:
        self._end_export()
        self._show_failure(message)

    def _end_export(self) -> None:
        if self._exporting:
            QtWidgets.QApplication.restoreOverrideCursor()
        self._exporting = False
        self._update_enabled()

    def _done(self, path: Path) -> None:
        self.exported.emit(self.tr("Exported the map to {path}").format(path=path))
        self.accept()

    def _show_failure(self, message: str) -> QtWidgets.QMessageBox:
        self.info_label.setText(self.tr("The export failed."))
        box = QtWidgets.QMessageBox(self)
        box.setObjectName("exportErrorBox")
        box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Export failed"))
        box.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # paths and reasons, as they are
        box.setText(self.tr("The map could not be exported.") + "\n\n" + message)
        box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Close)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- closing ----------------------------------------------------------------------------
    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)

    def shutdown(self) -> None:
        """Stop rendering and free the offscreen views (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._preview_timer.stop()
        self._end_export()
        if isValid(self.renderer):
            self.renderer.close()


# -- Edit ▸ Copy Map Image -----------------------------------------------------------------


class MapImageCopier(QtCore.QObject):
    """Puts the current view, composed (legend, scale bar, credits, date), on the clipboard.

    Signals:
        copied(str): done; the message for the status bar.
    """

    copied = QtCore.Signal(str)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._renderer: ReportRenderer | None = None
        self._map_view: MapView | None = None

    def copy(
        self,
        map_view: MapView,
        atlas: Atlas,
        where: Filter,
        event_types: Sequence[tuple[str, str]],
    ) -> None:
        """Compose and copy the current view (in the background)."""
        self._map_view = map_view
        if self._renderer is None:
            self._renderer = ReportRenderer(self)
            self._renderer.finished.connect(self._on_rendered)
            self._renderer.failed.connect(self._on_failed)
        renderer = self._renderer
        settings = ReportSettings(date=dt.date.today().isoformat())
        capture_map_state(
            map_view, atlas, where, event_types, lambda state: renderer.start(state, settings)
        )

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None

    @QtCore.Slot(object)
    def _on_rendered(self, result: SnapshotResult) -> None:
        if result.image is None:
            return
        QtWidgets.QApplication.clipboard().setImage(result.image)
        self.copied.emit(
            self.tr("Copied the map image ({w} × {h} px).").format(
                w=result.image.width(), h=result.image.height()
            )
        )

    @QtCore.Slot(str)
    def _on_failed(self, message: str) -> None:
        # The map as it is on screen is better than nothing.
        view = self._map_view
        if view is not None and isValid(view):
            QtWidgets.QApplication.clipboard().setImage(view.grab().toImage())
            self.copied.emit(
                self.tr("Copied the map as shown (the composed image failed: {message})").format(
                    message=message
                )
            )
