"""Which time zone(s) a contact lives in: the imported one, else the number's, else the campaign's."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def contact_zones(contact_tz: str, phone: str, fallback: str) -> tuple[ZoneInfo, ...]:
    """The zones a calling window must hold in. Never empty: the fallback (campaign) or UTC."""
    if contact_tz and (z := _zone(contact_tz)):
        return (z,)
    derived = tuple(z for name in zones_for_number(phone) if (z := _zone(name)))
    if derived:
        return derived
    return (_zone(fallback) or ZoneInfo("UTC"),)
