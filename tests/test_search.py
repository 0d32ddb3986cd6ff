"""Searching the articles' text (mapper.search): what matches, where to highlight, hostile
queries, the filter it makes (with the other facets, in Python and in the page), projects
and `export --search`."""

from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from pathlib import Path

import pytest
from atlas_factory import ROSA, Said, article, place
from test_export_cli import geojson, run_export, succeeded
from test_page_filter import open_page, random_atlas, random_filter  # noqa: F401 (fixture)

from mapper.atlas import Atlas
from mapper.filters import Filter
from mapper.search import MAX_QUERY_CHARS, SearchIndex, fts_query, searched
from mapper.session import Session
from mapper.store.project import Project, load_project, save_project

LIMA = place("gn:1", "Lima", "city", -12.05, -77.04, "Peru")
KYIV = place("gn:2", "Kyiv", "city", 50.45, 30.52, "Ukraine")
QUITO = place("gn:3", "Quito", "city", -0.22, -78.5, "Ecuador")


@pytest.fixture
def atlas() -> Atlas:
    return Atlas(
        [
            article(
                "a1",
                "Unrest",
                [
                    Said("Police fired tear gas at protesters in Lima.", [LIMA], [], ["Protests"]),
                    Said("In Kyiv the gas supply failed; tears at Café Zoë.", [KYIV]),
                ],
            ),
            article(
                "a2",
                "More",
                [
                    Said(
                        "Rosa Quispe saw TEAR GAS used in Quito by the protesting crowd.",
                        [QUITO],
                        [ROSA],
                    )
                ],
            ),
        ]
    )


def found(atlas: Atlas, text: str) -> dict[str, list[str]]:
    """What a search matched: excerpt id → the matched pieces of its text."""
    index = SearchIndex()
    index.sync(atlas)
    result = index.search(text)
    return {
        excerpt_id: [atlas.excerpt(excerpt_id).text[start:end] for start, end in spans]
        for excerpt_id, spans in result.matches.items()
    }


LIMA_EX, KYIV_EX, QUITO_EX = "a1:0", "a1:45", "a2:0"


def test_words_match_anywhere_and_the_matches_are_where_to_highlight(atlas):
    assert found(atlas, "tear gas") == {
        LIMA_EX: ["tear", "gas"],
        QUITO_EX: ["TEAR", "GAS"],  # case-insensitive, offsets into the original text
    }
    assert found(atlas, "gas") == {LIMA_EX: ["gas"], KYIV_EX: ["gas"], QUITO_EX: ["GAS"]}


def test_a_quoted_phrase_needs_the_words_together(atlas):
    assert found(atlas, '"tear gas"') == {LIMA_EX: ["tear gas"], QUITO_EX: ["TEAR GAS"]}
    assert found(atlas, '"gas tear"') == {}
    assert found(atlas, '"gas supply') == {KYIV_EX: ["gas supply"]}  # an unclosed quote


def test_prefixes_or_and_accents(atlas):
    assert found(atlas, "protest*") == {LIMA_EX: ["protesters"], QUITO_EX: ["protesting"]}
    assert found(atlas, "protest") == {}  # a word is a word without the star
    assert found(atlas, "cafe zoe") == {KYIV_EX: ["Café", "Zoë"]}
    assert found(atlas, "CAFÉ") == {KYIV_EX: ["Café"]}
    assert found(atlas, "Lima OR Quito") == {LIMA_EX: ["Lima"], QUITO_EX: ["Quito"]}


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        '""',
        "AND OR",
        "OR",
        "*",
        "**",
        "NEAR(",
        "NEAR(tear gas, 2)",
        "tear NOT",
        "text:gas",
        "{text}: gas",
        "^gas",
        "gas)",
        "(",
        "'",
        "\x00gas\ud800",
        "\ue000gas\ue001",
        "x" * 100_000,
        "gas " * 30_000,
    ],
)
def test_hostile_queries_never_raise(atlas, hostile):
    started = time.perf_counter()
    result = found(atlas, hostile)
    assert time.perf_counter() - started < 2
    for excerpt_id, pieces in result.items():
        assert atlas.has_excerpt(excerpt_id)
        assert all(piece.casefold() in ("gas", "tear", "near") for piece in pieces), pieces


def test_operators_are_words_not_syntax(atlas):
    assert fts_query("NEAR(tear gas, 2)") == '"NEAR(tear" "gas," "2)"'
    assert found(atlas, "tear AND gas") == {}  # "and" is a word none of them has
    assert found(atlas, "NEAR(tear gas") == {}
    assert found(atlas, "gas)") == found(atlas, "gas")
    assert len(fts_query("x" * 100_000)) <= MAX_QUERY_CHARS + 2


