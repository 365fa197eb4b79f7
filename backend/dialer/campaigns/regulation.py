"""Which law a campaign dials under, and the settings it dials with once its regulatory profile's
safe defaults fill what its dial profile leaves out; and the settings of a contact that names
its own dial profile, bounded by the same law. The shell around `dialer.compliance`: it reads the
deployment's setting and the records; the rules stay pure there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from functools import cached_property
from types import SimpleNamespace
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from dialer.campaigns.closure_days import closure_dates
from dialer.campaigns.saving import model_defaults
from dialer.compliance.hours import CallingHours, ClosureDays
from dialer.compliance.law import MIN_RING_S
from dialer.compliance.preflight import CampaignFacts, RuleResult, violations
from dialer.compliance.profiles import DEPLOYMENT_DEFAULT, RegulatoryProfile, Regulation, profile_for, regulation_named
from dialer.config import ConfigError, load_settings
from dialer.models import Campaign, DialProfile
from dialer.scheduling.windows import WeeklyWindows, WindowError
from dialer.scheduling.zones import zone_named


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
    daily_limit: int | None = None
    lifetime_limit: int | None = None
    closures: tuple[ClosureDays, ...] = ()
    """Company closure days: the dial profile's own; for a contact's own profile, the campaign's too."""
    profile_id: int | None = None
    """The dial profile these come from (None: the regulatory defaults)."""

    @property
    def profile(self) -> RegulatoryProfile:
        return profile_for(self.regulation)

    @cached_property
    def hours(self) -> CallingHours:
        """The calling-hours rule these settings dial by (WindowError when the hours are malformed)."""
        return CallingHours(WeeklyWindows.parse(self.calling_windows), self.skip_holidays, self.closures)

    @property
    def legal_ring_timeout_s(self) -> float:
        """The ring time an originate gets: at least the law's 15 s (FCC / Ofcom), shorter only
        outside their law and where an admin allowed it."""
        if self.profile.min_ring_s is not None or not self.allow_short_ring:
            return max(self.ring_timeout_s, MIN_RING_S)
        return self.ring_timeout_s


def _closures_of(p: DialProfile | Any | None) -> tuple[ClosureDays, ...]:
    days = closure_dates(getattr(p, "closure_days", None)) if p is not None else {}
    if not days:
        return ()
    return (ClosureDays(days, zone_named(getattr(p, "timezone", "")) or ZoneInfo("UTC")),)


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
        max_attempts=p.max_attempts if p is not None else 5,
        daily_limit=getattr(p, "daily_limit_per_number", None),
        lifetime_limit=getattr(p, "lifetime_limit_per_number", None),
        closures=_closures_of(p), profile_id=getattr(p, "id", None))


async def campaign_dial_settings(campaign: Campaign) -> DialSettings:
    profile = await DialProfile.get_or_none(id=campaign.dial_profile_id) if campaign.dial_profile_id else None
    return dial_settings(campaign_regulation(campaign.regulatory_profile), profile)


def contact_dial_settings(campaign: DialSettings, own: DialProfile | Any) -> DialSettings:
    """What a contact that names its own dial profile is dialed by in a campaign: that profile's
    retries, attempt limit, ring time, calls per number, hours and closure days, within the
    campaign's law. No save checked the profile against that law (it comes with any import into
    any campaign), so its hours are cut to what the law allows here, its ring time is held to
    the law's minimum, and the 72 h after an abandon holds anyway (`scheduling.retry`). The
    campaign's closure days are added to its own: on a day the campaign's company is closed its
    agents are off, whoever the contact."""
    dial = dial_settings(campaign.regulation, own)
    try:
        WeeklyWindows.parse(dial.calling_windows)
        windows = dial.profile.bound_windows(dial.calling_windows)
    except WindowError:  # hours stored malformed (not through the form): the law's safe ones
        windows = dict(dial.profile.calling_windows)
    return replace(dial, calling_windows=windows, closures=dial.closures + campaign.closures)


async def contact_profiles_settings(campaign: DialSettings, profile_ids: Iterable[int | None]
                                    ) -> dict[int, DialSettings]:
    """The settings of the contacts' own dial profiles among `profile_ids`, read afresh (an
    admin may have edited one since): one query by primary key for the few profiles a batch
    names. The campaign's own profile, and no profile, are the campaign's settings."""
    ids = sorted({i for i in profile_ids if i is not None and i != campaign.profile_id})
    if not ids:
        return {}
    return {p.id: contact_dial_settings(campaign, p) for p in await DialProfile.filter(id__in=ids)}


