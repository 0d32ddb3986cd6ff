"""Where each tagged event happened: a place of its own sentence, else the article's.

Derived on demand from an :class:`~mapper.types.ArticleAnalysis` (nothing is stored):

1. **In the sentence.** The event's sentence's place mentions that a locative cue governs:
   "in", "at", "near", "outside", "across", "north of", "in the town of" … just before the
   name; a name followed by a feature word ("Nawa town", "Buqa area"); a name after a
   located one's possessive ("in Syria's Idlib province") or in apposition to it ("in
   Aleppo, Syria"). Of those, the most specific (city, then admin2, admin1, country,
   region); a name followed by "province", "countryside", "district" … counts as an
   admin area whatever it resolved to ("in Idlib countryside"). Among equals, the one
   closest after the trigger (then the closest before it).
2. **Else the article's main place**: its dateline place ("CARACAS, Venezuela (AP) —"),
   else its most mentioned city, else its most mentioned admin area, then country.

Never a place named only as a demonym ("Russian officials"), a speaker ("Russia said",
"according to Russia", "Russia's foreign ministry condemned"), a comparison ("than in
Chile", "like Peru"), an actor's attribute ("troops backed by the UAE", "pro-Hadi
forces", "the US decision", "Islamic State in Yemen"), a far reference point ("967 km
southwest of the capital Riyadh"), what a protest is against ("in protest against the
operation in Afrin"), or a town resolved to a namesake far from the container the text
puts it in ("Arbin city in Rural Damascus" read as Arbin, France).

:func:`with_located_places` adds, given the gazetteer, the places that locative phrases
name but recognition missed ("shelled the town of Kafr Batna", "Buqa and Al-Sheikh areas
of Kitaf district", "in eastern Deir-ez-Zor", "in Rural Damascus"), and reads "Bayda
province" as the province. Event descriptions (ACLED's) name most of their villages so.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

from mapper.geo.dateline import DATELINE, DATELINE_REACH
from mapper.types import (
    ArticleAnalysis,
    EventPlace,
    EventTag,
    Place,
    PlaceMention,
    ResolvedMention,
    Sentence,
)

if TYPE_CHECKING:
    from mapper.geo.corrections import Corrections
    from mapper.geo.gazetteer import Gazetteer

_DIRECTION = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
_FEATURE = (
    r"(?:town|towns|city|village|villages|area|areas|neighbou?rhood|neighbou?rhoods|suburb|"
    r"suburbs|camp|district|districts|sub-?district|province|governorate|region|county|"
    r"state|municipality|countryside|outskirts|vicinity|hamlet|island|port|capital)"
)
#: Locative cues that end just before a place name.
_CUE = re.compile(
    rf"(?:\b(?:in|at|near|nearby|outside|inside|across|throughout|around|into|within|"
    rf"towards?|onto|on|over|from|through|along|off|to|between|amid|"
    rf"(?:{_DIRECTION}(?:ern)?\s+(?:outskirts\s+)?of)|(?:outskirts|parts|part|centre|center|"
    rf"edge|heart|streets|border)\s+of|"
    rf"(?:(?:in|at|near|of)\s+)?(?:the\s+)?(?:{_FEATURE})\s+of)"
    r"(?:\s+the)?(?:\s+(?:capital|city|town|village|province|region|district|rural|"
    r"(?:northern|southern|eastern|western|central|north-?eastern|north-?western|"
    r"south-?eastern|south-?western))){0,2})\s*$",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: The little words a cue opens with or ends on: "in", "near the", "outskirts of".
_LOCATIVE_WORDS = (
    "in at near nearby outside inside across throughout around into within toward towards "
    "onto on over from through along off to between amid of the"
)
_DIRECTION_WORDS = (
    "northern southern eastern western northeastern northwestern southeastern southwestern"
)
#: The words a :data:`_CUE` can end with, and begin with (its first and last runs of
#: letters). Trying the pattern only where such a word begins, and only when the text ends
#: with one, gives its answer at a fraction of a search's cost (the costliest of the
#: analysis's patterns, run for every name of every sentence that has an event).
_CUE_LAST_WORDS = _words(
    f"{_LOCATIVE_WORDS} {_DIRECTION_WORDS} capital city town village province region "
    "district rural central"
)
_CUE_FIRST_WORDS = _words(
    f"{_LOCATIVE_WORDS} {_DIRECTION_WORDS} north south east west northeast northwest "
    "southeast southwest outskirts parts part centre center edge heart streets border town "
    "towns city village villages area areas neighbourhood neighborhood neighbourhoods "
    "neighborhoods suburb suburbs camp district districts sub subdistrict province "
    "governorate region county state municipality countryside vicinity hamlet island port "
    "capital"
)
_WORD_RUN = re.compile(r"\w+")


#: The last words of the patterns that end where a name begins: a pattern is tried only
#: when the text before the name ends with one of its words (:func:`_last_word`).
_EXCLUDED_LAST_WORDS = _words("to than in like unlike with as said told the of")
_ATTRIBUTE_LAST_WORDS = _words("by with pro anti in the")
_DISTANCE_LAST_WORDS = _words("of from the capital city town")
_PROTEST_LAST_WORDS = _words("in on of against the")
_NAME_BEFORE_LAST_WORDS = _words("in of the")


def _last_word(before: str) -> str:
    """The last run of letters of ``before`` (less spaces and a hyphen after it), in lower
    case: "according to " → "to", "pro-" → "pro". A pattern that ends with a word and then
    only spaces can only match when this is one of its last words."""
    stripped = before.rstrip().removesuffix("-")
    start = len(stripped)
    while start and (stripped[start - 1].isalnum() or stripped[start - 1] == "_"):
        start -= 1
    return stripped[start:].lower()


def _cue_before(before: str, last_word: str | None = None) -> bool:
    """Whether ``before`` ends with a locative cue: ``_CUE.search(before)``, faster."""
    if (last_word if last_word is not None else _last_word(before)) not in _CUE_LAST_WORDS:
        return False
    return any(
        _CUE.match(before, word.start()) is not None
        for word in _WORD_RUN.finditer(before)
        if word.group().lower() in _CUE_FIRST_WORDS
    )


_AFTER_FEATURE = re.compile(rf"^\s+(?:{_FEATURE})\b", re.IGNORECASE)
#: After a name: it is a container ("Idlib countryside", "Dar'a province").
_AFTER_CONTAINER = re.compile(
    r"^\s+(?:province|governorate|countryside|district|region|county|state|"
    r"municipality|department|oblast|prefecture)\b",
    re.IGNORECASE,
)
_SPEECH = (
    r"(?:said|says|say|told|tells|announced|announces|condemned|condemns|accused|accuses|"
    r"warned|warns|denied|denies|stated|states|claimed|claims|urged|urges|called|calls|"
    r"demanded|demands|insisted|insists|added|confirmed|confirms|rejected|rejects|"
    r"critici[sz]ed|critici[sz]es|praised|welcomed|welcomes|blamed|blames|threatened|"
    r"threatens|vowed|vows|pledged|declared|declares|responded|expressed|voiced|"
    r"dismissed|argued|argues|reported|reports|believes|believed)"
)
#: After a name: it speaks ("Russia said", "Russia's foreign ministry has condemned").
_AFTER_SPEAKER = re.compile(
    rf"^(?:['’]s?(?:\s+[\w-]+){{1,3}}?)?(?:\s*,[^,]{{1,60}},)?\s+(?:(?:has|have|had|was|"
    rf"is|also|later|again|strongly|on\s+\w+)\s+){{0,2}}{_SPEECH}\b",
    re.IGNORECASE,
)
#: Before a name: it speaks, or the sentence compares with it.
_BEFORE_EXCLUDED = re.compile(
    r"(?:\baccording\s+to|\bthan(?:\s+in)?|\blike(?:\s+in)?|\bunlike(?:\s+in)?|"
    r"\bcompared\s+(?:with|to)(?:\s+in)?|\bsimilar\s+to(?:\s+those\s+in)?|\bas\s+in|"
    rf"\bsaid|\btold)(?:\s+the)?(?:\s+{_FEATURE}\s+of(?:\s+the)?)?\s*$",
    re.IGNORECASE,
)
#: Before a name: it qualifies an actor, not where something is ("troops backed by the
#: UAE", "pro-Hadi forces", "the border crossing with Turkey", "Islamic State in Yemen").
_BEFORE_ATTRIBUTE = re.compile(
    r"(?:\b(?:backed|led|supported|funded|sponsored|armed|trained)\s+by|"
    r"\bborder(?:\s+crossing)?\s+with|\b(?:pro|anti)[- ]?|"
    r"\b(?:Islamic\s+State|Qa['’]?[ie]da)\s+in)(?:\s+the)?\s*$",
    re.IGNORECASE,
)
#: After a name: it qualifies an actor ("Iran-backed militias", "the UAE backed troops") or
#: is the subject of a decision, not a place ("Washington's decision to recognize").
_AFTER_ATTRIBUTE = re.compile(
    r"^(?:[- ]?(?:backed|led|sponsored|allied|affiliated|funded|supported)\b|"
    r"['’]s\s+(?:decision|government|policy|move|plan|support|recognition|intervention|"
    r"backing|allies|ally|envoy|ambassador|president|leaders?|officials?|ministry|"
    r"minister|army|military|troops|forces)\b)",
    re.IGNORECASE,
)
#: Before a name: what a protest is about, not where it is ("demonstrated in protest
#: against the Turkish operation in Afrin", "denouncing the attack on Afrin").
_PROTEST_OBJECT = re.compile(
    r"\b(?:protest(?:s|ed|ing)?\s+(?:against|over)|denounc\w*|condemn\w*|"
    r"in\s+solidarity\s+with|in\s+support\s+of)\b[^.;:()]{0,60}?\b(?:operation|attack|"
    r"offensive|bombardment|bombing|shelling|strikes?|airstrikes?|assault|aggression|"
    r"invasion|occupation|siege|killings?|massacre|crackdown)s?\s+(?:in|on|of|against)"
    r"(?:\s+the)?\s+$",
    re.IGNORECASE,
)
#: After a country's name: it is an actor's adjective ("the US decision", "U.S. forces").
_COUNTRY_AS_ACTOR = re.compile(
    r"^\s+(?:decision|government|administration|authorities|officials?|forces|troops|"
    r"military|army|navy|air\s+force|embassy|ambassador|envoy|president|sanctions|aid|"
    r"drones?|warplanes|jets|planes|coalition)\b",
    re.IGNORECASE,
)
#: Before a name: a distance from it ("967 kilometers southwest of the capital Riyadh").
_DISTANCE_FROM = re.compile(
    r"\b(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>km|kms|kilomet(?:er|re)s?|miles?|mi)\b"
    r"[\s\w()-]{0,30}?\b(?:of|from)(?:\s+the)?(?:\s+(?:capital|city|town))?\s*$",
    re.IGNORECASE,
)
#: A place further than this from where something happened is not where it happened.
_FAR_KM = 100.0
#: After a name, a bracketed acronym ends an organisation's name: "Al Qaeda in the Arabian
#: Peninsula (AQAP)"; the name is the organisation's when a capitalised word and "in"/"of"
#: come just before it.
_ACRONYM_AFTER = re.compile(r"^\s*\([A-Z]{2,6}\)")
_NAME_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+(?:in|of)(?:\s+the)?\s*$")
#: Between a place and the container the text puts it in: "Arbin city in Rural Damascus",
#: "Raffa village in Idleb countryside", "Sawh area of Kutaf district", "Maidan, south of
#: Baghdad", "Mankhar, Hadramawt".
_CONTAINER_JOIN = re.compile(
    rf"^(?:\s+(?:{_FEATURE}))?\s*(?:,|\s+(?:in|of|near|outside))?\s+(?:the\s+)?"
    rf"(?:(?:{_DIRECTION}(?:ern)?|central|rural)\s+(?:of\s+)?)?(?:(?:{_FEATURE})\s+of\s+)?"
    rf"(?:(?:outskirts|countryside|vicinity)\s+of\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"\bbetween(?:\s+the)?\s+$", re.IGNORECASE)
_AND = re.compile(r"\s+and(?:\s+the)?\s+", re.IGNORECASE)
#: A place this far from the container the text puts it in was resolved to a namesake.
_CONTAINED_KM = 600.0
#: … and this far when the container is in another country.
_ABROAD_KM = 100.0
#: Specificity, most specific first.
_RANK = {"city": 0, "admin2": 1, "admin1": 2, "country": 3, "region": 4, "continent": 5}
_CONTAINER_RANK = 2
#: How far back a cue is looked for (characters of the sentence before a name).
_CUE_REACH = 60
#: Between two names of a list or a container, the second located as the first is.
_CUED_JOIN = re.compile(r"['’]s\s+|\s*,\s*|\s+(?:and|or)\s+")
#: "CARACAS, Venezuela (AP) —", "LONDON (Reuters) -", "BEIRUT —", "Kabul, Afghanistan —"
#: (one pattern for this and the article's home region: mapper.geo.dateline)
_DATELINE, _DATELINE_REACH = DATELINE, DATELINE_REACH


def event_places(analysis: ArticleAnalysis) -> list[EventPlace]:
    """Where each of ``analysis.events`` happened, in the same order."""
    excluded = _excluded(analysis)
    main: Place | None = None
    main_known = False
    found: list[EventPlace] = []
    # Events share sentences: each sentence's located names are read once.
    located_in: dict[int, list[tuple[ResolvedMention, bool]]] = {}
    by_sentence = _places_by_sentence(analysis, excluded)
    for event in analysis.events:
        start = event.sentence.start  # a key cheaper to hash than the sentence
        located = located_in.get(start)
        if located is None:
            inside = by_sentence.get(start, [])
            located = located_in[start] = _located(analysis, event.sentence, inside)
        place = _closest(located, event)
        if place is not None:
            found.append(EventPlace(event, place, "sentence"))
            continue
        if not main_known:
            main, main_known = main_place(analysis, excluded), True
        found.append(EventPlace(event, main, "article" if main is not None else ""))
    return found


def sentence_place(
    analysis: ArticleAnalysis, event: EventTag, excluded: set[int] | None = None
) -> Place | None:
    """The place of the event's own sentence the event is located at, or None."""
    if excluded is None:
        excluded = _excluded(analysis)
    inside = _places_by_sentence(analysis, excluded).get(event.sentence.start, [])
    return _closest(_located(analysis, event.sentence, inside), event)


