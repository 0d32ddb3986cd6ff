"""Analyses to plain JSON and back, for the cache and project files.

The shape mirrors :mod:`mapper.types` field by field, so a record read back
equals the one written (tests check the round trip).
"""

from __future__ import annotations

from typing import Any

from mapper.types import (
    Actor,
    ActorMention,
    Article,
    ArticleAnalysis,
    EventTag,
    Place,
    PlaceMention,
    ResolvedMention,
    Sentence,
)

#: Bump when the JSON shape changes; older data is then ignored (cache) or refused (project).
FORMAT_VERSION = 1


class FormatError(ValueError):
    """Data that is not an analysis in our format."""


def analysis_to_dict(analysis: ArticleAnalysis) -> dict[str, Any]:
    """A JSON-ready dict of one analysis: what ``dataclasses.asdict`` gives, several times faster.

    (``asdict`` deep-copies every value; saving a 1,000-article project spent 2 s in it.
    Our records hold only strings, numbers, tuples of strings and other records, so a
    shallow copy of each record's fields is the same thing; a test holds the two equal.)
    """
    return {
        "article": _fields(analysis.article),
        "sentences": [_fields(s) for s in analysis.sentences],
        "places": [
            {
                "mention": _fields(r.mention),
                "place": _fields(r.place),
                "score": r.score,
                "sentence": _fields(r.sentence),
            }
            for r in analysis.places
        ],
        "actors": [_fields(a) for a in analysis.actors],
        "actor_mentions": [_fields(m) for m in analysis.actor_mentions],
        "events": [{**_fields(e), "sentence": _fields(e.sentence)} for e in analysis.events],
        "pipeline_version": analysis.pipeline_version,
        "notes": analysis.notes,
    }


def _fields(record: object) -> dict[str, Any]:
    """A flat record's fields as a new dict (its values are immutable)."""
    return dict(vars(record))


def article_from_dict(data: dict[str, Any]) -> Article:
    """The article record of a dict made by :func:`analysis_to_dict` (or a project file)."""
    return Article(
        id=str(data["id"]),
        title=str(data["title"]),
        text=str(data["text"]),
        source=str(data["source"]),
        published=data.get("published"),
    )


def analysis_from_dict(data: dict[str, Any]) -> ArticleAnalysis:
    """The analysis a dict describes; raises :class:`FormatError` when it is malformed."""
    try:
        return ArticleAnalysis(
            article=article_from_dict(data["article"]),
            sentences=tuple(Sentence(**s) for s in data["sentences"]),
            places=tuple(
                ResolvedMention(
                    mention=PlaceMention(**r["mention"]),
                    place=Place(**r["place"]),
                    score=float(r["score"]),
                    sentence=Sentence(**r["sentence"]),
                )
                for r in data["places"]
            ),
            actors=tuple(
                Actor(**{**a, "aliases": tuple(a["aliases"])}) for a in data["actors"]
            ),
            actor_mentions=tuple(ActorMention(**m) for m in data["actor_mentions"]),
            events=tuple(
                EventTag(**{**e, "sentence": Sentence(**e["sentence"])}) for e in data["events"]
            ),
            pipeline_version=str(data.get("pipeline_version", "")),
            notes=tuple(data.get("notes", ())),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise FormatError(f"not an analysis: {error}") from None
