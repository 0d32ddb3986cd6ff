"""The event taxonomy: ``resources/event_types.toml`` (or the user's own copy), read and checked.

Its header comment documents the format. :func:`load_taxonomy` refuses a file it cannot use
with a :class:`TaxonomyError` that names the file and, where it can, the line.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapper.errors import DatelineError
from mapper.events.inflection import MAX_VARIANTS, parse_pattern, word_forms
from mapper.resources import resource_path

#: The file name of the taxonomy, in resources/ and in the user's data folder.
TAXONOMY_FILE = "event_types.toml"
#: Where event icons live, relative to resources/.
ICON_DIR = "map/icons"
#: The only format version so far.
FORMAT_VERSION = 1

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_ICON = re.compile(r"^[A-Za-z0-9_-]+\.svg$")
_TYPE_KEYS = ("name", "acled", "color", "icon", "description", "outranks", "patterns")
_TOP_KEYS = ("version", "inflections", "types")


class TaxonomyError(DatelineError):
    """An event-types file that cannot be used; ``str(error)`` names the file and the problem."""


@dataclass(frozen=True)
class EventType:
    """One kind of event, as defined in the taxonomy file."""

    name: str
    acled: bool  # one of the six ACLED event types
    color: str  # "#rrggbb"
    icon: str  # a file name under resources/map/icons/
    description: str
    patterns: tuple[str, ...]  # as written in the file ("general strike|0.95")
    outranks: tuple[str, ...] = ()  # types it damps in a sentence where it is clear


@dataclass(frozen=True)
class Taxonomy:
    """The event types in legend order, the file they came from and its irregular forms."""

    types: tuple[EventType, ...]
    source: Path
    # base form -> extra inflected forms (the file's [inflections] table)
    inflections: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    def names(self) -> list[str]:
        """The type names in the file's order."""
        return [t.name for t in self.types]

    def get(self, name: str) -> EventType:
        """The type called ``name``; ``KeyError`` if there is none."""
        for event_type in self.types:
            if event_type.name == name:
                return event_type
        raise KeyError(name)

    def icon_path(self, name: str) -> Path:
        """The icon file of the type called ``name``."""
        return resource_path(f"{ICON_DIR}/{self.get(name).icon}")


def default_taxonomy_path() -> Path:
    """The taxonomy shipped with the app (``resources/event_types.toml``)."""
    return resource_path(TAXONOMY_FILE)


