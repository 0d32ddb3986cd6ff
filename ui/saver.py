"""Writes project files on a background thread, one at a time, in the order asked.

A 1,000-article project takes over a second to encode and compress; written on
the UI thread, every Save and every autosave froze the window for that long.
The :class:`~mapper.store.project.Project` handed over is immutable, so the thread
needs nothing else from the window. One thread and a queue keep the writes in
order: an autosave asked before a Save is on disk before the Save, so the
window's clean-up after the Save (removing the recovery copy) is never undone
by a late autosave.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

from mapper.store.project import Project, ProjectError, save_project
from ui.qt import QtCore

log = logging.getLogger(__name__)


class ProjectWriter(QtCore.QObject):
    """Saves projects off the UI thread.

    Signals:
        written(str, str, str): the path, the ``purpose`` given to :meth:`write`, and ""
            when the file was written or the reason it was not.
    """

    written = QtCore.Signal(str, str, str)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.Queue[tuple[Path, Project, str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def write(self, path: Path, project: Project, purpose: str) -> None:
        """Queue a write of ``project`` to ``path``; ``written`` tells when it is done."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="project-writer", daemon=True)
            self._thread.start()
        self._jobs.put((path, project, purpose))

    def wait(self) -> None:
        """Block until every queued write is on disk (before quitting, or a synchronous write)."""
        if self._thread is not None:
            self._jobs.join()

    def stop(self) -> None:
        """Finish the queued writes, then end the thread (the window is closing)."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                path, project, purpose = job
                try:
                    save_project(path, project)
                    error = ""
                except ProjectError as failure:
                    error = str(failure)
                except Exception as failure:  # never lose the thread: report, go on
                    log.exception("Saving %s failed", path)
                    error = f"{path.name}: cannot be written ({failure})"
                self.written.emit(str(path), purpose, error)
            finally:
                self._jobs.task_done()
