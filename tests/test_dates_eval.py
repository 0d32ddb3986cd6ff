"""The TempEval-3 style scorer of the temporal tagger, on small TimeML files written here."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from mapper.time.evaluate import evaluate_dates, format_report, main, parse_tml

# A made-up article in TimeML: one timex the tagger gets right (strict), one it
# finds with a different extent (relaxed only) and one it cannot know.
ARTICLE = """<?xml version="1.0" ?>
<TimeML>
<DOCID>made-up</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2019-05-02"
  functionInDocument="CREATION_TIME">2019-05-02</TIMEX3></DCT>
<TEXT>
Flood waters <EVENT eid="e1">rose</EVENT> on
<TIMEX3 tid="t1" type="DATE" value="2019-04-30">Tuesday</TIMEX3> &amp; the army
<EVENT eid="e2">came</EVENT> <TIMEX3 tid="t2" type="DATE" value="2019-W17">last week</TIMEX3>'s
end. It <EVENT eid="e3">rained</EVENT> for the
<TIMEX3 tid="t3" type="DURATION" value="P2D">two days</TIMEX3> of the
<TIMEX3 tid="t4" type="DATE" value="2019-SP">festival season</TIMEX3>.
</TEXT>
</TimeML>
"""


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "made-up.tml"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_parse_tml_strips_tags_and_keeps_gold_offsets(article: Path) -> None:
    document = parse_tml(article)
    assert document.anchor == datetime.date(2019, 5, 2)
    assert "<" not in document.text
    assert "&amp;" not in document.text and " & " in document.text
    assert [(timex.text, timex.type, timex.value) for timex in document.timexes] == [
        ("Tuesday", "DATE", "2019-04-30"),
        ("last week", "DATE", "2019-W17"),
        ("two days", "DURATION", "P2D"),
        ("festival season", "DATE", "2019-SP"),
    ]
    for timex in document.timexes:
        assert document.text[timex.start : timex.end] == timex.text


def test_evaluate_dates_scores_strict_relaxed_and_values(article: Path) -> None:
    report = evaluate_dates([article.parent])
    overall = report.overall
    assert report.documents == 1
    assert overall.gold == 4
    # "two days" is found as "the two days": relaxed but not strict.
    assert overall.found == 3
    assert overall.strict_matches == 2
    assert overall.relaxed_matches == 3
    assert overall.value_correct == 3
    assert overall.relaxed_precision == 1.0
    assert overall.relaxed_recall == 0.75
    assert overall.value_f1 == pytest.approx(overall.relaxed_f1)
    assert report.date_time.gold == 3
    assert report.date_time.found == 2
    assert ("'festival season' DATE", 1) in report.false_negatives


def test_format_report_and_json(article: Path) -> None:
    report = evaluate_dates([article])
    text = format_report(report)
    assert "overall" in text and "DATE/TIME" in text and "value F1" in text
    payload = json.loads(report.to_json())
    assert payload["overall"]["gold"] == 4
    assert payload["documents"] == 1


def test_main_prints_the_report(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(article), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["relaxed_matches"] == 3
    assert main([str(article.parent / "missing.tml")]) == 2
