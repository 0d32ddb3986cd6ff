"""Where each tagged event happened (mapper.geo.event_places), in extract's JSON, and the
evaluate-event-places command; model-free (the blank pipeline and the offline gazetteer)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapper.cli import main
from mapper.cli.evaluate_event_places import distance_km, evaluate_event_places
from mapper.cli.jsonl import analysis_to_json
from mapper.geo.event_places import event_places, main_place
from mapper.pipeline import Pipeline
from mapper.types import Article, ArticleAnalysis


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    from mapper.geo.corrections import Corrections

    return Pipeline.blank(corrections=Corrections())


def analyse(pipeline: Pipeline, text: str) -> ArticleAnalysis:
    return pipeline.analyze(Article("test", "", text, ""))


def places_of(pipeline: Pipeline, text: str) -> list[tuple[str, str | None, str]]:
    return [
        (found.event.trigger, found.place.name if found.place else None, found.how)
        for found in event_places(analyse(pipeline, text))
    ]


def test_the_place_the_sentence_locates_it_at_not_a_demonym(pipeline: Pipeline) -> None:
    found = places_of(pipeline, "Protesters rallied in Caracas on Monday, Russian officials said.")
    assert found and all(name == "Caracas" and how == "sentence" for _, name, how in found)


def test_the_town_over_its_province(pipeline: Pipeline) -> None:
    assert places_of(pipeline, "Government forces shelled Nawa town in Daraa countryside.") == [
        ("shelled", "Nawá", "sentence")
    ]
    # "Idlib" resolves to the city, but "Idlib countryside" is the province around it.
    found = places_of(pipeline, "Government forces shelled Saraqib town in Idlib countryside.")
    assert [name for _, name, _ in found] == ["Saraqib"]


def test_the_most_specific_after_a_possessive(pipeline: Pipeline) -> None:
    found = places_of(pipeline, "Protesters rallied in Syria's Idlib province on Friday.")
    assert [name for _, name, _ in found] == ["Idlib"]


def test_a_speaker_country_gives_way_to_the_dateline(pipeline: Pipeline) -> None:
    analysis = analyse(pipeline, "CARACAS, Venezuela (AP) — Russia condemned the strikes.")
    found = event_places(analysis)
    assert found
    assert all(f.place is not None and f.place.name == "Caracas" for f in found)
    assert all(f.how == "article" for f in found)


def test_a_demonym_alone_is_no_place(pipeline: Pipeline) -> None:
    analysis = analyse(pipeline, "Russian officials condemned the strikes.")
    assert analysis.events
    assert all(found.place is None and found.how == "" for found in event_places(analysis))
    assert main_place(analysis) is None


def test_a_comparison_is_not_where_it_happened(pipeline: Pipeline) -> None:
    text = (
        "Thousands of protesters rallied in Caracas. Police clashed with more protesters "
        "than in Bogota."
    )
    found = places_of(pipeline, text)
    assert found and all(name == "Caracas" for _, name, _ in found)


def test_main_place_is_the_most_mentioned_city(pipeline: Pipeline) -> None:
    text = (
        "Venezuela is in crisis. Caracas was quiet on Monday. Maracaibo had no power. "
        "In Caracas, shops stayed shut."
    )
    place = main_place(analyse(pipeline, text))
    assert place is not None and place.name == "Caracas"


def test_extract_json_gives_event_places_and_roles(pipeline: Pipeline) -> None:
    analysis = analyse(pipeline, "Protesters rallied in Caracas on Monday, Russian officials said.")
    record = analysis_to_json(analysis)
    assert record["events"]
    for event in record["events"]:
        assert set(event["place"]) == {"id", "name", "lat", "lon"}
        assert event["place"]["name"] == "Caracas"
    roles = {p["name"]: p["role"] for p in record["places"]}
    assert roles == {"Caracas": "event_place", "Russia": "mentioned"}
    json.dumps(record, allow_nan=False)


def test_extract_json_null_place(pipeline: Pipeline) -> None:
    record = analysis_to_json(analyse(pipeline, "Russian officials condemned the strikes."))
    assert record["events"] and all(event["place"] is None for event in record["events"])
    assert all(p["role"] == "mentioned" for p in record["places"])


def test_distance() -> None:
    assert distance_km(0, 0, 0, 0) == 0
    assert distance_km(10.4806, -66.9036, 4.711, -74.0721) == pytest.approx(1025, abs=15)


def write_records(path: Path) -> None:
    records = [
        # Caracas, right.
        {"text": "Protesters rallied in Caracas on Monday.", "lat": 10.48, "lon": -66.90},
        # Bogota said; the gold point is Caracas: wrong by ~1000 km.
        {"text": "Protesters rallied in Bogota on Monday.", "lat": 10.48, "lon": -66.90},
        # No place at all: wrong.
        {"text": "Protesters rallied on Monday.", "lat": 10.48, "lon": -66.90},
        {"text": "no coordinates", "label": "Protests"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


def test_evaluate_event_places_scores_by_hand(tmp_path: Path, pipeline: Pipeline) -> None:
    corpus = tmp_path / "records.jsonl"
    write_records(corpus)
    report = evaluate_event_places(corpus, pipeline)
    assert report["records"] == 3
    ours = report["event_place"]
    assert ours["acc_at_161"] == pytest.approx(1 / 3)
    assert ours["answered"] == 2
    assert ours["median_km"] == pytest.approx(report["event_place"]["mean_km"])
    assert report["baseline_first_place"]["answered"] == 2


def test_evaluate_event_places_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "records.jsonl"
    write_records(corpus)
    assert main(["evaluate-event-places", str(corpus), "--no-model", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["records"] == 3 and report["model"] == "blank"
    assert main(["evaluate-event-places", str(corpus), "--no-model", "--limit", "1"]) == 0
    assert "acc@161 1.000" in capsys.readouterr().out
    assert main(["evaluate-event-places", str(tmp_path / "missing.jsonl"), "--no-model"]) == 1


def test_export_event_places_only_drops_places_merely_mentioned(tmp_path: Path) -> None:
    """The command line's --event-places-only narrows an export as the window's box does."""
    article = tmp_path / "a.txt"
    article.write_text(
        "Thousands of protesters rallied in Lima on Monday, Russian officials said.\n"
        "Russia has long backed the government in Peru.",
        encoding="utf-8",
    )
    out = tmp_path / "out.geojson"

    def names(*options: str) -> set[str]:
        assert (
            main(["export", "--no-model", "--no-cache", "--to", str(out), *options, str(article)])
            == 0
        )
        return {f["properties"]["name"] for f in json.loads(out.read_text("utf-8"))["features"]}

    everything = names()
    assert {"Lima", "Russia"} <= everything
    only = names("--event-places-only")
    assert "Lima" in only and "Russia" not in only
