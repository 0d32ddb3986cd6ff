"""Event types: which kinds of event a sentence describes, with a score and the words that say so.

The taxonomy (types, patterns, colours, icons) is data: ``resources/event_types.toml``,
which users may edit or replace with their own copy (:func:`user_taxonomy_path`).
Its header comment documents the format; docs/EVENTS.md the scoring rules.

Matching works on lower-case token forms only, so it gives the same result with
the trained model and with the blank pipeline (neither has lemmas or tags):
patterns are written as base forms and the loader expands their inflections
(regular English rules plus the file's ``[inflections]`` table). One spaCy
``PhraseMatcher`` holds every form of every pattern; patterns with gaps
(``"kill ... civilian"``) are matched part by part and joined here.

A longer match takes its words from shorter ones ("air strike" is not a labour
"strike"). Context lowers or removes a match, by rules that hold for any news text:

- a **negation** in the same clause just before the trigger removes it
  ("no mass defections", "did not take part in military operations");
- a **hypothetical or intent** word before it ("would", "threatened to",
  "prepared to", "if") scales it by :data:`HYPOTHETICAL_FACTOR`;
- a trigger inside **quotation marks** (someone's words, often figurative:
  "we are in combat") is scaled by :data:`QUOTED_FACTOR`;
- an **allegation** ("accused … of", "alleged") by :data:`ALLEGED_FACTOR`;
- the **topic** of a protest or statement ("protested against the killing of")
  by :data:`TOPIC_FACTOR`;
- a **natural or accidental cause** ("the earthquake killed 50 people") by
  :data:`DISASTER_FACTOR`.

Matches of one type in one sentence combine as independent evidence, and a
type clear in a sentence damps the types it ``outranks`` there (the taxonomy
says which: a battle outranks the shelling that came with it).
"""

from __future__ import annotations

import bisect
import itertools
import math
import os
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.nlp import TokenView, text_of, token_view
from mapper.resources import resource_path
from mapper.types import EventTag, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: The file name of the taxonomy, in resources/ and in the user's data folder.
TAXONOMY_FILE = "event_types.toml"
#: Where event icons live, relative to resources/.
ICON_DIR = "map/icons"
#: The only format version so far.
FORMAT_VERSION = 1

#: Weight of a pattern written without ``|weight``.
DEFAULT_WEIGHT = 0.6
#: Lowest and highest weight a pattern may carry.
MIN_WEIGHT, MAX_WEIGHT = 0.05, 1.0
#: A sentence gets a type when its combined score reaches this.
MIN_SCORE = 0.2
#: Most tokens ``...`` in a pattern may stand for ("killed at least 4 pro-Hadi soldiers").
MAX_GAP = 6
#: Most inflected variants one pattern (or one part of a gapped pattern) may expand to.
MAX_VARIANTS = 5000
#: A type whose strongest match counts at least this in a sentence (a typical pattern, not
#: weakened by context) damps the types it outranks there …
OUTRANK_MIN_STRENGTH = 0.6
#: … by this factor ("clashes accompanied by shelling" is a battle first).
OUTRANK_FACTOR = 0.5
#: … and, in the whole doc (for :meth:`EventTagger.top_type`), by this one.
DOC_OUTRANK_FACTOR = 0.75

#: Context factors (see the module docstring and docs/EVENTS.md).
HYPOTHETICAL_FACTOR = 0.4
QUOTED_FACTOR = 0.5
ALLEGED_FACTOR = 0.6
TOPIC_FACTOR = 0.5
DISASTER_FACTOR = 0.3

#: Words that are never inflected in a pattern ("front" keeps "in front of" as it is).
FUNCTION_WORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "into", "onto", "from", "by", "with",
    "without", "for", "and", "or", "as", "up", "down", "out", "off", "over", "under", "against",
    "between", "through", "during", "after", "before", "near", "his", "her", "its", "their",
    "our", "my", "your", "any", "no", "not", "this", "that", "these", "those", "front",
})

