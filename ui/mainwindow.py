"""The Dateline window: map in the centre, lists on the left, excerpts and reader on the right."""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.atlas import Atlas
from mapper.corrections import Corrections
from mapper.filters import Filter
from mapper.project import Project
from ui.export_dialog import ExportDialog, MapImageCopier
from ui.filters import FilterPanel
from ui.mapwidget import MapView, local_files
from ui.panels import ArticleList, ArticleReader, ExcerptList, PlaceList
from ui.qt import QtCore, QtGui, QtWidgets, isValid
from ui.saver import ProjectWriter
from ui.worker import AnalysisThread, AnalysisWorker, PipelineFactory, load_default_pipeline

if TYPE_CHECKING:
    from mapper.cache import AnalysisCache
    from mapper.mapview import PinsEncoder
    from mapper.pipeline import Pipeline
    from mapper.types import Article, ArticleAnalysis

log = logging.getLogger(__name__)

#: QSettings names: where window geometry and dock layout are remembered.
ORGANIZATION = "Dateline"
APPLICATION = "Dateline"
#: Bump when the docks change, so an old saved layout is not applied to new docks.
_STATE_VERSION = 2

_DEFAULT_SIZE = QtCore.QSize(1400, 900)
_LEFT_DOCK_SHARE = 0.21  # of the window's width
_RIGHT_DOCK_SHARE = 0.30
_STATUS_TIMEOUT_MS = 10_000
_REFRESH_INTERVAL_MS = 300  # while articles arrive, the map and lists update this often...
# ...or less often when the atlas is big: a refresh (here and in the page) may take this share
# of the time at most, so that the spaCy processes keep the cores while a thousand articles
# come in,
_REFRESH_SHARE = 0.2
_REFRESH_INTERVAL_MAX_MS = 8_000  # and the map still moves every few seconds.
_RECENT_PROJECTS = 8
_SAVE, _AUTOSAVE = "save", "autosave"  # what a project write is for
_AUTOSAVE_MS = 3 * 60 * 1000  # a recovery copy of unsaved work every three minutes



