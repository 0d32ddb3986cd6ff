"""The Atlas: all analysed articles and the indexes between places and excerpts.

The Atlas is what the window shows and what exports write. It is built from
:class:`~mapper.types.ArticleAnalysis` records; each excerpt is one sentence
of one article that mentions at least one place.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from mapper.filters import NO_EVENT, OPEN, Filter
from mapper.geo.event_places import event_places
from mapper.sources import has_headline
from mapper.store.gc_pause import collector_paused
from mapper.time import day_span
from mapper.time.article import article_dates
from mapper.time.published import parse_day
from mapper.types import (
    Actor,
    Article,
    ArticleAnalysis,
    EventTag,
    Place,
    ResolvedMention,
    Sentence,
)


@dataclass(frozen=True)
class Highlight:
    """A mention inside an excerpt, with offsets relative to the excerpt text."""

    start: int
    end: int
    place_id: str


@dataclass(frozen=True)
class Excerpt:
    """One sentence of one article that mentions one or more places."""

    id: str  # "<article_id>:<sentence start>"
    article_id: str
    article_title: str
    start: int  # offsets into the article text
    end: int
    text: str  # article.text[start:end]
    highlights: tuple[Highlight, ...]  # every place mention inside the sentence
    actor_ids: tuple[str, ...] = ()  # actors named in the sentence, in text order
    event_types: tuple[str, ...] = ()  # event types of the sentence, highest score first
    #: When: the TIMEX3 value of the sentence's own date ("2019-05-01", "2019-W17"), else the
    #: article's publication day; "" when neither is known.
    date: str = ""
    #: Where ``date`` came from: "sentence", "article", or "" (undated).
    date_from: str = ""
    #: The calendar days ``date`` covers, as ``datetime.date`` ordinals (0, 0: undated).
    first_day: int = 0
    last_day: int = 0
    #: The places of the sentence where one of its events happened
    #: (:func:`mapper.geo.event_places.event_places`), in text order.
    event_place_ids: tuple[str, ...] = ()
    #: Whether ``article_title`` is the article's own title, worth showing over the excerpt
    #: (:func:`mapper.sources.has_headline`), not its first sentence cut short.
    has_headline: bool = True


class Atlas:
    """Articles, places and excerpts with lookups both ways.

    Adding an analysis of an article already present (same id) replaces it.
    """

    def __init__(self, analyses: Iterable[ArticleAnalysis] = ()) -> None:
        self._analyses: dict[str, ArticleAnalysis] = {}
        # Each article's excerpts as the article names its actors, kept across rebuilds:
        # adding articles to a big atlas builds the new ones' excerpts, not everyone's.
        self._article_excerpts: dict[str, tuple[Excerpt, ...]] = {}
        self._excerpts: dict[str, Excerpt] = {}
        self._places: dict[str, Place] = {}
        self._place_excerpts: dict[str, list[str]] = defaultdict(list)
        self._actors: dict[str, Actor] = {}
        self._actor_alias: dict[str, str] = {}  # actor id -> the id it was merged into
        # Unfiltered counts, asked for on every refresh of the window: kept until a change.
        self._unfiltered_counts: dict[str, dict[str, int]] = {}
        self._dirty = False
        self.add_many(analyses)

    # -- building -----------------------------------------------------------------
    def add(self, analysis: ArticleAnalysis) -> None:
        """Add (or replace) one article's analysis; indexes are rebuilt on the next read."""
        self.add_many((analysis,))

    def add_many(self, analyses: Iterable[ArticleAnalysis]) -> None:
        """Add several analyses at once."""
        for analysis in analyses:
            self._analyses[analysis.article.id] = analysis
            self._article_excerpts.pop(analysis.article.id, None)
        self._dirty = True

    def clear(self) -> None:
        """Forget every article."""
        self._analyses.clear()
        self._article_excerpts.clear()
        self._dirty = True

    def remove(self, article_id: str) -> None:
        """Forget one article."""
        self._analyses.pop(article_id, None)
        self._article_excerpts.pop(article_id, None)
        self._dirty = True

    def _fresh(self) -> None:
        """Rebuild the indexes if articles changed since the last read.

        Lazily, so that adding a thousand articles costs one rebuild, not a
        thousand (a rebuild is linear in the atlas).
        """
        if self._dirty:
            with collector_paused():  # a rebuild makes thousands of small records
                self._reindex()
            self._dirty = False

    def _reindex(self) -> None:
        self._unfiltered_counts.clear()
        self._excerpts.clear()
        self._places.clear()
        self._place_excerpts.clear()
        self._actors, self._actor_alias = _merge_actors(self._analyses.values())
        alias = self._actor_alias
        for article_id, analysis in self._analyses.items():
            excerpts = self._article_excerpts.get(article_id)
            if excerpts is None:
                excerpts = _built_for(analysis)
                if excerpts is None:
                    excerpts = tuple(_excerpts_of(analysis))
                self._article_excerpts[article_id] = excerpts
            for excerpt in excerpts:
                if alias and not alias.keys().isdisjoint(excerpt.actor_ids):
                    merged = tuple(dict.fromkeys(alias.get(a, a) for a in excerpt.actor_ids))
                    excerpt = replace(excerpt, actor_ids=merged)
                self._excerpts[excerpt.id] = excerpt
                for place_id in {h.place_id for h in excerpt.highlights}:
                    self._place_excerpts[place_id].append(excerpt.id)
            for rm in analysis.places:
                self._places.setdefault(rm.place.id, rm.place)

    # -- reading ------------------------------------------------------------------
    @property
    def articles(self) -> list[Article]:
        """Articles in the order they were added."""
        return [a.article for a in self._analyses.values()]

    @property
    def analyses(self) -> list[ArticleAnalysis]:
        """Per-article analyses in the order they were added."""
        return list(self._analyses.values())

    def article(self, article_id: str) -> Article:
        """The article with this id (KeyError if unknown)."""
        return self._analyses[article_id].article

    def places(
        self, article_ids: Iterable[str] | None = None, *, where: Filter = OPEN
    ) -> list[Place]:
        """Places with at least one passing excerpt, most mentioned first."""
        self._fresh()
        counts = self.mention_counts(article_ids, where=where)
        return sorted(
            (self._places[pid] for pid in counts),
            key=lambda p: (-counts[p.id], p.name),
        )

    def place(self, place_id: str) -> Place:
        """The place with this id (KeyError if unknown)."""
        self._fresh()
        return self._places[place_id]

    def has_place(self, place_id: str) -> bool:
        """Whether this id names a place in the atlas (ids from the page are checked here)."""
        self._fresh()
        return place_id in self._places

    def mentions(self, article_ids: Iterable[str] | None = None) -> Iterator[ResolvedMention]:
        """Every resolved mention of the given articles (all when None)."""
        wanted = None if article_ids is None else set(article_ids)
        for article_id, analysis in self._analyses.items():
            if wanted is None or article_id in wanted:
                yield from analysis.places

    def mention_counts(
        self, article_ids: Iterable[str] | None = None, *, where: Filter = OPEN
    ) -> dict[str, int]:
        """Number of place mentions per place id, in the excerpts that pass."""
        self._fresh()
        if where.is_open and article_ids is None:
            return self._remembered("mentions", lambda: self._mention_counts(OPEN))
        return self._mention_counts(_narrowed(where, article_ids))

    def _mention_counts(self, where: Filter) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for excerpt in self._excerpts.values():
            if self.passes(excerpt, where):
                for highlight in excerpt.highlights:
                    if where.counts_at(highlight.place_id, excerpt.event_place_ids):
                        counts[highlight.place_id] += 1
        return dict(counts)

    def _remembered(self, name: str, count: Callable[[], dict[str, int]]) -> dict[str, int]:
        """Unfiltered counts, counted once per change of the atlas (a copy: callers may edit)."""
        if name not in self._unfiltered_counts:
            self._unfiltered_counts[name] = count()
        return dict(self._unfiltered_counts[name])

    def surfaces_for_place(self, place_id: str) -> list[str]:
        """How the articles write this place ("U.S.", "United States"…), most frequent first."""
        counts: dict[str, int] = defaultdict(int)
        for rm in self.mentions():
            if rm.place.id == place_id:
                counts[rm.mention.surface] += 1
        return sorted(counts, key=lambda s: (-counts[s], s))

    def excerpts_for_place(
        self, place_id: str, article_ids: Iterable[str] | None = None, *, where: Filter = OPEN
    ) -> list[Excerpt]:
        """Sentences mentioning the place that pass the filter, in article then text order."""
        self._fresh()
        where = _narrowed(where, article_ids)
        return [
            self._excerpts[eid]
            for eid in self._place_excerpts.get(place_id, [])
            if self.passes(self._excerpts[eid], where, place_id)
        ]

    def passes(self, excerpt: Excerpt, where: Filter, place_id: str | None = None) -> bool:
        """Whether an excerpt passes a filter (and, given a place, counts for that place:
        with ``event_places_only`` only where an event of the sentence happened)."""
        return where.is_open or (
            where.passes(
                excerpt.article_id,
                excerpt.actor_ids,
                excerpt.event_types,
                excerpt.first_day,
                excerpt.last_day,
                excerpt.event_place_ids,
                excerpt.id,
            )
            and (place_id is None or where.counts_at(place_id, excerpt.event_place_ids))
        )

    # -- actors -------------------------------------------------------------------
    @property
    def actors(self) -> list[Actor]:
        """Every actor, most mentioned first."""
        self._fresh()
        counts = self.actor_counts()
        return sorted(self._actors.values(), key=lambda a: (-counts.get(a.id, 0), a.name))

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (KeyError if unknown)."""
        self._fresh()
        return self._actors[actor_id]

    def actor_counts(self, article_ids: Iterable[str] | None = None) -> dict[str, int]:
        """Number of mentions per actor id."""
        self._fresh()
        if article_ids is None:
            return self._remembered("actors", lambda: self._actor_counts(None))
        return self._actor_counts(set(article_ids))

    def _actor_counts(self, wanted: set[str] | None) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for article_id, analysis in self._analyses.items():
            if wanted is None or article_id in wanted:
                for mention in analysis.actor_mentions:
                    counts[self._actor_alias.get(mention.actor_id, mention.actor_id)] += 1
        return dict(counts)

    def event_type_counts(self, where: Filter = OPEN) -> dict[str, int]:
        """Number of passing excerpts per event type (NO_EVENT for excerpts without one)."""
        self._fresh()
        if where.is_open:
            return self._remembered("event types", lambda: self._event_type_counts(OPEN))
        return self._event_type_counts(where)

    def _event_type_counts(self, where: Filter) -> dict[str, int]:

        counts: dict[str, int] = defaultdict(int)
        for excerpt in self._excerpts.values():
            if self.passes(excerpt, where):
                for event_type in excerpt.event_types or (NO_EVENT,):
                    counts[event_type] += 1
        return dict(counts)

    def excerpt(self, excerpt_id: str) -> Excerpt:
        """The excerpt with this id (KeyError if unknown)."""
        self._fresh()
        return self._excerpts[excerpt_id]

    def article_excerpts(self, article_id: str) -> tuple[Excerpt, ...]:
        """One article's excerpts in text order (the same tuple until the article changes:
        :class:`mapper.search.SearchIndex` re-indexes by identity); KeyError if unknown."""
        self._fresh()
        if article_id not in self._analyses:
            raise KeyError(article_id)
        return self._article_excerpts[article_id]

    def has_excerpt(self, excerpt_id: str) -> bool:
        """Whether this id names an excerpt in the atlas."""
        self._fresh()
        return excerpt_id in self._excerpts

    def __len__(self) -> int:
        return len(self._analyses)


def _sentence_dates(analysis: ArticleAnalysis) -> Callable[[Sentence], tuple[str, str, int, int]]:
    """For each sentence: (date value, where from, first day, last day) — its own first
    dated expression, else the article's publication day, else undated."""
    article = analysis.article
    timexes = (
        analysis.dates
        if analysis.dates_anchor == (article.published or "")
        else article_dates(article, analysis.sentences)  # its day changed since: read again
    )
    dated = [
        (timex.start, timex.value, span)
        for timex in timexes
        if timex.type in ("DATE", "TIME") and (span := day_span(timex.value)) is not None
    ]
    starts = [start for start, _, _ in dated]
    published = parse_day(article.published) if article.published else None
    fallback = (
        (article.published or "", "article", published.toordinal(), published.toordinal())
        if published
        else ("", "", 0, 0)
    )

    def date_of(sentence: Sentence) -> tuple[str, str, int, int]:
        index = bisect.bisect_left(starts, sentence.start)
        if index < len(dated) and dated[index][0] < sentence.end:
            _, value, (first, last) = dated[index]
            return value, "sentence", first.toordinal(), last.toordinal()
        return fallback

    return date_of


