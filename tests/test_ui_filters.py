"""Filtering the map from the Filters panel: the page, the lists and the excerpts agree."""

from __future__ import annotations

import json

import pytest
from conftest import close_window, open_window
from test_ui import click_pin, pin_ids, place_id, run_js, wait_until_mapped

from mapper.filters import Filter
from ui.qt import QtCore


def shown_places(window) -> set[str]:
    """Place ids listed in the Places panel."""
    return {
        window.place_list.topLevelItem(i).data(0, QtCore.Qt.ItemDataRole.UserRole)
        for i in range(window.place_list.topLevelItemCount())
    }


def settle(qtbot, window) -> None:
    wait_until_mapped(qtbot, window)
    qtbot.wait(50)


def test_filter_panel_lists_actors_and_event_types_with_counts(window):
    panel = window.filter_panel
    actor_labels = [panel.actor_list.item(i).text() for i in range(panel.actor_list.count())]
    assert any(label.startswith("Venezuela (") for label in actor_labels)
    assert any(label.startswith("protesters (") for label in actor_labels)
    types = [panel.event_list.item(i).text() for i in range(panel.event_list.count())]
    assert types[0].startswith("Protests (")
    assert types[-1].startswith("No event type (")
    assert all(
        panel.event_list.item(i).checkState() == QtCore.Qt.CheckState.Checked
        for i in range(panel.event_list.count())
    )


def test_only_protests_leaves_only_places_with_protest_excerpts(qtbot, window):
    before = pin_ids(qtbot, window)
    window.filter_panel.set_checked(window.filter_panel.event_list, {"Protests"})
    settle(qtbot, window)
    expected = {p.id for p in window.atlas.places(where=Filter.of(event_types=["Protests"]))}
    assert expected and expected < before  # some places have no protest sentence
    assert pin_ids(qtbot, window) == expected  # verified in the page
    assert shown_places(window) == expected
    assert json.loads(run_js(qtbot, window, "Dateline.filterState()"))["eventTypes"] == ["Protests"]

    # Clicking a remaining pin lists only its protest excerpts.
    caracas = place_id(window, "Caracas")
    assert caracas in expected
    click_pin(qtbot, window, "Caracas")
    for excerpt in window.atlas.excerpts_for_place(caracas, where=window.current_filter()):
        assert "Protests" in excerpt.event_types
    assert window.excerpt_list.count() == len(
        window.atlas.excerpts_for_place(caracas, where=window.current_filter())
    )

    window.filter_panel.clear()
    settle(qtbot, window)
    assert pin_ids(qtbot, window) == before


def hollow_pins(qtbot, window) -> set[str]:
    """Ids of the pins drawn hollow (places only mentioned), as the page draws them."""
    script = (
        "JSON.stringify(Array.from(document.querySelectorAll('.dl-pin.dl-pin-mentioned'))"
        ".map(function (e) { return e.getAttribute('data-place-id'); }))"
    )
    return set(json.loads(run_js(qtbot, window, script)))


def test_event_places_only_keeps_the_places_where_events_happened(qtbot, window):
    panel = window.filter_panel
    box = panel.event_places_box
    assert not box.isChecked() and "merely mentioned" in box.toolTip()
    before = pin_ids(qtbot, window)
    every = {p.id for p in window.atlas.places()}
    assert before == every
    box.click()
    settle(qtbot, window)
    assert window.current_filter().event_places_only
    expected = {p.id for p in window.atlas.places(where=Filter(event_places_only=True))}
    assert expected and expected < before  # some places are only mentioned
    assert pin_ids(qtbot, window) == expected == shown_places(window)
    assert json.loads(run_js(qtbot, window, "Dateline.filterState()"))["eventPlacesOnly"]
    # Every pin left is an event place: solid (hollow_pins sees only unclustered pins).
    assert hollow_pins(qtbot, window) == set()

    panel.clear()
    settle(qtbot, window)
    assert not box.isChecked()
    assert not window.current_filter().event_places_only
    assert pin_ids(qtbot, window) == before


def test_ticking_an_actor_keeps_only_places_where_it_appears(qtbot, window):
    panel = window.filter_panel
    demonstrators = next(a for a in window.atlas.actors if a.name == "demonstrators")
    panel.set_checked(panel.actor_list, {demonstrators.id})
    settle(qtbot, window)
    expected = {p.id for p in window.atlas.places(where=Filter.of(actors=[demonstrators.id]))}
    assert expected and expected < {p.id for p in window.atlas.places()}
    assert pin_ids(qtbot, window) == expected == shown_places(window)


def test_actor_search_hides_other_actors(window):
    panel = window.filter_panel
    panel.search.setText("protest")
    visible = [
        panel.actor_list.item(i).text()
        for i in range(panel.actor_list.count())
        if not panel.actor_list.item(i).isHidden()
    ]
    assert visible and all("protest" in text.lower() for text in visible)
    assert len(visible) < panel.actor_list.count()


@pytest.mark.model
def test_with_the_model_a_person_filters_the_map(qtbot, seed_paths):
    from mapper.pipeline import Pipeline

    window = open_window(qtbot, seed_paths, factory=Pipeline.load)
    try:
        panel = window.filter_panel
        bolton = next(a for a in window.atlas.actors if a.name == "John Bolton")
        assert bolton.role == "National Security Adviser"
        panel.set_checked(panel.actor_list, {bolton.id})
        settle(qtbot, window)
        expected = {p.id for p in window.atlas.places(where=Filter.of(actors=[bolton.id]))}
        assert expected and pin_ids(qtbot, window) == expected == shown_places(window)
    finally:
        close_window(qtbot, window)


def test_reloaded_event_types_retag_the_open_articles(qtbot, window):
    """Settings ▸ Event Types ▸ Reload: a type added to the user's file lists, counts and
    tags the seed's sentences (the tagger is rebuilt off the UI thread)."""
    from mapper.events.taxonomy import default_taxonomy_path, user_taxonomy_path

    def listed() -> list[str]:
        panel = window.filter_panel
        return [panel.event_list.item(i).text() for i in range(panel.event_list.count())]

    assert not any(label.startswith("Gatherings") for label in listed())
    user_file = user_taxonomy_path()
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_text(
        default_taxonomy_path().read_text(encoding="utf-8")
        + '\n[[types]]\nname = "Gatherings"\ncolor = "#123456"\nicon = "protests.svg"\n'
        'description = "People coming together."\npatterns = ["gather", "=thousands"]\n',
        encoding="utf-8",
    )
    window.reload_event_types()
    settle(qtbot, window)
    (gatherings,) = [label for label in listed() if label.startswith("Gatherings")]
    assert gatherings != "Gatherings (0)"
    tagged = [
        e
        for e in window.atlas.excerpts_for_place(place_id(window, "Caracas"))
        if "Gatherings" in e.event_types
    ]
    assert tagged and all(
        "thousands" in e.text.lower() or "gather" in e.text.lower() for e in tagged
    )
