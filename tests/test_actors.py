"""Actors: the seed's list is exactly right, and the rules hold without the model."""

from __future__ import annotations

import pytest

from mapper.geo.corrections import Corrections
from mapper.pipeline import Pipeline
from mapper.sources import article_from_text, read_article, seed_paths
from mapper.text.actors import ActorLexicon, slug
from mapper.types import ArticleAnalysis

SEED_PEOPLE = {
    "Nicolas Maduro": "President",
    "Juan Guaido": "opposition leader",
    "Mike Pompeo": "Secretary of State",
    "Donald Trump": "President",
    "John Bolton": "National Security Adviser",
    "Sergey Lavrov": "Foreign Minister",
    "Carlos Fernandez de Cossio": "chief of U.S. Affairs",
}
SEED_ORGANIZATIONS = {"State Department", "National Assembly", "Associated Press"}
SEED_STATES = {"United States", "Russia", "Cuba", "Venezuela", "Colombia"}


@pytest.fixture(scope="module")
def seed() -> ArticleAnalysis:
    pipeline = Pipeline.load(corrections=Corrections())
    return pipeline.analyze(read_article(seed_paths()[0]))


def named(analysis: ArticleAnalysis, kind: str) -> set[str]:
    return {a.name for a in analysis.actors if a.kind == kind}


@pytest.mark.model
def test_seed_people_with_their_roles(seed: ArticleAnalysis) -> None:
    people = {a.name: a.role for a in seed.actors if a.kind == "person"}
    assert people == SEED_PEOPLE


@pytest.mark.model
def test_seed_organizations_and_states_without_junk(seed: ArticleAnalysis) -> None:
    assert named(seed, "organization") == SEED_ORGANIZATIONS
    assert named(seed, "state") == SEED_STATES
    every_name = {a.name for a in seed.actors}
    assert not every_name & {"State", "sec", "U.S. National Security", "Maduro", "Pompeo"}


@pytest.mark.model
def test_surnames_join_the_full_name_whatever_the_model_said(seed: ArticleAnalysis) -> None:
    text = seed.article.text
    maduro = next(a for a in seed.actors if a.name == "Nicolas Maduro")
    mentions = [m for m in seed.actor_mentions if m.actor_id == maduro.id]
    assert len(mentions) >= 9  # "Maduro" is tagged ORG five times by the small model
    assert all(text[m.start : m.end] in ("Maduro", "Nicolas Maduro") for m in mentions)


@pytest.mark.model
def test_capital_speaking_for_its_state() -> None:
    pipeline = Pipeline.load(corrections=Corrections())
    analysis = pipeline.analyze(
        article_from_text("Moscow warned of consequences. Tourists visited Moscow in May.")
    )
    russia = [m for m in analysis.actor_mentions if m.actor_id == "state:RU"]
    assert [m.start for m in russia] == [0]  # the first Moscow speaks; the second is a place


def test_groups_and_states_without_a_model() -> None:
    pipeline = Pipeline.blank(corrections=Corrections())
    analysis = pipeline.analyze(
        article_from_text("Venezuelan troops fired tear gas at protesters in Caracas.")
    )
    assert named(analysis, "state") == {"Venezuela"}
    assert named(analysis, "group") == {"troops", "protesters"}
    for mention in analysis.actor_mentions:
        assert analysis.article.text[mention.start : mention.end] == mention.surface


def test_lexicon_and_ids() -> None:
    lexicon = ActorLexicon.load()
    assert "Secretary of State" in lexicon.titles
    assert lexicon.titles.index("Secretary of State") < lexicon.titles.index("Secretary")
    assert slug("Carlos Fernández de Cossío") == "carlos-fernandez-de-cossio"
