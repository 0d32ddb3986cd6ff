"""What the user has narrowed the map to: actors, event types, articles, dates.

One definition serves the window's panels, the map page (which applies the
same rule in JavaScript, ``resources/map/js/filter.js``) and the command line's
``export --actor/--event-type/--from/--until/--search``:

an excerpt passes when it passes every facet that is set —

- ``actors``: it names at least one of them;
- ``event_types``: at least one of its event types is among them; an excerpt
  with no event type passes when :data:`NO_EVENT` is among them;
- ``articles``: it comes from one of them;
- ``first_day``/``last_day`` (a range of days, either end open): the days its date
  covers overlap the range; an undated excerpt passes when ``undated`` is true;
- ``event_places_only``: an excerpt counts for a place only when that place is where
  an event of its sentence happened (``Excerpt.event_place_ids``); this facet is per
  (excerpt, place), see :meth:`Filter.counts_at`;
- ``excerpts``: it is one of these excerpts (by id) — the ones the search text
  ``search`` matched (:func:`mapper.search.searched` resolves the text against an
  atlas; the text alone filters nothing, it is what the user typed and what is saved).

A place stays on the map while at least one of its excerpts passes; its pin
size and counts reflect the passing excerpts only.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any

#: The event-type key of excerpts that describe no event of the taxonomy.
NO_EVENT = ""


@dataclass(frozen=True)
class Filter:
    """A set of facets; ``None`` means "not filtered on this facet"."""

    actors: frozenset[str] | None = None
    event_types: frozenset[str] | None = None
    articles: frozenset[str] | None = None
    #: The range of days shown, as ``datetime.date`` ordinals (None: open at that end).
    first_day: int | None = None
    last_day: int | None = None
    #: Whether excerpts with no known date pass while a range is set.
    undated: bool = True
    #: Whether an excerpt counts for a place only where an event of it happened.
    event_places_only: bool = False
    #: What the user searched for ("": no search); see :mod:`mapper.search`.
    search: str = ""
    #: The excerpts the search matched (by id); None: not filtered on the text.
    excerpts: frozenset[str] | None = None

    @classmethod
    def of(
        cls,
        actors: Iterable[str] | None = None,
        event_types: Iterable[str] | None = None,
        articles: Iterable[str] | None = None,
    ) -> Filter:
        """A filter from any iterables (None leaves a facet open)."""
        return cls(
            None if actors is None else frozenset(actors),
            None if event_types is None else frozenset(event_types),
            None if articles is None else frozenset(articles),
        )

    def between(
        self, first: datetime.date | None, last: datetime.date | None, *, undated: bool = True
    ) -> Filter:
        """This filter narrowed to the days from ``first`` to ``last`` (None: open end)."""
        return replace(
            self,
            first_day=None if first is None else first.toordinal(),
            last_day=None if last is None else last.toordinal(),
            undated=undated,
        )

    @property
    def has_dates(self) -> bool:
        """Whether a range of days is set."""
        return self.first_day is not None or self.last_day is not None

    @property
    def is_open(self) -> bool:
        """Whether nothing is filtered."""
        return (
            self.actors is None
            and self.event_types is None
            and self.articles is None
            and not self.has_dates
            and not self.event_places_only
            and self.excerpts is None
        )

    def passes(
        self,
        article_id: str,
        actor_ids: Iterable[str],
        event_types: Iterable[str],
        first_day: int = 0,
        last_day: int = 0,
        event_place_ids: Collection[str] = (),
        excerpt_id: str = "",
    ) -> bool:
        """Whether an excerpt with these attributes passes every facet (days as ordinals,
        0 for an undated excerpt; ``event_place_ids`` the places of the sentence where an
        event of it happened: with ``event_places_only`` an excerpt with none does not
        pass, and it counts only for those, see :meth:`counts_at`; ``excerpt_id``
        its id, for the search facet)."""
        if self.articles is not None and article_id not in self.articles:
            return False
        if self.excerpts is not None and excerpt_id not in self.excerpts:
            return False
        if self.event_places_only and not event_place_ids:
            return False
        if self.has_dates:
            if not first_day:
                if not self.undated:
                    return False
            elif (self.first_day is not None and last_day < self.first_day) or (
                self.last_day is not None and first_day > self.last_day
            ):
                return False
        if self.actors is not None and not self.actors.intersection(actor_ids):
            return False
        if self.event_types is not None:
            types = tuple(event_types) or (NO_EVENT,)
            if not self.event_types.intersection(types):
                return False
        return True

    def counts_at(self, place_id: str, event_place_ids: Collection[str]) -> bool:
        """Whether a passing excerpt counts for this place (the per-place facet)."""
        return not self.event_places_only or place_id in event_place_ids

    def to_json(self) -> dict[str, Any]:
        """The filter as the map page takes it (``Dateline.setFilter``)."""
        return {
            "actors": None if self.actors is None else sorted(self.actors),
            "eventTypes": None if self.event_types is None else sorted(self.event_types),
            "articles": None if self.articles is None else sorted(self.articles),
            "firstDay": self.first_day,
            "lastDay": self.last_day,
            "undated": self.undated,
            "eventPlacesOnly": self.event_places_only,
            "search": self.search,
            "excerpts": None if self.excerpts is None else sorted(self.excerpts),
        }


#: Nothing filtered.
OPEN = Filter()