def _places_by_sentence(
    analysis: ArticleAnalysis, excluded: set[int]
) -> dict[int, list[ResolvedMention]]:
    """The mentions that may be where something happened, by where their sentence starts,
    in text order."""
    out: dict[int, list[ResolvedMention]] = {}
    for resolved in sorted(analysis.places, key=lambda r: r.mention.start):
        if id(resolved) not in excluded:
            out.setdefault(resolved.sentence.start, []).append(resolved)
    return out


def _located(
    analysis: ArticleAnalysis, sentence: Sentence, inside: Sequence[ResolvedMention]
) -> list[tuple[ResolvedMention, bool]]:
    """The names of ``sentence`` (``inside`` it, in text order) that its words give as
    where something is ("in Aleppo", "the Idlib countryside", "in Aleppo, Syria"), each
    with whether it is a container ("Idlib province")."""
    text = analysis.article.text
    located: list[tuple[ResolvedMention, bool]] = []  # (mention, is a container)
    for index, resolved in enumerate(inside):
        mention = resolved.mention
        before = text[max(sentence.start, mention.start - _CUE_REACH) : mention.start]
        after = text[mention.end : min(sentence.end, mention.end + 40)]
        cued = _cue_before(before) or bool(_AFTER_FEATURE.match(after))
        if not cued and index:
            previous = inside[index - 1].mention
            between = text[previous.end : mention.start]
            if any(r is inside[index - 1] for r, _ in located) and _CUED_JOIN.fullmatch(between):
                cued = True  # "in Syria's Idlib", "in Aleppo, Syria", "in Homs and Hama"
        if cued:
            located.append((resolved, bool(_AFTER_CONTAINER.match(after))))
    return located


