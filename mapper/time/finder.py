"""Find temporal expressions in news text and normalise them to TIMEX3 values.

The rules follow how TimeML corpora (TimeBank, AQUAINT, TempEval-3) annotate
news: relative expressions resolve against the article's date (the anchor);
weekdays and bare months point backwards unless the sentence speaks of the
future; financial "the quarter" is the quarter the article reports on.

How it runs: each rule is one regex compiled at import; every rule scans the
whole text (C-speed ``finditer``), the longest candidate wins where candidates
overlap, and only the winners are normalised, in text order, so a later
"a year earlier" can refer to the quarter named before it. No pattern nests
unbounded repetitions, so hostile input cannot make a regex backtrack
catastrophically.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mapper.time.lexicon import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    MONTHS,
    ONES,
    ORDINALS,
    SEASON_FIRST_MONTH,
    SEASONS,
    TEENS,
    TENS,
    VAGUE_QUANTITIES,
    WEEKDAYS,
    alternation,
    spelled_number,
)
from mapper.time.timex import Timex, TimexType

# --- building blocks ---------------------------------------------------------------------


def _lowercase(words: Sequence[str]) -> str:
    ordered = sorted((word.lower() for word in words), key=len, reverse=True)
    return "(?:" + "|".join(ordered) + ")"


# An abbreviation takes its period, or a number after it ("Oct 3, 2023", "3 Oct 2023"):
# bare, "mar" and "dec" are words too.
_MONTH = (
    r"(?P<month>"
    + _lowercase(MONTH_NAMES)
    + r"\b|"
    + _lowercase(MONTH_ABBREVIATIONS)
    + r"(?:\.|(?=\s+\d)))"
)
_MONTH_PLAIN = _MONTH.replace("(?P<month>", "(?:")
_WEEKDAY = r"(?P<weekday>" + _lowercase([day.title() for day in WEEKDAYS]) + r")\b"
_WEEKDAY_PLAIN = _WEEKDAY.replace("(?P<weekday>", "(?:")
_ONES = alternation(ONES)
_TEENS = alternation(TEENS)
_TENS = alternation(TENS)
_SPELLED = rf"(?:{_TENS}(?:[\s-]{_ONES})?|{_TEENS}|{_ONES})"
_NUMBER = (
    rf"(?:\d{{1,4}}(?:\.\d+)?|{_SPELLED}(?:\s+hundred)?|a\s+hundred|a\s+dozen|a\s+couple(?:\s+of)?"
    r"|a\s+few|a\s+number\s+of|several|few|many|some|an?)"
)
# Four-digit years, never part of a larger number, an amount or a decimal.
_YEAR_DIGITS = r"(?<![\d$£€.,])(?:1[5-9]\d\d|20\d\d)(?![\d%]|,\d|\.\d|\s*(?:percent|per\s+cent)\b)"
_SPELLED_YEAR = (
    rf"(?:nineteen[\s-]+(?:hundred|{_TENS}(?:[\s-]+{_ONES})?|{_TEENS}|oh[\s-]+{_ONES})"
    rf"|two[\s-]+thousand(?:[\s-]+and)?(?:[\s-]+(?:{_TEENS}|{_ONES}))?)"
)
_DAY_ORDINAL = alternation(ORDINALS)
_UNIT = (
    r"(?P<unit>seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?"
    r"|decades?|century|centuries|quarters?|weekends?)\b(?!-(?:earlier|ago|end|before))"
)
_PART_OF_DAY = r"(?P<part>morning|afternoon|evening|night|overnight)\b"
_POSITION = (
    r"(?P<position>early|late|mid|earlier|later|the\s+end\s+of|the\s+beginning\s+of"
    r"|the\s+start\s+of|the\s+middle\s+of|the\s+rest\s+of|the\s+remainder\s+of)"
)


# --- the rules -------------------------------------------------------------------------------

_ISO_DATE = r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)(?![\d])"
_SLASH_DATE = r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d\d)(?![\d/])"
_MONTH_DATE = (
    rf"\b(?:{_WEEKDAY},?\s+)?(?:{_POSITION}[\s-]+(?:of\s+)?)?{_MONTH}"
    rf"(?:\s*(?P<day>\d{{1,2}}|{_DAY_ORDINAL})(?:st|nd|rd|th)?\b)?"
    rf"(?:(?:\s+of)?,?\s*(?P<year>{_YEAR_DIGITS}|{_SPELLED_YEAR}))?"
)
_DAY_MONTH = (
    rf"(?<![\d/.,])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
    rf"(?:,?\s+(?P<year>{_YEAR_DIGITS}))?"
)
_YEAR = (
    rf"(?:\b{_POSITION}[\s-]+(?:of\s+)?)?(?:\b(?P<fiscal>fiscal(?:\s+year)?|calendar(?:\s+year)?"
    rf"|the\s+year)\s+)?(?P<year>{_YEAR_DIGITS}|\b{_SPELLED_YEAR}\b)"
)
_DECADE = (
    r"\b(?:the\s+)?(?:(?P<position>early|late|mid)[\s-]+)?"
    r"(?:(?P<century>1[5-9]|20)?(?P<digit>\d)0['’]?s"
    r"|['’](?P<short>\d)0s|(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties"
    r"|nineties))\b"
)
_CENTURY = (
    rf"\b(?:the\s+)?(?:(?P<position>early|late|mid)[\s-]+)?(?P<ordinal>\d{{1,2}}(?:st|nd|rd|th)"
    rf"|{_DAY_ORDINAL})[\s-]+century\b"
)
_QUARTER = (
    rf"\b(?:(?P<the>the|this\s+year's|last\s+year's|next\s+year's|its|their)\s+)?"
    rf"(?:(?P<year>{_YEAR_DIGITS})\s+)?(?:fiscal[\s-]+)?"
    r"(?:(?P<modifier>latest|current|previous|past|last|year-earlier|year-ago|same|comparable"
    r"|most\s+recent|recent|just-ended|just-completed|next|coming|prior-year|year-before)[\s-]+)?"
    r"(?:fiscal[\s-]+)?(?:(?P<ordinal>first|second|third|fourth|1st|2nd|3rd|4th|final)[\s-]+)?"
    r"(?:fiscal[\s-]+)?(?P<unit>quarter|half|period)\b"
    rf"(?:\s+of\s+(?:(?:fiscal|calendar)\s+)?(?:(?P<year2>{_YEAR_DIGITS})"
    r"|(?P<relative_year>this|last|next|the)\s+year\b))?"
)
_YEAR_AGO = (
    r"\b(?:the\s+)?(?:year-earlier|year-ago|a\s+year\s+(?:earlier|ago|before)|prior-year"
    r"|year-before)(?:\s+(?:period|quarter|level|levels|figure|figures|results))?\b"
)
_RELATIVE = (
    rf"\b(?:{_POSITION}[\s-]+(?:in\s+)?)?"
    r"(?P<direction>this\s+past|this\s+coming|the\s+past|the\s+coming|the\s+previous|the\s+next"
    r"|the\s+last|the\s+current|the\s+following|last|this|next|past|coming|previous|current)\s+"
    rf"(?:(?:fiscal|calendar)\s+)?(?:{_MONTH}|{_WEEKDAY}|{_PART_OF_DAY}"
    r"|(?P<season>spring|summer|fall|autumn|winter)\b"
    r"|(?P<period>week|weekend|month|year|decade|century)\b)"
)
_THE_PERIOD = (
    rf"\b{_POSITION}[\s-]+(?:of\s+|in\s+)?the\s+(?:(?:current|same|fiscal)\s+)?"
    r"(?P<period>year|month|week|day)\b"
)
_THE_WEEKEND = r"\bthe\s+weekend\b"
# "by year-end", "the full year": the article's year (results news).
_YEAR_END = r"\b(?:the\s+)?(?:year[\s-]end|year's\s+end|full\s+year)\b"
# "the early summer", "in the fall": a season, in the tense's direction.
_SEASON = (
    r"\b(?:the\s+(?:(?P<position>early|late|mid)[\s-]+)?(?P<season>spring|summer|autumn|winter"
    r"|fall(?=\s+of\s+\d|[.,;]))|(?:early|late|mid)[\s-]+(?P<season2>spring|summer|autumn|winter"
    r"|fall))\b"
)
# "the year ended March 31": a reporting period, a year long.
_REPORTING_YEAR = r"\bthe\s+(?:fiscal\s+)?year(?=\s+(?:ended|ending)\b)"
# "for years", "within weeks", "the first time in decades": an unknown number of units.
_VAGUE_SPAN = (
    r"(?:(?<=\bfor\s)|(?<=\bwithin\s)|(?<=\bin\s))"
    r"(?P<unit>minutes|hours|days|weeks|months|years|decades)\b(?!\s+(?:ago|of|old)\b)"
)
_HOLIDAY = (
    r"\b(?:(?P<direction>last|this|next)\s+)?(?P<holiday>christmas(?:\s+(?:day|eve))?"
    r"|new\s+year's(?:\s+(?:day|eve))?|thanksgiving(?:\s+day)?|easter(?:\s+sunday)?"
    r"|good\s+friday|halloween|valentine's\s+day|independence\s+day|memorial\s+day"
    r"|labor\s+day|election\s+day|veterans\s+day|boxing\s+day)\b"
)
_DAY = (
    r"\b(?:(?P<position>early|late|earlier|later)\s+)?"
    rf"(?:(?P<deictic>today|tonight|tomorrow|yesterday)\b|{_WEEKDAY})"
    rf"(?:\s+{_PART_OF_DAY})?"
)
_CLOCK = (
    r"(?:\b(?:about|around|approximately)\s+)?"
    r"(?:(?<![\d.:])(?P<hour>\d{1,2})(?:[:.](?P<minute>\d\d))?\s*"
    r"(?P<meridiem>[ap]\.?\s?m\b\.?|o'clock)|\b(?P<named>noon|midnight|midday)\b)"
    r"(?:\s+(?P<zone>[ecmp][sd]t|gmt|utc)\b)?"
    rf"(?:,?\s+(?:on\s+)?(?:(?P<deictic>today|tonight|tomorrow|yesterday)\b|{_WEEKDAY}"
    rf"|{_MONTH}\s*(?P<day>\d{{1,2}})\b))?"
)
_DURATION = (
    r"\b(?:(?P<hedge>more\s+than|less\s+than|fewer\s+than|nearly|almost|about|around"
    r"|at\s+least|up\s+to|roughly|approximately)\s+)?"
    r"(?:(?P<the>the)\s+(?:(?P<edge>past|last|next|first|coming|previous|final|following"
    r"|remaining|initial)\s+)?)?"
    rf"(?P<number>{_NUMBER})[\s-]+(?:(?:more|additional|straight|consecutive|full)\s+)?"
    rf"(?:(?:trading|business|working|calendar)[\s-]+)?{_UNIT}"
    r"(?P<old>-old|-long)?"
    r"(?:\s+(?P<relation>ago|earlier|before|later|from\s+now)\b)?"
)
_SET = (
    r"\b(?:(?P<quantifier>every|each|per)\s+(?:other\s+)?(?:(?P<number>\d{1,3}|"
    rf"{_SPELLED})\s+)?(?:{_WEEKDAY}|{_MONTH}|(?P<unit>second|minute|hour|day|night|week|month"
    r"|year|decade|quarter|season|weekend|morning|evening)s?\b)"
    r"|(?P<adverb>daily|nightly|weekly|biweekly|monthly|annually|yearly|hourly)\b)"
)
_VAGUE = (
    r"\b(?:(?P<present>now|currently|at\s+present|presently|nowadays|these\s+days"
    r"|the\s+present|current)"
    r"|(?P<past>recent\s+(?:days|weeks|months|years|decades)|recently|recent|lately|formerly"
    r"|the\s+past)"
    r"|(?P<future>the\s+(?:near\s+|distant\s+)?future"
    r"|(?:the\s+)?coming\s+(?:days|weeks|months|years|decades)))\b"
)

# Words after which "May" and "March" are months rather than a modal or a verb.
_MONTH_CUE = re.compile(
    r"\b(?:in|since|until|till|by|during|of|from|through|to|before|after|early|late|mid|each"
    r"|every|and|or|between|on|last|next|this|that)[\s-]*$",
    re.IGNORECASE,
)
# A sentence speaking of what is still to come (news is otherwise told in the past).
_FUTURE_CUE = re.compile(
    r"\b(?:will|won't|shall|is\s+to|are\s+to|is\s+due|are\s+due|next|plans?|planning"
    r"|expects?|going\s+to|intends?|upcoming|coming)\b|'ll\b",
    re.IGNORECASE,
)
_DETERMINED_ADJECTIVE = re.compile(
    r"(?:the|its|their|a|an)\s+(?=\S+-(?:second|minute|hour|day|week|month|year|quarter|decade)$)"
)
# Tense cues read near an expression, in the original text (case-insensitive).
_TENSE_REACH = 70
_FUTURE_NEAR = (
    r"\b(?:will|won't|shall|upcoming|(?:is|are|was|were|be)\s+(?:to|due|set|scheduled|expected"
    r"|planned|slated|likely)|plans?\s+to|intends?\s+to|going\s+to|as\s+(?:soon|early)\s+as"
    r"|until|scheduled|slated|expected)\b|'ll\b"
)
# Past tense verbs, but not participles after "be" or "have" ("will be named").
_PAST_NEAR = (
    r"\b(?:was|were|had|did|said|told|ago|earlier|began|came|went|met|left|fell|rose|held"
    r"|took|gave|made|won|lost|saw|set|hit|cut|put|since"
    r"|(?<!\bbe\s)(?<!\bbeen\s)(?<!\bis\s)(?<!\bare\s)(?<!\bhas\s)(?<!\bhave\s)\w{2,}ed)\b"
)
# One pass over the lowercased text finds both; the future comes first so a word
# that is both ("expected") counts as future.
_TENSE_CUE = re.compile(f"(?P<future>{_FUTURE_NEAR})|(?P<past>{_PAST_NEAR})")
# The word right before an expression, and the ones that fix its direction.
_PREVIOUS_WORD = re.compile(r"\b([A-Za-z]+)\s+$")
_FUTURE_PREPOSITIONS = frozenset({"by", "until", "till", "through", "payable", "effective"})
_PAST_PREPOSITIONS = frozenset({"since"})
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+|\n\s*\n")
# Words before "a year" that make it a rate ("twice a year", "5% a year"): a SET.
_RATE_CUE = re.compile(r"(?:\b(?:once|twice|times|percent|cents|share)|%|\$[\d.,]+)\s*$", re.I)
_POSSESSIVE = re.compile(
    r"\b(?:his|her|their|its|my|our|your)\s+(?:early\s+|late\s+|mid-?)?$", re.I
)

_UNIT_CODES = {
    "second": "TS", "minute": "TM", "hour": "TH", "day": "D", "night": "D", "week": "W",
    "fortnight": "W", "month": "M", "year": "Y", "decade": "DE", "century": "CE",
    "centurie": "CE", "quarter": "Q", "weekend": "WE",
}  # fmt: skip
_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5,
    "sixties": 6, "seventies": 7, "eighties": 8, "nineties": 9,
}  # fmt: skip
_PART_CODES = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
}  # fmt: skip

# --- normalisation state -----------------------------------------------------------------------


@dataclass
class _Document:
    """What the normalisers need to know about the article beyond the match itself."""

    text: str
    #: ``text`` lowercased, offset for offset.
    lowered: str
    anchor: datetime.date | None
    sentences: Sequence[tuple[int, int]] | None
    #: The quarter the article last named ("1989-Q3"): "a year earlier" refers to it.
    reference_quarter: str | None = None
    future_by_sentence: dict[int, bool] = field(default_factory=dict)
    # Sentence bounds, found only once a rule needs the tense.
    _starts: list[int] = field(default_factory=list)
    _ends: list[int] = field(default_factory=list)

    def tense(self, start: int, end: int) -> str | None:
        """ "future" or "past": where the expression at ``start:end`` points, or None
        when nothing in the text says.

        The word just before decides first ("by May", "since March"); then the
        tense cue nearest to the expression, within its sentence and a few words
        either side ("said Friday" is past, "will meet Friday" future, even with
        a "will" elsewhere in the sentence); then any future cue in the sentence.
        """
        previous = _PREVIOUS_WORD.search(self.text, max(0, start - 16), start)
        if previous:
            word = previous[1].lower()
            if word in _FUTURE_PREPOSITIONS:
                return "future"
            if word in _PAST_PREPOSITIONS:
                return "past"
        if not self._starts:
            self._starts, self._ends = _sentence_bounds(self.text, self.sentences)
        index = max(bisect.bisect_right(self._starts, start) - 1, 0)
        sentence_start, sentence_end = self._starts[index], self._ends[index]
        low = max(sentence_start, start - _TENSE_REACH)
        high = min(max(sentence_end, end), end + _TENSE_REACH)
        nearest = _nearest_cue(self.lowered, low, high, start, end)
        if nearest is not None:
            return nearest
        if index not in self.future_by_sentence:
            sentence = self.text[sentence_start:sentence_end]
            self.future_by_sentence[index] = _FUTURE_CUE.search(sentence) is not None
        return "future" if self.future_by_sentence[index] else None

    def before(self, offset: int, width: int = 24) -> str:
        return self.text[max(0, offset - width) : offset]


Normalised = tuple[TimexType, str] | None
Normaliser = Callable[["_Groups", _Document], Normalised]


# --- calendar arithmetic -----------------------------------------------------------------------


def _iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _previous_quarter(day: datetime.date) -> str:
    year, quarter = _quarter_of(day)
    if quarter == 1:
        return f"{year - 1}-Q4"
    return f"{year}-Q{quarter - 1}"


def _weekday_date(anchor: datetime.date, weekday: int, direction: str) -> datetime.date:
    """The date of ``weekday`` (1 = Monday) seen from ``anchor``.

    "past": the latest such day on or before the anchor; "future": the first on
    or after it; "last"/"next": strictly before/after; "this": in the anchor's week.
    """
    today = anchor.isoweekday()
    if direction == "past":
        return anchor - datetime.timedelta(days=(today - weekday) % 7)
    if direction == "future":
        return anchor + datetime.timedelta(days=(weekday - today) % 7)
    if direction == "last":
        return anchor - datetime.timedelta(days=(today - weekday - 1) % 7 + 1)
    if direction == "next":
        return anchor + datetime.timedelta(days=(weekday - today - 1) % 7 + 1)
    return anchor + datetime.timedelta(days=weekday - today)


def _month_year(anchor: datetime.date, month: int, direction: str) -> int:
    """The year of the ``month`` meant when seen from ``anchor`` in ``direction``."""
    if direction in ("past", "last"):
        before = month < anchor.month if direction == "last" else month <= anchor.month
        return anchor.year if before else anchor.year - 1
    if direction in ("future", "next"):
        after = month > anchor.month if direction == "next" else month >= anchor.month
        return anchor.year if after else anchor.year + 1
    if direction == "nearest":
        # The occurrence fewest months away; a tie goes to the past one.
        ahead = (month - anchor.month) % 12
        behind = (anchor.month - month) % 12
        if ahead < behind:
            return anchor.year if month >= anchor.month else anchor.year + 1
        return anchor.year if month <= anchor.month else anchor.year - 1
    return anchor.year


def _weekday_number(word: str) -> int:
    return WEEKDAYS[word.lower()]


def _month_number(word: str) -> int:
    return MONTHS[word.lower()[:3]]


def _date_or_none(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _spelled_year(phrase: str) -> int | None:
    words = phrase.lower().replace("-", " ").split()
    if words[:2] == ["two", "thousand"]:
        units = spelled_number(" ".join(word for word in words[2:] if word != "and"))
        return 2000 + (units or 0)
    if words[0] == "nineteen":
        if words[1:] == ["hundred"]:
            return 1900
        rest_words = [word for word in words[1:] if word != "oh"]
        rest = spelled_number(" ".join(rest_words))
        return None if rest is None else 1900 + rest
    return None


def _year_of(phrase: str) -> int | None:
    phrase = phrase.strip()
    if phrase.isdigit():
        return int(phrase)
    return _spelled_year(phrase)


def _direction(match: _Groups, document: _Document, default: str = "past") -> str:
    """Where the expression points: its tense, else ``default`` ("past": news
    tells of what happened; "nearest" for months and holidays)."""
    return document.tense(match.start(), match.end()) or default


def _nearest_cue(lowered: str, low: int, high: int, start: int, end: int) -> str | None:
    """ "future" or "past": the kind of the tense cue in ``lowered[low:high]`` nearest to
    ``start:end`` (a tie goes to the future), or None without any cue."""
    best_distance = high - low + 1
    best: str | None = None
    for cue in _TENSE_CUE.finditer(lowered, low, high):
        if start <= cue.start() < end:
            continue  # inside the expression itself
        distance = start - cue.end() if cue.end() <= start else cue.start() - end
        kind = "future" if cue.lastgroup == "future" else "past"
        if distance < best_distance or (distance == best_distance and kind == "future"):
            best_distance, best = distance, kind
    return best


def _iso_date(match: _Groups, document: _Document) -> Normalised:
    day = _date_or_none(int(match["y"]), int(match["m"]), int(match["d"]))
    return None if day is None else ("DATE", day.isoformat())


def _slash_date(match: _Groups, document: _Document) -> Normalised:
    year = int(match["y"])
    if year < 100:
        year += 1900 if year >= 50 else 2000
    # News in English writes month/day/year (US wire style) far more often.
    day = _date_or_none(year, int(match["m"]), int(match["d"]))
    return None if day is None else ("DATE", day.isoformat())


def _month_date(match: _Groups, document: _Document) -> Normalised:
    if not match.capitalised("month") or (match["weekday"] and not match.capitalised("weekday")):
        return None
    month = _month_number(match["month"])
    anchor = document.anchor
    year = _year_of(match["year"]) if match["year"] else None
    if match["year"] and year is None:
        return None
    day_text = match["day"]
    if day_text:
        day = int(day_text) if day_text.isdigit() else ORDINALS.get(day_text.lower())
        if day is None or not 1 <= day <= 31:
            return None
        if year is None:
            if anchor is None:
                return "DATE", f"XXXX-{month:02d}-{day:02d}"
            candidate = _date_or_none(anchor.year, month, day)
            if candidate is None:
                return None
            # A day without its year is in the article's year, unless that
            # puts it over half a year ahead (December seen from January), or
            # far behind in a sentence about the future.
            year = anchor.year
            tense = document.tense(match.start(), match.end())
            ahead = (candidate - anchor).days
            if ahead > 183 or (tense == "past" and ahead > 14):
                year -= 1
            elif -ahead > 183 or (tense == "future" and -ahead > 14):
                year += 1
        resolved = _date_or_none(year, month, day)
        return None if resolved is None else ("DATE", resolved.isoformat())
    if year is not None:
        return "DATE", f"{year}-{month:02d}"
    # A bare month name: "May" and "March" are months only after a cue word
    # ("in May"); abbreviations need a day or a year to be dates at all.
    word = match["month"].lower()
    needs_cue = word.startswith(("may", "mar")) or word.endswith(".")
    if (
        needs_cue
        and not match["position"]
        and (word.endswith(".") or not _MONTH_CUE.search(document.before(match.start("month"))))
    ):
        return None
    if anchor is None:
        return "DATE", f"XXXX-{month:02d}"
    direction = _direction(match, document, "nearest")
    return "DATE", f"{_month_year(anchor, month, direction)}-{month:02d}"


def _day_month(match: _Groups, document: _Document) -> Normalised:
    if not match.capitalised("month"):
        return None
    month = _month_number(match["month"])
    day = int(match["day"])
    if match["year"]:
        resolved = _date_or_none(int(match["year"]), month, day)
        return None if resolved is None else ("DATE", resolved.isoformat())
    if document.anchor is None:
        return ("DATE", f"XXXX-{month:02d}-{day:02d}") if 1 <= day <= 31 else None
    resolved = _date_or_none(document.anchor.year, month, day)
    return None if resolved is None else ("DATE", resolved.isoformat())


def _year(match: _Groups, document: _Document) -> Normalised:
    phrase = match["year"]
    year = _year_of(phrase)
    if year is None:
        return None
    if not phrase.strip().isdigit() and phrase.lower().startswith("two"):
        # "two thousand" is a count far more often than the year 2000.
        cue = document.before(match.start("year"))
        if not match["fiscal"] and not re.search(r"\b(?:in|since|by|until)\s+$", cue, re.I):
            return None
    if phrase.isdigit() and year < 1800 and not match["fiscal"]:
        cue = document.before(match.start("year"))
        if not re.search(r"\b(?:in|since|of|from|until|by)\s+$", cue, re.I):
            return None
    return "DATE", str(year)


def _decade(match: _Groups, document: _Document) -> Normalised:
    if _POSSESSIVE.search(document.before(match.start())):
        return None  # "in their 40s" is an age
    if match["word"]:
        decade = 190 + _DECADE_WORDS[match["word"].lower()]
        if not match.group(0).lower().startswith("the"):
            return None
    elif match["short"]:
        decade = 190 + int(match["short"])
    else:
        if not match["century"] and not match.group(0).lower().startswith("the"):
            return None
        decade = int(match["century"] or "19") * 10 + int(match["digit"])
    return "DATE", f"{decade}X"


def _century(match: _Groups, document: _Document) -> Normalised:
    ordinal = match["ordinal"].lower()
    number = int(ordinal[:-2]) if ordinal[0].isdigit() else ORDINALS.get(ordinal)
    if number is None or not 1 <= number <= 21:
        return None
    return "DATE", f"{number - 1:02d}"


def _quarter(match: _Groups, document: _Document) -> Normalised:
    anchor = document.anchor
    unit = match["unit"].lower()
    modifier = (match["modifier"] or "").lower()
    ordinal = (match["ordinal"] or "").lower()
    explicit = match["year"] or match["year2"]
    if not (match["the"] or modifier or ordinal or explicit):
        return None  # "a quarter of the votes", "half the price"
    if unit == "period" and not (modifier or explicit):
        return None
    if unit == "half" and not ordinal:
        return None
    year: int | None = int(explicit) if explicit else None
    owner = (match["the"] or "").lower()
    relative = (match["relative_year"] or "").lower()
    if year is None and anchor is not None:
        if owner.startswith("last") or relative == "last":
            year = anchor.year - 1
        elif owner.startswith("next") or relative == "next":
            year = anchor.year + 1
        elif ordinal:
            year = anchor.year
    if unit == "half":
        half = 1 if ordinal in ("first", "1st") else 2
        return "DATE", f"{year if year is not None else 'XXXX'}-H{half}"
    number = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}.get(ordinal)
    if ordinal in ("fourth", "4th", "final"):
        number = 4
    if number is not None:
        value = f"{year if year is not None else 'XXXX'}-Q{number}"
        if year is not None and anchor is not None and (year, number) < _quarter_of(anchor):
            # Only a quarter already over can be the one results are reported for.
            document.reference_quarter = value
        return "DATE", value
    if year is not None and unit == "period":
        return "DATE", str(year)
    if anchor is None:
        return "DATE", "XXXX-QX"
    reference = document.reference_quarter or _previous_quarter(anchor)
    if modifier in ("year-earlier", "year-ago", "prior-year", "year-before"):
        return "DATE", f"{int(reference[:4]) - 1}{reference[4:]}"
    if modifier in ("next", "coming"):
        year_now, quarter_now = _quarter_of(anchor)
        year_next, month_next = _shift_month(year_now, quarter_now * 3 - 2, 3)
        return "DATE", f"{year_next}-Q{(month_next - 1) // 3 + 1}"
    if modifier in ("previous", "past", "last") and unit == "quarter" and not owner:
        return "DATE", _previous_quarter(anchor)
    if modifier == "current":
        year_now, quarter_now = _quarter_of(anchor)
        return "DATE", f"{year_now}-Q{quarter_now}"
    # "the quarter", "the latest quarter": the one the article reports on.
    return "DATE", reference


def _year_ago(match: _Groups, document: _Document) -> Normalised:
    anchor = document.anchor
    if anchor is None:
        return "DATE", "XXXX"
    # In results news "a year earlier" compares with the quarter just named.
    if document.reference_quarter is not None:
        reference = document.reference_quarter
        return "DATE", f"{int(reference[:4]) - 1}{reference[4:]}"
    return "DATE", str(anchor.year - 1)


def _relative(match: _Groups, document: _Document) -> Normalised:
    anchor = document.anchor
    direction_words = match["direction"].lower().split()
    word = direction_words[-1]
    if direction_words[0] == "this" and len(direction_words) == 2:
        word = "last" if word == "past" else "next"
    direction = {
        "past": "last", "previous": "last", "last": "last",
        "coming": "next", "next": "next", "following": "next",
        "this": "this", "current": "this",
    }[word]  # fmt: skip
    if match["part"]:
        part = _PART_CODES[match["part"].lower()]
        if direction == "next" or anchor is None:
            return ("TIME", f"XXXX-XX-XXT{part}") if anchor is None else None
        day = anchor - datetime.timedelta(days=1) if direction == "last" else anchor
        return "TIME", f"{day.isoformat()}T{part}"
    if match["weekday"]:
        if not match.capitalised("weekday"):
            return None
        weekday = _weekday_number(match["weekday"])
        if anchor is None:
            return "DATE", f"XXXX-WXX-{weekday}"
        return "DATE", _weekday_date(anchor, weekday, direction).isoformat()
    if match["month"]:
        if not match.capitalised("month"):
            return None
        month = _month_number(match["month"])
        if anchor is None:
            return "DATE", f"XXXX-{month:02d}"
        return "DATE", f"{_month_year(anchor, month, direction)}-{month:02d}"
    step = {"last": -1, "this": 0, "next": 1}[direction]
    if match["season"]:
        season = SEASONS[match["season"].lower()]
        if anchor is None:
            return "DATE", f"XXXX-{season}"
        first = SEASON_FIRST_MONTH[season]
        year = anchor.year
        if step < 0 and anchor.month < first + 3:
            year -= 1
        if step > 0 and anchor.month >= first:
            year += 1
        return "DATE", f"{year}-{season}"
    period = match["period"].lower()
    if anchor is None:
        return "DATE", {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX"}.get(
            period, "XXXX"
        )
    if period in ("week", "weekend"):
        week = _iso_week(anchor + datetime.timedelta(weeks=step))
        return "DATE", week + ("-WE" if period == "weekend" else "")
    if period == "month":
        year, month = _shift_month(anchor.year, anchor.month, step)
        return "DATE", f"{year}-{month:02d}"
    if period == "decade":
        return "DATE", f"{anchor.year // 10 + step}X"
    if period == "century":
        return "DATE", f"{anchor.year // 100 + step:02d}"
    return "DATE", str(anchor.year + step)


def _the_period(match: _Groups, document: _Document) -> Normalised:
    anchor = document.anchor
    period = match["period"].lower()
    if anchor is None:
        return "DATE", {"week": "XXXX-WXX", "month": "XXXX-XX", "day": "XXXX-XX-XX"}.get(
            period, "XXXX"
        )
    if period == "week":
        return "DATE", _iso_week(anchor)
    if period == "month":
        return "DATE", f"{anchor.year}-{anchor.month:02d}"
    if period == "day":
        return "DATE", anchor.isoformat()
    return "DATE", str(anchor.year)


def _the_weekend(match: _Groups, document: _Document) -> Normalised:
    anchor = document.anchor
    if anchor is None:
        return "DATE", "XXXX-WXX-WE"
    # News speaks of the weekend just past, or the coming one in future tense.
    saturday = _weekday_date(anchor, 6, _direction(match, document))
    return "DATE", _iso_week(saturday) + "-WE"


def _year_end(match: _Groups, document: _Document) -> Normalised:
    anchor = document.anchor
    return "DATE", "XXXX" if anchor is None else str(anchor.year)


def _season(match: _Groups, document: _Document) -> Normalised:
    season = SEASONS[(match["season"] or match["season2"]).lower()]
    anchor = document.anchor
    if anchor is None:
        return "DATE", f"XXXX-{season}"
    first = SEASON_FIRST_MONTH[season]
    direction = _direction(match, document, "nearest")
    if direction == "past":
        year = anchor.year if first <= anchor.month else anchor.year - 1
    elif direction == "future":
        year = anchor.year if first + 2 >= anchor.month else anchor.year + 1
    else:
        year = anchor.year
    if season == "WI" and anchor.month <= 2:
        year = anchor.year - 1  # January's winter began the December before
    return "DATE", f"{year}-{season}"


def _vague_span(match: _Groups, document: _Document) -> Normalised:
    code = _UNIT_CODES[match["unit"].lower().rstrip("s")]
    return "DURATION", f"PTX{code[1:]}" if code.startswith("T") else f"PX{code}"


def _easter(year: int) -> datetime.date:
    """Easter Sunday of ``year`` (Gregorian calendar; the anonymous algorithm)."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon = (19 * golden + century - leap_centuries - (century - correction + 1) // 3 + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_years - moon - year_rest) % 7
    shift = (golden + 11 * moon + 22 * weekday) // 451
    month, day = divmod(moon + weekday - 7 * shift + 114, 31)
    return datetime.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> datetime.date:
    """The ``nth`` ``weekday`` (1 = Monday) of the month; ``nth`` -1 is the last one."""
    if nth > 0:
        first = datetime.date(year, month, 1)
        return first + datetime.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = following - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.isoweekday() - weekday) % 7)


