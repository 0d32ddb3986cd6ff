"""User corrections: saved, reloaded, applied to every article and to the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mapper.geo.corrections import Corrections, CorrectionsError, candidates_for, describe
from mapper.pipeline import Pipeline
from mapper.sources import article_from_text, seed_paths

VENEZUELAN = "Venezuela's opposition marched in Valencia on Sunday."


@pytest.fixture(scope="module")
def gazetteer_pipeline() -> Pipeline:
    return Pipeline.blank(corrections=Corrections())


def places_of(pipeline: Pipeline, text: str) -> dict[str, str]:
    return {r.mention.surface: r.place.id for r in pipeline.analyze(article_from_text(text)).places}


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    corrections = (
        Corrections().with_correction("Valencia", "gn:2509954").with_correction("Bolton", None)
    )
    path = tmp_path / "corrections.json"
    corrections.save(path)
    loaded = Corrections.load(path)
    assert loaded == corrections
    assert loaded.get_for("VALENCIA") is not None  # keyed without case or accents
    assert loaded["bolton"].place_id is None
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_missing_file_is_no_corrections(tmp_path: Path) -> None:
    assert len(Corrections.load(tmp_path / "none.json")) == 0


@pytest.mark.parametrize("content", ["{", '{"version": 9}', '{"version": 1, "corrections": 3}'])
def test_bad_files_give_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorrectionsError):
        Corrections.load(path)


def test_choosing_another_candidate_applies_to_every_article(
    gazetteer_pipeline: Pipeline,
) -> None:
    default = places_of(gazetteer_pipeline, VENEZUELAN)["Valencia"]
    spanish = next(
        c.place
        for c in candidates_for("Valencia", gazetteer_pipeline.gazetteer)
        if c.place.country_code == "ES" and c.place.kind == "city"
    )
    assert default != spanish.id
    corrected = Pipeline(
        gazetteer_pipeline.nlp,
        gazetteer_pipeline.gazetteer,
        model_name="blank",
        corrections=Corrections().with_correction("Valencia", spanish.id),
    )
    assert places_of(corrected, VENEZUELAN)["Valencia"] == spanish.id
    assert places_of(corrected, "Fans in Valencia celebrated.")["Valencia"] == spanish.id


def test_not_a_place_removes_the_pin(gazetteer_pipeline: Pipeline) -> None:
    corrected = Pipeline(
        gazetteer_pipeline.nlp,
        gazetteer_pipeline.gazetteer,
        model_name="blank",
        corrections=Corrections().with_correction("Caracas", None),
    )
    assert "Caracas" in places_of(gazetteer_pipeline, "Protests in Caracas, Venezuela.")
    assert "Caracas" not in places_of(corrected, "Protests in Caracas, Venezuela.")


def test_candidates_are_labelled_for_a_menu(gazetteer_pipeline: Pipeline) -> None:
    candidates = candidates_for("Valencia", gazetteer_pipeline.gazetteer)
    assert len(candidates) >= 2
    assert {c.place.country_code for c in candidates} >= {"VE", "ES"}
    caracas = gazetteer_pipeline.gazetteer.lookup("Caracas")[0]
    assert describe(caracas).startswith("Caracas — Venezuela · city · pop. 3,000,000")


def test_cli_applies_a_corrections_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    Corrections().with_correction("Caracas", None).save(path)
    (seed,) = seed_paths()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mapper",
            "extract",
            "--no-model",
            "--corrections",
            str(path),
            str(seed),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    names = {p["name"] for p in json.loads(result.stdout)["places"]}
    assert "Caracas" not in names and "Venezuela" in names