def _closest(located: Sequence[tuple[ResolvedMention, bool]], event: EventTag) -> Place | None:
    """Of a sentence's located names, the event's: the most specific (a container counts
    as an admin area), then the first after the event's trigger, else the nearest."""
    if not located:
        return None

    def key(item: tuple[ResolvedMention, bool]) -> tuple[int, int, int]:
        resolved, container = item
        rank = _RANK.get(resolved.place.kind, 6)
        if container:
            rank = max(rank, _CONTAINER_RANK)
        distance = resolved.mention.start - event.trigger_end
        return (rank, 0 if distance >= 0 else 1, abs(distance))

    return min(located, key=key)[0].place


def main_place(analysis: ArticleAnalysis, excluded: set[int] | None = None) -> Place | None:
    """The article's main place: its dateline's, else the most mentioned city, else the
    most mentioned admin area, then country (ties: the first mentioned)."""
    if excluded is None:
        excluded = _excluded(analysis)
    usable = [r for r in analysis.places if id(r) not in excluded]
    if not usable:
        return None
    text = analysis.article.text
    dateline = _DATELINE.search(text[:_DATELINE_REACH])
    if dateline is not None:
        start, end = dateline.span("place")
        for resolved in usable:
            if start <= resolved.mention.start < end:
                return resolved.place
    counts: Counter[str] = Counter(r.place.id for r in usable)
    first: dict[str, int] = {}
    places: dict[str, Place] = {}
    for resolved in sorted(usable, key=lambda r: r.mention.start):
        first.setdefault(resolved.place.id, resolved.mention.start)
        places.setdefault(resolved.place.id, resolved.place)
    for kinds in (("city",), ("admin2", "admin1"), ("country",), ("region", "continent")):
        among = [pid for pid in places if places[pid].kind in kinds]
        if among:
            best = min(among, key=lambda pid: (-counts[pid], first[pid]))
            return places[best]
    return None


