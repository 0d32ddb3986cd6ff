"""Export figures: the seed article's current view to PNG and PDF, as File ▸ Export… does it.

The real window opens on the seed article (``Pipeline.blank``, no model) at its default
size; once the map shows its pins, each export asks the live map for its view, composes
the report page (``mapper.export.html``) and renders it offscreen (``ui.snapshot``), and writes
the file. Seconds, from the request until the file is written:

- ``png_export_current_view_s``: the median of a few PNG exports of the current view at 1×
  (target ≤ 1 s), by a renderer that has drawn the dialog's preview first (as the Export
  button finds it: its offscreen view is up, the header and footer are measured);
- ``png_export_current_view_2x_s``: the same at 2× pixel density;
- ``pdf_export_s``: the current view on one A4 landscape page;
- ``png_export_cold_s``: the worst case: a new renderer (a new offscreen view and
  profile) and a composition never measured, so the page may be rendered twice (the
  first Edit ▸ Copy Map Image of a session is like this).

Run alone with ``python -m bench.export``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.page import application, spin_until

RUNS = 3
TARGET_PNG_S = 1.0
#: What a wait that runs out says.
LATE = "the export did not finish in time"


def _export_seconds(window: Any, renderer: Any, out: Path | None, settings: Any) -> float:
    """One export of the window's current view (``out=None``: an image only, a preview)."""
    from mapper.export.layout import MapState
    from ui.export_dialog import capture_map_state

    outcome: list[object] = []
    renderer.finished.connect(outcome.append)
    renderer.failed.connect(outcome.append)
    started = time.perf_counter()

    def render(state: MapState) -> None:
        renderer.start(state, settings, out)

    capture_map_state(
        window.map_view, window.atlas, window.current_filter(), window.session.event_types, render
    )
    try:
        spin_until(lambda: bool(outcome), failure=LATE)
    finally:
        renderer.finished.disconnect(outcome.append)
        renderer.failed.disconnect(outcome.append)
    seconds = time.perf_counter() - started
    if isinstance(outcome[0], str):
        raise RuntimeError(f"export failed: {outcome[0]}")
    if out is not None and not out.is_file():
        raise RuntimeError(f"{out} was not written")
    return seconds


def _close(renderer: Any) -> None:
    from ui.qt import QtCore

    renderer.close()
    renderer.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)


def run() -> dict[str, Any]:
    """Open the seed article in the window, then time PNG and PDF exports of its view."""
    application()
    from mapper.export.layout import ReportSettings, forget_frame_heights
    from mapper.pipeline import Pipeline
    from mapper.sources import seed_paths
    from ui.export_dialog import ReportRenderer
    from ui.mainwindow import MainWindow
    from ui.qt import QtCore

    window = MainWindow(seed_paths(), pipeline_factory=Pipeline.blank, remember_layout=False)
    window.show()
    try:
        spin_until(lambda: not window.is_busy and window.map_view.pins_settled, failure=LATE)
        with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
            folder = Path(tmp)
            settings = ReportSettings(title="Bench: the seed article", date="2026-01-01")
            on_paper = ReportSettings(**{**vars(settings), "paper": "a4"})
            forget_frame_heights()
            cold = ReportRenderer()
            png_cold = _export_seconds(window, cold, folder / "cold.png", settings)
            _close(cold)

            renderer = ReportRenderer()
            try:
                for preview in (settings, on_paper):  # what the dialog shows first
                    _export_seconds(window, renderer, None, preview)
                png = [
                    _export_seconds(window, renderer, folder / f"view-{i}.png", settings)
                    for i in range(RUNS)
                ]
                png_2x = _export_seconds(
                    window,
                    renderer,
                    folder / "view-2x.png",
                    ReportSettings(**{**vars(settings), "scale": 2.0}),
                )
                pdf = _export_seconds(window, renderer, folder / "view.pdf", on_paper)
            finally:
                _close(renderer)
            sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
    finally:
        window.close()
        window.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    return {
        "png_export_current_view_s": round(statistics.median(png), 3),
        "png_export_cold_s": round(png_cold, 3),
        "png_export_current_view_2x_s": round(png_2x, 3),
        "pdf_export_s": round(pdf, 3),
        "png_export_kb": round(sizes["view-1.png"] / 1024),
        "png_export_2x_kb": round(sizes["view-2x.png"] / 1024),
        "pdf_export_kb": round(sizes["view.pdf"] / 1024),
    }


def main() -> None:
    results = run()
    print(json.dumps(results, indent=2))
    verdict = "ok" if results["png_export_current_view_s"] <= TARGET_PNG_S else "OVER TARGET"
    print(
        f"PNG export of the current view: {results['png_export_current_view_s']:.2f} s "
        f"(target ≤ {TARGET_PNG_S:g} s: {verdict})",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
