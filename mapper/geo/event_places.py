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
"according to Russia", "Russia's foreign ministry condemned") or a comparison ("than in
Chile", "like Peru").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from mapper.types import ArticleAnalysis, EventPlace, EventTag, Place, ResolvedMention

_DIRECTION = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
_FEATURE = (
    r"(?:town|city|village|villages|area|areas|neighbou?rhood|neighbou?rhoods|suburb|"
    r"suburbs|camp|district|districts|sub-?district|province|governorate|region|county|"
    r"state|municipality|countryside|outskirts|vicinity|hamlet|island|port|capital)"
)
#: Locative cues that end just before a place name.
_CUE = re.compile(
    rf"(?:\b(?:in|at|near|nearby|outside|inside|across|throughout|around|into|within|"
    rf"towards?|onto|on|over|from|through|along|off|to|between|amid|"
    rf"(?:{_DIRECTION}(?:ern)?\s+(?:outskirts\s+)?of)|(?:outskirts|parts|part|centre|center|"
    rf"edge|heart|streets|border)\s+of|"
    rf"(?:in|at|near|of)\s+(?:the\s+)?(?:{_FEATURE})\s+of)"
    r"(?:\s+the)?(?:\s+(?:capital|city|town|village|province|region|district|"
    r"(?:northern|southern|eastern|western|central|north-?eastern|north-?western|"
    r"south-?eastern|south-?western))){0,2})\s*$",
    re.IGNORECASE,
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
    r"\bsaid|\btold)(?:\s+the)?\s*$",
    re.IGNORECASE,
)
#: Specificity, most specific first.
_RANK = {"city": 0, "admin2": 1, "admin1": 2, "country": 3, "region": 4, "continent": 5}
_CONTAINER_RANK = 2
#: How far back a cue is looked for (characters of the sentence before a name).
_CUE_REACH = 60
#: "CARACAS, Venezuela (AP) —", "LONDON (Reuters) -", "BEIRUT —", "Kabul, Afghanistan —"
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][\w'’. -]{1,40}?)(?:,[ \t]*[A-Z][\w'’. -]{1,40}?){0,2}"
    r"[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?(?:[-–—:]{1,2})[ \t]",
    re.MULTILINE,
)
_DATELINE_REACH = 600


def event_places(analysis: ArticleAnalysis) -> list[EventPlace]:
    """Where each of ``analysis.events`` happened, in the same order."""
    excluded = _excluded(analysis)
    main: Place | None = None
    main_known = False
    found: list[EventPlace] = []
    for event in analysis.events:
        place = sentence_place(analysis, event, excluded)
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
    text = analysis.article.text
    sentence = event.sentence
    inside = sorted(
        (
            r
            for r in analysis.places
            if sentence.start <= r.mention.start < sentence.end and id(r) not in excluded
        ),
        key=lambda r: r.mention.start,
    )
    located: list[tuple[ResolvedMention, bool]] = []  # (mention, is a container)
    for index, resolved in enumerate(inside):
        mention = resolved.mention
        before = text[max(sentence.start, mention.start - _CUE_REACH) : mention.start]
        after = text[mention.end : min(sentence.end, mention.end + 40)]
        cued = bool(_CUE.search(before)) or bool(_AFTER_FEATURE.match(after))
        if not cued and index:
            previous = inside[index - 1].mention
            between = text[previous.end : mention.start]
            if any(r is inside[index - 1] for r, _ in located) and re.fullmatch(
                r"['’]s\s+|\s*,\s*|\s+(?:and|or)\s+", between
            ):
                cued = True  # "in Syria's Idlib", "in Aleppo, Syria", "in Homs and Hama"
        if cued:
            located.append((resolved, bool(_AFTER_CONTAINER.match(after))))
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
    speakers and comparisons."""
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
        if _BEFORE_EXCLUDED.search(before) or _AFTER_SPEAKER.match(after):
            out.add(id(resolved))
    return out


def first_place(analysis: ArticleAnalysis) -> Place | None:
    """The first place the article names (not as a demonym): the evaluation's baseline."""
    named: Sequence[ResolvedMention] = sorted(
        (r for r in analysis.places if not r.mention.demonym), key=lambda r: r.mention.start
    )
    return named[0].place if named else None
