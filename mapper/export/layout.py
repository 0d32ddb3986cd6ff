"""The layout of a report: paper sizes, and the composition of what the window shows.

No Qt here: the export dialog (``ui.export_dialog``), the renderer (``ui.snapshot``) and
the ``export`` command line take their paper sizes and their sums from this module.
A composition is measured in CSS pixels, at 96 to the inch.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from mapper.atlas import Atlas
from mapper.export.common import ReportOptions, source_list
from mapper.filters import Filter

__all__ = [
    "ORIENTATIONS",
    "PAPERS",
    "MapState",
    "Paper",
    "ReportSettings",
    "file_stem",
    "fitted_view",
    "forget_frame_heights",
    "frame_height",
    "measured_frame_height",
    "paper_size_css",
    "paper_size_px",
    "parse_view_state",
    "report_options",
    "summary_text",
]

#: CSS pixels to the inch.
PX_PER_INCH = 96
MM_PER_INCH = 25.4
ORIENTATIONS = ("landscape", "portrait")


@dataclass(frozen=True)
class Paper:
    """A sheet of paper: its name for the user and its upright size in millimetres."""

    label: str
    width_mm: float
    height_mm: float


#: The papers a PDF may be printed on, by key.
PAPERS = {
    "a4": Paper("A4", 210.0, 297.0),
    "letter": Paper("Letter", 215.9, 279.4),
}


def paper_size_css(paper: str, orientation: str = "landscape") -> tuple[float, float]:
    """The size of a sheet in CSS pixels, as ``(width, height)`` in ``orientation``.

    Raises :class:`ValueError` for a paper or orientation not known.
    """
    if paper not in PAPERS:
        raise ValueError(f"Unknown paper {paper!r} (choose from {', '.join(PAPERS)}).")
    if orientation not in ORIENTATIONS:
        raise ValueError(f"Unknown orientation {orientation!r}.")
    sheet = PAPERS[paper]
    short, long_ = sorted(
        (sheet.width_mm / MM_PER_INCH * PX_PER_INCH, sheet.height_mm / MM_PER_INCH * PX_PER_INCH)
    )
    return (long_, short) if orientation == "landscape" else (short, long_)


def paper_size_px(paper: str, orientation: str = "landscape") -> tuple[int, int]:
    """The size of a sheet in whole CSS pixels, rounded down (so a page fits on it)."""
    width, height = paper_size_css(paper, orientation)
    return int(width), int(height)


# -- what the window shows -------------------------------------------------------------------


@dataclass(frozen=True)
class MapState:
    """What the window's map shows, so that an export can show the same.

    ``map_size`` is the map's size on screen in CSS pixels; ``view`` is its centre and
    zoom ``(lat, lon, zoom)`` from ``Dateline.viewState()``, or ``None`` (the map was not
    ready: the export fits the pins that pass).
    """

    atlas: Atlas
    where: Filter
    event_types: tuple[tuple[str, str], ...]
    map_size: tuple[int, int]
    view: tuple[float, float, float] | None = None
    web_tiles: bool = False
    #: "pins", "choropleth" or "heat": the View menu's choice, which exports keep.
    map_view: str = "pins"


def parse_view_state(result: object) -> tuple[float, float, float] | None:
    """``Dateline.viewState()``'s JSON as ``(lat, lon, zoom)``, or None when unusable."""
    try:
        value = json.loads(result) if isinstance(result, str) else result
        if not isinstance(value, dict):
            return None
        lat, lon, zoom = (float(value[k]) for k in ("lat", "lon", "zoom"))
    except (ValueError, KeyError, TypeError):
        return None
    if not all(math.isfinite(v) for v in (lat, lon, zoom)) or abs(lat) > 90:
        return None
    return lat, lon, zoom


def summary_text(state: MapState) -> str:
    """How much passes the window's filter: places, mentions, articles."""
    atlas, where = state.atlas, state.where
    places = len(atlas.places(where=where))
    mentions = sum(atlas.mention_counts(where=where).values())
    articles = len(source_list(atlas, where))

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    filtered = "" if where.is_open else " that pass the current filter"
    return (
        f"{count(places, 'place')} · {count(mentions, 'mention')} · "
        f"{count(articles, 'article')}{filtered}."
    )