def _holiday_in(name: str, year: int) -> datetime.date:
    """The date of a (US-centred, as the wire services write) holiday in ``year``."""
    fixed = {
        "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
        "new year's": (1, 1), "new year's day": (1, 1), "new year's eve": (12, 31),
        "halloween": (10, 31), "valentine's day": (2, 14), "independence day": (7, 4),
        "veterans day": (11, 11), "boxing day": (12, 26),
    }  # fmt: skip
    if name in fixed:
        return datetime.date(year, *fixed[name])
    if name.startswith("easter"):
        return _easter(year)
    if name == "good friday":
        return _easter(year) - datetime.timedelta(days=2)
    if name.startswith("thanksgiving"):
        return _nth_weekday(year, 11, 4, 4)
    if name == "memorial day":
        return _nth_weekday(year, 5, 1, -1)
    if name == "labor day":
        return _nth_weekday(year, 9, 1, 1)
    # Election Day: the Tuesday after the first Monday of November.
    return _nth_weekday(year, 11, 1, 1) + datetime.timedelta(days=1)


def _holiday(match: _Groups, document: _Document) -> Normalised:
    if not match.capitalised("holiday"):
        return None  # "labor day" in lower case is no holiday name
    name = " ".join(match["holiday"].split())
    anchor = document.anchor
    if anchor is None:
        return "DATE", _holiday_in(name, 2000).strftime("XXXX-%m-%d")
    direction = match["direction"] or _direction(match, document, "nearest")
    this_year = _holiday_in(name, anchor.year)
    if direction in ("past", "last"):
        strictly = direction == "last"
        if this_year > anchor or (strictly and this_year == anchor):
            this_year = _holiday_in(name, anchor.year - 1)
    elif direction in ("future", "next"):
        strictly = direction == "next"
        if this_year < anchor or (strictly and this_year == anchor):
            this_year = _holiday_in(name, anchor.year + 1)
    elif direction == "nearest":
        candidates = [_holiday_in(name, anchor.year + shift) for shift in (-1, 0, 1)]
        this_year = min(candidates, key=lambda day: (abs((day - anchor).days), day))
    return "DATE", this_year.isoformat()


