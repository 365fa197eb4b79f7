"""Every rule a campaign must meet before it dials, checked on its settings and a few facts
from the record, each with pass / fail / n/a and why. The same rules refuse a save that would
break the campaign's regulatory profile (`violations`).

Pure: the shell (`campaigns/preflight.py`) gathers `CampaignFacts`; nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import Enum
from typing import Callable, Mapping

import phonenumbers

from dialer.compliance.hours import ClosureDays, closure_on
from dialer.compliance.law import ABANDON_QUIET_PERIOD
from dialer.compliance.profiles import RegulatoryProfile, Regulation, profile_for
from dialer.scheduling.windows import DAYS, WeeklyWindows, WindowError


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NA = "n/a"


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: Status
    detail: str
    field: str = ""
    """The setting to change when it fails (the form shows the message there)."""

    def as_json(self) -> dict[str, str]:
        return {"rule": self.rule, "status": self.status.value, "detail": self.detail}


@dataclass(frozen=True)
class CampaignFacts:
    """A campaign's settings (with its dial profile's, or the regulatory defaults) and what the
    record says of it now."""

    name: str
    regulation: Regulation
    mode: str = "predictive"
    calling_windows: Mapping[str, list[list[str]]] = field(default_factory=dict)
    skip_holidays: bool = True
    ring_timeout_s: float = 25.0
    retry_intervals: Mapping[str, int] = field(default_factory=dict)
    abandon_cap_pct: float = 3.0
    abandon_window: str = "30d"
    no_agent_action: str = "hold"
    abandon_message: str = ""
    hold_message: str = ""
    caller_ids: tuple[str, ...] = ()
    """The fixed caller ID and the active numbers of the pool."""
    dnc_updated_at: datetime | None = None
    """When the DNC list was last filled from the national registry (None: never)."""
    abandon_rate: float | None = None
    """Over the rule's window now; None when nobody was reached."""
    daily_limit: int | None = None
    lifetime_limit: int | None = None
    """The dial profile's calls per number per day and ever (None: no limit)."""
    closures: tuple[ClosureDays, ...] = ()
    """The dial profile's company closure days."""
    holidays_today: tuple[str, ...] = ()
    """The callees' public holidays today, as found in a sample of the contacts left
    ("public holiday Christmas Eve in CZ")."""
    now: datetime | None = None

    @property
    def profile(self) -> RegulatoryProfile:
        return profile_for(self.regulation)

    @property
    def predictive(self) -> bool:
        return self.mode == "predictive"


def _hhmm(t: time | None) -> str:
    return t.strftime("%H:%M") if t else ""


def check_hours(f: CampaignFacts) -> RuleResult:
    p = f.profile
    if not p.enforces:
        return RuleResult("hours", Status.NA, f"{p.label}: no legal calling hours", "calling_windows")
    try:
        windows = WeeklyWindows.parse(dict(f.calling_windows))
    except WindowError as exc:
        return RuleResult("hours", Status.FAIL, f"calling hours are malformed: {exc}", "calling_windows")
    bad = []
    for day, spans in zip(DAYS, windows.days):
        for span in spans:
            if (p.earliest and span.start < p.earliest) or (p.latest and (span.end is None or span.end > p.latest)):
                end = _hhmm(span.end) or "24:00"
                bad.append(f"{day} {_hhmm(span.start)}-{end}")
    if bad:
        return RuleResult("hours", Status.FAIL,
                          f"{p.label} allows calls only {_hhmm(p.earliest)}-{_hhmm(p.latest)} in the callee's local "
                          f"time; outside it: {', '.join(bad)}", "calling_windows")
    if windows.days[6] and not p.sundays:
        return RuleResult("hours", Status.FAIL, f"{p.label} allows no calls on Sundays", "calling_windows")
    return RuleResult("hours", Status.PASS,
                      f"inside {_hhmm(p.earliest)}-{_hhmm(p.latest)} callee local time"
                      + ("" if windows.days[6] else ", no Sundays"))


def check_holidays(f: CampaignFacts) -> RuleResult:
    """Public holidays skipped where the law wants it, and what keeps the campaign off today: a
    company closure day, or its callees' public holiday (so that the page says "not dialing
    today: public holiday X in CZ", not a vague "not yet due")."""
    p = f.profile
    closures = _closure_days(f)
    if not p.skip_holidays:
        return RuleResult("holidays", Status.NA, _today(f, holidays=False)
                          + f"{p.label}: public holidays are calling days{closures}")
    if not f.skip_holidays:
        return RuleResult("holidays", Status.FAIL, f"{p.label} skips public holidays", "skip_holidays")
    return RuleResult("holidays", Status.PASS, _today(f, holidays=True)
                      + f"public holidays of the callee's country (and region where known) are skipped{closures}")


