"""Where a campaign's remaining contacts live, from a bounded sample of the record: grouped by
time zones, country, region and own dial profile, as the calling-hours rules read them.

For the campaign page's "why is it not dialing" and the preflight; the engine checks each
contact it leases instead (`engine/contact_feed.py`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tortoise.queryset import QuerySet

from dialer.compliance.hours import callee_of
from dialer.models import Contact
from dialer.scheduling.diagnosis import DueGroup
from dialer.scheduling.zones import contact_zones

SAMPLE = 2000


async def callee_groups(contacts: QuerySet[Contact], fallback_zone: str, limit: int = SAMPLE) -> list[DueGroup]:
    """Up to `limit` contacts of the query, grouped by where they live and the profile they name
    (the zones of the contact, else of the number, else `fallback_zone`: the dial profile's)."""
    groups: Counter[tuple[Any, ...]] = Counter()
    for row in await contacts.limit(limit).values("timezone", "phone", "dial_profile_id"):
        zones = contact_zones(row["timezone"], row["phone"], fallback_zone)
        callee = callee_of(row["phone"], zones)
        groups[(tuple(z.key for z in zones), callee.country, callee.subdivision, row["dial_profile_id"])] += 1
    return [DueGroup(zones, n, country, region, profile) for (zones, country, region, profile), n in groups.items()]
