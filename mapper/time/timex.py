"""The temporal expression record and the calendar days a TIMEX3 value covers."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Literal

TimexType = Literal["DATE", "TIME", "DURATION", "SET"]


@dataclass(frozen=True)
class Timex:
    """A temporal expression found in a text, with its TIMEX3 type and value.

    ``start``/``end`` are character offsets into the original text (end
    exclusive), so ``text[start:end] == timex.text``.
    """

    start: int
    end: int
    text: str
    type: TimexType
    value: str


# The shapes of TIMEX3 date values (one definition: day_span here, words in .display).
VALUE_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:T(.*))?")  # the time of day, if any
VALUE_WEEK = re.compile(r"(\d{4})-W(\d\d)(?:-(WE|[1-7]))?")
VALUE_MONTH = re.compile(r"(\d{4})-(\d\d)")
VALUE_PART = re.compile(r"(\d{4})-(Q[1-4]|H[12]|SP|SU|FA|WI)")
VALUE_YEAR = re.compile(r"\d{4}")
VALUE_DECADE = re.compile(r"(\d{3})X?")
VALUE_CENTURY = re.compile(r"(\d\d)(?:XX)?")

# First and last month of each part of a year. Winter is December to February
# and is counted from the December of its year (meteorological seasons).
_PART_MONTHS = {
    "Q1": (1, 3),
    "Q2": (4, 6),
    "Q3": (7, 9),
    "Q4": (10, 12),
    "H1": (1, 6),
    "H2": (7, 12),
    "SP": (3, 5),
    "SU": (6, 8),
    "FA": (9, 11),
}


def _last_day_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _span_or_none(value: str) -> tuple[datetime.date, datetime.date] | None:
    if match := VALUE_DAY.fullmatch(value):
        day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
        return day, day
    if match := VALUE_WEEK.fullmatch(value):
        year, week, part = int(match[1]), int(match[2]), match[3]
        if part == "WE":
            return (
                datetime.date.fromisocalendar(year, week, 6),
                datetime.date.fromisocalendar(year, week, 7),
            )
        if part:
            day = datetime.date.fromisocalendar(year, week, int(part))
            return day, day
        return (
            datetime.date.fromisocalendar(year, week, 1),
            datetime.date.fromisocalendar(year, week, 7),
        )
    if match := VALUE_MONTH.fullmatch(value):
        year, month = int(match[1]), int(match[2])
        return datetime.date(year, month, 1), _last_day_of_month(year, month)
    if match := VALUE_PART.fullmatch(value):
        year, part = int(match[1]), match[2]
        if part == "WI":
            return datetime.date(year, 12, 1), _last_day_of_month(year + 1, 2)
        first, last = _PART_MONTHS[part]
        return datetime.date(year, first, 1), _last_day_of_month(year, last)
    if VALUE_YEAR.fullmatch(value):
        return datetime.date(int(value), 1, 1), datetime.date(int(value), 12, 31)
    if match := VALUE_DECADE.fullmatch(value):
        first_year = int(match[1]) * 10
        return datetime.date(max(first_year, 1), 1, 1), datetime.date(first_year + 9, 12, 31)
    if match := VALUE_CENTURY.fullmatch(value):
        first_year = int(match[1]) * 100
        return datetime.date(max(first_year, 1), 1, 1), datetime.date(first_year + 99, 12, 31)
    return None


def day_span(value: str) -> tuple[datetime.date, datetime.date] | None:
    """The calendar days a DATE/TIME value covers, as (first, last), both inclusive.

    "2019-05" -> (2019-05-01, 2019-05-31); "2019-W18" -> its Monday..Sunday;
    "2019" -> the year; "199X" -> the decade; "19" -> the century (1900-1999);
    "2019-Q2", "2019-H1", "2019-SU" -> those months; "2019-05-01T14:00" -> that
    day. None for durations, sets, PRESENT_REF and the like, and for values
    still holding unknown parts ("XXXX-XX-XX") or naming no real day.
    """
    try:
        return _span_or_none(value)
    except ValueError:
        # A well-formed value can still name no day ("2019-02-30", week 54).
        return None