def event_place_ids(analysis: ArticleAnalysis) -> set[str]:
    """The ids of the places where some event of the article happened."""
    return {found.place.id for found in event_places(analysis) if found.place is not None}


def _excluded(analysis: ArticleAnalysis) -> set[int]:
    """The ``id()`` of every mention that cannot be where something happened: demonyms,
    speakers, comparisons, actors' attributes, far reference points, what a protest is
    against, two states as a relation's sides, and namesakes outside their container."""
    out = _said_or_qualified(analysis)
    out.update(id(r) for r, _container in _contradicted(analysis, out))
    out.update(id(r) for r in _states_between(analysis))
    return out


def _said_or_qualified(analysis: ArticleAnalysis) -> set[int]:
    """The ``id()`` of the mentions that the words around them make no place: demonyms,
    speakers, comparisons, actors' attributes, far reference points, protests' objects."""
    text = analysis.article.text
    out: set[int] = set()
    for resolved in analysis.places:
        mention = resolved.mention
        sentence = resolved.sentence
        if mention.demonym:
            out.add(id(resolved))
            continue
        before = text[max(sentence.start, mention.start - 40) : mention.start]
        after = text[mention.end : min(sentence.end, mention.end + 80)]
        last = _last_word(before)  # the same as the whole sentence's before the name
        if (
            (last in _EXCLUDED_LAST_WORDS and _BEFORE_EXCLUDED.search(before))
            or _AFTER_SPEAKER.match(after)
            or (last in _ATTRIBUTE_LAST_WORDS and _BEFORE_ATTRIBUTE.search(before))
            or _AFTER_ATTRIBUTE.match(after)
            or (last in _DISTANCE_LAST_WORDS and _far_reference(before))
            or (
                last in _PROTEST_LAST_WORDS
                and _PROTEST_OBJECT.search(text[sentence.start : mention.start])
            )
            or (resolved.place.kind == "country" and _COUNTRY_AS_ACTOR.match(after))
            or (
                last in _NAME_BEFORE_LAST_WORDS
                and _ACRONYM_AFTER.match(after)
                and _NAME_BEFORE.search(before)
            )
        ):
            out.add(id(resolved))
    return out


