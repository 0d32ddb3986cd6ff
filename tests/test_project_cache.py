"""Projects and the analysis cache: saved, reopened, invalidated, never half-written."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
from dataclasses import asdict, replace

import pytest

from mapper.filters import Filter
from mapper.geo.corrections import Corrections
from mapper.pipeline import Pipeline
from mapper.sources import article_from_text, read_article, seed_paths
from mapper.store.cache import AnalysisCache, text_key
from mapper.store.project import Project, ProjectError, load_project, save_project
from mapper.store.serialize import analysis_from_dict, analysis_to_dict


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.blank(corrections=Corrections())


@pytest.fixture(scope="module")
def seed_analysis(pipeline: Pipeline):
    return pipeline.analyze(read_article(seed_paths()[0]))


def test_analysis_round_trips_through_json(seed_analysis) -> None:
    assert analysis_from_dict(analysis_to_dict(seed_analysis)) == seed_analysis


def test_the_json_of_an_analysis_is_every_field_of_every_record(seed_analysis) -> None:
    from atlas_factory import ROSA, Said, article, place

    lima = place("gn:3936456", "Lima", "city", -12.04, -77.03, "Peru")
    handmade = article(
        "x", "Lima", [Said("Rosa Quispe marched in Lima.", [lima], [ROSA], ["Protests", "Riots"])]
    )
    for analysis in (seed_analysis, handmade):
        expected = asdict(analysis)
        # Dates are kept compactly, as [start, end, type, value]: their text is the article's.
        expected["dates"] = [
            [d["start"], d["end"], d["type"], d["value"]] for d in expected["dates"]
        ]
        assert json.dumps(analysis_to_dict(analysis)) == json.dumps(expected)
    assert seed_analysis.dates and seed_analysis.dates_anchor == "2019-05-02"


def test_cache_hit_gives_the_same_analysis(pipeline, seed_analysis, tmp_path) -> None:
    cache = AnalysisCache(tmp_path / "cache.sqlite")
    article = seed_analysis.article
    assert list(pipeline.analyze_many([article], cache=cache)) == [seed_analysis]
    assert len(cache) == 1
    renamed = replace(article, source="/elsewhere/copy.txt", title="A copy")
    (again,) = pipeline.analyze_many([renamed], cache=cache)
    assert again.places == seed_analysis.places and again.article == renamed


def test_a_pipeline_change_invalidates_the_cache(pipeline, seed_analysis, tmp_path) -> None:
    cache = AnalysisCache(tmp_path / "cache.sqlite")
    list(pipeline.analyze_many([seed_analysis.article], cache=cache))
    corrected = Pipeline(
        pipeline.nlp,
        pipeline.gazetteer,
        model_name="blank",
        corrections=Corrections().with_correction("Caracas", None),
    )
    assert corrected.fingerprint() != pipeline.fingerprint()
    assert cache.get(seed_analysis.article, corrected.fingerprint()) is None
    (fresh,) = corrected.analyze_many([seed_analysis.article], cache=cache)
    assert "Caracas" not in {r.place.name for r in fresh.places}


def test_a_bulk_read_keeps_order_and_treats_damaged_entries_as_misses(
    pipeline, tmp_path, monkeypatch
) -> None:
    import mapper.store.cache

    monkeypatch.setattr(mapper.store.cache, "_KEYS_PER_QUERY", 2)  # several queries for five
    cache = AnalysisCache(tmp_path / "cache.sqlite")
    fingerprint = pipeline.fingerprint()
    articles = [
        article_from_text(f"Protesters gathered in {city} on day {n}.")
        for n, city in enumerate(["Caracas", "Havana", "Bogota", "Lima", "Quito"])
    ]
    stored = list(pipeline.analyze_many(articles[:2] + articles[3:], cache=cache))
    with cache._lock:  # damage Lima's entry on disk
        cache._db.execute(
            "UPDATE analyses SET data = ? WHERE text_key = ?",
            (b"not zlib", text_key(articles[3].text)),
        )
        cache._db.commit()
    hits = cache.get_many([*articles, articles[0]], fingerprint)
    assert hits == [stored[0], stored[1], None, None, stored[3], stored[0]]
    assert [a.article for a in pipeline.analyze_many(articles, cache=cache)] == articles
    assert cache.get(articles[3], fingerprint) is not None  # analysed again and stored


def test_a_corrupt_cache_is_set_aside_and_rebuilt(pipeline, seed_analysis, tmp_path) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = AnalysisCache(path)
    assert len(cache) == 0
    assert list(tmp_path.glob("cache.sqlite.corrupt-*"))
    list(pipeline.analyze_many([seed_analysis.article], cache=cache))
    assert len(cache) == 1


def test_project_round_trip(seed_analysis, tmp_path) -> None:
    other = article_from_text("Protests in Lima, Peru.", source="lima.txt")
    project = Project(
        articles=(seed_analysis.article, other),
        corrections=Corrections().with_correction("Valencia", "gn:2509954"),
        filter=Filter.of(event_types=["Protests"], actors=["state:VE"]),
        view=(10.5, -66.9, 6.0),
        chosen_article=other.id,
        analyses=(seed_analysis,),
        fingerprint="abc",
    )
    path = tmp_path / "crisis.dateline"
    save_project(path, project)
    assert load_project(path) == project
    assert not [p for p in tmp_path.iterdir() if p.name != "crisis.dateline"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not a Dateline project"),
        (b"hello", "not a Dateline project"),
        (gzip.compress(b'{"format": "something else"}'), "not a Dateline project"),
        (gzip.compress(b'{"format": "dateline-project", "version": 99}'), "another version"),
        (gzip.compress(b'{"format": "dateline-project", "version": 1}'), "damaged"),
    ],
)
def test_bad_project_files_give_a_clear_reason(tmp_path, content, reason) -> None:
    path = tmp_path / "bad.dateline"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=reason):
        load_project(path)


def test_truncated_project_is_refused(seed_analysis, tmp_path) -> None:
    path = tmp_path / "p.dateline"
    save_project(path, Project(articles=(seed_analysis.article,)))
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(ProjectError, match="truncated or damaged"):
        load_project(path)


def test_a_save_killed_midway_leaves_the_previous_project_intact(seed_analysis, tmp_path) -> None:
    path = tmp_path / "work.dateline"
    previous = Project(articles=(seed_analysis.article,), fingerprint="before")
    save_project(path, previous)
    # A separate process starts saving a big project and is killed while writing.
    script = textwrap.dedent(f"""
        import os, signal, gzip
        from pathlib import Path
        import mapper.store.project as project
        from mapper.sources import article_from_text
        real_write = gzip.GzipFile.write
        def write_then_die(self, data):
            real_write(self, data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        gzip.GzipFile.write = write_then_die
        big = tuple(article_from_text("Protests in Lima. " * 5000 + str(i)) for i in range(5))
        project.save_project(Path({str(path)!r}), project.Project(articles=big))
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=120, check=False
    )
    assert result.returncode == -9  # killed, as planned
    assert load_project(path) == previous


