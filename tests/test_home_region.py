"""An article's home region: found from its dateline, its outlet or the user's word; it
makes "Paris" in a Tennessee story Paris, Tennessee; it is kept in projects, keys the cache
and is given on the command line."""

from __future__ import annotations

import dataclasses
import gzip
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from mapper.geo.corrections import Corrections
from mapper.geo.gazetteer import Gazetteer
from mapper.geo.home import (
    NO_HOME,
    HomeSettings,
    OutletsError,
    find_regions,
    home_region,
    load_outlets,
    load_outlets_or_empty,
    region_label,
    scopes_for,
)
from mapper.geo.resolve import resolve_mentions
from mapper.pipeline import Pipeline
from mapper.resources import resource_path
from mapper.session import Session
from mapper.sources import article_from_text
from mapper.store.cache import AnalysisCache, fingerprint_for_home
from mapper.store.project import Project, ProjectError, load_project, save_project, to_json
from mapper.types import Article, ArticleAnalysis

ATHENS_GA = "gn:4180386"
ATHENS_GR = "gn:264371"
PARIS_TN = "gn:4647963"
PARIS_FR = "gn:2988507"

#: A Georgia story that never says where it is: "Athens" alone reads as Greece.
ATHENS_STORY = (
    "Council approves downtown budget\n\n"
    "City of Athens officials approved a new downtown budget on Tuesday. Athens police "
    "said the parade route would close early."
)
#: A Tennessee story's body, without its dateline.
PARIS_BODY = "Officers in Paris arrested a man on Monday. Schools in Paris closed early."


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.open()


@pytest.fixture
def pipeline() -> Pipeline:
    """A model-free pipeline with no corrections (its own per test: tests set its homes)."""
    return Pipeline.blank(corrections=Corrections())


def ids_of(analysis: ArticleAnalysis, surface: str) -> set[str]:
    """The places every mention written ``surface`` was pinned to."""
    return {r.place.id for r in analysis.places if r.mention.surface == surface}


# -- where the home region comes from ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "admin1", "country"),
    [
        ("ATHENS, Ga. — The commission met.", "Athens", "Georgia", "US"),
        ("PARIS, Tenn. (AP) — Police said.", "Paris", "Tennessee", "US"),
        ("CARACAS, Venezuela (AP) — Protesters rallied.", "Caracas", "", "VE"),
        ("LONDON (Reuters) - Shares fell.", "London", "", "GB"),
        ("ALEXANDRIA, Va. — A man was arrested.", "Alexandria", "Virginia", "US"),
        ("MINNEAPOLIS, Minn. — Snow fell.", "Minneapolis", "Minnesota", "US"),
        ("BATON ROUGE, La. (AP) — Lawmakers met.", "Baton Rouge", "Louisiana", "US"),
        ("SAN DIEGO, Calif. — The port closed.", "San Diego", "California", "US"),
        ("WASHINGTON (AP) — The Senate voted.", "Washington", "District of Columbia", "US"),
        ("Floods hit the coast\n\nATHENS, Ga. — Rain fell.", "Athens", "Georgia", "US"),
        ("Kabul, Afghanistan — Talks resumed.", "Kabul", "", "AF"),
    ],
)
def test_the_dateline_gives_the_home_region(
    gazetteer: Gazetteer, text: str, name: str, admin1: str, country: str
) -> None:
    home = home_region(article_from_text(text), gazetteer)
    assert home is not None and home.source == "dateline"
    assert (home.place.name, home.place.admin1, home.place.country_code) == (name, admin1, country)


@pytest.mark.parametrize(
    "text",
    [
        "Trump: the year in review\n\nThe president spoke in Paris.",  # a headline, no dateline
        "Sales tax rises — what it means for you\n\nIn Athens, shops…",  # mixed case, no state
        "The council met on Tuesday in Athens.",
    ],
)
def test_a_headline_is_no_dateline(gazetteer: Gazetteer, text: str) -> None:
    assert home_region(article_from_text(text), gazetteer) is None


def local(text: str = "Police said the road reopened.", **fields: str) -> Article:
    return dataclasses.replace(article_from_text(text), **fields)


