"""Work that must not block the window: loading the language model, analysing files.

An :class:`AnalysisWorker` lives in its own QThread for one batch of files. It
never touches a widget; everything it finds goes back to the UI thread by
signals. The pipeline it loads is handed back too, so the next batch reuses it.

:class:`AnalysisThread` is the one owner of a worker and its QThread (see there
for why ownership must be unambiguous).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.atlas import build_excerpts
from mapper.types import Article
from ui.qt import QtCore

if TYPE_CHECKING:
    from mapper.geo.corrections import Corrections
    from mapper.pipeline import Pipeline
    from mapper.store.cache import AnalysisCache
    from mapper.types import ArticleAnalysis

log = logging.getLogger(__name__)

#: Builds a pipeline; called in the worker thread with a progress callback.
PipelineFactory = Callable[[Callable[[str], None]], "Pipeline"]


def load_default_pipeline(progress: Callable[[str], None]) -> Pipeline:
    """The real pipeline (spaCy model); imported here so spaCy loads off the UI thread."""
    from mapper.pipeline import Pipeline

    return Pipeline.load(progress)


#: Longest wait between two hand-overs of results to the window (seconds).
_EMIT_INTERVAL_S = 0.25


class Cancelled(BaseException):  # a stop request, like KeyboardInterrupt
    """Raised inside the worker thread to stop early when the window closes.

    A BaseException so that code between the raise and the worker (spaCy, the
    pipeline's own ``except Exception`` handlers) lets it through.
    """


class AnalysisWorker(QtCore.QObject):
    """Loads the pipeline if needed, then reads the files and analyses them in batches.

    Signals:
        progress(str, int, int): a status message, steps done, steps in all.
        pipeline_loaded(object, object): the loaded ``Pipeline`` and the user's own
            ``Corrections`` it was loaded with (before a project's were added; emitted
            once, if it was loaded here).
        pipeline_failed(str): the pipeline could not be loaded; a user-readable reason.
        analysed_many(list): ``ArticleAnalysis`` records ready since the last emission.
        failed(str, str): a file that could not be opened, and a user-readable reason.
        finished: the batch is done (or was cancelled); always emitted last.
    """

    progress = QtCore.Signal(str, int, int)
    pipeline_loaded = QtCore.Signal(object, object)
    pipeline_failed = QtCore.Signal(str)
    analysed_many = QtCore.Signal(list)
    failed = QtCore.Signal(str, str)
    finished = QtCore.Signal()

    def __init__(
        self,
        paths: Sequence[Path | Article],
        pipeline: Pipeline | None,
        factory: PipelineFactory,
        cache: AnalysisCache | None = None,
        project_corrections: Corrections | None = None,
    ) -> None:
        """``project_corrections`` join a pipeline loaded here before its first analysis."""
        super().__init__()
        self._project_corrections = project_corrections
        self._paths = list(paths)
        self._cache = cache
        self._pipeline = pipeline
        self._factory = factory
        # Set from the UI thread, read here: an Event, not a signal, because this
        # thread is busy in run() and would only see a queued signal afterwards.
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the worker to stop at the next article (thread-safe)."""
        self._cancel.set()

    @QtCore.Slot()
    def run(self) -> None:
        """Do the whole batch; runs in the worker thread."""
        try:
            self._run()
        except Cancelled:
            log.info("Analysis cancelled")
        finally:
            self.finished.emit()

    def _run(self) -> None:
        total = len(self._paths)
        pipeline = self._pipeline
        if pipeline is None:
            self.progress.emit("Loading language model…", 0, 0)
            try:
                pipeline = self._factory(self._on_factory_progress)
            except Cancelled:
                raise
            except Exception as error:  # reported to the user, not a crash
                log.exception("Could not load the language pipeline")
                self.pipeline_failed.emit(f"{type(error).__name__}: {error}")
                return
            own_corrections = pipeline.corrections
            if self._project_corrections:
                # A project opened before the model: its corrections must apply to
                # the very first analyses, yet stay the project's (not the user's).
                pipeline.corrections = own_corrections.merged(self._project_corrections)
            self.pipeline_loaded.emit(pipeline, own_corrections)
        from mapper.sources import SourceError, read_article

        # Read every file first (fast), reporting the ones that cannot be read...
        articles: list[Article] = []
        for done, item in enumerate(self._paths):
            self._check_cancelled()
            if not isinstance(item, Path):
                articles.append(item)  # already read: re-analysis after a correction
                continue
            if done % 20 == 0:
                self.progress.emit(f"Reading {item.name}…", 0, total)
            try:
                articles.append(read_article(item))
            except SourceError as error:
                self.failed.emit(str(item), str(error))
            except Exception as error:  # one bad file must not stop the rest
                log.exception("Could not read %s", item)
                self.failed.emit(str(item), f"{item.name}: could not be read ({error})")
        # ...then analyse them in one stream (cached ones at once, the rest batched
        # through spaCy), handing results over in small groups so the map fills in.
        ready: list[ArticleAnalysis] = []
        last_emit = time.monotonic()
        analyses = pipeline.analyze_many(
            articles,
            cache=self._cache,
            progress=lambda message: self.progress.emit(message, 0, 0),  # a busy bar
        )
        try:
            for done, analysis in enumerate(analyses, start=1):
                ready.append(analysis)
                now = time.monotonic()
                if now - last_emit >= _EMIT_INTERVAL_S or done == len(articles):
                    # Their excerpts built here, not by the atlas's rebuild on the UI thread.
                    build_excerpts(ready)
                    self.analysed_many.emit(ready)
                    ready, last_emit = [], time.monotonic()
                    self.progress.emit(
                        f"Analysed {done} of {len(articles)} articles", done, len(articles)
                    )
                self._check_cancelled()
        except Cancelled:
            if ready:
                self.analysed_many.emit(ready)  # keep what is done: a consistent state
            raise
        except Exception as error:  # an analysis crash: report it, keep what was done
            log.exception("Analysis failed")
            if ready:
                self.analysed_many.emit(ready)
            self.failed.emit("", f"Analysis stopped: {type(error).__name__}: {error}")
        finally:
            close = getattr(analyses, "close", None)
            if close is not None:
                close()  # stops spaCy's worker processes if we leave early
        self.progress.emit("Ready", total, total)

    def _on_factory_progress(self, message: str) -> None:
        self._check_cancelled()
        self.progress.emit(message, 0, 0)

    def _check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled


class AnalysisThread:
    """One batch of analysis on its own QThread; the only owner of the worker and the thread.

    Python owns both objects: neither has a Qt parent and neither is handed to
    ``deleteLater``. Before, the window dropped its Python references when the
    thread finished while Qt's deferred deletes (and the window as parent) could
    also delete them: two owners, and a segfault when a busy machine let the two
    race. Here the references are released only by :meth:`release`, after the
    thread has really ended, so no wrapper is dropped while its C++ object can
    still run or emit.
    """

    def __init__(self, worker: AnalysisWorker) -> None:
        self.worker = worker
        self.thread = QtCore.QThread()
        self.thread.setObjectName("dateline-analysis")
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        # Direct: quit() is thread-safe, and the thread must end even while the UI
        # thread is blocked waiting for it (closing the window).
        worker.finished.connect(self.thread.quit, QtCore.Qt.ConnectionType.DirectConnection)

    @property
    def finished(self) -> QtCore.SignalInstance:
        """The thread's ``finished`` signal (queued to whoever connects from the UI thread)."""
        return self.thread.finished

    def start(self) -> None:
        """Start the batch."""
        self.thread.start()

    def cancel(self) -> None:
        """Ask the worker to stop at the next article (returns at once)."""
        self.worker.cancel()

    def stop(self, timeout_ms: int) -> bool:
        """Cancel and wait for the thread to end; False if it is still running after the wait."""
        self.worker.cancel()
        self.thread.quit()
        # The worker stops between files; loading the model cannot be interrupted,
        # but takes a couple of seconds at most.
        if self.thread.wait(timeout_ms):
            return True
        log.error("The analysis thread did not stop within %d ms", timeout_ms)
        _UNFINISHED.append(self)  # never destroy a running QThread (Qt aborts the process)
        return False

    def join(self) -> None:
        """Wait for the thread's very end (``finished`` is emitted just before it)."""
        if not self.thread.wait(30_000):
            _UNFINISHED.append(self)


#: Threads that did not stop when asked: kept alive so Qt never destroys a running QThread.
_UNFINISHED: list[AnalysisThread] = []
