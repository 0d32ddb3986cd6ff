"""The review queue: places whose choice was doubtful, listed with their alternatives.

A user cannot check every pin of two hundred articles, but can check a few dozen
names if they are the doubtful ones and the right answer is one click away. A
name (as written) and the place it was given is *doubtful* when:

- **close call** — another candidate scored nearly as well (its share of the
  softmax is at least :data:`CLOSE_RATIO` of the chosen one's): "Aurora", "Valencia";
- **a bigger namesake** — a province or district whose population the gazetteer lacks
  won over a big city of the same name elsewhere ("Portland": Jamaica's parish);
- **also a common word** — the name is an ordinary English word ("Sales", "Market",
  "Earth") and the place is no country, province or big city, or the articles
  write it in lower case too;
- **one weak mention** — the place is named once in all the articles, found by the
  gazetteer alone (the language model did not tag it), and it is a small town;
- **another name** — the name is only an alternate name of a small place
  ("Molotov" → Perm, "Slide" → Fortuna);
- and, with one of those, **placed apart** — the same name was given other places in
  other articles (no doubt on its own: local papers name different Parises).

Names the user already corrected (or confirmed) are never listed: a correction is
the answer. Confirming an item pins its name to its place; correcting it pins
the name to an alternative, or marks it "not a place" (:meth:`Session.correct_many
<mapper.session.Session.correct_many>` applies many at once).

Everything here reads what the pipeline stored: a mention's ``score`` is the
chosen candidate's softmax share (:mod:`mapper.geo.resolve`); each other
candidate's share follows from asking :func:`~mapper.geo.resolve.choose_place`
about it and the chosen place alone, in the article's context (:func:`_ranked`).
Nothing here changes what the pipeline does, nor its cache: the pipeline does not
import this module.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mapper.atlas import Atlas
from mapper.geo.corrections import Corrections
from mapper.geo.gazetteer import Gazetteer, NameMatch, normalize_name, prior_rank
from mapper.geo.home import HomeRegion
from mapper.geo.resolve import (
    ArticleContext,
    article_context,
    choose_place,
    second_pass_context,
)
from mapper.types import Article, ArticleAnalysis, Place, ResolvedMention

log = logging.getLogger(__name__)

#: A runner-up with at least this share of the chosen candidate's is a close call
#: (scores within ln 2 ≈ 0.7 of each other: less than one kind step of resolve's scale).
CLOSE_RATIO = 0.5
#: Most alternatives listed per item (the right-click menu lists as many).
MAX_ALTERNATIVES = 8
#: A town of fewer people, and no capital, is "small": names of big places are rarely
#: ordinary words, and a big place is seldom named once by accident.
SMALL_POPULATION = 100_000
#: A nameless province beats a city of its name this big only on resolve's assumed
#: population: worth a look ("Portland": Jamaica's parish or Oregon's 650,000?).
BIG_NAMESAKE_POPULATION = 300_000
#: Longest example excerpt, in characters (a window around the name in its sentence).
EXAMPLE_CHARS = 240

ReasonKind = Literal[
    "close_call", "bigger_namesake", "common_word", "weak_mention", "other_name", "placed_apart"
]

_BROAD_KINDS = frozenset({"country", "continent", "region"})
_BIG_KINDS = _BROAD_KINDS | {"admin1"}
_KIND_WORDS = {
    "country": "country",
    "continent": "continent",
    "region": "region",
    "admin1": "province or state",
    "admin2": "district",
}


@dataclass(frozen=True)
class Reason:
    """Why an item is doubtful: a kind (for programs) and a sentence (for people)."""

    kind: ReasonKind
    text: str  # "close call: 0.41 vs 0.35 (Athens, Georgia, United States)"


@dataclass(frozen=True)
class Alternative:
    """Another place the name may mean."""

    place: Place
    label: str  # "Athens, Georgia, United States (pop. 127,315)"
    #: Its share of the scores in the example's article (the chosen one's is the item's
    #: ``score``); None when it was not scored (beyond the ranked ones).
    share: float | None = None


@dataclass(frozen=True)
class Example:
    """One mention of the item, in its sentence: offsets into the article's text."""

    article_id: str
    article_title: str
    text: str  # == article.text[start:end]; may span lines (shown on one by the UI)
    start: int
    end: int
    mention_start: int  # the name, within [start, end)
    mention_end: int