#: Excerpts built ahead (:func:`build_excerpts`), by the ``id()`` of their analysis, with a
#: weak reference to it: an entry goes when its analysis does, or when an atlas takes it.
_built: dict[int, tuple[weakref.ref[ArticleAnalysis], tuple[Excerpt, ...]]] = {}
#: Reentrant: a weak reference's callback may run inside a locked block (a collection).
_built_lock = threading.RLock()


def build_excerpts(analyses: Iterable[ArticleAnalysis]) -> None:
    """Build these analyses' excerpts now, for the atlas that indexes them next.

    Building excerpts (event places, dates, actors by sentence) is most of an atlas's
    rebuild: 1.3 s for 1,000 articles. The window's analysis worker builds them on its
    thread as analyses arrive, so that the rebuild on the UI thread only gathers them.
    Safe from any thread; an analysis never indexed takes its excerpts with it.
    """
    for analysis in analyses:
        excerpts = tuple(_excerpts_of(analysis))
        key = id(analysis)

        def forget(ref: weakref.ref[ArticleAnalysis], key: int = key) -> None:
            with _built_lock:
                entry = _built.get(key)
                if entry is not None and entry[0] is ref:
                    del _built[key]

        with _built_lock:
            _built[key] = (weakref.ref(analysis, forget), excerpts)


