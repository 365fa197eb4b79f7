"""Calling windows: may a contact be called now in their local time, and if not, when next.

Pure: the caller passes `now` (UTC) and the contact's time zones. A number whose country
spans several zones (the US, Russia) is callable only when every one of its zones is inside
the window, so nobody is called at 7 a.m. because their area code was ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Mapping, Sequence
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


class WindowError(ValueError):
    """A calling-window definition is malformed; the message names the day and span."""


@dataclass(frozen=True)
class Span:
    start: time
    end: time | None  # None: until midnight ("24:00")

    def contains(self, t: time) -> bool:
        return self.start <= t and (self.end is None or t < self.end)


@dataclass(frozen=True)
class WeeklyWindows:
    """For each weekday (0 = Monday), the spans of local time when calling is allowed."""

    days: tuple[tuple[Span, ...], ...]

    @classmethod
    def parse(cls, raw: Mapping[str, Sequence[Sequence[str]]]) -> "WeeklyWindows":
        unknown = set(raw) - set(DAYS)
        if unknown:
            raise WindowError(f"unknown day(s) {', '.join(sorted(unknown))}; use {', '.join(DAYS)}")
        days = []
        for day in DAYS:
            spans = []
            for pair in raw.get(day, []):
                if len(pair) != 2 or not all(isinstance(p, str) and _HHMM.match(p) for p in pair):
                    raise WindowError(f"{day}: {pair!r} is not a [\"HH:MM\", \"HH:MM\"] span")
                start = _to_time(pair[0])
                end = None if pair[1] == "24:00" else _to_time(pair[1])
                if start is None or (end is not None and end <= start):
                    raise WindowError(f"{day}: {pair[0]}-{pair[1]} ends before it starts")
                spans.append(Span(start, end))
            spans.sort(key=lambda s: s.start)
            days.append(tuple(spans))
        return cls(tuple(days))

    def allows(self, local: datetime) -> bool:
        return any(span.contains(local.time()) for span in self.days[local.weekday()])


def _to_time(text: str) -> time | None:
    if text == "24:00":
        return None
    h, m = text.split(":")
    return time(int(h), int(m))


def is_callable(now: datetime, zones: Sequence[ZoneInfo], windows: WeeklyWindows) -> bool:
    """True when `now` is inside the window in every one of the contact's zones."""
    _require_aware(now)
    return all(windows.allows(now.astimezone(z)) for z in zones)


def next_callable_time(now: datetime, zones: Sequence[ZoneInfo], windows: WeeklyWindows,
                       horizon: timedelta = timedelta(days=8)) -> datetime | None:
    """The earliest UTC instant ≥ now when the contact is callable; None if never within horizon.

    Candidates are the window openings in each zone (and `now` itself); the first candidate
    callable in all zones wins, which handles zones whose windows only partly overlap.
    """
    _require_aware(now)
    if is_callable(now, zones, windows):
        return now
    candidates: set[datetime] = set()
    for zone in zones:
        local_now = now.astimezone(zone)
        for offset in range(horizon.days + 1):
            day = (local_now + timedelta(days=offset)).date()
            for span in windows.days[day.weekday()]:
                opening = datetime.combine(day, span.start, tzinfo=zone).astimezone(timezone.utc)
                if now < opening <= now + horizon:
                    candidates.add(opening)
    for candidate in sorted(candidates):
        if is_callable(candidate, zones, windows):
            return candidate
    return None


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
