"""What every export shares: the excerpts and places that pass, their credits and
sources, the text made safe for each format, and writing the file.

Article text is untrusted and is escaped for each format: JSON by the encoder; CSV by the
csv module's quoting, and cells that a spreadsheet would run as a formula are defused; KML
through ElementTree, with descriptions (which Google Earth renders as HTML) escaped as
HTML first; HTML pages only ever carry it as escaped text or inert JSON
(:mod:`mapper.page.mapview`). Text extracted from PDFs also holds characters some formats
cannot carry at all, and every file is written valid whatever the text holds: lone
surrogates (which have no UTF-8) become U+FFFD in every format, one for one, so offsets
into the text stay right; KML and CSV also leave out the other characters XML 1.0
forbids (C0 controls but tab, line feed and carriage return, U+FFFE, U+FFFF), vertical
tab and form feed as a space (:func:`plain_text`). GeoJSON keeps those, escaped.

Every writer writes a temporary file beside the target and renames it over the target
(:func:`write_export`), so a failed export (a full disk, say) never leaves half a file
nor touches the file it would have replaced, and raises :class:`ExportError` with a
one-line message for the user when it cannot write.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mapper.atlas import Atlas, Excerpt
from mapper.errors import DatelineError
from mapper.filters import NO_EVENT, OPEN, Filter
from mapper.store.atomic import write_atomically
from mapper.time.display import MONTH_NAMES, describe_day
from mapper.timeline import core_days
from mapper.types import Place

#: The taxonomy as ``(name, "#rrggbb")`` pairs in legend order (as the window holds it).
EventTypes = Sequence[tuple[str, str]]
#: Something a file can be written to.
PathLike = str | os.PathLike[str]

_NO_EVENT_LABEL = "no event type"
#: Lone surrogates: no encoding of Unicode text can carry them.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What else XML 1.0 forbids: C0 controls but tab, line feed and carriage return; U+FFFE
#: and U+FFFF. (ESC among them also keeps terminal escapes out of a file someone cats.)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Vertical tab and form feed separate words (a PDF's line and page breaks).
_SPACES = {"\x0b": " ", "\x0c": " "}


class ExportError(DatelineError):
    """An export could not be written; ``str(error)`` is the message for the user."""


@dataclass(frozen=True)
class ReportOptions:
    """How a report page (and the standalone HTML map) is composed.

    ``width`` × ``height`` is the whole composition (header, map, footer) in CSS pixels;
    the renderer sizes its view to it, and PDFs print it on one page. ``view`` is
    ``(lat, lon, zoom)`` to start from (what the window shows), ``None`` to fit the pins
    that pass. ``date`` is printed in the footer (``None``: today, ISO 8601).
    ``web_tiles`` says whether web map tiles are shown (then OpenStreetMap is credited);
    the page never loads any, so it is off by default. ``all_sources`` lists every source
    article in the footer, one a line (a PDF: zoomable, nothing left out), instead of as
    many as fit in two lines and "and N more" (a PNG).
    """

    title: str = ""
    subtitle: str = ""
    legend: bool = True
    scale_bar: bool = True
    date: str | None = None
    width: int = 1200
    height: int = 800
    view: tuple[float, float, float] | None = None
    web_tiles: bool = False
    all_sources: bool = False
    #: "pins", "choropleth" or "heat" (the window's View menu; mapper.page.mapview.MAP_VIEWS).
    map_view: str = "pins"

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"a report needs a positive size, not {self.width}×{self.height}")
        if self.map_view not in ("pins", "choropleth", "heat"):
            raise ValueError(f"unknown map view {self.map_view!r}")


# -- what every export carries ---------------------------------------------------------------


def credits(web_tiles: bool = False) -> list[str]:
    """The attribution lines every export carries (OpenStreetMap only with web tiles)."""
    lines = [
        "Basemap: Natural Earth (public domain)",
        "Place names and coordinates: GeoNames (CC BY 4.0)",
    ]
    if web_tiles:
        lines.append("Map tiles: \u00a9 OpenStreetMap contributors (ODbL)")
    return lines


def passing_excerpts(atlas: Atlas, where: Filter = OPEN) -> list[Excerpt]:
    """Every excerpt that passes the filter, once, in article then text order."""
    found: dict[str, Excerpt] = {}
    for place in atlas.places(where=where):
        for excerpt in atlas.excerpts_for_place(place.id, where=where):
            found.setdefault(excerpt.id, excerpt)
    order = {article.id: index for index, article in enumerate(atlas.articles)}
    return sorted(found.values(), key=lambda e: (order.get(e.article_id, len(order)), e.start))


def source_list(atlas: Atlas, where: Filter = OPEN) -> list[dict[str, str | None]]:
    """The articles with at least one passing excerpt, in the atlas's order.

    Each is ``{"id", "title", "source", "outlet", "published"}``: ``source`` is the file
    the article was read from as given, or ``""`` for pasted text; ``outlet`` is ``""``
    when unknown; ``published`` is the publication day (ISO ``YYYY-MM-DD``) or ``None``.
    """
    wanted = {excerpt.article_id for excerpt in passing_excerpts(atlas, where)}
    return [
        {
            "id": article.id,
            "title": article.title,
            "source": article.source,
            "outlet": article.outlet,
            "published": article.published,
        }
        for article in atlas.articles
        if article.id in wanted
    ]


# -- dates in words ------------------------------------------------------------------------


def day_text(day: dt.date) -> str:
    """A day as a report writes it: "2 May 2019" (English, whatever the locale)."""
    return describe_day(day, weekday=False)


def range_text(first: dt.date | None, last: dt.date | None) -> str:
    """A range of days in words: "30 April – 2 May 2019", "1–2 May 2019", "2 May 2019",
    "from 30 April 2019", "until 2 May 2019"; "" when both ends are open."""
    if first is None and last is None:
        return ""
    if last is None:
        return f"from {day_text(first)}" if first is not None else ""
    if first is None:
        return f"until {day_text(last)}"
    if first >= last:
        return day_text(first) if first == last else f"{day_text(first)} \u2013 {day_text(last)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}\u2013{day_text(last)}"
    if first.year == last.year:
        return f"{first.day} {MONTH_NAMES[first.month - 1]} \u2013 {day_text(last)}"
    return f"{day_text(first)} \u2013 {day_text(last)}"


def _day(ordinal: int | None) -> dt.date | None:
    if ordinal is None or not 1 <= ordinal <= dt.date.max.toordinal():
        return None
    return dt.date.fromordinal(ordinal)


def shown_days(atlas: Atlas, where: Filter = OPEN) -> tuple[dt.date | None, dt.date | None]:
    """The range of days a map shows: the filter's, where it sets an end, else the span of
    the passing excerpts' dates ((None, None) when nothing shown is dated)."""
    dated = [e for e in passing_excerpts(atlas, where) if e.first_day]
    first = where.first_day
    last = where.last_day
    if first is None and dated:
        first = min(e.first_day for e in dated)
    if last is None and dated:
        last = max(e.last_day for e in dated)
    return _day(first), _day(last)