@dataclass(frozen=True)
class ReviewItem:
    """A name as written and the place it was given, with why that is doubtful."""

    name: str  # the most frequent spelling
    place: Place
    label: str
    score: float  # the chosen candidate's lowest share over the mentions (0..1)
    reasons: tuple[Reason, ...]
    mentions: int
    articles: int
    example: Example
    alternatives: tuple[Alternative, ...]  # best first; the chosen place is not among them

    @property
    def key(self) -> str:
        """The name as corrections key it (case and accents folded)."""
        return normalize_name(self.name)


# -- the queue -------------------------------------------------------------------------


def review_queue(
    source: Atlas | Iterable[ArticleAnalysis],
    gazetteer: Gazetteer,
    corrections: Corrections | None = None,
    *,
    words: CommonWords | None = None,
    home_of: Callable[[Article], HomeRegion | None] | None = None,
) -> list[ReviewItem]:
    """The doubtful (name, place) pairs of these analyses, most doubtful first.

    ``corrections``: those in effect; their names are left out (the user decided).
    ``words``: the common-word list (default: :meth:`CommonWords.installed`).
    ``home_of``: each article's home region, as the pipeline gave it
    (:meth:`Pipeline.home_of <mapper.pipeline.Pipeline.home_of>`): the alternatives are
    weighed as resolve weighed them. Items with more reasons come first, then closer
    calls, then more mentions.
    """
    analyses = source.analyses if isinstance(source, Atlas) else list(source)
    corrections = corrections if corrections is not None else Corrections()
    words = words if words is not None else CommonWords.installed()
    groups: dict[tuple[str, str], list[tuple[ArticleAnalysis, ResolvedMention]]] = defaultdict(list)
    place_mentions: Counter[str] = Counter()  # every mention, corrected or not
    places_of_name: dict[str, Counter[str]] = defaultdict(Counter)
    known: dict[str, Place] = {}
    for analysis in analyses:
        for resolved in analysis.places:
            place = resolved.place
            place_mentions[place.id] += 1
            key = normalize_name(resolved.mention.surface)
            places_of_name[key][place.id] += 1
            known[place.id] = place
            if corrections.get_for(resolved.mention.surface) is None:
                groups[(key, place.id)].append((analysis, resolved))
    contexts: dict[str, ArticleContext] = {}
    items: list[ReviewItem] = []
    for (key, place_id), members in groups.items():
        elsewhere = [(known[pid], n) for pid, n in places_of_name[key].items() if pid != place_id]
        item = _item(
            members, gazetteer, words, contexts, place_mentions[place_id] == 1, elsewhere, home_of
        )
        if item is not None:
            items.append(item)
    items.sort(key=lambda i: (-len(i.reasons), i.score, -i.mentions, i.key, i.place.id))
    return items


