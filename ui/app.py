"""Starting the Dateline window: command line, QApplication, main window."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ui.environment import prepare_qt_environment
from ui.qt import QtCore, QtGui, QtWidgets  # before the QApplication: imports QtWebEngineWidgets

log = logging.getLogger(__name__)

#: How long --screenshot waits for the seed to be mapped before giving up.
_SCREENSHOT_TIMEOUT_S = 180.0


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options and files; anything else starting with "-" is left to Qt and Chromium."""
    parser = argparse.ArgumentParser(
        prog="dateline",
        description="Pin the places that news articles mention on an offline map.",
    )
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="articles to open (.txt, .md, .html, .htm); with none, the built-in sample article",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation headless: map the sample article (or FILES), click "
        "a pin, export a PNG, print one line and exit 0 (1 with the reason on failure)",
    )
    # Hidden: maps the files, clicks the first pin, saves the window as PNG and exits
    # (the README screenshot; a smoke test of a packaged build).
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help=argparse.SUPPRESS)
    parser.add_argument("--screenshot-place", default="Caracas", help=argparse.SUPPRESS)
    parser.add_argument(
        "--screenshot-view", choices=("pins", "choropleth", "heat"), help=argparse.SUPPRESS
    )
    # Hidden: print when the window was shown and when the pins were, as wall-clock
    # times (JSON on stdout), then quit. The start-up benchmark reads it.
    parser.add_argument("--startup-report", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_known_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the app; ``argv`` is the whole command line, program name first (``sys.argv``)."""
    started = time.monotonic()
    argv = list(sys.argv if argv is None else argv)
    from mapper.pipeline import use_spawn

    use_spawn()  # spaCy's worker processes must not be forked from a threaded Qt app
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        args, qt_args = parse_args(argv[1:])
    except SystemExit as exit_:  # --help, or a usage error argparse already printed
        return exit_.code if isinstance(exit_.code, int) else 2
    selftest_folder: Path | None = None
    if args.self_test:
        from ui import selftest

        selftest_folder = selftest.prepare_environment()  # headless, before the QApplication
        logging.getLogger().setLevel(logging.WARNING)  # stdout carries the one result line
    else:
        # Before the QApplication; main.py did it already, the "dateline" console
        # script (this function) did not.
        prepare_qt_environment(headless=False)

    from ui.about import app_version
    from ui.app_info import APPLICATION, ORGANIZATION
    from ui.mainwindow import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([argv[0], *qt_args])
    assert isinstance(app, QtWidgets.QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Dateline")
    app.setApplicationVersion(app_version())
    # Matches packaging/dateline.desktop: desktops find the window's launcher and icon.
    app.setDesktopFileName("dateline")
    app.setWindowIcon(app_icon())

    paths: list[Path] = args.files
    if not paths:
        from mapper.sources import seed_paths

        paths = seed_paths()
    # Projects (a .dateline double-clicked) open as with File ▸ Open Project, before any
    # articles given with them, which are then added to the project, not replaced by it.
    projects = [path for path in paths if path.suffix.lower() == ".dateline"]
    # Folders are read as File ▸ Import Folder reads them (their articles, recursively).
    folders = [path for path in paths if path.is_dir()]
    driven = args.screenshot is not None or args.self_test
    window = MainWindow(
        [] if projects or folders else paths,
        remember_layout=not driven,
        use_cache=not args.self_test,
    )
    if projects:
        window.open_paths([*projects, *(path for path in paths if path not in projects)])
    elif folders:
        window.open_paths(paths)
    if driven:
        window.reset_layout(QtCore.QSize(1400, 900))  # the README's size, whatever the screen
    window.show()
    if not driven and not args.startup_report:
        window.offer_recovery()
    if args.startup_report:
        _report_startup(window)
    outcome = {"code": 0}
    if args.screenshot is not None:
        if args.screenshot_view:  # the choropleth or heat map: no pin to click, as it is
            window.menu_actions.map_view_actions[args.screenshot_view].trigger()
        place = "" if args.screenshot_view in ("choropleth", "heat") else args.screenshot_place
        _Screenshot(window, args.screenshot, place, outcome)
    if selftest_folder is not None:
        selftest.SelfTest(window, selftest_folder, outcome, started=started)
    code = app.exec()
    window.close()  # already closed when the user quit; stops the worker and the page
    # QtWebEngine wants its views gone before the application (it segfaults otherwise).
    window.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    return code or outcome["code"]


def app_icon() -> QtGui.QIcon:
    """Dateline's icon in every size rendered from resources/icons/dateline.svg."""
    from mapper.resources import resource_path

    icon = QtGui.QIcon()
    for size in (16, 32, 48, 64, 128, 256, 512):
        path = resource_path(f"icons/dateline-{size}.png")
        if path.is_file():
            icon.addFile(str(path), QtCore.QSize(size, size))
    return icon


def _report_startup(window: QtWidgets.QMainWindow) -> None:
    """Print when the window is on screen and when its pins are, then quit."""

    from ui.mainwindow import MainWindow

    assert isinstance(window, MainWindow)
    times: dict[str, float] = {}

    def shown() -> None:
        times["window_shown_at"] = time.time()

    def check() -> None:
        if not window.is_busy and window.map_view.pins_settled and window.map_view.pin_count:
            times["pins_shown_at"] = time.time()
            timer.stop()
            print(json.dumps(times), flush=True)
            window.close()

    QtCore.QTimer.singleShot(0, shown)  # the first turn of the event loop: painted
    timer = QtCore.QTimer(window)
    timer.setInterval(20)
    timer.timeout.connect(check)
    timer.start()


class _Screenshot(QtCore.QObject):
    """Drives the window for ``--screenshot``: wait, click a pin and an excerpt, grab, quit."""

    def __init__(
        self, window: QtWidgets.QMainWindow, path: Path, place_name: str, outcome: dict[str, int]
    ) -> None:
        super().__init__(window)
        from ui.mainwindow import MainWindow

        assert isinstance(window, MainWindow)
        self._window = window
        self._path = path
        self._place_name = place_name
        self._outcome = outcome
        self._started = time.monotonic()
        self._step: Callable[[], bool] = self._wait_for_pins
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._on_timeout)
        self._timer.start()

    @QtCore.Slot()
    def _on_timeout(self) -> None:
        if self._window.map_view.load_ok is False:
            log.error("--screenshot: the map page did not load")
            self._finish(1)
        elif time.monotonic() - self._started > _SCREENSHOT_TIMEOUT_S:
            log.error("--screenshot: the map was not ready in time")
            self._finish(1)
        elif self._step():
            pass

    def _wait_for_pins(self) -> bool:
        window = self._window
        if window.is_busy or not window.map_view.pins_settled:
            return False
        log.info("Pins shown %.1f s after start", time.monotonic() - self._started)
        places = window.atlas.places()
        if not places or not self._place_name:
            self._grab_later(1500 if places else 500)
            return True
        chosen = next((p for p in places if p.name == self._place_name), places[0])
        window.map_view.call("clickPin", chosen.id)
        self._step = self._wait_for_excerpts
        return True

    def _wait_for_excerpts(self) -> bool:
        excerpts = self._window.excerpt_list
        if excerpts.count() == 0:
            return False
        item = excerpts.item(0)
        excerpts.setCurrentItem(item)
        excerpts.itemClicked.emit(item)
        self._grab_later(1500)  # let the map finish flying and the popup open
        return True

    def _grab_later(self, delay_ms: int) -> None:
        self._timer.stop()
        QtCore.QTimer.singleShot(delay_ms, self._grab)

    def _grab(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        ok = self._window.grab().save(str(self._path))
        if ok:
            log.info("Saved %s", self._path)
        else:
            log.error("Could not save %s", self._path)
        self._finish(0 if ok else 1)

    def _finish(self, code: int) -> None:
        self._timer.stop()
        self._outcome["code"] = code
        self._window.close()
