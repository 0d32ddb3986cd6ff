"""The process environment Qt and its Chromium need, set before the QApplication exists.

The one place for it; every entry point calls :func:`prepare_qt_environment` before
it makes its QApplication:

- the window: ``main.py`` (source and the packaged app) and ``ui.app.main`` (the
  ``dateline`` console script, which does not go through ``main.py``);
- the self-test (``ui.selftest.prepare_environment``): headless;
- the report renderer (``python -m ui.snapshot``, ``main.py --snapshot``; the
  ``mapper export`` CLI runs it as a subprocess): headless, with Qt's messages in the
  log (:func:`quiet_qt_messages`) so that stderr carries its one line only.

Values already in the environment win (the user's ``QT_QPA_PLATFORM``, a
``QTWEBENGINE_CHROMIUM_FLAGS`` that sets its own ``--log-level``), and calling it twice
changes nothing. No Qt is imported here until :func:`quiet_qt_messages` runs, so
``main.py`` can call this before anything imports Qt.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping

#: Chromium's own logging on stderr (a missing D-Bus, say): fatal errors only.
CHROMIUM_QUIET_FLAG = "--log-level=3"


def running_as_root() -> bool:
    """Whether this process runs as root (never on Windows)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def prepare_qt_environment(
    *, headless: bool, environ: MutableMapping[str, str] = os.environ
) -> None:
    """Set up ``environ`` for Qt WebEngine; call it before the QApplication is made.

    Always: as root, Chromium without its sandbox (``QTWEBENGINE_DISABLE_SANDBOX``).
    Chromium refuses to run as root with it on ("Running as root without --no-sandbox
    is not supported") and the map would never appear; every other user keeps it.

    ``headless`` (the self-test, the report renderer: nothing is shown on screen, and
    stdout or stderr carries one line for whoever ran us): Qt's offscreen platform
    (``QT_QPA_PLATFORM``, even on a desktop) and Chromium's stderr logging down to
    fatal errors (``--log-level=3`` in ``QTWEBENGINE_CHROMIUM_FLAGS``).
    """
    if running_as_root():
        environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if headless:
        environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        flags = environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--log-level" not in flags:
            environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} {CHROMIUM_QUIET_FLAG}".strip()


def quiet_qt_messages(logger: logging.Logger) -> None:
    """Send Qt's own messages (start-up chatter: no GPU, no Vulkan offscreen) to
    ``logger`` at debug level instead of stderr, for the rest of the process."""
    from ui.qt import QtCore

    def handler(_mode: QtCore.QtMsgType, _context: QtCore.QMessageLogContext, message: str) -> None:
        logger.debug("Qt: %s", message)

    _INSTALLED[:] = [handler]  # kept alive for as long as Qt may call it
    QtCore.qInstallMessageHandler(handler)


_INSTALLED: list[object] = []