def _resolve_day(match: _Groups, document: _Document) -> datetime.date | str:
    """The day a deictic word or weekday names, or its unresolved value without an anchor."""
    anchor = document.anchor
    deictic = (match["deictic"] or "").lower()
    if match["weekday"]:
        weekday = _weekday_number(match["weekday"])
        if anchor is None:
            return f"XXXX-WXX-{weekday}"
        return _weekday_date(anchor, weekday, _direction(match, document))
    if anchor is None:
        return "XXXX-XX-XX"
    offset = {"yesterday": -1, "tomorrow": 1}.get(deictic, 0)
    return anchor + datetime.timedelta(days=offset)


def _day(match: _Groups, document: _Document) -> Normalised:
    if match["weekday"] and not match.capitalised("weekday"):
        return None
    day = _resolve_day(match, document)
    value = day if isinstance(day, str) else day.isoformat()
    part = match["part"].lower() if match["part"] else None
    if (match["deictic"] or "").lower() == "tonight":
        part = "night"
    if part:
        return "TIME", f"{value}T{_PART_CODES[part]}"
    return "DATE", value


def _clock(match: _Groups, document: _Document) -> Normalised:
    if (match["weekday"] and not match.capitalised("weekday")) or (
        match["month"] and not match.capitalised("month")
    ):
        return None
    if match["named"]:
        named = match["named"].lower()
        hour, minute = (24, 0) if named == "midnight" else (12, 0)
    else:
        hour = int(match["hour"])
        minute = int(match["minute"] or 0)
        meridiem = match["meridiem"].lower()
        if not 1 <= hour <= 12 or minute > 59:
            return None
        if meridiem.startswith("p") and hour != 12:
            hour += 12
        elif meridiem.startswith("a") and hour == 12:
            hour = 0
    if match["month"]:
        day_number = int(match["day"])
        month = _month_number(match["month"])
        year = document.anchor.year if document.anchor else None
        if year is None:
            date_value = f"XXXX-{month:02d}-{day_number:02d}"
        else:
            resolved = _date_or_none(year, month, day_number)
            if resolved is None:
                return None
            date_value = resolved.isoformat()
    else:
        day = _resolve_day(match, document)
        date_value = day if isinstance(day, str) else day.isoformat()
    return "TIME", f"{date_value}T{hour:02d}:{minute:02d}"


