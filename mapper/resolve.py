"""Choosing the place each mention refers to, using the whole article.

Every candidate of a mention gets a score from:

- its kind — countries before continents before provinces before towns, so
  "Colombia" is the country, not the Cuban town of that name;
- its population (log scale);
- the article's countries — a town in a country the article mentions (by
  name or demonym, unambiguously) beats a bigger town elsewhere;
- "Town, Country" / "Town, Province" patterns right after the mention.

The best candidate wins; its share of the scores (softmax) is the confidence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from mapper.gazetteer import Gazetteer
from mapper.types import Place, PlaceMention, ResolvedMention, Sentence

_KIND_SCORE: dict[str, float] = {
    "country": 6.0,
    "continent": 5.0,
    "region": 4.5,
    "admin1": 3.0,
    "admin2": 2.0,
    "city": 1.0,
}
_POPULATION_WEIGHT = 0.45  # per factor of ten
_ARTICLE_COUNTRY_WEIGHT = 1.5  # candidate lies in a country the article names
_CONTAINER_WEIGHT = 6.0  # "Town, Country": the named container matches
_PRIMARY_NAME_WEIGHT = 0.5  # the mention is the place's main name, not an alternate

_CONTAINER_AFTER = re.compile(r",\s*((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,3})")


@dataclass(frozen=True)
class ArticleContext:
    """What the whole article says about where it is."""

    country_weights: dict[str, float]  # ISO code -> share of unambiguous country mentions


def article_context(mentions: Sequence[PlaceMention], gazetteer: Gazetteer) -> ArticleContext:
    """Countries the article names unambiguously (countries and demonyms), weighted by count."""
    counts: Counter[str] = Counter()
    for mention in mentions:
        broad = [
            m.place for m in gazetteer.matches(mention.surface) if m.place.kind == "country"
        ]
        if len({p.country_code for p in broad}) == 1:
            counts[broad[0].country_code] += 1
    total = sum(counts.values()) or 1
    return ArticleContext({code: n / total for code, n in counts.items()})


def resolve_mentions(
    text: str,
    mentions: Sequence[PlaceMention],
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
) -> list[ResolvedMention]:
    """Resolve every mention that has a candidate; unknown names are dropped."""
    context = article_context(mentions, gazetteer)
    resolved: list[ResolvedMention] = []
    sentence_index = _SentenceIndex(sentences)
    for mention in mentions:
        chosen = choose_place(text, mention, gazetteer, context)
        if chosen is None:
            continue
        place, confidence = chosen
        resolved.append(
            ResolvedMention(
                mention=mention,
                place=place,
                score=confidence,
                sentence=sentence_index.containing(mention.start, mention.end),
            )
        )
    return resolved


def choose_place(
    text: str, mention: PlaceMention, gazetteer: Gazetteer, context: ArticleContext
) -> tuple[Place, float] | None:
    """The best candidate for one mention and its confidence, or None without candidates."""
    matches = [m for m in gazetteer.matches(mention.surface) if m.demonym == mention.demonym]
    if not matches:
        return None
    container = _container_after(text, mention.end, gazetteer)
    scored: list[tuple[float, Place]] = []
    for match in matches:
        place = match.place
        score = _KIND_SCORE.get(place.kind, 1.0)
        score += _POPULATION_WEIGHT * math.log10(place.population + 1)
        score += _ARTICLE_COUNTRY_WEIGHT * context.country_weights.get(place.country_code, 0.0)
        if match.primary:
            score += _PRIMARY_NAME_WEIGHT
        if container and place.kind != "country" and place.country_code in container:
            score += _CONTAINER_WEIGHT
        scored.append((score, place))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    best_score, best = scored[0]
    denominator = sum(math.exp(s - best_score) for s, _ in scored)
    return best, 1.0 / denominator


def _container_after(text: str, end: int, gazetteer: Gazetteer) -> set[str]:
    """Country codes named right after ", " following a mention ("Valencia, Venezuela")."""
    found = _CONTAINER_AFTER.match(text, end)
    if not found:
        return set()
    words = found.group(1).split()
    # Try the longest prefix first: "Valencia, Spain's third city" → "Spain".
    for size in range(len(words), 0, -1):
        name = " ".join(words[:size]).removesuffix("'s").removesuffix("’s")
        codes = {
            m.place.country_code
            for m in gazetteer.matches(name)
            if not m.demonym and m.place.kind in ("country", "admin1")
        }
        if codes:
            return codes
    return set()


class _SentenceIndex:
    """Finds the sentence that contains a span (sentences sorted by start)."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self._sentences = sorted(sentences, key=lambda s: s.start)
        self._starts = [s.start for s in self._sentences]

    def containing(self, start: int, end: int) -> Sentence:
        import bisect

        position = bisect.bisect_right(self._starts, start) - 1
        if position >= 0 and self._sentences[position].end >= end:
            return self._sentences[position]
        return Sentence(start, end)  # a mention across a sentence break is its own excerpt
