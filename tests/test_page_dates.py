"""Dates in the map page (issue 14): TIMEX3 values in words as mapper/time/display.py
says them, day ordinals as Python counts them, and the standalone HTML map's date
control (from, until, undated), which the window's page and reports do not have."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from atlas_factory import OffscreenPage, Said, article, place

from mapper.atlas import Atlas
from mapper.export import common, html
from mapper.filters import Filter
from mapper.page import mapview
from mapper.time.display import describe_date

LIMA = place("gn:3936456", "Lima", "city", -12.04, -77.03, "Peru", "PE")
QUITO = place("gn:3652462", "Quito", "city", -0.23, -78.52, "Ecuador", "EC")
KYIV = place("gn:703448", "Kyiv", "city", 50.45, 30.52, "Ukraine", "UA")

#: Values the JavaScript formatter must say as describe_date does (or leave as they are).
VALUES = [
    "2019-05-01",
    "2019-05-01TMO",
    "2019-05-01TNI",
    "2019-05-01T14:30",
    "2019-05-01T14:30:15.5+05:30",
    "2019-05-01TXX",
    "2000-02-29",
    "1900-02-29",
    "2019-02-30",
    "0000-01-01",
    "0050-03-01",
    "2019-W18",
    "2019-W18-WE",
    "2019-W18-3",
    "2019-W01-1",
    "2020-W53-7",
    "2015-W53",
    "2019-W53",
    "2019-W00",
    "2019-05",
    "2019-13",
    "2019-Q2",
    "2019-H1",
    "2019-H2",
    "2019-SP",
    "2019-SU",
    "2019-FA",
    "2019-WI",
    "1999-WI",
    "2019",
    "201X",
    "201",
    "19XX",
    "19",
    "PRESENT_REF",
    "PAST_REF",
    "FUTURE_REF",
    " 2019-05 ",
    "",
    "XXXX-XX-XX",
    "P3D",
]
DAYS = ["0001-01-01", "1600-02-29", "1970-01-01", "2019-05-01", "2024-12-31", "9999-12-31"]
NOT_DAYS = ["", "2019-02-30", "0000-01-01", "2019-5-1", "2019-05-01T00:00", "1900-02-29"]


@pytest.fixture
def atlas() -> Atlas:
    """Lima on 1 May 2019, Quito in week 18 and on 9 May, Kyiv undated (its own article)."""
    return Atlas(
        [
            article(
                "a1",
                "Unrest in Peru",
                [Said("Thousands marched in Lima on May 1, 2019.", [LIMA])],
                published="2019-05-02",
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


@pytest.fixture
def exported(qtbot, atlas: Atlas, tmp_path: Path) -> Iterator[OffscreenPage]:
    """The HTML export of 30 April – 2 May 2019, articles a1 and a2, in a browser."""
    where = Filter.of(articles=["a1", "a2"]).between(dt.date(2019, 4, 30), dt.date(2019, 5, 2))
    options = common.ReportOptions(title="Andes")
    path = html.write_html(tmp_path / "map.html", atlas, where, options=options)
    view = OffscreenPage(qtbot, path, (1000, 700), offline=True)
    yield view
    view.close()


def set_field(view: OffscreenPage, name: str, value: str | bool) -> None:
    """Type into one of the date control's fields as a reader would (events and all)."""
    prop = "checked" if isinstance(value, bool) else "value"
    view.js(
        f"(function () {{ const input = document.querySelector('.dl-date-{name}');"
        f" input.{prop} = {json.dumps(value)};"
        " input.dispatchEvent(new Event('input', { bubbles: true }));"
        " input.dispatchEvent(new Event('change', { bubbles: true })); })()"
    )


def fields(view: OffscreenPage) -> list[object]:
    return [
        view.js("document.querySelector('.dl-date-from').value"),
        view.js("document.querySelector('.dl-date-until').value"),
        view.js("document.querySelector('.dl-date-undated').checked"),
    ]