def _duration(match: _Groups, document: _Document) -> Normalised:
    unit_word = match["unit"].lower()
    if match["old"] == "-old" or document.text[match.end() : match.end() + 4] == " old":
        return None  # an age ("a 6-year-old"), not a period of time
    unit = _UNIT_CODES[unit_word.rstrip("s") if unit_word != "centuries" else "centurie"]
    number_text = match["number"].lower()
    number_text = " ".join(number_text.split())
    number = spelled_number(number_text)
    vague = number_text in VAGUE_QUANTITIES
    if number is None and not vague:
        try:
            number_float = float(number_text)
        except ValueError:
            return None
        number = round(number_float) if number_float >= 1 else None
        if number is None:
            return None
    if unit == "WE":
        unit, number = "D", (2 * number if number else None)
    if unit_word.startswith("fortnight"):
        number = 2 * number if number else None
    relation = (match["relation"] or "").lower()
    anchor = document.anchor
    if relation == "ago" or (relation in ("earlier", "before") and unit == "Y" and number == 1):
        if vague:
            return "DATE", "PAST_REF"
        if number == 1 and unit == "Y":
            return _year_ago(match, document)
        return _ago(anchor, unit, number or 0)
    if relation == "from now" and anchor is not None and number:
        return _ago(anchor, unit, -number)
    count = "X" if number is None else str(number)
    if unit == "TH" and number == 24 and match["the"]:
        # TimeBank annotates "the last twenty four hours" as a day.
        return "DURATION", "P1D"
    if not match["the"] and not match["hedge"] and not match["old"] and not relation:
        is_singular_article = number_text in ("a", "an")
        if is_singular_article and _RATE_CUE.search(document.before(match.start())):
            return "SET", f"P1{unit.lstrip('T')}" if unit[0] != "T" else f"PT1{unit[1:]}"
    if unit.startswith("T"):
        return "DURATION", f"PT{count}{unit[1:]}"
    return "DURATION", f"P{count}{unit}"


