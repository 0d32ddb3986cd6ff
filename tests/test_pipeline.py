"""The pipeline on the seed article and on small texts, without the language model."""

from __future__ import annotations

import math

import pytest

from mapper.atlas import Atlas
from mapper.geo.corrections import Corrections
from mapper.pipeline import Pipeline
from mapper.sources import article_from_text, read_article, seed_paths
from mapper.types import ArticleAnalysis


@pytest.fixture(scope="module")
def blank() -> Pipeline:
    return Pipeline.blank()


@pytest.fixture(scope="module")
def seed(blank: Pipeline) -> ArticleAnalysis:
    return blank.analyze(read_article(seed_paths()[0]))


def names(analysis: ArticleAnalysis) -> set[str]:
    return {r.place.name for r in analysis.places}


def test_seed_places_are_the_six_the_article_is_about(seed: ArticleAnalysis) -> None:
    assert names(seed) == {"Caracas", "Venezuela", "Colombia", "Cuba", "Russia", "United States"}


def test_every_offset_indexes_the_text_as_read(seed: ArticleAnalysis) -> None:
    text = seed_paths()[0].read_text(encoding="utf-8")
    assert seed.article.text == text
    for resolved in seed.places:
        mention = resolved.mention
        assert text[mention.start : mention.end] == mention.surface
        assert resolved.sentence.start <= mention.start < mention.end <= resolved.sentence.end


def test_colombian_points_at_colombia_the_country(seed: ArticleAnalysis) -> None:
    (colombia,) = [r for r in seed.places if r.place.name == "Colombia"]
    assert colombia.mention.surface == "Colombian"
    assert colombia.mention.demonym
    assert colombia.place.kind == "country"
    assert colombia.place.country_code == "CO"  # not the Cuban town called Colombia


def test_caracas_is_the_venezuelan_capital(seed: ArticleAnalysis) -> None:
    caracas = next(r.place for r in seed.places if r.place.name == "Caracas")
    assert math.dist((caracas.lat, caracas.lon), (10.49, -66.88)) < 0.2


def test_people_named_like_towns_are_not_places(seed: ArticleAnalysis) -> None:
    surfaces = {r.mention.surface for r in seed.places}
    assert not surfaces & {"Bolton", "Pompeo", "Maduro", "Trump", "As", "State", "Thursday"}


def test_sentences_do_not_run_across_paragraphs(seed: ArticleAnalysis) -> None:
    text = seed.article.text
    assert all("\n" not in text[s.start : s.end] for s in seed.sentences)


def test_country_beats_same_named_town(blank: Pipeline) -> None:
    result = blank.analyze(article_from_text("Colombia and Venezuela signed a deal."))
    assert {(r.place.name, r.place.kind) for r in result.places} == {
        ("Colombia", "country"),
        ("Venezuela", "country"),
    }


def test_town_country_pattern_picks_the_named_country(blank: Pipeline) -> None:
    text = "Fans gathered in Valencia, Spain, after the final."
    (valencia,) = [
        r for r in blank.analyze(article_from_text(text)).places if r.mention.surface == "Valencia"
    ]
    assert valencia.place.country_code == "ES"


def test_article_country_context_picks_the_local_town(blank: Pipeline) -> None:
    text = "Venezuela's opposition marched in Valencia on Sunday."
    (valencia,) = [
        r for r in blank.analyze(article_from_text(text)).places if r.mention.surface == "Valencia"
    ]
    assert valencia.place.country_code == "VE"


def test_text_without_places_gives_nothing(blank: Pipeline) -> None:
    result = blank.analyze(article_from_text("May said the police would split the bill."))
    assert result.places == ()


def test_atlas_groups_excerpts_by_place(seed: ArticleAnalysis) -> None:
    atlas = Atlas([seed])
    caracas = next(p for p in atlas.places() if p.name == "Caracas")
    excerpts = atlas.excerpts_for_place(caracas.id)
    text = seed.article.text
    expected = [s for s in seed.sentences if "Caracas" in text[s.start : s.end]]
    assert [(e.start, e.end) for e in excerpts] == [(s.start, s.end) for s in expected]
    for excerpt in excerpts:
        marked = [
            excerpt.text[h.start : h.end] for h in excerpt.highlights if h.place_id == caracas.id
        ]
        assert marked and set(marked) == {"Caracas"}
    assert atlas.places()[0].name == "Venezuela"  # the most mentioned comes first


def resolve_one(pipeline: Pipeline, text: str, surface: str) -> tuple[str, str]:
    """(kind, country code) that `surface` resolves to in `text`."""
    analysis = pipeline.analyze(article_from_text(text))
    (found,) = {
        (r.place.kind, r.place.country_code, r.place.id)
        for r in analysis.places
        if r.mention.surface == surface
    }
    return found[0], found[1]


def test_paris_is_in_france_unless_texas_says_otherwise(blank: Pipeline) -> None:
    assert resolve_one(blank, "Talks resumed in Paris on Monday.", "Paris") == ("city", "FR")
    assert resolve_one(blank, "A storm hit Paris, Texas, overnight.", "Paris") == ("city", "US")


def test_georgia_the_country_or_the_state_by_context(blank: Pipeline) -> None:
    tbilisi = "Protesters filled Tbilisi as Georgia's parliament debated the law."
    assert resolve_one(blank, tbilisi, "Georgia") == ("country", "GE")
    atlanta = "Voters in Atlanta and Savannah lined up as Georgia counted ballots."
    assert resolve_one(blank, atlanta, "Georgia") == ("admin1", "US")


def test_washington_is_the_capital_not_the_state(blank: Pipeline) -> None:
    assert resolve_one(
        blank, "Officials in Washington said sanctions would follow.", "Washington"
    ) == ("city", "US")


def test_acronyms_are_not_towns(blank: Pipeline) -> None:
    analysis = blank.analyze(article_from_text("The EU and the UK met AMLO in Mexico."))
    places = {r.mention.surface: r.place for r in analysis.places}
    assert places["EU"].kind == "region"  # the European Union, not the town of Eu
    assert places["UK"].id == "cc:GB"
    assert "AMLO" not in places


@pytest.mark.model
def test_a_list_of_cities_is_places_even_when_the_model_says_person() -> None:
    pipeline = Pipeline.load(corrections=Corrections())
    text = "Workers in Paris, Lyon and Marseille walked out on Tuesday."
    names = {r.place.name for r in pipeline.analyze(article_from_text(text)).places}
    assert names == {"Paris", "Lyon", "Marseille"}