#: Determiner-like negations: they negate the next few words (a noun phrase).
_NEGATE_NOUN = frozenset({
    "no", "neither", "nor", "without",
    # "stop fighting", "halt the offensive"
    "stop", "stops", "stopped", "stopping", "halt", "halts", "halted", "cease", "ceases",
    "ceased",
})
_NEGATE_NOUN_SCOPE = 3
#: Verbal negations and denials: they reach further into the clause.
_NEGATE_VERB = frozenset({
    "not", "n't", "never", "cannot", "deny", "denies", "denied", "denying", "reject", "rejects",
    "rejected", "rejecting", "refute", "refuted", "refutes", "foil", "foiled", "foils",
    "thwart", "thwarted", "thwarts", "avert", "averted", "prevent", "prevented", "prevents",
})
_NEGATE_VERB_SCOPE = 6
#: Words right after a trigger that say it did not happen ("the march was cancelled").
_NEGATE_AFTER = frozenset({
    "cancelled", "canceled", "postponed", "averted", "foiled", "thwarted", "called",  # ~ off
})
_NEGATE_AFTER_SCOPE = 3
#: Modal, conditional and intent words: what follows may not (yet) have happened.
_HYPOTHETICAL = frozenset({
    "would", "could", "might", "will", "shall", "should", "'ll", "if", "unless", "whether",
    "threaten", "threatens", "threatened", "threatening", "prepared", "preparing", "ready",
    "plan", "plans", "planned", "planning", "intend", "intends", "intended", "vow", "vows",
    "vowed", "pledge", "pledged", "want", "wants", "wanted", "seek", "seeks", "sought",
    "try", "tries", "tried", "trying", "attempt", "attempts", "attempted", "possible",
    "potential", "upcoming", "fear", "fears", "feared", "risk", "warn", "warns", "warned",
    "fail", "fails", "failed", "failing",  # "failed to win defections"
    "urge", "urges", "urged", "demand", "demands", "demanded", "aims", "aim", "aimed",
    "call", "calls", "called", "calling",  # "called for an end to the fighting"
})
#: Needs a lower-case spelling to count: "May" is usually the month.
_HYPOTHETICAL_LOWER_ONLY = frozenset({"may"})
_HYPOTHETICAL_SCOPE = 6
#: Words that make what follows a claim about someone else's act.
_ALLEGED = frozenset({
    "accuse", "accuses", "accused", "accusing", "accusation", "accusations", "allege",
    "alleges", "alleged", "allegedly", "allegation", "allegations", "rumour", "rumours",
    "rumor", "rumors", "unconfirmed", "unverified",
})
_ALLEGED_SCOPE = 8
#: Words after which an event is what a protest or a statement is about, not the event
#: reported: "protested against the killing of …", "condemned the shelling".
_TOPIC = frozenset({
    "against", "protest", "protests", "protested", "protesting", "commemorate",
    "commemorates", "commemorated", "commemorating", "mark", "marks", "marked", "marking",
    "anniversary", "mourn", "mourns", "mourned", "mourning", "denounce", "denounces",
    "denounced", "denouncing", "condemn", "condemns", "condemned", "condemning",
})
_TOPIC_SCOPE = 6
#: Natural and accidental causes: "the earthquake killed 50 people" is not violence.
_DISASTER = frozenset({
    "earthquake", "earthquakes", "quake", "flood", "floods", "flooding", "storm", "storms",
    "hurricane", "typhoon", "cyclone", "tornado", "landslide", "landslides", "avalanche",
    "tsunami", "heatwave", "wildfire", "wildfires", "crash", "collision", "accident",
    "accidents", "drowned", "drowning", "disease", "cholera", "virus", "epidemic", "pandemic",
})
_DISASTER_SCOPE = 6
#: Tokens that end a clause when looking back (or ahead) from a trigger.
_CLAUSE_BREAKS = frozenset({
    ",", ";", ":", "—", "–", "(", ")", "but", "while", "whereas", "although", "though",
    "however", "yet", "after", "before", "since", "because", "when", "where", "which", "who",
    "as",
})
_OPEN_QUOTES = frozenset({"“", "«", "„"})
_CLOSE_QUOTES = frozenset({"”", "»"})
_STRAIGHT_QUOTES = frozenset({'"'})

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_ICON = re.compile(r"^[A-Za-z0-9_-]+\.svg$")
_TYPE_KEYS = ("name", "acled", "color", "icon", "description", "outranks", "patterns")
_TOP_KEYS = ("version", "inflections", "types")
_VOWELS = frozenset("aeiou")
_GAP = "..."


