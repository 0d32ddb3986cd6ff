"""Many articles: folder import, cancel, cache, projects, and a window that stays responsive."""

from __future__ import annotations

import itertools
import json
import threading
import time
from pathlib import Path

import pytest
from conftest import PAGE_TIMEOUT_MS, close_window, open_window
from test_ui import pin_ids, run_js, wait_until_mapped

from ui import app_info
from ui.qt import QtCore, QtWidgets

CITIES = ["Lima", "Quito", "Lisbon", "Havana", "Madrid", "Cairo", "Nairobi", "Lagos", "Kyiv"]


def write_folder(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        sub = folder / ("nested" if i % 3 == 0 else "")
        sub.mkdir(exist_ok=True)
        path = sub / f"article_{i:03d}.txt"
        city = CITIES[i % len(CITIES)]
        path.write_text(
            f"Report {i}\n\nThousands rallied in {city} on Monday. Police said "
            f"the march in {city} was peaceful.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_folder_import_with_a_bad_file_among_good_ones(qtbot, window, tmp_path, monkeypatch):
    folder = tmp_path / "news"
    write_folder(folder, 12)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 binary")
    (folder / "notes.docx").write_bytes(b"PK")  # not an article type: skipped, not an error
    monkeypatch.setattr(
        QtWidgets.QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder)
    )
    window.menu_actions.import_folder.trigger()
    qtbot.waitUntil(lambda: len(window.atlas) == 13, timeout=PAGE_TIMEOUT_MS)
    wait_until_mapped(qtbot, window)
    boxes = [b for b in window.findChildren(QtWidgets.QMessageBox) if b.isVisible()]
    assert any("broken.txt: looks like a binary file" in b.text() for b in boxes)
    assert not any("notes.docx" in b.text() for b in boxes)
    names = {p.name for p in window.atlas.places()}
    assert set(CITIES) <= names
    assert {p.id for p in window.atlas.places()} <= pin_ids(qtbot, window)


def test_cancel_keeps_what_is_done_and_a_consistent_map(qtbot, window, tmp_path):
    paths = write_folder(tmp_path / "many", 80)
    pipeline = window.session.pipeline
    original = pipeline._analysis

    def slow(article, doc):
        time.sleep(0.03)
        return original(article, doc)

    pipeline._analysis = slow
    window.analysis.use_cache = False  # analyse for real, slowly
    try:
        window.open_paths(paths)
        qtbot.waitUntil(lambda: len(window.atlas) >= 10, timeout=PAGE_TIMEOUT_MS)
        assert window.cancel_button.isVisible()
        window.cancel_button.click()
        qtbot.waitUntil(lambda: not window.is_busy, timeout=PAGE_TIMEOUT_MS)
    finally:
        pipeline._analysis = original
    wait_until_mapped(qtbot, window)
    done = len(window.atlas)
    assert 10 <= done < 81
    assert "Cancelled" in window.statusBar().currentMessage()
    assert not window.cancel_button.isVisible()
    assert pin_ids(qtbot, window) == {p.id for p in window.atlas.places()}
    assert window.article_list.count() == done + 1  # "All articles" and each article


def test_reopening_articles_comes_from_the_cache(qtbot, window, tmp_path):
    paths = write_folder(tmp_path / "cached", 6)
    window.open_paths(paths)
    qtbot.waitUntil(lambda: len(window.atlas) == 7, timeout=PAGE_TIMEOUT_MS)
    cache = window.analysis.cache()
    assert cache is not None and len(cache) >= 7
    pipeline = window.session.pipeline
    fingerprint = pipeline.fingerprint()
    for analysis in window.atlas.analyses:
        assert cache.get(analysis.article, fingerprint) is not None


def test_the_window_stays_responsive_while_processing(qtbot, window, tmp_path):
    paths = write_folder(tmp_path / "load", 60)
    pipeline = window.session.pipeline
    original = pipeline._analysis

    def busy(article, doc):
        end = time.perf_counter() + 0.02  # CPU work in the worker thread
        while time.perf_counter() < end:
            pass
        return original(article, doc)

    pipeline._analysis = busy
    window.analysis.use_cache = False
    ticks: list[float] = []
    timer = QtCore.QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(20)
    try:
        window.open_paths(paths)
        qtbot.waitUntil(lambda: len(window.atlas) == 61, timeout=PAGE_TIMEOUT_MS)
    finally:
        timer.stop()
        pipeline._analysis = original
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 20
    assert max(gaps) < 0.5, f"the event loop stalled for {max(gaps):.2f} s"


def test_project_round_trip_restores_everything(qtbot, window, tmp_path, seed_paths):
    extra = tmp_path / "lima.txt"
    extra.write_text("Protests in Lima, Peru, drew thousands on Monday.", encoding="utf-8")
    window.open_paths([extra])
    qtbot.waitUntil(lambda: len(window.atlas) == 2, timeout=PAGE_TIMEOUT_MS)
    wait_until_mapped(qtbot, window)
    window.correct("Caracas", None)  # a correction travels with the project
    qtbot.waitUntil(lambda: not window.is_busy, timeout=PAGE_TIMEOUT_MS)
    window.filter_panel.set_checked(window.filter_panel.event_list, {"Protests"})
    wait_until_mapped(qtbot, window)
    run_js(qtbot, window, "Dateline.setView(10.5, -66.9, 6)")
    window.menu_actions.map_view_actions["choropleth"].trigger()  # View ▸ Choropleth
    assert window.isWindowModified()

    path = tmp_path / "crisis.dateline"
    with qtbot.waitSignal(window.project_saved, timeout=PAGE_TIMEOUT_MS):
        window.save_project(path)
    assert path.exists() and not window.isWindowModified()
    assert window.windowTitle().startswith("crisis")

    again = open_window(qtbot, [])
    try:
        assert again.open_project(path)
        qtbot.waitUntil(
            lambda: len(again.atlas) == 2 and not again.is_busy, timeout=PAGE_TIMEOUT_MS
        )
        wait_until_mapped(qtbot, again)
        assert {a.title for a in again.atlas.articles} == {a.title for a in window.atlas.articles}
        assert "Caracas" not in {p.name for p in again.atlas.places()}
        assert again.filter_panel.ticked_event_types() == {"Protests"}
        assert json.loads(run_js(qtbot, again, "Dateline.filterState()"))["eventTypes"] == [
            "Protests"
        ]
        view = json.loads(run_js(qtbot, again, "Dateline.viewState()"))
        assert abs(view["lat"] - 10.5) < 0.5 and abs(view["lon"] + 66.9) < 0.5
        assert view["zoom"] == 6
        # It opens on the choropleth it was saved on, the View menu ticked to match.
        assert again.map_view.map_view_name == "choropleth"
        assert again.menu_actions.map_view_actions["choropleth"].isChecked()
        qtbot.waitUntil(
            lambda: (
                "dl-view-choropleth"
                in run_js(qtbot, again, "document.querySelector('.leaflet-container').className")
            ),
            timeout=10_000,
        )
        assert str(path) in app_info.settings().value("projects/recent")
    finally:
        close_window(qtbot, again)


@pytest.mark.parametrize("content", [b"", b"garbage", b"\x1f\x8b\x08\x00broken"])
def test_a_bad_project_file_is_reported_and_changes_nothing(qtbot, window, tmp_path, content):
    path = tmp_path / "bad.dateline"
    path.write_bytes(content)
    before = [a.id for a in window.atlas.articles]
    assert not window.open_project(path)
    boxes = [b for b in window.findChildren(QtWidgets.QMessageBox) if b.isVisible()]
    assert any("bad.dateline" in b.text() for b in boxes)
    assert [a.id for a in window.atlas.articles] == before


def slow_writes(monkeypatch) -> tuple[list[str], threading.Event]:
    """Project writes that wait for a go (and record the thread they ran on)."""
    import ui.saver

    threads: list[str] = []
    go = threading.Event()
    real_save = ui.saver.save_project

    def save(path, project):
        threads.append(threading.current_thread().name)
        assert go.wait(10), "the test never let the write finish"
        real_save(path, project)

    monkeypatch.setattr(ui.saver, "save_project", save)
    return threads, go


def test_the_window_keeps_running_while_a_project_is_written(qtbot, window, tmp_path, monkeypatch):
    threads, go = slow_writes(monkeypatch)
    ticks: list[float] = []
    timer = QtCore.QTimer(window)
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    path = tmp_path / "slow.dateline"
    window.save_project(path)
    qtbot.waitUntil(lambda: bool(threads), timeout=PAGE_TIMEOUT_MS)
    qtbot.wait(300)  # the write is under way and waiting: the event loop must still turn
    assert len(ticks) >= 5 and "Saving slow.dateline" in window.statusBar().currentMessage()
    assert threads == ["project-writer"]
    with qtbot.waitSignal(window.project_saved, timeout=PAGE_TIMEOUT_MS):
        go.set()
    timer.stop()
    assert path.exists() and window.windowTitle().startswith("slow")


def test_a_change_made_during_a_save_stays_unsaved(qtbot, window, tmp_path, monkeypatch):
    threads, go = slow_writes(monkeypatch)
    window.save_project(tmp_path / "p.dateline")
    qtbot.waitUntil(lambda: bool(threads), timeout=PAGE_TIMEOUT_MS)
    extra = tmp_path / "lima.txt"
    extra.write_text("Protests in Lima, Peru, drew thousands on Monday.", encoding="utf-8")
    window.open_paths([extra])
    qtbot.waitUntil(lambda: len(window.atlas) == 2 and not window.is_busy, timeout=PAGE_TIMEOUT_MS)
    with qtbot.waitSignal(window.project_saved, timeout=PAGE_TIMEOUT_MS):
        go.set()
    assert window.isWindowModified(), "Lima came after the save: it is not in the file"


def test_a_background_autosave_never_outlives_the_save_after_it(qtbot, window, tmp_path):
    from mapper.store.project import recovery_path

    extra = tmp_path / "quito.txt"
    extra.write_text("Talks in Quito, Ecuador.", encoding="utf-8")
    window.open_paths([extra])
    qtbot.waitUntil(lambda: len(window.atlas) == 2 and not window.is_busy, timeout=PAGE_TIMEOUT_MS)
    window.projects.autosave_timer.timeout.emit()  # the three-minute timer fires
    with qtbot.waitSignal(window.project_saved, timeout=PAGE_TIMEOUT_MS):
        window.save_project(tmp_path / "p.dateline")
    qtbot.wait(100)
    assert not recovery_path().exists() and not window.isWindowModified()
