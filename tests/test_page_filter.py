"""Filtering in the map page: the real page, offscreen, against mapper.filters' rule."""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from atlas_factory import EVENT_TYPES, ROSA, UNION, OffscreenPage, Said, article

from mapper.atlas import Atlas
from mapper.filters import NO_EVENT, Filter
from mapper.page import mapview
from mapper.types import Actor, Place
from ui.qt import QtCore, QtWebEngineCore

COLOR = dict(EVENT_TYPES)


def city(place_id: str, name: str, lat: float, lon: float) -> Place:
    return Place(place_id, name, "city", lat, lon, "Somewhere", "XX")


LIMA = city("gn:1", "Lima", -12.05, -77.04)
KYIV = city("gn:2", "Kyiv", 50.45, 30.52)
JAKARTA = city("gn:3", "Jakarta", -6.2, 106.85)


@pytest.fixture
def three_places() -> Atlas:
    """Lima: a protest; Kyiv: a battle naming Rosa Quispe; Jakarta: no event at all."""
    return Atlas(
        [
            article(
                "a1",
                "Unrest",
                [
                    Said("Thousands marched in Lima against the decree.", [LIMA], (), ["Protests"]),
                    Said(
                        "Rosa Quispe said fighting near Kyiv went on.",
                        [KYIV],
                        [ROSA],
                        ["Battles", "Diplomacy & statements"],
                    ),
                ],
            ),
            article("a2", "Markets", [Said("Jakarta traded quietly on Monday.", [JAKARTA])]),
        ]
    )


# -- the page ---------------------------------------------------------------------------


class RecordingPage(QtWebEngineCore.QWebEnginePage):
    """A page that keeps the JavaScript errors it reports."""

    def __init__(self, profile: QtWebEngineCore.QWebEngineProfile, parent: QtCore.QObject) -> None:
        super().__init__(profile, parent)
        self.errors: list[str] = []

    def javaScriptConsoleMessage(self, level, message, line, source):  # Qt's name
        if level == QtWebEngineCore.QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.errors.append(f"{source}:{line}: {message}")


class Page(OffscreenPage):
    """The map page (no bridge) in an offscreen view, with its pins embedded."""

    def __init__(self, qtbot, folder: Path, pins: dict[str, object]) -> None:
        index = mapview.write_page(folder, pins, bridge=False)
        super().__init__(qtbot, index, (1000, 700), RecordingPage)

    def set_filter(self, where: Filter) -> dict[str, float]:
        result = self.json(mapview.js_call("setFilter", where.to_json()))
        assert isinstance(result, dict)
        return result

    def pins(self) -> set[str]:
        ids = self.json("Dateline.pinIds()")
        assert isinstance(ids, list)
        return set(ids)


@pytest.fixture
def open_page(qtbot, tmp_path: Path) -> Iterator[object]:
    pages: list[Page] = []

    def open_(atlas: Atlas) -> Page:
        pins = mapview.pins_feature_collection(atlas, event_types=EVENT_TYPES)
        page = Page(qtbot, tmp_path / f"page{len(pages)}", pins)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        errors = list(page.page.errors)
        page.close()
        assert errors == [], errors


def rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def pin_color(page: Page, place: Place) -> str:
    """The pin's colour: its fill, or its ring when it is hollow (a place only mentioned)."""
    script = (
        "(function () { var e = document.querySelector("
        f"'.dl-pin[data-place-id=\"{place.id}\"]'); if (!e) return null;"
        " var s = getComputedStyle(e);"
        " return e.classList.contains('dl-pin-mentioned') ? s.borderTopColor"
        " : s.backgroundColor; })()"
    )
    color = page.js(script)
    assert isinstance(color, str), f"{place.name} has no pin element"
    return color


# -- tests ------------------------------------------------------------------------------


