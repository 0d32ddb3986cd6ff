"""Event types: which kinds of event a sentence describes, with a score and the words that say so.

The taxonomy (types, patterns, colours, icons) is data: ``resources/event_types.toml``,
which users may edit or replace with their own copy (:mod:`mapper.events.taxonomy` reads
and checks it). Its header comment documents the format; docs/EVENTS.md the scoring rules.

Matching works on lower-case token forms only, so it gives the same result with
the trained model and with the blank pipeline (neither has lemmas or tags):
patterns are written as base forms and the loader expands their inflections
(:mod:`mapper.events.inflection`: regular English rules plus the file's ``[inflections]``
table). One spaCy
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
  :data:`DISASTER_FACTOR`;
- a one-word trigger of fighting ("battle", "clash", "fight", "war") used **figuratively**
  is removed: a legal, political or price battle ("lost the legal battle"), a "battle
  to" do something that is not taking ground ("the battle to keep the case out of court";
  "the battle to retake Mosul" stays), a fight with an illness ("battle with cancer"), a
  charge ("aggravated assault") and a past war named as an attribute ("a Gulf-war vet",
  "the war memorial"); and in a sentence about sport every one-word trigger is a game's
  ("the two teams will clash again next season", "lost to the Ipswich Jets").

Matches of one type in one sentence combine as independent evidence, and a
type clear in a sentence damps the types it ``outranks`` there (the taxonomy
says which: a battle outranks the shelling that came with it).
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mapper.events.inflection import parse_pattern, phrase_variants
from mapper.events.taxonomy import Taxonomy
from mapper.text.nlp import TokenView, text_of, token_view
from mapper.types import EventTag, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc


#: A sentence gets a type when its combined score reaches this.
MIN_SCORE = 0.2
#: Most tokens ``...`` in a pattern may stand for ("killed at least 4 pro-Hadi soldiers").
MAX_GAP = 6
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


#: Determiner-like negations: they negate the next few words (a noun phrase).
_NEGATE_NOUN = frozenset(
    {
        "no",
        "neither",
        "nor",
        "without",
        # "stop fighting", "halt the offensive"
        "stop",
        "stops",
        "stopped",
        "stopping",
        "halt",
        "halts",
        "halted",
        "cease",
        "ceases",
        "ceased",
    }
)
_NEGATE_NOUN_SCOPE = 3
#: Verbal negations and denials: they reach further into the clause.
_NEGATE_VERB = frozenset(
    {
        "not",
        "n't",
        "never",
        "cannot",
        "deny",
        "denies",
        "denied",
        "denying",
        "reject",
        "rejects",
        "rejected",
        "rejecting",
        "refute",
        "refuted",
        "refutes",
        "foil",
        "foiled",
        "foils",
        "thwart",
        "thwarted",
        "thwarts",
        "avert",
        "averted",
        "prevent",
        "prevented",
        "prevents",
    }
)
_NEGATE_VERB_SCOPE = 6
#: Words right after a trigger that say it did not happen ("the march was cancelled").
_NEGATE_AFTER = frozenset(
    {
        "cancelled",
        "canceled",
        "postponed",
        "averted",
        "foiled",
        "thwarted",
        "called",  # ~ off
    }
)
_NEGATE_AFTER_SCOPE = 3
#: Modal, conditional and intent words: what follows may not (yet) have happened.
_HYPOTHETICAL = frozenset(
    {
        "would",
        "could",
        "might",
        "will",
        "shall",
        "should",
        "'ll",
        "if",
        "unless",
        "whether",
        "threaten",
        "threatens",
        "threatened",
        "threatening",
        "prepared",
        "preparing",
        "ready",
        "plan",
        "plans",
        "planned",
        "planning",
        "intend",
        "intends",
        "intended",
        "vow",
        "vows",
        "vowed",
        "pledge",
        "pledged",
        "want",
        "wants",
        "wanted",
        "seek",
        "seeks",
        "sought",
        "try",
        "tries",
        "tried",
        "trying",
        "attempt",
        "attempts",
        "attempted",
        "possible",
        "potential",
        "upcoming",
        "fear",
        "fears",
        "feared",
        "risk",
        "warn",
        "warns",
        "warned",
        "fail",
        "fails",
        "failed",
        "failing",  # "failed to win defections"
        "urge",
        "urges",
        "urged",
        "demand",
        "demands",
        "demanded",
        "aims",
        "aim",
        "aimed",
        "call",
        "calls",
        "called",
        "calling",  # "called for an end to the fighting"
    }
)
#: Needs a lower-case spelling to count: "May" is usually the month.
_HYPOTHETICAL_LOWER_ONLY = frozenset({"may"})
_HYPOTHETICAL_SCOPE = 6
#: Words that make what follows a claim about someone else's act.
_ALLEGED = frozenset(
    {
        "accuse",
        "accuses",
        "accused",
        "accusing",
        "accusation",
        "accusations",
        "allege",
        "alleges",
        "alleged",
        "allegedly",
        "allegation",
        "allegations",
        "rumour",
        "rumours",
        "rumor",
        "rumors",
        "unconfirmed",
        "unverified",
    }
)
_ALLEGED_SCOPE = 8
#: Words after which an event is what a protest or a statement is about, not the event
#: reported: "protested against the killing of …", "condemned the shelling".
_TOPIC = frozenset(
    {
        "against",
        "protest",
        "protests",
        "protested",
        "protesting",
        "commemorate",
        "commemorates",
        "commemorated",
        "commemorating",
        "mark",
        "marks",
        "marked",
        "marking",
        "anniversary",
        "mourn",
        "mourns",
        "mourned",
        "mourning",
        "denounce",
        "denounces",
        "denounced",
        "denouncing",
        "condemn",
        "condemns",
        "condemned",
        "condemning",
    }
)
_TOPIC_SCOPE = 6
#: Natural and accidental causes: "the earthquake killed 50 people" is not violence.
_DISASTER = frozenset(
    {
        "earthquake",
        "earthquakes",
        "quake",
        "flood",
        "floods",
        "flooding",
        "storm",
        "storms",
        "hurricane",
        "typhoon",
        "cyclone",
        "tornado",
        "landslide",
        "landslides",
        "avalanche",
        "tsunami",
        "heatwave",
        "wildfire",
        "wildfires",
        "crash",
        "collision",
        "accident",
        "accidents",
        "drowned",
        "drowning",
        "disease",
        "cholera",
        "virus",
        "epidemic",
        "pandemic",
    }
)
_DISASTER_SCOPE = 6
#: Tokens that end a clause when looking back (or ahead) from a trigger.
_CLAUSE_BREAKS = frozenset(
    {
        ",",
        ";",
        ":",
        "—",
        "–",
        "(",
        ")",
        "but",
        "while",
        "whereas",
        "although",
        "though",
        "however",
        "yet",
        "after",
        "before",
        "since",
        "because",
        "when",
        "where",
        "which",
        "who",
        "as",
    }
)
#: One-word triggers that news also uses figuratively (see :func:`_figurative`).
_FIGHT_WORDS = frozenset(
    {
        "battle", "battles", "battled", "battling", "clash", "clashes", "clashed", "clashing",
        "fight", "fights", "fighting", "fought", "war", "wars", "combat", "skirmish",
        "skirmishes", "offensive", "assault",
    }
)  # fmt: skip
#: Words just before such a trigger that make it a contest of another kind.
_FIGURATIVE_BEFORE = frozenset(
    {
        "legal", "court", "courtroom", "judicial", "custody", "political", "electoral",
        "election", "campaign", "budget", "price", "pricing", "trade", "tariff", "bidding",
        "ratings", "uphill", "losing", "lifelong", "personal", "public-relations", "pr",
        "verbal", "word", "words", "charm", "culture", "cultural", "bureaucratic", "zoning",
        "regulatory", "patent", "copyright", "proxy", "rap",
        # charges: "charged with aggravated assault" names an offence, not an armed attack
        "aggravated", "felony", "misdemeanor", "misdemeanour", "sexual", "indecent", "domestic",
    }
)  # fmt: skip
_FIGURATIVE_BEFORE_SCOPE = 2
#: "battle to <verb>" is figurative unless the verb takes or holds ground.
_GROUND_VERBS = frozenset(
    {
        "retake", "recapture", "capture", "seize", "take", "control", "hold", "defend",
        "liberate", "free", "clear", "oust", "drive", "expel", "regain", "reclaim", "win",
        "secure", "break", "enter", "storm", "encircle", "besiege", "push", "repel",
    }
)  # fmt: skip
#: Illnesses and troubles one "battles with".
_AILMENTS = frozenset(
    {
        "cancer", "illness", "disease", "leukemia", "leukaemia", "tumor", "tumour",
        "addiction", "depression", "obesity", "alcoholism", "dementia", "alzheimer",
        "alzheimer's", "covid", "covid-19", "flu", "infection", "diabetes", "sickness",
        "lymphoma", "als", "parkinson", "parkinson's", "anxiety", "injury", "injuries",
    }
)  # fmt: skip
_AILMENT_SCOPE = 4
#: Words of sport: in their sentence, one-word triggers are a game's ("Jets", "strike").
#: Not "team" (artillery, rescue teams: see :data:`_TEAM_WORDS`) nor "sports" ("a blast
#: near a sports field").
_SPORT_WORDS = frozenset(
    {
        "match", "game", "games", "season", "coach", "coaches",
        "tournament", "league", "playoff", "playoffs", "championship", "semifinal",
        "semifinals", "semi-final", "quarterfinal", "quarter-final", "rematch", "varsity",
        "halftime", "innings", "quarterback", "goalkeeper", "scoreline", "fixture",
        "fixtures", "derby", "kickoff", "kick-off", "title-holders", "squad", "sport",
        "winger", "striker", "midfielder", "touchdown", "touchdowns", "scored",
    }
)  # fmt: skip
#: Words after "war" that make it an attribute of a person or a thing: a past war.
#: Teams make a game of a fight word in their clause ("the two teams will clash").
_TEAM_WORDS = frozenset({"team", "teams", "club", "clubs"})  # not "sides": "both sides clashed"
_WAR_ATTRIBUTES = frozenset(
    {
        "vet", "vets", "veteran", "veterans", "memorial", "memorials", "museum", "hero",
        "heroes", "widow", "widows", "movie", "film", "novel", "era", "bride", "brides",
        "grave", "graves", "cemetery", "monument", "re-enactor", "re-enactors", "reenactors",
        "buff", "buffs", "history", "historian", "story", "stories", "games", "medal",
        "medals", "service",
    }
)  # fmt: skip
_OPEN_QUOTES = frozenset({"“", "«", "„"})
_CLOSE_QUOTES = frozenset({"”", "»"})
_STRAIGHT_QUOTES = frozenset({'"'})


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
                found.append(
                    (
                        -score,
                        type_index,
                        EventTag(
                            type=self.taxonomy.types[type_index].name,
                            score=round(score, 4),
                            trigger=text[start:end],
                            trigger_start=start,
                            trigger_end=end,
                            sentence=sentence,
                        ),
                    )
                )
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
        if _figurative(tokens, match, before, after, sentence):
            return 0.0
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
        if any(
            lower[k] in _HYPOTHETICAL or tokens.words[k] in _HYPOTHETICAL_LOWER_ONLY
            for k in _nearest(before, _HYPOTHETICAL_SCOPE)
        ):
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


def _figurative(
    tokens: TokenView, match: _Match, before: list[int], after: list[int], sentence: Sentence
) -> bool:
    """Whether a one-word trigger of fighting is a figure of speech (module docstring)."""
    lower = tokens.lower
    if match.end - match.start != 1:
        return False  # longer patterns ("clash with police", "gun battle") say what they mean
    first = bisect.bisect_left(tokens.offsets, sentence.start)
    last = bisect.bisect_left(tokens.offsets, sentence.end)
    if any(lower[k] in _SPORT_WORDS for k in range(first, last)):
        return True  # a game: "the teams will clash", "lost 24-18 to the Ipswich Jets"
    word = lower[match.start]
    if word not in _FIGHT_WORDS:
        return False
    if any(lower[k] in _TEAM_WORDS for k in _nearest(before, 3)):
        return True  # "the two teams will clash": the game's teams, right before the verb
    if any(lower[k] in _FIGURATIVE_BEFORE for k in _nearest(before, _FIGURATIVE_BEFORE_SCOPE)):
        return True  # "a legal battle", "the political fight"
    following = [lower[k] for k in after[:_AILMENT_SCOPE]]
    if following[:1] == ["to"] and following[1:2] and following[1] not in _GROUND_VERBS:
        return True  # "the battle to keep the case out of court"
    if following[:1] in (["with"], ["against"]) and _AILMENTS.intersection(following[1:]):
        return True  # "her battle with cancer"
    # "a Gulf-war vet", "the war memorial"
    return word in ("war", "wars") and following[:1] != [] and following[0] in _WAR_ATTRIBUTES


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
                (s, e)
                for s, e, n in found[part_number]
                if n == sentence
                and last_end <= s <= last_end + MAX_GAP
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
            k.start < match.end and match.start < k.end and k.end - k.start > length for k in kept
        ):
            continue
        kept.append(match)
    return kept