def test_the_index_follows_the_atlas(atlas):
    index = SearchIndex()
    index.sync(atlas)
    assert set(index.search("Quito").ids) == {QUITO_EX}
    atlas.remove("a2")
    index.sync(atlas)
    assert index.search("Quito").ids == frozenset()
    assert len(index) == 2
    atlas.add(article("a3", "New", [Said("Riot police in Quito.", [QUITO])]))
    index.sync(atlas)
    assert index.search("quito").ids == {"a3:0"}
    assert index.search("lima").ids == {LIMA_EX}  # the others stay indexed


def test_search_combines_with_the_other_facets(atlas):
    index = SearchIndex()
    where = searched(Filter(search="tear gas"), index, atlas)
    assert where.excerpts == {LIMA_EX, QUITO_EX}
    assert {p.id for p in atlas.places(where=where)} == {LIMA.id, QUITO.id}
    with_rosa = searched(replace(Filter.of(actors=[ROSA.id]), search="tear gas"), index, atlas)
    assert {p.id for p in atlas.places(where=with_rosa)} == {QUITO.id}
    protests = searched(Filter.of(event_types=["Protests"], actors=None), index, atlas)
    assert protests.excerpts is None  # no text: no search facet
    assert searched(replace(Filter(), search="nothing-here"), index, atlas).excerpts == set()
    assert not atlas.places(where=searched(Filter(search="nothing-here"), index, atlas))
    # A lone quote or star (a phrase being typed) filters nothing rather than everything.
    for unfinished in ('"', "*", '" *'):
        assert searched(Filter(search=unfinished), index, atlas).excerpts is None
    assert Filter(search="x").is_open and not Filter(excerpts=frozenset()).is_open


def test_the_session_resolves_the_search_and_projects_keep_its_text(atlas, tmp_path: Path):
    session = Session(corrections_file=tmp_path / "c.json", recovery_file=tmp_path / "r")
    session.add_analyses(atlas.analyses)
    shown = session.shown(Filter(search="  tear   gas "))
    assert shown.search == "tear gas" and shown.excerpts == {LIMA_EX, QUITO_EX}
    path = tmp_path / "p.dateline"
    save_project(path, session.project_now(shown))
    saved = json.loads(_project_json(path))["filter"]
    assert saved["search"] == "tear gas" and saved["excerpts"] is None
    assert load_project(path).filter.search == "tear gas"


def _project_json(path: Path) -> str:
    import gzip

    data = path.read_bytes()
    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8")


@pytest.mark.parametrize("bad", [17, ["tear"], "x" * (MAX_QUERY_CHARS + 1)])
def test_a_project_with_a_bad_search_is_refused(tmp_path: Path, bad):
    from mapper.store.project import ProjectError

    path = tmp_path / "p.dateline"
    save_project(path, Project(articles=(), filter=Filter(search="ok")))
    data = json.loads(_project_json(path))
    data["filter"]["search"] = bad
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProjectError):
        load_project(path)


def test_searching_a_thousand_sentences_is_fast():
    atlas = random_atlas(3)
    index = SearchIndex()
    index.sync(atlas)
    started = time.perf_counter()
    for query in ("Town01x", "town1*", '"Group02y Town03x"', "S1 OR S2"):
        assert index.search(query).ids
    assert (time.perf_counter() - started) / 4 < 0.1


# -- the page agrees --------------------------------------------------------------------------


def test_the_page_and_mapper_agree_on_searches(open_page):  # noqa: F811 (the fixture)
    atlas = random_atlas(12)
    page = open_page(atlas)
    index = SearchIndex()
    rng = random.Random(8)
    queries = ["Town01x", "Town0*", '"Group01y Town02x"', "S1*", "Group03y OR Town04x", "zzz"]
    for text in queries:
        base = random_filter(rng, atlas) if rng.random() < 0.6 else Filter()
        where = searched(replace(base, search=text), index, atlas)
        assert where.excerpts is not None
        result = page.set_filter(where)
        expected = {p.id for p in atlas.places(where=where)}
        assert page.pins() == expected, where
        passing = {
            e.id for p in atlas.places() for e in atlas.excerpts_for_place(p.id, where=where)
        }
        assert result["excerpts"] == len(passing), where
        assert page.json("Dateline.filterState()")["search"] == text
    assert page.set_filter(Filter())["pins"] == len(atlas.places())


# -- the command line ------------------------------------------------------------------------


def test_export_search_keeps_only_the_matching_places(tmp_path: Path):
    everything = tmp_path / "all.geojson"
    total = succeeded(run_export(everything), everything)
    out = tmp_path / "tear-gas.geojson"
    places = succeeded(run_export(out, "--search", "tear gas"), out)
    assert 1 <= places < total
    data = geojson(out)
    names = {f["properties"]["name"] for f in data["features"]}
    assert "Caracas" in names and "Russia" not in names
    assert data["dateline"]["filter"]["search"] == "tear gas"
    nothing = tmp_path / "none.geojson"
    result = run_export(nothing, "--search", 'NEAR("zzyzx')
    assert result.returncode == 0, result.stderr
    assert "no place passes the filter" in result.stderr
    assert geojson(nothing)["features"] == []