def _item(
    members: Sequence[tuple[ArticleAnalysis, ResolvedMention]],
    gazetteer: Gazetteer,
    words: CommonWords,
    contexts: dict[str, ArticleContext],
    named_once: bool,
    elsewhere: Sequence[tuple[Place, int]],
    home_of: Callable[[Article], HomeRegion | None] | None,
) -> ReviewItem | None:
    """The review item of one (name, place) group, or None when nothing is doubtful."""
    analysis, example = min(members, key=lambda m: (m[1].score, m[1].mention.start))
    place, mention = example.place, example.mention
    name = Counter(r.mention.surface for _a, r in members).most_common(1)[0][0]
    matches = [m for m in gazetteer.matches(name) if m.demonym == mention.demonym]
    reasons: list[Reason] = []
    ranked: list[tuple[Place, float]] | None = None
    # The runner-up's share is at most 1 - score: below CLOSE_RATIO × score it cannot be
    # close, so most names (a clear winner) are never scored again.
    if len({m.place.id for m in matches}) > 1 and 1 - example.score >= CLOSE_RATIO * example.score:
        ranked = _ranked(analysis, example, matches, gazetteer, contexts, home_of)
        if ranked and ranked[0][1] >= CLOSE_RATIO * example.score:
            runner, share = ranked[0]
            reasons.append(
                Reason(
                    "close_call",
                    f"close call: {example.score:.2f} vs {share:.2f} ({place_label(runner)})",
                )
            )
    bigger = _bigger_namesake(place, matches)
    if bigger is not None and not reasons:
        reasons.append(
            Reason(
                "bigger_namesake",
                f"a {_KIND_WORDS[place.kind]} of unknown size, chosen over {place_label(bigger)}",
            )
        )
    texts = {a.article.id: a.article.text for a, _r in members}
    tagged = all(r.mention.source == "ner" for _a, r in members)
    if not mention.demonym and words.is_common(
        name, place, matches, texts.values(), gazetteer=gazetteer, tagged=tagged
    ):
        reasons.append(Reason("common_word", "also a common word"))
    if (
        named_once
        and mention.source == "gazetteer"
        and not mention.demonym
        and _small(place, matches)
    ):
        reasons.append(Reason("weak_mention", "one mention only, found by the gazetteer alone"))
    own = [m for m in matches if m.place.id == place.id]
    if own and not any(m.primary for m in own) and _small(place, matches):
        reasons.append(Reason("other_name", f"only another name of {place.name}"))
    if not reasons:
        # A name placed apart in other articles is no doubt on its own: with home regions,
        # Paris, Tennessee and Paris, Kentucky in two local papers are both right. Said
        # along with a doubt, it points at the likeliest fix.
        return None
    sorted_elsewhere = sorted(elsewhere, key=lambda pn: (-pn[1], pn[0].id))
    if sorted_elsewhere:
        shown = "; ".join(f"{place_label(p)} ({n}×)" for p, n in sorted_elsewhere[:2])
        more = f" and {len(sorted_elsewhere) - 2} more" if len(sorted_elsewhere) > 2 else ""
        reasons.append(Reason("placed_apart", f"elsewhere placed at {shown}{more}"))
    if ranked is None:
        ranked = _ranked(analysis, example, matches, gazetteer, contexts, home_of)
    return ReviewItem(
        name=name,
        place=place,
        label=place_label(place),
        score=example.score,
        reasons=tuple(reasons),
        mentions=len(members),
        articles=len(texts),
        example=_example(analysis, example),
        # The likeliest fixes first: the big city a nameless province beat, and the
        # places the same name was given in other articles.
        alternatives=_alternatives(
            ranked,
            matches,
            place,
            first=[*([bigger] if bigger else []), *(p for p, _n in sorted_elsewhere)],
        ),
    )


def _bigger_namesake(place: Place, matches: Sequence[NameMatch]) -> Place | None:
    """For a province or district of unknown population (resolve assumes a typical one):
    the biggest city named so by its main name in another country, when that city is a
    big one ("Aurora": a Philippine province, or Aurora, Colorado?). A US state or an
    English county beside a mid-sized namesake (Virginia, South Africa; Kent, Washington)
    is the usual meaning, hence the high bar."""
    if place.kind not in ("admin1", "admin2") or place.population:
        return None
    cities = [
        m.place
        for m in matches
        if m.primary
        and m.place.kind == "city"
        and m.place.country_code != place.country_code
        and m.place.population >= BIG_NAMESAKE_POPULATION
    ]
    return max(cities, key=lambda c: c.population, default=None)


