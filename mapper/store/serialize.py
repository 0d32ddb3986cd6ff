"""Analyses to plain JSON and back, for the cache and project files.

The shape mirrors :mod:`mapper.types` field by field, so a record read back
equals the one written (tests check the round trip).

Reading checks every field (the ``read_*`` helpers, also used for project and
corrections files): a value of the wrong type, out of range or inconsistent with
the article's text raises :class:`FormatError` naming it, e.g.
``places[3].mention.end is not between 120 and 2,481``. Lone surrogates in strings
are replaced by U+FFFD (:func:`~mapper.store.safejson.without_lone_surrogates`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast, get_args

from mapper.errors import DatelineError
from mapper.sources import MAX_TEXT_CHARS
from mapper.store.safejson import without_lone_surrogates
from mapper.time.published import parse_day
from mapper.time.timex import Timex, TimexType
from mapper.types import (
    Actor,
    ActorKind,
    ActorMention,
    Article,
    ArticleAnalysis,
    EventTag,
    Place,
    PlaceKind,
    PlaceMention,
    ResolvedMention,
    Sentence,
)

#: Bump when the JSON shape changes; older data is then ignored (cache) or refused (project).
FORMAT_VERSION = 1

#: Longest id (of an article, a place, an actor) or other short code read back: ours are
#: a few dozen characters; this only keeps a crafted file's from being megabytes.
MAX_ID_CHARS = 1_000

_T = TypeVar("_T")


class FormatError(DatelineError, ValueError):
    """Data that is not what our format says; ``str(error)`` names the field and the problem
    ("places[3].mention.start is not a whole number")."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where} {problem}" if where else f"the data {problem}")
        self.where = where
        self.problem = problem

    def within(self, outer: str) -> FormatError:
        """The same problem, named from a record further out (``outer`` + ``.`` + field)."""
        if not self.where:
            return FormatError(outer, self.problem)
        joiner = "" if self.where.startswith("[") else "."
        return FormatError(f"{outer}{joiner}{self.where}", self.problem)


def analysis_to_dict(analysis: ArticleAnalysis) -> dict[str, Any]:
    """A JSON-ready dict of one analysis: what ``dataclasses.asdict`` gives, several times faster.

    (``asdict`` deep-copies every value; saving a 1,000-article project spent 2 s in it.
    Our records hold only strings, numbers, tuples of strings and other records, so a
    shallow copy of each record's fields is the same thing; a test holds the two equal.)
    """
    return {
        "article": _fields(analysis.article),
        "sentences": [_fields(s) for s in analysis.sentences],
        "places": [
            {
                "mention": _fields(r.mention),
                "place": _fields(r.place),
                "score": r.score,
                "sentence": _fields(r.sentence),
            }
            for r in analysis.places
        ],
        "actors": [_fields(a) for a in analysis.actors],
        "actor_mentions": [_fields(m) for m in analysis.actor_mentions],
        "events": [{**_fields(e), "sentence": _fields(e.sentence)} for e in analysis.events],
        "pipeline_version": analysis.pipeline_version,
        "notes": analysis.notes,
        # Dates as [start, end, type, value] (the text is the article's, at those offsets).
        "dates": [[t.start, t.end, t.type, t.value] for t in analysis.dates],
        "dates_anchor": analysis.dates_anchor,
    }


def _fields(record: object) -> dict[str, Any]:
    """A flat record's fields as a new dict (its values are immutable)."""
    return dict(vars(record))


# -- reading, every field checked ------------------------------------------------------------
# What a file says is never trusted: each reader below checks one value's type and range
# and raises FormatError naming it, so that a damaged or crafted file is refused in one
# clear line instead of failing later, deep in the pipeline or the window.


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()
_PLACE_KINDS = frozenset(get_args(PlaceKind))
_ACTOR_KINDS = frozenset(get_args(ActorKind))
#: Most notes on one analysis (the pipeline writes at most one).
_MAX_NOTES = 100
#: Largest population a place may have (the world's, with room).
_MAX_POPULATION = 100_000_000_000


