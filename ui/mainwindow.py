"""The Dateline window: map in the centre, lists on the left, excerpts and reader on the right.

The window lays out the widgets and wires them to the rooms that do the work:
the :class:`~mapper.session.Session` (what is open, without Qt), the menus
(:mod:`ui.actions`), the analysis of files (:mod:`ui.analysis`), projects
(:mod:`ui.projects`), corrections (:mod:`ui.correcting`), the Settings menu
(:mod:`ui.settings_dialogs`) and the About box (:mod:`ui.about`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.atlas import Atlas
from mapper.filters import Filter
from mapper.geo.home import describe_home
from mapper.session import Session
from mapper.sources import printable, scan_paths
from mapper.timeline import excerpt_spans
from ui import app_info, settings_dialogs
from ui.about import show_about
from ui.actions import MenuActions
from ui.analysis import AnalysisRunner, RefreshThrottle
from ui.article_menu import ArticleMenu
from ui.correcting import Correcting
from ui.filters import FilterPanel
from ui.mapwidget import MapView, local_files
from ui.messages import show_error, show_status
from ui.panels import ArticleList, ArticleReader, ExcerptList, PlaceList, mentions_in_excerpts
from ui.projects import (
    AUTOSAVE_MS,
    ProjectFiles,
    ask_article_files,
    ask_article_folder,
    ask_folder_home,
    load_home_folders,
    store_home_folders,
)
from ui.qt import QtCore, QtGui, QtWidgets, isValid
from ui.review import Reviewing
from ui.timeline import FacetsWithRange, TimelinePanel
from ui.worker import PipelineFactory, load_default_pipeline

if TYPE_CHECKING:
    from mapper.page.mapview import PinsEncoder
    from mapper.pipeline import Pipeline
    from ui.export_dialog import ExportDialog, MapImageCopier

log = logging.getLogger(__name__)

#: Bump when the docks change, so an old saved layout is not applied to new docks.
_STATE_VERSION = 3

_DEFAULT_SIZE = QtCore.QSize(1400, 900)
_LEFT_DOCK_SHARE = 0.21  # of the window's width
_RIGHT_DOCK_SHARE = 0.30
#: Most excerpts a search lists at once in the Excerpts panel (the title gives the total).
SEARCH_LIST_LIMIT = 500


class MainWindow(QtWidgets.QMainWindow):
    """The main window; it shows the session's :class:`~mapper.atlas.Atlas` as files arrive.

    Files are read and analysed off the UI thread by an
    :class:`~ui.analysis.AnalysisRunner`, one batch at a time; the first batch also
    loads the language pipeline (``pipeline_factory``), so the window is up before
    the model is.

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
        autosave_ms: int = AUTOSAVE_MS,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = Session(paths, online=settings_dialogs.online_lookups_enabled())
        self.session.use_user_home_folders(load_home_folders())
        self.session.home_folders_changed.connect(store_home_folders)
        self._update_title()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self._remember_layout = remember_layout
        self._closing = False
        self._pins_encoder: PinsEncoder | None = None  # made with the first pins
        self._copier: MapImageCopier | None = None
        self._export_dialogs: list[ExportDialog] = []  # to stop their renderers at close
        #: The place whose excerpts the Excerpts panel shows.
        self.place_id: str | None = None

        self.map_view = MapView(self.atlas.has_place, self.atlas.has_excerpt, self)
        self.map_view.setObjectName("mapView")
        self.map_view.setMinimumSize(320, 240)
        self.setCentralWidget(self.map_view)
        self.article_list = ArticleList(self)
        self.place_list = PlaceList(self)
        self.excerpt_list = ExcerptList(self)
        self.reader = ArticleReader(self)
        self.filter_panel = FilterPanel(self)
        self.timeline = TimelinePanel(self)
        self.articles_dock = self._add_dock(self.tr("Articles"), self.article_list)
        self.places_dock = self._add_dock(self.tr("Places"), self.place_list)
        self.filters_dock = self._add_dock(self.tr("Filters"), self.filter_panel)
        self.excerpts_dock = self._add_dock(self.tr("Excerpts"), self.excerpt_list)
        self.reader_dock = self._add_dock(self.tr("Article"), self.reader)
        self.timeline_dock = self._add_dock(self.tr("Timeline"), self.timeline)
        self.timeline_dock.setAllowedAreas(
            QtCore.Qt.DockWidgetArea.BottomDockWidgetArea
            | QtCore.Qt.DockWidgetArea.TopDockWidgetArea
        )
        # The timeline sits under the map only: the side docks keep the bottom corners.
        self.setCorner(
            QtCore.Qt.Corner.BottomLeftCorner, QtCore.Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.setCorner(
            QtCore.Qt.Corner.BottomRightCorner, QtCore.Qt.DockWidgetArea.RightDockWidgetArea
        )
        self._build_status_bar()
        self.menu_actions = MenuActions(self, self._docks())

        self.refresher = RefreshThrottle(
            self._show_atlas, lambda: self.map_view.last_pins_seconds, self
        )
        session = self.session

        def with_homes(progress: Callable[[str], None]) -> Pipeline:
            # The user's home regions apply from the very first analysis (the worker
            # analyses before the session hears that the pipeline is loaded).
            pipeline = pipeline_factory(progress)
            pipeline.homes = session.home_settings
            return pipeline

        self.analysis = AnalysisRunner(
            self.session, self.refresher, with_homes, use_cache=use_cache, parent=self
        )
        self.projects = ProjectFiles(
            self,
            self.session,
            self.analysis,
            self.map_view,
            FacetsWithRange(self.filter_panel, self.timeline),
            self.refresher.now,
            autosave_ms=autosave_ms,
        )
        self.correcting = Correcting(self, self.session, self.analysis)
        self.reviewing = Reviewing(
            self,
            self.session,
            self.analysis,
            self.menu_actions.review_places,
            self._on_place_chosen,
        )
        self.article_menu = ArticleMenu(
            self,
            self.session,
            self.article_list,
            self.refresher.now,
            self.analysis.start_next_batch,
        )
        self._connect()

        self.reset_layout()
        if remember_layout:
            self._restore_layout()
        self._update_counts()
        if self.session.has_queued:
            self._set_busy(self.tr("Starting…"), 0, 0)

        # Building the page imports folium (~0.4 s): after the window is up, not before;
        # and before the worker starts, which would compete with it for the GIL.
        QtCore.QTimer.singleShot(0, self._start)

    def _connect(self) -> None:
        """Wire widgets, menus and rooms together."""
        self.map_view.place_clicked.connect(self._show_place)
        self.map_view.excerpt_clicked.connect(self._on_excerpt_chosen)
        self.map_view.files_dropped.connect(self.open_paths)
        self.map_view.place_menu_requested.connect(self.correcting.show_menu)
        self.article_list.article_chosen.connect(self._on_article_chosen)
        self.article_list.article_menu_requested.connect(self.article_menu.show_menu)
        self.place_list.place_chosen.connect(self._on_place_chosen)
        self.place_list.place_menu_requested.connect(self.correcting.show_menu)
        self.excerpt_list.excerpt_chosen.connect(self._on_excerpt_chosen)
        self.filter_panel.clearing.connect(self.timeline.reset)
        self.filter_panel.filter_changed.connect(self._apply_filter)
        self.timeline.range_changed.connect(self._apply_range)
        self.timeline.fade_changed.connect(lambda on: self.map_view.call("setFadeByAge", on))

        session = self.session
        session.modified_changed.connect(self.setWindowModified)
        session.project_path_changed.connect(lambda _path: self._update_title())
        session.project_corrections_changed.connect(
            lambda count: self.menu_actions.adopt_corrections.setEnabled(count > 0)
        )

        self.analysis.progress.connect(self._set_busy)
        self.analysis.file_failed.connect(lambda message: show_status(self, message))
        self.analysis.analysis_failed.connect(
            lambda reasons: show_error(self, self.tr("Analysis failed"), reasons)
        )
        self.analysis.pipeline_loaded.connect(self._on_pipeline_loaded)
        self.analysis.batch_finished.connect(self._on_batch_finished)
        self.analysis.idle.connect(self._on_idle)
        self.projects.saved.connect(self.project_saved)
        self.projects.failed.connect(self.project_failed)

        actions = self.menu_actions
        actions.open.triggered.connect(lambda: self.open_paths(ask_article_files(self)))
        actions.import_folder.triggered.connect(self.import_folder)
        actions.open_project.triggered.connect(self.projects.ask_open)
        actions.recent_menu.aboutToShow.connect(
            lambda: self.projects.fill_recent_menu(actions.recent_menu)
        )
        actions.save_project.triggered.connect(self.projects.ask_save)
        actions.save_project_as.triggered.connect(self.projects.ask_save_as)
        actions.export.triggered.connect(self.show_export_dialog)
        actions.import_corrections.triggered.connect(self.correcting.ask_import)
        actions.export_corrections.triggered.connect(self.correcting.ask_export)
        actions.adopt_corrections.triggered.connect(self.correcting.adopt)
        actions.review_places.triggered.connect(self.reviewing.show_dialog)
        actions.quit.triggered.connect(self.close)
        actions.copy_map_image.triggered.connect(self.copy_map_image)
        actions.reset_layout.triggered.connect(lambda: self.reset_layout())
        actions.fit.triggered.connect(self.map_view.fit_pins)
        actions.map_views.triggered.connect(
            lambda action: self.map_view.set_map_view(str(action.data()))
        )
        self.map_view.map_view_chosen.connect(
            lambda view: actions.map_view_actions[view].setChecked(True)
        )
        actions.online.setChecked(session.online)
        actions.online.toggled.connect(self._on_online_toggled)
        actions.event_types.triggered.connect(
            lambda: settings_dialogs.show_event_types(self, self.reload_event_types)
        )
        actions.about.triggered.connect(self.show_about)

    # -- public -------------------------------------------------------------------
    @property
    def atlas(self) -> Atlas:
        """What the window shows (the session's, one for the window's life)."""
        return self.session.atlas

    @property
    def is_busy(self) -> bool:
        """Whether files are being read or analysed, or wait for it."""
        return self.analysis.is_busy

    @property
    def analysis_thread(self) -> QtCore.QThread | None:
        """The thread analysing the current batch (None when idle)."""
        return self.analysis.running_thread

    def current_filter(self) -> Filter:
        """What the map shows: the Filters panel's choices, the article chosen and the
        timeline's range."""
        return self.timeline.narrow(self.session.shown(self.filter_panel.current_filter()))

    def open_paths(self, paths: Sequence[Path]) -> None:
        """Read, analyse and show these files (in the background); failures are reported."""
        if self._closing:
            return
        given = [Path(p) for p in paths]
        scan = scan_paths(given)
        # Links out of a folder, unreadable subfolders: said with the batch's failures
        # (or at once when nothing else is to be read).
        skipped = [entry.message for entry in scan.skipped]
        if skipped and not scan.found:
            show_error(self, self.tr("Some files could not be opened"), skipped)
        else:
            self.analysis.report_failures(skipped)
        folders = [path for path in given if path.is_dir()]
        if folders and not scan.found:
            show_status(
                self,
                self.tr("No articles (.txt, .md, .html) in {folder}").format(
                    folder=printable(str(folders[0]))
                ),
            )
        elif folders:
            show_status(self, self.tr("Importing {n} articles…").format(n=len(scan.found)))
        for path in scan.found:
            if path.suffix.lower() == ".dateline":
                self.open_project(path)
            else:
                self.session.enqueue([path])
        self.analysis.start_next_batch()

    def import_folder(self) -> QtWidgets.QDialog | None:
        """File ▸ Import Folder…: a folder's articles, and what they are local to (asked
        while they are read); returns that question (None: not asked)."""
        folders = ask_article_folder(self)
        if not folders:
            return None
        self.open_paths(folders)
        return ask_folder_home(self, self.session, folders[0], self.analysis.start_next_batch)

    def open_project(self, path: Path) -> bool:
        """Replace what is open with a project; a bad file is reported and changes nothing."""
        return self.projects.open(path)

    def save_project(self, path: Path) -> None:
        """Save the project to ``path`` in the background; ``project_saved`` or
        ``project_failed`` follows."""
        self.projects.save(path)

    def autosave(self) -> Path | None:
        """Write a recovery copy of unsaved work now; its path (None: nothing unsaved)."""
        return self.projects.autosave()

    def offer_recovery(self) -> QtWidgets.QMessageBox | None:
        """If unsaved work was left by a crash or a quit, offer it back (not blocking)."""
        return self.projects.offer_recovery()

    def correct(self, surface: str, place_id: str | None) -> None:
        """Record that ``surface`` means ``place_id`` (None: not a place; FORGET: undo)."""
        self.correcting.correct(surface, place_id)

    def reload_event_types(self) -> None:
        """Read the event types again and re-tag every open article."""
        if self.session.reload_taxonomy():
            self._warn_about_taxonomy()
            self.analysis.start_next_batch()

    @QtCore.Slot()
    def cancel_work(self) -> None:
        """Stop the current import; articles already analysed stay on the map."""
        if self.analysis.cancel():
            self.state_label.setText(self.tr("Cancelling…"))

    def show_about(self) -> QtWidgets.QMessageBox:
        """Open the About box (not blocking) and return it."""
        return show_about(self)

    def show_export_dialog(self) -> ExportDialog:
        """Open File ▸ Export… on what the map shows now (not blocking) and return it."""
        from ui.export_dialog import ExportDialog  # lazy: it imports folium (~0.4 s)

        dialog = ExportDialog(
            self.map_view, self.atlas, self.current_filter(), self.session.event_types, self
        )
        dialog.exported.connect(lambda message: show_status(self, message))
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self._export_dialogs = [d for d in self._export_dialogs if isValid(d)] + [dialog]
        return dialog

    def copy_map_image(self) -> None:
        """Put the current view, composed with legend and credits, on the clipboard."""
        if self._copier is None:
            from ui.export_dialog import MapImageCopier  # lazy: it imports folium (~0.4 s)

            self._copier = MapImageCopier(self)
            self._copier.copied.connect(lambda message: show_status(self, message))
        show_status(self, self.tr("Copying the map image…"))
        self._copier.copy(
            self.map_view, self.atlas, self.current_filter(), self.session.event_types
        )

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
            show_error(self, self.tr("The map could not be built"), [str(error)])
        nothing_yet = not self.session.has_queued
        if nothing_yet:
            self.refresher.now()  # an empty map is a settled map
        # With no files yet, the model loads anyway, for the files to come.
        self.analysis.start(preload=nothing_yet)

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
        self.range_label = QtWidgets.QLabel(self)
        self.range_label.setObjectName("rangeLabel")
        bar.addPermanentWidget(self.range_label)
        bar.addPermanentWidget(self.state_label)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.counts_label)

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
        self.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, self.timeline_dock)
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
        self.resizeDocks([self.timeline_dock], [self.timeline.sizeHint().height()], vertical)

    def _docks(self) -> tuple[QtWidgets.QDockWidget, ...]:
        return (
            self.articles_dock,
            self.places_dock,
            self.filters_dock,
            self.excerpts_dock,
            self.reader_dock,
            self.timeline_dock,
        )

    def _restore_layout(self) -> None:
        settings = app_info.settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QtCore.QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QtCore.QByteArray):
            self.restoreState(state, _STATE_VERSION)
        sort = settings.value("articles/sort")
        if isinstance(sort, str):
            self.article_list.sort_by(sort)  # an unknown one is ignored

    def _save_layout(self) -> None:
        settings = app_info.settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(_STATE_VERSION))
        settings.setValue("articles/sort", self.article_list.sort)
        settings.sync()

    def _update_title(self) -> None:
        name = self.session.title or self.tr("Untitled")
        self.setWindowTitle(f"{name}[*] — Dateline")

    # -- analysis ---------------------------------------------------------------------
    @QtCore.Slot(str, int, int)
    def _set_busy(self, message: str, done: int, total: int) -> None:
        self.state_label.setText(message)
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self.progress_bar.show()
        self.cancel_button.show()

    @QtCore.Slot()
    def _on_pipeline_loaded(self) -> None:
        self._warn_about_taxonomy()

    def _warn_about_taxonomy(self) -> None:
        """Say so if the user's event types file was broken (the defaults are used)."""
        warning = self.session.taxonomy_warning
        if warning:
            show_error(
                self,
                self.tr("Your event types file has a problem; the default types are used"),
                [warning],
            )

    @QtCore.Slot(list, bool)
    def _on_batch_finished(self, failures: list[str], cancelled: bool) -> None:
        if cancelled:
            show_status(
                self, self.tr("Cancelled: {n} articles are on the map.").format(n=len(self.atlas))
            )
        reason = self.session.online_failure_to_report()
        if reason:
            show_status(
                self,
                self.tr(
                    "Online lookups are off for this session ({reason}); offline places are shown."
                ).format(reason=reason),
            )
        if failures:
            show_error(self, self.tr("Some files could not be opened"), failures)

    @QtCore.Slot()
    def _on_idle(self) -> None:
        self.progress_bar.hide()
        self.cancel_button.hide()
        self.state_label.setText(
            self.tr("Ready") if self.session.pipeline is not None else self.tr("No language model")
        )
        self.projects.restore_pending()
        self.reviewing.refresh()  # the queue follows the analyses (and decisions) just made
        self.idle.emit()

    @QtCore.Slot(bool)
    def _on_online_toggled(self, enabled: bool) -> None:
        settings_dialogs.remember_online_lookups(enabled)
        self.session.set_online(enabled)
        if enabled and self.session.queue_reanalysis():
            self.analysis.start_next_batch()

    # -- showing the atlas ----------------------------------------------------------
    def _show_atlas(self) -> None:
        """Show the atlas as it is now: lists, pins, counts and the open place."""
        # Lazy: folium (~0.4 s) loads with the first pins, after the window is up.
        from mapper.page.mapview import PinsEncoder

        self.session.forget_missing_article()
        self._show_home()
        self.article_list.set_articles(self.atlas.articles)
        self.article_list.choose(self.session.chosen_article or "")
        self._show_actors()
        self.filter_panel.set_event_types(self.session.event_types, self.atlas.event_type_counts())
        # Every pin goes to the page once; the page applies the filter itself.
        if self._pins_encoder is None:
            self._pins_encoder = PinsEncoder()
        self.map_view.set_pins(
            self._pins_encoder.encode(self.atlas, event_types=self.session.event_types)
        )
        self._apply_filter()

    @QtCore.Slot()
    def _apply_filter(self) -> None:
        """Narrow the lists, the excerpts, the timeline and the map to the current filter."""
        facets = self.session.shown(self.filter_panel.current_filter())
        self.timeline.set_excerpt_days(excerpt_spans(self.atlas, facets))
        self._apply_range()

    @QtCore.Slot()
    def _apply_range(self) -> None:
        """Narrow the lists, the excerpts and the map to the current filter and range."""
        where = self.current_filter()
        self.range_label.setText(self.timeline.describe())
        self.place_list.set_places(
            self.atlas.places(where=where), self.atlas.mention_counts(where=where)
        )
        self.map_view.set_filter(where)
        if self.place_id is not None:
            if self.place_list.item_for(self.place_id) is not None:
                self._show_place(self.place_id)
            else:
                self._clear_place()
        if self.place_id is None:
            self._show_search(where)
        self._update_counts()

    def _show_actors(self) -> None:
        """The Filters panel's actors: the chosen article's (with their counts in it), or
        every article's."""
        chosen = self.session.chosen_article
        if chosen is None:
            self.filter_panel.set_actors(self.atlas.actors, self.atlas.actor_counts())
        else:
            self.filter_panel.set_actors(
                self.atlas.actors, self.atlas.actor_counts([chosen]), only_counted=True
            )

    def _update_counts(self) -> None:
        """The status bar's counts: what the map shows (filters, article, timeline) of
        what is open."""
        articles, places = len(self.atlas), len(self.atlas.places())
        where = self.current_filter()
        # The Places list holds exactly the places shown (counted once, in _apply_range).
        shown = places if where.is_open else self.place_list.topLevelItemCount()
        if shown == places:
            place_text = (
                self.tr("1 place") if places == 1 else self.tr("{n} places").format(n=places)
            )
        else:
            place_text = self.tr("{shown} of {n} places shown").format(shown=shown, n=places)
        chosen = len(where.articles) if where.articles is not None else articles
        if chosen == articles:
            article_text = (
                self.tr("1 article")
                if articles == 1
                else self.tr("{n} articles").format(n=articles)
            )
        else:
            article_text = self.tr("{chosen} of {n} articles").format(chosen=chosen, n=articles)
        self.counts_label.setText(f"{place_text} \u00b7 {article_text}")
        self.counts_label.setToolTip(
            self.tr("Places on the map (with the filters and the timeline) and articles open")
        )

    @QtCore.Slot(str)
    def _show_place(self, place_id: str) -> None:
        """Fill the Excerpts panel with every excerpt of a place (in the articles shown)."""
        self.place_id = place_id
        excerpts = self.atlas.excerpts_for_place(place_id, where=self.current_filter())
        self.excerpt_list.set_excerpts(place_id, excerpts, self._search_matches())
        name = self.atlas.place(place_id).name
        # A sentence may name the place more than once: say both, as the popup does.
        mentions = sum(
            1 for excerpt in excerpts for mark in excerpt.highlights if mark.place_id == place_id
        )
        self.excerpts_dock.setWindowTitle(
            self.tr("Excerpts — {place} ({counts})").format(
                place=name, counts=mentions_in_excerpts(mentions, len(excerpts))
            )
        )
        self.place_list.select_place(place_id)
        self.excerpts_dock.show()
        self.excerpts_dock.raise_()

    def _search_matches(self) -> Mapping[str, tuple[tuple[int, int], ...]] | None:
        """The current search's matches (excerpt id → spans), None with no search."""
        text = self.filter_panel.applied_search
        return self.session.search(text).matches if text else None

    def _show_search(self, where: Filter) -> None:
        """No place chosen: with a search, the Excerpts panel lists every excerpt it matched
        that the other filters let through; without one, it is emptied."""
        self.excerpt_list.placeholder = self.excerpt_list.default_placeholder
        if where.excerpts is None:  # no search (or nothing in it to search for)
            self._clear_place()
            return
        matches = self._search_matches() or {}
        order = {article.id: index for index, article in enumerate(self.atlas.articles)}
        found = sorted(
            (
                excerpt
                for excerpt_id in matches
                if self.atlas.has_excerpt(excerpt_id)
                and self.atlas.passes(excerpt := self.atlas.excerpt(excerpt_id), where)
            ),
            key=lambda e: (order.get(e.article_id, len(order)), e.start),
        )
        quoted = f"\u201c{where.search}\u201d"
        if found:
            said = (
                self.tr("1 excerpt matches {text}")
                if len(found) == 1
                else self.tr("{count} excerpts match {text}")
            ).format(count=len(found), text=quoted)
        else:
            said = self.tr("No excerpt matches {text}").format(text=quoted)
            self.excerpt_list.placeholder = said
        # Listed up to a limit: thousands of wrapped rich-text rows would stall the panel.
        self.excerpt_list.set_excerpts(None, found[:SEARCH_LIST_LIMIT], matches)
        if len(found) > SEARCH_LIST_LIMIT:
            said += self.tr(" (first {shown} listed)").format(shown=SEARCH_LIST_LIMIT)
        self.excerpts_dock.setWindowTitle(said)
        self.excerpt_list.viewport().update()

    def _clear_place(self) -> None:
        self.place_id = None
        self.excerpt_list.set_excerpts(None, [])
        self.excerpts_dock.setWindowTitle(self.tr("Excerpts"))

    # -- user actions ---------------------------------------------------------------
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
        self._show_home()
        self.excerpt_list.select_excerpt(excerpt_id)
        self.reader_dock.show()
        self.reader_dock.raise_()

    @QtCore.Slot(str)
    def _on_article_chosen(self, article_id: str) -> None:
        """Show one article's places (or every article's, for "")."""
        self.session.choose_article(article_id)
        self._show_actors()  # the actors list narrows to the chosen article
        if article_id:
            self.reader.show_article(self.atlas.article(article_id))
            self._show_home()
        self._apply_filter()

    def _show_home(self) -> None:
        """The reader's line on its article's home region (it may have changed)."""
        shown = self.reader.article_id
        article = next((a for a in self.atlas.articles if a.id == shown), None) if shown else None
        if article is None or self.session.pipeline is None:  # it needs the gazetteer
            self.reader.set_home("")
            return
        self.reader.set_home(describe_home(self.session.home_of(article)))

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
            self.projects.shutdown()
            if self._remember_layout:
                self._save_layout()
            self.analysis.shutdown()
            if self._copier is not None:
                self._copier.close()
            for dialog in self._export_dialogs:
                if isValid(dialog):  # not deleted on close already
                    dialog.shutdown()
            self.map_view.shutdown()
        super().closeEvent(event)
