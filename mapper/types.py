"""Records passed between pipeline stages.

Every record is a frozen dataclass. Offsets (``start``/``end``) are always
character offsets into ``Article.text`` exactly as loaded, end exclusive, so
``article.text[m.start:m.end] == m.surface`` holds for every mention.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mapper.time.timex import Timex

PlaceKind = Literal["country", "admin1", "admin2", "city", "continent", "region"]
ActorKind = Literal["person", "organization", "state", "group"]


@dataclass(frozen=True)
class Article:
    """One article as read from a file or pasted text."""

    id: str  # stable: derived from the content hash
    title: str
    text: str
    source: str  # file path, or "" for pasted text
    published: str | None = None  # publication day, ISO "YYYY-MM-DD"; None: unknown
    #: How ``published`` is known: "html", "dateline", "inferred", "file" (uncertain),
    #: "user", "given" (the command line's --published); "" when unknown.
    published_source: str = ""
    outlet: str = ""  # site or agency name ("AP", "Reuters", "The Guardian"), when known
    author: str = ""
    url: str = ""


@dataclass(frozen=True)
class Sentence:
    """A sentence span in an article."""

    start: int
    end: int


@dataclass(frozen=True)
class PlaceMention:
    """A stretch of article text that names (or adjectivally points at) a place."""

    start: int
    end: int
    surface: str  # == article.text[start:end]
    source: str  # how it was found: "ner", "gazetteer"
    demonym: bool = False  # "Colombian" points at Colombia but is not its name


@dataclass(frozen=True)
class Place:
    """A resolved, geocoded place."""

    id: str  # "gn:<geonameid>" for GeoNames features, "cc:<ISO2>" for countries
    name: str
    kind: PlaceKind
    lat: float
    lon: float
    country: str  # country name ("" for continents/regions)
    country_code: str  # ISO 3166-1 alpha-2 ("" when none)
    population: int = 0
    admin1: str = ""  # first-level subdivision name, when known
    source: str = "geonames"


@dataclass(frozen=True)
class ResolvedMention:
    """A place mention with the place it was resolved to."""

    mention: PlaceMention
    place: Place
    score: float  # 0..1 confidence of the chosen candidate
    sentence: Sentence


@dataclass(frozen=True)
class Actor:
    """Someone who acts in the news: a person, an organisation, a state, a group."""

    id: str  # "person:nicolas-maduro", "state:VE", "organization:state-department"
    name: str  # the fullest name the article gives ("Nicolas Maduro", "the State Department")
    kind: ActorKind
    aliases: tuple[str, ...] = ()  # other ways the article names it ("Maduro")
    role: str = ""  # a title the article gives ("Secretary of State")


@dataclass(frozen=True)
class ActorMention:
    """A stretch of article text that names an actor."""

    actor_id: str
    start: int
    end: int
    surface: str  # == article.text[start:end]


@dataclass(frozen=True)
class EventTag:
    """The kind of event a sentence describes, and the words that say so."""

    type: str  # a name from the event taxonomy ("Protests", "Diplomacy & statements")
    score: float  # 0..1
    trigger: str  # the words that triggered it, as written
    trigger_start: int
    trigger_end: int
    sentence: Sentence


@dataclass(frozen=True)
class EventPlace:
    """Where a tagged event happened (derived on demand: :mod:`mapper.geo.event_places`)."""

    event: EventTag
    place: Place | None
    #: "sentence": a place its own sentence locates it at; "article": the article's main
    #: place; "": none known.
    how: Literal["sentence", "article", ""] = ""


@dataclass(frozen=True)
class ArticleAnalysis:
    """Everything the pipeline found in one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    places: tuple[ResolvedMention, ...]
    actors: tuple[Actor, ...] = ()
    actor_mentions: tuple[ActorMention, ...] = ()
    events: tuple[EventTag, ...] = ()  # sorted by sentence, then score (highest first)
    pipeline_version: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: The article's temporal expressions, normalised against ``dates_anchor``: the
    #: publication day they were read with ("" for none). None: not read yet. When the
    #: article's day changes (the user sets it), they are read again (``mapper.atlas``).
    dates: tuple[Timex, ...] = ()
    dates_anchor: str | None = None
