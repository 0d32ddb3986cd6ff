"""The public JSON shape of one analysed article (the ``extract`` command's output).

Stable: outside tools rely on it (DESIGN.md, "Public command line")::

    {"source": FILE, "title": …,
     "published": {"date", "source"} | null, "outlet", "author", "url",   # null: unknown
     "dates": [{"start", "end", "text", "type", "value"}],    # temporal expressions (TIMEX3)
     "places": [{"id", "name", "kind", "lat", "lon", "country", "role",
                 "mentions": [{"start", "end", "text", "demonym", "date", "date_from"}]}],
     "actors": [{"id", "name", "kind", "role", "aliases", "mentions": [{"start", "end", "text"}]}],
     "events": [{"type", "score", "trigger", "trigger_start", "trigger_end",
                 "sentence": {"start", "end"},
                 "place": {"id", "name", "lat", "lon"} | null}]}   # by score, highest first

Offsets index the article text as read (see :mod:`mapper.sources`). ``published.source``
says how the day is known ("html", "dateline", "inferred", "file", "user", or "given":
``--published``). A mention's ``date`` is the TIMEX3 value of its sentence's own date, else
the article's day (``date_from`` "sentence" or "article"); both null when undated.
An event's ``place`` is where it happened (:mod:`mapper.geo.event_places`: a place its
sentence locates it at, else the article's main place; null when none); a place's ``role``
is "event_place" when some event happened there, else "mentioned".
"""

from __future__ import annotations

from typing import Any

from mapper.types import ArticleAnalysis, Place


def _place_ref(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {"id": place.id, "name": place.name, "lat": place.lat, "lon": place.lon}


def analysis_to_json(analysis: ArticleAnalysis, *, source: str | None = None) -> dict[str, Any]:
    """The JSON-ready dict for one article; places in order of first mention."""
    from mapper.atlas import Atlas  # why: the dates' regexes, extract only
    from mapper.geo.event_places import event_places
    from mapper.time.article import article_dates

    article = analysis.article
    # Each sentence's date, as the map has it (the atlas's excerpts: one a sentence).
    atlas = Atlas([analysis])
    when: dict[int, tuple[str | None, str | None]] = {}
    for place_id in {resolved.place.id for resolved in analysis.places}:
        for excerpt in atlas.excerpts_for_place(place_id):
            when[excerpt.start] = (excerpt.date or None, excerpt.date_from or None)
    located = {id(found.event): found.place for found in event_places(analysis)}
    event_place_ids = {place.id for place in located.values() if place is not None}
    places: dict[str, dict[str, Any]] = {}
    for resolved in sorted(analysis.places, key=lambda r: r.mention.start):
        place = resolved.place
        entry = places.setdefault(
            place.id,
            {
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "lat": place.lat,
                "lon": place.lon,
                "country": place.country,
                "country_code": place.country_code,
                "role": "event_place" if place.id in event_place_ids else "mentioned",
                "mentions": [],
            },
        )
        mention = resolved.mention
        date, date_from = when.get(resolved.sentence.start, (None, None))
        entry["mentions"].append(
            {
                "start": mention.start,
                "end": mention.end,
                "text": mention.surface,
                "demonym": mention.demonym,
                "score": round(resolved.score, 3),
                "date": date,
                "date_from": date_from,
            }
        )
    actors: dict[str, dict[str, Any]] = {
        actor.id: {
            "id": actor.id,
            "name": actor.name,
            "kind": actor.kind,
            "role": actor.role,
            "aliases": list(actor.aliases),
            "mentions": [],
        }
        for actor in analysis.actors
    }
    for named in analysis.actor_mentions:
        actors[named.actor_id]["mentions"].append(
            {"start": named.start, "end": named.end, "text": named.surface}
        )
    events = [
        {
            "type": event.type,
            "score": round(event.score, 3),
            "trigger": event.trigger,
            "trigger_start": event.trigger_start,
            "trigger_end": event.trigger_end,
            "sentence": {"start": event.sentence.start, "end": event.sentence.end},
            "place": _place_ref(located.get(id(event))),
        }
        # Highest score first (ties in text order), as the public format promises.
        for event in sorted(analysis.events, key=lambda e: (-e.score, e.sentence.start))
    ]
    published = (
        {"date": article.published, "source": article.published_source or None}
        if article.published
        else None
    )
    dates = [
        {"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value}
        for t in (
            analysis.dates
            if analysis.dates_anchor == (article.published or "")
            else article_dates(article, analysis.sentences)
        )
    ]
    return {
        "source": article.source if source is None else source,
        "title": article.title,
        "published": published,
        "outlet": article.outlet or None,
        "author": article.author or None,
        "url": article.url or None,
        "dates": dates,
        "places": list(places.values()),
        "actors": list(actors.values()),
        "events": events,
        "notes": list(analysis.notes),
        "pipeline": analysis.pipeline_version,
    }
