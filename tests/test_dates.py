"""Temporal expressions found in news text and normalised against the article's date."""

from __future__ import annotations

import datetime
import itertools
import time

import pytest

from mapper.time import Timex, day_span, find_timexes

# Thursday 2 May 2019: the article date of the examples.
ANCHOR = datetime.date(2019, 5, 2)


def only(text: str, anchor: datetime.date | None = ANCHOR) -> Timex:
    """The single timex found in ``text``."""
    found = find_timexes(text, anchor)
    assert len(found) == 1, found
    return found[0]


def values(text: str, anchor: datetime.date | None = ANCHOR) -> list[tuple[str, str, str]]:
    return [(timex.text, timex.type, timex.value) for timex in find_timexes(text, anchor)]


def test_possessive_weekday_in_past_news_is_the_day_before() -> None:
    timex = only("Wednesday's confrontations left one woman dead.")
    assert (timex.text, timex.type, timex.value) == ("Wednesday", "DATE", "2019-05-01")


def test_weekday_in_a_past_sentence_is_the_one_before_the_article() -> None:
    assert only("Protesters gathered outside the ministry on Tuesday.").value == "2019-04-30"


def test_weekday_in_a_future_sentence_is_the_one_after_the_article() -> None:
    assert only("The council will vote on Tuesday.").value == "2019-05-07"


def test_the_nearest_tense_cue_decides() -> None:
    # The "will" belongs to the quoted clause; "said" sits next to the weekday.
    text = '"We will not give up," the mayor of the flooded town said Friday.'
    assert only(text).value == "2019-04-26"
    assert only("The dam must be repaired by August.").value == "2019-08"
    assert only("The road has been closed since March.").value == "2019-03"


def test_a_month_without_tense_is_the_nearest_one() -> None:
    assert only("The harvest figures for June are good.").value == "2019-06"
    assert only("The harvest figures for December are good.").value == "2018-12"


def test_weekday_of_the_article_itself_is_that_day() -> None:
    assert only("Thursday brought more rain to the valley.").value == "2019-05-02"


def test_next_monday_is_the_coming_one() -> None:
    assert only("Talks resume next Monday in Geneva.").value == "2019-05-06"


def test_last_week_is_the_iso_week_before() -> None:
    timex = only("The strike began last week.")
    assert (timex.text, timex.value) == ("last week", "2019-W17")


def test_this_and_next_periods() -> None:
    assert values("Prices rose this week, will rise next month and fell last year.") == [
        ("this week", "DATE", "2019-W18"),
        ("next month", "DATE", "2019-06"),
        ("last year", "DATE", "2018"),
    ]


def test_month_in_the_past_is_the_latest_such_month() -> None:
    assert only("The mine closed in January after the floods.").value == "2019-01"
    assert only("The mine closed in August after the floods.").value == "2018-08"


def test_month_in_the_future_is_the_next_such_month() -> None:
    assert only("The mine will reopen in August.").value == "2019-08"


def test_modal_may_is_not_a_month() -> None:
    assert find_timexes("Officials said the bridge may collapse.", ANCHOR) == []
    assert only("The bridge collapsed in May.").value == "2019-05"


def test_full_dates_in_both_orders() -> None:
    assert values("Elections were held on May 1, 2019 and on 14 March 2018.") == [
        ("May 1, 2019", "DATE", "2019-05-01"),
        ("14 March 2018", "DATE", "2018-03-14"),
    ]


def test_month_and_day_without_year_take_the_article_year() -> None:
    assert only("The ceasefire was signed on April 23.").value == "2019-04-23"


def test_month_and_year() -> None:
    assert only("Fighting resumed in March 2017.").value == "2017-03"


def test_year_range_gives_two_years() -> None:
    assert values("The drought of 2009-2010 killed thousands of cattle.") == [
        ("2009", "DATE", "2009"),
        ("2010", "DATE", "2010"),
    ]


def test_decades_and_centuries() -> None:
    assert only("The port was built in the 1990s.").value == "199X"
    assert only("The fort dates from the 19th century.").value == "18"


def test_amounts_are_not_years() -> None:
    assert find_timexes("The fund lost $2019 and 1,998 shares.", ANCHOR) == []


