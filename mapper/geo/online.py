"""Optional online geocoding through geopy, for names the offline gazetteer lacks.

Off unless the user turns it on. When on:

- only names the language model tagged as places but the gazetteer does not know
  are looked up (the offline answer always wins when there is one);
- requests go through geopy's ``RateLimiter`` (≤ 1 per second, Nominatim's rule)
  with a real user agent and a short timeout;
- every answer, including "not found", is cached on disk, so a name is asked once;
- the first failure (no network, timeout, refusal) switches online lookups off
  for the rest of the session: the pipeline goes on offline at once, it never
  waits on a dead network again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapper.geo.gazetteer import normalize_name
from mapper.types import Place

log = logging.getLogger(__name__)

#: Identifies us to the service, as Nominatim's usage policy requires.
USER_AGENT = "Dateline/0.1 (desktop news-mapping app; offline-first)"


@dataclass(frozen=True)
class OnlineSettings:
    """The user's choice about online geocoding."""

    enabled: bool = False
    service: str = "nominatim"
    user_agent: str = USER_AGENT
    timeout_s: float = 5.0
    min_delay_s: float = 1.0  # between requests


Geocode = Callable[[str], Any]  # geopy's geocode(query) → Location | None


class OnlineGeocoder:
    """Cached, rate-limited online lookups that give up for good on the first failure."""

    def __init__(
        self,
        settings: OnlineSettings,
        cache_path: Path,
        geocode: Geocode | None = None,
    ) -> None:
        self.settings = settings
        self._geocode = geocode
        self._failed_reason: str | None = None
        self._lock = threading.Lock()
        self._cache = _open_answer_cache(cache_path)

    @property
    def failed_reason(self) -> str | None:
        """Why online lookups were switched off this session, if they were."""
        return self._failed_reason

    def lookup(self, name: str) -> Place | None:
        """The place the service gives for ``name`` (cached), or None."""
        if not self.settings.enabled:
            return None
        key = normalize_name(name)
        with self._lock:
            row = self._cache.execute(
                "SELECT answer FROM answers WHERE service = ? AND key = ?",
                (self.settings.service, key),
            ).fetchone()
            if row is not None:
                try:
                    return _place_from_json(json.loads(row[0]))
                except (ValueError, TypeError, KeyError, RecursionError):
                    pass  # a damaged answer: ask again

            if self._failed_reason is not None:
                return None
            try:
                location = self._geocoder()(name)
            except Exception as error:  # geopy errors, sockets, anything: go offline
                self._failed_reason = f"{type(error).__name__}: {error}"
                log.warning("online geocoding switched off: %s", self._failed_reason)
                return None
            answer = _location_to_json(location)
            try:
                self._cache.execute(
                    "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                    (self.settings.service, key, json.dumps(answer)),
                )
                self._cache.commit()
            except sqlite3.Error as error:  # full or read-only: the answer is still used
                log.warning("online answer not cached: %s", error)
            return _place_from_json(answer)

    def _geocoder(self) -> Geocode:
        if self._geocode is None:
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import get_geocoder_for_service

            service = get_geocoder_for_service(self.settings.service)(
                user_agent=self.settings.user_agent, timeout=self.settings.timeout_s
            )
            # No retries: a failure switches us offline instead of waiting again.
            self._geocode = RateLimiter(
                service.geocode,
                min_delay_seconds=self.settings.min_delay_s,
                max_retries=0,
                swallow_exceptions=False,
            )
        return self._geocode

    def close(self) -> None:
        """Close the cache."""
        self._cache.close()


def _open_answer_cache(path: Path) -> sqlite3.Connection:
    """The answers cache on disk, or in memory (one warning) where the disk cannot hold it."""
    schema = (
        "CREATE TABLE IF NOT EXISTS answers (service TEXT, key TEXT, answer TEXT,"
        " PRIMARY KEY (service, key))"
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, check_same_thread=False, timeout=5)
        connection.execute(schema)
        return connection
    except (OSError, sqlite3.Error) as error:
        log.warning("online answers cached in memory this session (%s: %s)", path, error)
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        connection.execute(schema)
        return connection


def _location_to_json(location: Any) -> dict[str, Any] | None:
    if location is None:
        return None
    raw = location.raw if isinstance(getattr(location, "raw", None), dict) else {}
    name = str(raw.get("name") or location.address.split(",")[0]).strip()
    address = location.address.split(",")
    return {
        "id": f"osm:{raw.get('osm_type', 'x')}{raw.get('osm_id', abs(hash(location.address)))}",
        "name": name,
        "lat": float(location.latitude),
        "lon": float(location.longitude),
        "country": address[-1].strip() if len(address) > 1 else "",
    }


def _place_from_json(answer: dict[str, Any] | None) -> Place | None:
    if answer is None:
        return None
    return Place(
        id=answer["id"],
        name=answer["name"],
        kind="city",
        lat=answer["lat"],
        lon=answer["lon"],
        country=answer["country"],
        country_code="",
        source="online",
    )
