"""Which time zone(s) a contact lives in: the imported one, else the number's, else the campaign's."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers
from phonenumbers import timezone as pn_timezone


@lru_cache(maxsize=4096)
def zones_for_number(e164: str) -> tuple[str, ...]:
    """Time zones the numbering plan gives for a number ("Etc/Unknown" dropped); () if none."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ()
    names = pn_timezone.time_zones_for_number(number)
    return tuple(n for n in names if n != "Etc/Unknown")


MAX_ZONE_NAME = 64  # the longest IANA name is 32 characters


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=512)
def zone_named(name: str) -> ZoneInfo | None:
    """The zone of an IANA name (Europe/Prague), None for anything else. The one lookup of a
    zone by a name someone typed: the name is checked against the zone database first, because
    ZoneInfo() reads it as a file path and a long name, a directory ("Europe") or a stray file
    raise OSError or ValueError rather than "not found"."""
    if not isinstance(name, str) or not name or len(name) > MAX_ZONE_NAME or name not in _known_zones():
        return None
    try:
        return ZoneInfo(name)
    except (OSError, ValueError):  # listed but unreadable: a broken tzdata install
        return None


def contact_zones(contact_tz: str, phone: str, fallback: str) -> tuple[ZoneInfo, ...]:
    """The zones a calling window must hold in. Never empty: the fallback (campaign) or UTC."""
    if contact_tz and (z := zone_named(contact_tz)):
        return (z,)
    derived = tuple(z for name in zones_for_number(phone) if (z := zone_named(name)))
    if derived:
        return derived
    return (zone_named(fallback) or ZoneInfo("UTC"),)