def _small(place: Place, matches: Sequence[NameMatch]) -> bool:
    """A town or district of few people and no capital (by the name's own matches)."""
    if place.kind not in ("city", "admin2") or place.population >= SMALL_POPULATION:
        return False
    return not any(m.capital for m in matches if m.place.id == place.id)


def _ranked(
    analysis: ArticleAnalysis,
    example: ResolvedMention,
    matches: Sequence[NameMatch],
    gazetteer: Gazetteer,
    contexts: dict[str, ArticleContext],
    home_of: Callable[[Article], HomeRegion | None] | None,
) -> list[tuple[Place, float]]:
    """The other candidates of the example mention, best first, with their shares.

    Resolve scores every candidate but keeps the winner only. Asked again with just
    the chosen place and one other, it gives their softmax shares of the pair, whose
    ratio is ``exp(score difference)``: the same as in the full set, so the other's
    share of the whole is that ratio times the chosen one's stored share. (Nearly the
    same: the pair keeps the chosen place, so the terms that look at the other
    candidates, such as a province giving way to a big city of its name, mostly hold.)
    """
    context = contexts.get(analysis.article.id)
    if context is None:
        home = home_of(analysis.article) if home_of is not None else None
        context = contexts[analysis.article.id] = _context(analysis, gazetteer, home)
    chosen = example.place
    key = normalize_name(example.mention.surface)
    others = {m.place.id: m.place for m in matches if m.place.id != chosen.id}
    ranked: list[tuple[Place, float]] = []
    for place in others.values():
        context.choices.clear()  # resolve memoises its choice per name: not per pair
        found = choose_place(
            analysis.article.text,
            example.mention,
            _Only(gazetteer, key, frozenset({chosen.id, place.id})),
            context,
        )
        if found is None:
            continue
        best, share = found
        if best.id == chosen.id:
            ratio = (1.0 - share) / share
        else:  # the pair alone prefers the other: an estimate, capped below
            ratio = math.inf if share >= 1.0 else share / (1.0 - share)
        ranked.append((place, min(1.0, ratio) * example.score))
    context.choices.clear()
    ranked.sort(key=lambda pair: (-pair[1], -prior_rank(pair[0]), pair[0].id))
    return ranked


def _context(
    analysis: ArticleAnalysis, gazetteer: Gazetteer, home: HomeRegion | None
) -> ArticleContext:
    """The article's context as resolve's second pass builds it, from the places it chose."""
    return second_pass_context(
        article_context([r.mention for r in analysis.places], gazetteer, home),
        ((r.mention.surface, r.place) for r in analysis.places),
    )


def _alternatives(
    ranked: Sequence[tuple[Place, float]],
    matches: Sequence[NameMatch],
    chosen: Place,
    first: Sequence[Place] = (),
) -> tuple[Alternative, ...]:
    """``first``, then the ranked candidates, then any others the ranking did not reach
    (by kind, then population), without the chosen place; at most
    :data:`MAX_ALTERNATIVES`."""
    shares = {place.id: share for place, share in ranked}
    seen = {chosen.id}
    result: list[Alternative] = []
    for place in first:
        if place.id not in seen:
            seen.add(place.id)
            result.append(Alternative(place, place_label(place), shares.get(place.id)))
    for place, share in ranked:
        if place.id not in seen:
            seen.add(place.id)
            result.append(Alternative(place, place_label(place), share))
    rest = sorted({m.place.id: m.place for m in matches}.values(), key=prior_rank, reverse=True)
    for place in rest:
        if place.id not in seen:
            seen.add(place.id)
            result.append(Alternative(place, place_label(place)))
    return tuple(result[:MAX_ALTERNATIVES])


