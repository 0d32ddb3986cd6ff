"""Test setup: headless Qt WebEngine, isolated settings, the seed window, no leaked threads."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Before any QApplication exists (pytest-qt makes it lazily, in the qapp fixture):
# no display here, and Chromium refuses to start as root with its sandbox on.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
# The gazetteer index is a pure function of the packaged data: tests keep theirs in
# the checkout (built once, reused between runs), away from the user's cache.
os.environ.setdefault("DATELINE_CACHE_DIR", str(Path(__file__).parent.parent / ".cache" / "tests"))

from ui.qt import QtCore, QtWidgets, isValid

#: Generous: the first page load in a session starts Chromium's processes.
PAGE_TIMEOUT_MS = 30_000
#: The virtual screen of the offscreen platform.
SCREEN = {
    "name": "test-screen",
    "x": 0,
    "y": 0,
    "width": 1920,
    "height": 1200,
    "logicalDpi": 96,
    "logicalBaseDpi": 96,
    "dpr": 1,
}


@pytest.fixture(scope="session")
def qapp_args(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The one place with the Qt and Chromium arguments of the test session."""
    args = [
        "dateline-tests",
        "--disable-gpu",  # no GPU here; software rendering without probing for one
        "--disable-features=DnsOverHttps,MediaRouter",  # nothing that might reach the network
        "--log-level=3",  # Chromium's own stderr logging: fatal errors only
    ]
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        # The offscreen screen is 800×800 by default; give it a desktop's size so the
        # window opens at its real default size (1400×900) and geometry is not clamped.
        config = tmp_path_factory.mktemp("qpa") / "offscreen.json"
        config.write_text(json.dumps({"screens": [SCREEN]}), encoding="utf-8")
        args += ["-platform", f"offscreen:configfile={config}"]
    return args


@pytest.fixture(scope="session", autouse=True)
def gazetteer_index() -> None:
    """Build the gazetteer index (first run only) before any test times a page or window."""
    from mapper.geo.gazetteer import Gazetteer

    Gazetteer.open().close()


@pytest.fixture(scope="session", autouse=True)
def isolated_user_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Corrections and other user data go to a temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("userdata")
    previous = os.environ.get("DATELINE_DATA_DIR")
    os.environ["DATELINE_DATA_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("DATELINE_DATA_DIR", None)
    else:
        os.environ["DATELINE_DATA_DIR"] = previous


@pytest.fixture(autouse=True)
def fresh_user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own user data folder: corrections, taxonomy copies and recovery
    files one test saves must not change what the next one sees."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv("DATELINE_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fail any test whose Python code tries to reach another machine.

    Loopback stays allowed (Qt and Chromium talk to themselves); every other
    connect() is refused and recorded, and the test fails at teardown.
    """
    attempts: list[object] = []
    original_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if self.family == socket.AF_UNIX or str(host) in ("127.0.0.1", "::1", "localhost"):
            return original_connect(self, address)  # type: ignore[arg-type]
        attempts.append(address)
        raise ConnectionRefusedError(f"tests may not use the network (tried {address!r})")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield attempts
    assert not attempts, f"network connection attempted: {attempts}"


@pytest.fixture(scope="session", autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """QSettings of the whole session go to a temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("settings")
    scopes = (QtCore.QSettings.Scope.UserScope, QtCore.QSettings.Scope.SystemScope)
    formats = (QtCore.QSettings.Format.NativeFormat, QtCore.QSettings.Format.IniFormat)
    for scope in scopes:
        for settings_format in formats:
            QtCore.QSettings.setPath(settings_format, scope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def fresh_settings(isolated_settings: Path) -> Iterator[None]:
    """Every test starts with no remembered window layout."""
    from ui.app_info import APPLICATION, ORGANIZATION

    QtCore.QSettings(ORGANIZATION, APPLICATION).clear()
    yield


@pytest.fixture(autouse=True)
def no_dangling_qthreads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail a test that leaves a QThread (or a thread-pool job) running (a napari habit)."""
    started: list[QtCore.QThread] = []
    original_start = QtCore.QThread.start

    def start(self: QtCore.QThread, *args: object) -> None:
        started.append(self)
        original_start(self, *args)

    monkeypatch.setattr(QtCore.QThread, "start", start)
    yield
    running = [t for t in started if isValid(t) and t.isRunning()]
    for thread in running:  # do not let the next test inherit them
        thread.quit()
        thread.wait(10_000)
    assert not running, f"test left {len(running)} QThread(s) running"
    pool = QtCore.QThreadPool.globalInstance()
    assert pool.activeThreadCount() == 0, "test left thread-pool jobs running"


@pytest.fixture
def open_offscreen(qtbot) -> Iterator[Callable[..., Any]]:
    """Opens report or map pages offscreen (1000 × 700 unless told), closed after the test."""
    from atlas_factory import OffscreenPage

    pages: list[OffscreenPage] = []

    def open_(path: Path, size: tuple[int, int] = (1000, 700)) -> OffscreenPage:
        page = OffscreenPage(qtbot, path, size, offline=True)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


@pytest.fixture
def seed_paths() -> list[Path]:
    from mapper.sources import seed_paths

    paths = seed_paths()
    assert paths, "no seed article"
    return paths


def open_window(qtbot, paths: list[Path], factory=None):
    """A MainWindow on these files (model-free pipeline unless told), mapped and ready."""
    from mapper.pipeline import Pipeline
    from ui.mainwindow import MainWindow

    window = MainWindow(paths, pipeline_factory=factory or Pipeline.blank)
    view = window.map_view
    window.show()
    with qtbot.waitSignal(view.loadFinished, timeout=PAGE_TIMEOUT_MS) as load:
        pass  # the window started loading the page; Qt delivers the signal in the wait
    assert load.args == [True], "the map page did not load"
    # The bridge's pageReady may come before or after loadFinished.
    qtbot.waitUntil(lambda: view.is_ready, timeout=PAGE_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.is_busy and view.pins_settled, timeout=PAGE_TIMEOUT_MS)
    return window


def close_window(qtbot, window) -> None:
    """Close the window, stop the page and delete the view explicitly.

    QtWebEngine segfaults at exit if a page outlives the application, so the
    teardown does not leave deletion to Python's garbage collector.
    """
    if not isValid(window):
        return
    for box in window.findChildren(QtWidgets.QMessageBox):
        box.close()
    window.close()
    thread = window.analysis_thread
    assert thread is None or not isValid(thread) or not thread.isRunning()
    view = window.map_view
    if isValid(view):
        view.stop()
        view.shutdown()
        view.deleteLater()
    window.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    qtbot.wait(10)


@pytest.fixture
def window(qtbot, seed_paths):
    """The main window on the seed article, analysed with Pipeline.blank (no model)."""
    main_window = open_window(qtbot, seed_paths)
    try:
        yield main_window
    finally:
        close_window(qtbot, main_window)
