"""HTML exports: the report page PNG and PDF snapshots are rendered from (by
``ui.snapshot``; no Qt here), and the standalone, interactive HTML map.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mapper.atlas import Atlas
from mapper.export.common import (
    EventTypes,
    PathLike,
    ReportOptions,
    credits,
    describe_filter,
    plain_text,
    source_list,
    unbroken_text,
    write_export,
)
from mapper.filters import OPEN, Filter
from mapper.page import mapview

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


def _frame(
    atlas: Atlas, where: Filter, options: ReportOptions, *, fixed_size: bool
) -> mapview.Frame:
    """The header and footer of a page: title, filter, sources (as many as fit), credits."""
    titles = [_shorten(s["title"], _FOOTER_TITLE_CHARS) for s in source_list(atlas, where)]
    # About two footer lines of titles; the rest are counted ("and N more").
    budget = max(80, int(options.width * _FOOTER_CHARS_PER_PX * 2) - 40)
    shown: list[str] = []
    used = 0
    for title in titles:
        if shown and used + len(title) + 3 > budget:
            break
        shown.append(title)
        used += len(title) + 3
    return mapview.Frame(
        title=plain_text(options.title),
        subtitle=plain_text(options.subtitle),
        note=plain_text(describe_filter(atlas, where)),
        sources=tuple(plain_text(title) for title in shown),
        more_sources=len(titles) - len(shown),
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

    Standalone (every asset inline, nothing from the network, no bridge): a header with
    the title and subtitle, the map, the legend and scale bar as the options say, and a
    footer with the filter in words, the source articles ("and N more" when many), the
    credits and the date, all escaped. The page is exactly ``options.width`` ×
    ``options.height`` CSS pixels (and prints on one page of that size); the map starts
    at ``options.view`` or fits the pins that pass ``where``. Nothing animates, and the
    page sets ``window.datelineReady = true`` once it is drawn: grab it after that.
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
    zoom and pan; every asset inline, no bridge, no request to anything. Returns the
    path written.
    """
    page = _page(atlas, where, event_types, options or ReportOptions(), static=False)
    return write_export(path, page.encode("utf-8"))
