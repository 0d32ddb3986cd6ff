"""``evaluate`` on a folder of marked-up articles (tests/data/localnews): the markup reader
and the same scoring as for GeoWebNews, end to end without the language model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mapper.cli.evaluate import (
    MarkupError,
    Score,
    read_corpus,
    read_marked_text,
    score_article,
)
from mapper.types import Place, PlaceMention, ResolvedMention, Sentence

MARKED = (
    "ATHENS, Ga. — An [Athens]{33.9519,-83.3576} man was charged, [Athens-Clarke]{-} "
    "County Police said.\nHe lives near the [Georgia]{32.8547, -83.4078} state line "
    "with his [Georgian]{-} wife."
)
PLAIN = (
    "ATHENS, Ga. — An Athens man was charged, Athens-Clarke County Police said.\n"
    "He lives near the Georgia state line with his Georgian wife."
)

LOCALNEWS = Path(__file__).parent / "data" / "localnews"


def resolved(text: str, surface: str, lat: float, lon: float) -> ResolvedMention:
    start = text.index(surface)
    where = Place(
        id=f"t:{surface}", name=surface, kind="city", lat=lat, lon=lon, country="", country_code=""
    )
    return ResolvedMention(
        PlaceMention(start, start + len(surface), surface, "ner"),
        where,
        1.0,
        Sentence(0, len(text)),
    )


def test_markup_is_stripped_and_offsets_point_into_the_plain_text() -> None:
    article = read_marked_text(MARKED, "a.txt")
    assert article.text == PLAIN
    assert [article.text[t.start : t.end] for t in article.toponyms] == [
        "Athens",
        "Athens-Clarke",
        "Georgia",
        "Georgian",
    ]
    assert [t.name for t in article.toponyms] == ["Athens", "Athens-Clarke", "Georgia", "Georgian"]
    assert [t.geocoded for t in article.toponyms] == [True, False, True, False]
    georgia = article.toponyms[2]
    assert (georgia.lat, georgia.lon) == (32.8547, -83.4078)  # spaces after the comma are fine


def test_uncoded_spans_count_neither_way() -> None:
    article = read_marked_text(MARKED, "a.txt")
    score = Score()
    score_article(
        article,
        [
            resolved(PLAIN, "Athens", 33.95, -83.36),  # right
            resolved(PLAIN, "Athens-Clarke", 37.98, 23.73),  # a {-} span: not a false positive
            resolved(PLAIN, "Georgia", 42.0, 43.5),  # the country: matched, but far
            resolved(PLAIN, "Georgian", 42.0, 43.5),  # a {-} span
            resolved(PLAIN, "Police", 0.0, 0.0),  # unmarked: a false positive
        ],
        score,
    )
    report = score.report()
    assert (report["true_positives"], report["false_positives"], report["false_negatives"]) == (
        2,
        1,
        0,
    )
    assert report["accuracy_at_161"] == 0.5
    assert [(e.kind, e.name) for e in score.errors] == [
        ("far", "Georgia"),
        ("false_positive", "Police"),
    ]
    assert "Georgia" in score.errors[0].line() and "km" in score.errors[0].line()


def test_an_unfound_gold_toponym_is_a_miss_and_an_unfound_uncoded_span_is_nothing() -> None:
    article = read_marked_text(MARKED, "a.txt")
    score = Score()
    score_article(article, [resolved(PLAIN, "Athens", 33.95, -83.36)], score)
    report = score.report()
    assert (report["true_positives"], report["false_positives"], report["false_negatives"]) == (
        1,
        0,
        1,  # Georgia; the two {-} spans are not counted
    )
    assert [(e.kind, e.article, e.name) for e in score.errors] == [("missed", "a.txt", "Georgia")]


@pytest.mark.parametrize(
    ("marked", "line", "hint"),
    [
        ("Fine [Athens]{33.9,-83.3}.\nBroken [Paris]{36.3,-88.3 here.", 2, "'['"),  # no }
        ("One.\nTwo.\nA typo [Tyler]{32.35,-95.30> there.", 3, "'['"),  # > for }
        ("[Hope]{33.6,-93.5}\n[Hope]{abc} again", 2, "needs {lat,lon} or {-}"),
        ("[Rome]{34.2,-85.1,7}", 1, "needs {lat,lon} or {-}"),
        ("Off the globe: [Nowhere]{95.0,10.0}", 1, "off the globe"),
        ("A stray ] bracket", 1, "']'"),
        ("Lone braces {like this}", 1, "'{'"),
        ("Empty [] {-}", 1, "'['"),
    ],
)
def test_malformed_markup_names_the_file_and_line(marked: str, line: int, hint: str) -> None:
    with pytest.raises(MarkupError) as caught:
        read_marked_text(marked, "story.txt")
    message = str(caught.value)
    assert message.startswith(f"story.txt, line {line}:")
    assert hint in message


def test_a_folder_reads_its_txt_files_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("In [Rome]{34.2570,-85.1647} today.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Nothing here.", encoding="utf-8")
    (tmp_path / "DONE").write_text("", encoding="utf-8")  # markers and notes are not articles
    (tmp_path / "README.md").write_text("[not]{markup", encoding="utf-8")
    articles = read_corpus(tmp_path)
    assert [a.id for a in articles] == ["a.txt", "b.txt"]
    assert articles[1].text == "In Rome today."
    assert articles[1].toponyms[0].name == "Rome"


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MarkupError, match=r"no \.txt articles"):
        read_corpus(tmp_path)


def evaluate_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapper", "evaluate", "--no-model", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_evaluate_scores_a_folder_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Protests in [Caracas]{10.48801,-66.87919} spread to [Valencia]{10.16202,-68.00765}. "
        "[Venezuelan]{-} troops stayed.",
        encoding="utf-8",
    )
    # A gold point nowhere near any Maracaibo, a name no gazetteer holds, and an
    # unmarked city: one far pin, one miss and one false positive.
    (tmp_path / "b.txt").write_text(
        "Officials in London met farmers from [Maracaibo]{0.0,0.0} and [Zzyzxville]{35.0,-116.0}.",
        encoding="utf-8",
    )
    result = evaluate_command("--json", "--errors", str(tmp_path))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == 2
    assert report["gold_toponyms"] == 4
    assert (report["true_positives"], report["false_positives"], report["false_negatives"]) == (
        3,
        1,
        1,
    )
    assert report["accuracy_at_161"] == pytest.approx(2 / 3, abs=1e-4)
    kinds = {(e["kind"], e["article"], e["name"]) for e in report["errors"]}
    assert kinds == {
        ("far", "b.txt", "Maracaibo"),
        ("missed", "b.txt", "Zzyzxville"),
        ("false_positive", "b.txt", "London"),
    }
    far = next(e for e in report["errors"] if e["kind"] == "far")
    assert "Maracaibo" in far["pinned"] and far["km"] > 161

    text = evaluate_command("--errors", str(tmp_path))
    assert text.returncode == 0, text.stderr
    assert "missed          b.txt@" in text.stdout and ": Zzyzxville" in text.stdout
    assert "false positive  b.txt@13: London → London" in text.stdout
    assert "precision" in text.stdout  # the usual summary follows the list


def test_a_malformed_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("In [Rome]{34.2570,-85.1647}.", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("Line one.\nIn [Rome]{34.2570,-85.1647.", encoding="utf-8")
    result = evaluate_command(str(tmp_path))
    assert result.returncode == 1
    assert "cannot read the corpus" in result.stderr
    assert "bad.txt, line 2" in result.stderr


def test_the_localnews_splits_are_well_formed() -> None:
    """Both splits parse, are big enough, and keep their articles apart."""
    dev, heldout = read_corpus(LOCALNEWS / "dev"), read_corpus(LOCALNEWS / "heldout")
    for split in (dev, heldout):
        assert len(split) >= 20
        assert sum(t.geocoded for a in split for t in a.toponyms) >= 300
        for article in split:
            assert 250 <= len(article.text.split()) <= 600, article.id
            for t in article.toponyms:
                assert article.text[t.start : t.end] == t.name
    assert not {a.text for a in dev} & {a.text for a in heldout}