def value_of(record: dict[str, Any], key: str) -> Any:
    """``record[key]``, or a marker the readers below report as "is missing"."""
    return record.get(key, _MISSING)


def read_object(value: Any, where: str) -> dict[str, Any]:
    """``value`` if it is a JSON object (a dict), else :class:`FormatError`."""
    if not isinstance(value, dict):
        raise FormatError(where, _missing_or("is not an object", value))
    return value


def read_list(value: Any, where: str, max_items: int) -> list[Any] | tuple[Any, ...]:
    """``value`` if it is a list of at most ``max_items``, else :class:`FormatError`.

    (A tuple is a list too: :func:`analysis_to_dict` keeps the tuples of the records.)
    """
    if not isinstance(value, (list, tuple)):
        raise FormatError(where, _missing_or("is not a list", value))
    if len(value) > max_items:
        raise FormatError(where, f"has more than {max_items:,} items ({len(value):,})")
    return value


def read_str(value: Any, where: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """``value`` if it is a string of at most ``max_chars``, lone surrogates replaced
    (:func:`~mapper.store.safejson.without_lone_surrogates`), else :class:`FormatError`."""
    if not isinstance(value, str):
        raise FormatError(where, _missing_or("is not a string", value))
    if len(value) > max_chars:
        raise FormatError(where, f"is longer than {max_chars:,} characters")
    return without_lone_surrogates(value)


def read_id(value: Any, where: str) -> str:
    """A non-empty string of at most :data:`MAX_ID_CHARS`, else :class:`FormatError`."""
    text = read_str(value, where, MAX_ID_CHARS)
    if not text:
        raise FormatError(where, "is empty")
    return text


def read_optional_str(value: Any, where: str, max_chars: int = MAX_TEXT_CHARS) -> str | None:
    """None for JSON null, else as :func:`read_str`."""
    return None if value is None else read_str(value, where, max_chars)


def read_int(value: Any, where: str, low: int, high: int) -> int:
    """``value`` if it is a whole number from ``low`` to ``high``, else :class:`FormatError`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(where, _missing_or("is not a whole number", value))
    if not low <= value <= high:
        raise FormatError(where, f"is not between {low:,} and {high:,}")
    return value


def read_number(
    value: Any, where: str, low: float = -sys.float_info.max, high: float = sys.float_info.max
) -> float:
    """``value`` as a float if it is a finite number from ``low`` to ``high``, else
    :class:`FormatError` (NaN and infinities are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormatError(where, _missing_or("is not a number", value))
    # Compared before float(): a 400-digit integer would overflow the conversion.
    if not low <= value <= high:  # False for NaN
        if not _finite(value):
            raise FormatError(where, "is not a finite number")
        if abs(value) > sys.float_info.max:
            raise FormatError(where, "is too large a number")
        raise FormatError(where, f"is not between {low:g} and {high:g}")
    return float(value)


def read_bool(value: Any, where: str) -> bool:
    """``value`` if it is true or false, else :class:`FormatError`."""
    if not isinstance(value, bool):
        raise FormatError(where, _missing_or("is not true or false", value))
    return value


def _missing_or(problem: str, value: Any) -> str:
    return "is missing" if value is _MISSING else problem


def _finite(value: float) -> bool:
    return isinstance(value, int) or math.isfinite(value)


def article_from_dict(data: Any) -> Article:
    """The article a dict describes (an analysis's, or a project's), every field checked;
    raises :class:`FormatError` naming the first bad one."""
    record = read_object(data, "")
    return Article(
        id=read_id(value_of(record, "id"), "id"),
        title=read_str(value_of(record, "title"), "title"),
        text=read_str(value_of(record, "text"), "text"),
        source=read_str(value_of(record, "source"), "source"),
        published=_read_day(record.get("published"), "published"),
        published_source=read_str(record.get("published_source", ""), "published_source", 40),
        outlet=read_str(record.get("outlet", ""), "outlet", MAX_META_CHARS),
        author=read_str(record.get("author", ""), "author", MAX_META_CHARS),
        url=read_str(record.get("url", ""), "url", MAX_META_CHARS),
    )


_TIMEX_TYPES = frozenset(("DATE", "TIME", "DURATION", "SET"))

#: Longest outlet, author or URL a project may give an article.
MAX_META_CHARS = 2_000


def _read_day(value: Any, where: str) -> str | None:
    """An ISO day ("2019-05-02") or None; anything else is a :class:`FormatError`."""
    if value is None:
        return None
    text = read_str(value, where, 10)
    if parse_day(text) is None:
        raise FormatError(where, "is not a date (YYYY-MM-DD)")
    return text


def analysis_from_dict(
    data: Any, *, article: Article | None = None, place_pool: PlacePool | None = None
) -> ArticleAnalysis:
    """The analysis a dict describes, every field checked; raises :class:`FormatError`
    naming the first bad one.

    ``article``: the article it is of, when it is stored apart (a project keeps each
    article once); otherwise the dict's own ``article``. Checked beyond types: offsets
    are spans of the article's text and mention surfaces the text they span (the
    invariant of :mod:`mapper.types`), coordinates are on the globe, numbers finite,
    actor mentions name actors of the analysis, and no list is longer than the
    pipeline makes it (at most ``MAX_PLACE_MENTIONS`` places). ``place_pool``: places
    already read, to share between the analyses of a project (see :class:`PlacePool`).
    """
    from mapper.pipeline import MAX_PLACE_MENTIONS  # the pipeline imports this module

    record = read_object(data, "")
    if article is None:
        try:
            article = article_from_dict(value_of(record, "article"))
        except FormatError as error:
            raise error.within("article") from None
    reader = _AnalysisReader(article.text, place_pool if place_pool is not None else PlacePool())
    # Each sentence, actor and mention spans at least one character (or the text is empty).
    most = len(article.text) + 1
    sentences = tuple(_each(value_of(record, "sentences"), "sentences", most, reader.sentence))
    places = tuple(_each(value_of(record, "places"), "places", MAX_PLACE_MENTIONS, reader.resolved))
    actors = tuple(_each(value_of(record, "actors"), "actors", most, reader.actor))
    reader.actor_ids.update(actor.id for actor in actors)
    actor_mentions = tuple(
        _each(value_of(record, "actor_mentions"), "actor_mentions", most, reader.actor_mention)
    )
    events = tuple(_each(value_of(record, "events"), "events", most, reader.event))
    notes = tuple(
        _each(record.get("notes", []), "notes", _MAX_NOTES, lambda note: read_str(note, ""))
    )
    dates = tuple(_each(record.get("dates", []), "dates", most, reader.timex))
    anchor = record.get("dates_anchor")
    if anchor is not None and (type(anchor) is not str or (anchor and parse_day(anchor) is None)):
        raise FormatError("dates_anchor", 'is not a date (YYYY-MM-DD), "" or null')
    return ArticleAnalysis(
        article=article,
        sentences=sentences,
        places=places,
        actors=actors,
        actor_mentions=actor_mentions,
        events=events,
        pipeline_version=read_str(
            record.get("pipeline_version", ""), "pipeline_version", MAX_ID_CHARS
        ),
        notes=notes,
        # Dates read against another day than the article's are read again by the atlas;
        # a project from before dates (no "dates_anchor") has them read there too.
        dates=dates if anchor is not None else (),
        dates_anchor=anchor,
    )


def _each(value: Any, where: str, max_items: int, read: Callable[[Any], _T]) -> Iterator[_T]:
    """``read`` applied to each item of the list ``value``, errors named by index."""
    for index, item in enumerate(read_list(value, where, max_items)):
        try:
            yield read(item)
        except FormatError as error:
            raise error.within(f"{where}[{index}]") from None


class PlacePool:
    """Places read so far, by their JSON: the same place comes back in mention after
    mention, article after article; each is checked once and one record shared (a
    1,000-article project names 45,000 places, some 2,000 different ones)."""

    def __init__(self) -> None:
        self._places: dict[tuple[Any, ...], Place] = {}

    def place(self, record: dict[str, Any]) -> Place:
        """The place ``record`` describes, checked (:class:`FormatError` if it is not one)."""
        try:
            key = tuple(record.items())
            return self._places[key]
        except KeyError:
            pass
        except TypeError:  # a list or object among the values: not a place we made
            key = ()
        place = _place(record)
        if key:
            self._places[key] = place
        return place


class _AnalysisReader:
    """Reads the records of one article's analysis, checked against its text.

    Fast paths first: a project holds hundreds of thousands of records, and checking
    them one helper call per field tripled the time to open one. The same sentence comes
    back many times in an analysis (and a place in a project, :class:`PlacePool`): each
    is checked once and its record shared (less memory, too).
    """

    def __init__(self, text: str, places: PlacePool) -> None:
        self.text = text
        self.actor_ids: set[str] = set()
        self._places = places
        self._sentences: dict[tuple[Any, Any], Sentence] = {}

    def span(self, record: dict[str, Any], start_key: str, end_key: str) -> tuple[int, int]:
        start, end = record.get(start_key, _MISSING), record.get(end_key, _MISSING)
        if type(start) is int and type(end) is int and 0 <= start <= end <= len(self.text):
            return start, end
        start = read_int(start, start_key, 0, len(self.text))
        return start, read_int(end, end_key, start, len(self.text))

    def sentence(self, data: Any) -> Sentence:
        record = data if type(data) is dict else read_object(data, "")
        key = (record.get("start"), record.get("end"))
        try:
            return self._sentences[key]
        except (KeyError, TypeError):  # TypeError: a list where a number should be
            sentence = Sentence(*self.span(record, "start", "end"))
        self._sentences[(sentence.start, sentence.end)] = sentence
        return sentence

    def surface(self, record: dict[str, Any], start: int, end: int) -> str:
        surface = record.get("surface", _MISSING)
        expected = self.text[start:end]
        if type(surface) is str and surface == expected:
            return expected  # the text is clean already: no lone surrogate to replace
        if read_str(surface, "surface", end - start) != expected:
            raise FormatError("surface", "is not the text at its offsets")
        return expected

    def resolved(self, data: Any) -> ResolvedMention:
        record = data if type(data) is dict else read_object(data, "")
        where = "mention"
        try:
            raw_mention = record.get("mention", _MISSING)
            if type(raw_mention) is not dict:
                raw_mention = read_object(raw_mention, "")
            start, end = self.span(raw_mention, "start", "end")
            demonym = raw_mention.get("demonym", False)
            mention = PlaceMention(
                start=start,
                end=end,
                surface=self.surface(raw_mention, start, end),
                source=_short_str(raw_mention.get("source", _MISSING), "source"),
                demonym=demonym if type(demonym) is bool else read_bool(demonym, "demonym"),
            )
            where = "place"
            raw_place = record.get("place", _MISSING)
            place = self._places.place(
                raw_place if type(raw_place) is dict else read_object(raw_place, "")
            )
            where = "sentence"
            sentence = self.sentence(record.get("sentence", _MISSING))
        except FormatError as error:
            raise error.within(where) from None
        score = record.get("score", _MISSING)
        return ResolvedMention(
            mention=mention,
            place=place,
            score=score
            if type(score) is float and math.isfinite(score)
            else read_number(score, "score"),
            sentence=sentence,
        )

    def actor(self, data: Any) -> Actor:
        record = data if type(data) is dict else read_object(data, "")
        kind = record.get("kind")
        if not (isinstance(kind, str) and kind in _ACTOR_KINDS):  # a list is unhashable
            raise FormatError("kind", "is not a kind of actor")
        return Actor(
            id=read_id(record.get("id", _MISSING), "id"),
            name=read_str(record.get("name", _MISSING), "name"),
            kind=cast(ActorKind, kind),
            aliases=tuple(
                _each(
                    record.get("aliases", []),
                    "aliases",
                    len(self.text) + 1,
                    lambda alias: read_str(alias, ""),
                )
            ),
            role=read_str(record.get("role", ""), "role"),
        )

    def actor_mention(self, data: Any) -> ActorMention:
        record = data if type(data) is dict else read_object(data, "")
        actor_id = record.get("actor_id", _MISSING)
        if type(actor_id) is not str:
            actor_id = read_id(actor_id, "actor_id")  # raises: not a string
        actor_id = without_lone_surrogates(actor_id)  # as the actor's own id was
        if actor_id not in self.actor_ids:
            raise FormatError("actor_id", "is not an actor of the analysis")
        start, end = self.span(record, "start", "end")
        return ActorMention(actor_id, start, end, self.surface(record, start, end))

    def timex(self, data: Any) -> Timex:
        if type(data) is not list or len(data) != 4:
            raise FormatError("", "is not [start, end, type, value]")
        start, end, kind, value = data
        length = len(self.text)
        start = read_int(start, "[0] (start)", 0, length)
        end = read_int(end, "[1] (end)", start, length)
        if type(kind) is not str or kind not in _TIMEX_TYPES:
            raise FormatError("[2] (type)", "is not DATE, TIME, DURATION or SET")
        kind_of = cast(TimexType, kind)  # one of _TIMEX_TYPES, checked above
        return Timex(start, end, self.text[start:end], kind_of, read_str(value, "[3] (value)", 64))

    def event(self, data: Any) -> EventTag:
        record = data if type(data) is dict else read_object(data, "")
        trigger_start, trigger_end = self.span(record, "trigger_start", "trigger_end")
        try:
            sentence = self.sentence(record.get("sentence", _MISSING))
        except FormatError as error:
            raise error.within("sentence") from None
        score = record.get("score", _MISSING)
        return EventTag(
            type=_short_str(record.get("type", _MISSING), "type"),
            score=score
            if type(score) is float and math.isfinite(score)
            else read_number(score, "score"),
            trigger=_short_str(record.get("trigger", _MISSING), "trigger"),
            trigger_start=trigger_start,
            trigger_end=trigger_end,
            sentence=sentence,
        )


def _place(record: dict[str, Any]) -> Place:
    kind = record.get("kind")
    if not (isinstance(kind, str) and kind in _PLACE_KINDS):  # a list is unhashable
        raise FormatError("kind", "is not a kind of place")
    return Place(
        id=read_id(record.get("id", _MISSING), "id"),
        name=read_str(record.get("name", _MISSING), "name"),
        kind=cast(PlaceKind, kind),
        lat=read_number(record.get("lat", _MISSING), "lat", -90.0, 90.0),
        lon=read_number(record.get("lon", _MISSING), "lon", -180.0, 180.0),
        country=read_str(record.get("country", _MISSING), "country"),
        country_code=read_str(record.get("country_code", _MISSING), "country_code", MAX_ID_CHARS),
        population=read_int(record.get("population", 0), "population", 0, _MAX_POPULATION),
        admin1=read_str(record.get("admin1", ""), "admin1"),
        source=read_str(record.get("source", "geonames"), "source", MAX_ID_CHARS),
    )


def _short_str(value: Any, where: str) -> str:
    """A string of at most :data:`MAX_ID_CHARS` (:func:`read_str`, quicker for plain ASCII)."""
    if type(value) is str and value.isascii() and len(value) <= MAX_ID_CHARS:
        return value
    return read_str(value, where, MAX_ID_CHARS)