def _as_list(value: object) -> list[str]:
    """A QSettings list value (None, a single string, or a list)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _to_bool(value: object) -> bool:
    """A QSettings value as a bool (INI files give strings back)."""
    return value is True or str(value).lower() in ("true", "1")


def app_version() -> str:
    """The installed version of Dateline."""
    try:
        return metadata.version("dateline")
    except metadata.PackageNotFoundError:
        return "(development)"


def about_html() -> str:
    """The About box text: version and credits (fixed text, no article data)."""
    versions = []
    for label, package in (
        ("PySide6", "PySide6"),
        ("folium", "folium"),
        ("spaCy", "spacy"),
        ("geopy", "geopy"),
    ):
        try:
            versions.append(f"{label} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(label)
    return (
        f"<h3>Dateline {html.escape(app_version())}</h3>"
        "<p>Reads news articles, finds the places they mention and pins them on an offline map.</p>"
        "<p><b>Data</b><br>"
        "Place names and coordinates: GeoNames (CC BY 4.0), geonames.org<br>"
        "Basemap: Natural Earth (public domain), naturalearthdata.com</p>"
        "<p><b>Software</b><br>"
        "Map: Leaflet (BSD-2-Clause) and Leaflet.markercluster (MIT), "
        "built with folium (MIT)<br>"
        "Language: spaCy (MIT) and its English model (MIT)<br>"
        f"Geocoding interface: geopy (MIT)<br>Window: Qt and PySide6 (LGPL-3.0)<br>"
        f"<small>{html.escape(', '.join(versions))}</small></p>"
    )


class MainWindow(QtWidgets.QMainWindow):
    """The main window; it shows an :class:`~mapper.atlas.Atlas` and grows it as files arrive.

    Files are read and analysed by an :class:`~ui.worker.AnalysisWorker` in a
    QThread, one batch at a time; the first batch also loads the language
    pipeline (``pipeline_factory``), so the window is up before the model is.

    Signals:
        idle: every file asked for so far has been analysed (or has failed).
        project_saved(str): a project file was written (its path).
        project_failed(str): a project could not be saved (the reason).
    """

    idle = QtCore.Signal()
    project_saved = QtCore.Signal(str)
    project_failed = QtCore.Signal(str)

    def __init__(
        self,
        paths: Sequence[Path] = (),
        *,
        pipeline_factory: PipelineFactory = load_default_pipeline,
        remember_layout: bool = True,
        use_cache: bool = True,
        autosave_ms: int = _AUTOSAVE_MS,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._project_path: Path | None = None
        self._update_title()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.atlas = Atlas()
        self._pipeline: Pipeline | None = None
        self._pipeline_factory = pipeline_factory
        self._remember_layout = remember_layout
        self._queue: list[Path | Article] = [Path(p) for p in paths]
        self._started = False  # the first batch waits for the map page to be written
        self._run: AnalysisThread | None = None  # the batch being analysed, if any
        self._failures: list[str] = []
        self._closing = False
        self._article_filter: str | None = None
        self._online_failure_shown = False
        self._cancelled = False
        self._opening_initial_files = bool(paths)
        self._load_pipeline_only = False
        self._analysis_cache: AnalysisCache | None = None
        self._use_cache = use_cache
        self._pending_filter: Filter | None = None
        # Corrections: the user's own (saved in their data folder, for every article) and
        # the open project's (that project only, unless the user makes them theirs). The
        # pipeline applies the two together, the project's winning.
        self._user_corrections = Corrections()
        self._project_corrections = Corrections()
        self._pending_view: tuple[float, float, float] | None = None
        self._refresh_timer = QtCore.QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(_REFRESH_INTERVAL_MS)
        self._refresh_timer.timeout.connect(self._refresh)
        self._pins_encoder: PinsEncoder | None = None  # made with the first pins
        # Autosave: while there are unsaved changes, a recovery copy is written every
        # few minutes (and at close), and offered back at the next start.
        self._autosave_timer = QtCore.QTimer(self)
        self._autosave_timer.setInterval(autosave_ms)
        self._autosave_timer.timeout.connect(self._autosave_in_background)
        self._autosave_timer.start()
        # Saves are written off the UI thread, in order (a big project takes seconds).
        self._writer = ProjectWriter(self)
        self._writer.written.connect(self._on_project_written)
        self._edits = 0  # changes made so far: a save clears "modified" only if none came after
        self._edits_saved: dict[str, int] = {}  # path -> changes included in its queued save
        #: Event types (name, colour) of the taxonomy, in display order.
        self._event_types: list[tuple[str, str]] = []
        self.place_id: str | None = None
        self._copier: MapImageCopier | None = None

        self.map_view = MapView(self.atlas.has_place, self.atlas.has_excerpt, self)
        self.map_view.setObjectName("mapView")
        self.map_view.setMinimumSize(320, 240)
        self.setCentralWidget(self.map_view)
        self.map_view.place_clicked.connect(self._on_place_clicked)
        self.map_view.excerpt_clicked.connect(self._on_excerpt_chosen)
        self.map_view.files_dropped.connect(self.open_paths)
        self.map_view.place_menu_requested.connect(self._on_place_menu_requested)

        self.article_list = ArticleList(self)
        self.article_list.article_chosen.connect(self._on_article_chosen)
        self.place_list = PlaceList(self)
        self.place_list.place_chosen.connect(self._on_place_chosen)
        self.place_list.place_menu_requested.connect(self._on_place_menu_requested)
        self.excerpt_list = ExcerptList(self)
        self.excerpt_list.excerpt_chosen.connect(self._on_excerpt_chosen)
        self.reader = ArticleReader(self)

        self.articles_dock = self._add_dock(self.tr("Articles"), self.article_list)
        self.places_dock = self._add_dock(self.tr("Places"), self.place_list)
        self.filter_panel = FilterPanel(self)
        self.filter_panel.filter_changed.connect(self._on_filter_changed)
        self.filters_dock = self._add_dock(self.tr("Filters"), self.filter_panel)
        self.excerpts_dock = self._add_dock(self.tr("Excerpts"), self.excerpt_list)
        self.reader_dock = self._add_dock(self.tr("Article"), self.reader)

        self._build_status_bar()
        self._build_menus()
        self.reset_layout()
        if remember_layout:
            self._restore_layout()
        self._update_counts()
        if self._queue:
            self._set_busy(self.tr("Starting…"), 0, 0)

        # Building the page imports folium (~0.4 s): after the window is up, not before;
        # and before the worker starts, which would compete with it for the GIL.
        QtCore.QTimer.singleShot(0, self._start)

    # -- public -------------------------------------------------------------------
    @property
    def is_busy(self) -> bool:
        """Whether files are being read or analysed, or wait for it."""
        return self._run is not None or bool(self._queue)

    @property
    def analysis_thread(self) -> QtCore.QThread | None:
        """The thread analysing the current batch (None when idle)."""
        return self._run.thread if self._run is not None else None

    def article_filter(self) -> list[str] | None:
        """The ids of the articles shown (None: all of them)."""
        return None if self._article_filter is None else [self._article_filter]

    def current_filter(self) -> Filter:
        """What the map shows: the Filters panel's choices and the article chosen."""
        chosen = self.filter_panel.current_filter()
        return Filter(chosen.actors, chosen.event_types, None if self._article_filter is None
                      else frozenset({self._article_filter}))

    def open_paths(self, paths: Sequence[Path]) -> None:
        """Read, analyse and show these files (in the background); failures are reported."""
        if self._closing:
            return
        from mapper.sources import expand_paths

        for path in expand_paths([Path(p) for p in paths]):
            if path.suffix.lower() == ".dateline":
                self.open_project(path)
            else:
                self._queue.append(path)
        self._start_next_batch()

    def show_about(self) -> QtWidgets.QMessageBox:
        """Open the About box (not blocking) and return it."""
        box = QtWidgets.QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle(self.tr("About Dateline"))
        icon = QtWidgets.QApplication.windowIcon()
        if not icon.isNull():
            box.setIconPixmap(icon.pixmap(64, 64))
        box.setTextFormat(QtCore.Qt.TextFormat.RichText)
        box.setText(about_html())
        box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Close)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def show_export_dialog(self) -> ExportDialog:
        """Open File ▸ Export… on what the map shows now (not blocking) and return it."""
        dialog = ExportDialog(
            self.map_view, self.atlas, self.current_filter(), self._event_types, self
        )
        dialog.exported.connect(self._show_status)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def copy_map_image(self) -> None:
        """Put the current view, composed with legend and credits, on the clipboard."""
        if self._copier is None:
            self._copier = MapImageCopier(self)
            self._copier.copied.connect(self._show_status)
        self.statusBar().showMessage(self.tr("Copying the map image…"), _STATUS_TIMEOUT_MS)
        self._copier.copy(self.map_view, self.atlas, self.current_filter(), self._event_types)

    @QtCore.Slot(str)
    def _show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, _STATUS_TIMEOUT_MS)

    # -- building the window ------------------------------------------------------
    @QtCore.Slot()
    def _start(self) -> None:
        """Load the map page, then start reading the first files."""
        if self._closing:
            return
        try:
            self.map_view.load_map()
        except Exception as error:  # the lists still work without the map
            log.exception("Could not write the map page")
            self._show_error(self.tr("The map could not be built"), [str(error)])
        self._started = True
        if not self._queue:
            self._refresh()  # an empty map is a settled map
            self._load_pipeline_only = True  # no files yet: load the model for later ones
        self._start_next_batch()

    def _add_dock(self, title: str, widget: QtWidgets.QWidget) -> QtWidgets.QDockWidget:
        """A dock for the widget; :meth:`reset_layout` puts it in place."""
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(f"{widget.objectName() or title}Dock")
        dock.setWidget(widget)
        dock.setAllowedAreas(
            QtCore.Qt.DockWidgetArea.LeftDockWidgetArea
            | QtCore.Qt.DockWidgetArea.RightDockWidgetArea
        )
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.state_label = QtWidgets.QLabel(self)
        self.state_label.setObjectName("stateLabel")
        self.progress_bar = QtWidgets.QProgressBar(self)
        self.progress_bar.setObjectName("progressBar")
        self.progress_bar.setFixedWidth(160)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.hide()
        self.counts_label = QtWidgets.QLabel(self)
        self.counts_label.setObjectName("countsLabel")
        self.counts_label.setContentsMargins(12, 0, 6, 0)
        self.cancel_button = QtWidgets.QToolButton(self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(
            self.tr("Stop reading and analysing (Esc); what is done stays")
        )
        self.cancel_button.setShortcut(QtGui.QKeySequence("Escape"))
        self.cancel_button.clicked.connect(self.cancel_work)
        self.cancel_button.hide()
        bar.addPermanentWidget(self.state_label)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.counts_label)

    def _build_menus(self) -> None:
        key = QtGui.QKeySequence.StandardKey
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.open_action = file_menu.addAction(self.tr("&Open…"))
        self.open_action.setShortcut(QtGui.QKeySequence(key.Open))
        self.open_action.setStatusTip(self.tr("Open article files (.txt, .md, .html)"))
        self.open_action.triggered.connect(self._on_open_triggered)
        self.import_folder_action = file_menu.addAction(self.tr("Import &Folder…"))
        self.import_folder_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+O"))
        self.import_folder_action.setStatusTip(
            self.tr("Open every article in a folder and its subfolders")
        )
        self.import_folder_action.triggered.connect(self._on_import_folder)
        file_menu.addSeparator()
        self.open_project_action = file_menu.addAction(self.tr("Open &Project…"))
        self.open_project_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+P"))
        self.open_project_action.triggered.connect(self._on_open_project)
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent Project"))
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.save_project_action = file_menu.addAction(self.tr("&Save Project"))
        self.save_project_action.setShortcut(QtGui.QKeySequence(key.Save))
        self.save_project_action.triggered.connect(self._on_save_project)
        self.save_project_as_action = file_menu.addAction(self.tr("Save Project &As…"))
        self.save_project_as_action.setShortcut(QtGui.QKeySequence(key.SaveAs))
        self.save_project_as_action.triggered.connect(self._on_save_project_as)
        file_menu.addSeparator()
        self.export_action = file_menu.addAction(self.tr("E&xport…"))
        self.export_action.setShortcut(QtGui.QKeySequence("Ctrl+E"))
        self.export_action.setStatusTip(
            self.tr("Export the map as shown (PNG, PDF) or its data (HTML, GeoJSON, CSV, KML)")
        )
        self.export_action.triggered.connect(self.show_export_dialog)
        file_menu.addSeparator()
        self.import_corrections_action = file_menu.addAction(self.tr("&Import Corrections…"))
        self.import_corrections_action.triggered.connect(self._on_import_corrections)
        self.export_corrections_action = file_menu.addAction(self.tr("&Export Corrections…"))
        self.export_corrections_action.triggered.connect(self._on_export_corrections)
        self.adopt_corrections_action = file_menu.addAction(
            self.tr("&Make Project's Corrections Mine"))
        self.adopt_corrections_action.setStatusTip(self.tr(
            "Keep the open project's corrections for every article (they apply to the "
            "project only until you do)"))
        self.adopt_corrections_action.setEnabled(False)
        self.adopt_corrections_action.triggered.connect(self.adopt_project_corrections)
        file_menu.addSeparator()
        self.quit_action = file_menu.addAction(self.tr("&Quit"))
        # StandardKey.Quit has no binding on Windows; Ctrl+Q everywhere is expected.
        self.quit_action.setShortcuts(
            QtGui.QKeySequence.keyBindings(key.Quit) or [QtGui.QKeySequence("Ctrl+Q")]
        )
        self.quit_action.setMenuRole(QtGui.QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.copy_map_image_action = edit_menu.addAction(self.tr("Copy Map &Image"))
        self.copy_map_image_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+C"))
        self.copy_map_image_action.setStatusTip(
            self.tr("Copy the map as shown, with its legend, scale bar and credits")
        )
        self.copy_map_image_action.triggered.connect(self.copy_map_image)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        for dock in self._docks():
            view_menu.addAction(dock.toggleViewAction())
        self.reset_layout_action = view_menu.addAction(self.tr("&Reset Layout"))
        self.reset_layout_action.triggered.connect(lambda: self.reset_layout())
        view_menu.addSeparator()
        self.fit_action = view_menu.addAction(self.tr("&Fit Map to Pins"))
        self.fit_action.setShortcut(QtGui.QKeySequence("Ctrl+0"))
        self.fit_action.triggered.connect(self.map_view.fit_pins)

        settings_menu = self.menuBar().addMenu(self.tr("&Settings"))
        self.online_action = settings_menu.addAction(
            self.tr("Look Up Unknown Places &Online (OpenStreetMap Nominatim)")
        )
        self.online_action.setCheckable(True)
        self.online_action.setChecked(_to_bool(self._settings().value("geocoding/online")))
        self.online_action.setStatusTip(
            self.tr("Ask Nominatim about place names the offline gazetteer does not know "
                    "(sends those names over the network; at most one request a second)")
        )
        self.online_action.toggled.connect(self._on_online_toggled)
        settings_menu.addSeparator()
        self.event_types_action = settings_menu.addAction(self.tr("&Event Types…"))
        self.event_types_action.setStatusTip(
            self.tr("Where the event types are defined, and how to edit them")
        )
        self.event_types_action.triggered.connect(self.show_event_types)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = help_menu.addAction(self.tr("&About Dateline"))
        self.about_action.setMenuRole(QtGui.QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)

    def reset_layout(self, size: QtCore.QSize | None = None) -> None:
        """Default size (1400×900, less on a smaller screen) and dock layout.

        The left docks take about a fifth of the width, the right ones about a third.
        """
        for dock in self._docks():
            dock.setFloating(False)
            dock.show()
        self.addDockWidget(QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, self.articles_dock)
        self.splitDockWidget(self.articles_dock, self.places_dock, QtCore.Qt.Orientation.Vertical)
        self.splitDockWidget(self.places_dock, self.filters_dock, QtCore.Qt.Orientation.Vertical)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, self.excerpts_dock)
        self.splitDockWidget(self.excerpts_dock, self.reader_dock, QtCore.Qt.Orientation.Vertical)
        screen = self.screen()
        if size is not None:
            self.resize(size)
        elif screen is not None:
            size = _DEFAULT_SIZE.boundedTo(screen.availableGeometry().size())
            self.setGeometry(
                QtWidgets.QStyle.alignedRect(
                    QtCore.Qt.LayoutDirection.LeftToRight,
                    QtCore.Qt.AlignmentFlag.AlignCenter,
                    size,
                    screen.availableGeometry(),
                )
            )
        else:
            size = QtCore.QSize(_DEFAULT_SIZE)
            self.resize(size)
        horizontal, vertical = QtCore.Qt.Orientation.Horizontal, QtCore.Qt.Orientation.Vertical
        self.resizeDocks(
            [self.articles_dock, self.excerpts_dock],
            [int(size.width() * _LEFT_DOCK_SHARE), int(size.width() * _RIGHT_DOCK_SHARE)],
            horizontal,
        )
        quarter = size.height() // 4
        fifth = size.height() // 5
        self.resizeDocks(
            [self.articles_dock, self.places_dock, self.filters_dock],
            [fifth, 2 * fifth, 2 * fifth],
            vertical,
        )
        self.resizeDocks([self.excerpts_dock, self.reader_dock], [2 * quarter] * 2, vertical)

    def _docks(self) -> tuple[QtWidgets.QDockWidget, ...]:
        return (self.articles_dock, self.places_dock, self.filters_dock, self.excerpts_dock,
                self.reader_dock)

    def _settings(self) -> QtCore.QSettings:
        return QtCore.QSettings(ORGANIZATION, APPLICATION)

    def _restore_layout(self) -> None:
        settings = self._settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QtCore.QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QtCore.QByteArray):
            self.restoreState(state, _STATE_VERSION)

    def _save_layout(self) -> None:
        settings = self._settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(_STATE_VERSION))
        settings.sync()

    # -- background analysis ------------------------------------------------------
    def _start_next_batch(self) -> None:
        preload = self._load_pipeline_only and self._pipeline is None
        self._load_pipeline_only = False
        if self._run is not None or self._closing or not self._started:
            return
        if not self._queue and not preload:
            return
        paths, self._queue = self._queue, []
        worker = AnalysisWorker(
            paths, self._pipeline, self._pipeline_factory, self._cache(),
            project_corrections=self._project_corrections if self._pipeline is None else None,
        )
        worker.progress.connect(self._on_worker_progress)
        worker.pipeline_loaded.connect(self._on_pipeline_loaded)
        worker.pipeline_failed.connect(self._on_pipeline_failed)
        worker.analysed_many.connect(self._on_analysed_many)
        worker.failed.connect(self._on_failed)
        run = AnalysisThread(worker)
        run.finished.connect(self._on_thread_finished)
        self._run = run
        self._set_busy(self.tr("Starting…"), 0, 0)
        run.start()

    def _stop_worker(self) -> None:
        """Cancel the running batch and wait for its thread to end."""
        self._queue.clear()
        if self._run is not None:
            self._run.stop(30_000)

    @QtCore.Slot(str, int, int)
    def _on_worker_progress(self, message: str, done: int, total: int) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        if not self._closing:
            self._set_busy(message, done, total)

    @QtCore.Slot(object, object)
    def _on_pipeline_loaded(self, pipeline: Pipeline, own_corrections: Corrections) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        self._pipeline = pipeline
        self._user_corrections = own_corrections
        # A project opened while the model loaded: its corrections join now.
        pipeline.corrections = self._corrections_in_effect()

        self._apply_online_setting()
        self._use_taxonomy(pipeline)

    def _use_taxonomy(self, pipeline: Pipeline) -> None:
        """Show the pipeline's event types (and say so if the user's file was broken)."""
        self._event_types = [(t.name, t.color) for t in pipeline.taxonomy.types]
        if pipeline.taxonomy_warning:
            self._show_error(
                self.tr("Your event types file has a problem; the default types are used"),
                [pipeline.taxonomy_warning],
            )

    @QtCore.Slot(str)
    def _on_pipeline_failed(self, message: str) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        if not self._closing:
            self._failures.append(self.tr("The language model could not be loaded: ") + message)

    @QtCore.Slot(list)
    def _on_analysed_many(self, analyses: list[ArticleAnalysis]) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        if self._closing:
            return
        self.atlas.add_many(analyses)
        if not self._opening_initial_files:  # the files we started with are on disk already
            self._set_modified(True)
        # Refresh at most a few times a second: a big import must not spend its time
        # redrawing lists and re-sending pins after every article.
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _cache(self) -> AnalysisCache | None:
        """The analysis cache (opened on first use; None if off or it cannot be opened)."""
        if not self._use_cache:
            return None
        if self._analysis_cache is None:
            from mapper.cache import AnalysisCache

            try:
                self._analysis_cache = AnalysisCache()
            except Exception:  # no cache is slower, never broken
                log.exception("The analysis cache cannot be opened")
                self._use_cache = False
        return self._analysis_cache

    @QtCore.Slot()
    def cancel_work(self) -> None:
        """Stop the current import; articles already analysed stay on the map."""
        if self._run is None and not self._queue:
            return
        self._queue.clear()
        if self._run is not None:
            self._run.cancel()
        self._cancelled = True
        self.state_label.setText(self.tr("Cancelling…"))

    @QtCore.Slot(str, str)
    def _on_failed(self, path: str, message: str) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        if self._closing:
            return
        log.info("Could not open %s: %s", path, message)
        self._failures.append(message)
        self.statusBar().showMessage(message, _STATUS_TIMEOUT_MS)

    @QtCore.Slot()
    def _on_thread_finished(self) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        run, self._run = self._run, None
        if run is not None:
            run.join()  # released when this slot returns, once the thread has really ended
        self._opening_initial_files = False
        if self._closing:
            return
        self._refresh_timer.stop()
        self._refresh()
        if self._cancelled:
            self._cancelled = False
            self.statusBar().showMessage(
                self.tr("Cancelled: {n} articles are on the map.").format(n=len(self.atlas)),
                _STATUS_TIMEOUT_MS,
            )
        failures, self._failures = self._failures, []
        online = self._pipeline.online if self._pipeline is not None else None
        if online is not None and online.failed_reason and not self._online_failure_shown:
            self._online_failure_shown = True
            self.statusBar().showMessage(
                self.tr("Online lookups are off for this session ({reason}); "
                        "offline places are shown.").format(reason=online.failed_reason),
                _STATUS_TIMEOUT_MS,
            )
        if failures:
            self._show_error(self.tr("Some files could not be opened"), failures)
        if self._queue:
            self._start_next_batch()
            return
        self._set_idle()
        self._restore_pending()
        self.idle.emit()

    def _set_busy(self, message: str, done: int, total: int) -> None:
        self.state_label.setText(message)
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self.progress_bar.show()
        self.cancel_button.show()

    def _set_idle(self) -> None:
        self.progress_bar.hide()
        self.cancel_button.hide()
        self.state_label.setText(
            self.tr("Ready") if self._pipeline is not None else self.tr("No language model")
        )

    def _show_error(self, title: str, messages: Sequence[str]) -> QtWidgets.QMessageBox:
        """Tell the user what failed, without blocking the window."""
        box = QtWidgets.QMessageBox(self)
        box.setObjectName("errorBox")
        box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        # File names and reasons are shown as typed, never interpreted as markup.
        box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        box.setText(title + "\n\n" + "\n".join(messages))
        box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Close)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- showing the atlas ----------------------------------------------------------
    def _refresh(self) -> None:
        """Show the atlas as it is now: lists, pins, counts and the open place."""
        started = time.perf_counter()
        self._show_atlas()
        # The next refresh during an import waits in proportion to what this one cost,
        # with the page's part measured on the last pins it drew.
        spent_ms = (time.perf_counter() - started + self.map_view.last_pins_seconds) * 1000
        wait_ms = spent_ms * (1 - _REFRESH_SHARE) / _REFRESH_SHARE
        self._refresh_timer.setInterval(
            int(min(max(wait_ms, _REFRESH_INTERVAL_MS), _REFRESH_INTERVAL_MAX_MS))
        )

    def _show_atlas(self) -> None:
        from mapper import mapview


        if self._article_filter is not None and self._article_filter not in {
            a.id for a in self.atlas.articles
        }:
            self._article_filter = None
        self.article_list.set_articles(self.atlas.articles)
        self.article_list.choose(self._article_filter or "")
        self.filter_panel.set_actors(self.atlas.actors, self.atlas.actor_counts())
        self.filter_panel.set_event_types(self._event_types, self.atlas.event_type_counts())
        # Every pin goes to the page once; the page applies the filter itself.
        if self._pins_encoder is None:
            self._pins_encoder = mapview.PinsEncoder()
        self.map_view.set_pins(
            self._pins_encoder.encode(self.atlas, event_types=self._event_types)
        )
        self._apply_filter()

    def _apply_filter(self) -> None:
        """Narrow the lists, the excerpts and the map to the current filter."""
        where = self.current_filter()
        self.place_list.set_places(
            self.atlas.places(where=where), self.atlas.mention_counts(where=where)
        )
        self.map_view.set_filter(where)
        if self.place_id is not None:
            if self.place_list.item_for(self.place_id) is not None:
                self._show_place(self.place_id)
            else:
                self._clear_place()
        self._update_counts()

    @QtCore.Slot()
    def _on_filter_changed(self) -> None:
        self._apply_filter()

    def _update_counts(self) -> None:
        articles, places = len(self.atlas), len(self.atlas.places())
        self.counts_label.setText(
            self.tr("{articles} {a_word} · {places} {p_word}").format(
                articles=articles,
                a_word=self.tr("article") if articles == 1 else self.tr("articles"),
                places=places,
                p_word=self.tr("place") if places == 1 else self.tr("places"),
            )
        )

    def _show_place(self, place_id: str) -> None:
        """Fill the Excerpts panel with every excerpt of a place (in the articles shown)."""
        self.place_id = place_id
        excerpts = self.atlas.excerpts_for_place(place_id, where=self.current_filter())
        self.excerpt_list.set_excerpts(place_id, excerpts)
        name = self.atlas.place(place_id).name
        self.excerpts_dock.setWindowTitle(
            self.tr("Excerpts — {place} ({count})").format(place=name, count=len(excerpts))
        )
        self.place_list.select_place(place_id)
        self.excerpts_dock.show()
        self.excerpts_dock.raise_()

    def _clear_place(self) -> None:
        self.place_id = None
        self.excerpt_list.set_excerpts(None, [])
        self.excerpts_dock.setWindowTitle(self.tr("Excerpts"))

    # -- projects ---------------------------------------------------------------------
    def _set_modified(self, modified: bool) -> None:
        if modified:
            self._edits += 1
        self.setWindowModified(modified)

    def _update_title(self) -> None:
        name = self._project_path.stem if self._project_path else self.tr("Untitled")
        self.setWindowTitle(f"{name}[*] — Dateline")

    def save_project(self, path: Path) -> None:
        """Save articles, corrections, filters and the map view to ``path`` (atomically).

        The map's view is asked of the page first (asynchronously); the file is
        written when it answers. ``project_saved`` or ``project_failed`` follows.
        """
        if not self.map_view.is_ready:
            self._write_project(path, None)
            return

        def with_view(result: object) -> None:
            view = None
            try:
                data = json.loads(str(result))
                view = (float(data["lat"]), float(data["lon"]), float(data["zoom"]))
            except (ValueError, KeyError, TypeError):
                pass
            self._write_project(path, view)

        self.map_view.call("viewState", callback=with_view)

    def _write_project(self, path: Path, view: tuple[float, float, float] | None) -> None:
        self._edits_saved[str(path)] = self._edits
        self._writer.write(path, self._project_now(view), _SAVE)
        self.statusBar().showMessage(self.tr("Saving {name}…").format(name=path.name))

    def _project_now(self, view: tuple[float, float, float] | None = None) -> Project:
        """What a project file of the window as it is now holds (immutable: safe to hand over)."""
        pipeline = self._pipeline
        return Project(
            articles=tuple(self.atlas.articles),
            # What makes the map what it is: the user's corrections and the project's.
            corrections=self._corrections_in_effect(),
            filter=self.filter_panel.current_filter(),
            view=view,
            chosen_article=self._article_filter,
            analyses=tuple(self.atlas.analyses),
            fingerprint=pipeline.fingerprint() if pipeline else "",
        )

    @QtCore.Slot(str, str, str)
    def _on_project_written(self, where: str, purpose: str, error: str) -> None:
        if not isValid(self):
            return  # a queued call from the writer arriving after the window was deleted
        if purpose == _AUTOSAVE:
            if error:
                log.warning("Autosave failed: %s", error)
            elif not self.isWindowModified():
                self._forget_recovery()  # saved meanwhile: nothing left to recover
            return
        if error:
            self.statusBar().clearMessage()
            self._show_error(self.tr("The project could not be saved"), [error])
            self.project_failed.emit(error)
            return
        path = Path(where)
        self._project_path = path
        self._remember_recent(path)
        if self._edits_saved.pop(where, None) == self._edits:  # nothing changed since
            self._set_modified(False)
            self._forget_recovery()
        self._update_title()
        self.statusBar().showMessage(
            self.tr("Saved {name}").format(name=path.name), _STATUS_TIMEOUT_MS)
        self.project_saved.emit(where)

    def open_project(self, path: Path) -> bool:
        """Replace what is open with a project; a bad file is reported and changes nothing."""
        from mapper.project import ProjectError, load_project

        try:
            project = load_project(path)
        except ProjectError as error:
            self._show_error(self.tr("The project could not be opened"), [str(error)])
            return False
        self._stop_worker()
        self.atlas.clear()
        self._article_filter = project.chosen_article
        self._pending_filter = project.filter
        self._pending_view = project.view
        self._use_project_corrections(project.corrections)
        same = self._pipeline is not None and project.fingerprint == self._pipeline.fingerprint()
        if same and project.analyses:
            self.atlas.add_many(project.analyses)  # instant: made by this very pipeline
            known = {a.article.id for a in project.analyses}
            self._queue.extend(a for a in project.articles if a.id not in known)
        else:
            self._queue.extend(project.articles)  # analysed again (from the cache if there)
        self._project_path = path
        self._remember_recent(path)
        self._update_title()
        self._refresh()
        self._start_next_batch()
        if not self._queue and self._run is None:
            self._restore_pending()
        self._set_modified(False)
        return True

    def autosave(self) -> Path | None:
        """Write a recovery copy of unsaved work now (never over the user's project file).

        Waits for saves already under way, so the copy is the newest file written.
        """
        from mapper.project import ProjectError, recovery_path, save_project

        if not self.isWindowModified() or not len(self.atlas):
            return None
        self._writer.wait()
        path = recovery_path()
        try:
            save_project(path, self._project_now())
        except ProjectError as error:
            log.warning("Autosave failed: %s", error)
            return None
        return path

    @QtCore.Slot()
    def _autosave_in_background(self) -> None:
        """The autosave timer's: a recovery copy written off the UI thread."""
        from mapper.project import recovery_path

        if self.isWindowModified() and len(self.atlas):
            self._writer.write(recovery_path(), self._project_now(), _AUTOSAVE)

    def _forget_recovery(self) -> None:
        from mapper.project import recovery_path

        recovery_path().unlink(missing_ok=True)

    def offer_recovery(self) -> QtWidgets.QMessageBox | None:
        """If unsaved work was left by a crash or a quit, offer it back (not blocking)."""
        from mapper.project import recovery_path

        path = recovery_path()
        if not path.exists():
            return None
        stamp = QtCore.QDateTime.fromSecsSinceEpoch(int(path.stat().st_mtime))
        box = QtWidgets.QMessageBox(self)
        box.setObjectName("recoveryBox")
        box.setIcon(QtWidgets.QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Recover Unsaved Work"))
        box.setText(self.tr("Dateline kept a copy of unsaved work from {when}. Open it?").format(
            when=stamp.toString("yyyy-MM-dd HH:mm")))
        restore = box.addButton(self.tr("Recover"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Discard"), QtWidgets.QMessageBox.ButtonRole.DestructiveRole)

        def on_clicked(button: QtWidgets.QAbstractButton) -> None:
            if button is restore and self.open_project(path):
                self._project_path = None  # a recovered copy is untitled work
                self._update_title()
                self._set_modified(True)
                return
            path.unlink(missing_ok=True)

        box.buttonClicked.connect(on_clicked)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def _restore_pending(self) -> None:
        """Apply a project's filters and map view once its articles are on the map."""
        if self._pending_filter is not None:
            self.filter_panel.restore(self._pending_filter)
            self._pending_filter = None
        if self._pending_view is not None and self.map_view.is_ready:
            lat, lon, zoom = self._pending_view
            self.map_view.call("setView", lat, lon, zoom)
            self._pending_view = None

    def _remember_recent(self, path: Path) -> None:
        settings = self._settings()
        recent = [p for p in _as_list(settings.value("projects/recent")) if p != str(path)]
        settings.setValue("projects/recent", [str(path), *recent][:_RECENT_PROJECTS])

    @QtCore.Slot()
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = _as_list(self._settings().value("projects/recent"))
        for name in recent:
            action = self.recent_menu.addAction(name)
            action.triggered.connect(lambda _checked=False, p=name: self.open_project(Path(p)))
        if not recent:
            self.recent_menu.addAction(self.tr("(none)")).setEnabled(False)

    @QtCore.Slot()
    def _on_open_project(self) -> None:
        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("Open Project"), str(self._settings().value("projects/folder", "")),
            self.tr("Dateline projects (*.dateline)"),
        )
        if name:
            self._settings().setValue("projects/folder", str(Path(name).parent))
            self.open_project(Path(name))

    @QtCore.Slot()
    def _on_save_project(self) -> None:
        if self._project_path is None:
            self._on_save_project_as()
        else:
            self.save_project(self._project_path)

    @QtCore.Slot()
    def _on_save_project_as(self) -> None:
        name, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, self.tr("Save Project"),
            str(self._project_path or Path(str(self._settings().value("projects/folder", "")))
                / "untitled.dateline"),
            self.tr("Dateline projects (*.dateline)"),
        )
        if name:
            path = Path(name)
            if path.suffix != ".dateline":
                path = path.with_name(path.name + ".dateline")
            self._settings().setValue("projects/folder", str(path.parent))
            self.save_project(path)

    @QtCore.Slot()
    def _on_import_folder(self) -> None:
        from mapper.sources import find_articles

        settings = self._settings()
        folder = QtWidgets.QFileDialog.getExistingDirectory(
            self, self.tr("Import Folder"), str(settings.value("open/folder", "") or "")
        )
        if not folder:
            return
        settings.setValue("open/folder", folder)
        paths = find_articles(Path(folder))
        if not paths:
            self.statusBar().showMessage(
                self.tr("No articles (.txt, .md, .html) in {folder}").format(folder=folder),
                _STATUS_TIMEOUT_MS,
            )
            return
        self.statusBar().showMessage(
            self.tr("Importing {n} articles…").format(n=len(paths)), _STATUS_TIMEOUT_MS)
        self.open_paths(paths)

    # -- event types ------------------------------------------------------------------
    def show_event_types(self) -> QtWidgets.QMessageBox:
        """Say where the event types come from; offer an editable copy, the folder, a reload."""
        from mapper.events import default_taxonomy_path, user_taxonomy_path

        user_file = user_taxonomy_path()
        in_use = user_file if user_file.exists() else default_taxonomy_path()
        box = QtWidgets.QMessageBox(self)
        box.setObjectName("eventTypesBox")
        box.setWindowTitle(self.tr("Event Types"))
        box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        box.setText(
            self.tr("Event types are read from:\n{in_use}\n\nTo change them, edit your own "
                    "copy:\n{user_file}\nthen choose Reload. If your copy has a mistake, "
                    "Dateline says what is wrong and uses the default types.").format(
                in_use=in_use, user_file=user_file)
        )
        copy_button = box.addButton(
            self.tr("Create Editable Copy"), QtWidgets.QMessageBox.ButtonRole.ActionRole
        )
        copy_button.setEnabled(not user_file.exists())
        folder_button = box.addButton(
            self.tr("Open Folder"), QtWidgets.QMessageBox.ButtonRole.ActionRole
        )
        reload_button = box.addButton(
            self.tr("Reload"), QtWidgets.QMessageBox.ButtonRole.ActionRole
        )
        box.addButton(QtWidgets.QMessageBox.StandardButton.Close)

        def on_clicked(button: QtWidgets.QAbstractButton) -> None:
            if button is copy_button:
                user_file.parent.mkdir(parents=True, exist_ok=True)
                user_file.write_bytes(default_taxonomy_path().read_bytes())
            elif button is folder_button:
                user_file.parent.mkdir(parents=True, exist_ok=True)
                QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(user_file.parent)))
            elif button is reload_button:
                self.reload_event_types()

        box.buttonClicked.connect(on_clicked)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def reload_event_types(self) -> None:
        """Read the event types again and re-tag every open article."""
        from mapper.events import load_taxonomy_or_default

        if self._pipeline is None:
            return
        taxonomy, warning = load_taxonomy_or_default()
        self._pipeline.use_taxonomy(taxonomy, warning)  # the tagger is built in the worker
        self._use_taxonomy(self._pipeline)
        self.reanalyse()

    # -- corrections and online lookups ---------------------------------------------
    def correction_menu(self, place_id: str) -> QtWidgets.QMenu | None:
        """The right-click menu of a place (None before the pipeline is loaded)."""
        from ui.corrections import build_correction_menu

        if self._pipeline is None or not self.atlas.has_place(place_id):
            return None
        return build_correction_menu(
            self,
            self.atlas.place(place_id),
            self.atlas.surfaces_for_place(place_id),
            self._pipeline.gazetteer,
            self._pipeline.corrections,
            self.correct,
        )

    def correct(self, surface: str, place_id: str | None) -> None:
        """Record that ``surface`` means ``place_id`` (None: not a place; FORGET: undo).

        The correction is saved at once and every open article is analysed again.
        """
        from mapper.corrections import CorrectionsError, default_corrections_path
        from ui.corrections import FORGET

        if self._pipeline is None:
            return
        mine = (
            self._user_corrections.without(surface)
            if place_id == FORGET
            else self._user_corrections.with_correction(surface, place_id)
        )
        try:
            mine.save(default_corrections_path())
        except (OSError, CorrectionsError) as error:
            self._show_error(self.tr("The correction could not be saved"), [str(error)])
            return
        self._user_corrections = mine
        # The user's decision, made now, outranks what the project said of that name.
        self._project_corrections = self._project_corrections.without(surface)
        self._apply_corrections()

    def _use_project_corrections(self, corrections: Corrections) -> None:
        """A project's corrections: for this project only, and the user is told so.

        Those the user already has (the same name, the same place) are not the
        project's own; the rest apply here and are never written to the user's
        file unless the user chooses File ▸ Make Project's Corrections Mine.
        """
        self._project_corrections = Corrections({
            key: correction for key, correction in corrections.items()
            if self._user_corrections.get_for(correction.name) != correction
        })
        self.adopt_corrections_action.setEnabled(bool(self._project_corrections))
        if self._pipeline is not None:
            self._pipeline.corrections = self._corrections_in_effect()
        if self._project_corrections:
            self.statusBar().showMessage(
                self.tr("This project brings {n} corrections of its own: they apply to this "
                        "project only (File ▸ Make Project's Corrections Mine keeps them for "
                        "every article).").format(n=len(self._project_corrections)),
                _STATUS_TIMEOUT_MS,
            )

    def _corrections_in_effect(self) -> Corrections:
        """The user's corrections with the open project's over them."""
        return self._user_corrections.merged(self._project_corrections)

    def adopt_project_corrections(self) -> None:
        """Make the open project's corrections the user's own (saved; every article)."""
        from mapper.corrections import CorrectionsError, default_corrections_path

        if not self._project_corrections:
            return
        mine = self._user_corrections.merged(self._project_corrections)
        try:
            mine.save(default_corrections_path())
        except (OSError, CorrectionsError) as error:
            self._show_error(self.tr("The corrections could not be saved"), [str(error)])
            return
        count = len(self._project_corrections)
        self._user_corrections, self._project_corrections = mine, Corrections()
        self.adopt_corrections_action.setEnabled(False)
        self.statusBar().showMessage(
            self.tr("{n} corrections from the project are now yours.").format(n=count),
            _STATUS_TIMEOUT_MS,
        )

    def _apply_corrections(self) -> None:
        """Analyse again with the corrections in effect now."""
        if self._pipeline is None:
            return
        self._pipeline.corrections = self._corrections_in_effect()
        self.reanalyse()

    def reanalyse(self) -> None:
        """Analyse every open article again (after a correction or a settings change)."""
        articles = self.atlas.articles
        if articles:
            self._queue.extend(articles)
            self._start_next_batch()

    @QtCore.Slot(str)
    def _on_place_menu_requested(self, place_id: str) -> None:
        menu = self.correction_menu(place_id)
        if menu is None:
            self.statusBar().showMessage(
                self.tr("Corrections are available once the language model is loaded."),
                _STATUS_TIMEOUT_MS,
            )
            return
        menu.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(QtGui.QCursor.pos())

    @QtCore.Slot()
    def _on_import_corrections(self) -> None:
        from mapper.corrections import Corrections, CorrectionsError, default_corrections_path

        if self._pipeline is None:
            return
        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("Import Corrections"), "", self.tr("Dateline corrections (*.json)")
        )
        if not name:
            return
        try:
            imported = Corrections.load(Path(name))
            mine = self._user_corrections.merged(imported)
            mine.save(default_corrections_path())
        except (OSError, CorrectionsError) as error:
            self._show_error(self.tr("The corrections could not be imported"), [str(error)])
            return
        self.statusBar().showMessage(
            self.tr("Imported {n} corrections.").format(n=len(imported)), _STATUS_TIMEOUT_MS
        )
        self._user_corrections = mine
        self._apply_corrections()

    @QtCore.Slot()
    def _on_export_corrections(self) -> None:
        from mapper.corrections import CorrectionsError

        if self._pipeline is None:
            return
        name, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, self.tr("Export Corrections"), "dateline-corrections.json",
            self.tr("Dateline corrections (*.json)"),
        )
        if not name:
            return
        try:
            # Those in effect: the user's and the open project's (what the map shows).
            self._corrections_in_effect().save(Path(name))
        except (OSError, CorrectionsError) as error:
            self._show_error(self.tr("The corrections could not be exported"), [str(error)])

    @QtCore.Slot(bool)
    def _on_online_toggled(self, enabled: bool) -> None:
        settings = self._settings()
        settings.setValue("geocoding/online", enabled)
        settings.sync()
        self._online_failure_shown = False
        self._apply_online_setting()
        if enabled:
            self.reanalyse()

    def _apply_online_setting(self) -> None:
        """Give the pipeline an online geocoder when the user turned lookups on."""
        from mapper.online import OnlineSettings
        from mapper.pipeline import online_geocoder

        if self._pipeline is None:
            return
        enabled = self.online_action.isChecked()
        current = self._pipeline.online
        if enabled and (current is None or current.failed_reason):
            self._pipeline.online = online_geocoder(OnlineSettings(enabled=True))
        elif not enabled:
            self._pipeline.online = None

    # -- user actions ---------------------------------------------------------------
    @QtCore.Slot(str)
    def _on_place_clicked(self, place_id: str) -> None:
        """A pin was clicked on the map."""
        self._show_place(place_id)

    @QtCore.Slot(str)
    def _on_place_chosen(self, place_id: str) -> None:
        """A place was clicked in the Places list: fly there, open its popup and excerpts."""
        if self.atlas.has_place(place_id):
            self.map_view.fly_to(place_id)
            self._show_place(place_id)

    @QtCore.Slot(str)
    def _on_excerpt_chosen(self, excerpt_id: str) -> None:
        """Show an excerpt in context in the reader, highlighted."""
        if not self.atlas.has_excerpt(excerpt_id):
            return
        excerpt = self.atlas.excerpt(excerpt_id)
        self.reader.show_article(self.atlas.article(excerpt.article_id), excerpt.start, excerpt.end)
        self.excerpt_list.select_excerpt(excerpt_id)
        self.reader_dock.show()
        self.reader_dock.raise_()

    @QtCore.Slot(str)
    def _on_article_chosen(self, article_id: str) -> None:
        """Show one article's places (or every article's, for "")."""
        self._article_filter = article_id or None
        if article_id:
            self.reader.show_article(self.atlas.article(article_id))
        self._apply_filter()

    @QtCore.Slot()
    def _on_open_triggered(self) -> None:
        from mapper.sources import SUPPORTED_SUFFIXES

        settings = self._settings()
        folder = str(settings.value("open/folder", "") or "")
        patterns = " ".join(f"*{suffix}" for suffix in SUPPORTED_SUFFIXES)
        names, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self,
            self.tr("Open Articles"),
            folder,
            f"{self.tr('Articles')} ({patterns});;{self.tr('All files')} (*)",
        )
        if names:
            settings.setValue("open/folder", str(Path(names[0]).parent))
            self.open_paths([Path(name) for name in names])

    # -- Qt event handlers ----------------------------------------------------------
    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QtGui.QDragMoveEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        paths = local_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)
        else:
            event.ignore()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if not self._closing:
            self._closing = True
            self._autosave_timer.stop()
            self.autosave()  # unsaved work survives a quit too; offered at the next start
            self._writer.stop()
            if self._remember_layout:
                self._save_layout()
            self._stop_worker()
            if self._copier is not None:
                self._copier.close()
            for dialog in self.findChildren(QtWidgets.QDialog):
                if isinstance(dialog, ExportDialog):
                    dialog.shutdown()
            self.map_view.shutdown()
        super().closeEvent(event)
