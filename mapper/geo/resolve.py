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

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mapper.geo.corrections import Corrections
from mapper.geo.gazetteer import Gazetteer, NameMatch
from mapper.geo.online import OnlineGeocoder
from mapper.types import Place, PlaceMention, ResolvedMention, Sentence

_KIND_SCORE: dict[str, float] = {
    "country": 5.0,
    "continent": 4.5,
    "region": 5.0,  # named regions and seas have no population; rarely a namesake town
    "admin1": 3.0,
    "admin2": 2.0,
    "city": 1.0,
}
_POPULATION_WEIGHT = 0.45  # per factor of ten
# The gazetteer has no population for provinces; a typical one, so that a
# province competes fairly with towns and countries of the same name.
_ASSUMED_POPULATION: dict[str, int] = {"admin1": 300_000}
_ARTICLE_COUNTRY_WEIGHT = 1.5  # candidate lies in a country the article names
_CONTAINER_WEIGHT = 6.0  # "Town, Country": the named container matches
_PRIMARY_NAME_WEIGHT = 1.0  # the mention is the place's main name, not an alternate
_CAPITAL_WEIGHT = 2.0  # national capitals are named far more often than namesakes
_NEARBY_WEIGHT = 3.0  # right next to another town or province the article names
_NEARBY_KM = 300.0  # distance at which that pull has faded to 1/e
_ANCHOR_KINDS = frozenset({"city", "admin1", "admin2"})
_ONLINE_CONFIDENCE = 0.5  # one answer from a service, no alternatives to weigh
_BIG_CITY = 100_000
_CITY_OVER_PROVINCE = 3.0  # a big city and its province share a name: the city is meant
_ABBREVIABLE_KINDS = frozenset({"country", "continent", "region", "admin1"})

_CONTAINER_AFTER = re.compile(r",\s*((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,3})")