class TaxonomyError(Exception):
    """An event-types file that cannot be used; ``str(error)`` names the file and the problem."""


@dataclass(frozen=True)
class EventType:
    """One kind of event, as defined in the taxonomy file."""

    name: str
    acled: bool  # one of the six ACLED event types
    color: str  # "#rrggbb"
    icon: str  # a file name under resources/map/icons/
    description: str
    patterns: tuple[str, ...]  # as written in the file ("general strike|0.95")
    outranks: tuple[str, ...] = ()  # types it damps in a sentence where it is clear


@dataclass(frozen=True)
class Taxonomy:
    """The event types in legend order, the file they came from and its irregular forms."""

    types: tuple[EventType, ...]
    source: Path
    # base form -> extra inflected forms (the file's [inflections] table)
    inflections: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    def names(self) -> list[str]:
        """The type names in the file's order."""
        return [t.name for t in self.types]

    def get(self, name: str) -> EventType:
        """The type called ``name``; ``KeyError`` if there is none."""
        for event_type in self.types:
            if event_type.name == name:
                return event_type
        raise KeyError(name)

    def icon_path(self, name: str) -> Path:
        """The icon file of the type called ``name``."""
        return resource_path(f"{ICON_DIR}/{self.get(name).icon}")


# --------------------------------------------------------------------------------------------
# Files


def default_taxonomy_path() -> Path:
    """The taxonomy shipped with the app (``resources/event_types.toml``)."""
    return resource_path(TAXONOMY_FILE)