def _ago(anchor: datetime.date | None, unit: str, number: int) -> Normalised:
    if anchor is None:
        return "DATE", "PAST_REF"
    if unit == "D":
        return "DATE", (anchor - datetime.timedelta(days=number)).isoformat()
    if unit == "W":
        return "DATE", _iso_week(anchor - datetime.timedelta(weeks=number))
    if unit == "M":
        year, month = _shift_month(anchor.year, anchor.month, -number)
        return "DATE", f"{year}-{month:02d}"
    if unit == "Y":
        return "DATE", str(anchor.year - number)
    if unit == "DE":
        return "DATE", str(anchor.year - 10 * number)
    if unit == "Q":
        year, month = _shift_month(anchor.year, anchor.month, -3 * number)
        return "DATE", f"{year}-Q{(month - 1) // 3 + 1}"
    return "DATE", "PAST_REF"


def _set(match: _Groups, document: _Document) -> Normalised:
    if (match["weekday"] and not match.capitalised("weekday")) or (
        match["month"] and not match.capitalised("month")
    ):
        return None
    if match["adverb"]:
        adverb = match["adverb"].lower()
        value = {
            "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W",
            "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H",
        }[adverb]  # fmt: skip
        return "SET", value
    if match["weekday"]:
        return "SET", f"XXXX-WXX-{_weekday_number(match['weekday'])}"
    if match["month"]:
        return "SET", f"XXXX-{_month_number(match['month']):02d}"
    unit_word = match["unit"].lower().rstrip("s")
    count = spelled_number(match["number"]) if match["number"] else 1
    if "other" in match.group(0).lower():
        count = 2 * (count or 1)
    if unit_word in ("morning", "evening"):
        return "SET", f"XXXX-XX-XXT{_PART_CODES[unit_word]}"
    if unit_word == "season":
        # A season of the calendar lasts three months.
        return "SET", f"P{3 * (count or 1)}M"
    code = _UNIT_CODES[unit_word]
    if code == "WE":
        return "SET", "XXXX-WXX-WE"
    if code.startswith("T"):
        return "SET", f"PT{count}{code[1:]}"
    return "SET", f"P{count}{code}"