def settings_for(campaign: DialSettings, own: Mapping[int, DialSettings], profile_id: int | None) -> DialSettings:
    """The settings one contact is dialed by: its own profile's when it names one, else the campaign's."""
    if profile_id is None or profile_id == campaign.profile_id:
        return campaign
    return own.get(profile_id, campaign)


def facts_of(campaign: Any, dial: DialSettings, **record: Any) -> CampaignFacts:
    """A campaign's (or a form's) settings as the compliance rules read them; `record` adds what
    the record says now (caller IDs, DNC freshness, the abandon rate, `now`)."""
    mode = campaign.mode.value if isinstance(campaign.mode, Enum) else str(campaign.mode or "")
    action = campaign.no_agent_action
    return CampaignFacts(
        name=campaign.name or "", regulation=dial.regulation, mode=mode, calling_windows=dial.calling_windows,
        skip_holidays=dial.skip_holidays, ring_timeout_s=dial.ring_timeout_s, retry_intervals=dial.retry_intervals,
        abandon_cap_pct=float(campaign.abandon_cap_pct if campaign.abandon_cap_pct is not None else 3.0),
        abandon_window=campaign.abandon_window.value if isinstance(campaign.abandon_window, Enum)
        else str(campaign.abandon_window or "30d"),
        no_agent_action=action.value if isinstance(action, Enum) else str(action or "hold"),
        abandon_message=campaign.abandon_message or "", hold_message=campaign.hold_message or "",
        daily_limit=dial.daily_limit, lifetime_limit=dial.lifetime_limit, closures=dial.closures, **record)


def _refusal(result: RuleResult) -> str:
    return f"Refused by the {result.rule} rule: {result.detail}."


# Where a broken rule is corrected on each form: the campaign form names its dial profile for
# the profile's settings; the dial-profile form has the fields themselves.
_ON_CAMPAIGN = {"calling_windows": "dial_profile", "ring_timeout_s": "dial_profile",
                "retry_abandoned": "dial_profile", "skip_holidays": "regulatory_profile"}
_ON_PROFILE = {"calling_windows": "form", "skip_holidays": "form"}


async def campaign_refusals(values: Mapping[str, Any], record: Campaign | None) -> dict[str, str]:
    """Per-field refusals for saving `values` (checked model values) onto `record` (None: new)."""
    merged = SimpleNamespace(**{**vars(model_defaults(Campaign)), **(_fields_of(record) if record else {}),
                                **values})
    profile_id = merged.dial_profile_id
    profile = await DialProfile.get_or_none(id=profile_id) if profile_id else None
    regulation = campaign_regulation(merged.regulatory_profile)
    errors: dict[str, str] = {}
    for v in violations(facts_of(merged, dial_settings(regulation, profile))):
        name = _ON_CAMPAIGN.get(v.field, v.field)
        message = _refusal(v)
        if name == "dial_profile" and profile is not None:
            message = f"Dial profile {profile.name}: {message}"
        elif name == "dial_profile":
            name = "form"
        errors.setdefault(name, message)
    return errors


async def profile_refusals(values: Mapping[str, Any], record: DialProfile | None) -> dict[str, str]:
    """Refusals for saving a dial profile: it must keep the law of every campaign that uses it."""
    if record is None:
        return {}  # used by no campaign yet: checked when a campaign takes it
    profile = SimpleNamespace(**{**_fields_of(record), **values})
    errors: dict[str, str] = {}
    for campaign in await Campaign.filter(dial_profile_id=record.id):
        dial = dial_settings(campaign_regulation(campaign.regulatory_profile), profile)
        for v in violations(facts_of(campaign, dial)):
            if v.field in ("calling_windows", "ring_timeout_s", "retry_abandoned", "skip_holidays"):
                errors.setdefault(_ON_PROFILE.get(v.field, v.field), f"Campaign {campaign.name}: {_refusal(v)}")
    return errors


def _fields_of(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record._meta.db_fields if hasattr(record, name)} | {
        name: getattr(record, name) for name in record._meta.fields_map if name.endswith("_id")
        and hasattr(record, name)}
