"""Files from the File menu: articles and folders to open (a folder with its home
region), projects to open and save.

:class:`ProjectFiles` is the user's side of projects: the Open/Save dialogs,
saving off the UI thread (:class:`~ui.saver.ProjectWriter`), the autosaved
recovery copy and the offer to get it back, and the recent projects menu
(stored in QSettings). What a project holds, and when work counts as saved,
is the session's (:class:`~mapper.session.Session`).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mapper.session import Session
from mapper.sources import SUPPORTED_SUFFIXES
from mapper.store.project import ProjectError
from ui import app_info
from ui.messages import show_error, show_status
from ui.qt import QtCore, QtWidgets, isValid
from ui.saver import ProjectWriter

if TYPE_CHECKING:
    from collections.abc import Callable

    from mapper.filters import Filter
    from ui.analysis import AnalysisRunner
    from ui.mapwidget import MapView

log = logging.getLogger(__name__)

_SAVE, _AUTOSAVE = "save", "autosave"  # what a project write is for
AUTOSAVE_MS = 3 * 60 * 1000  # a recovery copy of unsaved work every three minutes
_PROJECT_FILES = "Dateline projects (*.dateline)"


class Facets(Protocol):
    """What a project keeps of the filter: the Filters panel's facets and the timeline's
    range (:class:`ui.timeline.FacetsWithRange`; a :class:`ui.filters.FilterPanel` alone)."""

    def current_filter(self) -> Filter: ...

    def restore(self, where: Filter) -> None: ...


def ask_article_files(parent: QtWidgets.QWidget) -> list[Path]:
    """File ▸ Open…: the article files the user picks (none if cancelled)."""
    settings = app_info.settings()
    folder = str(settings.value("open/folder", "") or "")
    patterns = " ".join(f"*{suffix}" for suffix in SUPPORTED_SUFFIXES)
    names, _ = QtWidgets.QFileDialog.getOpenFileNames(
        parent,
        parent.tr("Open Articles"),
        folder,
        f"{parent.tr('Articles')} ({patterns});;{parent.tr('All files')} (*)",
    )
    if names:
        settings.setValue("open/folder", str(Path(names[0]).parent))
    return [Path(name) for name in names]


def ask_article_folder(window: QtWidgets.QMainWindow) -> list[Path]:
    """File ▸ Import Folder…: the folder the user picks (its articles are found on opening)."""
    settings = app_info.settings()
    folder = QtWidgets.QFileDialog.getExistingDirectory(
        window, window.tr("Import Folder"), str(settings.value("open/folder", "") or "")
    )
    if not folder:
        return []
    settings.setValue("open/folder", folder)
    return [Path(folder)]


def ask_folder_home(
    window: QtWidgets.QMainWindow,
    session: Session,
    folder: Path,
    reanalyse: Callable[[], None],
) -> QtWidgets.QDialog | None:
    """Import Folder's second question: what the folder's articles are local to (default:
    automatic, each article's dateline or outlet). Not blocking: the import goes on while
    it is asked, the articles analysed from then on follow the answer and those already
    mapped are mapped again (``reanalyse`` starts that). None before the gazetteer is
    loaded (it comes with the pipeline, in a second or two): right-click then.
    """
    from ui.article_menu import HomeRegionDialog, home_question

    if session.pipeline is None:
        show_status(
            window,
            window.tr("Right-click an article to say what its folder's articles are local to."),
        )
        return None
    key = str(folder)
    dialog = HomeRegionDialog(
        home_question("folder", key),
        "",  # the folder's articles are not read yet: no home region to show
        session.pipeline.gazetteer,
        session.home_settings.get("folder", key),
        window,
    )
    dialog.setObjectName("folderHomeDialog")

    def answered() -> None:
        if session.set_home("folder", key, dialog.chosen()):
            reanalyse()

    dialog.accepted.connect(answered)
    dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def load_home_folders() -> dict[str, str]:
    """The user's home regions of folders (folder -> place id), as stored; a stored value
    that is not such a mapping counts as none."""
    stored = app_info.settings().value("homes/folders", "")
    try:
        data = json.loads(str(stored or "{}"))
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str) and k}


def store_home_folders(folders: dict[str, str]) -> None:
    """Remember the user's home regions of folders (for every project)."""
    app_info.settings().setValue("homes/folders", json.dumps(folders, ensure_ascii=False))


class ProjectFiles(QtCore.QObject):
    """Opening, saving, autosaving and recovering projects for the window.

    ``refresh`` shows the atlas at once (after a project replaced it).

    Signals:
        saved(str): a project file was written (its path).
        failed(str): a project could not be saved (the reason).
    """

    saved = QtCore.Signal(str)
    failed = QtCore.Signal(str)

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        session: Session,
        analysis: AnalysisRunner,
        map_view: MapView,
        filter_panel: Facets,
        refresh: Callable[[], None],
        *,
        autosave_ms: int = AUTOSAVE_MS,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._analysis = analysis
        self._map_view = map_view
        self._filter_panel = filter_panel
        self._refresh = refresh
        self._load_recent()
        session.recent_changed.connect(self._store_recent)
        # Saves are written off the UI thread, in order (a big project takes seconds).
        self._writer = ProjectWriter(self)
        self._writer.written.connect(self._on_written)
        # Autosave: while there are unsaved changes, a recovery copy is written every
        # few minutes (and at close), and offered back at the next start.
        self.autosave_timer = QtCore.QTimer(self)
        self.autosave_timer.setInterval(autosave_ms)
        self.autosave_timer.timeout.connect(self._autosave_in_background)
        self.autosave_timer.start()

    # -- opening ------------------------------------------------------------------------
    def open(self, path: Path) -> bool:
        """Replace what is open with a project; a bad file is reported and changes nothing."""
        session = self._session
        self._load_recent()
        try:
            session.open_project(path)
        except ProjectError as error:
            show_error(self._window, self.tr("The project could not be opened"), [str(error)])
            return False
        self._analysis.stop()  # the batch under way was for what was open before
        count = len(session.project_corrections)
        if count:
            show_status(
                self._window,
                self.tr(
                    "This project brings {n} corrections of its own: they apply to this "
                    "project only (File ▸ Make Project's Corrections Mine keeps them for "
                    "every article)."
                ).format(n=count),
            )
        self._refresh()
        self._analysis.start_next_batch()
        if not self._analysis.is_busy:
            self.restore_pending()
        return True

    def restore_pending(self) -> None:
        """Apply a project's filters and map view once its articles are on the map."""
        pending = self._session.take_pending_filter()
        if pending is not None:
            self._filter_panel.restore(pending)
        map_view, self._session.pending_map_view = self._session.pending_map_view, None
        if map_view is not None:  # the map applies it when its page is ready
            self._map_view.set_map_view(map_view)
        view = self._session.pending_view
        if view is not None and self._map_view.is_ready:
            self._map_view.call("setView", *view)
            self._session.pending_view = None

    @QtCore.Slot()
    def ask_open(self) -> None:
        """File ▸ Open Project…"""
        settings = app_info.settings()
        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self._window,
            self.tr("Open Project"),
            str(settings.value("projects/folder", "")),
            self.tr(_PROJECT_FILES),
        )
        if name:
            settings.setValue("projects/folder", str(Path(name).parent))
            self.open(Path(name))

    # -- saving ---------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Save articles, corrections, filters and the map view to ``path`` (atomically).

        The map's view is asked of the page first (asynchronously); the file is
        written when it answers. ``saved`` or ``failed`` follows.
        """
        if not self._map_view.is_ready:
            self._write(path, None)
            return

        def with_view(result: object) -> None:
            view = None
            try:
                data = json.loads(str(result))
                view = (float(data["lat"]), float(data["lon"]), float(data["zoom"]))
            except (ValueError, KeyError, TypeError):
                pass
            self._write(path, view)

        self._map_view.call("viewState", callback=with_view)

    def _write(self, path: Path, view: tuple[float, float, float] | None) -> None:
        project = self._session.begin_save(
            path, self._filter_panel.current_filter(), view, self._map_view.map_view_name
        )
        self._writer.write(path, project, _SAVE)
        show_status(self._window, self.tr("Saving {name}…").format(name=path.name), 0)

    @QtCore.Slot()
    def ask_save(self) -> None:
        """File ▸ Save Project (asks where when the project has no file yet)."""
        if self._session.project_path is None:
            self.ask_save_as()
        else:
            self.save(self._session.project_path)

    @QtCore.Slot()
    def ask_save_as(self) -> None:
        """File ▸ Save Project As…"""
        settings = app_info.settings()
        folder = self._session.project_path or Path(str(settings.value("projects/folder", "")))
        name, _ = QtWidgets.QFileDialog.getSaveFileName(
            self._window,
            self.tr("Save Project"),
            str(folder / "untitled.dateline"),
            self.tr(_PROJECT_FILES),
        )
        if name:
            path = Path(name)
            if path.suffix != ".dateline":
                path = path.with_name(path.name + ".dateline")
            settings.setValue("projects/folder", str(path.parent))
            self.save(path)

    @QtCore.Slot(str, str, str)
    def _on_written(self, where: str, purpose: str, error: str) -> None:
        if not isValid(self):
            return  # a queued call from the writer arriving after the window was deleted
        if purpose == _AUTOSAVE:
            if error:
                log.warning("Autosave failed: %s", error)
            else:
                self._session.recovery_written()
            return
        if error:
            self._window.statusBar().clearMessage()
            show_error(self._window, self.tr("The project could not be saved"), [error])
            self.failed.emit(error)
            return
        path = Path(where)
        self._load_recent()
        self._session.save_written(path)
        show_status(self._window, self.tr("Saved {name}").format(name=path.name))
        self.saved.emit(where)

    # -- autosave and recovery ----------------------------------------------------------------
    def autosave(self) -> Path | None:
        """Write a recovery copy of unsaved work now (never over the user's project file).

        Waits for saves already under way, so the copy is the newest file written.
        """
        if not self._session.needs_recovery_copy:
            return None
        self._writer.wait()
        return self._session.write_recovery_copy(
            self._filter_panel.current_filter(), self._map_view.map_view_name
        )

    @QtCore.Slot()
    def _autosave_in_background(self) -> None:
        """The autosave timer's: a recovery copy written off the UI thread."""
        session = self._session
        if session.needs_recovery_copy:
            project = session.project_now(
                self._filter_panel.current_filter(), map_view=self._map_view.map_view_name
            )
            self._writer.write(session.recovery_file, project, _AUTOSAVE)

    def offer_recovery(self) -> QtWidgets.QMessageBox | None:
        """If unsaved work was left by a crash or a quit, offer it back (not blocking)."""
        path = self._session.recovery_available()
        if path is None:
            return None
        stamp = QtCore.QDateTime.fromSecsSinceEpoch(int(path.stat().st_mtime))
        box = QtWidgets.QMessageBox(self._window)
        box.setObjectName("recoveryBox")
        box.setIcon(QtWidgets.QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Recover Unsaved Work"))
        box.setText(
            self.tr("Dateline kept a copy of unsaved work from {when}. Open it?").format(
                when=stamp.toString("yyyy-MM-dd HH:mm")
            )
        )
        restore = box.addButton(self.tr("Recover"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Discard"), QtWidgets.QMessageBox.ButtonRole.DestructiveRole)

        def on_clicked(button: QtWidgets.QAbstractButton) -> None:
            if button is restore and self.open(path):
                self._session.mark_recovered()
                return
            path.unlink(missing_ok=True)

        box.buttonClicked.connect(on_clicked)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def shutdown(self) -> None:
        """The window is closing: a last recovery copy, then every write finished."""
        self.autosave_timer.stop()
        self.autosave()  # unsaved work survives a quit too; offered at the next start
        self._writer.stop()

    # -- recent projects -------------------------------------------------------------------
    def fill_recent_menu(self, menu: QtWidgets.QMenu) -> None:
        """List the recent projects in ``menu`` (as stored: another window may have added)."""
        menu.clear()
        self._load_recent()
        recent = self._session.recent_projects
        for name in recent:
            action = menu.addAction(name)
            action.triggered.connect(lambda _checked=False, p=name: self.open(Path(p)))
        if not recent:
            menu.addAction(self.tr("(none)")).setEnabled(False)

    def _load_recent(self) -> None:
        """The recent projects as stored (another window may have added to them)."""
        stored = app_info.settings().value("projects/recent")
        self._session.use_recent(app_info.settings_list(stored))

    def _store_recent(self, recent: list[str]) -> None:
        app_info.settings().setValue("projects/recent", recent)
