"""How well Dateline says where an event happened, on ACLED-style JSONL.

Each line is a JSON object with ``text`` (an event description) and ``lat``/``lon`` (where
it happened). The answer for a record is the place of its first tagged event
(:func:`mapper.geo.event_places.event_places`), or the text's main place when no event is
tagged; the pipeline's analysis includes the places its locative phrases name
(:func:`mapper.geo.event_places.with_located_places`). Scores: accuracy within 161 km
(100 miles) over every record (a record with no answer counts as wrong), mean and median
error of the answered ones, and beside them the same without the locative phrases' places
and the baseline "the first place named". Only ``text`` is read: a record's other fields
(country, admin1, location) are the answer key.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.geo.event_places import (
    LOCATIVE_SOURCE,
    event_places,
    first_place,
    main_place,
)
from mapper.types import Article, ArticleAnalysis, Place

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


def _answer(analysis: ArticleAnalysis) -> tuple[Place | None, str]:
    """The record's answer and where it came from: "sentence" (its first event's own
    sentence), "article" (the text's main place) or "none"."""
    found = event_places(analysis)
    if found:
        return found[0].place, found[0].how or "none"
    place = main_place(analysis)
    return place, "article" if place is not None else "none"


def _found_by(analysis: ArticleAnalysis, place: Place | None, origin: str) -> str:
    """The breakdown's bucket: the origin, with "+locative" when only a locative phrase's
    place (:data:`~mapper.geo.event_places.LOCATIVE_SOURCE`) names the answer."""
    if place is None:
        return "none"
    sources = {r.mention.source for r in analysis.places if r.place.id == place.id}
    return f"{origin}+locative" if sources == {LOCATIVE_SOURCE} else origin


def evaluate_event_places(path: Path, pipeline: Pipeline, limit: int = 0) -> dict[str, Any]:
    """Analyse every record and score its event place against the gold point."""
    records = list(read_records(path, limit))
    articles = [Article(f"acled-{i}", "", text, "") for i, (text, _, _) in enumerate(records)]
    ours: list[float | None] = []
    recognised: list[float | None] = []
    baseline: list[float | None] = []
    how: dict[str, int] = {"sentence": 0, "article": 0, "none": 0}
    buckets: dict[str, list[float | None]] = {}
    no_event: list[float | None] = []
    started = time.perf_counter()
    for analysis, (_, lat, lon) in zip(
        pipeline.analyze_many(articles, batch_size=64), records, strict=True
    ):
        located = analysis  # the pipeline adds the locative phrases' places
        recognised_only = replace(
            analysis,
            places=tuple(r for r in analysis.places if r.mention.source != LOCATIVE_SOURCE),
        )
        place, origin = _answer(located)
        error = _error(place, lat, lon)
        how[origin] += 1
        ours.append(error)
        buckets.setdefault(_found_by(located, place, origin), []).append(error)
        if not analysis.events:
            no_event.append(error)
        recognised.append(_error(_answer(recognised_only)[0], lat, lon))
        baseline.append(_error(first_place(recognised_only), lat, lon))
    elapsed = time.perf_counter() - started
    return {
        "file": str(path),
        "records": len(records),
        "model": pipeline.model_name,
        "event_place": _score(ours),
        "event_place_recognised_only": _score(recognised),
        "baseline_first_place": _score(baseline),
        "from": how,
        "found_by": {
            name: {"records": len(errors), **_score(errors)}
            for name, errors in sorted(buckets.items())
        },
        "no_event_tagged": {"records": len(no_event), **_score(no_event)},
        "records_per_second": len(records) / elapsed if elapsed > 0 else 0.0,
    }


def print_report(report: dict[str, Any]) -> None:
    """Print a report of :func:`evaluate_event_places` as plain text."""

    def km(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f} km"

    print(f"{report['file']}: {report['records']} records (model: {report['model']})")
    for label, key in (
        ("event place", "event_place"),
        ("  recognised only", "event_place_recognised_only"),
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
    print("found by (records, acc@161 among them):")
    for name, row in report["found_by"].items():
        print(f"  {name:<20} {row['records']:>6}   {row['acc_at_161']:.3f}")
    row = report["no_event_tagged"]
    print(f"no event tagged: {row['records']} records, acc@161 {row['acc_at_161']:.3f}")
