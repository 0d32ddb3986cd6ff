"""Gazetteer figures: index size, open time, lookup rate (cold distinct names and a news stream)."""

from __future__ import annotations

import random
import time
from typing import Any

from mapper.geo.gazetteer import Gazetteer, default_index_path


def run() -> dict[str, Any]:
    """Measure the gazetteer index as the app uses it."""
    Gazetteer.open().close()  # build once if missing; not what we time
    started = time.perf_counter()
    gazetteer = Gazetteer.open()
    load_s = time.perf_counter() - started

    # Distinct names drawn at random from the whole index (cold, scattered reads),
    # and as many misses; none asked twice.
    every_key = [row[0] for row in gazetteer._db.execute("SELECT DISTINCT key FROM names")]
    keys = random.Random(3).sample(every_key, 20_000)
    names = keys + [key + " qx" for key in keys]
    random.Random(7).shuffle(names)
    started = time.perf_counter()
    for name in names:
        gazetteer.matches(name)
    distinct_per_s = len(names) / (time.perf_counter() - started)

    # A news-like stream: the same few hundred names again and again.
    stream = [keys[i % 400] for i in range(100_000)]
    started = time.perf_counter()
    for name in stream:
        gazetteer.matches(name)
    stream_per_s = len(stream) / (time.perf_counter() - started)
    return {
        "gazetteer_places": gazetteer.place_count(),
        "gazetteer_index_mb": round(default_index_path().stat().st_size / 1e6, 1),
        "gazetteer_load_s": round(load_s, 4),
        "geocode_lookups_per_s": round(distinct_per_s),
        "geocode_lookups_per_s_news_stream": round(stream_per_s),
    }
