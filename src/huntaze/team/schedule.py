"""When a weekly shift runs: pure functions over weekdays, start and end read in a time zone.

Weekdays are numbered as ``datetime.weekday()`` does (0 Monday … 6 Sunday). A shift whose end is
at or before its start runs past midnight: the part after midnight belongs to the day it started
on. Overlaps are found on the minutes of a week in UTC (each shift converted with its zone's
offset at the moment asked about), so shifts written in two zones are compared as they happen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WEEK_MINUTES = 7 * 24 * 60
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Window:
    """The repeat of a shift: its weekdays and local start and end."""

    weekdays: tuple[int, ...]
    start: dt.time
    end: dt.time
    time_zone: str

    @property
    def overnight(self) -> bool:
        """Whether the shift ends on the next day."""
        return self.end <= self.start

    @property
    def minutes(self) -> int:
        """How long one occurrence lasts."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return (end - start) % (24 * 60) or 24 * 60


def parse_clock(text: str) -> dt.time:
    """``HH:MM`` (24-hour clock) as a time; ValueError with a message for a form otherwise."""
    try:
        parsed = dt.time.fromisoformat(text)
    except ValueError:
        raise ValueError("enter a time as HH:MM on the 24-hour clock, e.g. 09:00") from None
    if parsed.second or parsed.microsecond or len(text) != 5:
        raise ValueError("enter a time as HH:MM on the 24-hour clock, e.g. 09:00")
    return parsed


def is_running(window: Window, now: dt.datetime) -> bool:
    """Whether an occurrence of the shift covers the moment ``now``."""
    local = now.astimezone(ZoneInfo(window.time_zone))
    day, clock = local.weekday(), local.time().replace(tzinfo=None)
    if not window.overnight:
        return day in window.weekdays and window.start <= clock < window.end
    if day in window.weekdays and clock >= window.start:
        return True
    return (day - 1) % 7 in window.weekdays and clock < window.end


def week_intervals(window: Window, at: dt.datetime) -> list[tuple[int, int]]:
    """The shift's occurrences as ``[start, end)`` minutes of a UTC week (Monday 00:00 is 0),
    using the zone's offset at ``at``; an occurrence crossing the week's end is split."""
    offset = at.astimezone(ZoneInfo(window.time_zone)).utcoffset() or dt.timedelta()
    offset_minutes = int(offset.total_seconds() // 60)
    found: list[tuple[int, int]] = []
    for day in window.weekdays:
        start = (day * 1440 + window.start.hour * 60 + window.start.minute - offset_minutes) % (
            WEEK_MINUTES
        )
        end = start + window.minutes
        if end <= WEEK_MINUTES:
            found.append((start, end))
        else:
            found += [(start, WEEK_MINUTES), (0, end - WEEK_MINUTES)]
    return found


def overlap(first: Window, second: Window, at: dt.datetime) -> bool:
    """Whether some occurrences of the two shifts share a minute."""
    return any(
        a_start < b_end and b_start < a_end
        for a_start, a_end in week_intervals(first, at)
        for b_start, b_end in week_intervals(second, at)
    )


def describe(window: Window) -> str:
    """``Mon, Tue 22:00–06:00 (next day) Europe/Paris`` for pages."""
    days = ", ".join(DAY_NAMES[d] for d in sorted(window.weekdays))
    after = " (next day)" if window.overnight else ""
    return f"{days} {window.start:%H:%M}–{window.end:%H:%M}{after} {window.time_zone}"


def occurrences(
    window: Window, first_day: dt.date, days: int
) -> Sequence[tuple[dt.datetime, dt.datetime]]:
    """Each occurrence starting on one of ``days`` local days from ``first_day``, as aware UTC
    datetimes (for the calendar)."""
    zone = ZoneInfo(window.time_zone)
    found = []
    for n in range(days):
        day = first_day + dt.timedelta(days=n)
        if day.weekday() not in window.weekdays:
            continue
        start = dt.datetime.combine(day, window.start, tzinfo=zone)
        end = start + dt.timedelta(minutes=window.minutes)
        found.append((start.astimezone(dt.UTC), end.astimezone(dt.UTC)))
    return found
