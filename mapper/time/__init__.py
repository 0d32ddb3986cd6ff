"""When: temporal expressions in news text, normalised as TimeML TIMEX3 values.

Pure Python (no JVM, unlike HeidelTime and SUTime): compiled regexes find the
expressions and news rules resolve them against the article's date.
"""

from mapper.time.finder import find_timexes
from mapper.time.timex import Timex, TimexType, day_span

__all__ = ["Timex", "TimexType", "day_span", "find_timexes"]