def test_reopening_cached_articles_does_not_load_the_model(pipeline, tmp_path) -> None:
    from mapper.text.nlp import blank_nlp

    loads: list[str] = []

    def load_model():
        loads.append("loaded")
        return blank_nlp()

    def lazy() -> Pipeline:
        return Pipeline(
            None,
            pipeline.gazetteer,
            model_name="blank",
            model_version="1",
            load_model=load_model,
            corrections=Corrections(),
        )

    cache = AnalysisCache(tmp_path / "cache.sqlite")
    articles = [article_from_text(f"Protesters marched in {city}.") for city in ("Lima", "Quito")]
    heard: list[str] = []
    first = list(lazy().analyze_many(articles[:1], cache=cache, progress=heard.append))
    assert loads == ["loaded"] and heard == ["Loading the language model…"]

    reopened = lazy()
    assert list(reopened.analyze_many(articles[:1], cache=cache)) == first
    assert not reopened.model_loaded and loads == ["loaded"]  # all from the cache

    both = list(reopened.analyze_many(articles, cache=cache))
    assert [a.article for a in both] == articles and reopened.model_loaded
    assert loads == ["loaded", "loaded"]


@pytest.mark.model
def test_the_model_is_known_before_it_is_loaded() -> None:
    """The fingerprint made before loading the model is the one made after: same cache keys."""
    from mapper.text.nlp import load_nlp, model_identity

    lazy = Pipeline.load(corrections=Corrections())
    assert not lazy.model_loaded
    before = lazy.fingerprint()
    meta = load_nlp().meta
    assert model_identity() == (f"{meta['lang']}_{meta['name']}", meta["version"])
    assert lazy.nlp.meta["version"] == meta["version"] and lazy.fingerprint() == before


def test_a_project_is_encoded_in_pieces_to_the_same_json(seed_analysis) -> None:
    from mapper.store.project import _json_pieces, to_json

    data = to_json(
        Project(
            articles=(seed_analysis.article,), analyses=(seed_analysis,), view=(10.5, -66.9, 6.0)
        )
    )
    assert "".join(_json_pieces(data)) == json.dumps(data, ensure_ascii=False)