def _vague(match: _Groups, document: _Document) -> Normalised:
    if match["present"]:
        if match["present"].lower() == "current":
            following = document.text[match.end() : match.end() + 12].lower()
            if following.startswith((" account", " affairs", " events", " flow")):
                return None
        return "DATE", "PRESENT_REF"
    if match["past"]:
        return "DATE", "PAST_REF"
    return "DATE", "FUTURE_REF"


# The rules, in the order they are tried at each position: at one start the
# first that matches wins (so the more specific come first).
_RULES: dict[str, tuple[str, Normaliser]] = {
    "clock": (_CLOCK, _clock),
    "iso": (_ISO_DATE, _iso_date),
    "slash": (_SLASH_DATE, _slash_date),
    "month": (_MONTH_DATE, _month_date),
    "daymonth": (_DAY_MONTH, _day_month),
    "quarter": (_QUARTER, _quarter),
    "yearago": (_YEAR_AGO, _year_ago),
    "relative": (_RELATIVE, _relative),
    "theperiod": (_THE_PERIOD, _the_period),
    "theweekend": (_THE_WEEKEND, _the_weekend),
    "holiday": (_HOLIDAY, _holiday),
    "reportingyear": (_REPORTING_YEAR, lambda match, document: ("DURATION", "P1Y")),
    "vaguespan": (_VAGUE_SPAN, _vague_span),
    "yearend": (_YEAR_END, _year_end),
    "season": (_SEASON, _season),
    "duration": (_DURATION, _duration),
    "set": (_SET, _set),
    "day": (_DAY, _day),
    "decade": (_DECADE, _decade),
    "century": (_CENTURY, _century),
    "year": (_YEAR, _year),
    "vague": (_VAGUE, _vague),
}