@dataclass(frozen=True)
class ArticleContext:
    """What the whole article says about where it is."""

    country_weights: dict[str, float]  # ISO code -> share of unambiguous country mentions
    anchors: tuple[tuple[str, Place], ...] = ()  # (surface, place) of resolved towns/provinces
    #: Memo of nearness by (place id, surface) for this article's anchors.
    nearness: dict[tuple[str, str], float] = field(default_factory=dict, compare=False)
    #: Memo of choices by (surface, demonym, ids of the containers written after it).
    choices: dict[tuple[str, bool, tuple[str, ...]], tuple[Place, float]] = field(
        default_factory=dict, compare=False
    )
    #: The anchors as (surface, latitude and longitude in radians, cosine of the latitude):
    #: nearness measures tens of thousands of distances an article, so their trigonometry
    #: is done once per anchor, not once per pair.
    anchor_points: tuple[tuple[str, float, float, float], ...] = field(
        init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        points = tuple(
            (surface, math.radians(p.lat), math.radians(p.lon), math.cos(math.radians(p.lat)))
            for surface, p in self.anchors
        )
        object.__setattr__(self, "anchor_points", points)  # frozen: set once, here


def article_context(mentions: Sequence[PlaceMention], gazetteer: Gazetteer) -> ArticleContext:
    """Countries the article names unambiguously (countries and demonyms), weighted by count."""
    codes: list[str] = []
    for mention in mentions:
        # A country name counts when nothing as prominent shares it: "Georgia" is
        # also a US state, so it says nothing on its own about where we are.
        prominent = {
            m.place.country_code
            for m in gazetteer.matches(mention.surface)
            if m.place.kind in ("country", "admin1")
        }
        if len(prominent) == 1:
            (code,) = prominent
            if gazetteer.country(code) is not None:
                codes.append(code)
    return ArticleContext(_shares(codes))


def resolve_mentions(
    text: str,
    mentions: Sequence[PlaceMention],
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    corrections: Corrections | None = None,
    online: OnlineGeocoder | None = None,
) -> list[ResolvedMention]:
    """Resolve every mention that has a candidate; unknown names are dropped.

    The user's corrections come first: a name marked "not a place" is dropped,
    a name pinned to a place is that place. Names the gazetteer does not know
    are asked of the online geocoder when the user turned one on.

    Two passes: the first uses what the article names outright (its countries);
    the second adds what the first pass resolved — the countries its towns lie
    in, and nearness to the other towns and provinces it names (an article about
    Parkland that names Florida means Parkland, Florida).
    """
    sentence_index = _SentenceIndex(sentences)
    fixed: dict[PlaceMention, tuple[Place, float]] = {}
    for mention in mentions:
        decided = _decided(mention, gazetteer, corrections, online)
        if decided is not None:
            fixed[mention] = decided
    mentions = [m for m in mentions if not (corrections and _not_a_place(m.surface, corrections))]
    first_context = article_context(mentions, gazetteer)
    first = {m: fixed.get(m) or choose_place(text, m, gazetteer, first_context) for m in mentions}
    # One anchor per (name, place): an article naming Caracas ten times has one Caracas.
    anchors = list(
        {
            (m.surface, chosen[0].id): (m.surface, chosen[0])
            for m, chosen in first.items()
            if chosen is not None and chosen[0].kind in _ANCHOR_KINDS
        }.values()
    )
    context = ArticleContext(
        country_weights=_blend(
            first_context.country_weights,
            _shares(place.country_code for _surface, place in anchors),
        ),
        anchors=tuple(anchors),
    )
    resolved: list[ResolvedMention] = []
    for mention in mentions:
        chosen = fixed.get(mention) or choose_place(text, mention, gazetteer, context)
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


def _not_a_place(surface: str, corrections: Corrections) -> bool:
    correction = corrections.get_for(surface)
    return correction is not None and correction.place_id is None


def _decided(
    mention: PlaceMention,
    gazetteer: Gazetteer,
    corrections: Corrections | None,
    online: OnlineGeocoder | None,
) -> tuple[Place, float] | None:
    """A place fixed by the user's correction, or found online for an unknown name."""
    correction = corrections.get_for(mention.surface) if corrections else None
    if correction is not None and correction.place_id is not None:
        place = gazetteer.get(correction.place_id)
        if place is not None:
            return place, 1.0
    if online is not None and not gazetteer.has_name(mention.surface):
        found = online.lookup(mention.surface)
        if found is not None:
            return found, _ONLINE_CONFIDENCE
    return None


def choose_place(
    text: str, mention: PlaceMention, gazetteer: Gazetteer, context: ArticleContext
) -> tuple[Place, float] | None:
    """The best candidate for one mention and its confidence, or None without candidates."""
    matches = [m for m in gazetteer.matches(mention.surface) if m.demonym == mention.demonym]
    if _is_acronym(mention.surface):
        # "EU" is the European Union, not the town of Eu: a short all-capitals
        # name stands for a country, region or province when one fits.
        abbreviated = [m for m in matches if m.place.kind in _ABBREVIABLE_KINDS]
        matches = abbreviated or matches
    if not matches:
        return None
    containers = _containers_after(text, mention.end, gazetteer)
    # Everything below depends only on these: articles repeat their names, so each
    # (name, containers) is scored once per article.
    key = (mention.surface, mention.demonym, tuple(c.id for c in containers))
    if key not in context.choices:
        context.choices[key] = _best_of(matches, mention.surface, containers, context)
    return context.choices[key]


def _best_of(
    matches: Sequence[NameMatch],
    surface: str,
    containers: Sequence[Place],
    context: ArticleContext,
) -> tuple[Place, float]:
    """The best-scored candidate and its confidence (softmax share of the best)."""
    container_codes = {c.country_code for c in containers}
    nearest_in_container = _nearest_to(
        [m.place for m in matches if m.place.country_code in container_codes],
        [c for c in containers if c.kind == "admin1"],
    )
    big_city_countries = {
        m.place.country_code
        for m in matches
        if m.place.kind == "city" and m.place.population >= _BIG_CITY
    }
    scored: list[tuple[float, Place]] = []
    for match in matches:
        place = match.place
        score = _KIND_SCORE.get(place.kind, 1.0)
        population = place.population or _ASSUMED_POPULATION.get(place.kind, 0)
        score += _POPULATION_WEIGHT * math.log10(population + 1)
        score += _ARTICLE_COUNTRY_WEIGHT * context.country_weights.get(place.country_code, 0.0)
        if match.primary:
            score += _PRIMARY_NAME_WEIGHT
            if match.capital:
                score += _CAPITAL_WEIGHT
        if place.kind != "country" and place.country_code in container_codes:
            score += _CONTAINER_WEIGHT
            if place is nearest_in_container:
                score += _CONTAINER_WEIGHT / 2
        score += _NEARBY_WEIGHT * _nearness(place, surface, context)
        if place.kind == "admin1" and place.country_code in big_city_countries:
            score -= _CITY_OVER_PROVINCE  # "Valencia", "New York": the city is meant
        scored.append((score, place))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    best_score, best = scored[0]
    denominator = sum(math.exp(s - best_score) for s, _ in scored)
    return best, 1.0 / denominator


def _is_acronym(surface: str) -> bool:
    return 1 < len(surface) <= 4 and surface.isalpha() and surface.isupper()


def _nearness(place: Place, surface: str, context: ArticleContext) -> float:
    """1 for a place right next to another place the article names, fading with distance."""
    if place.kind not in _ANCHOR_KINDS or not context.anchors:
        return 0.0
    key = (place.id, surface)
    known = context.nearness.get(key)
    if known is None:  # articles repeat their names: compute each pair once
        # The haversine of the nearest anchor: the smallest ``h`` is the shortest distance.
        lat, lon = math.radians(place.lat), math.radians(place.lon)
        cos_lat, sin = math.cos(lat), math.sin
        smallest = min(
            (
                sin((a_lat - lat) / 2) ** 2 + cos_lat * a_cos * sin((a_lon - lon) / 2) ** 2
                for name, a_lat, a_lon, a_cos in context.anchor_points
                if name != surface
            ),
            default=None,
        )
        nearest = (
            math.inf
            if smallest is None
            else _EARTH_DIAMETER_KM * math.asin(min(1.0, math.sqrt(smallest)))
        )
        known = context.nearness[key] = math.exp(-nearest / _NEARBY_KM)
    return known


def _nearest_to(candidates: Sequence[Place], targets: Sequence[Place]) -> Place | None:
    """The candidate closest to any of the targets (None if either list is empty)."""
    if not candidates or not targets:
        return None
    return min(candidates, key=lambda c: min(_distance_km(c, t) for t in targets))


def _distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return _EARTH_DIAMETER_KM * math.asin(min(1.0, math.sqrt(h)))


_EARTH_DIAMETER_KM = 2 * 6371.0088  # twice the mean radius


def _shares(codes: Iterable[str]) -> dict[str, float]:
    counts = Counter(codes)
    total = sum(counts.values()) or 1
    return {code: n / total for code, n in counts.items()}


def _blend(named: dict[str, float], resolved: dict[str, float]) -> dict[str, float]:
    """Countries named outright count fully; countries of resolved towns count half."""
    return {
        code: max(named.get(code, 0.0), resolved.get(code, 0.0) / 2)
        for code in named.keys() | resolved.keys()
    }


def _containers_after(text: str, end: int, gazetteer: Gazetteer) -> list[Place]:
    """Countries or provinces named right after ", " ("Valencia, Venezuela"; "Paris, Texas")."""
    found = _CONTAINER_AFTER.match(text, end)
    if not found:
        return []
    words = found.group(1).split()
    # Try the longest prefix first: "Valencia, Spain's third city" → "Spain".
    for size in range(len(words), 0, -1):
        name = " ".join(words[:size]).removesuffix("'s").removesuffix("’s")
        containers = [
            m.place
            for m in gazetteer.matches(name)
            if not m.demonym and m.place.kind in ("country", "admin1")
        ]
        if containers:
            return containers
    return []


class _SentenceIndex:
    """Finds the sentence that contains a span (sentences sorted by start)."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self._sentences = sorted(sentences, key=lambda s: s.start)
        self._starts = [s.start for s in self._sentences]

    def containing(self, start: int, end: int) -> Sentence:

        position = bisect.bisect_right(self._starts, start) - 1
        if position >= 0 and self._sentences[position].end >= end:
            return self._sentences[position]
        return Sentence(start, end)  # a mention across a sentence break is its own excerpt
