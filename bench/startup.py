"""Cold start: launch → window shown, and launch → seed pins shown (real app, offscreen)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent


def _launch_once() -> tuple[float, float]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    started = time.time()
    result = subprocess.run(
        [sys.executable, str(_ROOT / "main.py"), "--startup-report"],
        capture_output=True, text=True, timeout=120, check=True, env=env, cwd=_ROOT,
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