def test_a_local_outlet_gives_the_home_region_by_name_or_address(gazetteer: Gazetteer) -> None:
    for article in (
        local(outlet="Athens Banner-Herald"),
        local(outlet="athens banner-herald"),
        local(url="https://www.onlineathens.com/story/news/2023/01/05/x/"),
        local(url="https://news.onlineathens.com/x"),
    ):
        home = home_region(article, gazetteer)
        assert home is not None and home.source == "outlet", article
        assert home.place.id == ATHENS_GA
    paris = home_region(local(outlet="The Paris Post-Intelligencer"), gazetteer)
    assert paris is not None and paris.place.id == PARIS_TN
    assert paris.detail == "The Paris Post-Intelligencer"


def test_a_masthead_names_the_outlet_and_its_bare_dateline_is_its_own_town(
    gazetteer: Gazetteer,
) -> None:
    masthead = home_region(article_from_text("Athens Banner-Herald\n\nPolice said."), gazetteer)
    assert masthead is not None and (masthead.source, masthead.place.id) == ("outlet", ATHENS_GA)
    story = "New shops on Market Street\n\nLIMA — When she left Lima, Peru, in 2009, …"
    wire = home_region(article_from_text(story), gazetteer)
    assert wire is not None and wire.place.country_code == "PE"  # agencies' bare LIMA
    paper = home_region(article_from_text("The Lima News\n\n" + story), gazetteer)
    assert paper is not None and paper.source == "dateline"
    assert region_label(paper.place) == "Lima, Ohio, United States"


def test_news_agencies_are_local_to_nowhere(gazetteer: Gazetteer) -> None:
    for outlet in ("AP", "Associated Press", "Reuters", "AFP"):
        assert home_region(local(outlet=outlet), gazetteer) is None


def test_the_user_wins_then_the_dateline_then_the_outlet(gazetteer: Gazetteer) -> None:
    article = local("PARIS, Tenn. (AP) — Police said.", outlet="Athens Banner-Herald")
    dateline = home_region(article, gazetteer)
    assert dateline is not None and (dateline.source, dateline.place.id) == ("dateline", PARIS_TN)
    user = home_region(article, gazetteer, ATHENS_GR)
    assert user is not None and (user.source, user.place.id) == ("user", ATHENS_GR)
    assert home_region(article, gazetteer, NO_HOME) is None  # "no home region": none at all
    # An id the gazetteer does not know (an older gazetteer's) is no setting.
    unknown = home_region(article, gazetteer, "gn:0")
    assert unknown is not None and unknown.source == "dateline"


def test_every_outlet_region_is_found_in_the_gazetteer(gazetteer: Gazetteer) -> None:
    with resource_path("gazetteer/outlets.toml").open("rb") as handle:
        entries = tomllib.load(handle)["outlet"]
    assert len(entries) >= 30
    for entry in entries:
        found = find_regions(gazetteer, entry["region"], limit=1)
        assert found, entry["region"]
        assert region_label(found[0]) == entry["region"], entry["region"]
    assert len(load_outlets().names) >= len(entries)


def test_a_broken_outlets_table_is_reported_and_not_used(tmp_path: Path) -> None:
    broken = tmp_path / "outlets.toml"
    broken.write_text('[[outlet]]\nnames = ["X"]\n', encoding="utf-8")  # no region
    with pytest.raises(OutletsError, match="outlet 1 needs a region"):
        load_outlets(broken)
    broken.write_text("[[outlet]\n", encoding="utf-8")
    table, why = load_outlets_or_empty(broken)
    assert not table.names and not table.hosts
    assert why is not None and "cannot be read" in why


def test_the_place_search_reads_states_and_countries(gazetteer: Gazetteer) -> None:
    athens = [region_label(p) for p in find_regions(gazetteer, "Athens")]
    assert athens[:2] == ["Athens, Greece", "Athens, Georgia, United States"]
    for query in ("Athens, Georgia", "Athens, GA", "Athens, Ga.", "Athens, Georgia, US"):
        assert [p.id for p in find_regions(gazetteer, query)] == [ATHENS_GA], query
    assert region_label(find_regions(gazetteer, "Tennessee")[0]) == "Tennessee, United States"
    assert find_regions(gazetteer, "Athens, Narnia") == []
    assert find_regions(gazetteer, " , ") == []


