"""Dates as people read them: TIMEX3 values and publication dates for the panels.

``describe_date("2019-05-01") == "Wed 1 May 2019"``, ``"2019-W18"`` is "week 18, 2019",
``"2019-01"`` is "January 2019"; a value it does not know is shown as it is. English
only, like the rest of the window; no Qt, no locale (the same text on every machine).
"""

from __future__ import annotations

import datetime
import re

from mapper.time.published import (
    FROM_COMMAND_LINE,
    FROM_DATELINE,
    FROM_FILE,
    FROM_HTML,
    FROM_INFERENCE,
    FROM_USER,
)
from mapper.time.timex import (
    VALUE_CENTURY,
    VALUE_DAY,
    VALUE_DECADE,
    VALUE_MONTH,
    VALUE_PART,
    VALUE_WEEK,
    VALUE_YEAR,
)

#: Month names as every date in words writes them (English, whatever the locale).
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_CLOCK = re.compile(r"(\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?")

_PARTS_OF_DAY = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night"}
_PARTS_OF_YEAR = {
    "Q1": "Q1 {year}",
    "Q2": "Q2 {year}",
    "Q3": "Q3 {year}",
    "Q4": "Q4 {year}",
    "H1": "first half of {year}",
    "H2": "second half of {year}",
    "SP": "spring {year}",
    "SU": "summer {year}",
    "FA": "autumn {year}",
}
_REFERENCES = {"PRESENT_REF": "now", "PAST_REF": "the past", "FUTURE_REF": "the future"}

#: Where an article's publication date came from, as the panels say it.
SOURCE_DESCRIPTIONS = {
    FROM_HTML: "from the page's metadata",
    FROM_DATELINE: "from the dateline",
    FROM_INFERENCE: "inferred from the text",
    FROM_FILE: "the file's date (uncertain)",
    FROM_USER: "set by you",
    FROM_COMMAND_LINE: "given on the command line",
}
#: Sources of a publication date that may well be wrong (shown with "≈").
UNCERTAIN_SOURCES = frozenset({FROM_INFERENCE, FROM_FILE})
#: How a date is marked as uncertain.
UNCERTAIN_MARK = "\u2248"


def describe_day(day: datetime.date, *, weekday: bool = True) -> str:
    """ "Wed 1 May 2019" (or "1 May 2019" without the weekday)."""
    text = f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    return f"{_WEEKDAY_NAMES[day.weekday()]} {text}" if weekday else text


def describe_date(value: str, *, weekday: bool = True) -> str:
    """A TIMEX3 date value as words: "Wed 1 May 2019", "week 18, 2019", "January 2019".

    "" for no value; a value it cannot read (or naming no real day) comes back unchanged.
    """
    value = value.strip()
    if not value:
        return ""
    try:
        described = _described(value, weekday)
    except ValueError:  # well formed, yet no real day ("2019-02-30", week 54)
        return value
    return value if described is None else described


def _described(value: str, weekday: bool) -> str | None:
    if match := VALUE_DAY.fullmatch(value):
        day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
        text = describe_day(day, weekday=weekday)
        time = match[4] or ""
        if time in _PARTS_OF_DAY:
            return f"{text}, {_PARTS_OF_DAY[time]}"
        if clock := _CLOCK.fullmatch(time):
            return f"{text}, {clock[1]}:{clock[2]}"
        return text
    if match := VALUE_WEEK.fullmatch(value):
        year, week, part = int(match[1]), int(match[2]), match[3]
        datetime.date.fromisocalendar(year, week, 1)  # ValueError if there is no such week
        if part == "WE":
            return f"weekend of week {week}, {year}"
        if part:
            return describe_day(datetime.date.fromisocalendar(year, week, int(part)), weekday=True)
        return f"week {week}, {year}"
    if match := VALUE_MONTH.fullmatch(value):
        month = int(match[2])
        if not 1 <= month <= 12:
            return None
        return f"{MONTH_NAMES[month - 1]} {match[1]}"
    if match := VALUE_PART.fullmatch(value):
        year, part = int(match[1]), match[2]
        if part == "WI":
            return f"winter {year}\u2013{(year + 1) % 100:02d}"
        return _PARTS_OF_YEAR[part].format(year=year)
    if VALUE_YEAR.fullmatch(value):
        return value
    if match := VALUE_DECADE.fullmatch(value):
        return f"the {match[1]}0s"
    if match := VALUE_CENTURY.fullmatch(value):
        return f"the {match[1]}00s"
    return _REFERENCES.get(value)


def describe_source(source: str) -> str:
    """Where a publication date came from, in words ("" when unknown)."""
    return SOURCE_DESCRIPTIONS.get(source, "")


def is_uncertain(source: str) -> bool:
    """Whether a publication date from this source may well be wrong."""
    return source in UNCERTAIN_SOURCES


def describe_published(published: str | None, source: str) -> str:
    """An article's publication day for a list: "2 May 2019", "≈ 2 May 2019" when
    uncertain, "no date" when unknown."""
    if not published:
        return "no date"
    text = describe_date(published, weekday=False)
    return f"{UNCERTAIN_MARK} {text}" if is_uncertain(source) else text
