"""Who acts in an article: people, organisations, states and groups.

From the model's entities plus rules, because the small model errs in
predictable ways:

- **People.** Full names ("Juan Guaido") come from PERSON entities. A surname
  seen in a full name makes every other mention of that word the same person,
  whatever label the model gave it ("Maduro" tagged ORG, "Pompeo" tagged GPE).
  A title written just before the full name becomes the role ("Secretary of
  State Mike Pompeo" → Mike Pompeo, Secretary of State).
- **Organisations.** ORG entities, minus what is really a person (above), a
  fragment of a title ("U.S. National Security" in "…National Security
  Adviser John Bolton"; "State" in "Secretary of State"), lower-case debris
  ("sec"), and names that are places. "The State Department" and "State
  Department" are one organisation.
- **States.** Every country the article names or points at with a demonym
  ("Colombian-supported coup" → Colombia) acts as a state, and so does a
  capital used for its government ("Washington said…", "Moscow warned…").
- **Groups.** Nouns like "protesters" or "security forces" from
  ``resources/actors.toml``.
- **Never actors**, whatever the model says: a title alone ("Sgt", "Superintendent
  Dr."), a code with digits ("H5N1", "COVID-19", "F-16"; not a group's name such as
  "G20" or "M23"), a word of ``[not_actors]`` ("DUI"), the name of a street or a
  structure ("North Nokomis Street", "Dalton Pike", "Reading Bridge"), and, as a
  person, a name ending in an institution's word ("Lawrence High School"). An entity
  that runs across a line break ends there ("Associated Press⏎⏎STRASBOURG").

Actor ids are stable across articles ("person:nicolas-maduro", "state:VE"),
so the Atlas can merge them.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mapper.geo.gazetteer import Gazetteer
from mapper.geo.places import STREET_WORDS
from mapper.resources import resource_path
from mapper.text.nlp import entities_of, text_of, token_view
from mapper.types import Actor, ActorKind, ActorMention, ResolvedMention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: Words after an organisation name that show it was part of a title.
_TITLE_HEADS = frozenset(
    {
        "adviser",
        "advisor",
        "secretary",
        "minister",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "officials",
        "chief",
        "director",
        "envoy",
        "ambassador",
    }
)
_ARTICLES = ("the ", "The ")
#: Last words of names that are streets or structures, never actors: the street words of
#: place finding, minus those that also end institutions' names ("Supreme Court",
#: "United Way", "Inner Circle", "Trafalgar Square" stays a place there anyway).
_STRUCTURE_ENDINGS = frozenset(
    w.rstrip(".") for w in STREET_WORDS - {"court", "place", "way", "circle", "square"}
) | frozenset({"route", "interstate", "bridge", "tunnel", "dam", "stadium", "arena", "airport"})
#: Endings of the names of grounds and natural places: never actors either (a lone
#: "Lake", "Forest", "Park" or "Creek" may end a person's or a club's name: "Linda Park",
#: "Nottingham Forest").
_GROUNDS_ENDINGS = (
    " community center",
    " community centre",
    " national forest",
    " national park",
    " state park",
    " county park",
    " city park",
    " reservoir",
    " canyon",
)
#: Last words that make a "person" an institution the model misread.
_INSTITUTION_ENDINGS = frozenset(
    {
        "school",
        "college",
        "university",
        "academy",
        "county",
        "library",
        "hospital",
        "department",
        "council",
        "center",
        "centre",
        "tribune",
        "news",
    }
)
#: A code with digits: a hyphen before digits ("COVID-19", "F-16", "AK-47") or letters
#: after them ("H5N1"), or no letter at all; "G20", "M23", "P5" (groups) do not match.
_CODE = re.compile(r"^(?=.*\d)(?:[^A-Za-z]*|.*[A-Za-z]-\d.*|.*\d[A-Za-z].*)$")


@dataclass(frozen=True)
class ActorLexicon:
    """The word lists of ``resources/actors.toml``."""

    titles: tuple[str, ...]  # longest first
    groups: tuple[str, ...]  # longest first, lower case
    state_verbs: frozenset[str]
    not_actors: frozenset[str]
    #: One-word titles without their dots ("Sgt", "Superintendent"): alone, not actors.
    title_words: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> ActorLexicon:
        """Read the lexicon shipped in resources/."""
        with resource_path("actors.toml").open("rb") as handle:
            data = tomllib.load(handle)
        titles = set(data["titles"]["words"])
        # "Sgt." is also written "Sgt" (British and Australian style: "Cr Ryan").
        titles |= {t[:-1] for t in titles if t.endswith(".") and " " not in t}
        return cls(
            titles=tuple(sorted(titles, key=len, reverse=True)),
            groups=tuple(
                sorted((w.lower() for w in data["groups"]["words"]), key=len, reverse=True)
            ),
            state_verbs=frozenset(w.lower() for w in data["state_verbs"]["words"]),
            not_actors=frozenset(data["not_actors"]["words"]),
            title_words=frozenset(t.rstrip(".") for t in titles if " " not in t),
        )

    def never_actor(self, name: str) -> bool:
        """Whether a name cannot be an actor whatever the model said: a title alone
        ("Sgt", "Superintendent Dr."), a code with digits ("H5N1"), a word of
        ``[not_actors]`` ("DUI"), a street or structure ("North Nokomis Street") or
        grounds ("Mizell Community Center", "Sam Houston National Forest")."""
        words = name.split()
        if not words or name in self.not_actors:
            return True
        if all(w.rstrip(".") in self.title_words for w in words):
            return True
        if len(words) == 1 and _CODE.match(name):
            return True
        if len(words) > 1 and words[-1].lower().rstrip(".") in _STRUCTURE_ENDINGS:
            return True
        return f" {name.lower()}".endswith(_GROUNDS_ENDINGS)  # "(Sam Houston) National Forest"


def slug(name: str) -> str:
    """A stable id part from a name: ascii, lower case, dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


