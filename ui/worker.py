"""Work that must not block the window: loading the language model, analysing files.

An :class:`AnalysisWorker` lives in its own QThread for one batch of files. It
never touches a widget; everything it finds goes back to the UI thread by
signals. The pipeline it loads is handed back too, so the next batch reuses it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.types import Article
from ui.qt import QtCore

if TYPE_CHECKING:
    from mapper.pipeline import Pipeline

log = logging.getLogger(__name__)

#: Builds a pipeline; called in the worker thread with a progress callback.
PipelineFactory = Callable[[Callable[[str], None]], "Pipeline"]


def load_default_pipeline(progress: Callable[[str], None]) -> Pipeline:
    """The real pipeline (spaCy model); imported here so spaCy loads off the UI thread."""
    from mapper.pipeline import Pipeline

    return Pipeline.load(progress)


class Cancelled(BaseException):  # a stop request, like KeyboardInterrupt
    """Raised inside the worker thread to stop early when the window closes.

    A BaseException so that code between the raise and the worker (spaCy, the
    pipeline's own ``except Exception`` handlers) lets it through.
    """


class AnalysisWorker(QtCore.QObject):
    """Loads the pipeline if needed, then reads and analyses files one by one.

    Signals:
        progress(str, int, int): a status message, steps done, steps in all.
        pipeline_loaded(object): the loaded ``Pipeline`` (emitted once, if it was loaded here).
        pipeline_failed(str): the pipeline could not be loaded; a user-readable reason.
        analysed(object): the ``ArticleAnalysis`` of one file.
        failed(str, str): a file that could not be opened, and a user-readable reason.
        finished: the batch is done (or was cancelled); always emitted last.
    """

    progress = QtCore.Signal(str, int, int)
    pipeline_loaded = QtCore.Signal(object)
    pipeline_failed = QtCore.Signal(str)
    analysed = QtCore.Signal(object)
    failed = QtCore.Signal(str, str)
    finished = QtCore.Signal()

    def __init__(
        self,
        paths: Sequence[Path | Article],
        pipeline: Pipeline | None,
        factory: PipelineFactory,
    ) -> None:
        super().__init__()
        self._paths = list(paths)
        self._pipeline = pipeline
        self._factory = factory
        # Set from the UI thread, read here: an Event, not a signal, because this
        # thread is busy in run() and would only see a queued signal afterwards.
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the worker to stop at the next file (thread-safe)."""
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
            self.pipeline_loaded.emit(pipeline)
        from mapper.sources import SourceError, read_article

        for done, item in enumerate(self._paths):
            self._check_cancelled()
            # An Article is already read (re-analysis after a correction); a Path is not.
            name = item.name if isinstance(item, Path) else item.title
            self.progress.emit(f"Reading {name}…", done, total)
            try:
                article = read_article(item) if isinstance(item, Path) else item
                self._check_cancelled()
                analysis = pipeline.analyze(article)
            except SourceError as error:
                self.failed.emit(str(item), str(error))
                continue
            except Exception as error:  # one bad file must not stop the rest
                log.exception("Could not analyse %s", name)
                self.failed.emit(str(item), f"{name}: could not be analysed ({error})")
                continue
            self.analysed.emit(analysis)
        self.progress.emit("Ready", total, total)

    def _on_factory_progress(self, message: str) -> None:
        self._check_cancelled()
        self.progress.emit(message, 0, 0)

    def _check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled
