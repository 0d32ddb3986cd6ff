"""Rough edges a new user hit (issue 16): what the status bar, the Filters panel, the
popups and the Excerpts panel say, checked in the real window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import close_window, open_window
from test_ui import click_pin, place_id, popup_text, run_js, wait_until_mapped

from mapper.filters import Filter
from mapper.sources import article_from_text, has_headline
from mapper.types import Actor
from ui.filters import FilterPanel, actor_matches
from ui.panels import TITLE_ROLE
from ui.qt import QtGui

HEADLINE = "Police clash with protesters in Lima"
LIMA_TEXT = (
    f"{HEADLINE}\n\n"
    "President Pedro Castillo spoke in Lima, Peru, on Monday. The police met protesters "
    "in Lima. Peru and its neighbours watched Peru.\n"
)


@pytest.fixture
def lima_news(tmp_path: Path) -> Path:
    """A text file with a headline line over its story."""
    path = tmp_path / "lima-news.txt"
    path.write_text(LIMA_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def two_articles(qtbot, seed_paths, lima_news):
    """The window on the seed article and the Lima story."""
    window = open_window(qtbot, [*seed_paths, lima_news])
    try:
        yield window
    finally:
        close_window(qtbot, window)


def settle(qtbot, window) -> None:
    wait_until_mapped(qtbot, window)
    qtbot.wait(50)


def listed_actors(panel: FilterPanel) -> list[str]:
    """The actor rows the user can see, as shown ("Peru (4)")."""
    rows = [panel.actor_list.item(i) for i in range(panel.actor_list.count())]
    return [item.text() for item in rows if not item.isHidden()]


def choose_article(qtbot, window, article_id: str) -> None:
    window.article_list.choose(article_id)
    settle(qtbot, window)


def lima_article(window):
    return next(a for a in window.atlas.articles if a.title == HEADLINE)


# -- the status bar ------------------------------------------------------------------------


def test_the_status_bar_counts_the_places_the_filters_leave(qtbot, window):
    total = len(window.atlas.places())
    assert window.counts_label.text() == f"{total} places \u00b7 1 article"

    window.filter_panel.set_checked(window.filter_panel.event_list, {"Protests"})
    settle(qtbot, window)
    shown = len(window.atlas.places(where=Filter.of(event_types=["Protests"])))
    assert 0 < shown < total
    assert window.counts_label.text() == f"{shown} of {total} places shown \u00b7 1 article"

    window.filter_panel.clear()
    settle(qtbot, window)
    assert window.counts_label.text() == f"{total} places \u00b7 1 article"


def test_the_status_bar_follows_the_chosen_article(qtbot, two_articles):
    window = two_articles
    total = len(window.atlas.places())
    lima = lima_article(window)
    choose_article(qtbot, window, lima.id)
    shown = len(window.atlas.places([lima.id]))
    assert 0 < shown < total
    assert window.counts_label.text() == f"{shown} of {total} places shown \u00b7 1 of 2 articles"


# -- the actors list -----------------------------------------------------------------------


def test_the_actor_list_narrows_to_the_chosen_article(qtbot, two_articles):
    window = two_articles
    panel = window.filter_panel
    everyone = listed_actors(panel)
    assert any(label.startswith("Venezuela (") for label in everyone)

    lima = lima_article(window)
    choose_article(qtbot, window, lima.id)
    counts = window.atlas.actor_counts([lima.id])
    names = {a.id: a.name for a in window.atlas.actors}
    assert counts and sorted(listed_actors(panel)) == sorted(
        f"{names[actor]} ({n})" for actor, n in counts.items()
    )
    assert not any(label.startswith("Venezuela (") for label in listed_actors(panel))

    choose_article(qtbot, window, "")  # "All articles"
    assert listed_actors(panel) == everyone


def test_a_ticked_actor_stays_in_sight_when_an_article_without_it_is_chosen(qtbot, two_articles):
    window = two_articles
    panel = window.filter_panel
    panel.set_checked(panel.actor_list, {"state:VE"})
    settle(qtbot, window)
    choose_article(qtbot, window, lima_article(window).id)
    assert panel.ticked_actors() == {"state:VE"}
    assert "Venezuela (0)" in listed_actors(panel)


# -- the actor search ----------------------------------------------------------------------

ASSAD = Actor("person:bashar-al-assad", "Bashar al-Assad", "person", ("Assad",), "President")
KARLOV = Actor("person:andrei-karlov", "Andrei Karlov", "person", (), "ambassador")


def test_the_actor_search_finds_names_not_letters_inside_role_words():
    assert actor_matches("assad", ("bashar al-assad",), ("president",))
    assert not actor_matches("assad", ("andrei karlov",), ("ambassador",))
    assert actor_matches("ambassador", ("andrei karlov",), ("ambassador",))
    assert not actor_matches("1", ("andrei karlov",), ("ambassador",))  # not the count


def test_typing_in_the_actor_search_narrows_the_list_and_ticks_nothing(qtbot):
    panel = FilterPanel()
    qtbot.addWidget(panel)
    panel.set_actors([ASSAD, KARLOV], {ASSAD.id: 3, KARLOV.id: 12})
    changes: list[object] = []
    panel.filter_changed.connect(lambda: changes.append(1))

    qtbot.keyClicks(panel.search, "Assad")
    assert listed_actors(panel) == ["Bashar al-Assad (3)"]
    assert panel.ticked_actors() == set() and changes == []

    panel.search.clear()
    qtbot.keyClicks(panel.search, "ambassador")
    assert listed_actors(panel) == ["Andrei Karlov (12)"]

    panel.search.clear()
    qtbot.keyClicks(panel.search, "12")  # a count is not a name
    assert listed_actors(panel) == []


# -- mentions and excerpts -----------------------------------------------------------------


def test_the_popup_and_the_excerpts_panel_count_in_the_same_words(qtbot, window):
    cuba = place_id(window, "Cuba")
    mentions = window.atlas.mention_counts()[cuba]
    excerpts = len(window.atlas.excerpts_for_place(cuba))
    assert mentions > excerpts  # a sentence names Cuba twice: the counts differ
    said = f"{mentions} mentions in {excerpts} excerpts"
    click_pin(qtbot, window, "Cuba")
    assert said in (popup_text(qtbot, window) or "")
    assert window.excerpts_dock.windowTitle() == f"Excerpts \u2014 Cuba ({said})"


def test_filtered_counts_agree_too(qtbot, window):
    window.filter_panel.set_checked(window.filter_panel.event_list, {"Protests"})
    settle(qtbot, window)
    caracas = place_id(window, "Caracas")
    where = window.current_filter()
    excerpts = len(window.atlas.excerpts_for_place(caracas, where=where))
    mentions = window.atlas.mention_counts(where=where)[caracas]
    total = window.atlas.mention_counts()[caracas]
    assert mentions < total
    click_pin(qtbot, window, "Caracas")
    in_excerpts = f"in {excerpts} excerpt" + ("" if excerpts == 1 else "s")
    assert f"{mentions} of {total} mentions {in_excerpts}" in (popup_text(qtbot, window) or "")
    assert window.excerpts_dock.windowTitle().endswith(f"({mentions} mentions {in_excerpts})")


# -- article titles over excerpts ----------------------------------------------------------


def popup_titles(qtbot, window) -> list[dict[str, str]]:
    """The article titles over the open popup's excerpts, and how the page draws them."""
    script = (
        "JSON.stringify(Array.from(document.querySelectorAll('.leaflet-popup .dl-excerpt-title'))"
        ".map(function (e) { return {text: e.textContent,"
        " transform: getComputedStyle(e).textTransform}; }))"
    )
    return json.loads(run_js(qtbot, window, script))


def test_a_text_files_first_sentence_is_not_repeated_over_its_excerpts(qtbot, window):
    seed = window.atlas.articles[0]
    assert seed.title.endswith("\u2026")  # the opening sentence, cut short
    click_pin(qtbot, window, "Caracas")
    assert seed.title not in (popup_text(qtbot, window) or "")
    assert popup_titles(qtbot, window) == []
    items = [window.excerpt_list.item(i) for i in range(window.excerpt_list.count())]
    assert items and all(item.data(TITLE_ROLE) == "" for item in items)


def test_a_headline_is_shown_over_excerpts_in_normal_case(qtbot, lima_news):
    window = open_window(qtbot, [lima_news])
    try:
        click_pin(qtbot, window, "Lima")
        titles = popup_titles(qtbot, window)
        assert titles and all(t["text"] == HEADLINE for t in titles)
        assert all(t["transform"] != "uppercase" for t in titles)
        items = [window.excerpt_list.item(i) for i in range(window.excerpt_list.count())]
        assert items and all(item.data(TITLE_ROLE) == HEADLINE for item in items)
    finally:
        close_window(qtbot, window)


@pytest.mark.parametrize(
    ("text", "source", "title", "expected"),
    [
        (LIMA_TEXT, "lima.txt", None, True),
        ("# Floods in Dhaka\n\nRain fell on Dhaka.\n", "dhaka.md", None, True),
        ("Protests in Lima drew thousands.\n\nPolice used tear gas.\n", "lima.txt", None, False),
        ("Rain fell on Dhaka all week.\n", "dhaka.txt", None, False),  # the whole text
        ("word " * 60 + "\n\nMore.\n", "long.txt", None, False),  # a paragraph, cut short
        ("Rain fell on Dhaka.\n", "", "Floods in Dhaka", True),  # given
    ],
)
def test_which_titles_are_headlines(text, source, title, expected):
    assert has_headline(article_from_text(text, source=source, title=title)) is expected


# -- the empty Excerpts panel --------------------------------------------------------------


def test_the_empty_excerpts_panel_says_what_to_do(qtbot, window):
    panel = window.excerpt_list
    assert panel.count() == 0
    assert "Click a pin or a place" in panel.placeholder
    image = panel.viewport().grab().toImage()
    base = panel.palette().color(QtGui.QPalette.ColorRole.Base)
    inked = sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, min(image.height(), 80), 2)
        if image.pixelColor(x, y) != base
    )
    assert inked > 20  # the hint is drawn
    click_pin(qtbot, window, "Caracas")
    assert panel.count() > 0