def shown_range_text(atlas: Atlas, where: Filter = OPEN) -> str:
    """:func:`shown_days` in words ("30 April – 2 May 2019"), or "".

    With no range set, the days of the bulk of the shown excerpts
    (:func:`mapper.timeline.core_days`, as the window's timeline), and how many are dated
    off them: "1 May 2019 – 31 January 2027, and 3 excerpts dated earlier (1793–2001)".
    """
    if where.has_dates:
        return range_text(*shown_days(atlas, where))
    dated = [e for e in passing_excerpts(atlas, where) if e.first_day]
    core = core_days((e.first_day, e.last_day) for e in dated)
    if core is None:
        return ""
    text = range_text(_day(core[0]), _day(core[1]))
    for word, off in (
        ("earlier", [e for e in dated if e.first_day < core[0]]),
        ("later", [e for e in dated if e.first_day > core[1]]),
    ):
        if off:
            years = sorted({dt.date.fromordinal(e.first_day).year for e in off})
            when = str(years[0]) if len(years) == 1 else f"{years[0]}\u2013{years[-1]}"
            count = f"{len(off)} excerpts" if len(off) > 1 else "1 excerpt"
            text += f", and {count} dated {word} ({when})"
    return text


def excerpt_days(excerpt: Excerpt) -> tuple[dt.date, dt.date] | None:
    """The first and last day an excerpt's date covers, or None when it is undated."""
    first, last = _day(excerpt.first_day or None), _day(excerpt.last_day or None)
    return (first, last or first) if first is not None else None