def test_the_html_export_has_a_date_control_that_narrows_the_pins(
    exported: OffscreenPage,
) -> None:
    view = exported
    assert view.js("document.querySelectorAll('.dl-datefilter').length") == 1
    # Pre-filled with the export's range; Kyiv's article is left out by the export.
    assert fields(view) == ["2019-04-30", "2019-05-02", True]
    assert set(view.json("Dateline.pinIds()")) == {LIMA.id, QUITO.id}
    # Later days: only Quito's calm of 9 May; the articles facet stays.
    set_field(view, "from", "2019-05-06")
    set_field(view, "until", "2019-05-10")
    assert view.json("Dateline.pinIds()") == [QUITO.id]
    state = view.json("Dateline.filterState()")
    assert isinstance(state, dict)
    first, last = dt.date(2019, 5, 6).toordinal(), dt.date(2019, 5, 10).toordinal()
    assert (state["firstDay"], state["lastDay"], state["undated"]) == (first, last, True)
    assert state["articles"] == ["a1", "a2"]
    assert view.js("document.querySelector('.dl-frame-dates').textContent") == "6\u201310 May 2019"
    # 1 May alone: Lima, and Quito's week 18.
    set_field(view, "from", "2019-05-01")
    set_field(view, "until", "2019-05-01")
    assert set(view.json("Dateline.pinIds()")) == {LIMA.id, QUITO.id}
    # Both ends open: every date, still only the export's articles (no Kyiv).
    set_field(view, "from", "")
    set_field(view, "until", "")
    assert set(view.json("Dateline.pinIds()")) == {LIMA.id, QUITO.id}
    state = view.json("Dateline.filterState()")
    assert isinstance(state, dict) and (state["firstDay"], state["lastDay"]) == (None, None)


def test_the_date_control_shows_the_span_of_the_data_and_hides_undated(
    qtbot, atlas: Atlas, tmp_path: Path
) -> None:
    path = html.write_html(tmp_path / "map.html", atlas)
    view = OffscreenPage(qtbot, path, (1000, 700), offline=True)
    try:
        # No range in the export: the days the excerpts cover (week 18 starts 29 April).
        assert fields(view) == ["2019-04-29", "2019-05-09", True]
        assert set(view.json("Dateline.pinIds()")) == {LIMA.id, QUITO.id, KYIV.id}
        set_field(view, "undated", False)
        assert set(view.json("Dateline.pinIds()")) == {LIMA.id, QUITO.id}
        # One end typed past the other: the other follows.
        set_field(view, "until", "2019-05-01")
        set_field(view, "from", "2019-05-09")
        assert fields(view) == ["2019-05-09", "2019-05-09", False]
        assert view.json("Dateline.pinIds()") == [QUITO.id]
        set_field(view, "until", "2019-05-01")
        assert fields(view) == ["2019-05-01", "2019-05-01", False]
        assert set(view.json("Dateline.pinIds()")) == {LIMA.id, QUITO.id}
        # The page's script is all there is: the policy refused nothing.
        assert not view.js("document.querySelector('[onchange], [oninput], [onclick]')")
    finally:
        view.close()


def test_the_window_page_and_reports_have_no_date_control(atlas: Atlas) -> None:
    pins = mapview.pins_feature_collection(atlas)
    for page in (
        mapview.build_page(pins),
        html.build_report_page(atlas),
        mapview.build_page(pins, static=True, date_control=True),
    ):
        assert '"dateControl"' not in page
    assert '"dateControl": true' in mapview.build_page(pins, date_control=True)


def test_dates_in_words_and_day_ordinals_are_python_s(exported: OffscreenPage) -> None:
    view = exported
    words = view.json(f"JSON.stringify({json.dumps(VALUES)}.map(Dateline.describeDate))")
    assert dict(zip(VALUES, words, strict=True)) == {v: describe_date(v) for v in VALUES}
    days = view.json(f"JSON.stringify({json.dumps(DAYS + NOT_DAYS)}.map(Dateline.dayOrdinal))")
    expected = [dt.date.fromisoformat(day).toordinal() for day in DAYS] + [None] * len(NOT_DAYS)
    assert days == expected


def footer(page: str) -> str:
    found = re.search(r'<footer class="dl-frame-footer">.*?</footer>', page, re.DOTALL)
    assert found is not None
    return found.group(0)


def test_the_html_export_leaves_the_dates_to_its_control(atlas: Atlas, tmp_path: Path) -> None:
    where = Filter().between(dt.date(2019, 5, 9), dt.date(2019, 5, 9), undated=False)
    options = common.ReportOptions(title="Andes")
    report = html.build_report_page(atlas, where, options=options)
    assert "Dates: 9 May 2019" in footer(report) and "Unrest in Peru" not in footer(report)
    # The page may show any day: its footer lists every source the other facets allow,
    # and says no range (the header's days and the control do).
    page = html.write_html(tmp_path / "map.html", atlas, where, options=options)
    text = page.read_text(encoding="utf-8")
    assert "Dates:" not in footer(text) and "Unrest in Peru" in footer(text)
    assert '<p class="dl-frame-dates">9 May 2019</p>' in text
