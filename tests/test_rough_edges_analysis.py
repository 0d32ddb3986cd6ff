"""Issue 16's rough edges in the analysis: actors that are not actors, battles that are not
battles. Each case is the issue's sentence, beside a true case of the same shape that stays."""

from __future__ import annotations

import pytest

from mapper.events.tagger import EventTagger
from mapper.events.taxonomy import default_taxonomy_path, load_taxonomy
from mapper.geo.corrections import Corrections
from mapper.pipeline import Pipeline
from mapper.sources import article_from_text
from mapper.text.actors import ActorLexicon
from mapper.text.nlp import blank_nlp, sentences_of
from mapper.types import ArticleAnalysis

# -- actors ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lexicon() -> ActorLexicon:
    return ActorLexicon.load()


@pytest.mark.parametrize(
    "name",
    [
        "H5N1",
        "COVID-19",
        "Covid-19",
        "F-16",
        "AK-47",
        "Sgt",
        "Sgt.",
        "Lt.",
        "Capt",
        "Det.",
        "Magistrate",
        "Superintendent Dr.",
        "DUI",
        "DWI",
        "OWI",
        "North Nokomis Street",
        "Barnett Shoals Road",
        "S. Washington St.",
        "Northwest 13th Terrace",
        "Dalton Pike",
        "State Route",
        "Reading Bridge",
        "Select Car Leasing Stadium",
        "Mizell Community Center",
        "Sam Houston National Forest",
        "National Forest",
    ],
)
def test_never_an_actor(lexicon: ActorLexicon, name: str) -> None:
    assert lexicon.never_actor(name)


@pytest.mark.parametrize(
    "name",
    [
        "FBI",
        "NATO",
        "ELN",
        "FARC",
        "G20",
        "M23",
        "Supreme Court",
        "United Way",
        "John Miller",
        "Hamas",
        "Associated Press",
        "National Hurricane Center",
        "Nottingham Forest",
        "Linda Park",
    ],
)
def test_real_actors_stay(lexicon: ActorLexicon, name: str) -> None:
    assert not lexicon.never_actor(name)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.load(corrections=Corrections())


def actors_of(pipeline: Pipeline, text: str) -> dict[str, str]:
    analysis: ArticleAnalysis = pipeline.analyze(article_from_text(text))
    return {a.name: a.kind for a in analysis.actors}


@pytest.mark.model
def test_the_issues_non_actors_are_gone_and_real_ones_stay(pipeline: Pipeline) -> None:
    found = actors_of(
        pipeline,
        "Health officials confirmed H5N1 in a flock near the farm. Sgt. John Miller said "
        "the road was closed. The man was arrested for DUI on North Nokomis Street on "
        "Friday. The FBI and NATO said FARC rebels attacked.",
    )
    assert not found.keys() & {"H5N1", "Sgt", "Sgt.", "DUI", "North Nokomis Street"}
    assert found.get("John Miller") == "person"
    assert found.get("FBI") == "organization"
    assert found.get("FARC") == "organization"


@pytest.mark.model
def test_a_rank_before_a_name_is_the_role(pipeline: Pipeline) -> None:
    analysis = pipeline.analyze(
        article_from_text("Sgt. John Miller said the road was closed on Friday.")
    )
    miller = next(a for a in analysis.actors if a.name == "John Miller")
    assert miller.kind == "person" and miller.role == "Sgt."


@pytest.mark.model
def test_an_organisation_ends_at_a_line_break(pipeline: Pipeline) -> None:
    found = actors_of(
        pipeline,
        "Story by The Associated Press\n\nSTRASBOURG, France (AP) — The court ruled on Monday.",
    )
    assert not any("\n" in name for name in found)


# -- event types ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tagger() -> EventTagger:
    return EventTagger(load_taxonomy(default_taxonomy_path()))


def types_in(tagger: EventTagger, text: str) -> set[str]:
    doc = blank_nlp()(text)
    return {tag.type for tag in tagger.tag(doc, sentences_of(doc))}


@pytest.mark.parametrize(
    ("figurative", "real"),
    [
        (
            "The company lost the battle to keep the case out of American court.",
            "Rebels and government troops fought a fierce battle in Aleppo on Sunday.",
        ),
        (
            "The two teams will clash again next season.",
            "Rebels and the army will clash again near the border, residents fear.",
        ),
        (
            "Gulf-war vet to bike across the state for charity.",
            "The war in the north killed dozens of fighters last week.",
        ),
        (
            "She lost her battle with cancer on Tuesday.",
            "Government forces lost the battle for the town on Tuesday.",
        ),
        (
            "The mayor is locked in a legal battle with the county over the landfill.",
            "The army is locked in a battle with the rebels over the landfill.",
        ),
    ],
)
def test_figurative_battles_are_not_battles(
    tagger: EventTagger, figurative: str, real: str
) -> None:
    assert "Battles" not in types_in(tagger, figurative)
    assert "Battles" in types_in(tagger, real)


def test_a_battle_to_take_ground_is_a_battle(tagger: EventTagger) -> None:
    assert "Battles" in types_in(
        tagger, "The battle to retake the city from the rebels began at dawn."
    )


def test_a_charge_of_assault_is_not_an_armed_assault(tagger: EventTagger) -> None:
    assert "Battles" not in types_in(
        tagger, "A man was charged with arson and aggravated assault after the fire."
    )
    assert "Battles" in types_in(tagger, "Insurgents launched an assault on the army base.")


def test_sport_is_not_violence(tagger: EventTagger) -> None:
    assert types_in(tagger, "In sport, the Clydesdales lost 24-18 to the Ipswich Jets.") == set()
    # a riot of fans after a match is still a riot: its pattern is longer than one word
    assert "Riots" in types_in(tagger, "After the match, fans clashed with police downtown.")
