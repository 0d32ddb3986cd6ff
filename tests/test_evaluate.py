"""The evaluate command scores a corpus exactly as the metric definitions say."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from mapper.cli.evaluate import Score, great_circle_km, read_corpus, score_article
from mapper.types import Place, PlaceMention, ResolvedMention, Sentence

TEXT = "Protests in Caracas spread to Valencia. Venezuelan troops stayed."

GWN = f"""<?xml version="1.0"?>
<articles><article file="7"><title>t</title><text>{TEXT}</text><toponyms>
<toponym><extractedName>Caracas</extractedName><type>Literal</type>
  <start>12</start><end>19</end><latitude>10.48801</latitude><longitude>-66.87919</longitude></toponym>
<toponym><extractedName>Valencia</extractedName><type>Literal</type>
  <start>30</start><end>38</end><latitude>10.16202</latitude><longitude>-68.00765</longitude></toponym>
<toponym><extractedName>Venezuelan</extractedName><type>Demonym</type>
  <start>40</start><end>50</end></toponym>
</toponyms></article></articles>"""

# LGL-style: <toponym><start/><end/><gaztag><lat/><lon/></gaztag>, offsets counted from 1.
LGL = f"""<?xml version="1.0"?>
<articles><article docid="1"><text>{TEXT}</text><toponyms>
<toponym><start>13</start><end>20</end><phrase>Caracas</phrase>
  <gaztag geonameid="3646738"><lat>10.48801</lat><lon>-66.87919</lon></gaztag></toponym>
</toponyms></article></articles>"""


def place(name: str, lat: float, lon: float) -> Place:
    return Place(
        id=f"t:{name}", name=name, kind="city", lat=lat, lon=lon, country="", country_code=""
    )


def predicted(start: int, end: int, where: Place) -> ResolvedMention:
    return ResolvedMention(
        PlaceMention(start, end, TEXT[start:end], "ner"), where, 1.0, Sentence(0, len(TEXT))
    )


def test_great_circle_distance() -> None:
    assert great_circle_km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.2)
    assert great_circle_km(10, -66, 10, -66) == 0


def test_gwn_and_lgl_formats_are_read_and_realigned(tmp_path: Path) -> None:
    (tmp_path / "gwn.xml").write_text(GWN, encoding="utf-8")
    (tmp_path / "lgl.xml").write_text(LGL, encoding="utf-8")
    (gwn,) = read_corpus(tmp_path / "gwn.xml")
    assert [TEXT[t.start : t.end] for t in gwn.toponyms] == ["Caracas", "Valencia", "Venezuelan"]
    assert [t.geocoded for t in gwn.toponyms] == [True, True, False]
    (lgl,) = read_corpus(tmp_path / "lgl.xml")
    (caracas,) = lgl.toponyms
    assert TEXT[caracas.start : caracas.end] == "Caracas"  # shifted from 1-based offsets
    assert caracas.lat == pytest.approx(10.48801)


def test_scoring_follows_the_definitions(tmp_path: Path) -> None:
    (tmp_path / "gwn.xml").write_text(GWN, encoding="utf-8")
    (article,) = read_corpus(tmp_path / "gwn.xml")
    score = Score()
    score_article(
        article,
        [
            predicted(12, 19, place("Caracas", 10.48801, -66.87919)),  # right: 0 km
            predicted(30, 38, place("Valencia", 39.47, -0.38)),  # matched, but in Spain
            predicted(40, 50, place("Venezuela", 8, -66)),  # overlaps an uncoded span: ignored
            predicted(0, 8, place("Protests", 0, 0)),  # nothing there: a false positive
        ],
        score,
    )
    report = score.report()
    assert (report["true_positives"], report["false_positives"], report["false_negatives"]) == (
        2,
        1,
        0,
    )
    assert report["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["recall"] == 1.0
    assert report["accuracy_at_161"] == 0.5
    spain_km = great_circle_km(10.16202, -68.00765, 39.47, -0.38)
    expected_auc = (0 + math.log1p(spain_km) / math.log1p(20039)) / 2
    assert report["auc"] == pytest.approx(expected_auc, abs=1e-4)
    assert report["median_error_km"] == pytest.approx(spain_km / 2, abs=0.1)
    assert report["strict_accuracy_at_161"] == 0.5


def test_evaluate_command_end_to_end(tmp_path: Path) -> None:
    corpus = tmp_path / "gwn.xml"
    corpus.write_text(GWN, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mapper", "evaluate", "--no-model", "--json", str(corpus)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    import json

    report = json.loads(result.stdout)
    assert report["gold_toponyms"] == 2
    assert report["true_positives"] == 2  # Caracas and Valencia (in a Venezuelan article)
    assert report["accuracy_at_161"] == 1.0


def test_a_broken_corpus_is_a_clear_error(tmp_path: Path) -> None:
    corpus = tmp_path / "broken.xml"
    corpus.write_text("<articles><article>", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mapper", "evaluate", "--no-model", str(corpus)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "cannot read the corpus" in result.stderr
