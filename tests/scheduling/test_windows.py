from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from dialer.scheduling.windows import WeeklyWindows, WindowError, is_callable, next_callable_time
from dialer.scheduling.zones import contact_zones

WEEKDAYS_9_20 = WeeklyWindows.parse({d: [["09:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
PRAGUE = ZoneInfo("Europe/Prague")
NEW_YORK, LOS_ANGELES = ZoneInfo("America/New_York"), ZoneInfo("America/Los_Angeles")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_window_is_checked_in_the_contacts_local_time() -> None:
    # Monday 2026-11-23 07:30 UTC is 08:30 in Prague (closed) and 02:30 in New York.
    assert not is_callable(utc(2026, 11, 23, 7, 30), [PRAGUE], WEEKDAYS_9_20)
    assert is_callable(utc(2026, 11, 23, 8, 0), [PRAGUE], WEEKDAYS_9_20)
    assert not is_callable(utc(2026, 11, 23, 19, 0), [PRAGUE], WEEKDAYS_9_20)  # 20:00 local: closed
    assert is_callable(utc(2026, 11, 23, 19, 0), [NEW_YORK], WEEKDAYS_9_20)


def test_ambiguous_numbers_must_be_callable_in_every_zone() -> None:
    # 14:30 UTC: 09:30 in New York, 06:30 in Los Angeles.
    assert not is_callable(utc(2026, 11, 23, 14, 30), [NEW_YORK, LOS_ANGELES], WEEKDAYS_9_20)
    nxt = next_callable_time(utc(2026, 11, 23, 14, 30), [NEW_YORK, LOS_ANGELES], WEEKDAYS_9_20)
    assert nxt == utc(2026, 11, 23, 17, 0)  # 09:00 in Los Angeles


def test_next_callable_time_skips_the_weekend() -> None:
    friday_evening = utc(2026, 11, 27, 19, 30)  # 20:30 Prague
    assert next_callable_time(friday_evening, [PRAGUE], WEEKDAYS_9_20) == utc(2026, 11, 30, 8, 0)


def test_next_callable_time_handles_daylight_saving_change() -> None:
    # Europe switched to summer time on Sunday 2026-03-29: Monday 09:00 Prague is 07:00 UTC.
    assert next_callable_time(utc(2026, 3, 28, 12, 0), [PRAGUE], WEEKDAYS_9_20) == utc(2026, 3, 30, 7, 0)


def test_no_window_at_all_gives_none() -> None:
    never = WeeklyWindows.parse({})
    assert next_callable_time(utc(2026, 11, 23, 12, 0), [PRAGUE], never) is None


def test_until_midnight_span() -> None:
    late = WeeklyWindows.parse({"mon": [["18:00", "24:00"]]})
    assert is_callable(utc(2026, 11, 23, 22, 59), [PRAGUE], late)


@pytest.mark.parametrize("raw", [{"monday": []}, {"mon": [["9:00", "20:00"]]}, {"mon": [["20:00", "09:00"]]},
                                 {"mon": [["09:00"]]}])
def test_malformed_windows_are_refused(raw) -> None:
    with pytest.raises(WindowError):
        WeeklyWindows.parse(raw)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        is_callable(datetime(2026, 11, 23, 12, 0), [PRAGUE], WEEKDAYS_9_20)


def test_zones_come_from_import_then_number_then_campaign() -> None:
    assert contact_zones("Europe/Warsaw", "+420601123456", "UTC") == (ZoneInfo("Europe/Warsaw"),)
    assert contact_zones("", "+420601123456", "UTC") == (PRAGUE,)
    us = contact_zones("", "+12125550123", "UTC")  # New York area code
    assert us == (NEW_YORK,)
    assert contact_zones("Not/AZone", "+999", "Europe/Paris") == (ZoneInfo("Europe/Paris"),)