def _built_for(analysis: ArticleAnalysis) -> tuple[Excerpt, ...] | None:
    """The excerpts :func:`build_excerpts` built for this very analysis (taken), or None."""
    with _built_lock:
        entry = _built.pop(id(analysis), None)
    if entry is None or entry[0]() is not analysis:
        return None
    return entry[1]


def _excerpts_of(analysis: ArticleAnalysis) -> Iterator[Excerpt]:
    """Group an article's resolved mentions by sentence, with the sentence's actors and events."""
    article = analysis.article
    headline = has_headline(article)
    # Keyed by where sentences start (one each): hashing the records costs more.
    by_sentence: dict[int, list[ResolvedMention]] = defaultdict(list)
    for rm in analysis.places:
        by_sentence[rm.sentence.start].append(rm)
    events_of: dict[int, list[EventTag]] = defaultdict(list)
    for event in analysis.events:
        events_of[event.sentence.start].append(event)
    actor_mentions = sorted(analysis.actor_mentions, key=lambda m: m.start)
    actor_starts = [m.start for m in actor_mentions]
    date_of = _sentence_dates(analysis)
    event_place_of: dict[int, set[str]] = defaultdict(set)
    for found in event_places(analysis):
        if found.place is not None:
            event_place_of[found.event.sentence.start].add(found.place.id)
    for start in sorted(by_sentence):
        mentions = sorted(by_sentence[start], key=lambda r: r.mention.start)
        sentence = mentions[0].sentence
        first = bisect.bisect_left(actor_starts, sentence.start)
        last = bisect.bisect_left(actor_starts, sentence.end)
        actor_ids = tuple(
            dict.fromkeys(m.actor_id for m in actor_mentions[first:last] if m.end <= sentence.end)
        )
        events = sorted(events_of.get(start, ()), key=lambda e: -e.score)
        date, date_from, first_day, last_day = date_of(sentence)
        located = event_place_of.get(start, set())
        yield Excerpt(
            id=f"{article.id}:{sentence.start}",
            article_id=article.id,
            article_title=article.title,
            start=sentence.start,
            end=sentence.end,
            text=article.text[sentence.start : sentence.end],
            highlights=tuple(
                Highlight(
                    rm.mention.start - sentence.start,
                    rm.mention.end - sentence.start,
                    rm.place.id,
                )
                for rm in mentions
            ),
            actor_ids=actor_ids,
            event_types=tuple(dict.fromkeys(e.type for e in events)),
            date=date,
            date_from=date_from,
            first_day=first_day,
            last_day=last_day,
            # Only places the sentence names: an event placed at the article's main place
            # elsewhere makes no pin of this sentence an event place.
            event_place_ids=tuple(
                dict.fromkeys(rm.place.id for rm in mentions if rm.place.id in located)
            ),
            has_headline=headline,
        )


