"""User corrections: "this name means that place" or "this name is not a place".

A correction is keyed by the name as written (case- and accent-insensitive), so
it applies to every article — in the window and in the command line. They live
in one small JSON file in the user's data folder, written atomically, and can
be exported to and imported from any file.

File format (version 1)::

    {"version": 1, "corrections": {"valencia": {"name": "Valencia", "place_id": "gn:2509954"},
                                   "bolton":   {"name": "Bolton", "place_id": null}}}

``place_id: null`` means "not a place".
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapper.errors import DatelineError
from mapper.geo.gazetteer import Gazetteer, normalize_name
from mapper.sources import printable
from mapper.store.atomic import PRIVATE, write_atomically
from mapper.store.safejson import JsonLimitError, loads_bounded, read_bounded
from mapper.store.serialize import FormatError, read_object, read_optional_str, read_str
from mapper.types import Place

FORMAT_VERSION = 1
#: Largest corrections file read: one correction is ~80 bytes, a busy analyst's few
#: thousand well under a megabyte.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Most corrections in one file (or project).
MAX_CORRECTIONS = 100_000
#: Longest name, or place id, a correction may have (names in the news are a few words).
MAX_NAME_CHARS = 1_000
_MAX_DEPTH = 8  # the format nests 3 deep
_MAX_INT_DIGITS = 20  # the format has no numbers but its version


class CorrectionsError(DatelineError):
    """A corrections file could not be read; ``str(error)`` says why."""


@dataclass(frozen=True)
class Correction:
    """What the user decided about one name."""

    name: str  # as the user saw it
    place_id: str | None  # None: not a place


@dataclass(frozen=True)
class Candidate:
    """A place a name could refer to, for the user to choose from."""

    place: Place
    label: str  # "Valencia — Carabobo, Venezuela · pop. 1,619,470"


class Corrections(Mapping[str, Correction]):
    """An immutable set of corrections, keyed by normalised name."""

    def __init__(self, entries: Mapping[str, Correction] | None = None) -> None:
        self._entries = dict(entries or {})

    def __getitem__(self, name: str) -> Correction:
        return self._entries[normalize_name(name)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize_name(name) in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def get_for(self, name: str) -> Correction | None:
        """The correction for a name as written, if any."""
        return self._entries.get(normalize_name(name))

    def with_correction(self, name: str, place_id: str | None) -> Corrections:
        """A copy with ``name`` set to ``place_id`` (None: not a place)."""
        entries = dict(self._entries)
        entries[normalize_name(name)] = Correction(name=name, place_id=place_id)
        return Corrections(entries)

    def without(self, name: str) -> Corrections:
        """A copy with the correction for ``name`` removed."""
        entries = dict(self._entries)
        entries.pop(normalize_name(name), None)
        return Corrections(entries)

    def merged(self, other: Corrections) -> Corrections:
        """These corrections with ``other``'s added (``other`` wins on conflicts)."""
        return Corrections({**self._entries, **other._entries})

    # -- files --------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The file content as a JSON-ready dict."""
        return {
            "version": FORMAT_VERSION,
            "corrections": {
                key: {"name": c.name, "place_id": c.place_id}
                for key, c in sorted(self._entries.items())
            },
        }

    @classmethod
    def from_json(cls, data: Any) -> Corrections:
        """Parse the file content, every entry checked; raises :class:`CorrectionsError`
        (and nothing else) naming the first bad one."""

        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise CorrectionsError("not a Dateline corrections file (version 1)")
        raw = data.get("corrections")
        if not isinstance(raw, dict):
            raise CorrectionsError("the corrections file has no 'corrections' table")
        if len(raw) > MAX_CORRECTIONS:
            raise CorrectionsError(f"more than {MAX_CORRECTIONS:,} corrections ({len(raw):,})")
        entries: dict[str, Correction] = {}
        for number, entry in enumerate(raw.values(), start=1):
            try:
                record = read_object(entry, "")
                name = read_str(record.get("name"), "name", MAX_NAME_CHARS)
                place_id = read_optional_str(record.get("place_id"), "place_id", MAX_NAME_CHARS)
            except FormatError as error:
                raise CorrectionsError(f"correction {number}: {error}") from None
            entries[normalize_name(name)] = Correction(name, place_id)
        return cls(entries)

    def save(self, path: Path) -> None:
        """Write atomically (:mod:`mapper.store.atomic`), readable by the user alone: a
        crash never leaves half a file. Raises :class:`OSError`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=2)
        write_atomically(path, text.encode("utf-8"), mode=PRIVATE)

    @classmethod
    def load(cls, path: Path) -> Corrections:
        """Read a corrections file; a missing file is no corrections.

        Raises :class:`CorrectionsError` (and nothing else) for anything but a
        regular file of at most :data:`MAX_FILE_BYTES` of JSON in the format above.
        """

        name = printable(path.name)  # shown to the user: no control characters
        try:
            raw = read_bounded(path, max_bytes=MAX_FILE_BYTES)
        except FileNotFoundError:
            return cls()
        except OSError as error:
            raise CorrectionsError(f"{name}: cannot be read ({error.strerror or error})") from None
        except JsonLimitError as error:
            raise CorrectionsError(f"{name}: {error}") from None
        try:
            data = loads_bounded(raw, max_depth=_MAX_DEPTH, max_int_digits=_MAX_INT_DIGITS)
        except JsonLimitError as error:
            raise CorrectionsError(f"{name}: {error}") from None
        try:
            return cls.from_json(data)
        except CorrectionsError as error:
            raise CorrectionsError(f"{name}: {error}") from None


def default_corrections_path() -> Path:
    """The user's corrections file (env ``DATELINE_DATA_DIR`` overrides the folder)."""
    from platformdirs import user_data_dir

    root = os.environ.get("DATELINE_DATA_DIR") or user_data_dir("dateline", "Dateline")
    return Path(root) / "corrections.json"


def candidates_for(name: str, gazetteer: Gazetteer, limit: int = 8) -> list[Candidate]:
    """The places a name may refer to (or, for "Colombian", point at), most prominent first."""
    from mapper.geo.gazetteer import prior_rank

    places = sorted(
        {m.place.id: m.place for m in gazetteer.matches(name)}.values(),
        key=prior_rank,
        reverse=True,
    )[:limit]
    return [Candidate(place=p, label=describe(p)) for p in places]


def describe(place: Place) -> str:
    """A one-line description: name — admin area, country · kind · population."""
    where = ", ".join(part for part in (place.admin1, place.country) if part and part != place.name)
    parts = [place.name + (f" — {where}" if where else ""), place.kind]
    if place.population:
        parts.append(f"pop. {place.population:,}")
    return " · ".join(parts)
