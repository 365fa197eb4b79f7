"""Dial profiles: retries per outcome, ring time, calling hours, limits, closure days — the form
and the rules.

The form shows retry intervals in minutes, calling hours as "09:00-12:00, 13:00-20:00" per
weekday and closure days one a line; the profile stores seconds and the JSON that
`scheduling.windows` and `campaigns.closure_days` read.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Mapping

from tortoise.expressions import Q

from dialer.accounts.users import Actor
from dialer.campaigns.closure_days import ClosureDayError, closure_days_text, parse_closure_days
from dialer.campaigns.fields import Field, clean
from dialer.campaigns.regulation import profile_refusals
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.compliance.law import MIN_RING_S as LEGAL_MIN_RING_S
from dialer.models import Campaign, Contact, DialProfile
from dialer.models.campaigns import DEFAULT_RETRY_INTERVALS
from dialer.models.enums import ContactStatus
from dialer.scheduling.windows import DAYS, WeeklyWindows, WindowError

# FCC and Ofcom: let a call ring at least 15 s before giving up on it.
MIN_RING_S = int(LEGAL_MIN_RING_S)
OUTCOMES = tuple(DEFAULT_RETRY_INTERVALS)
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))
_SPAN = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")

PROFILE_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", required=True, max_length=100, section="General"),
    Field("max_attempts", "Attempts per contact", "int", required=True, min=1, max=100, section="General"),
    Field("ring_timeout_s", "Ring time before giving up", "int", required=True, min=5, max=180, unit="s",
          section="General", help=f"At least {MIN_RING_S} s unless short ring is allowed below."),
    Field("allow_short_ring", f"Allow a ring time under {MIN_RING_S} s (check your local law first)", "bool",
          section="General"),
    Field("timezone", "Time zone when a contact's own is unknown", "timezone", required=True, max_length=64,
          section="General"),
    Field("daily_limit_per_number", "Calls per number per day", "int", min=1, max=100, section="General",
          help="Empty: no limit."),
    Field("lifetime_limit_per_number", "Calls per number ever", "int", min=1, max=10000, section="General"),
    *(Field(f"retry_{o}", f"after {o.replace('_', ' ')}", "int", required=True, min=0, max=60 * 24 * 30,
            unit="min", section="Retry after") for o in OUTCOMES),
    *(Field(f"win_{d}", DAY_NAMES[d], max_length=200, section="Calling hours (the contact's local time)",
            help="Empty: no calls that day." if d == "sun" else "") for d in DAYS),
    Field("closure_days", "Company closure days", "textarea", max_length=60_000, section="Closure days",
          help="One day a line: YYYY-MM-DD and a note if you like (2026-12-31 New Year's Eve). No calls that day, "
               "from midnight to midnight in the profile's time zone. Public holidays of the callee's country need "
               "no line here: the campaign's regulatory profile skips them."),
)


def _windows_text(spans: list[list[str]]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in spans)


def _parse_spans(text: str) -> list[list[str]]:
    spans = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _SPAN.match(part)
        if not match:
            raise ValueError(f"{part!r}: write spans like 09:00-12:00, 13:00-20:00")
        spans.append([t.zfill(5) for t in match.groups()])
    return spans


def profile_form_values(profile: Any) -> dict[str, Any]:
    values = {f.name: getattr(profile, f.name, "") for f in PROFILE_FIELDS if hasattr(profile, f.name)}
    for key in ("daily_limit_per_number", "lifetime_limit_per_number"):
        values[key] = "" if values.get(key) is None else values[key]
    retry = {**DEFAULT_RETRY_INTERVALS, **(profile.retry_intervals or {})}
    values.update({f"retry_{o}": retry[o] // 60 for o in OUTCOMES})
    values.update({f"win_{d}": _windows_text((profile.calling_windows or {}).get(d, [])) for d in DAYS})
    values["closure_days"] = closure_days_text(getattr(profile, "closure_days", None))
    return values


def validate_profile(data: Mapping[str, Any]) -> dict[str, Any]:
    """Model values for a profile form or JSON; SaveError with per-field messages otherwise."""
    cleaned, errors = clean(PROFILE_FIELDS, data)
    windows: dict[str, list[list[str]]] = {}
    for day in DAYS:
        try:
            windows[day] = _parse_spans(cleaned.get(f"win_{day}", "") or "")
            WeeklyWindows.parse({day: windows[day]})
        except (ValueError, WindowError) as exc:
            errors[f"win_{day}"] = str(exc).replace(f"{day}: ", "") + "."
    closure_days: list[dict[str, str]] = []
    try:
        closure_days = parse_closure_days(cleaned.get("closure_days", "") or "")
    except ClosureDayError as exc:
        errors["closure_days"] = f"{exc}."
    ring = cleaned.get("ring_timeout_s")
    if ring is not None and ring < MIN_RING_S and not cleaned.get("allow_short_ring"):
        errors["ring_timeout_s"] = (f"Under {MIN_RING_S} s is refused (FCC, Ofcom) unless you tick "
                                    "\"allow a ring time under 15 s\".")
    if errors:
        raise SaveError(errors)
    values = {k: v for k, v in cleaned.items() if not k.startswith(("retry_", "win_"))}
    values["retry_intervals"] = {o: cleaned[f"retry_{o}"] * 60 for o in OUTCOMES}
    values["calling_windows"] = windows
    values["closure_days"] = closure_days
    return values


async def save_profile(data: Mapping[str, Any], *, actor: Actor, record: DialProfile | None = None) -> DialProfile:
    values = validate_profile(data)
    # The law of every campaign using the profile (its regulatory profile) holds after the change.
    if errors := await profile_refusals(values, record):
        raise SaveError(errors)
    limit_before = record.max_attempts if record is not None else None
    saved = await save_record(DialProfile, values, actor=actor, entity="dial_profile", record=record)
    saved.revived = 0  # type: ignore[attr-defined]
    if limit_before is not None and saved.max_attempts > limit_before:
        saved.revived = await revive_exhausted(saved)  # type: ignore[attr-defined]
    return saved


async def revive_exhausted(profile: DialProfile) -> int:
    """A raised attempt limit gives the contacts it had exhausted their calls back ("double the
    limit to call the rejected again"): the contacts it governs (those naming it as their own,
    and those of the lists of the campaigns using it that name no profile of their own) closed
    by the attempt limit with fewer attempts than the new one are due again at once. Contacts
    closed by the lifetime calls-per-number limit (`last_outcome` "limit") stay so."""
    list_ids = await Campaign.filter(dial_profile_id=profile.id).values_list("contact_lists__id", flat=True)
    list_ids = sorted({i for i in list_ids if i is not None})
    governed = Q(dial_profile_id=profile.id)
    if list_ids:
        governed |= Q(contact_list_id__in=list_ids, dial_profile_id=None)
    return await Contact.filter(governed, status=ContactStatus.EXHAUSTED, lease_owner=None,
                                attempts__lt=profile.max_attempts).exclude(last_outcome="limit").update(
        status=ContactStatus.PENDING, next_attempt_at=datetime.now(timezone.utc))


def revived_notice(profile: DialProfile) -> str:
    revived = getattr(profile, "revived", 0)
    if not revived:
        return ""
    return f"{revived} contact{'s' if revived != 1 else ''} can be dialed again."


async def delete_profile(profile: DialProfile, *, actor: Actor) -> None:
    users = await Campaign.filter(dial_profile_id=profile.id).values_list("name", flat=True)
    if users:
        raise SaveError({"form": f"Campaigns use this profile: {', '.join(users)}. "
                                 "Choose another profile there first."})
    await delete_record(profile, actor=actor, entity="dial_profile", label=profile.name)