def user_taxonomy_path() -> Path:
    """Where the user's own taxonomy goes (env ``DATELINE_DATA_DIR`` overrides the folder)."""
    from platformdirs import user_data_dir

    root = os.environ.get("DATELINE_DATA_DIR") or user_data_dir("dateline", "Dateline")
    return Path(root) / TAXONOMY_FILE


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and check a taxonomy file; raise :class:`TaxonomyError` if it cannot be used.

    Without ``path``: the user's file if there is one, else the default.
    """
    if path is None:
        user = user_taxonomy_path()
        path = user if user.is_file() else default_taxonomy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError(f"Event types file {path}: the file does not exist.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TaxonomyError(f"Event types file {path} cannot be read: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # The message ends with "(at line L, column C)".
        raise TaxonomyError(f"Event types file {path} is not valid TOML: {error}.") from None
    return _Checker(path, text).taxonomy(data)


def load_taxonomy_or_default(path: Path | None = None) -> tuple[Taxonomy, str | None]:
    """The taxonomy to use, never failing on a user's file.

    Returns ``(taxonomy, None)`` when ``path`` (or, without it, the user's file
    or the default) loads, else ``(default taxonomy, error message)`` so the
    window can say what is wrong and carry on with the default.
    """
    try:
        return load_taxonomy(path), None
    except TaxonomyError as error:
        return load_taxonomy(default_taxonomy_path()), str(error)


class _Checker:
    """Turns parsed TOML into a :class:`Taxonomy`, with messages that point into the file."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, problem: str, near: str | None = None) -> TaxonomyError:
        where = ""
        if near is not None:
            for number, line in enumerate(self.lines, start=1):
                if near in line:
                    where = f", line {number}"
                    break
        return TaxonomyError(f"Event types file {self.path}{where}: {problem}")

    def taxonomy(self, data: dict[str, Any]) -> Taxonomy:
        unknown = sorted(set(data) - set(_TOP_KEYS))
        if unknown:
            raise self.fail(
                f"unknown setting {unknown[0]!r} (expected: {', '.join(_TOP_KEYS)}).", unknown[0]
            )
        version = data.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise self.fail(f"version {version!r} is not supported (expected {FORMAT_VERSION}).",
                            "version")
        inflections = self.inflections(data.get("inflections", {}))
        raw_types = data.get("types")
        if not isinstance(raw_types, list) or not raw_types:
            raise self.fail("no event types: add at least one [[types]] table.")
        types: list[EventType] = []
        for number, raw in enumerate(raw_types, start=1):
            event_type = self.event_type(raw, number, inflections)
            if any(t.name == event_type.name for t in types):
                raise self.fail(f"the type name {event_type.name!r} is used twice.",
                                f'"{event_type.name}"')
            types.append(event_type)
        names = {t.name for t in types}
        for event_type in types:
            for other in event_type.outranks:
                if other not in names or other == event_type.name:
                    raise self.fail(
                        f"type {event_type.name!r}: outranks {other!r}, which is not another "
                        "type of this file.", f'"{other}"' if other in names else other,
                    )
        return Taxonomy(tuple(types), self.path, inflections)

    def inflections(self, raw: object) -> dict[str, tuple[str, ...]]:
        if not isinstance(raw, dict):
            raise self.fail("[inflections] must be a table of word = [forms].", "inflections")
        table: dict[str, tuple[str, ...]] = {}
        for word, forms in raw.items():
            if not isinstance(forms, list) or not all(
                isinstance(f, str) and f.strip() for f in forms
            ):
                raise self.fail(f"inflections of {word!r} must be a list of words.", word)
            table[word.lower()] = tuple(f.strip().lower() for f in forms)
        return table

    def event_type(
        self, raw: object, number: int, inflections: Mapping[str, tuple[str, ...]]
    ) -> EventType:
        label = f"event type #{number}"
        if not isinstance(raw, dict):
            raise self.fail(f"{label} is not a table.")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail(f"{label} has no name (add name = \"...\").")
        label, near = f"type {name!r}", f'"{name}"'
        unknown = sorted(set(raw) - set(_TYPE_KEYS))
        if unknown:
            raise self.fail(
                f"{label}: unknown key {unknown[0]!r} (expected: {', '.join(_TYPE_KEYS)}).",
                unknown[0],
            )
        acled = raw.get("acled", False)
        if not isinstance(acled, bool):
            raise self.fail(f"{label}: acled must be true or false.", near)
        color = raw.get("color")
        if not isinstance(color, str) or not _COLOR.match(color):
            raise self.fail(
                f"{label}: color {color!r} is not a colour of the form \"#rrggbb\".",
                str(color) if isinstance(color, str) else near,
            )
        icon = raw.get("icon")
        if not isinstance(icon, str) or not _ICON.match(icon):
            raise self.fail(f"{label}: icon {icon!r} is not an .svg file name.", near)
        if not resource_path(f"{ICON_DIR}/{icon}").is_file():
            known = sorted(p.name for p in resource_path(ICON_DIR).glob("*.svg"))
            raise self.fail(
                f"{label}: there is no icon {icon!r} (available: {', '.join(known)}).", icon
            )
        description = raw.get("description", "")
        if not isinstance(description, str):
            raise self.fail(f"{label}: description must be text.", near)
        outranks = raw.get("outranks", [])
        if not isinstance(outranks, list) or not all(isinstance(o, str) for o in outranks):
            raise self.fail(f"{label}: outranks must be a list of type names.", near)
        patterns = raw.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise self.fail(f"{label} has no patterns (add patterns = [\"...\"]).", near)
        for pattern in patterns:
            if not isinstance(pattern, str):
                raise self.fail(f"{label}: pattern {pattern!r} is not text.", near)
            try:
                parsed = parse_pattern(pattern)
                for words in parsed.parts:
                    count = math.prod(len(word_forms(w, inflections)) for w in words)
                    if count > MAX_VARIANTS:
                        raise ValueError(
                            f"{count} inflected variants, more than {MAX_VARIANTS}: "
                            "split it into several patterns"
                        )
            except ValueError as error:
                raise self.fail(f"{label}: pattern {pattern!r}: {error}", pattern) from None
        return EventType(
            name=name.strip(), acled=acled, color=color.upper(), icon=icon,
            description=description.strip(), patterns=tuple(patterns),
            outranks=tuple(outranks),
        )


# --------------------------------------------------------------------------------------------
# Patterns and inflections


@dataclass(frozen=True)
class ParsedPattern:
    """A pattern split into its parts (separated by ``...``), each a list of words."""

    parts: tuple[tuple[str, ...], ...]
    weight: float
    text: str  # without the weight


