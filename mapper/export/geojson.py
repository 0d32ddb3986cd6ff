"""GeoJSON (RFC 7946) export: one Point feature per place that passes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from mapper.atlas import Atlas
from mapper.export.common import (
    EventTypes,
    PathLike,
    credits,
    generated_at,
    place_summaries,
    shown_days,
    source_list,
    unbroken_text,
    write_export,
)
from mapper.filters import OPEN, Filter
from mapper.page import mapview


def to_geojson(atlas: Atlas, where: Filter = OPEN, event_types: EventTypes = ()) -> dict[str, Any]:
    """The places that pass as an RFC 7946 FeatureCollection (WGS 84, ``[lon, lat]``).

    One Point feature per place, most mentioned first, with properties ``id``, ``name``,
    ``kind``, ``country``, ``country_code``, ``admin1``, ``mentions`` (in the passing
    excerpts), ``role`` ("event_place" when a passing excerpt places one of its events
    there, else "mentioned"), ``actors`` (``[{"id", "name", "kind"}]``), ``event_types``
    (names, most excerpts first), ``dominant_event_type`` and ``excerpts`` (``[{"article_id",
    "article_title", "start", "end", "text", "highlights", "actor_ids", "event_types",
    "date", "date_from", "article_published", "outlet"}]``: ``start``/``end`` index the
    article text in Unicode code points, ``highlights`` are ``[start, end]`` pairs of this
    place's mentions relative to ``text``; ``date`` is the sentence's TIMEX3 value and
    ``date_from`` "sentence" or "article" (both null when undated), ``article_published``
    the article's publication day and ``outlet`` its outlet, null when unknown). With a
    taxonomy, ``marker-color`` (simplestyle) is the dominant type's colour.

    The foreign member ``"dateline"`` holds ``attribution``, ``sources``
    (:func:`source_list`: with each article's ``outlet`` and ``published`` day), ``dates``
    (``{"first", "last"}``: the days shown, ISO, null when open), ``filter``
    (``Filter.to_json()``), ``generated`` (UTC, ISO 8601) and ``event_types`` (``[{"name",
    "color"}]``).
    """
    taxonomy = mapview.event_type_colors(event_types)
    published = {article.id: article.published for article in atlas.articles}
    outlets = {article.id: article.outlet for article in atlas.articles}
    features: list[dict[str, Any]] = []
    for summary in place_summaries(atlas, where, taxonomy):
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
            "role": (
                "event_place"
                if any(place.id in e.event_place_ids for e in summary.excerpts)
                else "mentioned"
            ),
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
                    "date": excerpt.date or None,
                    "date_from": excerpt.date_from or None,
                    "article_published": published.get(excerpt.article_id),
                    "outlet": outlets.get(excerpt.article_id) or None,
                }
                for excerpt in summary.excerpts
            ],
        }
        if taxonomy:
            color = taxonomy.get(summary.dominant) if summary.dominant else None
            properties["marker-color"] = color or mapview.NO_EVENT_COLOR
        features.append(mapview.point_feature(place, properties))
    first, last = shown_days(atlas, where)
    return {
        "type": "FeatureCollection",
        "features": features,
        # A foreign member (RFC 7946 section 6.1): GeoJSON readers ignore it.
        "dateline": {
            "attribution": credits(),
            "sources": source_list(atlas, where),
            "filter": where.to_json(),
            "dates": {"first": _iso(first), "last": _iso(last)},
            "generated": generated_at(),
            "event_types": [{"name": n, "color": c} for n, c in taxonomy.items()],
        },
    }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


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
    return write_export(path, unbroken_text(text).encode("utf-8"))
