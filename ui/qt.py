"""The one place that imports the Qt bindings; the rest of ``ui`` imports from here.

Keeping every binding import in one module (a qutebrowser habit) makes the
choice of binding, and Qt's import-order rule, a single decision:
``QtWebEngineWidgets`` must be imported before the ``QApplication`` exists
(Qt initialises WebEngine's shared OpenGL contexts at that import), so it is
imported here, and ``ui.app`` imports this module before it builds the
application.
"""

from __future__ import annotations

from PySide6 import (
    QtCore,
    QtGui,
    QtWebChannel,
    QtWebEngineCore,
    QtWebEngineWidgets,
    QtWidgets,
)
from shiboken6 import isValid

__all__ = [
    "QtCore",
    "QtGui",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineWidgets",
    "QtWidgets",
    "isValid",
]
