"""An article's dateline: "ATHENS, Ga. —", "CARACAS, Venezuela (AP) —", "LONDON (Reuters) -".

One pattern for everything that reads datelines for their place: the article's main place
(:mod:`mapper.geo.event_places`) and its home region (:mod:`mapper.geo.home`). (The
publication date in a dateline is :mod:`mapper.time.published`'s.) Cheap to import: no
gazetteer here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

#: "CARACAS, Venezuela (AP) —", "LONDON (Reuters) -", "BEIRUT —", "Kabul, Afghanistan —",
#: "ATHENS, Ga. —": a line that starts with a place name, perhaps its containers and an
#: agency in brackets, then a dash. ``place`` is the name, ``within`` the containers
#: (", Ga."), ``agency`` what the brackets hold.
DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][\w'’. -]{1,40}?)(?P<within>(?:,[ \t]*[A-Z][\w'’. -]{1,40}?){0,2})"
    r"[ \t]*(?:\((?P<agency>[^)\n]{1,40})\)[ \t]*)?(?:[-–—:]{1,2})[ \t]",
    re.MULTILINE,
)
#: A dateline sits in the first lines of an article (characters searched).
DATELINE_REACH = 600


@dataclass(frozen=True)
class Dateline:
    """A dateline: its place name as written and where it is in the text, the containers
    after it ("Ga.", "Venezuela") and the agency in brackets ("AP")."""

    name: str
    start: int
    end: int
    within: tuple[str, ...] = ()
    agency: str = ""


def find_datelines(text: str) -> Iterator[Dateline]:
    """The lines of the article's head that read as datelines, first to last."""
    for match in DATELINE.finditer(text[:DATELINE_REACH]):
        within = tuple(part.strip() for part in match.group("within").split(",") if part.strip())
        name = match.group("place").rstrip()
        start = match.start("place")
        agency = (match.group("agency") or "").strip()
        yield Dateline(name, start, start + len(name), within, agency)