# -- the bias -----------------------------------------------------------------------------


def test_paris_in_a_tennessee_story_is_paris_tennessee(pipeline: Pipeline) -> None:
    without = pipeline.analyze(article_from_text(PARIS_BODY))
    assert ids_of(without, "Paris") == {PARIS_FR}  # the test means something
    # The local paper says nothing of Tennessee: its home region does.
    paper = pipeline.analyze(local(PARIS_BODY, outlet="The Paris Post-Intelligencer"))
    assert ids_of(paper, "Paris") == {PARIS_TN}
    story = pipeline.analyze(article_from_text("PARIS, Tenn. (AP) — " + PARIS_BODY))
    assert ids_of(story, "Paris") == {PARIS_TN}
    assert ids_of(story, "PARIS") == {PARIS_TN}


def test_athens_in_a_georgia_story_is_athens_georgia(pipeline: Pipeline) -> None:
    assert ids_of(pipeline.analyze(article_from_text(ATHENS_STORY)), "Athens") == {ATHENS_GR}
    from_outlet = local(ATHENS_STORY, outlet="Athens Banner-Herald")
    assert ids_of(pipeline.analyze(from_outlet), "Athens") == {ATHENS_GA}
    story = "ATHENS, Ga. — Officials in Georgia said Athens police closed the road."
    analysis = pipeline.analyze(article_from_text(story))
    assert ids_of(analysis, "Athens") == {ATHENS_GA}
    assert ids_of(analysis, "Georgia") == {"a1:US-GA"}  # the state, not the country


def test_a_container_written_in_the_text_still_wins(pipeline: Pipeline) -> None:
    text = (
        "PARIS, Tenn. (AP) — The mayor, back from Paris, France, on Monday, thanked Paris police."
    )
    analysis = pipeline.analyze(article_from_text(text))
    paris = [r.place.id for r in analysis.places if r.mention.surface == "Paris"]
    assert paris == [PARIS_FR, PARIS_TN]
    texas = "PARIS, Tenn. (AP) — The band plays in Paris, Texas, next week."
    assert ids_of(pipeline.analyze(article_from_text(texas)), "Paris") == {"gn:4717560"}
    athens = "ATHENS, Ga. — The choir sang in Athens, Greece, last May."
    assert ids_of(pipeline.analyze(article_from_text(athens)), "Athens") == {ATHENS_GR}


def test_no_home_region_changes_nothing(pipeline: Pipeline, gazetteer: Gazetteer) -> None:
    text = "Officials in Athens, Paris and Alexandria met; Georgia and Valencia sent envoys."
    article = article_from_text(text)
    plain = pipeline.analyze(article)
    pipeline.homes = HomeSettings(every=NO_HOME)
    assert pipeline.analyze(article).places == plain.places
    # resolve with home=None is the resolve of old.
    doc = pipeline.nlp(text)
    from mapper.geo.places import find_place_mentions
    from mapper.text.nlp import sentences_of

    mentions = find_place_mentions(doc, gazetteer)
    sentences = sentences_of(doc)
    assert resolve_mentions(text, mentions, sentences, gazetteer) == resolve_mentions(
        text, mentions, sentences, gazetteer, home=None
    )
    assert tuple(resolve_mentions(text, mentions, sentences, gazetteer)) == plain.places


# -- the user's settings ----------------------------------------------------------------------


def test_an_articles_setting_beats_its_outlets_which_beats_its_folders() -> None:
    article = local(outlet="The Paris News", source="/news/tn/local/a.txt")
    settings = HomeSettings(folders={"/news": "cc:US", "/news/tn": PARIS_TN})
    assert settings.setting_for(article) == PARIS_TN  # the deepest folder
    settings = settings.with_setting("outlet", "the paris news", ATHENS_GA)
    assert settings.covering(article) == ("outlet", "paris news")
    assert settings.setting_for(article) == ATHENS_GA
    settings = settings.with_setting("article", article.id, NO_HOME)
    assert settings.setting_for(article) == NO_HOME
    settings = settings.with_setting("article", article.id, None)  # back to the outlet's
    assert settings.setting_for(article) == ATHENS_GA
    assert HomeSettings(every=PARIS_FR).setting_for(local()) == PARIS_FR
    assert scopes_for(article, settings) == [
        ("folder", "/news/tn"),
        ("outlet", "The Paris News"),
        ("article", article.id),
    ]


