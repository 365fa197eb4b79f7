"""Calling hours in the callee's time zone, with the public holidays of their country.

Pure: the caller passes `now` (UTC), the contact's zones and number. The weekly windows are the
dial profile's (`scheduling.windows`); a day that is a public holiday of the callee's country
(and region, where the number tells it) is no calling day when the profile skips holidays. The
holiday calendars come from the `holidays` package, computed, not fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Sequence
from zoneinfo import ZoneInfo

import holidays
import phonenumbers
from phonenumbers import geocoder

from dialer.scheduling.windows import WeeklyWindows, is_callable, next_callable_time


@dataclass(frozen=True)
class CallingHours:
    """When a campaign may call: weekly windows, holidays skipped or not, extra closed days."""

    windows: WeeklyWindows
    skip_holidays: bool = False
    closed_days: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Callee:
    """Where the person called lives, as far as the rule needs: zones, country, region."""

    zones: tuple[ZoneInfo, ...]
    country: str | None = None
    subdivision: str | None = None


def country_of(phone: str) -> str | None:
    """ISO 3166 code of the number's country ("CZ", "US"), None if the number does not say."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    return region if region and region != "ZZ" else None


def subdivision_of(phone: str, country: str | None) -> str | None:
    """The US state of a number's area code ("NY"), where the numbering plan tells it."""
    if country != "US":
        return None
    try:
        description = geocoder.description_for_number(phonenumbers.parse(phone, None), "en")
    except phonenumbers.NumberParseException:
        return None
    state = description.rsplit(", ", 1)[-1] if ", " in description else ""
    return state if state in _subdivisions("US") else None


def callee_of(phone: str, zones: Sequence[ZoneInfo], subdivision: str | None = None) -> Callee:
    country = country_of(phone)
    return Callee(tuple(zones), country, subdivision or subdivision_of(phone, country))


@lru_cache(maxsize=64)
def _subdivisions(country: str) -> frozenset[str]:
    return frozenset(holidays.list_supported_countries().get(country, ()))


@lru_cache(maxsize=512)
def _calendar(country: str, subdivision: str | None) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country, subdiv=subdivision if subdivision in _subdivisions(country)
                                         else None)
    except NotImplementedError:  # a country the package does not know: no holidays to skip
        return None


def holiday_on(day: date, country: str | None, subdivision: str | None = None) -> str | None:
    """The name of the public holiday on `day` in the country (and region), else None."""
    if not country:
        return None
    calendar = _calendar(country, subdivision)
    if calendar is None:
        return None
    return calendar.get(day)


def _closed(day: date, callee: Callee, hours: CallingHours) -> bool:
    return day in hours.closed_days or (hours.skip_holidays and holiday_on(day, callee.country,
                                                                          callee.subdivision) is not None)


def closed_on(now: datetime, callee: Callee, hours: CallingHours) -> bool:
    """A public holiday (when the hours skip them) or a closed day in any of the callee's zones."""
    return any(_closed(now.astimezone(z).date(), callee, hours) for z in callee.zones)


def may_call(now: datetime, callee: Callee, hours: CallingHours) -> bool:
    """Inside the window in every zone of the callee, and no holiday or closed day there."""
    return is_callable(now, callee.zones, hours.windows) and not closed_on(now, callee, hours)


def next_call_time(now: datetime, callee: Callee, hours: CallingHours,
                   horizon: timedelta = timedelta(days=21)) -> datetime | None:
    """The earliest UTC instant ≥ now the callee may be called; None if none within the horizon."""
    at = now
    while at <= now + horizon:
        candidate = next_callable_time(at, callee.zones, hours.windows)
        if candidate is None:
            return None
        closed = [z for z in callee.zones if _closed(candidate.astimezone(z).date(), callee, hours)]
        if not closed:
            return candidate
        # Skip to the next local midnight of the zone that is closed that day, and look again.
        at = max(datetime.combine(candidate.astimezone(z).date() + timedelta(days=1), datetime.min.time(), z)
                 for z in closed).astimezone(now.tzinfo)
    return None