def _narrowed(where: Filter, article_ids: Iterable[str] | None) -> Filter:
    """The filter, further limited to some articles (the article list's choice)."""
    if article_ids is None:
        return where
    wanted = frozenset(article_ids)
    articles = wanted if where.articles is None else where.articles & wanted
    return replace(where, articles=articles)


def _merge_actors(analyses: Iterable[ArticleAnalysis]) -> tuple[dict[str, Actor], dict[str, str]]:
    """Actors of all articles, one per id; a person named by surname alone in one article
    ("Maduro") joins the one full name with that surname seen in another ("Nicolas Maduro").

    Returns the actors by id and a map from merged-away ids to the id they joined.
    """
    first_seen: dict[str, Actor] = {}
    aliases: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets
    roles: dict[str, str] = {}
    for analysis in analyses:
        for actor in analysis.actors:
            first_seen.setdefault(actor.id, actor)
            aliases[actor.id].update(dict.fromkeys(actor.aliases))
            if actor.role:
                roles.setdefault(actor.id, actor.role)
    actors: dict[str, Actor] = {}
    for actor_id, actor in first_seen.items():
        merged, role = tuple(aliases[actor_id]), roles.get(actor_id, "")
        if merged != actor.aliases or role != actor.role:
            actor = replace(actor, aliases=merged, role=role)
        actors[actor_id] = actor
    alias: dict[str, str] = {}
    full_names: dict[str, list[Actor]] = defaultdict(list)
    for actor in actors.values():
        if actor.kind == "person" and " " in actor.name:
            full_names[actor.name.split()[-1]].append(actor)
    for actor in list(actors.values()):
        if actor.kind == "person" and " " not in actor.name:
            candidates = full_names.get(actor.name, [])
            if len(candidates) == 1:
                target = candidates[0]
                alias[actor.id] = target.id
                actors[target.id] = replace(
                    target, aliases=tuple(dict.fromkeys((*target.aliases, actor.name)))
                )
                del actors[actor.id]
    return actors, alias
