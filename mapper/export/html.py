"""HTML exports: the report page PNG and PDF snapshots are rendered from (by
``ui.snapshot``; no Qt here), and the standalone, interactive HTML map.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from mapper.atlas import Atlas
from mapper.export.common import (
    EventTypes,
    PathLike,
    ReportOptions,
    credits,
    day_text,
    describe_filter,
    plain_text,
    shown_range_text,
    source_list,
    unbroken_text,
    write_export,
)
from mapper.filters import OPEN, Filter
from mapper.page import mapview
from mapper.time.published import parse_day

#: A source title longer than this is shortened in a page footer.
_FOOTER_TITLE_CHARS = 90
#: Roughly how many characters of the 11 px footer fit on one line per CSS pixel.
_FOOTER_CHARS_PER_PX = 1 / 6.2


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:\u2014- ") + "\u2026"


def source_entry(source: Mapping[str, str | None], title_chars: int = _FOOTER_TITLE_CHARS) -> str:
    """One source as a report lists it: "AP, 2 May 2019 — Title" (the outlet and the
    publication day when known, the title shortened to ``title_chars``)."""
    about = []
    if source.get("outlet"):
        about.append(_shorten(str(source["outlet"]), 40))
    day = parse_day(str(source["published"])) if source.get("published") else None
    if day is not None:
        about.append(day_text(day))
    title = _shorten(str(source.get("title") or ""), title_chars)
    return " — ".join(part for part in (", ".join(about), title) if part)


#: The share of a page's height the full list of sources may take under the map; a longer
#: list goes on the pages after the map, which keeps the whole of the first page.
_REGISTER_SHARE = 0.2
#: Type sizes for the full list, largest first (CSS pixels; 7 px is 5.25 pt, and the PDF's
#: vectors zoom). Under the map the list keeps to the larger sizes, else it moves on.
_REGISTER_FONTS = (11.0, 10.0, 9.0, 8.0, 7.5, 7.0)
_REGISTER_FONTS_UNDER_MAP = (11.0, 10.0, 9.0, 8.0)
#: The margins of a page of sources, in CSS pixels (``.dl-frame-appendix``).
_APPENDIX_MARGIN = 32
#: Average width of a character, in ems, of the footer's sans-serif type.
_EM_PER_CHAR = 0.5
#: A title in the full list keeps at least this many characters (else it wraps).
_REGISTER_TITLE_CHARS = 40


def register_layout(
    sources: Sequence[Mapping[str, str | None]],
    width: int,
    height: float,
    fonts: Sequence[float] = _REGISTER_FONTS,
    *,
    widest: bool = False,
) -> tuple[int, float, list[str]] | None:
    """(columns, type size in CSS px, entries) that list every source in ``height`` CSS
    pixels of a ``width`` wide footer: the largest of ``fonts`` that fits, then the fewest
    columns. A title is shortened to its column's line (never below
    :data:`_REGISTER_TITLE_CHARS` characters: a longer entry wraps, each line counted).
    ``widest`` tries the most columns first. ``None`` when nothing fits."""
    inner = max(100, width - 32 - 160)  # the footer's padding and its side column
    max_columns = max(1, min(6, inner // 200))
    budget = max(60.0, height - 20)  # less the "Sources" line
    prefixes = [len(source_entry({**s, "title": ""})) + 3 for s in sources]
    for font in fonts:
        counts = range(1, max_columns + 1)
        for columns in reversed(counts) if widest else counts:
            column_px = (inner - 14 * (columns - 1)) / columns
            per_line = max(8, int(column_px / (font * _EM_PER_CHAR)))
            entries = [
                source_entry(s, max(_REGISTER_TITLE_CHARS, per_line - prefix))
                for s, prefix in zip(sources, prefixes, strict=True)
            ]
            lines = sum(max(1, math.ceil(len(entry) / per_line)) for entry in entries)
            # Columns balance whole entries: allow one line of slack each.
            rows = math.ceil(lines / columns) + (1 if columns > 1 else 0)
            if rows * font * 1.3 <= budget:
                return columns, font, entries
    return None


def full_register(
    sources: Sequence[Mapping[str, str | None]], width: int, height: int
) -> tuple[int, float, list[str], bool]:
    """Where and how a PDF lists every source: (columns, type size, entries, on the pages
    after the map). Under the map when the list fits in :data:`_REGISTER_SHARE` of the page
    at a readable size; else on a page of its own (its full width and height, less
    margins), and on further pages when even the smallest type in the most columns does
    not fit one."""
    under_map = register_layout(sources, width, height * _REGISTER_SHARE, _REGISTER_FONTS_UNDER_MAP)
    if under_map is not None:
        return (*under_map, False)
    # The appendix has no side column: give register_layout the footer's extra width back.
    page_width = width - 2 * _APPENDIX_MARGIN + 32 + 160
    on_a_page = register_layout(sources, page_width, height - 2 * _APPENDIX_MARGIN)
    if on_a_page is not None:
        return (*on_a_page, True)
    smallest = _REGISTER_FONTS[-1:]
    spilling = register_layout(sources, page_width, math.inf, smallest, widest=True)
    assert spilling is not None  # an unbounded height fits everything
    return (*spilling, True)


def _frame(
    atlas: Atlas, where: Filter, options: ReportOptions, *, fixed_size: bool
) -> mapview.Frame:
    """The header and footer of a page: title, subtitle and the days shown; the filter,
    the sources (as many as fit, or all of them), credits and date. An interactive page
    (not ``fixed_size``) has a date control that may show any day: its footer gives the
    filter and the sources of the other facets, and leaves the dates to the control (the
    page keeps the header's days up to date)."""
    facets = where if fixed_size else where.between(None, None)
    listed = source_list(atlas, facets)
    dates = shown_range_text(atlas, where)
    register: tuple[str, ...] = ()
    columns, font, next_page = 1, 11.0, False
    if options.all_sources and listed:
        columns, font, entries, next_page = full_register(listed, options.width, options.height)
        register = tuple(plain_text(entry) for entry in entries)
    titles = [source_entry(s) for s in listed]
    # About two footer lines of titles; the rest are counted ("and N more").
    budget = max(80, int(options.width * _FOOTER_CHARS_PER_PX * 2) - 40)
    shown: list[str] = []
    used = 0
    for title in [] if register else titles:
        if shown and used + len(title) + 3 > budget:
            break
        shown.append(title)
        used += len(title) + 3
    return mapview.Frame(
        title=plain_text(options.title),
        subtitle=plain_text(options.subtitle),
        note=plain_text(describe_filter(atlas, facets)),
        sources=tuple(plain_text(title) for title in shown),
        more_sources=0 if register else len(titles) - len(shown),
        dates=dates,
        register=register,
        register_columns=columns,
        register_font=font,
        register_on_next_page=next_page,
        credits=tuple(credits(options.web_tiles)),
        date=options.date if options.date is not None else dt.date.today().isoformat(),
        width=options.width if fixed_size else None,
        height=options.height if fixed_size else None,
    )


def _page(
    atlas: Atlas,
    where: Filter,
    event_types: EventTypes,
    options: ReportOptions,
    *,
    static: bool,
) -> str:
    pins = mapview.pins_feature_collection(atlas, event_types=event_types)
    page = mapview.build_page(
        pins,
        bridge=False,
        inline_assets=True,
        title=plain_text(options.title) or "Dateline map",
        view=options.view,
        where=where,
        static=static,
        legend=options.legend,
        scale_bar=options.scale_bar,
        frame=_frame(atlas, where, options, fixed_size=static),
        date_control=not static,
        map_view=options.map_view,
    )
    # Article text in the pins' data may hold lone surrogates: the page must encode.
    return unbroken_text(page)


def build_report_page(
    atlas: Atlas,
    where: Filter = OPEN,
    event_types: EventTypes = (),
    options: ReportOptions | None = None,
) -> str:
    """The report page PNG and PDF snapshots are rendered from, as one HTML document.

    Standalone (every asset inline, nothing from the network, no bridge): a header with the
    title and subtitle and the days shown (the filter's range, else the span of the shown
    excerpts' dates: "30 April – 2 May 2019"), the map, the legend and scale bar as the
    options say, and a footer with the filter in words, the source articles (outlet, day,
    title: "and N more" when many, or every one with ``options.all_sources``), the credits
    and the date, all escaped. The page is exactly ``options.width`` × ``options.height``
    CSS pixels (and prints on one page of that size); the map starts at ``options.view`` or
    fits the pins that pass ``where``. Nothing animates, and the page sets
    ``window.datelineReady = true`` once it is drawn: grab it after that.
    """
    return _page(atlas, where, event_types, options or ReportOptions(), static=True)


def write_report_page(
    path: PathLike,
    atlas: Atlas,
    where: Filter = OPEN,
    event_types: EventTypes = (),
    options: ReportOptions | None = None,
) -> Path:
    """Write :func:`build_report_page` to ``path`` (for the renderer); returns the path."""
    page = build_report_page(atlas, where, event_types, options)
    return write_export(path, page.encode("utf-8"))


def write_html(
    path: PathLike,
    atlas: Atlas,
    where: Filter = OPEN,
    event_types: EventTypes = (),
    options: ReportOptions | None = None,
) -> Path:
    """The standalone, interactive HTML map: one file that works offline, on its own.

    The report page's composition filling the browser window (``width``/``height`` are
    not used): pins with their popups and excerpts, the legend, the filter as it was,
    zoom and pan, and a date control ("From", "Until", "Undated"; pre-filled with the
    filter's range or the span of the dates) that narrows the pins by date in the page;
    every asset inline, no bridge, no request to anything. Returns the path written.
    """
    page = _page(atlas, where, event_types, options or ReportOptions(), static=False)
    return write_export(path, page.encode("utf-8"))