def _example(analysis: ArticleAnalysis, resolved: ResolvedMention) -> Example:
    """The mention's sentence, cut to :data:`EXAMPLE_CHARS` around the name at spaces."""
    text = analysis.article.text
    mention = resolved.mention
    start = min(resolved.sentence.start, mention.start)
    end = max(resolved.sentence.end, mention.end)
    if end - start > EXAMPLE_CHARS:
        room = max(0, EXAMPLE_CHARS - (mention.end - mention.start)) // 2
        start = max(start, mention.start - room)
        end = min(end, mention.end + room)
        space = text.find(" ", start, mention.start)
        start = space + 1 if space >= 0 else start
        space = text.rfind(" ", mention.end, end)
        end = space if space >= 0 else end
    # No surrounding blanks: the offsets stay exact for what is shown.
    while start < mention.start and text[start].isspace():
        start += 1
    while end > mention.end and text[end - 1].isspace():
        end -= 1
    return Example(
        article_id=analysis.article.id,
        article_title=analysis.article.title,
        text=text[start:end],
        start=start,
        end=end,
        mention_start=mention.start,
        mention_end=mention.end,
    )


def place_label(place: Place) -> str:
    """One line naming a place for a choice: "Athens, Georgia, United States (pop. 127,315)";
    "Georgia (country, pop. 3,704,500)"; "Aurora, Philippines (province or state)"."""
    where = [place.name]
    for part in (place.admin1, place.country):
        if part and part not in where:
            where.append(part)
    notes = [_KIND_WORDS[place.kind]] if place.kind in _KIND_WORDS else []
    if place.population:
        notes.append(f"pop. {place.population:,}")
    return ", ".join(where) + (f" ({', '.join(notes)})" if notes else "")


class _Only(Gazetteer):
    """The gazetteer with only some places left for one name, to ask resolve about them."""

    def __init__(self, base: Gazetteer, key: str, kept: frozenset[str]) -> None:
        # Not Gazetteer.__init__: this is a view of ``base``, sharing its connection and
        # memo (lookups only), so every other method answers as the base does.
        self.__dict__.update(vars(base))
        self._base = base
        self._key = key
        self._kept = kept

    def close(self) -> None:
        """Nothing to close: the connection is the wrapped gazetteer's."""

    def matches(self, name: str) -> list[NameMatch]:
        """The wrapped gazetteer's matches; for the one name, the kept places only."""
        found = self._base.matches(name)
        if normalize_name(name) != self._key:
            return found
        return [m for m in found if m.place.id in self._kept]


# -- common words -------------------------------------------------------------------------


class CommonWords:
    """English words that are also ordinary words, not (only) names.

    Two strengths. *Plain words* — verbs, adjectives, adverbs of the WordNet index
    (from the installed spaCy English model's lemmatizer tables), spaCy's stop words
    and the gazetteer's ``not_places`` — are ordinary words whatever else they name
    ("Man", "Slide", "Atlantic"), unless the model tagged a big town so ("Mobile").
    *Nouns* — WordNet's, and the project's own list of ordinary words that name towns
    (``resources/gazetteer/common_words.txt``, :meth:`Gazetteer.is_common_word`) — may
    be proper nouns too (WordNet lists "paris" and "wausau" in lower case), so they
    count only for small towns that share their name with no big place. Without the
    model, the stop words, the project's list and the gazetteer's ``not_places`` are
    all there is.
    """

    def __init__(self, nouns: Iterable[str] = (), plain_words: Iterable[str] = ()) -> None:
        self._nouns = frozenset(nouns)
        self._plain = frozenset(plain_words)

    @staticmethod
    def installed() -> CommonWords:
        """The words of the installed model (read once per process; ~20 ms)."""
        return _installed_words()

    def is_word(self, name: str) -> bool:
        """Whether the name, in lower case, is a word of the list (any part of speech)."""
        word = normalize_name(name)
        return word in self._plain or word in self._nouns

    def is_common(
        self,
        name: str,
        place: Place,
        matches: Sequence[NameMatch],
        texts: Iterable[str] = (),
        *,
        gazetteer: Gazetteer | None = None,
        tagged: bool = False,
    ) -> bool:
        """Whether ``name``, given ``place`` (one of its ``matches``), may just be a word.

        Countries, continents and named regions never are (the news names them
        capitalised). ``texts``: the articles that name it; one that also writes it in
        lower case ("… after a man was stabbed") says it is a word there. ``tagged``:
        the language model took every mention for a place, which a big town's name
        then is ("Buffalo"), and a noun then is the proper noun ("Parkland").
        """
        if place.kind in _BROAD_KINDS:
            return False
        word = normalize_name(name)
        if name != word and _written_lower(word, texts):
            return True
        plain = word in self._plain or (gazetteer is not None and gazetteer.is_not_place_word(name))
        small = _small(place, matches)
        if plain and (small or not tagged):
            return True
        if tagged or not small or any(_big(m) for m in matches):
            return False
        singular = word[:-1] if word.endswith("s") else word
        return (
            word in self._nouns
            or singular in self._nouns
            or (gazetteer is not None and gazetteer.is_common_word(name))
        )


