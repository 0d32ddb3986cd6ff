"""Exports of what the map shows: GeoJSON, CSV, KML, a standalone HTML map, and the
report page that PNG and PDF snapshots are rendered from.

Every export takes the :class:`~mapper.atlas.Atlas` and the :class:`~mapper.filters.Filter`
the user narrowed it to (the one filter rule of the window, the page and the CLI): only
excerpts that pass are written, and a place is written while one of its excerpts passes.
Attribution (:func:`credits`) and the list of source articles (:func:`source_list`) travel
with every export that has room for them: the GeoJSON foreign member ``"dateline"``, the
KML document's description and ExtendedData, and the footer of the HTML and report pages.

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
(:func:`write_atomically`), so a failed export (a full disk, say) never leaves half a
file nor touches the file it would have replaced, and raises :class:`ExportError` with
a one-line message for the user when it cannot write. No Qt here: PNG and PDF are
rendered by ``ui.snapshot`` from :func:`build_report_page`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import html
import io
import json
import math
import os
import re
import secrets
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapper.atlas import Atlas, Excerpt
from mapper.errors import DatelineError
from mapper.filters import NO_EVENT, OPEN, Filter
from mapper.page import mapview
from mapper.types import Place

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "ExportError",
    "ReportOptions",
    "build_report_page",
    "credits",
    "describe_filter",
    "passing_excerpts",
    "plain_text",
    "source_list",
    "to_geojson",
    "unbroken_text",
    "write_atomically",
    "write_csv",
    "write_geojson",
    "write_html",
    "write_kml",
    "write_report_page",
]

#: The taxonomy as ``(name, "#rrggbb")`` pairs in legend order (as the window holds it).
EventTypes = Sequence[tuple[str, str]]
#: Something a file can be written to.
PathLike = str | os.PathLike[str]

#: File formats by suffix (without the dot); png and pdf are rendered by ``ui.snapshot``.
FORMATS = ("png", "pdf", "html", "geojson", "csv", "kml")

#: The columns of the CSV export, in order.
CSV_COLUMNS = (
    "article_title",
    "article_source",
    "sentence",
    "place",
    "place_id",
    "kind",
    "lat",
    "lon",
    "country",
    "mention_text",
    "mention_start",
    "mention_end",
    "actors",
    "event_types",
)

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"

#: Excerpts shown in a KML placemark's description.
KML_EXCERPTS = 3
#: A source title longer than this is shortened in a page footer.
_FOOTER_TITLE_CHARS = 90
#: Roughly how many characters of the 11 px footer fit on one line per CSS pixel.
_FOOTER_CHARS_PER_PX = 1 / 6.2
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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
    the page never loads any, so it is off by default.
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

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"a report needs a positive size, not {self.width}×{self.height}")


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


def source_list(atlas: Atlas, where: Filter = OPEN) -> list[dict[str, str]]:
    """The articles with at least one passing excerpt, in the atlas's order.

    Each is ``{"id", "title", "source"}``: ``source`` is the file the article was read
    from as given, or ``""`` for pasted text.
    """
    wanted = {excerpt.article_id for excerpt in passing_excerpts(atlas, where)}
    return [
        {"id": article.id, "title": article.title, "source": article.source}
        for article in atlas.articles
        if article.id in wanted
    ]


def describe_filter(atlas: Atlas, where: Filter = OPEN) -> str:
    """The filter in words for a footer ("Event types: Protests · Actors: Russia"), or ""."""
    parts: list[str] = []
    if where.event_types is not None:
        names = [_NO_EVENT_LABEL if t == NO_EVENT else t for t in sorted(where.event_types)]
        label = "Event type" if len(names) == 1 else "Event types"
        parts.append(f"{label}: {', '.join(names) or 'none'}")
    if where.actors is not None:
        names = sorted(_actor_name(atlas, a) for a in where.actors)
        label = "Actor" if len(names) == 1 else "Actors"
        parts.append(f"{label}: {', '.join(names) or 'none'}")
    if where.articles is not None:
        chosen = sum(1 for a in atlas.articles if a.id in where.articles)
        parts.append(f"Articles: {chosen} of {len(atlas.articles)}")
    return " \u00b7 ".join(parts)


def _actor_name(atlas: Atlas, actor_id: str) -> str:
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


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _finite(place: Place) -> bool:
    return math.isfinite(place.lat) and math.isfinite(place.lon)


@dataclass(frozen=True)
class _PlaceSummary:
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


def _summaries(atlas: Atlas, where: Filter, taxonomy: dict[str, str]) -> list[_PlaceSummary]:
    """The places that pass, most mentioned first, without non-finite coordinates."""
    rank = {name: index for index, name in enumerate(taxonomy)}
    counts = atlas.mention_counts(where=where)
    out: list[_PlaceSummary] = []
    for place in atlas.places(where=where):
        if not _finite(place):
            continue
        excerpts = tuple(atlas.excerpts_for_place(place.id, where=where))
        actors = tuple(dict.fromkeys(a for e in excerpts for a in e.actor_ids))
        ordered = _by_frequency(Counter(t for e in excerpts for t in e.event_types), rank)
        # Like the page: only the chosen types count when the event-type facet is set.
        eligible = [t for t in ordered if where.event_types is None or t in where.event_types]
        out.append(
            _PlaceSummary(
                place=place,
                mentions=counts.get(place.id, 0),
                excerpts=excerpts,
                actor_ids=actors,
                event_types=ordered,
                dominant=eligible[0] if eligible else None,
            )
        )
    return out


# -- GeoJSON ---------------------------------------------------------------------------------


def to_geojson(atlas: Atlas, where: Filter = OPEN, event_types: EventTypes = ()) -> dict[str, Any]:
    """The places that pass as an RFC 7946 FeatureCollection (WGS 84, ``[lon, lat]``).

    One Point feature per place, most mentioned first, with properties ``id``, ``name``,
    ``kind``, ``country``, ``country_code``, ``admin1``, ``mentions`` (in the passing
    excerpts), ``actors`` (``[{"id", "name", "kind"}]``), ``event_types`` (names, most
    excerpts first), ``dominant_event_type`` and ``excerpts`` (``[{"article_id",
    "article_title", "start", "end", "text", "highlights", "actor_ids", "event_types"}]``:
    ``start``/``end`` index the article text in Unicode code points, ``highlights`` are
    ``[start, end]`` pairs of this place's mentions relative to ``text``). With a
    taxonomy, ``marker-color`` (simplestyle) is the dominant type's colour.

    The foreign member ``"dateline"`` holds ``attribution``, ``sources``
    (:func:`source_list`), ``filter`` (``Filter.to_json()``), ``generated`` (UTC, ISO
    8601) and ``event_types`` (``[{"name", "color"}]``).
    """
    taxonomy = mapview.event_type_colors(event_types)
    features: list[dict[str, Any]] = []
    for summary in _summaries(atlas, where, taxonomy):
        place = summary.place
        properties: dict[str, Any] = {
            "id": place.id,
            "name": place.name,
            "kind": place.kind,
            "country": place.country,
            "country_code": place.country_code,
            "admin1": place.admin1,
            "mentions": summary.mentions,
            "actors": [_actor_json(atlas, actor_id) for actor_id in summary.actor_ids],
            "event_types": list(summary.event_types),
            "dominant_event_type": summary.dominant,
            "excerpts": [
                {
                    "article_id": excerpt.article_id,
                    "article_title": excerpt.article_title,
                    "start": excerpt.start,
                    "end": excerpt.end,
                    "text": excerpt.text,
                    "highlights": [
                        [h.start, h.end] for h in excerpt.highlights if h.place_id == place.id
                    ],
                    "actor_ids": list(excerpt.actor_ids),
                    "event_types": list(excerpt.event_types),
                }
                for excerpt in summary.excerpts
            ],
        }
        if taxonomy:
            color = taxonomy.get(summary.dominant) if summary.dominant else None
            properties["marker-color"] = color or mapview.NO_EVENT_COLOR
        features.append(mapview.point_feature(place, properties))
    return {
        "type": "FeatureCollection",
        "features": features,
        # A foreign member (RFC 7946 section 6.1): GeoJSON readers ignore it.
        "dateline": {
            "attribution": credits(),
            "sources": source_list(atlas, where),
            "filter": where.to_json(),
            "generated": _now(),
            "event_types": [{"name": n, "color": c} for n, c in taxonomy.items()],
        },
    }


def _actor_json(atlas: Atlas, actor_id: str) -> dict[str, str]:
    try:
        actor = atlas.actor(actor_id)
    except KeyError:  # an excerpt naming an actor the analysis did not describe
        return {"id": actor_id, "name": actor_id, "kind": ""}
    return {"id": actor.id, "name": actor.name, "kind": actor.kind}


def write_geojson(
    path: PathLike, atlas: Atlas, where: Filter = OPEN, event_types: EventTypes = ()
) -> Path:
    """Write :func:`to_geojson` as UTF-8 JSON; returns the path written.

    Lone surrogates in the text become U+FFFD (one for one, so ``start``, ``end`` and
    ``highlights`` still index it); control characters are kept, escaped by JSON.
    """
    text = json.dumps(
        to_geojson(atlas, where, event_types),
        ensure_ascii=False,
        allow_nan=False,
        separators=(",", ":"),
    )
    # Raw surrogates only ever stand inside JSON strings: replacing them keeps the JSON.
    return write_atomically(path, unbroken_text(text).encode("utf-8"))


# -- CSV -------------------------------------------------------------------------------------


def _cell(value: str) -> str:
    """Text a spreadsheet shows as text: a leading "=", "+", "-" or "@" would make it a
    formula (a hostile article could run one), so such cells start with an apostrophe.

    The text is made plain (:func:`plain_text`) first, so a character left out cannot
    uncover a formula behind it.
    """
    value = plain_text(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: float) -> str:
    return repr(round(value, 6)) if math.isfinite(value) else ""


def write_csv(
    path: PathLike, atlas: Atlas, where: Filter = OPEN, *, excel_bom: bool = False
) -> Path:
    """One row per place mention in the passing excerpts, columns :data:`CSV_COLUMNS`.

    Rows follow the articles, then the text. ``mention_start``/``mention_end`` index the
    article text (code points); ``actors`` and ``event_types`` are the sentence's,
    joined with "; ". RFC 4180: comma-separated, CRLF between rows, fields with commas,
    quotes or line breaks quoted; UTF-8, with the byte-order mark Excel wants when
    ``excel_bom``. Text is made plain (:func:`plain_text`), and cells that a spreadsheet
    would take for a formula get a leading apostrophe. Returns the path written.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    sources = {article.id: article.source for article in atlas.articles}
    for excerpt in passing_excerpts(atlas, where):
        actors = "; ".join(_actor_name(atlas, a) for a in excerpt.actor_ids)
        types = "; ".join(excerpt.event_types)
        for highlight in excerpt.highlights:
            try:
                place = atlas.place(highlight.place_id)
            except KeyError:  # pragma: no cover -- the atlas indexes every highlight's place
                continue
            writer.writerow(
                [
                    _cell(excerpt.article_title),
                    _cell(sources.get(excerpt.article_id, "")),
                    _cell(excerpt.text),
                    _cell(place.name),
                    plain_text(place.id),
                    plain_text(place.kind),
                    _number(place.lat),
                    _number(place.lon),
                    _cell(place.country),
                    _cell(excerpt.text[highlight.start : highlight.end]),
                    excerpt.start + highlight.start,
                    excerpt.start + highlight.end,
                    _cell(actors),
                    _cell(types),
                ]
            )
    encoding = "utf-8-sig" if excel_bom else "utf-8"
    return write_atomically(path, buffer.getvalue().encode(encoding))


# -- KML -------------------------------------------------------------------------------------


def kml_color(hex_color: str) -> str:
    """A "#rrggbb" colour as KML writes it: opaque "aabbggrr"."""
    if not _HEX_COLOR.fullmatch(hex_color):
        raise ValueError(f"not a #rrggbb colour: {hex_color!r}")
    red, green, blue = hex_color[1:3], hex_color[3:5], hex_color[5:7]
    return f"ff{blue}{green}{red}".lower()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    """A child element; its text and attribute values made plain (:func:`plain_text`), as
    XML 1.0 wants them: every text of the KML document is written through here."""
    element = ET.SubElement(
        parent, tag, {name: plain_text(value) for name, value in attrib.items()}
    )
    if text is not None:
        element.text = plain_text(text)
    return element


def _extended_data(parent: ET.Element, values: Sequence[tuple[str, str]]) -> None:
    data = _sub(parent, "ExtendedData")
    for name, value in values:
        _sub(_sub(data, "Data", name=name), "value", value)


def _html_excerpt(excerpt: Excerpt, place_id: str) -> str:
    """An excerpt as an HTML fragment (for a KML balloon), its place in bold, all escaped."""
    parts: list[str] = []
    position = 0
    for h in sorted(excerpt.highlights, key=lambda h: h.start):
        if h.place_id != place_id or h.start < position:
            continue
        parts.append(html.escape(excerpt.text[position : h.start]))
        parts.append(f"<b>{html.escape(excerpt.text[h.start : h.end])}</b>")
        position = h.end
    parts.append(html.escape(excerpt.text[position:]))
    return f"<p><i>{html.escape(excerpt.article_title)}</i><br>{''.join(parts)}</p>"


def write_kml(
    path: PathLike,
    atlas: Atlas,
    where: Filter = OPEN,
    event_types: EventTypes = (),
    *,
    title: str = "",
) -> Path:
    """A KML 2.2 document (opens in Google Earth) with one placemark per place that passes.

    The document's description and ExtendedData carry the credits, the filter and the
    source articles. Each placemark has the place's name, a description with its first
    excerpts (HTML, escaped: Google Earth renders descriptions as HTML, so article text
    is escaped as HTML and then, like everything, as XML), ExtendedData (place id, kind,
    country, mentions, event types, actors), a style per event type colour (KML writes
    colours "aabbggrr") and its Point at "lon,lat,0". Every text and attribute is made
    plain (:func:`plain_text`), so the document is well-formed whatever the articles
    hold. Returns the path written.
    """
    taxonomy = mapview.event_type_colors(event_types)
    summaries = _summaries(atlas, where, taxonomy)
    sources = source_list(atlas, where)
    attribution = credits()

    root = ET.Element("kml", xmlns=KML_NAMESPACE)
    document = _sub(root, "Document")
    count = len(summaries)
    _sub(
        document,
        "name",
        title
        or f"Dateline: {count} place{'' if count == 1 else 's'} from "
        f"{len(sources)} article{'' if len(sources) == 1 else 's'}",
    )
    _sub(document, "open", "1")
    described = [f"<p>{html.escape(line)}</p>" for line in attribution]
    note = describe_filter(atlas, where)
    if note:
        described.append(f"<p>Showing {html.escape(note)}</p>")
    if sources:
        items = "".join(f"<li>{html.escape(s['title'])}</li>" for s in sources)
        described.append(f"<p>Sources:</p><ul>{items}</ul>")
    _sub(document, "description", "".join(described))

    style_ids: dict[str | None, str] = {}
    styles = [*taxonomy.items(), (None, mapview.NO_EVENT_COLOR)] if taxonomy else []
    for index, (name, color) in enumerate(styles, start=1):
        style_id = f"dl-event-{index}" if name is not None else "dl-no-event"
        style_ids[name] = style_id
        style = _sub(document, "Style", id=style_id)
        icon = _sub(style, "IconStyle")
        _sub(icon, "color", kml_color(color))
        _sub(icon, "scale", "1.1")
        _sub(_sub(style, "LabelStyle"), "scale", "0.9")
    _extended_data(
        document,
        [
            ("attribution", "; ".join(attribution)),
            ("sources", json.dumps(sources, ensure_ascii=False)),
            ("filter", json.dumps(where.to_json(), ensure_ascii=False)),
            ("generated", _now()),
        ],
    )

    for summary in summaries:
        place = summary.place
        placemark = _sub(document, "Placemark")
        _sub(placemark, "name", place.name)
        mentions = f"{summary.mentions} mention{'' if summary.mentions == 1 else 's'}"
        _sub(
            placemark,
            "Snippet",
            " \u00b7 ".join([mentions, *summary.event_types[:2]]),
            maxLines="1",
        )
        _sub(placemark, "description", _placemark_description(atlas, summary))
        if taxonomy:
            key = summary.dominant if summary.dominant in taxonomy else None
            _sub(placemark, "styleUrl", f"#{style_ids[key]}")
        _extended_data(
            placemark,
            [
                ("place_id", place.id),
                ("kind", place.kind),
                ("country", place.country),
                ("country_code", place.country_code),
                ("mentions", str(summary.mentions)),
                ("event_types", "; ".join(summary.event_types)),
                ("actors", "; ".join(_actor_name(atlas, a) for a in summary.actor_ids)),
            ],
        )
        point = _sub(placemark, "Point")
        _sub(point, "coordinates", f"{_number(place.lon)},{_number(place.lat)},0")

    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return write_atomically(path, data + b"\n")


def _placemark_description(atlas: Atlas, summary: _PlaceSummary) -> str:
    place = summary.place
    meta = [m for m in (place.country if place.country != place.name else "", place.kind) if m]
    meta.append(f"{summary.mentions} mention{'' if summary.mentions == 1 else 's'}")
    parts = [f"<p>{html.escape(' · '.join(meta))}</p>"]
    parts += [_html_excerpt(e, place.id) for e in summary.excerpts[:KML_EXCERPTS]]
    more = len(summary.excerpts) - KML_EXCERPTS
    if more > 0:
        parts.append(f"<p>and {more} more excerpt{'' if more == 1 else 's'}</p>")
    if summary.event_types:
        parts.append(f"<p>Event types: {html.escape(', '.join(summary.event_types))}</p>")
    if summary.actor_ids:
        names = ", ".join(_actor_name(atlas, a) for a in summary.actor_ids)
        parts.append(f"<p>Actors: {html.escape(names)}</p>")
    return "".join(parts)


# -- HTML: the report page and the standalone map --------------------------------------------


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
    return write_atomically(path, page.encode("utf-8"))


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
    return write_atomically(path, page.encode("utf-8"))


# -- writing ---------------------------------------------------------------------------------


def write_atomically(path: PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole, or not at all; returns the path written.

    The bytes go to a temporary file beside ``path`` (``.NAME.RANDOM.part``), which is
    synced and then renamed over ``path``. When anything fails (no such folder, no
    permission, a full disk, a file too large) the temporary file is removed, a file
    already at ``path`` is left as it was, and :class:`ExportError` says why in one line
    ("Cannot write out.csv: No space left on device.").
    """
    target = Path(path)
    folder = target.parent
    temporary = folder / f".{target.name}.{secrets.token_hex(4)}.part"
    descriptor: int | None = None
    try:
        if not folder.is_dir():
            raise ExportError(f"Cannot write {target}: the folder {folder} does not exist.")
        if target.is_dir():
            raise ExportError(f"Cannot write {target}: it is a folder.")
        # Created with the usual permissions (0666 less the umask), unlike mkstemp's 0600.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        descriptor = os.open(temporary, flags, 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            descriptor = None  # the handle closes it, even when a write fails
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
    except OSError as error:
        if descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(descriptor)
        with contextlib.suppress(OSError):
            temporary.unlink()
        reason = error.strerror or str(error)
        raise ExportError(f"Cannot write {target}: {reason}.") from error
    return target