def _states_between(analysis: ArticleAnalysis) -> list[ResolvedMention]:
    """Countries named as the two sides of a relation ("a battleground of rhetoric between
    the United States and Russia", "talks between Israel and Syria"): not a place."""
    text = analysis.article.text
    named = sorted(
        (r for r in analysis.places if not r.mention.demonym), key=lambda r: r.mention.start
    )
    out: list[ResolvedMention] = []
    for first, second in pairwise(named):
        if first.place.kind != "country" or second.place.kind != "country":
            continue
        if first.sentence != second.sentence:
            continue
        before = text[max(first.sentence.start, first.mention.start - 20) : first.mention.start]
        between = text[first.mention.end : second.mention.start]
        if _BETWEEN.search(before) and _AND.fullmatch(between):
            out += [first, second]
    return out


def _contradicted(
    analysis: ArticleAnalysis, excluded: set[int] | None = None
) -> list[tuple[ResolvedMention, Place]]:
    """Mentions resolved to a namesake far from the container the text puts them in
    ("Arbin city in Rural Damascus" read as Arbin, France), with that container; a
    container that is no place (``excluded``: "near Kyiv, Lima said") does not count."""
    if excluded is None:
        excluded = _said_or_qualified(analysis)
    text = analysis.article.text
    named = sorted(
        (r for r in analysis.places if not r.mention.demonym), key=lambda r: r.mention.start
    )
    out: list[tuple[ResolvedMention, Place]] = []
    for resolved, following in pairwise(named):
        if resolved.sentence != following.sentence or id(following) in excluded:
            continue
        between = text[resolved.mention.end : following.mention.start]
        if len(between) > _CUE_REACH or not _CONTAINER_JOIN.match(between):
            continue
        if _outside(resolved.place, following.place):
            out.append((resolved, following.place))
    return out


def _outside(place: Place, container: Place) -> bool:
    """Whether ``place`` cannot be in ``container`` (roughly: by country and distance)."""
    if place.kind in ("country", "region", "continent") or container.kind in (
        "region",
        "continent",
    ):
        return False
    if container.kind == "country":
        return bool(place.country_code) and place.country_code != container.country_code
    distance = _km(place, container)
    if place.country_code != container.country_code:
        return distance > _ABROAD_KM
    return distance > _CONTAINED_KM


def _far_reference(before: str) -> bool:
    """Whether the text before a name gives a long distance from it ("967 km south of")."""
    found = _DISTANCE_FROM.search(before)
    if found is None:
        return False
    amount = float(found.group("amount").replace(",", ""))
    if found.group("unit").lower().startswith("mi"):
        amount *= 1.609
    return amount > _FAR_KM


def first_place(analysis: ArticleAnalysis) -> Place | None:
    """The first place the article names (not as a demonym): the evaluation's baseline."""
    named: Sequence[ResolvedMention] = sorted(
        (r for r in analysis.places if not r.mention.demonym), key=lambda r: r.mention.start
    )
    return named[0].place if named else None


# -- names that locative phrases give but recognition missed ------------------------------

