"""``dateline --self-test``: the app checks itself, headless, in a few seconds.

It runs the real window offscreen on the sample article (or the files given) with the
real pipeline (spaCy model, gazetteer), waits for the map page and its pins, clicks
the Caracas pin in the page (``Dateline.clickPin``, the first place when there is no
Caracas) and waits until the bridge's ``placeClicked`` has reached Python and filled
the Excerpts panel, exports a PNG of the current view through the Export dialog, checks
that the image is a map (many colours, not a blank page) and that Help ▸ About names
the version and the data credits, and prints one line::

    self-test ok: Dateline 0.1.0, 6 places, 5 excerpts for Caracas, PNG 674x927 (99 KB), 3.5 s

or ``self-test FAILED: <reason>``, exiting 0 or 1. It gives up after
:data:`TIMEOUT_S`. Works the same from source (``python main.py --self-test``) and in
the packaged app, which is what it is for: CI runs it on the built bundle.

Nothing of the user's is read or written: settings, corrections and event types live
in a temporary folder for the run, and the analysis cache is off so the model really
runs.
"""

from __future__ import annotations

import atexit
import faulthandler
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ui.environment import prepare_qt_environment
from ui.qt import QtCore, QtGui, QtWidgets

#: The whole self-test must finish within this many seconds.
TIMEOUT_S = 90.0
#: The place whose pin is clicked (the sample article's capital).
PLACE_NAME = "Caracas"
#: The window's size, so that the exported current view has the same size everywhere.
WINDOW_SIZE = QtCore.QSize(1400, 900)
#: Fewest distinct colours in the exported PNG: land, sea, borders, pins, legend, text.
MIN_COLOURS = 32

_POLL_MS = 50
#: Longest reason printed (an error box can hold a whole traceback's message).
_MAX_REASON = 500


def prepare_environment() -> Path:
    """Before the QApplication: headless Qt, and a private folder for the user's data.

    Returns that folder (removed when the process exits).
    """
    # Headless even on a desktop (QT_QPA_PLATFORM, when set, still wins), Chromium's
    # own stderr chatter down to fatal errors, and as root without its sandbox.
    prepare_qt_environment(headless=True)
    folder = Path(tempfile.mkdtemp(prefix="dateline-selftest-"))
    atexit.register(shutil.rmtree, folder, True)
    # The shipped defaults, not the user's corrections, event types or settings (which
    # might switch online lookups on); nothing the run changes reaches them either.
    os.environ["DATELINE_DATA_DIR"] = str(folder / "data")
    for settings_format in (
        QtCore.QSettings.Format.NativeFormat,
        QtCore.QSettings.Format.IniFormat,
    ):
        QtCore.QSettings.setPath(
            settings_format, QtCore.QSettings.Scope.UserScope, str(folder / "settings")
        )
    return folder


