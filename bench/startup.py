"""Cold start: launch → window shown, and launch → pins shown (real app, offscreen).

On the seed article, and on 1,000 articles: first with an empty analysis cache
(the window analyses them all), then again from the cache.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent


def _launch_once(
    files: Sequence[Path] = (), env_extra: dict[str, str] | None = None, timeout: float = 120
) -> tuple[float, float]:
    env = {**os.environ, **(env_extra or {})}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    started = time.time()
    result = subprocess.run(
        [sys.executable, str(_ROOT / "main.py"), "--startup-report", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
        env=env,
        cwd=_ROOT,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("{"))
    times = json.loads(line)
    return times["window_shown_at"] - started, times["pins_shown_at"] - started


def run(repeats: int = 3) -> dict[str, Any]:
    """Median over a few launches (the first one warms the OS file cache)."""
    _launch_once()
    runs = [_launch_once() for _ in range(repeats)]
    return {
        "cold_start_window_s": round(statistics.median(r[0] for r in runs), 2),
        "cold_start_pins_s": round(statistics.median(r[1] for r in runs), 2),
    }


def run_many(count: int = 1000) -> dict[str, Any]:
    """Launch → pins of ``count`` articles in the window: analysed, then reopened from the cache.

    The window's own path (worker thread, spaCy processes, throttled refreshes, the page
    drawing every pin), with a cache and settings of its own (not the user's).
    """
    from bench.corpus import make_corpus
    from mapper.geo.gazetteer import Gazetteer, default_index_path

    folder = Path(tempfile.mkdtemp(prefix="dateline-bench-window-"))
    paths = make_corpus(folder / "articles", count)
    # The private cache starts with the gazetteer index that setup builds once per
    # machine: rebuilding it (10-17 s) is not part of importing articles.
    Gazetteer.open().close()
    index = default_index_path()
    (folder / "cache").mkdir()
    shutil.copy2(index, folder / "cache" / index.name)
    private = {
        "DATELINE_CACHE_DIR": str(folder / "cache"),
        "DATELINE_DATA_DIR": str(folder / "data"),
    }
    _window, analysed = _launch_once(paths, private, timeout=600)
    reopens = [_launch_once(paths, private)[1] for _ in range(2)]
    return {
        f"window_import_{count}_s": round(analysed, 1),
        f"window_reopen_{count}_s": round(min(reopens), 2),
    }