def test_event_type_filter_keeps_only_places_with_such_excerpts(open_page, three_places):
    page = open_page(three_places)
    assert page.pins() == {LIMA.id, KYIV.id, JAKARTA.id}

    result = page.set_filter(Filter.of(event_types=["Protests"]))
    assert page.pins() == {LIMA.id}
    assert result["pins"] == 1 and result["excerpts"] == 1
    assert isinstance(result["ms"], float | int) and 0 <= result["ms"] < 1000
    assert page.json("Dateline.filterState()") == {
        "actors": None,
        "eventTypes": ["Protests"],
        "articles": None,
        "firstDay": None,
        "lastDay": None,
        "undated": True,
        "eventPlacesOnly": False,
        "search": "",
        "excerpts": None,
    }

    page.set_filter(Filter.of(event_types=[NO_EVENT, "Protests"]))
    assert page.pins() == {LIMA.id, JAKARTA.id}

    page.set_filter(Filter.of(event_types=["Diplomacy & statements"]))  # a second type counts
    assert page.pins() == {KYIV.id}

    page.set_filter(Filter())
    assert page.pins() == {LIMA.id, KYIV.id, JAKARTA.id}
    assert page.json("Dateline.filterState()") == Filter().to_json()


def test_actor_and_article_filters(open_page, three_places):
    page = open_page(three_places)
    page.set_filter(Filter.of(actors=[ROSA.id]))
    assert page.pins() == {KYIV.id}
    page.set_filter(Filter.of(actors=[UNION.id]))  # named nowhere
    assert page.pins() == set()
    page.set_filter(Filter.of(articles=["a2"]))
    assert page.pins() == {JAKARTA.id}
    page.set_filter(Filter.of(actors=[ROSA.id], articles=["a2"]))  # every facet must pass
    assert page.pins() == set()
    # A shown pin can be opened; a filtered-out one cannot.
    assert page.js(f"Dateline.clickPin({json.dumps(KYIV.id)})") is False
    page.set_filter(Filter())
    assert page.js(f"Dateline.clickPin({json.dumps(KYIV.id)})") is True


def test_pins_are_coloured_by_their_dominant_event_type(open_page, three_places):
    page = open_page(three_places)
    assert pin_color(page, LIMA) == rgb(COLOR["Protests"])
    # Kyiv's one excerpt is Battles first, Diplomacy second: a tie goes to taxonomy order.
    assert pin_color(page, KYIV) == rgb(COLOR["Battles"])
    assert pin_color(page, JAKARTA) == rgb(mapview.NO_EVENT_COLOR)
    # Narrowed to Diplomacy, Kyiv shows as what is left of it.
    page.set_filter(Filter.of(event_types=["Diplomacy & statements"]))
    assert pin_color(page, KYIV) == rgb(COLOR["Diplomacy & statements"])
    page.set_filter(Filter.of(event_types=["Protests"]))
    assert pin_color(page, LIMA) == rgb(COLOR["Protests"])


def test_the_popup_shows_only_passing_excerpts(open_page):
    said = [
        Said("Police met the march in Lima with tear gas.", [LIMA], (), ["Protests"]),
        Said(
            "Rosa Quispe spoke for Lima at the talks.", [LIMA], [ROSA], ["Diplomacy & statements"]
        ),
        Said("Lima and Kyiv signed a trade deal.", [LIMA, KYIV], (), ["Diplomacy & statements"]),
        Said("A second rally filled Lima at night.", [LIMA], (), ["Protests"]),
        Said("Lima woke to a quiet Sunday.", [LIMA]),
        Said("A third rally set out from Lima.", [LIMA], (), ["Protests"]),
        Said("A fourth rally in Lima ended peacefully.", [LIMA], (), ["Protests"]),
        Said("A fifth rally in Lima drew students.", [LIMA], (), ["Protests"]),
    ]
    page = open_page(Atlas([article("a1", "Peru", said)]))

    page.set_filter(Filter.of(event_types=["Diplomacy & statements"]))
    assert page.pins() == {LIMA.id, KYIV.id}
    assert page.js(f"Dateline.clickPin({json.dumps(LIMA.id)})") is True
    page.qtbot.waitUntil(lambda: page.json("Dateline.popupText()") is not None)
    text = page.json("Dateline.popupText()")
    assert isinstance(text, str)
    assert "2 of 8 mentions" in text
    assert "Rosa Quispe spoke" in text and "trade deal" in text
    assert "tear gas" not in text and "quiet Sunday" not in text and "more excerpt" not in text

    # The open popup follows the filter: five protests, three listed, "+ 2 more".
    page.set_filter(Filter.of(event_types=["Protests"]))
    text = page.json("Dateline.popupText()")
    assert isinstance(text, str)
    assert "5 of 8 mentions" in text
    assert "tear gas" in text and "second rally" in text and "third rally" in text
    assert "fourth rally" not in text and "talks" not in text
    assert text.endswith("+ 2 more excerpts")

    # Filtering the place away closes its popup.
    page.set_filter(Filter.of(actors=[UNION.id]))
    assert page.json("Dateline.popupText()") is None


