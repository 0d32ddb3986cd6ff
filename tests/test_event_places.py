"""Where each tagged event happened (mapper.geo.event_places), in extract's JSON, and the
evaluate-event-places command; model-free (the blank pipeline and the offline gazetteer)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from mapper.cli import main
from mapper.cli.evaluate_event_places import distance_km, evaluate_event_places
from mapper.cli.jsonl import analysis_to_json
from mapper.geo.corrections import Corrections
from mapper.geo.event_places import LOCATIVE_SOURCE, event_places, main_place, with_located_places
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


def located(pipeline: Pipeline, text: str) -> ArticleAnalysis:
    """The pipeline's analysis, which has the places its locative phrases name; applying
    the step again changes nothing."""
    analysis = analyse(pipeline, text)
    assert with_located_places(analysis, pipeline.gazetteer) == analysis
    return analysis


def recognised_only(analysis: ArticleAnalysis) -> ArticleAnalysis:
    """The analysis without the places only the locative phrases gave."""
    return replace(
        analysis,
        places=tuple(r for r in analysis.places if r.mention.source != LOCATIVE_SOURCE),
    )


def event_place_names(analysis: ArticleAnalysis) -> set[str | None]:
    """The names of the event places, with their countries' codes ("Kitāf, YE")."""
    return {
        f"{found.place.name}, {found.place.country_code}" if found.place else None
        for found in event_places(analysis)
    }


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


# -- places that locative phrases name but recognition missed (ACLED event descriptions) ----


def test_a_village_in_a_locative_phrase_is_found(pipeline: Pipeline) -> None:
    text = "Regime forces shelled the town of Kafr Batna, killing two civilians."
    analysis = located(pipeline, text)
    assert event_place_names(recognised_only(analysis)) == {None}  # too small to recognise
    assert event_place_names(analysis) == {"Kafr Baţnā, SY"}
    assert [r.mention.surface for r in analysis.places] == ["Kafr Batna"]
    assert analysis.places[0].mention.source == LOCATIVE_SOURCE


def test_the_district_of_a_list_of_unknown_areas(pipeline: Pipeline) -> None:
    # The brief's "Buqa and Al-Sheikh areas of Monabbih district": the areas are unknown,
    # the district (here one the gazetteer has) is where it happened.
    text = "Saudi forces shelled Buqa and Al-Sheikh areas of Kitaf district, killing a civilian."
    assert event_place_names(located(pipeline, text)) == {"Kitāf, YE"}


def test_containers_written_as_rural_or_with_hyphens(pipeline: Pipeline) -> None:
    assert event_place_names(
        located(pipeline, "Regime forces shelled Hazarma town in Rural Damascus.")
    ) == {"Damascus, SY"}
    text = "Clashes took place between QSD and IS fighters in Al-Bahra town in eastern Deir-ez-Zor."
    analysis = located(pipeline, text)
    assert event_place_names(analysis) == {"Deir ez-Zor, SY"}
    # "IS fighters" are a group, not the Russian town of Is.
    assert [r.mention.surface for r in analysis.places] == ["Deir-ez-Zor"]


def test_names_given_together_support_each_other(pipeline: Pipeline) -> None:
    text = "Houthi militias shelled a mosque in Hays district, Taiz governorate."
    assert event_place_names(located(pipeline, text)) == {"Ḩays, YE"}  # not Hays, Kansas


def test_a_village_with_namesakes_and_no_context_is_left_unplaced(pipeline: Pipeline) -> None:
    # Harad is a town in Yemen and one in Sweden: nothing says which.
    text = "Warplanes bombed the village of Harad, killing two civilians."
    analysis = located(pipeline, text)
    assert analysis.places == () and event_place_names(analysis) == {None}


def test_a_province_is_read_as_the_province(pipeline: Pipeline) -> None:
    text = "In Bayda province, the pro-Houthi army killed three pro-Hadi soldiers."
    # Recognition alone resolves it to the Libyan town Al Bayḑā’.
    assert event_place_names(located(pipeline, text)) == {"Al Bayda', YE"}


def test_the_users_corrections_hold_for_names_found_by_locative_phrases(
    pipeline: Pipeline,
) -> None:
    text = "Regime forces shelled the town of Kafr Batna, killing two civilians."
    not_a_place = Corrections().with_correction("Kafr Batna", None)
    pipeline.corrections = not_a_place
    try:
        assert analyse(pipeline, text).places == ()
        elsewhere = pipeline.gazetteer.lookup("Damascus")[0]
        pipeline.corrections = Corrections().with_correction("Kafr Batna", elsewhere.id)
        (pinned,) = analyse(pipeline, text).places
        assert (pinned.mention.surface, pinned.place.id) == ("Kafr Batna", elsewhere.id)
    finally:
        pipeline.corrections = Corrections()


def test_a_namesake_far_from_its_container_gives_way_to_the_container(
    pipeline: Pipeline,
) -> None:
    text = "Regime forces clashed with rebels in Sharan town in northern Aleppo."
    analysis = analyse(pipeline, text)
    # As if the town had been resolved to its Russian namesake.
    russian = next(p for p in pipeline.gazetteer.lookup("Sharan") if p.country_code == "RU")
    misread = replace(
        analysis,
        places=tuple(
            replace(r, place=russian) if r.mention.surface == "Sharan" else r
            for r in analysis.places
        ),
    )
    assert event_place_names(analysis) == {"Sharān, SY"}
    assert event_place_names(misread) == {"Aleppo, SY"}
    # A rescued name is left out so: no pin for Arbin, France.
    analysis = located(pipeline, "The Syrian army shelled Arbin city in Rural Damascus.")
    assert event_place_names(analysis) == {"Damascus, SY"}
    assert "FR" not in {r.place.country_code for r in analysis.places}