class SelfTest(QtCore.QObject):
    """Drives the main window through the self-test, then closes it.

    ``outcome["code"]`` is set to 0 or 1 and the result line is printed on stdout.
    """

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        folder: Path,
        outcome: dict[str, int],
        *,
        started: float | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        super().__init__(window)
        from ui.mainwindow import MainWindow

        assert isinstance(window, MainWindow)
        self._window = window
        self._png = folder / "self-test.png"
        self._outcome = outcome
        self._started = time.monotonic() if started is None else started
        self._timeout_s = timeout_s
        self._done = False
        self._place_id = ""
        self._place_name = ""
        self._clicked: str | None = None
        self._dialog: QtWidgets.QDialog | None = None
        self._step: Callable[[], None] = self._wait_for_pins
        self._doing = "mapping the articles"
        window.map_view.place_clicked.connect(self._on_place_clicked)
        self._poll = QtCore.QTimer(self)
        self._poll.setInterval(_POLL_MS)
        self._poll.timeout.connect(self._on_poll)
        self._poll.start()
        self._deadline = QtCore.QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._on_deadline)
        self._deadline.start(int(timeout_s * 1000))
        # A last resort when the event loop itself is stuck (no timer would fire).
        self._watchdog = threading.Timer(timeout_s + 30, self._on_stuck)
        self._watchdog.daemon = True
        self._watchdog.start()
        # And if the watchdog cannot run either (a thread holding the interpreter lock):
        # every thread's stack to stderr and exit 1, from C, a quarter of a minute later.
        faulthandler.dump_traceback_later(timeout_s + 45, exit=True)

    # -- the steps, polled -----------------------------------------------------------
    @QtCore.Slot()
    def _on_poll(self) -> None:
        if self._done:
            return
        problem = self._problem_shown()
        if problem:
            self._fail(problem)
        elif self._window.map_view.load_ok is False:
            self._fail("the map page did not load")
        else:
            self._step()

    def _wait_for_pins(self) -> None:
        window = self._window
        if window.is_busy or not window.map_view.pins_settled:
            return
        places = window.atlas.places()
        if not places:
            self._fail(f"no places found in {len(window.atlas)} article(s)")
            return
        if window.map_view.pin_count == 0:
            self._fail(f"{len(places)} places found but the map shows no pins")
            return
        chosen = next((p for p in places if p.name == PLACE_NAME), places[0])
        self._place_id, self._place_name = chosen.id, chosen.name
        self._step = self._wait_for_click
        self._doing = f"waiting for the click on the {chosen.name} pin"
        window.map_view.call("clickPin", chosen.id, callback=self._on_pin_clicked)

    def _on_pin_clicked(self, found: object) -> None:
        if found is not True:
            self._fail(f"the page has no pin for {self._place_name} ({found!r})")

    @QtCore.Slot(str)
    def _on_place_clicked(self, place_id: str) -> None:
        """The bridge's placeClicked, arrived in Python."""
        self._clicked = place_id

    def _wait_for_click(self) -> None:
        if self._clicked is None:
            return
        if self._clicked != self._place_id:
            self._fail(f"the page reported a click on {self._clicked}, not {self._place_id}")
            return
        if self._window.excerpt_list.count() == 0:
            self._fail(f"no excerpts shown for {self._place_name}")
            return
        self._doing = "exporting the PNG"
        dialog = self._window.show_export_dialog()
        dialog.set_format("png")
        dialog.exported.connect(self._on_exported)
        self._dialog = dialog
        self._step = self._export_when_ready

    def _export_when_ready(self) -> None:
        from ui.export_dialog import ExportDialog

        dialog = self._dialog
        assert isinstance(dialog, ExportDialog)
        if dialog.state is None:  # still asking the map where it is
            return
        self._step = self._wait_for_export
        dialog.export_to(self._png)

    def _wait_for_export(self) -> None:
        pass  # the dialog's exported signal, or an error box, ends this step

    @QtCore.Slot(str)
    def _on_exported(self, _message: str) -> None:
        if self._done:
            return
        image = QtGui.QImage(str(self._png))
        if image.isNull():
            self._fail(f"the exported PNG cannot be read back: {self._png}")
            return
        colours = _colour_count(image)
        if colours < MIN_COLOURS:
            self._fail(f"the exported PNG looks blank ({colours} colours)")
            return
        version = self._check_about_box()
        if version is None:
            return
        elapsed = time.monotonic() - self._started
        size_kb = round(self._png.stat().st_size / 1024)
        self._finish(
            0,
            f"self-test ok: Dateline {version}, {len(self._window.atlas.places())} places, "
            f"{self._window.excerpt_list.count()} excerpts for {self._place_name}, "
            f"PNG {image.width()}x{image.height()} ({size_kb} KB), {elapsed:.1f} s",
        )

    def _check_about_box(self) -> str | None:
        """Help ▸ About names the version and credits the data; the version, or None."""
        from ui.about import app_version

        box = self._window.show_about()
        text = box.text()
        box.close()
        version = app_version()
        missing = [word for word in (version, "GeoNames", "Natural Earth") if word not in text]
        if missing:
            self._fail(f"the About box does not mention {', '.join(missing)}")
            return None
        return version

    # -- ending --------------------------------------------------------------------------
    def _problem_shown(self) -> str:
        """The text of an error box the window or the Export dialog opened, on one line."""
        for name in ("errorBox", "exportErrorBox"):
            for box in self._window.findChildren(QtWidgets.QMessageBox, name):
                if box.isVisible():  # "title\n\nmessages": "title: messages"
                    parts = (" ".join(part.split()) for part in box.text().split("\n\n"))
                    return ": ".join(part for part in parts if part)
        return ""

    @QtCore.Slot()
    def _on_deadline(self) -> None:
        self._fail(f"timed out after {self._timeout_s:g} s while {self._doing}")

    def _on_stuck(self) -> None:  # the watchdog thread
        print(
            f"self-test FAILED: stuck for {self._timeout_s + 30:g} s while {self._doing}",
            flush=True,
        )
        os._exit(1)

    def _fail(self, reason: str) -> None:
        if len(reason) > _MAX_REASON:
            reason = reason[: _MAX_REASON - 1] + "…"
        self._finish(1, f"self-test FAILED: {reason}")

    def _finish(self, code: int, line: str) -> None:
        if self._done:
            return
        self._done = True
        self._poll.stop()
        self._deadline.stop()
        self._watchdog.cancel()
        faulthandler.cancel_dump_traceback_later()
        print(line, flush=True)
        sys.stderr.flush()
        self._outcome["code"] = code
        self._window.close()
        QtWidgets.QApplication.quit()


def _colour_count(image: QtGui.QImage, samples: int = 64) -> int:
    """Distinct colours on a grid of ``samples`` × ``samples`` points of the image."""
    width, height = image.width(), image.height()
    return len(
        {
            image.pixel(x * (width - 1) // (samples - 1), y * (height - 1) // (samples - 1))
            for x in range(samples)
            for y in range(samples)
        }
    )
