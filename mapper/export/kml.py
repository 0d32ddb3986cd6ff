"""KML 2.2 export (Google Earth): one placemark per place that passes."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from mapper.atlas import Atlas, Excerpt
from mapper.export.common import (
    EventTypes,
    PathLike,
    PlaceSummary,
    actor_name,
    coordinate,
    credits,
    day_text,
    describe_filter,
    excerpt_days,
    generated_at,
    place_summaries,
    plain_text,
    source_list,
    write_export,
)
from mapper.filters import OPEN, Filter
from mapper.page import mapview

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"

#: Excerpts shown in a KML placemark's description.
KML_EXCERPTS = 3
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


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
    days = excerpt_days(excerpt)
    when = ""
    if days is not None:
        first, last = days
        when = day_text(first) if first == last else excerpt.date
        when = f" \u00b7 {html.escape(when)}"
    return f"<p><i>{html.escape(excerpt.article_title)}</i>{when}<br>{''.join(parts)}</p>"


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
    country, mentions, event types, actors, dates), its time (``TimeStamp`` for one day,
    ``TimeSpan`` for more: see :func:`_time_primitive`), a style per event type colour
    (KML writes colours "aabbggrr") and its Point at "lon,lat,0". Every text and attribute is made
    plain (:func:`plain_text`), so the document is well-formed whatever the articles
    hold. Returns the path written.
    """
    taxonomy = mapview.event_type_colors(event_types)
    summaries = place_summaries(atlas, where, taxonomy)
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
        items = "".join(f"<li>{html.escape(s['title'] or '')}</li>" for s in sources)
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
            ("generated", generated_at()),
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
        _time_primitive(placemark, summary.excerpts)  # KML's order: before styleUrl
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
                ("actors", "; ".join(actor_name(atlas, a) for a in summary.actor_ids)),
                ("dates", "; ".join(dict.fromkeys(e.date for e in summary.excerpts if e.date))),
            ],
        )
        point = _sub(placemark, "Point")
        _sub(point, "coordinates", f"{coordinate(place.lon)},{coordinate(place.lat)},0")

    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return write_export(path, data + b"\n")


def _time_primitive(placemark: ET.Element, excerpts: Sequence[Excerpt]) -> None:
    """When the placemark shows on Google Earth's time slider: ``<TimeStamp><when>`` for
    one day, else ``<TimeSpan>`` from the first to the last day its dated excerpts cover
    (a week, a month, or several dates); nothing when no excerpt is dated (always shown)."""
    spans = [days for days in map(excerpt_days, excerpts) if days is not None]
    if not spans:
        return
    first = min(start for start, _ in spans)
    last = max(end for _, end in spans)
    if first == last:
        _sub(_sub(placemark, "TimeStamp"), "when", first.isoformat())
        return
    span = _sub(placemark, "TimeSpan")
    _sub(span, "begin", first.isoformat())
    _sub(span, "end", last.isoformat())


def _placemark_description(atlas: Atlas, summary: PlaceSummary) -> str:
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
        names = ", ".join(actor_name(atlas, a) for a in summary.actor_ids)
        parts.append(f"<p>Actors: {html.escape(names)}</p>")
    return "".join(parts)