def _today(f: CampaignFacts, *, holidays: bool) -> str:
    days = []
    if f.now is not None and (closed := closure_on(f.now, f.closures)) is not None:
        days.append(closed.describe())
    if holidays:
        days += f.holidays_today
    return f"Not dialing today: {'; '.join(days)}. " if days else ""


def _closure_days(f: CampaignFacts) -> str:
    """How many company closure days are ahead, and the next."""
    ahead = sorted((day, note) for c in f.closures for day, note in c.days.items()
                   if f.now is None or day > f.now.astimezone(c.zone).date())
    if not ahead:
        return ""
    day, note = ahead[0]
    return (f"; {len(ahead)} company closure day{'s' if len(ahead) != 1 else ''} ahead, the next "
            f"{day.isoformat()}" + (f" ({note})" if note else ""))


def check_message(f: CampaignFacts) -> RuleResult:
    p = f.profile
    if not f.predictive:
        return RuleResult("message timing", Status.NA, f"{f.mode}: an agent is there before the call is answered")
    if p.message_within_s is None:
        return RuleResult("message timing", Status.NA, f"{p.label}: no message required")
    if not f.abandon_message:
        return RuleResult("message timing", Status.FAIL,
                          f"{p.label}: a person no agent takes must hear who called within "
                          f"{p.message_within_s:.0f} s; set the abandon (identification) message")
        # No field: a draft may be saved without its sound yet; the preflight fails until it has one.
    how = ("played at answer, before the hold message and music" if f.no_agent_action == "hold"
           else "played at answer, then the call ends")
    return RuleResult("message timing", Status.PASS,
                      f"identification message within {p.message_within_s:.0f} s: {how}")


def check_ring(f: CampaignFacts) -> RuleResult:
    p = f.profile
    if p.min_ring_s is None:
        return RuleResult("ring time", Status.NA, f"{p.label}: no minimum ring time")
    if f.ring_timeout_s < p.min_ring_s:
        return RuleResult("ring time", Status.FAIL,
                          f"{p.label}: calls ring at least {p.min_ring_s:.0f} s; set {f.ring_timeout_s:.0f} s",
                          "ring_timeout_s")
    return RuleResult("ring time", Status.PASS, f"rings {f.ring_timeout_s:.0f} s (at least {p.min_ring_s:.0f} s)")


def check_cap(f: CampaignFacts) -> RuleResult:
    p = f.profile
    if not f.predictive:
        return RuleResult("abandon cap", Status.NA, f"{f.mode}: no calls are placed ahead of agents")
    if p.max_abandon_cap is None:
        return RuleResult("abandon cap", Status.NA, f"{p.label}: no legal cap (set {f.abandon_cap_pct:g} %)")
    limit = 100 * p.max_abandon_cap
    if f.abandon_cap_pct > limit:
        return RuleResult("abandon cap", Status.FAIL,
                          f"{p.label}: at most {limit:g} % of answered calls abandoned; set {f.abandon_cap_pct:g} %",
                          "abandon_cap_pct")
    if f.abandon_rate is not None and f.abandon_rate > p.max_abandon_cap:
        return RuleResult("abandon cap", Status.FAIL,
                          f"abandon rate {100 * f.abandon_rate:.2f} % over the window is above {limit:g} %")
    rate = "" if f.abandon_rate is None else f"; now {100 * f.abandon_rate:.2f} %"
    return RuleResult("abandon cap", Status.PASS, f"cap {f.abandon_cap_pct:g} % (limit {limit:g} %){rate}")


def check_window(f: CampaignFacts) -> RuleResult:
    p = f.profile
    if not f.predictive:
        return RuleResult("abandon window", Status.NA, f"{f.mode}: no abandon rate to measure")
    names = {"30d": "30 days (FCC)", "24h": "24 hours (Ofcom)"}
    if f.abandon_window not in p.abandon_windows:
        allowed = " or ".join(names[w] for w in p.abandon_windows)
        return RuleResult("abandon window", Status.FAIL,
                          f"{p.label} measures the abandon rate over {allowed}", "abandon_window")
    return RuleResult("abandon window", Status.PASS, f"measured over {names.get(f.abandon_window, f.abandon_window)}")


def check_caller_id(f: CampaignFacts) -> RuleResult:
    if not f.caller_ids:
        if not f.profile.enforces:
            return RuleResult("caller ID", Status.NA, "no caller ID set (contacts may bring their own)")
        return RuleResult("caller ID", Status.FAIL,
                          "no caller ID: set a fixed one or a pool (the law wants a number the callee can call back)",
                          "caller_id")
    bad = [n for n in f.caller_ids if not returnable(n)]
    if bad:
        return RuleResult("caller ID", Status.FAIL, f"not a number a callee can call back: {', '.join(bad)}",
                          "caller_id")
    return RuleResult("caller ID", Status.PASS, f"{len(f.caller_ids)} returnable number(s)")


