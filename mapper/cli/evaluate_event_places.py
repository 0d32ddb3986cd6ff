"""How well Dateline says where an event happened, on ACLED-style JSONL.

Each line is a JSON object with ``text`` (an event description) and ``lat``/``lon`` (where
it happened). The answer for a record is the place of its first tagged event
(:func:`mapper.geo.event_places.event_places`), or the text's main place when no event is
tagged. Scores: accuracy within 161 km (100 miles) over every record (a record with no
answer counts as wrong), mean and median error of the answered ones, and beside them the
baseline "the first place named".
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.geo.event_places import event_places, first_place, main_place
from mapper.types import Article, Place

if TYPE_CHECKING:
    from mapper.pipeline import Pipeline

#: Within this many km of the gold point, an answer is right (100 miles, as in geoparsing).
ACCURATE_KM = 161.0


def read_records(path: Path, limit: int = 0) -> Iterator[tuple[str, float, float]]:
    """(text, lat, lon) of each JSON line with all three, at most ``limit`` (0: all)."""
    count = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            text, lat, lon = record.get("text"), record.get("lat"), record.get("lon")
            if not isinstance(text, str) or not text.strip():
                continue
            if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (lat, lon)):
                continue
            yield text, float(lat), float(lon)
            count += 1
            if limit and count >= limit:
                return


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _score(errors: list[float | None]) -> dict[str, Any]:
    answered = [e for e in errors if e is not None]
    total = len(errors)
    return {
        "acc_at_161": sum(1 for e in answered if e <= ACCURATE_KM) / total if total else 0.0,
        "answered": len(answered),
        "mean_km": statistics.fmean(answered) if answered else None,
        "median_km": statistics.median(answered) if answered else None,
    }


def _error(place: Place | None, lat: float, lon: float) -> float | None:
    if place is None or not (math.isfinite(place.lat) and math.isfinite(place.lon)):
        return None
    return distance_km(place.lat, place.lon, lat, lon)


def evaluate_event_places(path: Path, pipeline: Pipeline, limit: int = 0) -> dict[str, Any]:
    """Analyse every record and score its event place against the gold point."""
    records = list(read_records(path, limit))
    articles = [Article(f"acled-{i}", "", text, "") for i, (text, _, _) in enumerate(records)]
    ours: list[float | None] = []
    baseline: list[float | None] = []
    how: dict[str, int] = {"sentence": 0, "article": 0, "none": 0}
    started = time.perf_counter()
    for analysis, (_, lat, lon) in zip(
        pipeline.analyze_many(articles, batch_size=64), records, strict=True
    ):
        found = event_places(analysis)
        if found:
            place, origin = found[0].place, found[0].how or "none"
        else:
            place = main_place(analysis)
            origin = "article" if place is not None else "none"
        how[origin] += 1
        ours.append(_error(place, lat, lon))
        baseline.append(_error(first_place(analysis), lat, lon))
    elapsed = time.perf_counter() - started
    return {
        "file": str(path),
        "records": len(records),
        "model": pipeline.model_name,
        "event_place": _score(ours),
        "baseline_first_place": _score(baseline),
        "from": how,
        "records_per_second": len(records) / elapsed if elapsed > 0 else 0.0,
    }


def print_report(report: dict[str, Any]) -> None:
    """Print a report of :func:`evaluate_event_places` as plain text."""

    def km(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f} km"

    print(f"{report['file']}: {report['records']} records (model: {report['model']})")
    for label, key in (
        ("event place", "event_place"),
        ("baseline (first place)", "baseline_first_place"),
    ):
        row = report[key]
        print(
            f"{label:<24} acc@161 {row['acc_at_161']:.3f}   answered {row['answered']}   "
            f"mean {km(row['mean_km'])}   median {km(row['median_km'])}"
        )
    origin = report["from"]
    print(
        f"event place from: sentence {origin['sentence']}, article {origin['article']}, "
        f"none {origin['none']}   ({report['records_per_second']:.0f} records/s)"
    )
