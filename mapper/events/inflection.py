"""English inflection of event patterns: their syntax, weights and the forms a word matches.

Patterns are written as base forms (``"kill/shoot ... civilian|0.7"``); the tagger matches
lower-case token forms only, so each word is expanded into its regular English inflections
plus the taxonomy's ``[inflections]`` table (:func:`word_forms`, :func:`phrase_variants`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: Weight of a pattern written without ``|weight``.
DEFAULT_WEIGHT = 0.6
#: Lowest and highest weight a pattern may carry.
MIN_WEIGHT, MAX_WEIGHT = 0.05, 1.0
#: Most inflected variants one pattern (or one part of a gapped pattern) may expand to.
MAX_VARIANTS = 5000
#: Words that are never inflected in a pattern ("front" keeps "in front of" as it is).
FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "into",
        "onto",
        "from",
        "by",
        "with",
        "without",
        "for",
        "and",
        "or",
        "as",
        "up",
        "down",
        "out",
        "off",
        "over",
        "under",
        "against",
        "between",
        "through",
        "during",
        "after",
        "before",
        "near",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "your",
        "any",
        "no",
        "not",
        "this",
        "that",
        "these",
        "those",
        "front",
    }
)
_VOWELS = frozenset("aeiou")
_GAP = "..."


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