def test_the_legend_lists_the_event_types(open_page, three_places):
    page = open_page(three_places)
    items = page.json(
        "JSON.stringify(Array.from(document.querySelectorAll('.dl-legend-item'))"
        ".map(function (e) { return [e.querySelector('.dl-legend-label').textContent,"
        " e.querySelector('.dl-legend-count').textContent]; }))"
    )
    # Only the colours the pins wear (Diplomacy is never a pin's dominant type), with how
    # many pins wear each (issue 16).
    assert items == [["Protests", "1"], ["Battles", "1"], ["No event type", "1"]]
    legend = page.json("JSON.stringify(document.querySelector('.dl-legend').textContent)")
    assert isinstance(legend, str) and "Pin size = number of mentions" in legend
    swatch = page.js(
        "getComputedStyle(document.querySelector("
        "'.dl-legend-item[data-event-type=\"Battles\"] .dl-swatch')).backgroundColor"
    )
    assert swatch == rgb(COLOR["Battles"])
    # The legend sits top right, clear of the zoom control (top left) and the credits.
    box = page.json(
        "JSON.stringify((function () {"
        " var r = document.querySelector('.dl-legend').getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom, window.innerWidth]; })())"
    )
    assert isinstance(box, list)
    left, top, _right, bottom, width = box
    assert left > width / 2 and top < 100 and bottom < 400
    # It folds away and comes back.
    page.js("document.querySelector('.dl-legend-toggle').click()")
    assert page.js("document.querySelector('.dl-legend-body').offsetHeight") == 0
    page.js("document.querySelector('.dl-legend-toggle').click()")
    assert page.js("document.querySelector('.dl-legend-body').offsetHeight") > 0


def hollow_pins(page: Page) -> set[str]:
    ids = page.json(
        "JSON.stringify(Array.from(document.querySelectorAll('.dl-pin.dl-pin-mentioned'))"
        ".map(function (e) { return e.getAttribute('data-place-id'); }))"
    )
    assert isinstance(ids, list)
    return set(ids)


def test_places_only_mentioned_are_hollow_and_leave_with_event_places_only(open_page):
    # Kyiv: where the battle happened; Lima: a speaker in that sentence, and a sentence
    # of no event; Jakarta: no event at all.
    atlas = Atlas(
        [
            article(
                "a1",
                "War",
                [
                    Said("Troops clashed near Kyiv, Lima said.", [KYIV, LIMA], (), ["Battles"]),
                    Said("Lima stayed calm.", [LIMA]),
                ],
            ),
            article("a2", "Markets", [Said("Jakarta traded quietly.", [JAKARTA])]),
        ]
    )
    page = open_page(atlas)
    assert page.pins() == {LIMA.id, KYIV.id, JAKARTA.id}
    assert hollow_pins(page) == {LIMA.id, JAKARTA.id}
    # Hollow: a white centre inside a ring of the pin's colour.
    fill = page.js(
        f"getComputedStyle(document.querySelector('[data-place-id=\"{LIMA.id}\"]')).backgroundColor"
    )
    assert fill == "rgba(255, 255, 255, 0.9)"
    assert pin_color(page, LIMA) == rgb(COLOR["Battles"])
    assert pin_color(page, KYIV) == rgb(COLOR["Battles"])

    result = page.set_filter(Filter(event_places_only=True))
    assert page.pins() == {KYIV.id}
    assert result["pins"] == 1 and result["excerpts"] == 1
    assert page.json("Dateline.filterState()")["eventPlacesOnly"] is True
    assert hollow_pins(page) == set()

    page.set_filter(Filter())
    assert page.pins() == {LIMA.id, KYIV.id, JAKARTA.id}
    assert hollow_pins(page) == {LIMA.id, JAKARTA.id}
    # The legend says what solid and hollow mean.
    legend = page.js("document.querySelector('.dl-legend-roles').textContent")
    assert legend == "where events happenedonly mentioned"


