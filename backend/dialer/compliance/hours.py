"""Calling hours in the callee's time zone, with the public holidays of their country and the
company's own closure days.

Pure: the caller passes `now` (UTC), the contact's zones and number. The weekly windows are the
dial profile's (`scheduling.windows`); a day that is a public holiday of the callee's country
(and region, where their zone or number tells it) is no calling day when the profile skips
holidays, and neither is a closure day of the company. The holiday calendars come from the
`holidays` package, computed, not fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import Enum
from functools import lru_cache
from typing import Mapping, Sequence
from zoneinfo import ZoneInfo

import holidays
import phonenumbers
from phonenumbers import geocoder

from dialer.scheduling.windows import WeeklyWindows, is_callable, next_callable_time


@dataclass(frozen=True)
class ClosureDays:
    """A company's own days without calls, each with its note (a dial profile's closure days).

    The dates are the company's, in its time zone (the zone of the dial profile that lists
    them), not the callee's: on a closure day the company's agents are off from its midnight to
    its next, and a callee six hours behind is not called in the evening before it either. The
    callee's own days off are their public holidays, which follow their zone (`holiday_on`)."""

    days: Mapping[date, str]
    zone: tzinfo = timezone.utc


@dataclass(frozen=True)
class CallingHours:
    """When a campaign may call: weekly windows, holidays skipped or not, company closure days."""

    windows: WeeklyWindows
    skip_holidays: bool = False
    closures: tuple[ClosureDays, ...] = ()


@dataclass(frozen=True)
class Callee:
    """Where the person called lives, as far as the rule needs: zones, country, region."""

    zones: tuple[ZoneInfo, ...]
    country: str | None = None
    subdivision: str | None = None


class DayOffKind(str, Enum):
    CLOSURE = "closure"
    HOLIDAY = "holiday"


@dataclass(frozen=True)
class DayOff:
    """Why a whole day is no calling day: a company closure day or the callee's public holiday."""

    kind: DayOffKind
    day: date
    name: str
    """The holiday's name, or the closure day's note ("" when it has none)."""
    ends: datetime
    """Midnight after it, where it holds (the company's zone, or the callee's)."""
    where: str = ""
    """The holiday's country and region: "CZ", "US-NY"."""

    def describe(self) -> str:
        if self.kind is DayOffKind.CLOSURE:
            return f"company closure day {self.day.isoformat()}" + (f": {self.name}" if self.name else "")
        return f"public holiday {self.name} in {self.where}"


def country_of(phone: str) -> str | None:
    """ISO 3166 code of the number's country ("CZ", "US"), None if the number does not say."""
    return _number_place(phone)[0]


def subdivision_of(phone: str, country: str | None) -> str | None:
    """The region of a number's area code where the numbering plan tells it: the US state
    ("NY"), the Canadian province ("ON"). Elsewhere the geocoder names a city ("Berlin",
    "Sydney"), not a region, and the number says no region."""
    place_country, region = _number_place(phone)
    return region if country is not None and country == place_country else None


@lru_cache(maxsize=16384)
def _number_place(phone: str) -> tuple[str | None, str | None]:
    """(country, region) of a number, parsed once: the lease and the campaign page ask of the
    same numbers again and again."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None, None
    country = phonenumbers.region_code_for_number(number)
    if not country or country == "ZZ":
        return None, None
    if country not in ("US", "CA"):
        return country, None
    description = geocoder.description_for_number(number, "en")
    return country, _region_named(country, description.rsplit(", ", 1)[-1])


ZONE_REGIONS: Mapping[str, tuple[str, str]] = {
    # Zones that lie in one region of their country (tzdata's zone1970.tab), so a contact's zone
    # names its region; a zone that spans several (America/Chicago, Australia/Sydney with the
    # ACT, America/Toronto with Quebec) names none.
    **{z: ("US", "MI") for z in ("America/Detroit", "America/Menominee")},
    **{z: ("US", "AK") for z in ("America/Anchorage", "America/Juneau", "America/Sitka", "America/Metlakatla",
                                 "America/Yakutat", "America/Nome", "America/Adak")},
    "America/Phoenix": ("US", "AZ"), "Pacific/Honolulu": ("US", "HI"), "America/Louisville": ("US", "KY"),
    **{z: ("CA", "YT") for z in ("America/Whitehorse", "America/Dawson")},
    **{z: ("CA", "SK") for z in ("America/Regina", "America/Swift_Current")},
    **{z: ("CA", "NU") for z in ("America/Iqaluit", "America/Rankin_Inlet", "America/Cambridge_Bay")},
    "America/Vancouver": ("CA", "BC"), "America/St_Johns": ("CA", "NL"), "America/Moncton": ("CA", "NB"),
    "America/Inuvik": ("CA", "NT"),
    "Australia/Melbourne": ("AU", "VIC"), "Australia/Brisbane": ("AU", "QLD"), "Australia/Lindeman": ("AU", "QLD"),
    "Australia/Adelaide": ("AU", "SA"), "Australia/Perth": ("AU", "WA"), "Australia/Hobart": ("AU", "TAS"),
    "Australia/Darwin": ("AU", "NT"), "Australia/Broken_Hill": ("AU", "NSW"), "Australia/Canberra": ("AU", "ACT"),
    "Atlantic/Canary": ("ES", "CN"), "Africa/Ceuta": ("ES", "CE"),
    "Atlantic/Madeira": ("PT", "30"), "Atlantic/Azores": ("PT", "20"), "Europe/Busingen": ("DE", "BW"),
}
_ZONE_PREFIX_REGIONS = {"America/Indiana/": ("US", "IN"), "America/Kentucky/": ("US", "KY"),
                        "America/North_Dakota/": ("US", "ND")}


def subdivision_of_zones(zones: Sequence[ZoneInfo], country: str | None) -> str | None:
    """The region a callee's one zone lies in ("America/Detroit": MI), when it lies in one region
    of the number's country; None for a zone spanning several, or for several zones."""
    if len(zones) != 1 or not country:
        return None
    name = zones[0].key
    found = ZONE_REGIONS.get(name) or next((r for p, r in _ZONE_PREFIX_REGIONS.items() if name.startswith(p)), None)
    return found[1] if found and found[0] == country else None