# Every temporal expression holds at least one trigger: one of these words or
# a number that looks like a year, a clock time or a date. Tokenising once and
# running only the rules a trigger can start, anchored at the few word starts
# just before it, costs a fraction of running every rule over the whole text:
# most of an article is nowhere near a date.
_RULES_BY_TRIGGER: dict[str, tuple[str, ...]] = {
    "year": ("iso", "quarter", "decade", "year", "month"),
    "clock": ("clock", "slash"),
    "decade": ("decade",),
    "month": ("month", "daymonth", "relative", "set", "clock"),
    "weekday": ("month", "relative", "day", "set", "clock", "holiday"),
    "holiday": ("holiday",),
    "deictic": ("day", "clock"),
    "unit": ("quarter", "yearago", "relative", "theperiod", "duration", "set", "vague", "century",
             "holiday", "reportingyear", "vaguespan", "yearend"),
    "vague": ("vague",),
    "weekend": ("relative", "theweekend", "duration", "set"),
    "clockword": ("clock",),
    "adverb": ("set",),
    "season": ("relative", "set", "season"),
    "spelledyear": ("year", "month"),
    "decadeword": ("decade",),
}  # fmt: skip
_TRIGGER_WORDS: dict[str, str] = {
    **{name.lower(): "month" for name in MONTH_NAMES},
    **{abbreviation.lower(): "month" for abbreviation in MONTH_ABBREVIATIONS},
    **dict.fromkeys(WEEKDAYS, "weekday"),
    **dict.fromkeys(("today", "tonight", "tomorrow", "yesterday"), "deictic"),
    **dict.fromkeys(
        (
            *(f"{unit}{plural}" for plural in ("", "s") for unit in (
                "second", "minute", "hour", "day", "night", "week", "fortnight", "month",
                "year", "decade", "quarter", "season")),
            "century", "centuries", "half", "period", "morning", "afternoon", "evening",
        ),
        "unit",
    ),
    **dict.fromkeys(
        ("now", "current", "currently", "recent", "recently", "lately", "formerly", "present",
         "presently", "nowadays", "future", "past"),
        "vague",
    ),
    **dict.fromkeys(("weekend", "weekends"), "weekend"),
    **dict.fromkeys(
        ("christmas", "thanksgiving", "easter", "halloween", "valentine", "independence",
         "memorial", "labor", "election", "veterans", "boxing"),
        "holiday",
    ),
    **dict.fromkeys(("noon", "midnight", "midday"), "clockword"),
    **dict.fromkeys(
        ("daily", "nightly", "weekly", "biweekly", "monthly", "annually", "yearly", "hourly"),
        "adverb",
    ),
    **dict.fromkeys(SEASONS, "season"),
    **dict.fromkeys(("nineteen", "thousand"), "spelledyear"),
    **dict.fromkeys(_DECADE_WORDS, "decadeword"),
}  # fmt: skip


def _trie(words: Sequence[str]) -> str:
    """A regex matching exactly ``words``, factored by common prefixes.

    The regex engine tries alternatives one by one; a trie makes almost every
    attempt fail at its first letter, which makes the trigger scan cheap.
    """
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}

    def emit(node: dict[str, dict[str, Any]]) -> str:
        branches = [re.escape(key) + emit(child) for key, child in sorted(node.items()) if key]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return emit(root)


# A trigger starts a word: a trigger word, a four-digit number that can be a
# year, or a number followed by a clock, slash-date or decade ending.
_TRIGGER = re.compile(
    r"(?<![a-z0-9,.])(?:"
    + _trie(sorted(_TRIGGER_WORDS))
    + r"\b|[12]\d{3}(?!\d)|\d{1,2}(?=\s?[ap]\.?m\b|:\d\d|/\d|['’]?s\b|\s?o'clock))"
)
_WORD = re.compile(r"(?<![\w'’])[\w'’]+")
# Words an expression can begin with, besides trigger words and numbers: the
# rules are only tried at word starts like these ("said" never starts a date).
_STARTERS = frozenset(
    {
        "the", "a", "an", "this", "last", "next", "past", "coming", "previous", "following",
        "current", "early", "late", "mid", "earlier", "later", "more", "less", "fewer",
        "nearly", "almost", "about", "around", "at", "up", "roughly", "approximately",
        "every", "each", "per", "other", "fiscal", "calendar", "its", "their", "latest",
        "same", "prior", "most", "just", "final", "several", "few", "many", "some", "these",
        "comparable", "recent", "remaining", "initial", "year", "two", "nineteen", "new", "good",
        *ONES, *TEENS, *TENS, *ORDINALS, *_TRIGGER_WORDS,
    }
)  # fmt: skip
# How far each rule's expressions reach to the left of the trigger ("more than
# the past two years" starts 28 characters before "years"); trying fewer
# starts is most of what keeps the search fast.
_REACH_LEFT = {
    "clock": 24, "iso": 0, "slash": 0, "month": 30, "daymonth": 4, "quarter": 30,
    "yearago": 4, "theweekend": 4, "holiday": 10, "reportingyear": 10, "vaguespan": 0,
    "yearend": 10, "season": 14,
    "relative": 30, "theperiod": 34, "duration": 36, "set": 18, "day": 8, "decade": 10,
    "century": 16, "year": 30, "vague": 12,
}  # fmt: skip
_GROUP_NAME = re.compile(r"\(\?P<(\w+)>")