#: A place name as event descriptions write them: capitalised words, hyphenated parts and
#: Arabic articles inside ("Kafr Batna", "Deir-ez-Zor", "Hosh al-Dawahira", "al-Bukamal").
_ARTICLE = r"(?:al|el|an|ar|as|ash|ad|az|at|esh|ez|wa|bin|bani|abu|ibn)"
_WORD = r"[A-Z][\w'’`]*(?:-[\w'’`]+)*"
_NAME = re.compile(rf"\b(?:{_ARTICLE}-)?{_WORD}(?:[ \t]+(?:{_ARTICLE}[- ]+)*{_WORD})*")
#: Before a name: it is where something is ("in", "near", "the town of", "villages of").
_RESCUE_CUE = re.compile(
    rf"(?:\b(?:in|at|near|outside|inside|into|around|towards?|across|between|"
    rf"(?:{_DIRECTION}(?:ern)?\s+(?:outskirts\s+)?of)|"
    rf"(?:outskirts|vicinity|edge|coast|entrance|banks?|countryside|east|west|north|south)"
    rf"\s+of)(?:\s+the)?|\b(?:{_FEATURE})\s+of(?:\s+the)?)"
    rf"(?:\s+(?:{_DIRECTION}(?:ern)?|central|rural))?\s+$",
    re.IGNORECASE,
)
#: Words opening a name that say where in it, not what it is ("Rural Damascus").
_QUALIFIER = re.compile(
    r"^(?:(?:northern|southern|eastern|western|central|rural|greater|upper|lower|"
    r"north|south|east|west)\s+)",
    re.IGNORECASE,
)
_LIST_JOIN = re.compile(r"\s*(?:,|,?\s+and|,?\s+or|&)\s+(?:the\s+)?$")
#: Between a located name and its container: "Khabb wa ash Shaaf of Al Jawf".
_OF_JOIN = re.compile(r"\s+of\s+$")
#: A feature word written as part of the name ("Hays District"): not part of its name.
_TRAILING_FEATURE = re.compile(rf"\s+(?:{_FEATURE})$", re.IGNORECASE)
#: Kinds a rescued name may be (a country or region would have been recognised already).
_RESCUE_KINDS = frozenset({"city", "admin2", "admin1"})
#: After a name: a province's ("Bayda province", "Al Jawf governorate").
_AFTER_PROVINCE = re.compile(r"\s+(?:province|governorate|region|oblast|prefecture)\b", re.I)
#: The source of a mention found here.
LOCATIVE_SOURCE = "locative"
_NEAR_KM = 250.0
#: A rescued place this close to a place the article names is plausible.
_SUPPORT_KM = 400.0
#: A town this big, ten times any namesake abroad, is what its name means by default.
_DOMINANT_POPULATION = 50_000


def with_located_places(
    analysis: ArticleAnalysis,
    gazetteer: Gazetteer,
    home: Place | None = None,
    corrections: Corrections | None = None,
) -> ArticleAnalysis:
    """The analysis with the places its locative phrases name that recognition missed.

    Event descriptions name villages in fixed phrases — "shelled the town of Modira",
    "Buqa area of Monabbih district", "in Latifiya" — that the language model often tags
    as a person or an organisation, or not at all, and that the gazetteer scan skips
    as too small. Each such name the gazetteer knows (also as "Deir ez-Zor" for
    "Deir-ez-Zor", "Al Bayda" for "Bayda", "Damascus" for "Rural Damascus") becomes a
    mention (source :data:`LOCATIVE_SOURCE`), resolved towards the countries and places
    the article names, and its ``home`` region (:mod:`mapper.geo.home`) when it has one.
    Names already found are left as they are, and the user's ``corrections`` hold for
    these names too: one marked "not a place" is not added, one pinned is that place.
    """
    text = analysis.article.text
    taken = [(r.mention.start, r.mention.end) for r in analysis.places]
    # First every framed name's places, then the choice: names the article gives
    # together support each other ("Hays District, south of Hodeidah" → both in Yemen).
    found: list[tuple[PlaceMention, Sentence, list[Place], bool]] = []
    pinned_by_user: list[ResolvedMention] = []
    for sentence in analysis.sentences:
        for start, end in _framed_names(text, sentence):
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            known = _lookup(text[start:end], gazetteer)
            if known is None:
                continue
            surface_start, surface_end, candidates, guessed = known
            correction = (
                corrections.get_for(text[start + surface_start : start + surface_end])
                if corrections
                else None
            )
            if correction is not None:
                pinned = gazetteer.get(correction.place_id) if correction.place_id else None
                if pinned is None:
                    continue  # "not a place" (or a place this gazetteer no longer has)
                mention = PlaceMention(
                    start=start + surface_start,
                    end=start + surface_end,
                    surface=text[start + surface_start : start + surface_end],
                    source=LOCATIVE_SOURCE,
                )
                pinned_by_user.append(ResolvedMention(mention, pinned, 1.0, sentence))
                taken.append((start, end))
                continue
            mention = PlaceMention(
                start=start + surface_start,
                end=start + surface_end,
                surface=text[start + surface_start : start + surface_end],
                source=LOCATIVE_SOURCE,
            )
            found.append((mention, sentence, candidates, guessed))
            taken.append((start, end))
    context = _RescueContext.of(analysis, home=home)
    added: list[ResolvedMention] = list(pinned_by_user)
    for index, (mention, sentence, candidates, guessed) in enumerate(found):
        others = [p for i, item in enumerate(found) if i != index for p in item[2]]
        chosen = context.choose(candidates, sentence, guessed, others)
        if chosen is not None:
            added.append(ResolvedMention(mention, chosen[0], chosen[1], sentence))
    if added:
        places = tuple(sorted([*analysis.places, *added], key=lambda r: r.mention.start))
        with_added = replace(analysis, places=places)
        # A rescued name far from the container the text puts it in is a namesake
        # ("Arbin city in Rural Damascus": not Arbin, France): left out.
        wrong = {
            id(r)
            for r, _ in _contradicted(with_added)
            if r.mention.source == LOCATIVE_SOURCE and r not in pinned_by_user
        }
        analysis = replace(analysis, places=tuple(r for r in places if id(r) not in wrong))
    return _provinces_named_as_such(analysis, gazetteer, home)


