"""The public `python -m mapper extract` command, run as a user would run it."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from mapper.sources import seed_paths

# Country boxes (lat_min, lat_max, lon_min, lon_max): each country point must fall inside.
COUNTRY_BOXES = {
    "Venezuela": (0.6, 12.3, -73.4, -59.8),
    "Colombia": (-4.3, 13.4, -79.1, -66.8),
    "Cuba": (19.8, 23.3, -85.0, -74.1),
    "Russia": (41.2, 81.9, 19.6, 180.0),
    "United States": (24.5, 49.4, -125.0, -66.9),  # the lower 48, where its point should be
}


def run_extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapper", "extract", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def check_seed_record(record: dict, seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    places = {p["name"]: p for p in record["places"]}
    assert set(places) >= {"Caracas", "Venezuela", "Colombia", "Cuba", "Russia", "United States"}
    caracas = places["Caracas"]
    assert caracas["kind"] == "city"
    assert math.dist((caracas["lat"], caracas["lon"]), (10.49, -66.88)) * 111 < 25  # km
    for name, (lat0, lat1, lon0, lon1) in COUNTRY_BOXES.items():
        point = places[name]
        assert point["kind"] == "country"
        assert lat0 <= point["lat"] <= lat1 and lon0 <= point["lon"] <= lon1, name
    for place in record["places"]:
        assert set(place) >= {"id", "name", "kind", "lat", "lon", "country", "mentions"}
        for mention in place["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
    assert record["source"] == str(seed)
    assert isinstance(record["actors"], list) and isinstance(record["events"], list)


def test_extract_without_model_maps_the_seed() -> None:
    (seed,) = seed_paths()
    result = run_extract("--no-model", "--format", "jsonl", str(seed))
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    check_seed_record(json.loads(line), seed)


@pytest.mark.model
def test_extract_with_the_model_maps_the_seed() -> None:
    (seed,) = seed_paths()
    result = run_extract("--format", "jsonl", str(seed))
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    check_seed_record(json.loads(line), seed)


def test_many_files_one_object_each_and_bad_files_reported(tmp_path: Path) -> None:
    (seed,) = seed_paths()
    other = tmp_path / "lima.txt"
    other.write_text("Thousands protested in Lima, Peru, on Monday.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    result = run_extract("--no-model", str(seed), str(bad), str(other))
    assert result.returncode == 1
    assert result.stderr.strip() == "dateline: bad.txt: looks like a binary file, not text"
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(seed), str(other)]
    assert {p["name"] for p in records[1]["places"]} == {"Lima", "Peru"}


def test_usage_error_exits_2() -> None:
    result = run_extract()
    assert result.returncode == 2
    assert "FILE" in result.stderr


def test_search_keeps_the_matching_articles_with_where_they_match(tmp_path: Path) -> None:
    (seed,) = seed_paths()
    lima = tmp_path / "lima.txt"
    lima.write_text("Protests in Lima, Peru, drew thousands on Monday.", encoding="utf-8")
    result = run_extract("--no-model", "--search", "caracas", str(seed), str(lima))
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()  # Lima's article has no match: left out
    record = json.loads(line)
    assert record["source"] == str(seed)
    text = seed.read_text(encoding="utf-8")
    found = [text[m["start"] : m["end"]] for m in record["search_matches"]]
    assert len(found) >= 2 and {f.casefold() for f in found} == {"caracas"}
    assert [m["start"] for m in record["search_matches"]] == sorted(
        m["start"] for m in record["search_matches"]
    )
    # Without --search nothing is left out and there is no search_matches.
    plain = run_extract("--no-model", str(seed), str(lima))
    assert len(plain.stdout.splitlines()) == 2
    assert "search_matches" not in json.loads(plain.stdout.splitlines()[0])