def _kind_pattern(kind: str) -> tuple[re.Pattern[str], int]:
    # The rules a trigger kind can start, as one alternation in priority order,
    # so each word start costs one match call. Each rule's groups are renamed
    # "<rule>__<group>"; the rule's own group closes last, so
    # ``match.lastgroup`` names the rule that matched.
    rules = [rule for rule in _RULES if rule in _RULES_BY_TRIGGER[kind]]
    alternatives = []
    for rule in rules:
        renamed = _GROUP_NAME.sub(rf"(?P<{rule}__\1>", _RULES[rule][0])
        alternatives.append(f"(?P<{rule}>{renamed})")
    return re.compile("|".join(alternatives)), max(_REACH_LEFT[rule] for rule in rules)


_KIND_PATTERNS = {kind: _kind_pattern(kind) for kind in _RULES_BY_TRIGGER}


def _trigger_kind(word: str) -> str:
    if not word[0].isdigit():
        return _TRIGGER_WORDS[word]
    if len(word) == 4:
        return "year"
    return "clock"


def _candidates(lowered: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """Every rule match around a trigger, as (start, end, rule, match), deduplicated."""
    found: dict[tuple[int, int, str], re.Match[str]] = {}
    # Neighbouring triggers share word starts: match each start once per kind.
    tried: dict[tuple[int, str], re.Match[str] | None] = {}
    covered_until = -1
    for trigger in _TRIGGER.finditer(lowered):
        start, end = trigger.span()
        if end <= covered_until:
            continue  # inside an expression an earlier trigger found
        kind = _trigger_kind(trigger.group())
        if kind == "clock" and lowered[end : end + 1] in ("s", "'", "’"):
            kind = "decade"
        pattern, reach = _KIND_PATTERNS[kind]
        # Word starts within reach, farthest first: the first match that covers
        # the trigger is the longest.
        for word in _WORD.finditer(lowered, max(0, start - reach), end):
            text = word.group()
            if text not in _STARTERS and text[0] not in "0123456789'’":
                continue
            key = (word.start(), kind)
            if key in tried:
                match = tried[key]
            else:
                match = tried[key] = pattern.match(lowered, word.start())
            if match is not None and match.end() >= end and match.lastgroup:
                found.setdefault((match.start(), match.end(), match.lastgroup), match)
                covered_until = max(covered_until, match.end())
                break
    return [(start, end, rule, match) for (start, end, rule), match in found.items()]


def _non_overlapping(candidates: list[tuple[int, int, int, Timex]]) -> list[Timex]:
    """Candidates without overlaps, in text order: of two that overlap, the longer
    (then the higher-priority rule) stays. One linear sweep, so a text with a
    hundred thousand dates costs no more per date than an article."""
    candidates.sort(key=lambda item: (item[0], item[2]))
    kept: list[tuple[int, int, int, Timex]] = []
    for candidate in candidates:
        if kept and candidate[0] < kept[-1][1]:
            last = kept[-1]
            if candidate[1] - candidate[0] > last[1] - last[0]:
                kept[-1] = candidate
            continue
        kept.append(candidate)
    return [timex for *_, timex in kept]


class _Groups:
    """One rule's view of a master match: its groups by their short names."""

    __slots__ = ("_match", "_prefix", "_text")

    def __init__(self, match: re.Match[str], rule: str, text: str) -> None:
        self._match = match
        self._prefix = rule + "__"
        self._text = text

    def __getitem__(self, name: str) -> str:
        """The group's text, or "" if it did not take part in the match (or does not exist)."""
        try:
            return self._match.group(self._prefix + name) or ""
        except IndexError:  # the rule has no such group
            return ""

    def start(self, name: str | None = None) -> int:
        return self._match.start() if name is None else self._match.start(self._prefix + name)

    def end(self) -> int:
        return self._match.end()

    def group(self, index: int = 0) -> str:
        return self._match.group(index)

    def capitalised(self, name: str) -> bool:
        """Whether the group starts with a capital in the original text ("May", not "may")."""
        start = self._match.start(self._prefix + name)
        return start >= 0 and self._text[start].isupper()


_PRIORITY = {rule: index for index, rule in enumerate(_RULES)}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lowercased(text: str) -> str:
    # Offsets must survive lowercasing. str.lower() never drops a character,
    # so an unchanged length means a one-to-one mapping; when some character
    # grew ("İ" becomes two), only ASCII is folded instead.
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return text.translate(_ASCII_LOWER)


def _sentence_bounds(
    text: str, sentences: Sequence[tuple[int, int]] | None
) -> tuple[list[int], list[int]]:
    if sentences:
        ordered = sorted(sentences)
        return [start for start, _ in ordered], [end for _, end in ordered]
    starts = [0]
    ends = []
    for match in _SENTENCE_BREAK.finditer(text):
        ends.append(match.start() + 1)
        starts.append(match.end())
    ends.append(len(text))
    return starts, ends


def find_timexes(
    text: str,
    anchor: datetime.date | None,
    *,
    sentences: Sequence[tuple[int, int]] | None = None,
) -> list[Timex]:
    """Every temporal expression in ``text``, normalised against ``anchor``.

    ``anchor`` is the article's date; without one, relative expressions stay
    unresolved ("XXXX-XX-XX", "XXXX-WXX-2"). ``sentences`` are (start, end)
    sentence spans if the caller knows them (the tense of the sentence decides
    whether "Tuesday" is the one before or after the anchor); otherwise the
    text is split at sentence punctuation. The result is sorted by start, with
    no two timexes overlapping; offsets index ``text``.
    """
    if isinstance(anchor, datetime.datetime):
        anchor = anchor.date()
    lowered = _lowercased(text)
    candidates = _candidates(lowered)
    if not candidates:
        return []
    document = _Document(text, lowered, anchor, sentences)
    # Normalise every candidate before choosing among overlapping ones, so one
    # its normaliser rejects ("May" the modal) leaves room for the others; text
    # order lets "a year earlier" see the quarter named before it.
    priority = _PRIORITY
    candidates.sort(key=lambda item: (item[0], priority[item[2]]))
    normalised: list[tuple[int, int, int, Timex]] = []
    for start, end, rule, match in candidates:
        result = _RULES[rule][1](_Groups(match, rule, text), document)
        if result is None:
            continue
        # Trailing spaces are never part of the expression, nor is the article
        # of an adjective ("the [two-week] strike", "its [third-quarter] loss").
        while end > start and text[end - 1].isspace():
            end -= 1
        if determiner := _DETERMINED_ADJECTIVE.match(lowered, start, end):
            start = determiner.end()
        timex = Timex(start, end, text[start:end], result[0], result[1])
        normalised.append((start, end, priority[rule], timex))
    return _non_overlapping(normalised)
