"""The public JSON shape of one analysed article (the ``extract`` command's output).

Stable: outside tools rely on it (DESIGN.md, "Public command line")::

    {"source": FILE, "title": …,
     "places": [{"id", "name", "kind", "lat", "lon", "country",
                 "mentions": [{"start", "end", "text", "demonym"}]}],
     "actors": [{"id", "name", "kind", "role", "aliases", "mentions": [{"start", "end", "text"}]}],
     "events": [{"type", "score", "trigger", "trigger_start", "trigger_end",
                 "sentence": {"start", "end"}}]}   # events by score, highest first

Offsets index the article text as read (see :mod:`mapper.sources`).
"""

from __future__ import annotations

from typing import Any

from mapper.types import ArticleAnalysis


def analysis_to_json(analysis: ArticleAnalysis, *, source: str | None = None) -> dict[str, Any]:
    """The JSON-ready dict for one article; places in order of first mention."""
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
                "mentions": [],
            },
        )
        mention = resolved.mention
        entry["mentions"].append(
            {
                "start": mention.start,
                "end": mention.end,
                "text": mention.surface,
                "demonym": mention.demonym,
                "score": round(resolved.score, 3),
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
        }
        # Highest score first (ties in text order), as the public format promises.
        for event in sorted(analysis.events, key=lambda e: (-e.score, e.sentence.start))
    ]
    return {
        "source": analysis.article.source if source is None else source,
        "title": analysis.article.title,
        "places": list(places.values()),
        "actors": list(actors.values()),
        "events": events,
        "notes": list(analysis.notes),
        "pipeline": analysis.pipeline_version,
    }
