"""Issue 16: files that could not be opened are told as such (a failure of the analysis is
not: tests/test_ui.py, test_a_model_that_fails_to_load_is_reported)."""

from __future__ import annotations

from pathlib import Path

from ui.qt import QtWidgets


def test_a_missing_file_is_still_a_file_that_could_not_be_opened(
    qtbot, window, tmp_path: Path
) -> None:
    window.open_paths([tmp_path / "gone.txt"])
    qtbot.waitUntil(lambda: window.findChild(QtWidgets.QMessageBox, "errorBox") is not None)
    box = window.findChild(QtWidgets.QMessageBox, "errorBox")
    assert box.windowTitle() == "Some files could not be opened"
    assert "gone.txt" in box.text()
