"""Regulatory profiles: which law a campaign dials under, the defaults it gets from that law,
and the limits an admin may not cross while editing it.

- `us` — FCC (TCPA, 47 CFR 64.1200) and the FTC's TSR;
- `uk` — Ofcom's persistent-misuse policy (abandoned and silent calls);
- `eu` — a safe default for EU markets: the strictest of both, no Sundays or public holidays;
- `none` — explicit, for markets outside them: the safe defaults, and no limit enforced.
A campaign with no profile stored follows the deployment's (`DIALER_REGULATORY_PROFILE`, `eu`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta
from enum import Enum
from typing import Mapping, Sequence

from dialer.compliance.law import (
    ABANDON_CAP,
    ABANDON_QUIET_PERIOD,
    DNC_SCRUB_MAX_AGE,
    EARLIEST_CALL,
    LATEST_CALL,
    MESSAGE_WITHIN_S,
    MIN_RING_S,
)


class Regulation(str, Enum):
    US = "us"
    UK = "uk"
    EU = "eu"
    NONE = "none"


DEPLOYMENT_DEFAULT = Regulation.EU
"""The profile of a campaign that names none, unless the deployment sets another (never `none`:
leaving the law is a choice made per campaign, where it is audited)."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat")

SAFE_RETRY_INTERVALS: Mapping[str, int] = {
    "busy": 600,
    "no_answer": 3600,
    "congestion": 300,
    "failed": 3600,
    "machine": 4 * 3600,
    "abandoned": int(ABANDON_QUIET_PERIOD.total_seconds()),
    "cancelled": 600,
}
"""Seconds before a contact is tried again after each outcome, when no dial profile says."""


def _hours(days: tuple[str, ...]) -> dict[str, list[list[str]]]:
    span = [[EARLIEST_CALL.strftime("%H:%M"), LATEST_CALL.strftime("%H:%M")]]
    return {d: [list(s) for s in span] if d in days else [] for d in (*WEEKDAYS, "sun")}


@dataclass(frozen=True)
class RegulatoryProfile:
    regulation: Regulation
    label: str
    # Defaults for a campaign that sets nothing.
    calling_windows: Mapping[str, list[list[str]]]
    retry_intervals: Mapping[str, int] = field(default_factory=lambda: dict(SAFE_RETRY_INTERVALS))
    abandon_window: str = "30d"
    skip_holidays: bool = True
    """Public holidays of the callee's country (and region where known) are not calling days."""
    # Limits (None / empty: not enforced).
    earliest: time | None = EARLIEST_CALL
    latest: time | None = LATEST_CALL
    sundays: bool = True
    """May an admin open Sunday hours?"""
    abandon_windows: tuple[str, ...] = ("30d", "24h")
    """The windows the abandon rate may be measured over."""
    max_abandon_cap: float | None = ABANDON_CAP
    min_ring_s: float | None = MIN_RING_S
    message_within_s: float | None = MESSAGE_WITHIN_S
    """A person no agent takes hears the identification message within this (predictive)."""
    quiet_after_abandon: timedelta | None = ABANDON_QUIET_PERIOD
    dnc_scrub_max_age: timedelta | None = None
    """How fresh the national DNC list must be (US: the TSR's 31 days)."""

    @property
    def enforces(self) -> bool:
        return self.regulation is not Regulation.NONE

    def bound_windows(self, windows: Mapping[str, Sequence[Sequence[str]]]) -> dict[str, list[list[str]]]:
        """Calling hours cut to what this law allows: each span clipped to earliest-latest, and no
        Sunday where Sundays are barred. For settings no save checked against this law (a
        contact's own dial profile, which may come with any import into any campaign): they
        narrow what the law allows, never widen it."""
        earliest = self.earliest.strftime("%H:%M") if self.earliest else "00:00"
        latest = self.latest.strftime("%H:%M") if self.latest else "24:00"
        bounded: dict[str, list[list[str]]] = {}
        for day, spans in windows.items():
            if day == "sun" and not self.sundays:
                bounded[day] = []
                continue
            # "HH:MM" (and "24:00") compare as text in time order: zero-padded, same length.
            cut = [[max(start, earliest), min(end, latest)] for start, end in spans]
            bounded[day] = [span for span in cut if span[0] < span[1]]
        return bounded


PROFILES: dict[Regulation, RegulatoryProfile] = {
    Regulation.US: RegulatoryProfile(
        Regulation.US, "US (FCC/TSR)", _hours(WEEKDAYS), abandon_window="30d",
        abandon_windows=("30d", "24h"), quiet_after_abandon=None, dnc_scrub_max_age=DNC_SCRUB_MAX_AGE),
    Regulation.UK: RegulatoryProfile(
        Regulation.UK, "UK (Ofcom)", _hours(WEEKDAYS), abandon_window="24h", abandon_windows=("24h",)),
    Regulation.EU: RegulatoryProfile(
        Regulation.EU, "EU default", _hours(WEEKDAYS), abandon_window="24h", sundays=False),
    Regulation.NONE: RegulatoryProfile(
        Regulation.NONE, "None (no regulatory limits)", _hours(WEEKDAYS), abandon_window="30d",
        skip_holidays=False, earliest=None, latest=None, abandon_windows=("30d", "24h"), max_abandon_cap=None,
        min_ring_s=None, message_within_s=None, quiet_after_abandon=None),
}


def regulation_named(name: str | Regulation | None, default: Regulation = DEPLOYMENT_DEFAULT) -> Regulation:
    """The regulation a stored value names; `default` (the deployment's) for an empty one."""
    if isinstance(name, Regulation):
        return name
    if not name:
        return default
    return Regulation(name)


def profile_for(name: str | Regulation | None, default: Regulation = DEPLOYMENT_DEFAULT) -> RegulatoryProfile:
    return PROFILES[regulation_named(name, default)]