def test_set_pins_keeps_the_filter(open_page, three_places):
    page = open_page(three_places)
    page.set_filter(Filter.of(event_types=["Protests"]))
    pins = mapview.pins_feature_collection(three_places, event_types=EVENT_TYPES)
    assert page.js(mapview.js_call("setPins", pins)) == 1
    assert page.pins() == {LIMA.id}


def random_atlas(seed: int) -> Atlas:
    """About 200 excerpts over 30 places and 6 articles, with random actors and types."""
    rng = random.Random(seed)
    places = [
        city(f"gn:{100 + i}", f"Town{i:02d}x", rng.uniform(-60, 70), rng.uniform(-170, 170))
        for i in range(30)
    ]
    actors = [Actor(f"organization:group-{i}", f"Group{i:02d}y", "organization") for i in range(8)]
    types = [name for name, _ in EVENT_TYPES] + ["Humanitarian & economy"]  # one off-taxonomy
    analyses = []
    for a in range(6):
        said = []
        for s in range(rng.randint(25, 40)):
            place = rng.choice(places)
            others = rng.sample([p for p in places if p != place], rng.choice([0, 0, 1, 2]))
            named = rng.sample(actors, rng.choice([0, 0, 1, 2]))
            events = rng.sample(types, rng.choice([0, 1, 1, 2]))
            words = [place.name, *(p.name for p in others), *(x.name for x in named)]
            rng.shuffle(words)
            if s % 3 == 0:  # a locative cue: that place is where the sentence's events happened
                words[words.index(place.name)] = f"in {place.name}"
            # Some sentences carry their own date; the others take the article's (if any).
            when = rng.choice(["", "", "", " on Monday", " on 3 May 2019", " in March 2019"])
            text = f"S{s} " + " ".join(words) + when + "."
            said.append(Said(text, [place, *others], named, events))
        published = rng.choice([None, "2019-05-02", "2019-04-11", "2019-06-20"])
        analyses.append(article(f"art{a}", f"Article {a}", said, published=published))
    return Atlas(analyses)


def random_filter(rng: random.Random, atlas: Atlas) -> Filter:
    actor_ids = [a.id for a in atlas.actors] + ["organization:nobody"]
    types = [name for name, _ in EVENT_TYPES] + ["Humanitarian & economy", NO_EVENT]
    article_ids = [a.id for a in atlas.articles]

    def facet(values: list[str]) -> list[str] | None:
        return None if rng.random() < 0.45 else rng.sample(values, rng.randint(0, 3))

    def day() -> datetime.date | None:
        if rng.random() < 0.5:
            return None
        return datetime.date(2019, 3, 1) + datetime.timedelta(days=rng.randint(0, 120))

    chosen = Filter.of(facet(actor_ids), facet(types), facet(article_ids))
    if rng.random() < 0.3:
        chosen = replace(chosen, event_places_only=True)
    if rng.random() < 0.5:
        return chosen
    return chosen.between(day(), day(), undated=rng.random() < 0.5)


def test_the_page_and_mapper_filters_agree(open_page):
    atlas = random_atlas(11)
    excerpt_ids = {e.id for p in atlas.places() for e in atlas.excerpts_for_place(p.id)}
    assert 150 <= len(excerpt_ids) <= 260
    page = open_page(atlas)
    rng = random.Random(5)
    filters = [random_filter(rng, atlas) for _ in range(20)]
    assert sum(not f.is_open for f in filters) >= 15
    assert sum(f.has_dates for f in filters) >= 5
    assert sum(f.event_places_only for f in filters) >= 3
    roles = {
        p.id in e.event_place_ids for p in atlas.places() for e in atlas.excerpts_for_place(p.id)
    }
    assert roles == {True, False}  # event places and places only mentioned
    dated = {e.date_from for p in atlas.places() for e in atlas.excerpts_for_place(p.id)}
    assert dated == {"sentence", "article", ""}  # own dates, the article's, and undated
    for where in filters:
        result = page.set_filter(where)
        expected = {p.id for p in atlas.places(where=where)}
        assert page.pins() == expected, where
        passing = {
            e.id for p in atlas.places() for e in atlas.excerpts_for_place(p.id, where=where)
        }
        assert result["excerpts"] == len(passing), where
        assert result["pins"] == len(expected), where