def parse_pattern(pattern: str) -> ParsedPattern:
    """Split ``"kill/shoot ... civilian|0.7"`` into parts of words (``/`` joins alternatives)
    and a weight; ``ValueError`` says what is wrong."""
    body, bar, weight_text = pattern.partition("|")
    weight = DEFAULT_WEIGHT
    if bar:
        try:
            weight = float(weight_text)
        except ValueError:
            raise ValueError(f"the weight {weight_text!r} is not a number") from None
        if not MIN_WEIGHT <= weight <= MAX_WEIGHT or math.isnan(weight):
            raise ValueError(f"the weight must be between {MIN_WEIGHT} and {MAX_WEIGHT}")
    body = " ".join(body.lower().split())
    if not body:
        raise ValueError("the pattern is empty")
    parts = tuple(tuple(part.split()) for part in body.split(_GAP))
    if any(not part for part in parts):
        raise ValueError(f"{_GAP!r} must stand between words")
    for part in parts:
        for word in part:
            if any(not alternative.lstrip("=") for alternative in word.split("/")):
                raise ValueError(f"{word!r}: '=' and '/' must stand right next to words")
    return ParsedPattern(parts, weight, body)


def regular_forms(word: str) -> set[str]:
    """A word and its regular English inflections (plural/3rd person, past, -ing).

    Over-generates on purpose ("general" -> "generaled"): a form no article
    contains costs nothing, a missing one loses a match.
    """
    if "-" in word.strip("-"):  # inflect the last part of a hyphenated word: cease-fire(s)
        head, _, last = word.rpartition("-")
        return {f"{head}-{form}" for form in regular_forms(last)}
    forms = {word}
    if len(word) < 3 or word in FUNCTION_WORDS or not word.isalpha():
        return forms
    if len(word) > 5 and word.endswith(("ing", "ed")):
        return forms  # already inflected ("shelling", "displaced")
    if word.endswith("man"):
        forms.add(word[:-3] + "men")  # policeman -> policemen, woman -> women
    consonant_y = word.endswith("y") and word[-2] not in _VOWELS
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    elif consonant_y:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    if word.endswith("ee"):
        forms |= {word + "d", word + "ing"}  # agreed, agreeing
    elif word.endswith("ie"):
        forms |= {word + "d", word[:-2] + "ying"}  # died, dying
    elif word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}  # fired, firing
    elif consonant_y:
        forms |= {word[:-1] + "ied", word + "ing"}  # rallied, rallying
    elif _doubles_final_consonant(word):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # stabbed, stabbing
    else:
        forms |= {word + "ed", word + "ing"}
    return forms


def _doubles_final_consonant(word: str) -> bool:
    """One-syllable consonant-vowel-consonant words double it: stab -> stabbed, ban -> banned."""
    syllables = len(re.findall(r"[aeiou]+", word))
    return (
        syllables == 1
        and word[-1] not in _VOWELS | {"w", "x", "y"}
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
    )


def word_forms(word: str, irregular: Mapping[str, Iterable[str]]) -> set[str]:
    """The forms a pattern word matches: each ``/`` alternative, as written if it starts
    with ``=``, else with its regular and irregular inflections."""
    forms: set[str] = set()
    for alternative in word.split("/"):
        if alternative.startswith("="):
            forms.add(alternative[1:])
        else:
            forms |= regular_forms(alternative) | set(irregular.get(alternative, ()))
    return forms


def phrase_variants(words: Sequence[str], irregular: Mapping[str, Iterable[str]]) -> list[str]:
    """Every combination of the words' forms ("hurl rock" -> "hurling rocks", …), capped
    (the loader refuses patterns beyond the cap)."""
    choices = [sorted(word_forms(word, irregular)) for word in words]
    variants = (" ".join(combo) for combo in itertools.product(*choices))
    return list(itertools.islice(variants, MAX_VARIANTS))


# --------------------------------------------------------------------------------------------
# Tagging


@dataclass(frozen=True)
class _Rule:
    """One pattern of one type, ready to score."""

    number: int  # position among all patterns: two patterns never compare equal
    type_index: int
    weight: float
    parts: int  # 1 for a plain phrase; more when it has gaps


@dataclass(frozen=True)
class _Score:
    """A type's score in one sentence."""

    score: float  # combined, after precedence
    trigger: _Match  # the strongest match
    strength: float  # how much the strongest match counted


@dataclass(frozen=True)
class _Match:
    """A matched pattern in the doc (token span, end exclusive)."""

    rule: _Rule
    start: int
    end: int
    sentence: int  # index into the sentences