@pytest.mark.parametrize(
    ("text", "not_there"),
    [
        ("Al-Qaeda militants attacked troops backed by the UAE in Yashbum area.", "AE"),
        ("Al-Qaeda militants attacked Iran-backed militias in the Yashbum area.", "IR"),
        ("Pro-Tehran militias shelled the Yashbum area, killing two soldiers.", "IR"),
        ("Islamic State in Yemen claimed to have killed two Houthi fighters in Qayfa.", "YE"),
        (
            "Yemeni forces killed 3 Saudi soldiers in al-Ghawi village, located 967 "
            "kilometers southwest of the capital Riyadh.",
            "SA",
        ),
        ("Jordanians protested over Washington's decision to recognize Jerusalem.", "US"),
        ("Protesters gathered over the US decision to cut aid to the refugees.", "US"),
    ],
)
def test_an_actors_attribute_is_not_where_it_happened(
    pipeline: Pipeline, text: str, not_there: str
) -> None:
    found = event_places(located(pipeline, text))
    assert found
    assert all(f.place is None or f.place.country_code != not_there for f in found)


def test_two_states_as_sides_of_a_relation_are_not_where_it_happened(
    pipeline: Pipeline,
) -> None:
    # The seed article: the US is not where Venezuela's unrest happens.
    text = (
        "Thousands rallied in Caracas on Tuesday. Meanwhile, the unrest is turning into a "
        "battleground of rhetoric between the United States and Russia."
    )
    assert event_place_names(located(pipeline, text)) == {"Caracas, VE"}


def test_what_a_protest_is_against_is_not_where_it_is(pipeline: Pipeline) -> None:
    text = (
        "Dozens of Syrian Kurds in Erbil demonstrated in protest against the Turkish "
        "military operation in Afrin."
    )
    assert event_place_names(located(pipeline, text)) == {"Erbil, IQ"}
    # A protest against a policy still happens where it is.
    text = "Thousands protested against austerity in Athens on Sunday."
    assert event_place_names(located(pipeline, text)) == {"Athens, GR"}


def test_speakers_and_comparisons_stay_excluded_with_located_places(
    pipeline: Pipeline,
) -> None:
    analysis = located(pipeline, "CARACAS, Venezuela (AP) — Russia condemned the strikes.")
    assert event_place_names(analysis) == {"Caracas, VE"}
    text = (
        "Thousands of protesters rallied in Caracas. Police clashed with more protesters "
        "than in the town of Bogota."
    )
    assert event_place_names(located(pipeline, text)) == {"Caracas, VE"}
    text = "Russia said protesters rallied in the town of Kafr Batna."
    assert event_place_names(located(pipeline, text)) == {"Kafr Baţnā, SY"}


def test_located_places_are_added_once(pipeline: Pipeline) -> None:
    """Applying it twice (the pipeline, then the evaluation) changes nothing more."""
    once = located(pipeline, "Regime forces shelled the town of Kafr Batna in Rural Damascus.")
    assert with_located_places(once, pipeline.gazetteer) == once
    assert [r.mention.surface for r in once.places] == ["Kafr Batna", "Damascus"]


def test_evaluation_reports_how_the_place_was_found(tmp_path: Path, pipeline: Pipeline) -> None:
    corpus = tmp_path / "records.jsonl"
    records = [
        # Only a locative phrase names it: right with, unanswered without.
        {"text": "Regime forces shelled the town of Kafr Batna.", "lat": 33.51, "lon": 36.37},
        {"text": "Protesters rallied in Caracas on Monday.", "lat": 10.48, "lon": -66.90},
        {"text": "Nothing happened on Monday.", "lat": 10.48, "lon": -66.90},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    report = evaluate_event_places(corpus, pipeline)
    assert report["event_place"]["acc_at_161"] == pytest.approx(2 / 3)
    assert report["event_place_recognised_only"]["acc_at_161"] == pytest.approx(1 / 3)
    found_by = report["found_by"]
    assert found_by["sentence+locative"] == {
        "records": 1,
        "acc_at_161": 1.0,
        "answered": 1,
        "mean_km": pytest.approx(0, abs=2),
        "median_km": pytest.approx(0, abs=2),
    }
    assert found_by["sentence"]["records"] == 1 and found_by["none"]["records"] == 1
    assert report["no_event_tagged"]["records"] == 1


@pytest.mark.parametrize(
    "before",
    [
        "Protesters gathered in ",
        "Shelling hit the northern outskirts of ",
        "in the north-eastern countryside of the capital ",
        "clashes near the village of ",
        "IN ",
        "troops moved towards",
        "the anti-in ",
        "They said ",
        "pro-",
        "backed by the ",
        "a report from ",
        "the sub-district of ",
        "",
        "  ",
        "Berlin",
        "in Aleppo, ",
        "Crowds marched through the streets of ",
    ],
)
def test_the_quick_cue_check_answers_as_the_pattern(before: str) -> None:
    # _cue_before tries the pattern only where a cue can begin and end: the same answer.
    from mapper.geo import event_places

    expected = event_places._CUE.search(before) is not None
    assert event_places._cue_before(before) is expected
