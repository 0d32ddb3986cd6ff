"""Finding place mentions in a spaCy Doc.

Two sources, merged:

1. the model's named entities (GPE, LOC; NORP when it is a country demonym);
2. a gazetteer scan over capitalised word sequences, for what the model
   misses — or all of it when there is no model.

The gazetteer scan is guarded, because thousands of towns are named like
ordinary words or people (Police, May, Bolton, Paris Hilton):

- a word on the ``not_places`` list is only a place when the model says so;
- a match inside a run of capitalised words that it does not cover ("John
  Bolton", "South American") is not a place, unless it is a country or
  demonym at the head of the run ("U.S. National Security Adviser");
- a surname seen in a full name elsewhere in the article ("John Bolton" …
  "Bolton said") is not a place;
- a town found only by the gazetteer needs a minimum population (a province
  needs none: "Kan.");
- the model's person/organisation/date entities block gazetteer matches
  (countries may still be found inside organisation names, not continents:
  "Council of Europe"), except a one-word "organisation" or "person" after a
  preposition of place ("crews from Pensacola"): the small model misreads many
  small towns;
- a town named like an ordinary English word ("Sales", "Market", "God" → Göd;
  resources/gazetteer/common_words.txt) found only by the gazetteer must be a
  big town of that main name (a fair-sized one after "in", "from"…), a dateline
  ("BRYAN —") or have its state or country after it ("Hope, Ark."); one the model
  tagged must not be a tiny one ("Earth", Texas; "Titan") without those;
- a name found through an alternate name that is only loosely the town's
  ("Molotov" → Perm, "Chagas" → São Francisco de Goiás, "Ismaily" → Ismayilli)
  is not a place, unless it is a big city's exonym ("Peking");
- a name before a street word ("North Nokomis Street", "Georgia Avenue") or a
  street word after a number ("13th Terrace") is a street; a common word before
  "of the …" is a title ("Man of the Year"); a name before "war" is an event
  ("the Gulf War"); a name right after "his wife, " is a person ("Victoria");
  an entity in lower case is a description ("the west bank of the Suez Canal");
- a dotted abbreviation right after "Town, " is the province ("Churchill, Man."
  is Manitoba, not Man in Côte d'Ivoire).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mapper.geo.gazetteer import Gazetteer, NameMatch, plainly_named
from mapper.text.nlp import TokenView, entities_of, text_of, token_view
from mapper.types import PlaceMention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: Source of a mention the model found but the gazetteer does not know.
UNKNOWN_SOURCE = "ner-unknown"
#: Entity labels that name places.
PLACE_LABELS = frozenset({"GPE", "LOC"})
#: Entity labels whose words are not places (except countries inside ORG names).
BLOCKING_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "WORK_OF_ART",
        "PRODUCT",
        "EVENT",
        "LAW",
        "LANGUAGE",
        "DATE",
        "TIME",
        "MONEY",
        "PERCENT",
        "QUANTITY",
        "ORDINAL",
        "CARDINAL",
        "FAC",
    }
)
#: Longest place name tried by the gazetteer scan, in tokens ("Santiago de los Caballeros").
MAX_NAME_TOKENS = 5
#: Lower-case words allowed inside a multi-word name ("Bosnia and Herzegovina").
NAME_CONNECTORS = frozenset({"of", "de", "del", "la", "le", "and", "-", "upon", "al", "el", "da"})
#: A town found by the gazetteer alone (the model did not tag it) needs this many people.
MIN_POPULATION_UNTAGGED = 5000
#: A town at the head of an organisation's name ("Toronto Police") needs this many people.
MIN_POPULATION_IN_ORG = 100_000
#: A town named like an ordinary word ("Sales", "Man") and found by the gazetteer alone
#: needs this many people, under that main name: small towns of such names are
#: rarely what a story means when the model did not see a place there.
MIN_POPULATION_COMMON_WORD = 100_000
#: ... or this many after a preposition of place ("from Pensacola", "in Daphne"): enough
#: to leave out "in God" (Göd, Hungary, 16,000 people) and "to Earth" (Texas, 1,000).
MIN_POPULATION_LOCATIVE = 20_000
#: A city found by the gazetteer alone through a name unlike its own ("Peking" →
#: Beijing, "Molotov" → Perm) needs this many people: only big cities' exonyms are
#: written in English news; small places' alternate names are other languages' words.
MIN_POPULATION_LOOSE_NAME = 1_000_000
#: Capitalised words that make the name before them a street's ("Nokomis Street"), and
#: that are streets themselves after a number ("13th Terrace").
STREET_WORDS = frozenset(
    {
        "street", "st.", "avenue", "ave.", "ave", "road", "rd.", "boulevard", "blvd.",
        "blvd", "lane", "drive", "dr.", "terrace", "court", "place", "way", "parkway",
        "pkwy.", "highway", "hwy.", "pike", "circle", "trail", "alley", "square",
    }
)  # fmt: skip

_BROAD_KINDS = frozenset({"country", "continent", "region"})
_ABBREVIABLE_KINDS = _BROAD_KINDS | {"admin1"}
_CONTAINER_KINDS = frozenset({"country", "admin1"})
#: Words for relatives: a name right after "his wife, " is a person's ("Victoria").
_KIN_WORDS = frozenset(
    {
        "wife", "husband", "spouse", "son", "daughter", "sons", "daughters", "children",
        "brother", "sister", "brothers", "sisters", "mother", "father", "mom", "dad",
        "grandson", "granddaughter", "grandmother", "grandfather", "grandchildren",
        "nephew", "niece", "cousin", "uncle", "aunt", "partner", "fiance", "fiancé",
        "fiancee", "fiancée", "girlfriend", "boyfriend", "widow", "widower", "stepson",
        "stepdaughter", "twin", "granddaughters", "grandsons",
    }
)  # fmt: skip
#: Words before a name that say it is where something is or comes from ("in Pensacola").
_LOCATIVES = frozenset({"in", "from", "near", "to", "toward", "towards", "outside", "around"})
#: Words for land after a sea's or region's name that make another place's name.
_LAND_WORDS = frozenset(
    {
        "coast", "coasts", "shore", "shores", "beach", "beaches", "island", "islands",
        "bay", "port", "harbor", "harbour", "city", "town", "county", "park", "springs",
        "heights", "village", "breeze", "highlands", "plains",
    }
)  # fmt: skip
#: What follows a dateline's place: "BRYAN —", "PARIS, Tenn. —", "WASHINGTON (Reuters)".
_DATELINE_FOLLOWERS = frozenset({"—", "–", "-", "--", ",", "("})
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)?$", re.IGNORECASE)


def _acronym(span: Span) -> bool:
    """A short all-capitals word in mixed-case text ("AMLO", "BA").

    Not when the sentence is all capitals (a headline) or the word opens a
    line (a dateline).
    """
    text = span.text
    if not (1 < len(text) <= 4 and text.isalpha() and text.isupper()):
        return False  # dotted abbreviations ("D.C.") and long capitals ("MANILA") are names
    if span.start == 0 or "\n" in span.doc[span.start - 1].text_with_ws:
        return False  # a dateline: "WASHINGTON (Reuters) —"
    sentence = span.sent.text if span.doc.has_annotation("SENT_START") else text_of(span.doc)
    letters = [ch for ch in sentence if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) < 0.6 * len(letters)


def find_place_mentions(
    doc: Doc, gazetteer: Gazetteer, *, keep_unknown: bool = False
) -> list[PlaceMention]:
    """Place mentions in text order, without overlaps (the longest wins).

    With ``keep_unknown``, places the model found but the gazetteer does not know
    are kept too (source ``"ner-unknown"``; for an online geocoder to try), where
    they do not overlap a known one.
    """
    tokens = token_view(doc)
    runs = _capitalised_runs(doc, tokens)
    surnames = _surnames(doc, runs, gazetteer)
    found = [
        *_from_entities(doc, gazetteer, surnames, keep_unknown=keep_unknown),
        *_from_gazetteer(doc, tokens, gazetteer, runs, surnames, _given_names(doc)),
    ]
    known = _without_overlaps([m for m in found if m.source != UNKNOWN_SOURCE])
    unknown = [
        m
        for m in found
        if m.source == UNKNOWN_SOURCE
        and not any(m.start < k.end and k.start < m.end for k in known)
    ]
    return sorted([*known, *unknown], key=lambda m: m.start)


def _without_overlaps(found: list[PlaceMention]) -> list[PlaceMention]:
    found = sorted(found, key=lambda m: (m.start, -(m.end - m.start), m.source != "ner"))
    result: list[PlaceMention] = []
    for mention in found:
        if result and mention.start < result[-1].end:
            continue
        result.append(mention)
    return result


def _from_entities(
    doc: Doc, gazetteer: Gazetteer, surnames: set[str], *, keep_unknown: bool
) -> Iterable[PlaceMention]:
    for ent in entities_of(doc):
        if ent.label_ not in PLACE_LABELS and ent.label_ != "NORP":
            continue
        span = _trim(ent)
        if span is None:
            continue
        matches = gazetteer.matches(span.text)
        if ent.label_ == "NORP":
            if any(m.demonym for m in matches):
                yield _mention(span, "ner", demonym=True)
            continue
        if span.text.islower():
            continue  # "the west bank of the Suez Canal": a description, not a name
        if _kin_named(span):
            continue  # "his wife, Victoria": a person
        if _war_name(span):
            continue  # "the Gulf War", "a Gulf-war veteran"
        if matches and not plainly_named(span.text, matches, min_population=MIN_POPULATION_IN_ORG):
            continue  # "Ismaily" → Ismayilli, "Chagas": only loosely a small town's name
        broad = any(m.demonym or m.place.kind in _BROAD_KINDS for m in matches)
        if span.text in surnames and not broad:
            continue  # the model took a person's surname for a place ("Pompeo")
        if _street(span):
            continue  # "Georgia Avenue", "13th Terrace"
        if _tiny_common_town(span, matches, gazetteer):
            continue  # "Earth" (Texas, 1,000 people), "Titan" (a company)
        if _acronym(span) and not any(m.place.kind in _ABBREVIABLE_KINDS for m in matches):
            continue  # "AMLO", "BA": acronyms name countries and states, not towns
        if any(m.demonym for m in matches):
            # "Canadian" tagged GPE is still the adjective, not the Australian town.
            yield _mention(span, "ner", demonym=True)
        elif matches:
            yield _mention(span, "ner")
        elif keep_unknown and ent.label_ in PLACE_LABELS and span.text not in surnames:
            yield _mention(span, UNKNOWN_SOURCE)


def _from_gazetteer(
    doc: Doc,
    tokens: TokenView,
    gazetteer: Gazetteer,
    runs: list[tuple[int, int]],
    surnames: set[str],
    given_names: set[str],
) -> Iterable[PlaceMention]:
    blocked, blocked_starts, lone_names = _blocking_entities(doc)
    run_of = {i: run for run in runs for i in range(run[0], run[1])}
    capitalised, count = tokens.capitalised, len(doc)
    i = 0
    while i < count:
        if not capitalised[i]:
            i += 1
            continue
        province = _dotted_province(doc, i, gazetteer)
        if province is not None:
            yield _mention(province, "gazetteer")
            i = province.end
            continue
        for end in range(min(count, i + MAX_NAME_TOKENS), i, -1):
            if not _name_shaped(tokens, i, end):
                continue
            matches = gazetteer.matches(tokens.text(i, end))
            if not matches:
                continue
            span = doc[i:end]
            if _acceptable(
                span,
                matches,
                gazetteer,
                blocked,
                blocked_starts,
                lone_names,
                run_of,
                surnames,
                given_names,
            ):
                yield _mention(span, "gazetteer", demonym=any(m.demonym for m in matches))
                i = end - 1
                break
        i += 1


def _acceptable(
    span: Span,
    matches: list[NameMatch],
    gazetteer: Gazetteer,
    blocked: dict[int, str],
    blocked_starts: set[int],
    lone_names: set[int],
    run_of: dict[int, tuple[int, int]],
    surnames: set[str],
    given_names: set[str],
) -> bool:
    """Whether a gazetteer match is a place mention, given the surnames and given names
    of the people the article names in full."""
    broad = any(m.demonym or m.place.kind in _BROAD_KINDS for m in matches)
    labels = {blocked[t.i] for t in span if t.i in blocked}
    # A one-word "person" with no full name anywhere in the article, named like a big
    # city or a country ("Paris, Lyon and Marseille"): the model misread a list of places.
    if (
        labels == {"PERSON"}
        and span.start in lone_names
        and span.text not in surnames | given_names
        and (
            broad
            or any(
                m.place.kind == "admin1" or m.place.population >= MIN_POPULATION_IN_ORG
                for m in matches
            )
        )
    ):
        labels = set()
    # A one-word "organisation" or "person" the text puts a place's preposition before
    # ("crews from Pensacola", "in Daphne"), or a dateline's ("BRYAN —"): the small model
    # misreads many small towns.
    if (
        labels <= {"ORG", "PERSON"}
        and span.start in lone_names
        and (_after_locative(span) or _dateline(span))
    ):
        labels = set()
    if labels and labels - {"ORG", "FAC"}:
        return False
    if _street(span) or _kin_named(span) or _war_name(span):
        return False  # "Georgia Avenue", "his daughter, Georgia", "the Gulf War"
    only_regions = not any(m.demonym or m.place.kind == "country" for m in matches)
    if labels and broad and only_regions and span.start not in blocked_starts:
        return False  # "Council of Europe" names no continent; "the European Union" is one
    if labels and not broad:
        # An organisation named after its place ("the Toronto Police", "New York
        # Times") still points there, when the name opens the entity and is a
        # well-known place; a small town inside an organisation's name does not.
        opens_entity = span.start in blocked_starts
        known = any(
            m.place.kind == "admin1" or m.place.population >= MIN_POPULATION_IN_ORG for m in matches
        )
        if not (opens_entity and known):
            return False
    if gazetteer.is_not_place_word(span.text):
        return False
    run = run_of.get(span.start, (span.start, span.end))
    covers_run = span.start <= run[0] and run[1] <= span.end
    # A country or region at the head of a longer name is still named ("U.S. National
    # Security Adviser", "EU Aviation Strategy"), but not a sea before a word for land
    # ("Gulf Coast", "Gulf Shores", "Atlantic City").
    head = broad and run[0] == span.start
    if head and only_regions and span.end < len(span.doc):
        head = span.doc[span.end].lower_ not in _LAND_WORDS
    if not covers_run and not head:
        return False
    if broad:
        return True
    if _acronym(span) and not any(m.place.kind in _ABBREVIABLE_KINDS for m in matches):
        return False
    if len(span) == 1 and span[0].is_stop:
        return False  # "As", "In", "Be": towns somewhere, words here
    if span.text in surnames:
        return False  # "Bolton" after "John Bolton"
    common = gazetteer.is_common_word(span.text)
    # A big city's exonym counts ("Peking"), unless it is also a word ("Molotov" → Perm).
    named = plainly_named(
        span.text, matches, min_population=math.inf if common else MIN_POPULATION_LOOSE_NAME
    )
    if common and not _named_as_place(span, named, gazetteer):
        return False  # "Sales tax", "God is great", "Man of the Year"
    # Provinces have no population in the gazetteer; a state's name is a place ("Kan.").
    return any(
        m.place.kind == "admin1" or m.place.population >= MIN_POPULATION_UNTAGGED for m in named
    )


def _blocking_entities(doc: Doc) -> tuple[dict[int, str], set[int], set[int]]:
    """Token index → label of blocking entities, where each entity's name begins, and
    the tokens that are one-word PERSON or ORG entities."""
    entities = entities_of(doc)
    labels = {t.i: ent.label_ for ent in entities if ent.label_ in BLOCKING_LABELS for t in ent}
    starts = {
        ent.start + (ent[0].lower_ == "the" and len(ent) > 1)
        for ent in entities
        if ent.label_ in BLOCKING_LABELS
    }
    lone_names = {
        ent.start for ent in entities if ent.label_ in ("PERSON", "ORG") and len(ent) == 1
    }
    return labels, starts, lone_names


def _street(span: Span) -> bool:
    """A street's name: "North Nokomis Street", "Georgia Avenue", "13th Terrace",
    "Northwest 13th Terrace"."""
    doc = span.doc
    after = doc[span.end : span.end + 2]
    if len(after) == 2 and _ORDINAL.match(after[0].text) and after[1].lower_ in STREET_WORDS:
        return True  # "Northwest 13th Terrace"
    if len(after) and after[0].lower_ in STREET_WORDS and after[0].text[:1].isupper():
        return True
    before = doc[span.start - 1] if span.start > 0 else None
    return (
        len(span) == 1
        and span[0].lower_ in STREET_WORDS
        and before is not None
        and bool(_ORDINAL.match(before.text))
    )


def _title_follows(span: Span) -> bool:
    """ "Man of the Year", "Person of the Week": a title, not a town."""
    doc = span.doc
    rest = doc[span.end : span.end + 3]
    return (
        len(rest) == 3
        and rest[0].lower_ == "of"
        and rest[1].lower_ == "the"
        and rest[2].text[:1].isupper()
    )


def _container_follows(span: Span, gazetteer: Gazetteer) -> bool:
    """A state or country right after ", " ("Hope, Ark.", "Sales, Brazil")."""
    doc = span.doc
    start = span.end + 1
    if start >= len(doc) or doc[span.end].text != ",":
        return False
    for end in range(min(len(doc), start + 3), start, -1):
        name = doc[start:end].text
        if not name[:1].isupper():
            continue
        for candidate in (name, name + "."):
            if any(m.place.kind in _CONTAINER_KINDS for m in gazetteer.matches(candidate)):
                return True
    return False


def _dotted_province(doc: Doc, i: int, gazetteer: Gazetteer) -> Span | None:
    """A province's dotted abbreviation split by the tokenizer, right after "Town, ":
    "Churchill, Man." is Manitoba (the tokenizer knows "Tenn." but not "Man.")."""
    if i < 2 or i + 1 >= len(doc) or doc[i - 1].text != ",":
        return None
    if doc[i + 1].text != "." or doc[i].whitespace_ or not doc[i - 2].text[:1].isupper():
        return None
    if not any(m.place.kind == "admin1" for m in gazetteer.matches(doc[i].text + ".")):
        return None
    return doc[i : i + 2]


def _tiny_common_town(span: Span, matches: Sequence[NameMatch], gazetteer: Gazetteer) -> bool:
    """A name the model tagged that is an ordinary word and only a tiny town's name
    ("Earth", Texas; "Titan"), with no state or country written after it."""
    if not matches or not gazetteer.is_common_word(span.text):
        return False
    if any(m.demonym or m.place.kind != "city" for m in matches):
        return False
    if any(m.place.population >= MIN_POPULATION_UNTAGGED for m in matches):
        return False
    return not _container_follows(span, gazetteer)


def _named_as_place(span: Span, named: Sequence[NameMatch], gazetteer: Gazetteer) -> bool:
    """Whether an ordinary word found by the gazetteer alone is still a place: a
    dateline ("BRYAN —"), any town with its state or country after it ("Hope, Ark."),
    a big town's main name, or a fair-sized town's after a preposition of place
    ("crews from Pensacola"), though not in a title ("Man of the Year"). Provinces
    named like words ("Centre", "Northwest", "Store" → Štore) are left to the model."""
    if _dateline(span) or _container_follows(span, gazetteer):
        return True
    if _title_follows(span):
        return False
    least = MIN_POPULATION_LOCATIVE if _after_locative(span) else MIN_POPULATION_COMMON_WORD
    return any(m.primary and m.place.population >= least for m in named)


def _after_locative(span: Span) -> bool:
    """ "in Pensacola", "crews from Flagstaff": a preposition of place right before."""
    return span.start > 0 and span.doc[span.start - 1].lower_ in _LOCATIVES


def _war_name(span: Span) -> bool:
    """ "the Gulf War", "a Gulf-war veteran": an event's name, not the place."""
    after = [t.lower_ for t in span.doc[span.end : span.end + 2]]
    return after[:1] == ["war"] or after == ["-", "war"]


