"""Which law a campaign dials under, and the settings it dials with once its regulatory profile's
safe defaults fill what its dial profile leaves out. The shell around `dialer.compliance`: it
reads the deployment's setting and the campaign's records; the rules stay pure there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from dialer.compliance.profiles import DEPLOYMENT_DEFAULT, RegulatoryProfile, Regulation, profile_for, regulation_named
from dialer.config import ConfigError, load_settings
from dialer.models import Campaign, DialProfile


def deployment_regulation() -> Regulation:
    """The deployment's profile (DIALER_REGULATORY_PROFILE), `eu` when unset or unreadable."""
    try:
        return Regulation(load_settings().regulatory_profile)
    except (ConfigError, ValueError):
        return DEPLOYMENT_DEFAULT


def campaign_regulation(stored: str | None) -> Regulation:
    """The regulation of a campaign whose stored profile is `stored` (empty: the deployment's)."""
    return regulation_named(stored or "", deployment_regulation())


@dataclass(frozen=True)
class DialSettings:
    """What a campaign dials with: its dial profile's, or its regulatory profile's safe defaults."""

    regulation: Regulation
    calling_windows: Mapping[str, list[list[str]]]
    retry_intervals: Mapping[str, int]
    ring_timeout_s: float
    allow_short_ring: bool
    skip_holidays: bool
    timezone: str
    max_attempts: int

    @property
    def profile(self) -> RegulatoryProfile:
        return profile_for(self.regulation)


def dial_settings(regulation: Regulation, dial_profile: DialProfile | Any | None) -> DialSettings:
    """Without a dial profile (or with empty calling hours) the regulatory profile's hours and
    retries apply: a campaign never dials at 03:00 on a Sunday because nobody chose hours."""
    reg = profile_for(regulation)
    p = dial_profile
    windows = dict(p.calling_windows) if p is not None and p.calling_windows else dict(reg.calling_windows)
    retry = dict(p.retry_intervals) if p is not None else dict(reg.retry_intervals)
    return DialSettings(
        regulation=regulation, calling_windows=windows, retry_intervals=retry,
        ring_timeout_s=float(p.ring_timeout_s if p is not None else 25),
        allow_short_ring=bool(p.allow_short_ring) if p is not None else False,
        skip_holidays=reg.skip_holidays, timezone=p.timezone if p is not None else "UTC",
        max_attempts=p.max_attempts if p is not None else 5)


async def campaign_dial_settings(campaign: Campaign) -> DialSettings:
    profile = await DialProfile.get_or_none(id=campaign.dial_profile_id) if campaign.dial_profile_id else None
    return dial_settings(campaign_regulation(campaign.regulatory_profile), profile)
