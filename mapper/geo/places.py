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
- a town found only by the gazetteer needs a minimum population;
- the model's person/organisation/date entities block gazetteer matches
  (countries may still be found inside organisation names).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from mapper.geo.gazetteer import Gazetteer, NameMatch
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

_BROAD_KINDS = frozenset({"country", "continent", "region"})
_ABBREVIABLE_KINDS = _BROAD_KINDS | {"admin1"}


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
        *_from_gazetteer(doc, tokens, gazetteer, runs, surnames),
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
        broad = any(m.demonym or m.place.kind in _BROAD_KINDS for m in matches)
        if span.text in surnames and not broad:
            continue  # the model took a person's surname for a place ("Pompeo")
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
) -> Iterable[PlaceMention]:
    blocked, blocked_starts, lone_names = _blocking_entities(doc)
    run_of = {i: run for run in runs for i in range(run[0], run[1])}
    capitalised, count = tokens.capitalised, len(doc)
    i = 0
    while i < count:
        if not capitalised[i]:
            i += 1
            continue
        for end in range(min(count, i + MAX_NAME_TOKENS), i, -1):
            if not _name_shaped(tokens, i, end):
                continue
            matches = gazetteer.matches(tokens.text(i, end))
            if not matches:
                continue
            span = doc[i:end]
            if _acceptable(
                span, matches, gazetteer, blocked, blocked_starts, lone_names, run_of, surnames
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
) -> bool:
    broad = any(m.demonym or m.place.kind in _BROAD_KINDS for m in matches)
    labels = {blocked[t.i] for t in span if t.i in blocked}
    # A one-word "person" with no full name anywhere in the article, named like a big
    # city or a country ("Paris, Lyon and Marseille"): the model misread a list of places.
    if (
        labels == {"PERSON"}
        and span.start in lone_names
        and span.text not in surnames
        and (
            broad
            or any(
                m.place.kind == "admin1" or m.place.population >= MIN_POPULATION_IN_ORG
                for m in matches
            )
        )
    ):
        labels = set()
    if labels and labels - {"ORG", "FAC"}:
        return False
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
    if not covers_run and not (broad and run[0] == span.start):
        return False
    if broad:
        return True
    if _acronym(span) and not any(m.place.kind in _ABBREVIABLE_KINDS for m in matches):
        return False
    if len(span) == 1 and span[0].is_stop:
        return False  # "As", "In", "Be": towns somewhere, words here
    if span.text in surnames:
        return False
    return any(m.place.population >= MIN_POPULATION_UNTAGGED for m in matches)


def _blocking_entities(doc: Doc) -> tuple[dict[int, str], set[int], set[int]]:
    """Token index → label of blocking entities, where each entity's name begins, and
    the tokens that are one-word PERSON entities."""
    entities = entities_of(doc)
    labels = {t.i: ent.label_ for ent in entities if ent.label_ in BLOCKING_LABELS for t in ent}
    starts = {
        ent.start + (ent[0].lower_ == "the" and len(ent) > 1)
        for ent in entities
        if ent.label_ in BLOCKING_LABELS
    }
    lone_names = {ent.start for ent in entities if ent.label_ == "PERSON" and len(ent) == 1}
    return labels, starts, lone_names


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
