"""What the user has narrowed the map to: actors, event types, articles.

One definition serves the window's panels, the map page (which applies the
same rule in JavaScript, ``resources/map/dateline.js``) and the command line's
``export --actor/--event-type``:

an excerpt passes when it passes every facet that is set —

- ``actors``: it names at least one of them;
- ``event_types``: at least one of its event types is among them; an excerpt
  with no event type passes when :data:`NO_EVENT` is among them;
- ``articles``: it comes from one of them.

A place stays on the map while at least one of its excerpts passes; its pin
size and counts reflect the passing excerpts only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: The event-type key of excerpts that describe no event of the taxonomy.
NO_EVENT = ""


@dataclass(frozen=True)
class Filter:
    """A set of facets; ``None`` means "not filtered on this facet"."""

    actors: frozenset[str] | None = None
    event_types: frozenset[str] | None = None
    articles: frozenset[str] | None = None

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

    @property
    def is_open(self) -> bool:
        """Whether nothing is filtered."""
        return self.actors is None and self.event_types is None and self.articles is None

    def passes(self, article_id: str, actor_ids: Iterable[str], event_types: Iterable[str]) -> bool:
        """Whether an excerpt with these attributes passes every facet."""
        if self.articles is not None and article_id not in self.articles:
            return False
        if self.actors is not None and not self.actors.intersection(actor_ids):
            return False
        if self.event_types is not None:
            types = tuple(event_types) or (NO_EVENT,)
            if not self.event_types.intersection(types):
                return False
        return True

    def to_json(self) -> dict[str, Any]:
        """The filter as the map page takes it (``Dateline.setFilter``)."""
        return {
            "actors": None if self.actors is None else sorted(self.actors),
            "eventTypes": None if self.event_types is None else sorted(self.event_types),
            "articles": None if self.articles is None else sorted(self.articles),
        }


#: Nothing filtered.
OPEN = Filter()
