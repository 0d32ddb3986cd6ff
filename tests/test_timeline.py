"""The timeline's logic (mapper/timeline.py): binning, the range, stepping, playing."""

from __future__ import annotations

import datetime

import pytest

from mapper.filters import Filter
from mapper.timeline import (
    TimelineState,
    advance,
    auto_resolution,
    bin_start,
    core_days,
    format_range,
    histogram,
)


def d(text: str) -> int:
    return datetime.date.fromisoformat(text).toordinal()


def test_bins_start_on_the_day_the_monday_the_first_of_the_month_and_of_the_year():
    day = d("2019-05-02")  # a Thursday
    assert bin_start(day, "day") == day
    assert bin_start(day, "week") == d("2019-04-29")
    assert bin_start(day, "month") == d("2019-05-01")
    assert bin_start(day, "year") == d("2019-01-01")


def test_months_and_years_advance_by_the_calendar():
    assert advance(d("2019-01-31"), "month") == d("2019-02-28")
    assert advance(d("2019-12-15"), "month") == d("2020-01-15")
    assert advance(d("2019-03-01"), "month", -3) == d("2018-12-01")
    assert advance(d("2020-02-29"), "year") == d("2021-02-28")
    assert advance(d("2019-05-01"), "week", -1) == d("2019-04-24")


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("2019-05-01", "2019-05-03", "day"),
        ("2019-01-01", "2019-04-30", "week"),
        ("2019-01-01", "2021-12-31", "month"),
        ("1990-01-01", "2019-12-31", "year"),
    ],
)
def test_the_resolution_fits_the_span(first, last, expected):
    assert auto_resolution(d(first), d(last)) == expected


def test_the_histogram_counts_each_excerpt_once_in_the_bin_of_its_first_day():
    spans = [
        (d("2019-04-30"), d("2019-04-30")),
        (d("2019-05-01"), d("2019-05-01")),
        (d("2019-05-01"), d("2019-05-01")),
        (d("2019-05-02"), d("2019-05-02")),
        (0, 0),
        (0, 0),
    ]
    hist = histogram(spans)
    assert hist.resolution == "day"
    assert hist.starts == (d("2019-04-30"), d("2019-05-01"), d("2019-05-02"))
    assert hist.counts == (1, 2, 1)
    assert hist.undated == 2 and hist.dated == 4
    weekly = histogram(spans, "week")
    assert weekly.starts == (d("2019-04-29"),) and weekly.counts == (4,)
    assert weekly.ends == (d("2019-05-05"),)


def test_a_histogram_of_undated_excerpts_only_is_empty_with_its_count():
    hist = histogram([(0, 0)] * 3)
    assert hist.is_empty and hist.undated == 3


def test_a_month_long_date_stretches_the_span():
    hist = histogram([(d("2019-01-01"), d("2019-01-31")), (d("2019-05-02"), d("2019-05-02"))])
    assert (hist.first_day, hist.last_day) == (d("2019-01-01"), d("2019-05-02"))
    assert hist.resolution == "week"  # 122 days: too many bins of a day
    assert hist.starts[0] == d("2018-12-31") and hist.counts[0] == 1 and hist.counts[-1] == 1


def test_the_range_narrows_a_filter_and_keeps_its_other_facets():
    state = TimelineState(bounds=(d("2019-04-30"), d("2019-05-02")))
    base = Filter.of(actors=["a"])
    assert state.narrow(base) == base
    state.set_range(d("2019-05-02"), d("2019-05-01"))  # reversed: swapped
    where = state.narrow(base)
    assert (where.first_day, where.last_day, where.actors) == (
        d("2019-05-01"),
        d("2019-05-02"),
        frozenset({"a"}),
    )
    assert where.passes("x", ["a"], [], d("2019-05-01"), d("2019-05-01"))
    assert not where.passes("x", ["a"], [], d("2019-04-30"), d("2019-04-30"))
    assert state.describe() == "1 May 2019 – 2 May 2019"


def test_undated_excerpts_can_be_hidden_with_or_without_a_range():
    state = TimelineState(bounds=(d("2019-04-30"), d("2019-05-02")), undated=False)
    where = state.narrow(Filter())
    assert where.has_dates and not where.passes("x", [], [], 0, 0)
    assert where.passes("x", [], [], d("2019-04-30"), d("2019-04-30"))
    again = TimelineState()
    again.restore(where)
    assert again.is_open and not again.undated