def file_stem(title: str) -> str:
    """A file name (without suffix) for an export titled ``title``."""
    words = re.findall(r"[\w]+", title.lower())
    stem = "-".join(words)[:60].strip("-")
    return stem or "dateline-map"


# -- the report: options and composition -----------------------------------------------------


@dataclass(frozen=True)
class ReportSettings:
    """The dialog's choices for a report.

    ``size`` ``None`` is the current view (the map as big as on screen, plus the header and
    footer); ``date`` ``""`` leaves the date out; ``paper`` (PDF) is a key of :data:`PAPERS`.
    """

    title: str = ""
    subtitle: str = ""
    legend: bool = True
    scale_bar: bool = True
    date: str = ""
    size: tuple[int, int] | None = None
    scale: float = 1.0
    paper: str | None = None
    orientation: str = "landscape"


#: Measured header + footer heights of compositions, by what shapes them (see _frame_key).
_frame_heights: dict[tuple[Any, ...], int] = {}


def _frame_key(state: MapState, settings: ReportSettings, width: int) -> tuple[Any, ...]:
    # The header and footer hold the title, subtitle, filter, sources, credits and date,
    # laid out at the composition's width; the map takes the rest of the height.
    return (
        width,
        settings.title,
        settings.subtitle,
        settings.date,
        state.where,
        tuple(article.id for article in state.atlas.articles),
        state.web_tiles,
        settings.paper is not None,  # a PDF lists every source
    )


def _guess_frame_height(settings: ReportSettings) -> int:
    """A first guess at header + footer height (a render measures the real one)."""
    header = (18 if settings.title or settings.subtitle else 0) + (26 if settings.title else 0)
    header += 18 if settings.subtitle else 0
    return header + 46


def frame_height(state: MapState, settings: ReportSettings, width: int) -> int:
    """Header + footer height of the composition: as measured last time, else a guess."""
    return _frame_heights.get(_frame_key(state, settings, width), _guess_frame_height(settings))


def measured_frame_height(
    state: MapState, settings: ReportSettings, width: int, height: int
) -> None:
    """Remember the header + footer height a render measured (for :func:`frame_height`)."""
    _frame_heights[_frame_key(state, settings, width)] = height


def forget_frame_heights() -> None:
    """Forget every measured header + footer height (benchmarks start cold)."""
    _frame_heights.clear()


def fitted_view(
    view: tuple[float, float, float], screen: tuple[int, int], region: tuple[int, int]
) -> tuple[float, float, float]:
    """The view that keeps the screen's extent in a map region of another size.

    Zoom changes by log2 of the smaller ratio of sizes, rounded down to the page's
    quarter-zoom steps so that nothing on screen falls outside.
    """
    lat, lon, zoom = view
    ratio = min(region[0] / max(1, screen[0]), region[1] / max(1, screen[1]))
    if ratio <= 0:
        return view
    return lat, lon, math.floor((zoom + math.log2(ratio)) * 4 + 1e-6) / 4


def report_options(
    state: MapState, settings: ReportSettings, frame: int | None = None
) -> ReportOptions:
    """The :class:`~mapper.export.common.ReportOptions` of a report of what the window shows."""
    if settings.paper is not None:
        width, height = paper_size_px(settings.paper, settings.orientation)
    elif settings.size is None:
        width = state.map_size[0]
    else:
        width, height = settings.size
    if frame is None:
        frame = frame_height(state, settings, width)
    view = state.view
    if settings.paper is None and settings.size is None:
        height = state.map_size[1] + frame  # the map exactly as big as on screen
    elif view is not None:
        view = fitted_view(view, state.map_size, (width, max(1, height - frame)))
    return ReportOptions(
        title=settings.title,
        subtitle=settings.subtitle,
        legend=settings.legend,
        scale_bar=settings.scale_bar,
        date=settings.date,
        width=width,
        height=height,
        view=view,
        web_tiles=state.web_tiles,
        all_sources=settings.paper is not None,  # a PDF: every source, nothing left out
        map_view=state.map_view,
    )
