"""Reading and analysing files while the window stays responsive.

:class:`AnalysisRunner` runs the session's import queue one batch at a time,
each on an :class:`~ui.worker.AnalysisThread` (the first batch also loads the
language pipeline), puts the results on the session's atlas and reports
progress, failures and the end of the work. :class:`RefreshThrottle` keeps a
big import from spending its time redrawing the map after every article.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from mapper.session import Session
from mapper.store.cache import AnalysisCache
from ui.qt import QtCore, isValid
from ui.worker import AnalysisThread, AnalysisWorker, PipelineFactory

if TYPE_CHECKING:
    from mapper.geo.corrections import Corrections
    from mapper.pipeline import Pipeline
    from mapper.types import ArticleAnalysis

log = logging.getLogger(__name__)

_REFRESH_INTERVAL_MS = 300  # while articles arrive, the map and lists update this often...
# ...or less often when the atlas is big: a refresh (here and in the page) may take this share
# of the time at most, so that the spaCy processes keep the cores while a thousand articles
# come in,
_REFRESH_SHARE = 0.2
_REFRESH_INTERVAL_MAX_MS = 8_000  # and the map still moves every few seconds.


class RefreshThrottle(QtCore.QObject):
    """Shows the atlas now, or soon: at most a few times a second, less when it is costly.

    ``show`` draws everything; ``page_seconds`` is what the page spent on the
    last pins it drew (it draws asynchronously, so it is measured there).
    """

    def __init__(
        self,
        show: Callable[[], None],
        page_seconds: Callable[[], float],
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._show = show
        self._page_seconds = page_seconds
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_REFRESH_INTERVAL_MS)
        self._timer.timeout.connect(self.now)

    def soon(self) -> None:
        """Show the atlas when the interval is up (one refresh for many requests)."""
        if not self._timer.isActive():
            self._timer.start()

    @QtCore.Slot()
    def now(self) -> None:
        """Show the atlas as it is now."""
        started = time.perf_counter()
        self._show()
        # The next refresh during an import waits in proportion to what this one cost,
        # with the page's part measured on the last pins it drew.
        spent_ms = (time.perf_counter() - started + self._page_seconds()) * 1000
        wait_ms = spent_ms * (1 - _REFRESH_SHARE) / _REFRESH_SHARE
        self._timer.setInterval(
            int(min(max(wait_ms, _REFRESH_INTERVAL_MS), _REFRESH_INTERVAL_MAX_MS))
        )

    def cancel(self) -> None:
        """Forget a refresh that was asked for (one is about to happen anyway)."""
        self._timer.stop()


class AnalysisRunner(QtCore.QObject):
    """Analyses what the session queues, a batch at a time, off the UI thread.

    Nothing starts before :meth:`start` (the window calls it once the map page
    is written). Results go onto ``session``'s atlas and ``refresh`` shows them.

    Signals:
        progress(str, int, int): a status message, steps done, steps in all (0: busy).
        file_failed(str): a file could not be opened (a user-readable reason).
        analysis_failed(list): when a batch ends, the reasons the language model could not
            be loaded or the analysis stopped: not a file's fault, so told apart from the
            files that could not be opened (which go with ``batch_finished``).
        pipeline_loaded: the session has its pipeline now.
        batch_finished(list, bool): a batch ended; the failures to show, and whether
            the user cancelled it.
        idle: nothing is being analysed and nothing waits.
    """

    progress = QtCore.Signal(str, int, int)
    file_failed = QtCore.Signal(str)
    analysis_failed = QtCore.Signal(list)
    pipeline_loaded = QtCore.Signal()
    batch_finished = QtCore.Signal(list, bool)
    idle = QtCore.Signal()

    def __init__(
        self,
        session: Session,
        refresh: RefreshThrottle,
        pipeline_factory: PipelineFactory,
        *,
        use_cache: bool = True,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._refresh = refresh
        self._pipeline_factory = pipeline_factory
        #: Whether analyses are kept in (and taken from) the analysis cache.
        self.use_cache = use_cache
        self._analysis_cache: AnalysisCache | None = None
        self._run: AnalysisThread | None = None  # the batch being analysed, if any
        self._started = False  # the first batch waits for the map page to be written
        self._load_pipeline_only = False
        self._failures: list[str] = []
        self._analysis_failures: list[str] = []
        self._cancelled = False
        self._closing = False

    # -- state ----------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        """Whether a batch is being analysed."""
        return self._run is not None

    @property
    def is_busy(self) -> bool:
        """Whether files are being read or analysed, or wait for it."""
        return self._run is not None or self._session.has_queued

    @property
    def running_thread(self) -> QtCore.QThread | None:
        """The thread analysing the current batch (None when idle)."""
        return self._run.thread if self._run is not None else None

    def cache(self) -> AnalysisCache | None:
        """The analysis cache (opened on first use; None if off or it cannot be opened)."""
        if not self.use_cache:
            return None
        if self._analysis_cache is None:
            try:
                self._analysis_cache = AnalysisCache()
            except Exception:  # no cache is slower, never broken
                log.exception("The analysis cache cannot be opened")
                self.use_cache = False
        return self._analysis_cache

    # -- control --------------------------------------------------------------------
    def start(self, *, preload: bool = False) -> None:
        """The window is ready: start the first batch (``preload``: load the model even
        with nothing to analyse, for the files to come)."""
        self._started = True
        self._load_pipeline_only = preload
        self.start_next_batch()

    def start_next_batch(self) -> None:
        """Analyse everything queued now, unless a batch is under way (it follows then)."""
        session = self._session
        preload = self._load_pipeline_only and session.pipeline is None
        self._load_pipeline_only = False
        if self._run is not None or self._closing or not self._started:
            return
        if not session.has_queued and not preload:
            return
        worker = AnalysisWorker(
            session.take_queue(),
            session.pipeline,
            self._pipeline_factory,
            self.cache(),
            project_corrections=session.project_corrections if session.pipeline is None else None,
        )
        worker.progress.connect(self._on_worker_progress)
        worker.pipeline_loaded.connect(self._on_pipeline_loaded)
        worker.pipeline_failed.connect(self._on_pipeline_failed)
        worker.analysed_many.connect(self._on_analysed_many)
        worker.failed.connect(self._on_failed)
        run = AnalysisThread(worker)
        run.finished.connect(self._on_thread_finished)
        self._run = run
        self.progress.emit(self.tr("Starting…"), 0, 0)
        run.start()

    def cancel(self) -> bool:
        """Stop the current import (what is done stays); False if there was none."""
        if self._run is None and not self._session.has_queued:
            return False
        self._session.clear_queue()
        if self._run is not None:
            self._run.cancel()
        self._cancelled = True
        return True

    def stop(self) -> None:
        """Cancel the running batch and wait for its thread to end (the queue stays)."""
        if self._run is not None:
            self._run.stop(30_000)

    def shutdown(self) -> None:
        """The window is closing: forget the queue, stop, and ignore what the worker still
        sends."""
        self._closing = True
        self._session.clear_queue()
        self.stop()

    # -- from the worker ------------------------------------------------------------
    @QtCore.Slot(str, int, int)
    def _on_worker_progress(self, message: str, done: int, total: int) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        if not self._closing:
            self.progress.emit(message, done, total)

    @QtCore.Slot(object, object)
    def _on_pipeline_loaded(self, pipeline: Pipeline, own_corrections: Corrections) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        self._session.use_pipeline(pipeline, own_corrections)
        self.pipeline_loaded.emit()

    @QtCore.Slot(str)
    def _on_pipeline_failed(self, message: str) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        if not self._closing:
            self._analysis_failures.append(
                self.tr("The language model could not be loaded: ") + message
            )

    @QtCore.Slot(list)
    def _on_analysed_many(self, analyses: list[ArticleAnalysis]) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        if self._closing:
            return
        self._session.add_analyses(analyses)
        # Refresh at most a few times a second: a big import must not spend its time
        # redrawing lists and re-sending pins after every article.
        self._refresh.soon()

    def report_failures(self, messages: list[str]) -> None:
        """Files that will not be read (found so while scanning): told with the next batch's."""
        self._failures.extend(messages)

    @QtCore.Slot(str, str)
    def _on_failed(self, path: str, message: str) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        if self._closing:
            return
        if not path:  # the worker's "Analysis stopped: …": no file to blame
            self._analysis_failures.append(message)
            return
        log.info("Could not open %s: %s", path, message)
        self._failures.append(message)
        self.file_failed.emit(message)

    @QtCore.Slot()
    def _on_thread_finished(self) -> None:
        if not isValid(self):
            return  # a queued call from the worker arriving after the window was deleted
        run, self._run = self._run, None
        if run is not None:
            run.join()  # released when this slot returns, once the thread has really ended
        self._session.end_initial_import()
        if self._closing:
            return
        self._refresh.cancel()
        self._refresh.now()
        cancelled, self._cancelled = self._cancelled, False
        failures, self._failures = self._failures, []
        analysis_failures, self._analysis_failures = self._analysis_failures, []
        if analysis_failures:
            self.analysis_failed.emit(analysis_failures)
        self.batch_finished.emit(failures, cancelled)
        if self._session.has_queued:
            self.start_next_batch()
            return
        self.idle.emit()
