"""Reports keep overlapping pins readable (resources/map/js/markers.js, spreadReport): at
world zoom, icons that would cover each other are merged into clusters whose counts add up
to the places shown, while pins that stand apart stay pins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from atlas_factory import EVENT_TYPES, Said, article, place

from mapper.atlas import Atlas
from mapper.export import common, html
from mapper.filters import OPEN

SIZE = (1000, 700)
WORLD = (25.0, 0.0, 2.0)
# A lattice of towns over the eastern United States, a degree or two apart: at zoom 2 a
# few pixels apart, so their pins (12 to 44 px) would pile up on each other.
TOWNS = [
    place(
        f"gn:9{row}{col}",
        f"Ville{chr(65 + row)}{chr(65 + col)}",
        "city",
        32.0 + 1.7 * row,
        -98.0 + 2.3 * col,
        "United States",
        "US",
    )
    for row in range(5)
    for col in range(7)
]
COUNTRY = place("gn:6252001", "United States", "country", 39.76, -98.5, "United States", "US")
# Far apart from everything else: each stays a pin of its own.
LONE = [
    place("gn:2988507", "Paris", "city", 48.85341, 2.3488, "France", "FR"),
    place("gn:1850147", "Tokyo", "city", 35.6895, 139.69171, "Japan", "JP"),
    place("gn:2147714", "Sydney", "city", -33.86785, 151.20732, "Australia", "AU"),
    place("gn:184745", "Nairobi", "city", -1.28333, 36.81667, "Kenya", "KE"),
]
PLACES = [*TOWNS, COUNTRY, *LONE]


@pytest.fixture
def atlas() -> Atlas:
    kinds = [name for name, _ in EVENT_TYPES]
    sentences = [
        Said(f"News came from {where.name}.", [where], events=[kinds[i % len(kinds)]])
        for i, where in enumerate(PLACES)
        for _ in range(1 + (i * 7) % 9)  # 1 to 9 mentions: pins of many sizes
    ]
    return Atlas([article("wire", "News from everywhere", sentences)])


def intersect(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    """Whether two boxes [left, top, right, bottom] cover each other (touching is fine)."""
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


def test_world_report_of_many_nearby_pins_has_no_overlapping_icons(
    open_offscreen: Any, atlas: Atlas, tmp_path: Path
) -> None:
    width, height = SIZE
    options = common.ReportOptions(width=width, height=height, view=WORLD, legend=False)
    report = html.write_report_page(tmp_path / "report.html", atlas, OPEN, EVENT_TYPES, options)
    page = open_offscreen(report, SIZE)
    state = page.json("Dateline.iconBoxes()")
    assert isinstance(state, dict)
    icons = state["icons"]
    assert state["shown"] == len(PLACES)
    overlapping = [
        (a["box"], b["box"])
        for i, a in enumerate(icons)
        for b in icons[i + 1 :]
        if intersect(a["box"], b["box"])
    ]
    assert overlapping == []
    # Every place is counted once: the clusters' numbers and the lone pins add up.
    assert sum(icon["places"] for icon in icons) == len(PLACES)
    clusters = [icon for icon in icons if icon["places"] > 1]
    assert clusters, "the towns were not gathered into a cluster"
    # Each cluster keeps its ring of event-type colours, for all of its places.
    assert all(icon["ring"] == icon["places"] for icon in clusters)
    # The pins far from the others are not swallowed by a cluster.
    assert sum(icon["places"] == 1 for icon in icons) >= len(LONE)