@functools.cache
def _installed_words() -> CommonWords:
    from spacy.lang.en.stop_words import STOP_WORDS

    tables = _wordnet_index()
    plain = frozenset(STOP_WORDS).union(*(tables.get(pos, ()) for pos in ("verb", "adj", "adv")))
    return CommonWords(tables.get("noun", ()), plain)


def _big(match: NameMatch) -> bool:
    place = match.place
    return (
        place.kind in _BIG_KINDS
        or match.capital
        or (place.kind == "city" and place.population >= SMALL_POPULATION)
    )


def _written_lower(word: str, texts: Iterable[str]) -> bool:
    """Whether a text has ``word`` in lower case as a whole word."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
    return any(pattern.search(text) for text in texts)


def _wordnet_index() -> dict[str, frozenset[str]]:
    """The lemmatizer's ``lemma_index`` (part of speech → lower-case words) of the first
    installed English model, or {} when there is none or it cannot be read."""
    from mapper.text.nlp import available_model

    name = available_model()
    spec = importlib.util.find_spec(name) if name else None
    roots = list(spec.submodule_search_locations or []) if spec else []
    for root in roots:
        for table_file in sorted(Path(root).glob("*/lemmatizer/lookups/lookups.bin")):
            try:
                from spacy.lookups import Lookups

                index: Any = Lookups().from_disk(table_file.parent).get_table("lemma_index")
                return {pos: frozenset(index.get(pos) or ()) for pos in _POS}
            except Exception as error:  # a damaged model: fewer common words, not a crash
                log.warning("Common words not read from %s: %s", table_file, error)
    return {}


_POS = ("noun", "verb", "adj", "adv")


# -- plain data ---------------------------------------------------------------------------


def item_to_json(item: ReviewItem) -> dict[str, Any]:
    """A review item as a JSON-ready dict (the CLI's ``review --json``)."""

    def place_json(place: Place) -> dict[str, Any]:
        return {
            "id": place.id,
            "name": place.name,
            "kind": place.kind,
            "country": place.country,
            "lat": place.lat,
            "lon": place.lon,
        }

    example = item.example
    return {
        "name": item.name,
        "place": {**place_json(item.place), "label": item.label},
        "score": round(item.score, 4),
        "reasons": [{"kind": r.kind, "text": r.text} for r in item.reasons],
        "mentions": item.mentions,
        "articles": item.articles,
        "example": {
            "article_id": example.article_id,
            "article_title": example.article_title,
            "text": example.text,
            "start": example.start,
            "end": example.end,
            "mention_start": example.mention_start,
            "mention_end": example.mention_end,
        },
        "alternatives": [
            {
                **place_json(a.place),
                "label": a.label,
                "share": None if a.share is None else round(a.share, 4),
            }
            for a in item.alternatives
        ],
    }