def _provinces_named_as_such(
    analysis: ArticleAnalysis, gazetteer: Gazetteer, home: Place | None
) -> ArticleAnalysis:
    """The analysis with "Bayda province", "Jawf governorate" read as the province when
    the name was resolved to a namesake town outside it (Al Bayda, Libya)."""
    text = analysis.article.text
    moved: dict[int, ResolvedMention] = {}
    for resolved in analysis.places:
        mention, place = resolved.mention, resolved.place
        if mention.demonym or place.kind != "city":
            continue
        if not _AFTER_PROVINCE.match(text, mention.end):
            continue
        provinces = [
            p
            for guessed in (False, True)
            for variant in _variants(mention.surface, guessed)
            for p in gazetteer.lookup(variant)
            if p.kind == "admin1"
        ]
        if not provinces or any(not _outside(place, p) for p in provinces):
            continue
        context = _RescueContext.of(analysis, without=resolved, home=home)
        chosen = context.choose(provinces, resolved.sentence, False)
        if chosen is not None:
            moved[id(resolved)] = replace(resolved, place=chosen[0], score=chosen[1])
    if not moved:
        return analysis
    return replace(analysis, places=tuple(moved.get(id(r), r) for r in analysis.places))


def _framed_names(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    """Spans of the names in the sentence that a locative phrase frames, with the names
    listed beside them ("Buqa and Al-Sheikh areas", "the towns of Arbin and Zamalka")."""
    names = [
        (sentence.start + m.start(), sentence.start + m.end())
        for m in _NAME.finditer(text, sentence.start, sentence.end)
        if m.start() > sentence.start  # the sentence's first word is capitalised anyway
    ]
    framed = [False] * len(names)
    for index, (start, end) in enumerate(names):
        before = text[max(sentence.start, start - _CUE_REACH) : start]
        after = text[end : min(sentence.end, end + 40)]
        framed[index] = bool(_RESCUE_CUE.search(before) or _AFTER_FEATURE.match(after))
    # A list shares its frame: "in Kadaha, Hamir and Dhabab", "Buqa and Al-Sheikh areas".
    for order in (range(1, len(names)), range(len(names) - 2, -1, -1)):
        for index in order:
            neighbour = index - 1 if order.step > 0 else index + 1
            if framed[index] or not framed[neighbour]:
                continue
            left, right = sorted((names[index], names[neighbour]))
            between = text[left[1] : right[0]]
            if len(between) < 8 and (
                _LIST_JOIN.search(between) or (order.step > 0 and _OF_JOIN.search(between))
            ):
                framed[index] = True
    return [span for span, is_framed in zip(names, framed, strict=True) if is_framed]


def _lookup(name: str, gazetteer: Gazetteer) -> tuple[int, int, list[Place], bool] | None:
    """The part of ``name`` the gazetteer knows (start, end within it), its places, and
    whether it took a guess at the spelling (an "Al" added or dropped)."""
    name = _TRAILING_FEATURE.sub("", re.sub(r"['’]s$", "", name))
    if name.isupper():
        return None  # "IS fighters", "QSD": acronyms name groups here, not towns
    tries: list[tuple[int, str]] = [(0, name)]
    qualifier = _QUALIFIER.match(name)
    if qualifier:
        tries.append((qualifier.end(), name[qualifier.end() :]))
    for guessed in (False, True):
        for offset, candidate in tries:
            if gazetteer.is_not_place_word(candidate):
                continue
            for variant in _variants(candidate, guessed):
                places = [p for p in gazetteer.lookup(variant) if p.kind in _RESCUE_KINDS]
                if places:
                    return offset, offset + len(candidate), places, guessed
    return None


def _variants(name: str, guessed: bool) -> list[str]:
    """Spellings to try: as written and with hyphens as spaces; or, ``guessed``, with
    the Arabic article "Al" added or dropped ("Bayda" → "Al Bayda")."""
    spaced = re.sub(r"\s*-\s*", " ", name)
    if not guessed:
        hyphened = re.sub(r"^(al|el)\s+", r"\1-", spaced, flags=re.IGNORECASE)
        return list(dict.fromkeys([name, spaced, hyphened]))
    bare = re.sub(r"^(?:al|el)\s+", "", spaced, flags=re.IGNORECASE)
    if bare != spaced:
        return [bare]
    return [f"Al {spaced}", f"Al-{spaced}"]


class _RescueContext:
    """What an article says about where it is, to choose among a rescued name's places.

    Its *named* context is the places it names outright (not as demonyms): a rescued
    name must lie near one of them or in a country they are in. Without any, a name is
    taken only when its places agree on a country (demonyms, often an actor's
    nationality — "Russian warplanes" over Syria — only break ties).
    """

    def __init__(
        self,
        named: Counter[str],
        demonyms: Counter[str],
        anchors: list[tuple[Place, Sentence]],
    ) -> None:
        self.named = named
        self.demonyms = demonyms
        self.anchors = anchors

    @classmethod
    def of(
        cls,
        analysis: ArticleAnalysis,
        without: ResolvedMention | None = None,
        home: Place | None = None,
    ) -> _RescueContext:
        """The context of the article's places (but ``without``), and its home region."""
        named: Counter[str] = Counter()
        demonyms: Counter[str] = Counter()
        anchors: list[tuple[Place, Sentence]] = []
        if home is not None and home.country_code:
            named[home.country_code] += 1
            if home.kind in _RESCUE_KINDS:
                anchors.append((home, Sentence(-1, -1)))  # in no sentence: the article's
        excluded = _excluded(analysis)
        for resolved in analysis.places:
            place = resolved.place
            if not place.country_code:
                continue
            if resolved is without or (id(resolved) in excluded and not resolved.mention.demonym):
                continue  # "pro-Hadi forces" read as Hardy, Arkansas says nothing
            if resolved.mention.demonym:
                demonyms[place.country_code] += 1
                continue
            named[place.country_code] += 1
            if place.kind in _RESCUE_KINDS:
                anchors.append((place, resolved.sentence))
        return cls(named, demonyms, anchors)

    def supports(self, place: Place) -> bool:
        """Whether the article's named places make this place plausible."""
        if not self.named:
            return True
        return place.country_code in self.named or any(
            _km(place, anchor) <= _SUPPORT_KM for anchor, _ in self.anchors
        )

    def choose(
        self,
        candidates: Sequence[Place],
        sentence: Sentence,
        guessed: bool,
        others: Sequence[Place] = (),
    ) -> tuple[Place, float] | None:
        """The best-supported candidate and its share of the scores, or None when the
        article does not support any (or, with nothing named, they disagree).

        ``others`` are the places the article's other rescued names may be.
        """
        dominant = _dominant(candidates)
        if dominant is not None:
            return dominant, 1.0  # "Rural Damascus" is Damascus, whatever else is named
        supported = [p for p in candidates if self.supports(p)]
        if not supported:
            return None
        if not self.named:
            countries = {p.country_code for p in supported}
            beside = [p for p in supported if any(_km(p, q) <= _SUPPORT_KM for q in others)]
            if len({p.country_code for p in beside}) == 1:
                supported = beside
            elif len(countries) > 1:
                in_demonym = [p for p in supported if p.country_code in self.demonyms]
                if len({p.country_code for p in in_demonym}) != 1:
                    return None
                supported = in_demonym
            elif guessed and not set(countries) & set(self.demonyms):
                return None  # a guessed spelling with nothing to confirm it
        total = sum(self.named.values()) or 1
        scored: list[tuple[float, Place]] = []
        for place in supported:
            score = 1.0 if place.kind == "admin1" else 0.0
            score += 0.45 * math.log10(place.population + 1)
            score += 3.0 * self.named.get(place.country_code, 0) / total
            for anchor, where in self.anchors:
                weight = 4.0 if where == sentence else 2.0
                score += weight * math.exp(-_km(place, anchor) / _NEAR_KM)
            scored.append((score, place))
        scored.sort(key=lambda pair: pair[0], reverse=True)
        best_score, best = scored[0]
        return best, 1.0 / sum(math.exp(s - best_score) for s, _ in scored)


def _dominant(places: Sequence[Place]) -> Place | None:
    """The one big town that a name means by default ("Damascus"), if there is one."""
    best = max(places, key=lambda p: p.population)
    if best.population < _DOMINANT_POPULATION:
        return None
    if any(
        p.country_code != best.country_code and p.population * 10 > best.population for p in places
    ):
        return None
    return best


def _km(a: Place, b: Place) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
