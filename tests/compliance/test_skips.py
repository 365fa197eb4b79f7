"""Which rule keeps a contact from being dialed: the day before the window, the broader DNC bar."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dialer.compliance.hours import CallingHours, ClosureDays, callee_of
from dialer.compliance.profiles import Regulation, profile_for
from dialer.compliance.skips import RuleSkip, dnc_skip, hours_skip
from dialer.scheduling.windows import WeeklyWindows

PRAGUE = ZoneInfo("Europe/Prague")
HOURS = CallingHours(WeeklyWindows.parse(dict(profile_for(Regulation.EU).calling_windows)), skip_holidays=True)
CZ = callee_of("+420601000118", (PRAGUE,))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=PRAGUE)


def test_a_holiday_is_the_holidays_even_outside_the_window() -> None:
    assert hours_skip(local(2026, 12, 24, 12), CZ, HOURS) is RuleSkip.HOLIDAY
    assert hours_skip(local(2026, 12, 24, 3), CZ, HOURS) is RuleSkip.HOLIDAY
    assert hours_skip(local(2026, 12, 2, 22), CZ, HOURS) is RuleSkip.OUTSIDE_HOURS
    # A Sunday is no calling day by the window (EU: no Sunday hours), not a holiday.
    assert hours_skip(local(2026, 12, 6, 12), CZ, HOURS) is RuleSkip.OUTSIDE_HOURS
    # Holidays not skipped (the `none` profile): the same Christmas Eve is just outside hours at 03:00.
    assert hours_skip(local(2026, 12, 24, 3), CZ, CallingHours(HOURS.windows)) is RuleSkip.OUTSIDE_HOURS
    # A company closure day counts with the holidays.
    closed = CallingHours(HOURS.windows, closures=(ClosureDays({date(2026, 12, 2): ""}, PRAGUE),))
    assert hours_skip(local(2026, 12, 2, 12), CZ, closed) is RuleSkip.HOLIDAY


def test_the_broader_dnc_bar_names_the_skip() -> None:
    assert dnc_skip(True) is RuleSkip.DNC_GLOBAL and dnc_skip(False) is RuleSkip.DNC_CAMPAIGN
