"""The window with hostile and broken input, and with unsaved work after a crash."""

from __future__ import annotations

import json

from badinput import make_corpus
from conftest import PAGE_TIMEOUT_MS, close_window, open_window
from test_ui import click_pin, pin_ids, popup_text, run_js, wait_until_mapped

from mapper.store.project import recovery_path
from ui.qt import QtWidgets

VECTORS = (
    "Protests in Caracas <script>window.__pwned=1</script> grew. "
    'Police in Lima saw <img src=x onerror="window.__pwned=2"> banners. '
    'Marchers in Quito chanted "><svg onload=window.__pwned=3>. '
    "A link javascript:window.__pwned=4 spread in Havana. "
    '</textarea></title><iframe srcdoc="<script>parent.__pwned=5</script>"></iframe> in Madrid.'
)


def visible_boxes(window) -> list[QtWidgets.QMessageBox]:
    return [b for b in window.findChildren(QtWidgets.QMessageBox) if b.isVisible()]


def test_bad_input_corpus_in_the_window(qtbot, window, tmp_path):
    expected = make_corpus(tmp_path / "corpus")
    window.open_paths([tmp_path / "corpus"])
    good = sum(1 for why in expected.values() if why is None)
    qtbot.waitUntil(
        lambda: len(window.atlas) >= good and not window.is_busy, timeout=PAGE_TIMEOUT_MS
    )
    wait_until_mapped(qtbot, window)
    text = "\n".join(b.text() for b in visible_boxes(window))
    for name, why in expected.items():
        if why is not None and not name.endswith(".pdf"):  # a folder import skips other types
            assert f"{name}: {why}" in text
    assert "notes.pdf" not in text
    assert "Traceback" not in text
    # Duplicates are one article (same content); everything readable is on the map.
    assert len(window.atlas) == good  # the seed, minus one duplicate, plus the rest
    assert {p.id for p in window.atlas.places()} <= pin_ids(qtbot, window)


def test_a_folder_with_a_pipe_and_a_link_out_imports_the_rest_and_says_why(qtbot, window, tmp_path):
    """A FIFO hung the import (and Cancel) before; a link out of the folder was read."""
    import os

    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("Protesters marched in Lima on Monday.", encoding="utf-8")
    os.mkfifo(folder / "b.txt")
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Officials met in Oslo.", encoding="utf-8")
    (folder / "c.txt").symlink_to(secret)
    (folder / "d.txt").write_text("Talks resumed in Quito.", encoding="utf-8")
    before = len(window.atlas)
    window.open_paths([folder])
    qtbot.waitUntil(
        lambda: not window.is_busy and len(window.atlas) == before + 2, timeout=PAGE_TIMEOUT_MS
    )
    wait_until_mapped(qtbot, window)
    names = {p.name for p in window.atlas.places()}
    assert {"Lima", "Quito"} <= names and "Oslo" not in names
    qtbot.waitUntil(lambda: bool(visible_boxes(window)), timeout=5_000)
    text = "\n".join(b.text() for b in visible_boxes(window))
    assert "b.txt: not a regular file (a named pipe)" in text
    assert "c.txt: a link to a file outside the folder, skipped" in text


def test_script_in_an_article_never_runs(qtbot, tmp_path):
    article = tmp_path / "vectors.txt"
    article.write_text(VECTORS, encoding="utf-8")
    window = open_window(qtbot, [article])
    try:
        for name in ("Caracas", "Lima", "Quito", "Havana", "Madrid"):
            click_pin(qtbot, window, name)
            qtbot.wait(200)
        shown = popup_text(qtbot, window) or ""
        assert "<iframe" in shown or "Madrid" in shown
        assert run_js(qtbot, window, "typeof window.__pwned") == "undefined"
        assert (
            run_js(
                qtbot,
                window,
                "document.querySelectorAll('iframe, svg[onload], img[onerror]').length",
            )
            == 0
        )
    finally:
        close_window(qtbot, window)


def test_unsaved_work_is_offered_back_after_a_crash(qtbot, window, tmp_path):
    extra = tmp_path / "lima.txt"
    extra.write_text("Protests in Lima, Peru, drew thousands on Monday.", encoding="utf-8")
    window.open_paths([extra])
    qtbot.waitUntil(lambda: len(window.atlas) == 2 and not window.is_busy, timeout=PAGE_TIMEOUT_MS)
    assert window.isWindowModified()
    saved = window.autosave()
    assert saved == recovery_path() and saved.exists()
    titles = {a.title for a in window.atlas.articles}

    # "Crash": a new window starts while the recovery file is still there.
    again = open_window(qtbot, [])
    try:
        box = again.offer_recovery()
        assert box is not None and "unsaved work" in box.text()
        recover = next(b for b in box.buttons() if b.text() == "Recover")
        recover.click()
        qtbot.waitUntil(
            lambda: len(again.atlas) == 2 and not again.is_busy, timeout=PAGE_TIMEOUT_MS
        )
        assert {a.title for a in again.atlas.articles} == titles
        assert again.isWindowModified()
    finally:
        close_window(qtbot, again)
    recovery_path().unlink(missing_ok=True)


def test_saving_the_project_removes_the_recovery_copy(qtbot, window, tmp_path):
    extra = tmp_path / "quito.txt"
    extra.write_text("Talks in Quito, Ecuador.", encoding="utf-8")
    window.open_paths([extra])
    qtbot.waitUntil(lambda: len(window.atlas) == 2 and not window.is_busy, timeout=PAGE_TIMEOUT_MS)
    assert window.autosave() is not None
    with qtbot.waitSignal(window.project_saved, timeout=PAGE_TIMEOUT_MS):
        window.save_project(tmp_path / "p.dateline")
    assert not recovery_path().exists()
    assert window.autosave() is None  # nothing unsaved


def test_opening_a_damaged_project_leaves_it_untouched(qtbot, window, tmp_path):
    path = tmp_path / "damaged.dateline"
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00broken")
    before = path.read_bytes()
    assert not window.open_project(path)
    assert path.read_bytes() == before
    assert any("damaged.dateline" in b.text() for b in visible_boxes(window))
    assert json.loads(run_js(qtbot, window, "Dateline.pinIds()"))