def _given_names(doc: Doc) -> set[str]:
    """Given names of people the model found named in full ("Jordan Whitfield" → "Jordan")."""
    if not doc.has_annotation("ENT_IOB"):
        return set()
    return {
        ent[0].text
        for ent in entities_of(doc)
        if ent.label_ == "PERSON" and len(ent) >= 2 and ent[0].text[:1].isupper()
    }


def _kin_named(span: Span) -> bool:
    """A name right after a relative: "his wife, Victoria", "a daughter, Jordan"."""
    doc = span.doc
    return (
        span.start >= 2
        and doc[span.start - 1].text == ","
        and doc[span.start - 2].lower_ in _KIN_WORDS
    )


def _dateline(span: Span) -> bool:
    """A dateline's place in capitals at the start of a line: "BRYAN —", "PARIS, Tenn."."""
    doc = span.doc
    if not span.text.isupper() or span.end >= len(doc):
        return False
    at_line_start = span.start == 0 or "\n" in doc[span.start - 1].text_with_ws
    return at_line_start and doc[span.end].text in _DATELINE_FOLLOWERS


def _name_shaped(tokens: TokenView, start: int, end: int) -> bool:
    """Capitalised first and last word, only connectors in between, one line."""
    capitalised = tokens.capitalised
    if not (capitalised[start] and capitalised[end - 1]):
        return False
    for k in range(start, end):
        if tokens.line_break_in[k] or (tokens.line_break_after[k] and k < end - 1):
            return False
        if not capitalised[k] and tokens.lower[k] not in NAME_CONNECTORS:
            return False
    return True