def test_today_tomorrow_yesterday_tonight() -> None:
    assert values("Today the rebels withdrew; yesterday they attacked.") == [
        ("Today", "DATE", "2019-05-02"),
        ("yesterday", "DATE", "2019-05-01"),
    ]
    assert only("Aid arrives tomorrow, officials said.").value == "2019-05-03"
    timex = only("A curfew starts tonight.")
    assert (timex.type, timex.value) == ("TIME", "2019-05-02TNI")


def test_this_morning_is_a_time_of_the_anchor_day() -> None:
    timex = only("Shots were heard this morning near the border.")
    assert (timex.type, timex.value) == ("TIME", "2019-05-02TMO")


def test_clock_times() -> None:
    timex = only("The blast happened at 2 p.m. near the market.")
    assert (timex.text, timex.type, timex.value) == ("2 p.m.", "TIME", "2019-05-02T14:00")
    assert only("Polls close at 10:30 p.m. Friday.").value == "2019-04-26T22:30"


def test_sets() -> None:
    timex = only("The river floods each season.")
    assert (timex.text, timex.type) == ("each season", "SET")
    assert only("The market is held every week.").value == "P1W"
    assert (only("The paper appears weekly.").type, only("The paper appears weekly.").value) == (
        "SET",
        "P1W",
    )


def test_durations_with_digits_and_spelled_numbers() -> None:
    timex = only("The siege lasted a month.")
    assert (timex.text, timex.type, timex.value) == ("a month", "DURATION", "P1M")
    assert only("He spent three years in prison.").value == "P3Y"
    assert only("The strike has gone on for twenty-one days.").value == "P21D"
    assert only("Talks lasted several hours.").value == "PTXH"
    assert only("Rain fell in the last twenty four hours.").value == "P1D"


def test_ages_are_not_durations() -> None:
    assert find_timexes("A 6-year-old girl was rescued.", ANCHOR) == []


def test_ago_is_a_date() -> None:
    assert only("The dam burst three years ago.").value == "2016"
    assert only("The dam burst two months ago.").value == "2019-03"


def test_vague_references() -> None:
    assert values("Troops are now in the city; it was recently shelled.") == [
        ("now", "DATE", "PRESENT_REF"),
        ("recently", "DATE", "PAST_REF"),
    ]
    assert only("Nobody knows what the future holds.").value == "FUTURE_REF"


def test_quarters() -> None:
    assert only("Exports fell in the first quarter.").value == "2019-Q1"
    assert only("Profits rose in the third quarter of 2018.").value == "2018-Q3"
    assert only("Results for fiscal 2018 were weak.").value == "2018"


def test_holidays_resolve_like_months() -> None:
    assert only("Shops were shut on Christmas Day.").value == "2018-12-25"
    assert only("The talks will resume after Thanksgiving.").value == "2019-11-28"
    assert only("Pilgrims gathered on Easter Sunday.").value == "2019-04-21"
    assert find_timexes("The labor day was long.", ANCHOR) == []


def test_offsets_index_the_original_text() -> None:
    text = "Ürümqi — On Tuesday, İstanbul said that last week’s talks (May 1, 2019) failed."
    found = find_timexes(text, ANCHOR)
    assert [timex.text for timex in found] == ["Tuesday", "last week", "May 1, 2019"]
    for timex in found:
        assert text[timex.start : timex.end] == timex.text
    assert [timex.start for timex in found] == sorted(timex.start for timex in found)


def test_no_overlaps_and_sorted() -> None:
    text = "Between Monday, May 6, 2019 and the first quarter of 2020, every week counted."
    found = find_timexes(text, ANCHOR)
    for earlier, later in itertools.pairwise(found):
        assert earlier.end <= later.start
    assert found[0].value == "2019-05-06"


def test_without_anchor_relative_values_stay_unresolved() -> None:
    assert values("Yesterday and on Tuesday, and last week, in January.", None) == [
        ("Yesterday", "DATE", "XXXX-XX-XX"),
        ("Tuesday", "DATE", "XXXX-WXX-2"),
        ("last week", "DATE", "XXXX-WXX"),
        ("January", "DATE", "XXXX-01"),
    ]
    # Absolute dates need no anchor.
    assert only("It ended on May 1, 2019.", None).value == "2019-05-01"


