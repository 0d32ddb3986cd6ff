"""Choosing the place each mention refers to, using the whole article.

Every candidate of a mention gets a score from:

- its kind — countries before continents before provinces before towns, so
  "Colombia" is the country, not the Cuban town of that name;
- its population (log scale);
- the article's countries — a town in a country the article mentions (by
  name or demonym, unambiguously) beats a bigger town elsewhere;
- "Town, Country" / "Town, Province" patterns right after the mention;
- the article's home region (:mod:`mapper.geo.home`: its dateline, its outlet or
  the user's word) — a town in it, or near it, beats a bigger namesake elsewhere,
  unless the text names the town's container ("Paris, France");
- "Town County" / "Town-Other County" right after the mention: the states with a
  county of that name are its containers ("Athens-Clarke County" is in Georgia);
- "Georgia state line", "the state of Georgia": the state, not the country;
- the place its sentence writes it in or near ("Hays district in Hodeidah", "Ariha town
  in the Idleb countryside", "Qayyarah, south of Mosul") counts as a written container;
  a town far from it and outside its country is then no pin at all ("Arbin city in the
  Damascus countryside" is not Arbin, France).

The best candidate wins; its share of the scores (softmax) is the confidence.
A name the article once places with a container ("PARIS, Tenn. —") is that place
wherever else the article names it bare ("rural Paris"), unless the article places
it in two ways ("left Lima, Peru … in Lima, Ohio").
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mapper.geo.corrections import Corrections
from mapper.geo.gazetteer import Gazetteer, NameMatch, normalize_name, plainly_named
from mapper.geo.home import HomeRegion
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
# A named region or sea ("the Gulf", "Atlantic") outranks a province or small town of
# its name ("Gulf", Papua New Guinea; Atlantic, Iowa).
_ASSUMED_POPULATION: dict[str, int] = {"admin1": 300_000, "region": 1_000_000}
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
# The article's home region: local news names its own town and state bare ("Paris
# police said", "Georgia lawmakers"); that is where the pull is. Other towns gain nothing
# from a home town (nearness to a dateline's town is the anchors' business already, and
# a small pull tips close calls the wrong way: a Columbus, Ohio story's "Louisville" is
# still Kentucky's, a WASHINGTON (AP) story's "California" not the one in Maryland). At
# most 5: "Paris, France" (a written container, 6) still wins.
_HOME_PLACE_WEIGHT = 5.0  # the home town itself, or its state or province
_HOME_INSIDE_WEIGHT = 3.0  # in the home state or province (the home is one)
_HOME_COUNTRY_WEIGHT = 1.5  # in the home country (the home is one)

_CONTAINER_AFTER = re.compile(r",\s*((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,3})")
#: "Athens County", "Athens-Clarke County", "Mobile and Baldwin counties" → the county's name.
_COUNTY_AFTER = re.compile(r"((?:-[A-Z][\w'’.]*)*)\s+(?:County|Parish|counties|parishes)\b")
#: "Georgia state line", "Washington state": the US state (not state media or state-run).
_STATE_AFTER = re.compile(
    r"\s+state\b(?![-\w])(?!\s+(?:media|television|tv|TV|news|radio|broadcaster|agency))"
)
_STATE_BEFORE = re.compile(r"\bstate of\s+$")
#: A city named only loosely by a name ("Venice" for Dayton) stays a candidate when the
#: name has plainer ones only with this many people (as places.MIN_POPULATION_LOOSE_NAME).
_LOOSE_NAME_POPULATION = 1_000_000
#: What may stand between a name and another place named in its sentence that says where
#: it is: "Al-Harra town in Dar'a countryside", "Ghawr area of Ghamr district", "Arbin in
#: the countryside of Damascus", "Qataba, north of Khawkha", "near Sajur in Menbij".
_FEATURE = (
    r"(?:town|city|village|area|areas|district|sub-?district|directorate|neighbou?rhood|camp"
    r"|region|site|hills?|valley|township|countryside|outskirts|suburbs?|frontline)"
)
#: Directions, and "Rural Damascus" (a Syrian governorate's name in English).
_DIRECTION = r"(?:(?:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?|rural)"
_SENTENCE_LINK = re.compile(
    rf"(?:\s+{_FEATURE})?\s+(?:in|near|outside)\s+(?:the\s+)?(?:{_DIRECTION}\s+)?"
    rf"(?:(?:countryside|outskirts|suburbs|vicinity)\s+of\s+(?:the\s+)?)?"
    rf"|\s+{_FEATURE}\s+of\s+(?:the\s+)?(?:{_DIRECTION}\s+)?"
    rf"|(?:\s+{_FEATURE})?\s*,?\s*(?:(?:about|some|just)\s+)?"
    rf"(?:\d+\s*(?:km|kilometers|kilometres|miles)\s+)?{_DIRECTION}\s+of\s+(?:the\s+)?"
    rf"|\s+{_FEATURE}\s*,\s*",
    re.IGNORECASE,
)
_FEATURE_OR_DIRECTION = re.compile(rf"\b(?:{_FEATURE}|{_DIRECTION})\b", re.IGNORECASE)
_SENTENCE_LINK_CHARS = 60  # further apart, the two names are rarely one place in another


@dataclass(frozen=True)
class ArticleContext:
    """What the whole article says about where it is."""

    country_weights: dict[str, float]  # ISO code -> share of unambiguous country mentions
    anchors: tuple[tuple[str, Place], ...] = ()  # (surface, place) of resolved towns/provinces
    home: HomeRegion | None = None  # where the article is local to (mapper.geo.home)
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


def article_context(
    mentions: Sequence[PlaceMention], gazetteer: Gazetteer, home: HomeRegion | None = None
) -> ArticleContext:
    """Countries the article names unambiguously (countries and demonyms), weighted by count,
    and its home region."""
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
    return ArticleContext(_shares(codes), home=home)


def second_pass_context(
    first_context: ArticleContext, chosen: Iterable[tuple[str, Place]]
) -> ArticleContext:
    """The context of the second pass: what the first knew (the countries the article names,
    its home region) and the places it chose (name, place) — the countries of its towns and
    provinces (counting half) and those places as anchors pulling their neighbours."""
    # One anchor per (name, place): an article naming Caracas ten times has one Caracas.
    anchors = list(
        {
            (surface, place.id): (surface, place)
            for surface, place in chosen
            if place.kind in _ANCHOR_KINDS
        }.values()
    )
    return ArticleContext(
        country_weights=_blend(
            first_context.country_weights,
            _shares(place.country_code for _surface, place in anchors),
        ),
        anchors=tuple(anchors),
        home=first_context.home,
    )


def resolve_mentions(
    text: str,
    mentions: Sequence[PlaceMention],
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    corrections: Corrections | None = None,
    online: OnlineGeocoder | None = None,
    home: HomeRegion | None = None,
) -> list[ResolvedMention]:
    """Resolve every mention that has a candidate; unknown names are dropped.

    The user's corrections come first: a name marked "not a place" is dropped,
    a name pinned to a place is that place. Names the gazetteer does not know
    are asked of the online geocoder when the user turned one on.

    Two passes: the first uses what the article names outright (its countries);
    the second adds what the first pass resolved — the countries its towns lie
    in, and nearness to the other towns and provinces it names (an article about
    Parkland that names Florida means Parkland, Florida). Both lean towards the
    article's ``home`` region, if it has one.
    """
    sentence_index = _SentenceIndex(sentences)
    fixed: dict[PlaceMention, tuple[Place, float]] = {}
    for mention in mentions:
        decided = _decided(mention, gazetteer, corrections, online)
        if decided is not None:
            fixed[mention] = decided
    mentions = [m for m in mentions if not (corrections and _not_a_place(m.surface, corrections))]
    first_context = article_context(mentions, gazetteer, home)
    # "Al-Harra town in Dar'a countryside": the place a name is written in or near in its
    # sentence pulls its candidates, so that place is chosen first (right to left).
    links = _sentence_links(text, mentions)
    first: dict[PlaceMention, tuple[Place, float] | None] = {}
    for m in sorted(mentions, key=lambda m: m.start, reverse=True):
        references = _references(links.get(m), first, gazetteer)
        first[m] = fixed.get(m) or _unless_foreign(
            choose_place(text, m, gazetteer, first_context, references),
            references,
            _strong_link(text, m, links.get(m)),
        )
    first = {m: first[m] for m in mentions}
    # "PARIS, Tenn. —" settles what "rural Paris" means further on; a country stays one
    # ("a Palestine in Texas and a Palestine on the news").
    settled = _settled_names(text, first, gazetteer)
    bare = {
        m
        for m in mentions
        if m not in fixed
        and _name_key(m) in settled
        and not _containers_of(text, m, gazetteer)
        and not _broad(first[m])
    }
    first.update({m: settled[_name_key(m)] for m in bare})
    context = second_pass_context(
        first_context,
        ((m.surface, chosen[0]) for m, chosen in first.items() if chosen is not None),
    )
    resolved: list[ResolvedMention] = []
    for mention in mentions:
        references = _references(links.get(mention), first, gazetteer)
        chosen = fixed.get(mention) or _unless_foreign(
            choose_place(text, mention, gazetteer, context, references),
            references,
            _strong_link(text, mention, links.get(mention)),
        )
        if mention in bare and not _broad(chosen):
            chosen = settled[_name_key(mention)]
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
    text: str,
    mention: PlaceMention,
    gazetteer: Gazetteer,
    context: ArticleContext,
    references: Sequence[Place] = (),
) -> tuple[Place, float] | None:
    """The best candidate for one mention and its confidence, or None without candidates.

    ``references``: places its sentence writes it in or near ("Hays district" … "in
    Hodeidah"): like a written container, they pull its candidates to their country and
    towards them."""
    matches = [m for m in gazetteer.matches(mention.surface) if m.demonym == mention.demonym]
    if _is_acronym(mention.surface):
        # "EU" is the European Union, not the town of Eu: a short all-capitals
        # name stands for a country, region or province when one fits.
        abbreviated = [m for m in matches if m.place.kind in _ABBREVIABLE_KINDS]
        matches = abbreviated or matches
    if not matches:
        return None
    containers = _containers_of(text, mention, gazetteer) or list(references)
    state = _names_a_state(text, mention)
    # Everything below depends only on these: articles repeat their names, so each
    # (name, containers, "state" cue) is scored once per article.
    cues = tuple(c.id for c in containers) + (("state",) if state else ())
    key = (mention.surface, mention.demonym, cues)
    if key not in context.choices:
        # "Venice" is also an alternate name of Dayton: a loose name is a candidate only
        # when nothing bears the name plainly (or the city is big enough for an exonym).
        plain = plainly_named(mention.surface, matches, min_population=_LOOSE_NAME_POPULATION)
        # A big city that goes by the name only loosely still says its province is not
        # meant: "Homs" is also Al Khums, so Libya's Murqub (alias "Homs") yields to the
        # Syrian city.
        big_cities = _big_city_countries(matches)
        matches = plain or matches
        if state:  # "Georgia state line"
            matches = [m for m in matches if m.place.kind == "admin1"] or matches
        context.choices[key] = _best_of(
            matches, mention.surface, containers, context, big_city_countries=big_cities
        )
    return context.choices[key]


def _best_of(
    matches: Sequence[NameMatch],
    surface: str,
    containers: Sequence[Place],
    context: ArticleContext,
    big_city_countries: frozenset[str] | None = None,
) -> tuple[Place, float]:
    """The best-scored candidate and its confidence (softmax share of the best).

    ``big_city_countries``: the countries with a big city of the name among all its
    candidates (by default, among ``matches``)."""
    container_codes = {c.country_code for c in containers}
    nearest_in_container = _nearest_to(
        [m.place for m in matches if m.place.country_code in container_codes],
        [c for c in containers if c.kind in _ANCHOR_KINDS],
    )
    if big_city_countries is None:
        big_city_countries = _big_city_countries(matches)
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
        if context.home is not None and not containers:  # "Paris, France" says where
            score += _home_bonus(place, context.home.place)
        scored.append((score, place))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    best_score, best = scored[0]
    denominator = sum(math.exp(s - best_score) for s, _ in scored)
    return best, 1.0 / denominator


def _big_city_countries(matches: Sequence[NameMatch]) -> frozenset[str]:
    """The countries with a city of the name of at least :data:`_BIG_CITY` people."""
    return frozenset(
        m.place.country_code
        for m in matches
        if m.place.kind == "city" and m.place.population >= _BIG_CITY
    )


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


def _home_bonus(place: Place, home: Place) -> float:
    """How much a candidate gains from the article's home region (a town, a province or
    state, a country): much for being it (or the home town's state), some for lying in a
    home state or country."""
    if not home.country_code or place.country_code != home.country_code:
        return 0.0
    if place.id == home.id or (
        place.kind == "admin1" and home.kind == "city" and place.name == home.admin1
    ):
        return _HOME_PLACE_WEIGHT
    if home.kind == "country":
        return _HOME_COUNTRY_WEIGHT
    inside = home.kind == "admin1" and place.kind != "admin1" and place.admin1 == home.name
    return _HOME_INSIDE_WEIGHT if inside else 0.0


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


def _name_key(mention: PlaceMention) -> tuple[str, bool]:
    return normalize_name(mention.surface), mention.demonym


def _broad(choice: tuple[Place, float] | None) -> bool:
    return choice is not None and choice[0].kind in ("country", "continent", "region")


def _settled_names(
    text: str,
    chosen: dict[PlaceMention, tuple[Place, float] | None],
    gazetteer: Gazetteer,
) -> dict[tuple[str, bool], tuple[Place, float]]:
    """Names the article places with a container ("PARIS, Tenn.", "Athens-Clarke County"),
    all of them in one place: that place, by name."""
    placed: dict[tuple[str, bool], list[tuple[Place, float]]] = {}
    for mention, choice in chosen.items():
        if choice is not None and _containers_of(text, mention, gazetteer):
            placed.setdefault(_name_key(mention), []).append(choice)
    return {
        key: choices[0]
        for key, choices in placed.items()
        if len({place.id for place, _confidence in choices}) == 1
    }


def _sentence_links(
    text: str, mentions: Sequence[PlaceMention]
) -> dict[PlaceMention, PlaceMention]:
    """Each mention the text writes in or near the next one ("Arbin city in Rural
    Damascus", "Qataba, north of Khawkha"): that next mention."""
    ordered = sorted(mentions, key=lambda m: m.start)
    links: dict[PlaceMention, PlaceMention] = {}
    for mention, following in itertools.pairwise(ordered):
        if 0 <= following.start - mention.end <= _SENTENCE_LINK_CHARS and _SENTENCE_LINK.fullmatch(
            text, mention.end, following.start
        ):
            links[mention] = following
    return links


def _references(
    linked: PlaceMention | None,
    chosen: dict[PlaceMention, tuple[Place, float] | None],
    gazetteer: Gazetteer,
) -> tuple[Place, ...]:
    """The place chosen for the mention a name is written in or near, if it is in a country
    (a sea or a continent says little about which namesake is meant). A country or province
    brings the others of its name, as a written container does: "near Athens in Georgia"
    may be the state."""
    choice = chosen.get(linked) if linked is not None else None
    if linked is None or choice is None or not choice[0].country_code:
        return ()
    place = choice[0]
    if place.kind not in ("country", "admin1"):
        return (place,)
    others = [
        m.place
        for m in gazetteer.matches(linked.surface)
        if not m.demonym and m.place.kind in ("country", "admin1") and m.place.id != place.id
    ]
    return (place, *others)


def _strong_link(text: str, mention: PlaceMention, linked: PlaceMention | None) -> bool:
    """Whether the link says what the name is ("Arbin city in", "Hajar district,", ", north
    of"): then it is a place there, not a namesake ("troops from Iowa in Iraq")."""
    return linked is not None and bool(
        _FEATURE_OR_DIRECTION.search(text, mention.end, linked.start)
    )


def _unless_foreign(
    choice: tuple[Place, float] | None, references: Sequence[Place], strong: bool
) -> tuple[Place, float] | None:
    """None for a town far from the place its sentence says it is in: "Arbin city in Rural
    Damascus" is not Arbin, France — the gazetteer lacks the Syrian town, and a pin in
    France is worse than none."""
    if choice is None or not strong or not references or choice[0].kind != "city":
        return choice
    place = choice[0]
    for reference in references:
        if place.country_code == reference.country_code:
            return choice
        if _distance_km(place, reference) <= _NEARBY_KM:
            return choice
    return None


def _containers_of(text: str, mention: PlaceMention, gazetteer: Gazetteer) -> list[Place]:
    """The countries or provinces the text writes the mention in: "Paris, Tenn.", or the
    states of "Athens-Clarke County"."""
    return _containers_after(text, mention.end, gazetteer) or _county_states_after(
        text, mention, gazetteer
    )


def _names_a_state(text: str, mention: PlaceMention) -> bool:
    """ "Georgia state line", "the state of Georgia": the name is a state's."""
    return bool(
        _STATE_AFTER.match(text, mention.end)
        or _STATE_BEFORE.search(text, max(0, mention.start - 12), mention.start)
    )


def _county_states_after(text: str, mention: PlaceMention, gazetteer: Gazetteer) -> list[Place]:
    """The US states that have a county named by the mention and what follows it:
    "Athens-Clarke County" (then "Clarke County": Georgia and four more), "Athens County"
    (Ohio), "Baldwin counties"."""
    found = _COUNTY_AFTER.match(text, mention.end)
    if not found:
        return []
    name = mention.surface + found.group(1)
    while True:
        states = gazetteer.county_states(f"{name} County") or gazetteer.county_states(
            f"{name} Parish"
        )
        if states or "-" not in name:
            return states
        name = name.split("-", 1)[1]  # "Athens-Clarke": the county is Clarke County


def _containers_after(text: str, end: int, gazetteer: Gazetteer) -> list[Place]:
    """Countries or provinces named right after ", " ("Valencia, Venezuela"; "Paris, Texas")."""
    found = _CONTAINER_AFTER.match(text, end)
    if not found:
        return []
    words = found.group(1).split()
    # Try the longest prefix first: "Valencia, Spain's third city" → "Spain".
    for size in range(len(words), 0, -1):
        name = " ".join(words[:size]).removesuffix("'s").removesuffix("’s")
        # "Tenn." keeps its dot; "Lima, Ohio." ends a sentence.
        for candidate in dict.fromkeys((name, name.removesuffix("."))):
            containers = [
                m.place
                for m in gazetteer.matches(candidate)
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
