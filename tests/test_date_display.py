"""Dates as the panels show them: TIMEX3 values and publication days in words."""

from __future__ import annotations

import datetime

import pytest

from mapper.time.display import (
    describe_date,
    describe_day,
    describe_published,
    describe_source,
    is_uncertain,
)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2019-05-01", "Wed 1 May 2019"),
        ("2019-05-01TMO", "Wed 1 May 2019, morning"),
        ("2019-05-01T14:30", "Wed 1 May 2019, 14:30"),
        ("2019-W18", "week 18, 2019"),
        ("2019-W18-WE", "weekend of week 18, 2019"),
        ("2019-W18-3", "Wed 1 May 2019"),
        ("2019-01", "January 2019"),
        ("2019-Q2", "Q2 2019"),
        ("2019-H1", "first half of 2019"),
        ("2019-SU", "summer 2019"),
        ("2019-WI", "winter 2019\u201320"),
        ("2019", "2019"),
        ("201X", "the 2010s"),
        ("201", "the 2010s"),
        ("19", "the 1900s"),
        ("PRESENT_REF", "now"),
        ("", ""),
    ],
)
def test_a_date_value_in_words(value: str, words: str) -> None:
    assert describe_date(value) == words


@pytest.mark.parametrize("value", ["2019-02-30", "2019-W54", "2019-13", "XXXX-XX-XX", "P3D"])
def test_a_value_naming_no_real_date_is_shown_as_it_is(value: str) -> None:
    assert describe_date(value) == value


def test_a_day_without_its_weekday() -> None:
    assert describe_date("2019-05-02", weekday=False) == "2 May 2019"
    assert describe_day(datetime.date(2019, 12, 25)) == "Wed 25 December 2019"


def test_a_publication_date_says_how_sure_it_is() -> None:
    assert describe_published("2019-05-02", "dateline") == "2 May 2019"
    assert describe_published("2019-05-02", "user") == "2 May 2019"
    assert describe_published("2019-05-02", "inferred") == "\u2248 2 May 2019"
    assert describe_published("2019-05-02", "file") == "\u2248 2 May 2019"
    assert describe_published(None, "") == "no date"
    assert is_uncertain("file") and is_uncertain("inferred") and not is_uncertain("html")


def test_where_a_publication_date_came_from() -> None:
    assert describe_source("html") == "from the page's metadata"
    assert describe_source("dateline") == "from the dateline"
    assert describe_source("inferred") == "inferred from the text"
    assert describe_source("file") == "the file's date (uncertain)"
    assert describe_source("user") == "set by you"
    assert describe_source("") == ""