def test_restoring_a_saved_filter_restores_the_range():
    state = TimelineState()
    state.restore(Filter().between(datetime.date(2019, 5, 1), datetime.date(2019, 5, 3)))
    assert (state.first, state.last, state.undated) == (d("2019-05-01"), d("2019-05-03"), True)
    state.restore(Filter())
    assert state.is_open


def test_a_window_keeps_its_length_when_either_end_moves():
    state = TimelineState(bounds=(d("2019-01-01"), d("2019-12-31")))
    state.set_window(3)
    assert (state.first, state.last) == (d("2019-01-01"), d("2019-01-03"))
    state.set_range(d("2019-03-10"), d("2019-03-30"))
    assert (state.first, state.last) == (d("2019-03-10"), d("2019-03-12"))
    state.set_range(d("2019-03-01"), d("2019-03-20"), moving="last")
    assert (state.first, state.last) == (d("2019-03-18"), d("2019-03-20"))


def test_steps_move_the_range_by_the_resolution_inside_the_bounds():
    state = TimelineState(bounds=(d("2019-04-30"), d("2019-05-03")))
    assert state.step(1)  # from open: the first day
    assert (state.first, state.last) == (d("2019-04-30"), d("2019-04-30"))
    assert state.step(1)
    assert (state.first, state.last) == (d("2019-05-01"), d("2019-05-01"))
    assert state.step(-1) and not state.step(-1)  # not before the first day
    assert state.first == d("2019-04-30")
    state.set_range(d("2019-05-02"), d("2019-05-03"))
    assert not state.step(1)  # not past the last day


def test_playing_stops_at_the_end_or_loops():
    state = TimelineState(bounds=(d("2019-05-01"), d("2019-05-03")))
    state.start_playing()
    frames = [(state.first, state.last)]
    while state.tick():
        frames.append((state.first, state.last))
    frames.append((state.first, state.last))
    assert [first for first, _ in frames][:3] == [d("2019-05-01"), d("2019-05-02"), d("2019-05-03")]
    assert state.at_end()
    state.loop = True
    assert state.tick()  # at the end: back to the beginning
    assert state.first == d("2019-05-01")


def test_cumulative_playing_keeps_the_start_and_moves_the_end():
    state = TimelineState(bounds=(d("2019-05-01"), d("2019-05-04")), cumulative=True)
    state.start_playing()
    assert (state.first, state.last) == (d("2019-05-01"), d("2019-05-01"))
    state.tick()
    state.tick()
    assert (state.first, state.last) == (d("2019-05-01"), d("2019-05-03"))
    assert state.step(-1) and state.last == d("2019-05-02")


def test_a_window_slides_when_playing():
    state = TimelineState(bounds=(d("2019-05-01"), d("2019-05-31")))
    state.set_window(7)
    state.resolution = "week"
    state.start_playing()
    state.tick()
    assert (state.first, state.last) == (d("2019-05-08"), d("2019-05-14"))


def test_ranges_are_written_the_same_in_every_locale():
    assert format_range(d("2019-05-01"), d("2019-05-03")) == "1 May 2019 – 3 May 2019"
    assert format_range(d("2019-05-01"), d("2019-05-01")) == "1 May 2019"


def test_history_far_from_the_news_is_off_the_axis_and_counted():
    # "named the river in 1793" among news of May 2019 squeezed the axis to a sliver.
    news = [(d("2019-05-01") + i % 5,) * 2 for i in range(200)]
    history = [(d("1793-01-01"), d("1793-12-31")), (d("1990-01-01"), d("1990-12-31"))]
    hist = histogram([*news, *history, (0, 0)])
    assert (hist.first_day, hist.last_day) == (d("2019-05-01"), d("2019-05-05"))
    assert (hist.earlier, hist.later, hist.undated) == (2, 0, 1)
    assert sum(hist.counts) == 200 and hist.dated == 202
    assert hist.resolution == "day"
    # A handful of excerpts: every one is on the axis.
    few = histogram([*news[:40], *history])
    assert few.first_day == d("1793-01-01") and few.earlier == 0
    # News over four years keeps a story some months after the rest.
    spread = [(d("2019-01-01") + i * 15,) * 2 for i in range(100)]
    assert core_days([*spread, (d("2023-06-01"),) * 2]) == (d("2019-01-01"), d("2023-06-01"))
    assert core_days([(0, 0)]) is None