class EventTagger:
    """Tags sentences with event types; build once per taxonomy (building takes ~0.5 s)."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self.taxonomy = taxonomy
        index = {name: i for i, name in enumerate(taxonomy.names())}
        self._outranks = [frozenset(index[o] for o in t.outranks) for t in taxonomy.types]
        self._nlp = spacy.blank("en")  # the tokenizer every pipeline of ours uses
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        # match key -> (rule, part number); part 0 of a one-part rule is the whole phrase
        self._keys: dict[int, tuple[_Rule, int]] = {}
        self._token_cache: dict[str, list[str]] = {}
        rules = 0
        for type_index, event_type in enumerate(taxonomy.types):
            for pattern in event_type.patterns:
                parsed = parse_pattern(pattern)
                rule = _Rule(rules, type_index, parsed.weight, len(parsed.parts))
                for part_number, words in enumerate(parsed.parts):
                    key = f"{rules}:{part_number}"
                    docs = [self._doc_of(v) for v in phrase_variants(words, taxonomy.inflections)]
                    self._matcher.add(key, docs)
                    self._keys[self._nlp.vocab.strings[key]] = (rule, part_number)
                rules += 1

    def _doc_of(self, variant: str) -> Doc:
        """A pattern doc, tokenised like article text ("sit-in" -> sit, -, in)."""
        from spacy.tokens import Doc

        words: list[str] = []
        for word in variant.split():
            tokens = self._token_cache.get(word)
            if tokens is None:
                tokens = [t.text for t in self._nlp.tokenizer(word)]
                self._token_cache[word] = tokens
            words.extend(tokens)
        return Doc(self._nlp.vocab, words=words)

    def tag(self, doc: Doc, sentences: Sequence[Sentence]) -> list[EventTag]:
        """The event types of each sentence, sorted by sentence, then score (highest first).

        At most one tag per type and sentence, scoring at least :data:`MIN_SCORE`;
        its trigger is the strongest match, as written, with offsets into ``doc.text``.
        """
        text, tokens = text_of(doc), token_view(doc)
        tags: list[EventTag] = []
        for sentence_index, by_type in sorted(self._scores(doc, sentences).items()):
            sentence = sentences[sentence_index]
            found = []
            for type_index, scored in by_type.items():
                score, best = scored.score, scored.trigger
                if score < MIN_SCORE:
                    continue
                start = tokens.offsets[best.start]
                end = tokens.offsets[best.end - 1] + len(tokens.words[best.end - 1])
                found.append((-score, type_index, EventTag(
                    type=self.taxonomy.types[type_index].name, score=round(score, 4),
                    trigger=text[start:end], trigger_start=start, trigger_end=end,
                    sentence=sentence,
                )))
            tags.extend(tag for *_, tag in sorted(found, key=lambda f: (f[0], f[1])))
        return tags

    def type_scores(
        self, doc: Doc, sentences: Sequence[Sentence], among: Collection[str] | None = None
    ) -> dict[str, float]:
        """Each type's score for the whole doc: its best sentence, plus a little for the others.

        Other sentences add a quarter of what remains below 1 per sentence, in
        decreasing order, so an article that keeps describing the event
        outranks one passing mention of another, but one strong sentence
        still beats many weak ones. A type clear somewhere in the doc damps
        the types it outranks by :data:`DOC_OUTRANK_FACTOR`. ``among`` limits
        the types returned.
        """
        per_type: dict[int, list[float]] = {}
        clear: set[int] = set()
        for by_type in self._scores(doc, sentences).values():
            for type_index, scored in by_type.items():
                if scored.score >= MIN_SCORE:
                    per_type.setdefault(type_index, []).append(scored.score)
                if scored.strength >= OUTRANK_MIN_STRENGTH:
                    clear.add(type_index)
        totals: dict[int, float] = {}
        for type_index, scores in per_type.items():
            scores.sort(reverse=True)
            total = scores[0]
            for extra in scores[1:]:
                total += (1.0 - total) * 0.25 * extra
            totals[type_index] = total
        # Precedence across sentences, milder than within one: "clashes" in one sentence and
        # "shelling" in the next most often describe one battle, but an article with many
        # protest sentences and one shooting is still largely about protests.
        damped = {other for type_index in clear for other in self._outranks[type_index]}
        result: dict[str, float] = {}
        for type_index, total in totals.items():
            name = self.taxonomy.types[type_index].name
            if among is None or name in among:
                result[name] = total * (DOC_OUTRANK_FACTOR if type_index in damped else 1.0)
        return result

    def top_type(
        self, doc: Doc, sentences: Sequence[Sentence], among: Collection[str] | None = None
    ) -> str | None:
        """The best-scored type of the whole doc (None without any); ``among`` limits the choice.

        Ties go to the type listed first in the taxonomy.
        """
        scores = self.type_scores(doc, sentences, among)
        if not scores:
            return None
        order = {name: i for i, name in enumerate(self.taxonomy.names())}
        return min(scores, key=lambda name: (-scores[name], order[name]))

    # -- internals ---------------------------------------------------------------------------

    def _scores(self, doc: Doc, sentences: Sequence[Sentence]) -> dict[int, dict[int, _Score]]:
        """sentence index -> type index -> score."""
        matches = self._matches(doc, sentences)
        result: dict[int, dict[int, _Score]] = {}
        products: dict[tuple[int, int], float] = {}
        best: dict[tuple[int, int], tuple[float, _Match]] = {}  # strongest match and its strength
        for match in matches:
            strength = match.rule.weight * self._context_factor(doc, match, sentences)
            if strength <= 0.0:
                continue
            key = (match.sentence, match.rule.type_index)
            # Independent evidence: 1 - Π(1 - strength) stays below 1 and grows with each cue.
            products[key] = products.get(key, 1.0) * (1.0 - strength)
            if key not in best or strength > best[key][0]:
                best[key] = (strength, match)
        damped: dict[int, set[int]] = {}
        for (sentence_index, type_index), product in products.items():
            strength, match = best[(sentence_index, type_index)]
            result.setdefault(sentence_index, {})[type_index] = _Score(
                1.0 - product, match, strength
            )
            if strength >= OUTRANK_MIN_STRENGTH:
                damped.setdefault(sentence_index, set()).update(self._outranks[type_index])
        for sentence_index, by_type in result.items():
            for type_index in damped.get(sentence_index, set()) & by_type.keys():
                scored = by_type[type_index]
                by_type[type_index] = _Score(
                    scored.score * OUTRANK_FACTOR, scored.trigger, scored.strength
                )
        return result

    def _matches(self, doc: Doc, sentences: Sequence[Sentence]) -> list[_Match]:
        """Every pattern match inside a sentence, minus those overlapping a longer match."""
        if not sentences:
            return []
        starts = [s.start for s in sentences]
        whole: list[_Match] = []
        parts: dict[_Rule, dict[int, list[tuple[int, int, int]]]] = {}
        tokens = token_view(doc)
        for key, start, end in self._matcher(doc):
            rule, part_number = self._keys[key]
            char_start = tokens.offsets[start]
            index = bisect.bisect_right(starts, char_start) - 1
            if index < 0 or tokens.offsets[end - 1] >= sentences[index].end:
                continue  # between sentences (a trimmed margin) or across two
            if rule.parts == 1:
                whole.append(_Match(rule, start, end, index))
            else:
                parts.setdefault(rule, {}).setdefault(part_number, []).append((start, end, index))
        for rule, found in parts.items():
            whole.extend(_join_parts(tokens, rule, found))
        return _drop_overlapped(whole)

    def _context_factor(self, doc: Doc, match: _Match, sentences: Sequence[Sentence]) -> float:
        """How much the words around a match let it count (0 = not at all, 1 = fully)."""
        sentence = sentences[match.sentence]
        tokens = token_view(doc)
        lower = tokens.lower
        before = _clause_before(tokens, match.start, sentence.start)
        after = _clause_after(tokens, match.end, sentence.end)
        for distance, k in enumerate(reversed(before), start=1):
            word = lower[k]
            if word in _NEGATE_NOUN and distance <= _NEGATE_NOUN_SCOPE:
                return 0.0
            if word in _NEGATE_VERB and distance <= _NEGATE_VERB_SCOPE:
                return 0.0
        for distance, k in enumerate(after, start=1):
            if distance > _NEGATE_AFTER_SCOPE:
                break
            word = lower[k]
            if word in _NEGATE_AFTER and not (
                word == "called" and (k + 1 >= len(lower) or lower[k + 1] != "off")
            ):
                return 0.0
        factor = 1.0
        if any(lower[k] in _HYPOTHETICAL or tokens.words[k] in _HYPOTHETICAL_LOWER_ONLY
               for k in _nearest(before, _HYPOTHETICAL_SCOPE)):
            factor *= HYPOTHETICAL_FACTOR
        for scope, cues, cue_factor in (
            (_ALLEGED_SCOPE, _ALLEGED, ALLEGED_FACTOR),
            (_TOPIC_SCOPE, _TOPIC, TOPIC_FACTOR),
            (_DISASTER_SCOPE, _DISASTER, DISASTER_FACTOR),
        ):
            if any(lower[k] in cues for k in _nearest(before, scope)):
                factor *= cue_factor
        if _inside_quotes(tokens, match.start, sentence.start):
            factor *= QUOTED_FACTOR
        return factor


def _nearest(indexes: list[int], scope: int) -> list[int]:
    """The last ``scope`` tokens of a clause (the words just before a trigger)."""
    return indexes[-scope:] if scope > 0 else []


def _clause_before(tokens: TokenView, start: int, sentence_start: int) -> list[int]:
    """The indexes of the trigger's clause's tokens before it, nearest last."""
    indexes = []
    i = start - 1
    while i >= 0 and tokens.offsets[i] >= sentence_start:
        if tokens.lower[i] in _CLAUSE_BREAKS:
            break
        indexes.append(i)
        i -= 1
    indexes.reverse()
    return indexes


def _clause_after(tokens: TokenView, end: int, sentence_end: int) -> list[int]:
    """The indexes of the trigger's clause's tokens after it, nearest first."""
    indexes = []
    i = end
    while i < len(tokens.words) and tokens.offsets[i] < sentence_end:
        if tokens.lower[i] in _CLAUSE_BREAKS:
            break
        indexes.append(i)
        i += 1
    return indexes


def _inside_quotes(tokens: TokenView, start: int, sentence_start: int) -> bool:
    """Whether an opening quotation mark before the trigger (in its sentence) is still open."""
    depth = 0
    straight = 0
    i = start - 1
    while i >= 0 and tokens.offsets[i] >= sentence_start:
        text = tokens.words[i]
        if text in _OPEN_QUOTES:
            depth += 1
        elif text in _CLOSE_QUOTES:
            depth -= 1
        elif text in _STRAIGHT_QUOTES:
            straight += 1
        i -= 1
    return depth > 0 or straight % 2 == 1


def _join_parts(
    tokens: TokenView, rule: _Rule, found: Mapping[int, Sequence[tuple[int, int, int]]]
) -> list[_Match]:
    """Join the parts of a gapped pattern found in order, in one clause, with short gaps.

    "woman dead after she was shot" is not "woman ... shoot": the gap may not cross a
    clause break.
    """
    if len(found) < rule.parts:
        return []
    result: list[_Match] = []
    for start, end, sentence in found.get(0, ()):
        last_end = end
        for part_number in range(1, rule.parts):
            following = [
                (s, e) for s, e, n in found[part_number]
                if n == sentence and last_end <= s <= last_end + MAX_GAP
                and not any(tokens.lower[i] in _CLAUSE_BREAKS for i in range(last_end, s))
            ]
            if not following:
                break
            last_end = min(following)[1]
        else:
            result.append(_Match(rule, start, last_end, sentence))
    return result


def _drop_overlapped(matches: list[_Match]) -> list[_Match]:
    """Keep the longer of two matches that share words: "air strike" takes "strike" from
    Protests, "soldiers were shot" takes "shot" (of "shot dead") from the civilian patterns.

    Matches of equal length may share words; each word then counts for both.
    """
    by_length = sorted(matches, key=lambda m: (m.start - m.end, -m.rule.weight, m.start))
    kept: list[_Match] = []
    for match in by_length:
        length = match.end - match.start
        if any(
            k.start < match.end and match.start < k.end and k.end - k.start > length
            for k in kept
        ):
            continue
        kept.append(match)
    return kept