class _Collector:
    """Accumulates actors and their mentions for one article."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.actors: dict[str, Actor] = {}
        self.mentions: list[ActorMention] = []
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in self.taken)

    def add(
        self, kind: ActorKind, key: str, name: str, start: int, end: int, role: str = ""
    ) -> None:
        if not self.free(start, end):
            return
        actor_id = f"{kind}:{key}"
        surface = self.text[start:end]
        known = self.actors.get(actor_id)
        aliases: tuple[str, ...]
        if known is None:
            aliases = () if surface == name else (surface,)
            self.actors[actor_id] = Actor(actor_id, name, kind, aliases, role)
        else:
            aliases = known.aliases
            if surface != known.name and surface not in aliases:
                aliases = (*aliases, surface)
            self.actors[actor_id] = Actor(actor_id, known.name, kind, aliases, known.role or role)
        self.mentions.append(ActorMention(actor_id, start, end, surface))
        self.taken.append((start, end))


def find_actors(
    doc: Doc,
    places: Sequence[ResolvedMention],
    gazetteer: Gazetteer,
    lexicon: ActorLexicon,
) -> tuple[tuple[Actor, ...], tuple[ActorMention, ...]]:
    """The actors of one article and every mention of them, in text order."""
    text = text_of(doc)
    found = _Collector(text)
    place_spans = [(p.mention.start, p.mention.end) for p in places]

    # People: full names first, so that surnames can be resolved to them.
    people = _full_names(doc, text, lexicon)
    by_surname: dict[str, tuple[str, str]] = {}
    shared: set[str] = set()  # surnames of two different people ("George Bush", "Jeb Bush")
    for ent, name, role in people:
        key = slug(name)
        surname = name.split()[-1]
        if by_surname.setdefault(surname, (key, name))[0] != key:
            shared.add(surname)
        found.add("person", key, name, ent.start_char, ent.end_char, role)
    for surname in shared:
        del by_surname[surname]
    tokens = token_view(doc)
    for word, start in zip(tokens.words, tokens.offsets, strict=True):
        if word in by_surname:
            key, name = by_surname[word]
            found.add("person", key, name, start, start + len(word))
    for ent in entities_of(doc):
        if ent.label_ == "PERSON" and len(ent) == 1 and not _overlaps(ent, place_spans):
            word = ent.text
            if word[:1].isupper() and not lexicon.never_actor(word):
                found.add("person", slug(word), word, ent.start_char, ent.end_char)

    # Organisations.
    for whole in entities_of(doc):
        line = _first_line(whole, text) if whole.label_ == "ORG" else None
        if line is None:
            continue
        org = _organisation_name(line, lexicon, gazetteer)
        if org is not None and not _overlaps(line, place_spans):
            found.add("organization", slug(org), org, line.start_char, line.end_char)

    # States: countries named or pointed at, and capitals speaking for them.
    for resolved in places:
        place, mention = resolved.place, resolved.mention
        if place.kind == "country":
            found.add("state", place.country_code, place.name, mention.start, mention.end)
        elif _capital_speaking(text, resolved, gazetteer, lexicon):
            country = gazetteer.country(place.country_code)
            if country is not None:
                found.add("state", country.country_code, country.name, mention.start, mention.end)

    # Groups.
    for start, end, name in _groups(text, lexicon):
        found.add("group", slug(name), name, start, end)

    mentions = tuple(sorted(found.mentions, key=lambda m: m.start))
    used = {m.actor_id for m in mentions}
    return tuple(a for a in found.actors.values() if a.id in used), mentions


def _full_names(doc: Doc, text: str, lexicon: ActorLexicon) -> list[tuple[Span, str, str]]:
    """(entity, full name, role) for PERSON entities of two or more words.

    ``text`` is ``doc.text``, passed in because spaCy rebuilds that string on every access.
    """
    people = []
    for whole in entities_of(doc):
        ent = _first_line(whole, text) if whole.label_ == "PERSON" else None
        if ent is None:
            continue
        written = text[ent.start_char : ent.end_char]  # ent.text joins its tokens anew each time
        words = written.split()
        # The model sometimes swallows a title into the name ("President Trump").
        role = ""
        for title in lexicon.titles:
            if written.startswith(title + " ") and len(words) > len(title.split()):
                role, words = title, words[len(title.split()) :]
                break
        if len(words) < 2 or not all(
            w[:1].isupper() or w in ("de", "da", "van", "von", "bin", "al", "del", "la", "le")
            for w in words
        ):
            continue
        name = " ".join(words).removesuffix("'s").removesuffix("’s")
        if lexicon.never_actor(name) or words[-1].lower() in _INSTITUTION_ENDINGS:
            continue  # "Dalton Pike", "Lawrence High School"
        people.append((ent, name, role or _title_before(text, ent.start_char, lexicon)))
    return people


def _title_before(text: str, start: int, lexicon: ActorLexicon) -> str:
    """The title written right before a name, if any ("Secretary of State ")."""
    before = text[max(0, start - 80) : start]
    for title in lexicon.titles:
        pattern = re.escape(title) + r"(?: of (?:[A-Z][\w.'’-]*\s?)+?)?\s+$"
        found = re.search(pattern, before)
        if found and (found.start() == 0 or not before[found.start() - 1].isalnum()):
            return found.group(0).strip()
    return ""


def _organisation_name(ent: Span, lexicon: ActorLexicon, gazetteer: Gazetteer) -> str | None:
    """The organisation an ORG entity names, or None when it is not one."""
    name = ent.text
    for article in _ARTICLES:
        name = name.removeprefix(article)
    name = name.removesuffix("'s").removesuffix("’s").strip()
    if not name or not name[0].isupper() or lexicon.never_actor(name):
        return None  # "sec" (a caption cut mid-word), "State" (of "Secretary of State"), "DUI"
    following = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if following is not None and following.lower_ in _TITLE_HEADS:
        return None  # "U.S. National Security" of "U.S. National Security Adviser"
    if any(not m.demonym for m in gazetteer.matches(name)):
        return None  # a place the model took for an organisation
    return name


def _capital_speaking(
    text: str, resolved: ResolvedMention, gazetteer: Gazetteer, lexicon: ActorLexicon
) -> bool:
    """Whether a capital city is used for its government: "Washington said…"."""
    mention = resolved.mention
    if resolved.place.kind != "city" or not any(
        m.capital and m.place.id == resolved.place.id for m in gazetteer.matches(mention.surface)
    ):
        return False
    after = text[mention.end : mention.end + 40].split()
    return bool(after) and after[0].strip(",.;:").lower() in lexicon.state_verbs


def _groups(text: str, lexicon: ActorLexicon) -> Iterable[tuple[int, int, str]]:
    lowered = text.lower()
    for noun in lexicon.groups:
        if noun in lowered:  # a plain substring test first: most nouns are in no article
            for found in re.finditer(r"\b" + re.escape(noun) + r"\b", lowered):
                yield found.start(), found.end(), noun


def _first_line(ent: Span, text: str) -> Span | None:
    """The entity up to its first line break: the small model runs names across headings
    and paragraphs ("Associated Press⏎⏎STRASBOURG"). None when nothing is left."""
    written = text[ent.start_char : ent.end_char]
    cut = written.find("\n")
    if cut < 0:
        return ent
    part = written[:cut].rstrip()
    if not part:
        return None
    return ent.doc.char_span(ent.start_char, ent.start_char + len(part), alignment_mode="contract")


def _overlaps(span: Span, spans: Sequence[tuple[int, int]]) -> bool:
    return any(span.start_char < e and s < span.end_char for s, e in spans)
