"""Calling hours in the callee's time zone, Sundays and public holidays of their country."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from dialer.compliance.hours import (
    CallingHours,
    ClosureDays,
    DayOffKind,
    callee_of,
    country_of,
    day_off,
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
    hours = CallingHours(HOURS.windows, closures=(ClosureDays({date(2026, 12, 2): "Inventory"}, PRAGUE),))
    assert not may_call(utc(2026, 12, 2, 12, 0), CZ, hours)
    assert next_call_time(utc(2026, 12, 2, 12, 0), CZ, hours) == utc(2026, 12, 3, 8, 0)
    off = day_off(utc(2026, 12, 2, 7, 0), CZ, hours)  # the whole day, before the window opens too
    assert off is not None and off.kind is DayOffKind.CLOSURE
    assert off.describe() == "company closure day 2026-12-02: Inventory"


def test_a_closure_day_is_the_companys_date_not_the_callees() -> None:
    # A Prague company closed on Wednesday 2 December: a New York callee is not called on the
    # evening of the 1st (their date), which is the 2nd in Prague; and is again from Prague's
    # midnight, 18:00 on the 2nd in New York.
    ny = callee_of("+12125551234", (NEW_YORK,))
    us = CallingHours(WeeklyWindows.parse(dict(profile_for("us").calling_windows)),
                      closures=(ClosureDays({date(2026, 12, 2): ""}, PRAGUE),))
    assert may_call(utc(2026, 12, 1, 17, 0, zone=NEW_YORK), ny, us)  # 23:00 in Prague, the 1st
    assert not may_call(utc(2026, 12, 1, 19, 0, zone=NEW_YORK), ny, us)  # 01:00 in Prague, the 2nd
    assert next_call_time(utc(2026, 12, 1, 19, 0, zone=NEW_YORK), ny, us) == utc(2026, 12, 2, 18, 0, zone=NEW_YORK)
    assert not may_call(utc(2026, 12, 2, 17, 59, zone=NEW_YORK), ny, us)


def test_several_companies_closure_days_each_in_its_zone() -> None:
    both = CallingHours(HOURS.windows, closures=(ClosureDays({date(2026, 12, 2): "a"}, PRAGUE),
                                                 ClosureDays({date(2026, 12, 3): "b"}, NEW_YORK)))
    assert next_call_time(utc(2026, 12, 2, 12, 0), CZ, both) == utc(2026, 12, 4, 8, 0)


def test_the_holiday_says_its_name_and_where() -> None:
    off = day_off(utc(2026, 12, 24, 3, 0), CZ, HOURS)
    assert off is not None and off.kind is DayOffKind.HOLIDAY and off.describe().endswith(" in CZ")
    ny = callee_of("+12125551234", (NEW_YORK,))
    us = CallingHours(WeeklyWindows.parse(dict(profile_for("us").calling_windows)), skip_holidays=True)
    lincoln = day_off(utc(2026, 2, 12, 12, 0, zone=NEW_YORK), ny, us)
    assert lincoln is not None and lincoln.where == "US-NY", "Lincoln's Birthday: New York's, not the country's"
    assert day_off(utc(2026, 12, 24, 3, 0), CZ, CallingHours(HOURS.windows)) is None, "holidays not skipped"


def test_the_region_from_the_callees_zone_or_the_numbers_area_code() -> None:
    # A zone that lies in one region names it, when it is of the number's country.
    assert callee_of("+13135550123", (ZoneInfo("America/Detroit"),)).subdivision == "MI"
    assert callee_of("+61391234567", (ZoneInfo("Australia/Melbourne"),)).subdivision == "VIC"
    assert callee_of("+34922123456", (ZoneInfo("Atlantic/Canary"),)).subdivision == "CN"
    assert callee_of("+14165551234", (ZoneInfo("Australia/Perth"),)).subdivision == "ON", "another country's zone"
    # A zone spanning several regions says nothing; the number's area code may (US, Canada).
    assert callee_of("+13125551234", (ZoneInfo("America/Chicago"),)).subdivision == "IL"
    assert callee_of("+15145551234", (ZoneInfo("America/Toronto"),)).subdivision == "QC"
    assert callee_of("+61291234567", (ZoneInfo("Australia/Sydney"),)).subdivision is None
    assert callee_of("+4930123456", (ZoneInfo("Europe/Berlin"),)).subdivision is None, "a city, not a Land"


def test_a_us_callee_in_their_own_zone() -> None:
    ny = callee_of("+12125551234", (NEW_YORK,))
    us = CallingHours(WeeklyWindows.parse(dict(profile_for("us").calling_windows)), skip_holidays=True)
    assert not may_call(utc(2026, 3, 4, 7, 30, zone=NEW_YORK), ny, us)
    assert may_call(utc(2026, 3, 4, 20, 59, zone=NEW_YORK), ny, us)
    assert not may_call(utc(2026, 7, 3, 12, 0, zone=NEW_YORK), ny, us)  # Independence Day observed
