"""A dial profile's company closure days: the text an admin types (one day a line, `YYYY-MM-DD`
and an optional note), the JSON the profile stores, and the dates the calling-hours rule reads.

Not the public holidays of the callee's country: those come from the `holidays` package and
the regulatory profile (`compliance/hours.py`); these are the company's own days off.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Sequence

MAX_NOTE = 100
MAX_DAYS = 1000
_LINE = re.compile(r"^(\S+)(?:\s+(.*))?$")


class ClosureDayError(ValueError):
    """A line of the closure days that is not a day; the message names the line."""


def parse_closure_days(text: str) -> list[dict[str, str]]:
    """The stored form of the text, in date order: [{"date": "2026-12-24", "note": "..."}].

    Blank lines are skipped; anything else must start with a calendar date."""
    days: dict[date, tuple[int, str]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        first, note = (match.group(1), (match.group(2) or "").strip()) if match else (line, "")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", first):
            raise ClosureDayError(f"Line {number}: {first!r} is not a date; write one day a line as YYYY-MM-DD "
                                  "and a note if you like, e.g. 2026-12-31 New Year's Eve")
        try:
            day = date.fromisoformat(first)
        except ValueError:
            raise ClosureDayError(f"Line {number}: {first} is not a day of the calendar") from None
        if day in days:
            raise ClosureDayError(f"Line {number}: {first} is listed already (line {days[day][0]})")
        if len(note) > MAX_NOTE:
            raise ClosureDayError(f"Line {number}: the note is longer than {MAX_NOTE} characters")
        days[day] = (number, note)
    if len(days) > MAX_DAYS:
        raise ClosureDayError(f"At most {MAX_DAYS} closure days; remove days long past")
    return [{"date": day.isoformat(), "note": note} for day, (_, note) in sorted(days.items())]


def closure_days_text(stored: Sequence[Any] | None) -> str:
    """What the form shows for the stored days: one a line, as an admin would type them."""
    return "\n".join(f"{day.isoformat()} {note}".rstrip() for day, note in closure_dates(stored).items())


def closure_dates(stored: Sequence[Any] | None) -> dict[date, str]:
    """The stored days as dates with their notes. An entry that is not a day (edited in the
    database by hand) is passed over rather than stopping a campaign."""
    dates: dict[date, str] = {}
    for entry in stored or ():
        try:
            dates[date.fromisoformat(entry["date"])] = str(entry.get("note") or "")
        except (TypeError, KeyError, ValueError, AttributeError):
            continue
    return dict(sorted(dates.items()))