def _capitalised_runs(doc: Doc, tokens: TokenView) -> list[tuple[int, int]]:
    """Maximal runs of consecutive capitalised tokens on one line (token index ranges).

    A capitalised stop word ("The", "In") does not open a run: "The EU" is the run "EU".
    """
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i in range(len(doc)):
        joins = start is not None and not tokens.line_break_after[i - 1]
        if (
            tokens.capitalised[i]
            and not tokens.punct[i]
            and not (tokens.stop[i] and (start is None or not joins))
        ):
            if start is None or not joins:
                if start is not None:
                    runs.append((start, i))
                start = i
        elif start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(doc)))
    return runs


def _surnames(doc: Doc, runs: list[tuple[int, int]], gazetteer: Gazetteer) -> set[str]:
    """Surnames of people named in full in the article ("Juan Guaido" → "Guaido").

    With a model, from its multi-word PERSON entities. Without one, from runs of
    capitalised words that are not place names and do not end in a country or
    demonym ("John Bolton", but not "South American" or "Caracas").
    """
    if doc.has_annotation("ENT_IOB"):
        return {
            ent[-1].text for ent in entities_of(doc) if ent.label_ == "PERSON" and len(ent) >= 2
        }
    surnames: set[str] = set()
    for start, end in runs:
        if end - start < 2:
            continue
        name = doc[start:end]
        last = doc[end - 1]
        if gazetteer.has_name(name.text):
            continue
        if any(m.demonym or m.place.kind in _BROAD_KINDS for m in gazetteer.matches(last.text)):
            continue
        surnames.add(last.text)
    return surnames


def _trim(span: Span) -> Span | None:
    """Drop a leading "the" and trailing possessive/punctuation from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s")):
        end -= 1
    return doc[start:end] if end > start else None


def _mention(span: Span, source: str, *, demonym: bool = False) -> PlaceMention:
    return PlaceMention(
        start=span.start_char,
        end=span.end_char,
        surface=span.text,
        source=source,
        demonym=demonym,
    )
