"""The timeline under the map: a histogram of excerpts over time and the range shown.

Qt-free: the window's timeline (``ui/timeline.py``) draws a :class:`Histogram` and drives
a :class:`TimelineState` (the range, the sliding window, stepping and playing). Days are
``datetime.date`` ordinals throughout, as in :class:`~mapper.filters.Filter`; 0 is an
undated excerpt.

- :func:`histogram` bins excerpts by the day their date starts, at a resolution that fits
  the span (:func:`auto_resolution`: at most about a hundred bins) or the one asked for;
- :class:`TimelineState` holds the range (``None``: every date), an optional window
  length (dragging or stepping keeps it), cumulative mode (the start stays, the end
  advances), loop, and whether undated excerpts are shown; :meth:`TimelineState.narrow`
  turns it into the window's :class:`~mapper.filters.Filter`.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from mapper.filters import Filter
from mapper.store.gc_pause import collector_paused
from mapper.time.display import describe_day

if TYPE_CHECKING:
    from mapper.atlas import Atlas

Resolution = Literal["day", "week", "month", "year"]
#: Finest first.
RESOLUTIONS: tuple[Resolution, ...] = ("day", "week", "month", "year")
#: At most this many bins when the resolution is chosen automatically.
MAX_BINS = 100

#: The sliding windows offered (label, length in days); None: the range is free.
WINDOWS: tuple[tuple[str, int | None], ...] = (
    ("Free range", None),
    ("1 day", 1),
    ("72 hours", 3),
    ("1 week", 7),
    ("2 weeks", 14),
    ("1 month", 30),
    ("3 months", 91),
    ("1 year", 365),
)
#: Playing speeds (label, factor): one step a second at 1×.
SPEEDS: tuple[tuple[str, float], ...] = (("0.5×", 0.5), ("1×", 1.0), ("2×", 2.0), ("4×", 4.0))
STEP_MS = 1000

#: The first ordinal a Filter may hold: "from the beginning", to hide undated excerpts
#: without narrowing the dates.
_DAY_ONE = 1


# -- days ---------------------------------------------------------------------------------


def format_day(day: int) -> str:
    """ "1 May 2019" (the same in every locale, as the page writes it)."""
    return describe_day(datetime.date.fromordinal(day), weekday=False)


def format_range(first: int, last: int) -> str:
    """ "1 May 2019 – 3 May 2019" ("1 May 2019" for one day)."""
    if first == last:
        return format_day(first)
    return f"{format_day(first)} – {format_day(last)}"


def bin_start(day: int, resolution: Resolution) -> int:
    """The first day of the bin (day, ISO week from Monday, month, year) holding ``day``."""
    if resolution == "day":
        return day
    date = datetime.date.fromordinal(day)
    if resolution == "week":
        return day - date.weekday()
    if resolution == "month":
        return date.replace(day=1).toordinal()
    return date.replace(month=1, day=1).toordinal()


def advance(day: int, resolution: Resolution, steps: int = 1) -> int:
    """``day`` moved by ``steps`` units of the resolution (months and years by the
    calendar, the day of the month clamped to the month's length)."""
    if resolution == "day":
        return day + steps
    if resolution == "week":
        return day + 7 * steps
    date = datetime.date.fromordinal(day)
    months = steps if resolution == "month" else 12 * steps
    year, month = divmod(date.year * 12 + date.month - 1 + months, 12)
    year = min(max(year, datetime.MINYEAR), datetime.MAXYEAR)
    length = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(date.day, length)).toordinal()


def bin_count(first: int, last: int, resolution: Resolution) -> int:
    """How many bins of this resolution cover the days from ``first`` to ``last``."""
    start, end = bin_start(first, resolution), bin_start(last, resolution)
    if resolution in ("day", "week"):
        return (end - start) // (1 if resolution == "day" else 7) + 1
    a, b = datetime.date.fromordinal(start), datetime.date.fromordinal(end)
    if resolution == "month":
        return (b.year - a.year) * 12 + b.month - a.month + 1
    return b.year - a.year + 1


def auto_resolution(first: int, last: int, max_bins: int = MAX_BINS) -> Resolution:
    """The finest resolution that covers the span in at most ``max_bins`` bins."""
    for resolution in RESOLUTIONS:
        if bin_count(first, last, resolution) <= max_bins:
            return resolution
    return "year"


# -- the histogram ------------------------------------------------------------------------


#: Up to this share of the dated excerpts at each end may be left off the timeline's axis…
OUTLIER_SHARE = 0.02
#: … when they lie further from the rest than half the rest's span, and at least this far.
OUTLIER_GAP_DAYS = 31