def callee_of(phone: str, zones: Sequence[ZoneInfo], subdivision: str | None = None) -> Callee:
    """Where the callee of `phone` lives: the country from the number; the region as the caller
    knows it, else from the callee's zone (an imported zone is what the customer record says),
    else from the number's area code (US states, Canadian provinces). Without a region, the
    holidays are the country's alone: a regional one (a US state's, a German Land's) is then a
    calling day, as no rule can say it applies."""
    country = country_of(phone)
    return Callee(tuple(zones), country, subdivision or subdivision_of_zones(zones, country)
                  or subdivision_of(phone, country))


@lru_cache(maxsize=64)
def _subdivisions(country: str) -> frozenset[str]:
    return frozenset(holidays.list_supported_countries().get(country, ()))


@lru_cache(maxsize=64)
def _region_aliases(country: str) -> Mapping[str, str]:
    """The package's names of the country's regions ("Ontario": "ON"), beside their codes."""
    try:
        aliases = holidays.country_holidays(country).subdivisions_aliases or {}
    except (NotImplementedError, AttributeError):
        aliases = {}
    return {**aliases, **{code: code for code in _subdivisions(country)}}


def _region_named(country: str, name: str) -> str | None:
    return _region_aliases(country).get(name.strip())


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


def _midnight_after(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(timezone.utc)


def closure_on(now: datetime, closures: Sequence[ClosureDays]) -> DayOff | None:
    """The company closure day `now` falls on, whoever the callee; None when the company works."""
    for closure in closures:
        day = now.astimezone(closure.zone).date()
        if day in closure.days:
            return DayOff(DayOffKind.CLOSURE, day, closure.days[day], _midnight_after(day, closure.zone))
    return None


def holiday_for(now: datetime, callee: Callee) -> DayOff | None:
    """The callee's public holiday `now` falls on, in any of their zones (whether or not a rule
    skips holidays); None on a working day there."""
    where = "-".join(filter(None, (callee.country, callee.subdivision)))
    for zone in callee.zones:
        day = now.astimezone(zone).date()
        if (name := holiday_on(day, callee.country, callee.subdivision)) is not None:
            return DayOff(DayOffKind.HOLIDAY, day, name, _midnight_after(day, zone), where)
    return None


def day_off(now: datetime, callee: Callee, hours: CallingHours) -> DayOff | None:
    """Why `now`'s day is no calling day for the callee, whatever the hour: a closure day of the
    company (its date in the company's zone) first, else a public holiday of theirs (in any of
    their zones) when the hours skip holidays; None on a calling day."""
    if (closed := closure_on(now, hours.closures)) is not None:
        return closed
    return holiday_for(now, callee) if hours.skip_holidays else None


def closed_on(now: datetime, callee: Callee, hours: CallingHours) -> bool:
    """A closure day of the company, or a public holiday in any of the callee's zones (when the
    hours skip them)."""
    return day_off(now, callee, hours) is not None


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
        off = day_off(candidate, callee, hours)
        if off is None:
            return candidate
        at = max(off.ends, candidate)  # past the day off, where it holds, and look again
    return None
