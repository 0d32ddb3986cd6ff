"""Dates in the command line and the exports (issue 14): extract's JSON, --published,
export --from/--until, the CSV and GeoJSON columns, KML time, the report's range and
sources, and evaluate-dates. No language model: the blank pipeline or hand-made atlases."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from atlas_factory import Said, article, place

from mapper.atlas import Atlas
from mapper.cli import main
from mapper.export import common, csv_rows, geojson, html, kml
from mapper.filters import Filter
from mapper.sources import seed_paths
from mapper.types import ArticleAnalysis

KML = "{http://www.opengis.net/kml/2.2}"
LIMA = place("gn:3936456", "Lima", "city", -12.04, -77.03, "Peru", "PE")
QUITO = place("gn:3652462", "Quito", "city", -0.23, -78.52, "Ecuador", "EC")
KYIV = place("gn:703448", "Kyiv", "city", 50.45, 30.52, "Ukraine", "UA")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapper", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def with_outlet(analysis: ArticleAnalysis, outlet: str) -> ArticleAnalysis:
    return replace(analysis, article=replace(analysis.article, outlet=outlet))


@pytest.fixture
def atlas() -> Atlas:
    """Lima on a day of its own, Quito in a week (and on the article's day), Kyiv undated."""
    return Atlas(
        [
            with_outlet(
                article(
                    "a1",
                    "Unrest in Peru",
                    [Said("Thousands marched in Lima on May 1, 2019.", [LIMA])],
                    source="/articles/peru.txt",
                    published="2019-05-02",
                ),
                "AP",
            ),
            article(
                "a2",
                "Ecuador talks",
                [
                    Said("Talks opened in Quito last week.", [QUITO]),
                    Said("Quito was calm.", [QUITO]),
                ],
                published="2019-05-09",
            ),
            article("a3", "Kyiv", [Said("Crowds gathered in Kyiv.", [KYIV])]),
        ]
    )


# -- extract -----------------------------------------------------------------------------------


def test_extract_reports_the_article_date_its_dates_and_each_mention_date() -> None:
    (seed,) = seed_paths()
    result = run("extract", "--no-model", str(seed))
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    text = seed.read_text(encoding="utf-8")
    assert record["published"] == {"date": "2019-05-02", "source": "inferred"}
    assert {"outlet", "author", "url"} <= set(record)
    # The existing fields stay.
    assert {"source", "title", "places", "actors", "events"} <= set(record)
    assert record["dates"]
    for timex in record["dates"]:
        assert set(timex) == {"start", "end", "text", "type", "value"}
        assert text[timex["start"] : timex["end"]] == timex["text"]
    assert {"text": "Tuesday", "value": "2019-04-30"}.items() <= next(
        t for t in record["dates"] if t["text"] == "Tuesday"
    ).items()
    sentence = text.index("Wednesday's confrontations")
    end = text.index(".", sentence)
    inside = [
        mention
        for p in record["places"]
        for mention in p["mentions"]
        if sentence <= mention["start"] < end
    ]
    assert inside
    for mention in inside:
        assert (mention["date"], mention["date_from"]) == ("2019-05-01", "sentence")
    every = [m for p in record["places"] for m in p["mentions"]]
    assert all(m["date_from"] in ("sentence", "article") for m in every)
    assert any(m["date_from"] == "article" and m["date"] == "2019-05-02" for m in every)


def test_published_fills_an_undated_text_file(tmp_path: Path) -> None:
    lima = tmp_path / "lima.txt"
    lima.write_text("Thousands protested in Lima, Peru.", encoding="utf-8")
    (seed,) = seed_paths()
    result = run("extract", "--no-model", "--published", "2019-06-03", str(lima), str(seed))
    assert result.returncode == 0, result.stderr
    mine, seeds = (json.loads(line) for line in result.stdout.splitlines())
    assert mine["published"] == {"date": "2019-06-03", "source": "given"}
    mentions = [m for p in mine["places"] for m in p["mentions"]]
    assert mentions and all(
        (m["date"], m["date_from"]) == ("2019-06-03", "article") for m in mentions
    )
    # An article with a date of its own keeps it.
    assert seeds["published"] == {"date": "2019-05-02", "source": "inferred"}


@pytest.mark.parametrize(
    "args",
    [
        ("extract", "--published", "2019-13-01"),
        ("export", "--to", "x.csv", "--published", "May 1"),
        ("export", "--to", "x.csv", "--from", "2019-02-30"),
        ("export", "--to", "x.csv", "--from", "2019-05-02", "--until", "2019-05-01"),
        ("export", "--to", "x.csv", "--no-undated"),
    ],
)
def test_bad_dates_are_usage_errors_of_one_line(
    args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    (seed,) = seed_paths()
    assert main([args[0], "--no-model", *args[1:], str(seed)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dateline: ")


# -- export --from/--until -----------------------------------------------------------------------


def test_export_from_until_drops_pins_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    may = tmp_path / "may.txt"
    may.write_text("Thousands protested in Lima, Peru, on May 1, 2019.", encoding="utf-8")
    june = tmp_path / "june.txt"
    june.write_text("Crowds gathered in Quito, Ecuador, on June 20, 2019.", encoding="utf-8")
    files = [str(may), str(june)]

    def names(*options: str) -> set[str]:
        out = tmp_path / "out.geojson"
        assert main(["export", "--no-model", "--no-cache", "--to", str(out), *options, *files]) == 0
        data = json.loads(out.read_text(encoding="utf-8"))
        return {f["properties"]["name"] for f in data["features"]}

    everything = names()
    assert {"Lima", "Quito"} <= everything
    in_may = names("--from", "2019-05-01", "--until", "2019-05-31")
    assert "Lima" in in_may and not {"Quito", "Ecuador"} & in_may
    in_june = names("--from", "2019-06-01")
    assert "Quito" in in_june and not {"Lima", "Peru"} & in_june
    assert names("--until", "2019-04-30") == set()
    capsys.readouterr()


def test_undated_excerpts_in_or_out(atlas: Atlas, tmp_path: Path) -> None:
    def ids(where: Filter) -> set[str]:
        data = geojson.to_geojson(atlas, where)
        return {f["properties"]["id"] for f in data["features"]}

    may = Filter().between(dt.date(2019, 5, 1), dt.date(2019, 5, 1), undated=False)
    assert ids(may) == {LIMA.id, QUITO.id}  # Quito's "last week" is 29 April – 5 May
    assert ids(Filter().between(dt.date(2019, 5, 1), None, undated=True)) >= {KYIV.id}
    assert KYIV.id not in ids(Filter().between(dt.date(2019, 5, 1), None, undated=False))


# -- CSV, GeoJSON, KML -----------------------------------------------------------------------


def test_csv_carries_excerpt_and_article_dates_and_the_outlet(atlas: Atlas, tmp_path: Path) -> None:
    path = csv_rows.write_csv(tmp_path / "out.csv", atlas)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == csv_rows.CSV_COLUMNS
    assert csv_rows.CSV_COLUMNS[:14] == (
        "article_title",
        "article_source",
        "sentence",
        "place",
        "place_id",
        "kind",
        "lat",
        "lon",
        "country",
        "mention_text",
        "mention_start",
        "mention_end",
        "actors",
        "event_types",
    )  # the columns that were there keep their places
    by_text = {row["sentence"]: row for row in rows}
    lima = by_text["Thousands marched in Lima on May 1, 2019."]
    assert (lima["date"], lima["date_from"]) == ("2019-05-01", "sentence")
    assert (lima["article_published"], lima["outlet"]) == ("2019-05-02", "AP")
    week = by_text["Talks opened in Quito last week."]
    assert (week["date"], week["date_from"]) == ("2019-W18", "sentence")
    calm = by_text["Quito was calm."]
    assert (calm["date"], calm["date_from"], calm["outlet"]) == ("2019-05-09", "article", "")
    kyiv = by_text["Crowds gathered in Kyiv."]
    assert kyiv["date"] == kyiv["date_from"] == kyiv["article_published"] == ""


def test_geojson_carries_dates_and_outlets(atlas: Atlas, tmp_path: Path) -> None:
    path = geojson.write_geojson(tmp_path / "out.geojson", atlas)
    data = json.loads(path.read_text(encoding="utf-8"))
    features = {f["properties"]["id"]: f["properties"] for f in data["features"]}
    (lima,) = features[LIMA.id]["excerpts"]
    assert lima["date"] == "2019-05-01" and lima["date_from"] == "sentence"
    assert lima["article_published"] == "2019-05-02" and lima["outlet"] == "AP"
    (kyiv,) = features[KYIV.id]["excerpts"]
    assert kyiv["date"] is None and kyiv["date_from"] is None
    assert kyiv["article_published"] is None and kyiv["outlet"] is None
    meta = data["dateline"]
    assert meta["dates"] == {"first": "2019-04-29", "last": "2019-05-09"}
    assert meta["sources"][0] == {
        "id": "a1",
        "title": "Unrest in Peru",
        "source": "/articles/peru.txt",
        "outlet": "AP",
        "published": "2019-05-02",
    }


def test_kml_placemarks_have_a_time_stamp_or_span(atlas: Atlas, tmp_path: Path) -> None:
    path = kml.write_kml(tmp_path / "out.kml", atlas)
    root = ET.parse(path).getroot()  # well-formed
    placemarks = {p.findtext(f"{KML}name"): p for p in root.iter(f"{KML}Placemark")}
    lima = placemarks["Lima"]
    assert lima.findtext(f"{KML}TimeStamp/{KML}when") == "2019-05-01"
    assert lima.find(f"{KML}TimeSpan") is None
    quito = placemarks["Quito"]  # "last week" (29 April – 5 May) and 9 May
    assert quito.find(f"{KML}TimeStamp") is None
    assert quito.findtext(f"{KML}TimeSpan/{KML}begin") == "2019-04-29"
    assert quito.findtext(f"{KML}TimeSpan/{KML}end") == "2019-05-09"
    kyiv = placemarks["Kyiv"]  # undated: always shown
    assert kyiv.find(f"{KML}TimeStamp") is None and kyiv.find(f"{KML}TimeSpan") is None
    # KML's order: the time comes after the description, before the style and the point.
    tags = [child.tag.removeprefix(KML) for child in lima]
    assert tags.index("description") < tags.index("TimeStamp") < tags.index("ExtendedData")
    for when in root.iter(f"{KML}when"):
        dt.date.fromisoformat(when.text or "")


def test_kml_of_a_week_alone_is_a_span(tmp_path: Path) -> None:
    week = Atlas([article("w", "W", [Said("Quito, last week.", [QUITO])], published="2019-05-09")])
    root = ET.parse(kml.write_kml(tmp_path / "w.kml", week)).getroot()
    (placemark,) = root.iter(f"{KML}Placemark")
    span = placemark.find(f"{KML}TimeSpan")
    assert span is not None
    assert (span.findtext(f"{KML}begin"), span.findtext(f"{KML}end")) == (
        "2019-04-29",
        "2019-05-05",
    )


# -- the report page (PNG, PDF) and the HTML map -------------------------------------------------


def test_dates_in_words() -> None:
    day = dt.date
    assert common.range_text(day(2019, 4, 30), day(2019, 5, 2)) == "30 April \u2013 2 May 2019"
    assert common.range_text(day(2019, 5, 1), day(2019, 5, 2)) == "1\u20132 May 2019"
    assert common.range_text(day(2019, 5, 2), day(2019, 5, 2)) == "2 May 2019"
    assert (
        common.range_text(day(2018, 12, 30), day(2019, 1, 2))
        == "30 December 2018 \u2013 2 January 2019"
    )
    assert common.range_text(day(2019, 5, 1), None) == "from 1 May 2019"
    assert common.range_text(None, day(2019, 5, 1)) == "until 1 May 2019"
    assert common.range_text(None, None) == ""


def header_dates(page: str) -> str | None:
    found = re.search(r'<p class="dl-frame-dates">([^<]*)</p>', page)
    return None if found is None else found.group(1)


def test_report_shows_the_range_under_the_title(atlas: Atlas, tmp_path: Path) -> None:
    options = common.ReportOptions(title="Andes", date="2024-01-01")
    # No filter: the span of the shown excerpts' dates.
    page = html.build_report_page(atlas, options=options)
    assert header_dates(page) == "29 April \u2013 9 May 2019"
    assert page.index("dl-frame-title") < page.index("dl-frame-dates")
    # The filter's range when set.
    where = Filter().between(dt.date(2019, 4, 30), dt.date(2019, 5, 2))
    page = html.build_report_page(atlas, where, options=options)
    assert header_dates(page) == "30 April \u2013 2 May 2019"
    assert "Dates: 30 April \u2013 2 May 2019" in page  # and the filter in words
    # The standalone HTML map keeps the range: its filter goes to the page's config.
    standalone = html.write_html(tmp_path / "map.html", atlas, where, options=options)
    config = standalone.read_text(encoding="utf-8")
    first, last = dt.date(2019, 4, 30).toordinal(), dt.date(2019, 5, 2).toordinal()
    assert re.search(rf'"firstDay": ?{first}\b', config)
    assert re.search(rf'"lastDay": ?{last}\b', config)
    assert header_dates(config) == "30 April \u2013 2 May 2019"
    # Nothing dated, no range: no header without a title.
    undated = Atlas([article("u", "U", [Said("Kyiv.", [KYIV])])])
    assert header_dates(html.build_report_page(undated)) is None
    assert 'class="dl-frame-header"' not in html.build_report_page(undated)


def test_sources_give_outlet_date_and_title(atlas: Atlas) -> None:
    page = html.build_report_page(atlas, options=common.ReportOptions(width=1600))
    shown = re.findall(r'class="dl-frame-source">([^<]*)<', page)
    assert shown[0] == "AP, 2 May 2019 \u2014 Unrest in Peru"
    assert shown[2] == "Kyiv"  # nothing known but the title


def many_sources(count: int) -> Atlas:
    return Atlas(
        with_outlet(
            article(
                f"n{i}",
                f"Dispatch number {i} from a long running series about the city of Lima",
                [Said(f"Lima report {i}.", [LIMA])],
                published=f"2019-05-{1 + i % 28:02d}",
            ),
            "Reuters",
        )
        for i in range(count)
    )


def test_a_pdf_lists_every_source_a_png_as_many_as_fit() -> None:
    atlas = many_sources(187)
    a4 = common.ReportOptions(width=1123, height=794)
    png = html.build_report_page(atlas, options=a4)
    shown = re.findall(r'class="dl-frame-source">([^<]*)<', png)
    more = re.search(r'class="dl-frame-more">and (\d+) more<', png)
    assert shown and more is not None and len(shown) + int(more.group(1)) == 187
    assert '<section class="dl-frame-appendix"' not in png
    pdf = html.build_report_page(atlas, options=replace(a4, all_sources=True))
    entries = re.findall(r'class="dl-frame-entry">([^<]*)<', pdf)
    assert len(entries) == 187 and 'class="dl-frame-more"' not in pdf
    for i, entry in enumerate(entries):
        assert entry.startswith(f"Reuters, {1 + i % 28} May 2019 \u2014 Dispatch number {i} ")
    assert "Sources (187)" in pdf
    style = re.search(
        r'class="dl-frame-entries" style="column-count: (\d+); font-size: ([\d.]+)px"', pdf
    )
    assert style is not None
    columns, font = int(style.group(1)), float(style.group(2))
    assert columns >= 2 and font >= 7  # legible (5 pt and up, vectors: zoomable)


def test_the_header_gives_the_days_of_the_news_and_counts_the_history_apart() -> None:
    # One story recalls 1793: the header said "1 January 1793 – 28 May 2019".
    history = with_outlet(
        article(
            "old",
            "Lima's founding",
            [Said("The river at Lima was named in 1793.", [LIMA])],
            published="2019-05-02",
        ),
        "Reuters",
    )
    atlas = Atlas([*many_sources(60).analyses, history])
    assert common.shown_range_text(atlas) == (
        "1\u201328 May 2019, and 1 excerpt dated earlier (1793)"
    )
    page = html.build_report_page(atlas, options=common.ReportOptions(width=1123, height=794))
    assert "and 1 excerpt dated earlier (1793)" in page
    # A range the user sets is given as it is.
    where = Filter(first_day=dt.date(1793, 1, 1).toordinal())
    assert common.shown_range_text(atlas, where).startswith("1 January 1793")


def test_a_long_list_of_sources_goes_on_the_page_after_the_map() -> None:
    # 187 sources under an A4 map took 60% of the page and left the map a strip: they go
    # on the next page (one page down), and the footer says where they are.
    a4 = common.ReportOptions(width=1123, height=794, all_sources=True)
    pdf = html.build_report_page(many_sources(187), options=a4)
    footer = pdf[pdf.index('<footer class="dl-frame-footer"') : pdf.index("</footer>")]
    assert "dl-frame-entry" not in footer
    assert "187 articles, listed on the next page" in footer
    appendix = re.search(
        r'<section class="dl-frame-appendix" style="top: 794px; width: 1123px">', pdf
    )
    assert appendix is not None and pdf.index('class="dl-frame-entry"') > appendix.start()


def test_a_short_list_of_sources_stays_under_the_map() -> None:
    a4 = common.ReportOptions(width=1123, height=794, all_sources=True)
    pdf = html.build_report_page(many_sources(6), options=a4)
    footer = pdf[pdf.index('<footer class="dl-frame-footer"') : pdf.index("</footer>")]
    assert len(re.findall(r'class="dl-frame-entry">', footer)) == 6
    assert '<section class="dl-frame-appendix"' not in pdf and "next page" not in pdf
    style = re.search(
        r'class="dl-frame-entries" style="column-count: \d+; font-size: ([\d.]+)px"', pdf
    )
    assert style is not None and float(style.group(1)) >= 8


def test_sources_too_many_for_one_page_run_on_at_the_smallest_type() -> None:
    columns, font, entries, next_page = html.full_register(
        [{"outlet": "AP", "published": "2019-05-02", "title": f"Report {i}"} for i in range(900)],
        1123,
        794,
    )
    assert next_page and len(entries) == 900
    assert font == 7.0 and columns == 5  # the smallest type, in the most columns


# -- evaluate-dates ------------------------------------------------------------------------------

TML = """<?xml version="1.0" ?>
<TimeML>
<DCT><TIMEX3 tid="t0" type="DATE" value="2019-05-02"
  functionInDocument="CREATION_TIME">2019-05-02</TIMEX3></DCT>
<TEXT>
Crowds <EVENT eid="e1">gathered</EVENT> on
<TIMEX3 tid="t1" type="DATE" value="2019-04-30">Tuesday</TIMEX3> in Caracas.
</TEXT>
</TimeML>
"""


def test_evaluate_dates_scores_tml_files_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "one.tml").write_text(TML, encoding="utf-8")
    result = run("evaluate-dates", "--json", str(folder))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 1
    text = run("evaluate-dates", str(folder / "one.tml"))
    assert text.returncode == 0 and text.stdout.strip()
    missing = run("evaluate-dates", str(tmp_path / "nothing.tml"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


def test_evaluate_dates_is_listed_with_its_help() -> None:
    listed = run("--help")
    assert "evaluate-dates" in listed.stdout
    helped = run("evaluate-dates", "--help")
    assert helped.returncode == 0 and "FILES" in helped.stdout and "TimeML" in helped.stdout
