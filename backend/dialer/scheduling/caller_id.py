"""Which caller ID to present: the contact's own (set per row or as the import's default),
else the campaign's fixed one, else a number from the pool (the contact's pool override or
the campaign's) — random, preferring one local to the callee, optionally never the same one
twice in a row to the same contact. Pure: the caller passes a random generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import phonenumbers


@dataclass(frozen=True)
class PoolNumber:
    number: str  # E.164
    region: str = ""  # "CZ" or "US-212"; empty: derived from the number


@dataclass(frozen=True)
class CallerIdPolicy:
    contact_caller_id: str = ""
    campaign_caller_id: str = ""
    pool: tuple[PoolNumber, ...] = ()
    prefer_local: bool = True
    avoid_repeat: bool = True


@lru_cache(maxsize=8192)
def region_of(e164: str) -> tuple[str, str]:
    """(country code such as "CZ", area such as "212" or "") for a number; ("", "") if unknown."""
    try:
        n = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "", ""
    country = phonenumbers.region_code_for_number(n) or ""
    national = phonenumbers.national_significant_number(n)
    area_len = phonenumbers.length_of_geographical_area_code(n)
    return country, national[:area_len] if area_len else ""


def _pool_region(p: PoolNumber) -> tuple[str, str]:
    if p.region:
        country, _, area = p.region.partition("-")
        return country.upper(), area
    return region_of(p.number)


def choose_caller_id(policy: CallerIdPolicy, callee: str, last_caller_id: str, rng: random.Random) -> str:
    if policy.contact_caller_id:
        return policy.contact_caller_id
    if policy.campaign_caller_id or not policy.pool:
        return policy.campaign_caller_id
    candidates: Sequence[PoolNumber] = policy.pool
    if policy.avoid_repeat and len(candidates) > 1:
        candidates = [p for p in candidates if p.number != last_caller_id] or list(candidates)
    if policy.prefer_local:
        country, area = region_of(callee)
        same_area = [p for p in candidates if area and _pool_region(p) == (country, area)]
        same_country = [p for p in candidates if country and _pool_region(p)[0] == country]
        candidates = same_area or same_country or candidates
    return rng.choice(list(candidates)).number
