"""Online geocoding is opt-in, cached, rate-limited, and falls back offline at once."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from geopy.exc import GeocoderUnavailable

from mapper.geo.corrections import Corrections
from mapper.geo.online import OnlineGeocoder, OnlineSettings
from mapper.geo.places import UNKNOWN_SOURCE
from mapper.geo.resolve import resolve_mentions
from mapper.pipeline import Pipeline
from mapper.types import PlaceMention, Sentence

TEXT = "Shelling hit Qwxzzyville and Caracas."
UNKNOWN = PlaceMention(start=13, end=25, surface="Qwxzzyville", source=UNKNOWN_SOURCE)
KNOWN = PlaceMention(start=30, end=37, surface="Caracas", source="ner")


class FakeService:
    """Stands in for geopy's geocode: records every query."""

    def __init__(self, error: Exception | None = None) -> None:
        self.queries: list[str] = []
        self.error = error

    def __call__(self, query: str) -> Any:
        self.queries.append(query)
        if self.error:
            raise self.error
        raw = {"osm_type": "node", "osm_id": 42, "name": query}
        return SimpleNamespace(
            address=f"{query}, Somewhere, Narnia", latitude=1.5, longitude=2.5, raw=raw
        )


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.blank(corrections=Corrections())


def resolve(pipeline: Pipeline, online: OnlineGeocoder | None) -> dict[str, str]:
    resolved = resolve_mentions(
        TEXT, [UNKNOWN, KNOWN], [Sentence(0, len(TEXT))], pipeline.gazetteer, Corrections(), online
    )
    return {r.mention.surface: r.place.source for r in resolved}


def test_disabled_online_geocoder_is_never_called(pipeline: Pipeline, tmp_path: Path) -> None:
    service = FakeService()
    online = OnlineGeocoder(OnlineSettings(enabled=False), tmp_path / "c.sqlite", service)
    assert resolve(pipeline, online) == {"Caracas": "geonames"}
    assert service.queries == []


def test_default_pipeline_has_no_online_geocoder(pipeline: Pipeline) -> None:
    assert pipeline.online is None


def test_enabled_asks_only_for_unknown_names_and_caches(pipeline: Pipeline, tmp_path: Path) -> None:
    service = FakeService()
    online = OnlineGeocoder(OnlineSettings(enabled=True), tmp_path / "c.sqlite", service)
    assert resolve(pipeline, online) == {"Qwxzzyville": "online", "Caracas": "geonames"}
    assert resolve(pipeline, online) == {"Qwxzzyville": "online", "Caracas": "geonames"}
    assert service.queries == ["Qwxzzyville"]  # asked once; the offline answer wins for Caracas
    again = OnlineGeocoder(OnlineSettings(enabled=True), tmp_path / "c.sqlite", FakeService())
    assert again.lookup("Qwxzzyville") is not None  # persistent cache


def test_failure_falls_back_offline_and_stops_asking(pipeline: Pipeline, tmp_path: Path) -> None:
    service = FakeService(GeocoderUnavailable("no route to host"))
    online = OnlineGeocoder(OnlineSettings(enabled=True), tmp_path / "c.sqlite", service)
    assert resolve(pipeline, online) == {"Caracas": "geonames"}
    assert online.lookup("Elsewhereville") is None
    assert service.queries == ["Qwxzzyville"]  # never waits on a dead network again
    assert online.failed_reason and "no route to host" in online.failed_reason


def test_real_service_is_rate_limited_with_a_user_agent(tmp_path: Path) -> None:
    online = OnlineGeocoder(OnlineSettings(enabled=True), tmp_path / "c.sqlite")
    limiter = online._geocoder()
    assert limiter.min_delay_seconds >= 1.0
    assert limiter.max_retries == 0
    assert "Dateline" in limiter.func.__self__.headers["User-Agent"]


def test_the_network_guard_refuses_outside_connections(no_network: list[object]) -> None:
    import socket

    with pytest.raises(ConnectionRefusedError), socket.socket() as sock:
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routable
    assert no_network == [("192.0.2.1", 80)]
    no_network.clear()  # the attempt was this test's own


def test_an_unwritable_answer_cache_keeps_online_lookups_working(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """Root ignores chmod, so the cache folder is made impossible: a path under a file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    service = FakeService()
    online = OnlineGeocoder(OnlineSettings(enabled=True), blocker / "c.sqlite", service)
    assert resolve(pipeline, online)["Qwxzzyville"] != UNKNOWN_SOURCE
    assert resolve(pipeline, online)["Qwxzzyville"] != UNKNOWN_SOURCE
    assert service.queries == ["Qwxzzyville"]  # answered from the in-memory cache the 2nd time
    online.close()
