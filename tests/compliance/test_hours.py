"""Calling hours in the callee's time zone, Sundays and public holidays of their country."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from dialer.compliance.hours import (
    CallingHours,
    callee_of,
    country_of,
    holiday_on,
    may_call,
    next_call_time,
    subdivision_of,
)
from dialer.compliance.profiles import Regulation, profile_for
from dialer.scheduling.windows import WeeklyWindows

PRAGUE = ZoneInfo("Europe/Prague")
NEW_YORK = ZoneInfo("America/New_York")
EU = profile_for(Regulation.EU)
HOURS = CallingHours(WeeklyWindows.parse(dict(EU.calling_windows)), skip_holidays=True)
CZ = callee_of("+420601000118", (PRAGUE,))


def utc(*args: int, zone: ZoneInfo = PRAGUE) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(timezone.utc)


def test_country_and_region_from_the_number() -> None:
    assert country_of("+420601000118") == "CZ"
    assert country_of("+12125551234") == "US" and subdivision_of("+12125551234", "US") == "NY"
    assert country_of("not a number") is None


def test_holidays_of_the_country_and_state() -> None:
    assert holiday_on(date(2026, 12, 24), "CZ") is not None
    assert holiday_on(date(2026, 12, 23), "CZ") is None
    assert holiday_on(date(2026, 1, 1), None) is None
    # Lincoln's Birthday is a public holiday in New York State, not federally.
    assert holiday_on(date(2026, 2, 12), "US", "NY") is not None
    assert holiday_on(date(2026, 2, 12), "US") is None


def test_inside_hours_in_local_time() -> None:
    assert may_call(utc(2026, 12, 2, 8, 0), CZ, HOURS)  # a Wednesday, 08:00 in Prague
    assert not may_call(utc(2026, 12, 2, 7, 59), CZ, HOURS)
    assert not may_call(utc(2026, 12, 2, 21, 0), CZ, HOURS)


def test_no_sunday_and_no_holiday() -> None:
    assert not may_call(utc(2026, 12, 6, 3, 0), CZ, HOURS)  # Sunday 03:00: the case
    assert not may_call(utc(2026, 12, 6, 12, 0), CZ, HOURS)  # Sunday noon
    assert not may_call(utc(2026, 12, 24, 12, 0), CZ, HOURS)  # Christmas Eve, a Thursday
    plain = CallingHours(HOURS.windows, skip_holidays=False)
    assert may_call(utc(2026, 12, 24, 12, 0), CZ, plain)


def test_next_time_skips_sunday_and_holidays() -> None:
    # Saturday 21:30 -> Monday 08:00 local.
    assert next_call_time(utc(2026, 12, 5, 21, 30), CZ, HOURS) == utc(2026, 12, 7, 8, 0)
    # Wednesday 23 Dec, 22:00 -> 24, 25, 26 are holidays, 27 Sunday: Monday 28 Dec, 08:00.
    assert next_call_time(utc(2026, 12, 23, 22, 0), CZ, HOURS) == utc(2026, 12, 28, 8, 0)


def test_closed_days_of_the_company() -> None:
    hours = CallingHours(HOURS.windows, closed_days=frozenset({date(2026, 12, 2)}))
    assert not may_call(utc(2026, 12, 2, 12, 0), CZ, hours)
    assert next_call_time(utc(2026, 12, 2, 12, 0), CZ, hours) == utc(2026, 12, 3, 8, 0)


def test_a_us_callee_in_their_own_zone() -> None:
    ny = callee_of("+12125551234", (NEW_YORK,))
    us = CallingHours(WeeklyWindows.parse(dict(profile_for("us").calling_windows)), skip_holidays=True)
    assert not may_call(utc(2026, 3, 4, 7, 30, zone=NEW_YORK), ny, us)
    assert may_call(utc(2026, 3, 4, 20, 59, zone=NEW_YORK), ny, us)
    assert not may_call(utc(2026, 7, 3, 12, 0, zone=NEW_YORK), ny, us)  # Independence Day observed
