"""When an article was published, and how we know.

In order of trust: the page's own metadata (HTML, through trafilatura/htmldate), a dateline or
byline in the text ("CARACAS, Venezuela (AP) — May 1, 2019", "Published 3 May 2019"), a date
inferred from the text (explicit dates and the weekdays it names), the file's modification
date (marked uncertain), or the user's word. Unknown stays unknown: never today's date.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from mapper.time.finder import find_timexes

#: Where a publication date came from (``Published.source``).
FROM_HTML = "html"
FROM_DATELINE = "dateline"
FROM_INFERENCE = "inferred"
FROM_FILE = "file"
FROM_USER = "user"
FROM_COMMAND_LINE = "given"

#: A dateline or byline sits in the first lines of an article.
_HEAD_CHARS = 600
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_MONTH_DAY_YEAR = rf"(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
_DAY_MONTH_YEAR = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+(?:19|20)\d\d"
_ISO_DAY = r"(?:19|20)\d\d-\d\d-\d\d"
_A_DATE = rf"(?:{_MONTH_DAY_YEAR}|{_DAY_MONTH_YEAR}|{_ISO_DAY})"
#: "CARACAS, Venezuela (AP) — May 1, 2019", "LONDON (Reuters) - 3 May 2019"
_DATELINE = re.compile(
    rf"^[^\n]{{0,80}}\((?P<outlet>[A-Za-z][\w .&'-]{{0,30}})\)\s*[-–—:]+\s*(?P<date>{_A_DATE})",
    re.IGNORECASE | re.MULTILINE,
)
#: "KYIV, Ukraine (AP) —": the agency of a dateline, dated or not.
_DATELINE_AGENCY = re.compile(
    r"^[A-Z][A-Z .'-]{1,40}(?:,[^\n(]{1,40})?\((?P<outlet>[A-Za-z][\w .&'-]{0,30})\)\s*[-–—:]",
    re.MULTILINE,
)
#: "Published 3 May 2019", "Updated: May 3, 2019 10:30 AM", "Posted on 2019-05-03"
_BYLINE = re.compile(
    rf"\b(?:published|posted|updated|first published|date)(?:\s+on)?\s*:?\s*(?P<date>{_A_DATE})",
    re.IGNORECASE,
)
#: "By Jane Doe | May 3, 2019" or a line that is only a date
_DATE_LINE = re.compile(rf"^(?:[^\n]{{0,60}}\|\s*)?(?P<date>{_A_DATE})\s*$", re.IGNORECASE | re.M)
_A_WHOLE_DAY = re.compile(rf"\b{_A_DATE}\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: A weekday named in the text moves an inferred date forward at most this many days.
_WEEKDAY_REACH_DAYS = 2


@dataclass(frozen=True)
class Published:
    """A publication date (ISO ``YYYY-MM-DD``), where it came from, and whether to trust it."""

    date: str
    source: str
    uncertain: bool = False
    outlet: str = ""  # a news agency named in the dateline ("AP"), when there is one


def parse_day(text: str) -> datetime.date | None:
    """A calendar day written ``YYYY-MM-DD`` (the CLI's ``--published``, the user's Set Date)."""
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


def from_html(html: str) -> Published | None:
    """The page's own publication date (htmldate's extensive search, the original date)."""
    import htmldate  # trafilatura's dependency; only HTML needs it

    try:
        found = htmldate.find_date(html, extensive_search=True, original_date=True)
    except Exception:  # hostile markup must never stop reading the article
        return None
    day = parse_day(found) if found else None
    return Published(day.isoformat(), FROM_HTML) if day else None


def from_dateline(text: str) -> Published | None:
    """A date in the article's dateline or byline (its first lines only)."""
    head = text[:_HEAD_CHARS]
    for pattern in (_DATELINE, _BYLINE, _DATE_LINE):
        match = pattern.search(head)
        if match is None:
            continue
        day = _day_of(match.group("date"))
        if day is not None:
            outlet = match.groupdict().get("outlet") or ""
            return Published(day.isoformat(), FROM_DATELINE, outlet=outlet.strip())
    return None


def dateline_agency(text: str) -> str:
    """The news agency a dateline names ("AP" in "KYIV, Ukraine (AP) —"), or ""."""
    match = _DATELINE_AGENCY.search(text[:_HEAD_CHARS])
    return match.group("outlet").strip() if match else ""


def inferred_from_text(text: str) -> Published | None:
    """A publication date read from the dates and weekdays an article names.

    The latest full date the text gives (a caption's "May 1, 2019") is the earliest the
    article can be from; a weekday the text names just after it ("clung to power
    Thursday" after Wednesday, May 1) moves it forward, since news tells what happened
    up to its own day. The seed article gives Thursday 2019-05-02 this way.
    """
    # Only whole days written out count here, so a regex finds them (a tenth of the
    # cost of the full expression finder, which runs again when the atlas dates excerpts).
    days = [day for written in _whole_days(text) if (day := _day_of(written))]
    if not days:
        return None
    latest = max(days)
    published = latest
    lowered = text.lower()
    for number, word in enumerate(_WEEKDAYS):
        if word not in lowered or not re.search(rf"\b{word}\b", lowered):
            continue  # the substring test first: most articles name few weekdays
        ahead = (number - latest.weekday()) % 7
        if 0 < ahead <= _WEEKDAY_REACH_DAYS:
            published = max(published, latest + datetime.timedelta(days=ahead))
    return Published(published.isoformat(), FROM_INFERENCE, uncertain=True)


def _whole_days(text: str) -> list[str]:
    """Dates written out to the day ("May 1, 2019", "1 May 2019", "2019-05-01").

    Found from their years (a plain digit scan), then read in the few characters before:
    scanning the whole text for month names costs ten times more.
    """
    found = []
    for year in _YEAR.finditer(text):
        window = text[max(0, year.start() - 24) : year.end() + 6]
        match = _A_WHOLE_DAY.search(window)
        if match is not None:
            found.append(match.group())
    return found


def from_file_time(modified: float) -> Published:
    """The file's modification day: a last resort, marked uncertain."""
    day = datetime.datetime.fromtimestamp(modified, tz=datetime.UTC).date()
    return Published(day.isoformat(), FROM_FILE, uncertain=True)


def publication_date(
    text: str, *, html: str | None = None, modified: float | None = None
) -> Published | None:
    """The best publication date there is for an article (None: unknown)."""
    return (
        (from_html(html) if html is not None else None)
        or from_dateline(text)
        or inferred_from_text(text)
        or (from_file_time(modified) if modified is not None else None)
    )


@functools.lru_cache(maxsize=4096)
def _day_of(written: str) -> datetime.date | None:
    """The day a date as written in a dateline means."""
    for timex in find_timexes(written, None):
        day = _full_day(timex.value)
        if day is not None:
            return day
    return None


def _full_day(value: str) -> datetime.date | None:
    """The day of a TIMEX3 value that names one whole day ("2019-05-01", "2019-05-01T14:00")."""
    return parse_day(value[:10]) if re.fullmatch(r"\d{4}-\d\d-\d\d(T.*)?", value) else None
