"""Analyses to plain JSON and back, for the cache and project files.

The shape mirrors :mod:`mapper.types` field by field, so a record read back
equals the one written (tests check the round trip).
"""

from __future__ import annotations

from dataclasses import asdict
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
    """A JSON-ready dict of one analysis."""
    return asdict(analysis)


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
