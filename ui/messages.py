"""Telling the user things: a transient status-bar line, or a box that does not block."""

from __future__ import annotations

from collections.abc import Sequence

from ui.qt import QtCore, QtWidgets

#: How long a status-bar message stays.
STATUS_TIMEOUT_MS = 10_000


def show_status(
    window: QtWidgets.QMainWindow, message: str, timeout_ms: int = STATUS_TIMEOUT_MS
) -> None:
    """A line in the window's status bar for a while (0: until the next one)."""
    window.statusBar().showMessage(message, timeout_ms)


def show_error(
    parent: QtWidgets.QWidget, title: str, messages: Sequence[str]
) -> QtWidgets.QMessageBox:
    """Tell the user what failed, without blocking the window."""
    box = QtWidgets.QMessageBox(parent)
    box.setObjectName("errorBox")
    box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    # File names and reasons are shown as typed, never interpreted as markup.
    box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    box.setText(title + "\n\n" + "\n".join(messages))
    box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Close)
    box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