def user_taxonomy_path() -> Path:
    """Where the user's own taxonomy goes (env ``DATELINE_DATA_DIR`` overrides the folder)."""
    from platformdirs import user_data_dir

    root = os.environ.get("DATELINE_DATA_DIR") or user_data_dir("dateline", "Dateline")
    return Path(root) / TAXONOMY_FILE


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and check a taxonomy file; raise :class:`TaxonomyError` if it cannot be used.

    Without ``path``: the user's file if there is one, else the default.
    """
    if path is None:
        user = user_taxonomy_path()
        path = user if user.is_file() else default_taxonomy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError(f"Event types file {path}: the file does not exist.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TaxonomyError(f"Event types file {path} cannot be read: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # The message ends with "(at line L, column C)".
        raise TaxonomyError(f"Event types file {path} is not valid TOML: {error}.") from None
    return _Checker(path, text).taxonomy(data)


def load_taxonomy_or_default(path: Path | None = None) -> tuple[Taxonomy, str | None]:
    """The taxonomy to use, never failing on a user's file.

    Returns ``(taxonomy, None)`` when ``path`` (or, without it, the user's file
    or the default) loads, else ``(default taxonomy, error message)`` so the
    window can say what is wrong and carry on with the default.
    """
    try:
        return load_taxonomy(path), None
    except TaxonomyError as error:
        return load_taxonomy(default_taxonomy_path()), str(error)


class _Checker:
    """Turns parsed TOML into a :class:`Taxonomy`, with messages that point into the file."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, problem: str, near: str | None = None) -> TaxonomyError:
        where = ""
        if near is not None:
            for number, line in enumerate(self.lines, start=1):
                if near in line:
                    where = f", line {number}"
                    break
        return TaxonomyError(f"Event types file {self.path}{where}: {problem}")

    def taxonomy(self, data: dict[str, Any]) -> Taxonomy:
        unknown = sorted(set(data) - set(_TOP_KEYS))
        if unknown:
            raise self.fail(
                f"unknown setting {unknown[0]!r} (expected: {', '.join(_TOP_KEYS)}).", unknown[0]
            )
        version = data.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise self.fail(
                f"version {version!r} is not supported (expected {FORMAT_VERSION}).", "version"
            )
        inflections = self.inflections(data.get("inflections", {}))
        raw_types = data.get("types")
        if not isinstance(raw_types, list) or not raw_types:
            raise self.fail("no event types: add at least one [[types]] table.")
        types: list[EventType] = []
        for number, raw in enumerate(raw_types, start=1):
            event_type = self.event_type(raw, number, inflections)
            if any(t.name == event_type.name for t in types):
                raise self.fail(
                    f"the type name {event_type.name!r} is used twice.", f'"{event_type.name}"'
                )
            types.append(event_type)
        names = {t.name for t in types}
        for event_type in types:
            for other in event_type.outranks:
                if other not in names or other == event_type.name:
                    raise self.fail(
                        f"type {event_type.name!r}: outranks {other!r}, which is not another "
                        "type of this file.",
                        f'"{other}"' if other in names else other,
                    )
        return Taxonomy(tuple(types), self.path, inflections)

    def inflections(self, raw: object) -> dict[str, tuple[str, ...]]:
        if not isinstance(raw, dict):
            raise self.fail("[inflections] must be a table of word = [forms].", "inflections")
        table: dict[str, tuple[str, ...]] = {}
        for word, forms in raw.items():
            if not isinstance(forms, list) or not all(
                isinstance(f, str) and f.strip() for f in forms
            ):
                raise self.fail(f"inflections of {word!r} must be a list of words.", word)
            table[word.lower()] = tuple(f.strip().lower() for f in forms)
        return table

    def event_type(
        self, raw: object, number: int, inflections: Mapping[str, tuple[str, ...]]
    ) -> EventType:
        label = f"event type #{number}"
        if not isinstance(raw, dict):
            raise self.fail(f"{label} is not a table.")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail(f'{label} has no name (add name = "...").')
        label, near = f"type {name!r}", f'"{name}"'
        unknown = sorted(set(raw) - set(_TYPE_KEYS))
        if unknown:
            raise self.fail(
                f"{label}: unknown key {unknown[0]!r} (expected: {', '.join(_TYPE_KEYS)}).",
                unknown[0],
            )
        acled = raw.get("acled", False)
        if not isinstance(acled, bool):
            raise self.fail(f"{label}: acled must be true or false.", near)
        color = raw.get("color")
        if not isinstance(color, str) or not _COLOR.match(color):
            raise self.fail(
                f'{label}: color {color!r} is not a colour of the form "#rrggbb".',
                str(color) if isinstance(color, str) else near,
            )
        icon = raw.get("icon")
        if not isinstance(icon, str) or not _ICON.match(icon):
            raise self.fail(f"{label}: icon {icon!r} is not an .svg file name.", near)
        if not resource_path(f"{ICON_DIR}/{icon}").is_file():
            known = sorted(p.name for p in resource_path(ICON_DIR).glob("*.svg"))
            raise self.fail(
                f"{label}: there is no icon {icon!r} (available: {', '.join(known)}).", icon
            )
        description = raw.get("description", "")
        if not isinstance(description, str):
            raise self.fail(f"{label}: description must be text.", near)
        outranks = raw.get("outranks", [])
        if not isinstance(outranks, list) or not all(isinstance(o, str) for o in outranks):
            raise self.fail(f"{label}: outranks must be a list of type names.", near)
        patterns = raw.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise self.fail(f'{label} has no patterns (add patterns = ["..."]).', near)
        for pattern in patterns:
            if not isinstance(pattern, str):
                raise self.fail(f"{label}: pattern {pattern!r} is not text.", near)
            try:
                parsed = parse_pattern(pattern)
                for words in parsed.parts:
                    count = math.prod(len(word_forms(w, inflections)) for w in words)
                    if count > MAX_VARIANTS:
                        raise ValueError(
                            f"{count} inflected variants, more than {MAX_VARIANTS}: "
                            "split it into several patterns"
                        )
            except ValueError as error:
                raise self.fail(f"{label}: pattern {pattern!r}: {error}", pattern) from None
        return EventType(
            name=name.strip(),
            acled=acled,
            color=color.upper(),
            icon=icon,
            description=description.strip(),
            patterns=tuple(patterns),
            outranks=tuple(outranks),
        )