def describe_filter(atlas: Atlas, where: Filter = OPEN) -> str:
    """The filter in words for a footer ("Event types: Protests · Actors: Russia"), or ""."""
    parts: list[str] = []
    if where.event_types is not None:
        names = [_NO_EVENT_LABEL if t == NO_EVENT else t for t in sorted(where.event_types)]
        label = "Event type" if len(names) == 1 else "Event types"
        parts.append(f"{label}: {', '.join(names) or 'none'}")
    if where.actors is not None:
        names = sorted(actor_name(atlas, a) for a in where.actors)
        label = "Actor" if len(names) == 1 else "Actors"
        parts.append(f"{label}: {', '.join(names) or 'none'}")
    if where.articles is not None:
        chosen = sum(1 for a in atlas.articles if a.id in where.articles)
        parts.append(f"Articles: {chosen} of {len(atlas.articles)}")
    if where.has_dates:
        days = range_text(_day(where.first_day), _day(where.last_day))
        undated = "" if where.undated else " (undated excerpts left out)"
        parts.append(f"Dates: {days}{undated}")
    if where.event_places_only:
        parts.append("Event places only")
    return " \u00b7 ".join(parts)


def actor_name(atlas: Atlas, actor_id: str) -> str:
    try:
        return atlas.actor(actor_id).name
    except KeyError:
        return actor_id


def unbroken_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so that it encodes as UTF-8.

    One character for one: offsets into the text still point at the same characters.
    """
    return _SURROGATE.sub("\ufffd", text)


def plain_text(text: str) -> str:
    """``text`` as any XML 1.0 (KML) or CSV reader takes it.

    Lone surrogates become U+FFFD (:func:`unbroken_text`); vertical tab and form feed
    become a space; the other characters XML 1.0 forbids (C0 controls but tab, line
    feed and carriage return; U+FFFE and U+FFFF) are left out.
    """
    text = unbroken_text(text)
    return _NOT_XML.sub(lambda match: _SPACES.get(match.group(), ""), text)


def generated_at() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _finite(place: Place) -> bool:
    return math.isfinite(place.lat) and math.isfinite(place.lon)


@dataclass(frozen=True)
class PlaceSummary:
    """One place as the exports describe it: its passing excerpts and what they name."""

    place: Place
    mentions: int
    excerpts: tuple[Excerpt, ...]
    actor_ids: tuple[str, ...]  # in order of first appearance
    event_types: tuple[str, ...]  # most excerpts first, ties in legend order
    dominant: str | None  # the type that colours the pin (as the page works it out)


def _by_frequency(types: Counter[str], rank: dict[str, int]) -> tuple[str, ...]:
    """Event types, most excerpts first; ties in legend order, then as first seen."""
    first_seen = {name: index for index, name in enumerate(types)}
    return tuple(sorted(types, key=lambda t: (-types[t], rank.get(t, len(rank)), first_seen[t])))


def place_summaries(atlas: Atlas, where: Filter, taxonomy: dict[str, str]) -> list[PlaceSummary]:
    """The places that pass, most mentioned first, without non-finite coordinates."""
    rank = {name: index for index, name in enumerate(taxonomy)}
    counts = atlas.mention_counts(where=where)
    out: list[PlaceSummary] = []
    for place in atlas.places(where=where):
        if not _finite(place):
            continue
        excerpts = tuple(atlas.excerpts_for_place(place.id, where=where))
        actors = tuple(dict.fromkeys(a for e in excerpts for a in e.actor_ids))
        ordered = _by_frequency(Counter(t for e in excerpts for t in e.event_types), rank)
        # Like the page: only the chosen types count when the event-type facet is set.
        eligible = [t for t in ordered if where.event_types is None or t in where.event_types]
        out.append(
            PlaceSummary(
                place=place,
                mentions=counts.get(place.id, 0),
                excerpts=excerpts,
                actor_ids=actors,
                event_types=ordered,
                dominant=eligible[0] if eligible else None,
            )
        )
    return out


def coordinate(value: float) -> str:
    return repr(round(value, 6)) if math.isfinite(value) else ""


def write_export(path: PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole, or not at all (:mod:`mapper.store.atomic`);
    returns the path written.

    When anything fails (no such folder, no permission, a full disk, a file too large)
    a file already at ``path`` is left as it was, and :class:`ExportError` says why in
    one line ("Cannot write out.csv: No space left on device.").
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(f"Cannot write {target}: the folder {folder} does not exist.")
    if target.is_dir():
        raise ExportError(f"Cannot write {target}: it is a folder.")
    try:
        return write_atomically(target, data)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ExportError(f"Cannot write {target}: {reason}.") from error
