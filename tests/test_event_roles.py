"""Event places vs places only mentioned: the atlas, the filter facet, the payload, exports
and projects (model-free: hand-made articles)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from atlas_factory import EVENT_TYPES, Said, article, place

from mapper.atlas import Atlas
from mapper.export.geojson import to_geojson
from mapper.filters import Filter
from mapper.page import mapview
from mapper.sources import article_from_text
from mapper.store.project import Project, load_project, save_project

KYIV = place("gn:2", "Kyiv", "city", 50.45, 30.52, "Ukraine")
LIMA = place("gn:1", "Lima", "city", -12.05, -77.04, "Peru")
JAKARTA = place("gn:3", "Jakarta", "city", -6.2, 106.85, "Indonesia")
EVENTS_ONLY = Filter(event_places_only=True)


def atlas() -> Atlas:
    """Kyiv: where a battle happened; Lima: a speaker in that sentence, and the place of
    a sentence with no event; Jakarta: no event at all."""
    return Atlas(
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


def test_excerpts_know_their_event_places() -> None:
    found = atlas()
    first = found.excerpt("a1:0")
    assert first.event_place_ids == (KYIV.id,)
    assert [e.event_place_ids for e in found.excerpts_for_place(JAKARTA.id)] == [()]


def test_event_places_only_counts_per_place() -> None:
    found = atlas()
    assert EVENTS_ONLY.to_json()["eventPlacesOnly"] is True
    assert Filter().to_json()["eventPlacesOnly"] is False
    assert not EVENTS_ONLY.is_open
    assert found.mention_counts(where=EVENTS_ONLY) == {KYIV.id: 1}
    assert [p.id for p in found.places(where=EVENTS_ONLY)] == [KYIV.id]
    # Lima's excerpt with Kyiv's battle passes, but not for Lima.
    assert found.excerpts_for_place(LIMA.id, where=EVENTS_ONLY) == []
    assert len(found.excerpts_for_place(KYIV.id, where=EVENTS_ONLY)) == 1
    assert found.event_type_counts(EVENTS_ONLY) == {"Battles": 1}
    # With other facets too.
    both = replace(Filter.of(event_types=["Protests"]), event_places_only=True)
    assert found.places(where=both) == []


def test_the_payload_marks_event_places_only_when_true() -> None:
    pins = mapview.pins_feature_collection(atlas(), event_types=EVENT_TYPES)
    entries = {
        f["id"]: [e.get("ev") for e in f["properties"]["excerpts"]] for f in pins["features"]
    }
    assert entries == {KYIV.id: [1], LIMA.id: [None, None], JAKARTA.id: [None]}
    encoded = json.loads(mapview.PinsEncoder().encode(atlas(), event_types=EVENT_TYPES).text)
    assert encoded == pins


def test_geojson_says_each_places_role() -> None:
    found = atlas()
    roles = {f["id"]: f["properties"]["role"] for f in to_geojson(found)["features"]}
    assert roles == {KYIV.id: "event_place", LIMA.id: "mentioned", JAKARTA.id: "mentioned"}
    only = to_geojson(found, EVENTS_ONLY)
    assert [f["id"] for f in only["features"]] == [KYIV.id]
    assert only["dateline"]["filter"]["eventPlacesOnly"] is True


def test_the_facet_round_trips_through_a_project(tmp_path: Path) -> None:
    text = article_from_text("Protests in Lima, Peru.", source="lima.txt")
    project = Project(articles=(text,), filter=EVENTS_ONLY)
    path = tmp_path / "roles.dateline"
    save_project(path, project)
    assert load_project(path).filter.event_places_only is True
    save_project(path, replace(project, filter=Filter()))
    assert load_project(path).filter.event_places_only is False