def returnable(number: str) -> bool:
    """A valid E.164 number a person can dial back: not premium rate, not a short code."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(parsed):
        return False
    return phonenumbers.number_type(parsed) not in (phonenumbers.PhoneNumberType.PREMIUM_RATE,
                                                    phonenumbers.PhoneNumberType.SHARED_COST)


def check_dnc(f: CampaignFacts) -> RuleResult:
    p = f.profile
    if p.dnc_scrub_max_age is None:
        return RuleResult("DNC scrub", Status.NA,
                          f"{p.label}: no registry refresh interval; the DNC list is checked at lease and dial")
    if f.dnc_updated_at is None or f.now is None:
        return RuleResult("DNC scrub", Status.FAIL,
                          "the national DNC registry was never imported into the DNC list")
    age = f.now - f.dnc_updated_at
    if age > p.dnc_scrub_max_age:
        return RuleResult("DNC scrub", Status.FAIL,
                          f"the DNC list was last updated {age.days} days ago; {p.label} wants at most "
                          f"{p.dnc_scrub_max_age.days}")
    return RuleResult("DNC scrub", Status.PASS, f"updated {age.days} day(s) ago")


def check_quiet(f: CampaignFacts) -> RuleResult:
    p = f.profile
    wait = timedelta(seconds=f.retry_intervals.get("abandoned", int(ABANDON_QUIET_PERIOD.total_seconds())))
    if p.quiet_after_abandon is None:
        return RuleResult("72 h rule", Status.NA,
                          f"{p.label}: not required; the dialer waits {_hours(max(wait, ABANDON_QUIET_PERIOD))} anyway")
    if wait < p.quiet_after_abandon:
        return RuleResult("72 h rule", Status.FAIL,
                          f"{p.label}: an abandoned number waits {_hours(p.quiet_after_abandon)} before another call; "
                          f"retry after abandoned is {_hours(wait)}", "retry_abandoned")
    return RuleResult("72 h rule", Status.PASS, f"an abandoned number waits {_hours(wait)}")


def _hours(d: timedelta) -> str:
    return f"{d.total_seconds() / 3600:g} h"


def check_limits(f: CampaignFacts) -> RuleResult:
    """The profile's limits in force, and the campaign's own call-count limits per number."""
    p = f.profile
    per_number = ", ".join(f"{n} per number {what}" for n, what in ((f.daily_limit, "a day"),
                                                                     (f.lifetime_limit, "ever")) if n) \
        or "no call-count limit per number"
    if not p.enforces:
        return RuleResult("limits", Status.NA, f"regulatory profile 'none' (a market outside US, UK and EU): "
                                               f"no limit enforced; {per_number}")
    enforced = [f"hours {_hhmm(p.earliest)}-{_hhmm(p.latest)}", f"ring ≥ {p.min_ring_s:.0f} s"]
    if p.max_abandon_cap is not None:
        enforced.append(f"abandon cap ≤ {100 * p.max_abandon_cap:g} %")
    if not p.sundays:
        enforced.append("no Sundays")
    if p.quiet_after_abandon is not None:
        enforced.append(f"{_hours(p.quiet_after_abandon)} after an abandon")
    return RuleResult("limits", Status.PASS, f"{p.label} limits, enforced on every save: {', '.join(enforced)}; "
                                             f"{per_number}")


RULES: tuple[Callable[[CampaignFacts], RuleResult], ...] = (
    check_hours, check_holidays, check_message, check_ring, check_cap, check_window,
    check_caller_id, check_dnc, check_quiet, check_limits,
)
SETTING_RULES: tuple[Callable[[CampaignFacts], RuleResult], ...] = (
    check_hours, check_holidays, check_message, check_ring, check_cap, check_window, check_quiet,
)
"""The rules a save must not break (the others depend on the record, not the settings)."""


def preflight(facts: CampaignFacts) -> list[RuleResult]:
    return [rule(facts) for rule in RULES]


def violations(facts: CampaignFacts) -> list[RuleResult]:
    """What a save would break: the failing setting rules (the live abandon rate aside)."""
    return [r for rule in SETTING_RULES if (r := rule(facts)).status is Status.FAIL and r.field]


def report(facts: CampaignFacts) -> dict[str, object]:
    """The `dialer campaign check --json` document."""
    results = preflight(facts)
    return {"campaign": facts.name, "ok": all(r.status is not Status.FAIL for r in results),
            "rules": [r.as_json() for r in results]}