def test_the_cache_never_hands_back_an_analysis_made_for_another_home(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    cache = AnalysisCache(tmp_path / "cache.sqlite")
    article = dataclasses.replace(article_from_text(ATHENS_STORY), source="/news/ga/a.txt")
    first = next(pipeline.analyze_many([article], cache=cache))
    assert ids_of(first, "Athens") == {ATHENS_GR}
    pipeline.homes = HomeSettings(folders={"/news/ga": ATHENS_GA})
    second = next(pipeline.analyze_many([article], cache=cache))
    assert ids_of(second, "Athens") == {ATHENS_GA}
    assert len(cache) == 2  # both kept, each under its own key
    pipeline.homes = HomeSettings()
    assert next(pipeline.analyze_many([article], cache=cache)) == first  # from the cache
    # The same text from a local outlet is another analysis too.
    from_outlet = dataclasses.replace(article, outlet="Athens Banner-Herald")
    assert ids_of(next(pipeline.analyze_many([from_outlet], cache=cache)), "Athens") == {ATHENS_GA}
    fingerprint = pipeline.fingerprint()
    assert fingerprint_for_home(fingerprint, "") == fingerprint
    assert fingerprint_for_home(fingerprint, f"user:{ATHENS_GA}") != fingerprint_for_home(
        fingerprint, f"user:{ATHENS_GR}"
    )


def test_setting_a_home_re_analyses_only_the_articles_it_covers(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    session = Session(corrections_file=tmp_path / "c.json", recovery_file=tmp_path / "r.dateline")
    session.use_pipeline(pipeline, Corrections())
    folders: list[dict[str, str]] = []
    session.home_folders_changed.connect(folders.append)
    georgia = dataclasses.replace(article_from_text(ATHENS_STORY), source="/news/ga/a.txt")
    elsewhere = dataclasses.replace(article_from_text(PARIS_BODY), source="/news/fr/b.txt")
    session.add_analyses([pipeline.analyze(georgia), pipeline.analyze(elsewhere)])
    session.take_queue()

    assert session.set_home("folder", "/news/ga", ATHENS_GA)
    assert session.queue == (georgia,)
    assert session.modified
    assert folders == [{"/news/ga": ATHENS_GA}]  # the user's settings keep it
    assert pipeline.homes.setting_for(georgia) == ATHENS_GA
    assert not session.set_home("folder", "/news/ga", ATHENS_GA)  # no change
    session.add_analyses(pipeline.analyze(a) for a in session.take_queue())
    analysis = next(a for a in session.atlas.analyses if a.article.id == georgia.id)
    assert ids_of(analysis, "Athens") == {ATHENS_GA}
    home = session.home_of(georgia)
    assert home is not None and (home.source, home.place.id) == ("user", ATHENS_GA)


def test_an_article_analysed_while_its_home_changed_is_analysed_again(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """Import Folder's question is answered while the folder is read: what was analysed
    before the answer is mapped again."""
    session = Session(corrections_file=tmp_path / "c.json", recovery_file=tmp_path / "r.dateline")
    session.use_pipeline(pipeline, Corrections())
    georgia = dataclasses.replace(article_from_text(ATHENS_STORY), source="/news/ga/a.txt")
    elsewhere = dataclasses.replace(article_from_text(PARIS_BODY), source="/news/fr/b.txt")
    session.enqueue([georgia, elsewhere])
    batch = session.take_queue()
    made_before = [pipeline.analyze(a) for a in batch if not isinstance(a, Path)]
    session.set_home("folder", "/news/ga", ATHENS_GA)  # the answer comes now
    session.add_analyses(made_before)
    assert session.queue == (georgia,)


# -- projects ----------------------------------------------------------------------------------


def test_a_project_keeps_the_home_regions(pipeline: Pipeline, tmp_path: Path) -> None:
    article = dataclasses.replace(article_from_text(ATHENS_STORY), source="/news/ga/a.txt")
    homes = HomeSettings(
        folders={"/news/ga": ATHENS_GA},
        outlets={"paris news": PARIS_TN},
        articles={article.id: NO_HOME},
    )
    pipeline.homes = homes
    project = Project(
        articles=(article,),
        analyses=(pipeline.analyze(article),),
        fingerprint=pipeline.fingerprint(),
        home_regions=homes,
    )
    path = tmp_path / "p.dateline"
    save_project(path, project)
    again = load_project(path)
    assert again.home_regions == homes
    assert again == project

    # Reopened by a session whose user has another setting for the folder: the saved
    # analysis was made for the project's, so the article is analysed again.
    session = Session(corrections_file=tmp_path / "c.json", recovery_file=tmp_path / "r.dateline")
    session.use_pipeline(pipeline, Corrections())
    session.open_project(path)
    assert len(session.atlas) == 1 and not session.queue
    session.use_user_home_folders({"/news/ga": ATHENS_GR})
    session.open_project(path)
    assert session.home_settings.setting_for(article) == NO_HOME  # the project's win
    assert len(session.atlas) == 1


def test_an_old_project_without_home_regions_opens(tmp_path: Path) -> None:
    data = to_json(Project(articles=(article_from_text(ATHENS_STORY),)))
    del data["home_regions"]
    path = tmp_path / "p.dateline"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    assert load_project(path).home_regions == HomeSettings()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (["Athens"], "home_regions is not an object"),
        ({"folders": ["/news"]}, "home_regions.folders is not an object"),
        ({"folders": {"/news": 7}}, "home_regions.folders[0] is not a string"),
        ({"outlets": {"AP": None}}, "home_regions.outlets[0] is not a string"),
        ({"articles": {"": ATHENS_GA}}, "home_regions.articles[0] (its name) is empty"),
        (
            {"folders": {"/n": "x" * 5000}},
            "home_regions.folders[0] is longer than 1,000 characters",
        ),
    ],
)
def test_a_damaged_home_region_is_refused_naming_it(
    tmp_path: Path, value: object, problem: str
) -> None:
    data = to_json(Project(articles=(article_from_text(ATHENS_STORY),)))
    data["home_regions"] = value
    path = tmp_path / "p.dateline"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(ProjectError) as refused:
        load_project(path)
    assert str(refused.value) == f"p.dateline: not a Dateline project, or damaged ({problem})"


# -- the command line ----------------------------------------------------------------------------


def run_extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapper", "extract", "--no-model", "--no-cache", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_extract_home_option_and_the_home_region_in_the_json(tmp_path: Path) -> None:
    athens = tmp_path / "athens.txt"
    athens.write_text(ATHENS_STORY, encoding="utf-8")
    paris = tmp_path / "paris.txt"
    paris.write_text("PARIS, Tenn. (AP) — " + PARIS_BODY, encoding="utf-8")

    plain = run_extract(str(athens), str(paris))
    assert plain.returncode == 0, plain.stderr
    first, second = map(json.loads, plain.stdout.splitlines())
    assert first["home_region"] is None
    assert {p["id"] for p in first["places"]} == {ATHENS_GR}
    assert second["home_region"]["label"] == "Paris, Tennessee, United States"
    assert second["home_region"]["source"] == "dateline"
    assert second["home_region"]["from"] == "PARIS, Tenn."

    given = run_extract("--home", "Athens, Georgia", str(athens), str(paris))
    assert given.returncode == 0, given.stderr
    first, second = map(json.loads, given.stdout.splitlines())
    assert first["home_region"]["id"] == ATHENS_GA and first["home_region"]["source"] == "user"
    assert {p["id"] for p in first["places"]} == {ATHENS_GA}
    assert second["home_region"]["id"] == ATHENS_GA  # --home wins over the dateline

    off = run_extract("--home", "none", str(paris))
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)["home_region"] is None

    unknown = run_extract("--home", "Narnia", str(athens))
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "dateline: --home: no town, state or country called 'Narnia'"