def core_days(spans: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    """The days the bulk of the dated excerpts cover, given as (first day, last day)
    pairs ((0, 0): undated): from the earliest first day to the latest last day, less up
    to :data:`OUTLIER_SHARE` of them at each end that lie far from the rest — the history
    a news story recalls ("named the river in 1793") among news of 2019 to 2026, which
    would squeeze those years into a sliver of the axis. None when nothing is dated.
    Fewer than 50 dated excerpts are all kept."""
    dated = [(first, max(first, last)) for first, last in spans if first]
    if not dated:
        return None
    firsts = sorted(first for first, _ in dated)
    lasts = sorted(last for _, last in dated)
    spare = int(len(dated) * OUTLIER_SHARE)
    low, high = firsts[spare], lasts[-1 - spare]
    gap = max(OUTLIER_GAP_DAYS, (high - low) // 2)
    first = next(day for day in firsts if day >= low - gap)
    last = next(day for day in reversed(lasts) if day <= high + gap)
    return first, max(first, last)


@dataclass(frozen=True)
class Histogram:
    """Excerpts per bin over the days the bulk of the dated excerpts cover (:func:`core_days`).

    ``starts[i]`` is the first day of bin ``i`` (``ends[i]`` its last); an excerpt counts
    in the bin of its first day. ``undated`` excerpts are counted apart, and so are those
    dated ``earlier`` or ``later`` than the bins (still shown on the map unless a range
    leaves them out).
    """

    resolution: Resolution
    starts: tuple[int, ...] = ()
    counts: tuple[int, ...] = ()
    undated: int = 0
    #: The days the binned excerpts cover (0, 0: none dated).
    first_day: int = 0
    last_day: int = 0
    earlier: int = 0
    later: int = 0

    @property
    def ends(self) -> tuple[int, ...]:
        """The last day of each bin."""
        return tuple(advance(start, self.resolution) - 1 for start in self.starts)

    @property
    def dated(self) -> int:
        """How many excerpts have a date (in the bins or off them)."""
        return sum(self.counts) + self.earlier + self.later

    @property
    def is_empty(self) -> bool:
        """Whether no excerpt is dated."""
        return not self.starts


def histogram(
    spans: Iterable[tuple[int, int]],
    resolution: Resolution | None = None,
    max_bins: int = MAX_BINS,
) -> Histogram:
    """Bin excerpts given as (first day, last day) pairs ((0, 0): undated).

    With no ``resolution``, the finest that fits the span in ``max_bins`` bins.
    """
    spans = list(spans)
    undated = sum(1 for first, _ in spans if not first)
    core = core_days(spans)
    if core is None:
        return Histogram(resolution or "day", undated=undated)
    lo, hi = core
    chosen = resolution or auto_resolution(lo, hi, max_bins)
    starts = [bin_start(lo, chosen)]
    end = bin_start(hi, chosen)
    while starts[-1] < end:
        starts.append(advance(starts[-1], chosen))
    index = {start: i for i, start in enumerate(starts)}
    counts = [0] * len(starts)
    earlier = later = 0
    for first, _ in spans:
        if not first:
            continue
        if first < lo:
            earlier += 1
        elif first > hi:
            later += 1
        else:
            counts[index[bin_start(first, chosen)]] += 1
    return Histogram(chosen, tuple(starts), tuple(counts), undated, lo, hi, earlier, later)


def excerpt_spans(atlas: Atlas, where: Filter) -> list[tuple[int, int]]:
    """(first day, last day) of every excerpt that passes ``where`` (dates left open)."""
    where = replace(where, first_day=None, last_day=None, undated=True)
    seen: set[str] = set()
    spans: list[tuple[int, int]] = []
    with collector_paused():  # thousands of small tuples over a big heap
        for place in atlas.places(where=where):
            for excerpt in atlas.excerpts_for_place(place.id, where=where):
                if excerpt.id not in seen:
                    seen.add(excerpt.id)
                    spans.append((excerpt.first_day, excerpt.last_day))
    return spans


# -- the range, the window, stepping and playing ------------------------------------------


@dataclass
class TimelineState:
    """The range of days shown and how stepping and playing move it.

    ``first``/``last`` (ordinals) are the range; ``None`` for both: every date. The
    ``bounds`` are the days the dated excerpts cover; stepping and playing stay inside
    them. With a ``window`` (days), the range keeps that length: setting either end
    moves the whole window. In ``cumulative`` mode playing keeps the start and moves the
    end. ``loop``: playing past the end starts again at the beginning.
    """

    bounds: tuple[int, int] | None = None
    first: int | None = None
    last: int | None = None
    window: int | None = None
    resolution: Resolution = "day"
    cumulative: bool = False
    loop: bool = False
    undated: bool = True

    # -- the range -------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Whether every date is shown (no range set)."""
        return self.first is None and self.last is None

    def span(self) -> tuple[int, int] | None:
        """The range as shown: the set range, else the bounds (None: nothing dated)."""
        if not self.is_open:
            lo, hi = self.bounds or (0, 0)
            first = self.first if self.first is not None else lo
            last = self.last if self.last is not None else hi
            return first, last
        return self.bounds

    def clear(self) -> None:
        """Every date again."""
        self.first = self.last = None

    def set_range(self, first: int, last: int, *, moving: str = "first") -> None:
        """Show the days from ``first`` to ``last`` (swapped if reversed).

        With a window, the range keeps the window's length, anchored at ``first``
        (``moving="last"``: at ``last``, for the handle at the end).
        """
        if last < first:
            first, last = last, first
        if self.window is not None:
            if moving == "last":
                first = last - self.window + 1
            else:
                last = first + self.window - 1
        self.first, self.last = first, last

    def set_window(self, days: int | None) -> None:
        """Slide a window of ``days`` (None: a free range); the range takes its length."""
        self.window = days
        if days is None:
            return
        span = self.span()
        if span is not None:
            self.set_range(span[0], span[0] + days - 1)

    # -- stepping and playing ----------------------------------------------------------
    def _start_span(self) -> tuple[int, int] | None:
        """The range playing starts from when none is set."""
        if self.bounds is None:
            return None
        lo = self.bounds[0]
        if self.window is not None:
            return lo, lo + self.window - 1
        return lo, advance(lo, self.resolution) - 1

    def step(self, direction: int = 1) -> bool:
        """Move one unit of the resolution forwards (1) or back (-1), inside the bounds.

        Cumulative mode moves the end only. Returns whether the range moved.
        """
        if self.bounds is None:
            return False
        lo, hi = self.bounds
        if self.is_open:
            start = self._start_span()
            if start is None:
                return False
            self.first, self.last = start
            return True
        first, last = self.span() or (lo, hi)
        if self.cumulative:
            new_last = advance(last, self.resolution, direction)
            new_last = min(max(new_last, first), max(hi, first))
            moved = new_last != last
            self.first, self.last = first, new_last
            return moved
        length = last - first
        new_first = advance(first, self.resolution, direction)
        new_first = min(max(new_first, lo), max(hi - length, lo))
        moved = new_first != first
        self.first, self.last = new_first, new_first + length
        return moved

    def at_end(self) -> bool:
        """Whether playing has reached the last day."""
        span = self.span()
        return self.bounds is None or span is None or span[1] >= self.bounds[1]

    def rewind(self) -> None:
        """Back to the beginning: the first window (cumulative: the first unit)."""
        if self.bounds is None:
            return
        lo = self.bounds[0]
        span = self.span()
        if self.cumulative:
            self.first, self.last = lo, advance(lo, self.resolution) - 1
        elif span is not None and not self.is_open and span != self.bounds:
            self.first, self.last = lo, lo + span[1] - span[0]
        else:
            start = self._start_span()
            if start is not None:
                self.first, self.last = start

    def tick(self) -> bool:
        """One frame of playing: a step forwards; at the end, start again (``loop``) or
        stop. Returns whether playing goes on."""
        if self.bounds is None:
            return False
        if self.is_open:
            self.rewind()
            return True
        if self.at_end():
            if not self.loop:
                return False
            self.rewind()
            return True
        self.step(1)
        return self.loop or not self.at_end()

    def start_playing(self) -> None:
        """Before the first tick: from the beginning when the range is open or at the end."""
        if self.is_open or self.at_end():
            self.rewind()

    # -- the filter ----------------------------------------------------------------------
    def narrow(self, where: Filter) -> Filter:
        """``where`` narrowed to the range (and undated excerpts hidden if so chosen)."""
        if self.is_open:
            if self.undated:
                return replace(where, first_day=None, last_day=None, undated=True)
            return replace(where, first_day=_DAY_ONE, last_day=None, undated=False)
        return replace(where, first_day=self.first, last_day=self.last, undated=self.undated)

    def restore(self, where: Filter) -> None:
        """Take the range of a saved filter (a project being opened)."""
        self.undated = where.undated
        if where.first_day == _DAY_ONE and where.last_day is None:
            self.first = self.last = None
        else:
            self.first, self.last = where.first_day, where.last_day
        if (
            self.window is not None
            and self.first is not None
            and self.last is not None
            and self.last - self.first + 1 != self.window
        ):
            self.window = None  # a saved range of another length: a free range

    def describe(self) -> str:
        """The range shown, as the status bar says it ("" for every date)."""
        if self.is_open:
            return "" if self.undated else "Dated excerpts only"
        span = self.span()
        if span is None:
            return ""
        if self.first is None:
            text = f"Until {format_day(span[1])}"
        elif self.last is None:
            text = f"From {format_day(span[0])}"
        else:
            text = format_range(span[0], span[1])
        return text if self.undated else f"{text} (undated hidden)"