def test_given_sentences_decide_the_tense() -> None:
    text = "They will meet Tuesday. Tuesday was quiet."
    found = find_timexes(text, ANCHOR, sentences=[(0, 23), (24, len(text))])
    assert [timex.value for timex in found] == ["2019-05-07", "2019-04-30"]


def test_anchor_may_be_a_datetime() -> None:
    assert only("It rained yesterday.", datetime.datetime(2019, 5, 2, 18, 30)).value == (
        "2019-05-01"
    )


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2019-05-01", datetime.date(2019, 5, 1), datetime.date(2019, 5, 1)),
        ("2019-05-01T14:00", datetime.date(2019, 5, 1), datetime.date(2019, 5, 1)),
        ("2019-05-01TNI", datetime.date(2019, 5, 1), datetime.date(2019, 5, 1)),
        ("2019-05", datetime.date(2019, 5, 1), datetime.date(2019, 5, 31)),
        ("2019-02", datetime.date(2019, 2, 1), datetime.date(2019, 2, 28)),
        ("2019-W18", datetime.date(2019, 4, 29), datetime.date(2019, 5, 5)),
        ("2019-W18-WE", datetime.date(2019, 5, 4), datetime.date(2019, 5, 5)),
        ("2019", datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)),
        ("2019-Q2", datetime.date(2019, 4, 1), datetime.date(2019, 6, 30)),
        ("2019-H2", datetime.date(2019, 7, 1), datetime.date(2019, 12, 31)),
        ("2019-SU", datetime.date(2019, 6, 1), datetime.date(2019, 8, 31)),
        ("2019-WI", datetime.date(2019, 12, 1), datetime.date(2020, 2, 29)),
        ("199X", datetime.date(1990, 1, 1), datetime.date(1999, 12, 31)),
        ("199", datetime.date(1990, 1, 1), datetime.date(1999, 12, 31)),
        ("18", datetime.date(1800, 1, 1), datetime.date(1899, 12, 31)),
    ],
)
def test_day_span_of_dates(value: str, first: datetime.date, last: datetime.date) -> None:
    assert day_span(value) == (first, last)


@pytest.mark.parametrize(
    "value",
    ["P1W", "PXD", "PT2H", "PRESENT_REF", "PAST_REF", "FUTURE_REF", "XXXX-XX-XX", "XXXX-WXX-2",
     "XXXX-05", "2019-02-30", "2019-W60", "", "soon"],
)  # fmt: skip
def test_day_span_of_other_values_is_none(value: str) -> None:
    assert day_span(value) is None


def test_every_found_value_has_a_consistent_day_span() -> None:
    text = (
        "On Tuesday, May 1, 2019, in the 1990s, last week, next month, this morning at 2 p.m., "
        "the third quarter, last summer and fiscal 2018 the weekend."
    )
    for timex in find_timexes(text, ANCHOR):
        span = day_span(timex.value)
        assert span is not None, timex
        assert span[0] <= span[1]


def test_hostile_huge_text_finishes_fast_with_valid_offsets() -> None:
    pieces = [
        "9" * 5000,
        "May " * 5000,
        "January 1" * 3000,
        "1999-" * 3000,
        " " * 20000,
        "the past " * 2000,
        "12/" * 3000,
        "2019 " * 5000,
        "Monday, " * 3000,
        "a.m. 3 p.m." * 2000,
    ]
    text = ("".join(pieces) + " ") * 6
    assert len(text) > 1_000_000
    started = time.perf_counter()
    found = find_timexes(text, ANCHOR)
    assert time.perf_counter() - started < 5
    for timex in found:
        assert text[timex.start : timex.end] == timex.text
    for earlier, later in itertools.pairwise(found):
        assert earlier.end <= later.start


def test_empty_and_plain_texts() -> None:
    assert find_timexes("", ANCHOR) == []
    assert find_timexes("The minister visited the flooded villages.", ANCHOR) == []
