"""Timeline figures: the range of days narrowing 20,000 mentions in the real page, offscreen.

The atlas is bench.page's synthetic one (2,000 places, 20,000 mentions) with its articles
published over a year (their "on Monday", "this week"… then fall on days around that).

- ``timeline_filter_20k_ms``: the median time ``Dateline.setFilter`` reports for a set of
  range changes (a day, a week, a month, a quarter, sliding), measured in the page;
- ``timeline_play_fps_20k``: frames per second while playing a one-week window a day at a
  time: ``TimelineState.tick`` + ``narrow`` + ``setFilter`` + the page's next animation
  frame (the redraw), there and back from Python;
- ``timeline_play_fps_20k_with_lists``: the same with the window's Python side of a range
  change too (``Atlas.places`` and ``mention_counts`` under the filter, for the Places
  list); ``timeline_lists_20k_ms`` is that Python side alone (median);
- ``timeline_histogram_20k_ms``: the excerpts' days under the other filters and their
  binning (done when those filters or the articles change, not on a range change).

Run alone with ``python -m bench timeline``.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.page import EVENT_TYPES, _View, _warm_up, application, spin_until, synthetic_atlas
from mapper.atlas import Atlas
from mapper.filters import OPEN
from mapper.page import mapview
from mapper.timeline import TimelineState, excerpt_spans, histogram

FRAMES = 60
YEAR_START = datetime.date(2019, 1, 1)


def dated_atlas() -> Atlas:
    """bench.page's synthetic atlas, its articles published over 2019."""
    atlas, _ = synthetic_atlas()
    analyses = atlas.analyses
    count = len(analyses)
    dated = []
    for number, analysis in enumerate(analyses):
        day = YEAR_START + datetime.timedelta(days=number * 365 // count)
        article = dataclasses.replace(analysis.article, published=day.isoformat())
        dated.append(dataclasses.replace(analysis, article=article))
    return Atlas(dated)


def _frame_script(where: dict[str, Any]) -> str:
    """setFilter, then note when the next animation frame has been drawn."""
    return (
        "(function () { var t0 = performance.now(); window.__benchFrame = null;"
        f" var r = Dateline.setFilter({json.dumps(where)});"
        " requestAnimationFrame(function () { setTimeout(function () {"
        " window.__benchFrame = performance.now() - t0; }, 0); });"
        " return r; })()"
    )


def _figures(folder: Path) -> dict[str, Any]:
    atlas = dated_atlas()
    atlas.places()  # indexed, as in the window
    started = time.perf_counter()
    spans = excerpt_spans(atlas, OPEN)
    hist = histogram(spans)
    histogram_ms = (time.perf_counter() - started) * 1000
    if hist.is_empty:
        raise RuntimeError("the dated synthetic atlas has no dated excerpt")
    pins = mapview.pins_feature_collection(atlas, event_types=EVENT_TYPES)
    index = mapview.write_page(folder / "timeline", pins, bridge=False)
    lo, hi = hist.first_day, hist.last_day

    view = _View()
    try:
        view.load_until(
            index, "window.datelineReady === true && document.querySelector('.dl-pin, .dl-cluster')"
        )
        # Range changes: a day, a week, a month, a quarter, at places along the year.
        ranges = [
            (lo + offset, lo + offset + length - 1)
            for length in (1, 7, 30, 91)
            for offset in (0, (hi - lo) // 3, (hi - lo) // 2, (hi - lo) - length)
        ]
        page_ms: list[float] = []
        for _ in range(2):
            for first, last in ranges:
                where = OPEN.between(
                    datetime.date.fromordinal(first), datetime.date.fromordinal(last)
                )
                result = view.js(mapview.js_call("setFilter", where.to_json()))
                page_ms.append(float(json.loads(str(result))["ms"]))

        def play(with_lists: bool) -> tuple[float, list[float]]:
            state = TimelineState(bounds=(lo, hi), loop=True)
            state.set_window(7)
            state.start_playing()
            lists_ms: list[float] = []
            started = time.perf_counter()
            for _ in range(FRAMES):
                state.tick()
                where = state.narrow(OPEN)
                if with_lists:
                    t0 = time.perf_counter()
                    atlas.places(where=where)
                    atlas.mention_counts(where=where)
                    lists_ms.append((time.perf_counter() - t0) * 1000)
                view.js(_frame_script(where.to_json()))
                spin_until(lambda: view.js("window.__benchFrame !== null") is True)
            return FRAMES / (time.perf_counter() - started), lists_ms

        fps, _ = play(False)
        fps_lists, lists_ms = play(True)
        shown = json.loads(str(view.js(mapview.js_call("setFilter", OPEN.to_json()))))
    finally:
        view.close()
    return {
        "timeline_filter_20k_ms": round(statistics.median(page_ms), 1),
        "timeline_filter_20k_max_ms": round(max(page_ms), 1),
        "timeline_play_fps_20k": round(fps, 1),
        "timeline_play_fps_20k_with_lists": round(fps_lists, 1),
        "timeline_lists_20k_ms": round(statistics.median(lists_ms), 1),
        "timeline_histogram_20k_ms": round(histogram_ms, 1),
        "timeline_20k_excerpts": len(spans),
        "timeline_20k_undated": hist.undated,
        "timeline_20k_bins": f"{len(hist.starts)} {hist.resolution}s",
        "timeline_20k_pins": shown["pins"],
    }


def run() -> dict[str, Any]:
    """Measure range changes and playing over 20,000 mentions in the real page."""
    application()
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        folder = Path(tmp)
        _warm_up(folder)
        return _figures(folder)


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
