"""Why a campaign is not dialing: the reasons, computed from a snapshot of data and `now`.

Pure: no database, no clock. `dialer.campaigns.status.load_diagnosis_input` builds the
snapshot from the database; the engine adds what only it knows (Asterisk disconnected or
refusing calls, no prepaid credit) through the `live` argument. The codes and sentences are
`dialer.not_dialing`'s, shared with the engine and the wallboard.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping, Sequence
from zoneinfo import ZoneInfo

from dialer.compliance.hours import (
    Callee,
    CallingHours,
    ClosureDays,
    DayOff,
    DayOffKind,
    closure_on,
    day_off,
    may_call,
    next_call_time,
)
from dialer.models.campaigns import DEFAULT_CALLING_WINDOWS
from dialer.models.enums import AgentState, CampaignMode, CampaignStatus
from dialer.not_dialing import NotDialing, NotDialingReason
from dialer.scheduling.windows import WeeklyWindows, WindowError


@dataclass(frozen=True)
class DueGroup:
    """Remaining contacts that live in the same zone(s), country and region, and are dialed by
    the same dial profile (their own, or None: the campaign's)."""

    zones: tuple[str, ...]
    count: int
    country: str | None = None
    subdivision: str | None = None
    profile_id: int | None = None


@dataclass(frozen=True)
class AgentView:
    state: AgentState
    skills: tuple[str, ...] = ()
    reason: str = ""  # why paused / not ready ("phone down", "disconnected")


@dataclass(frozen=True)
class DiagnosisInput:
    status: CampaignStatus
    mode: CampaignMode
    archived: bool = False
    list_count: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)  # contacts by ContactStatus value
    due_groups: Sequence[DueGroup] = ()  # pending and due now, grouped by zones
    due_total: int = 0  # how many pending contacts are due (the groups may be a sample)
    next_due_at: datetime | None = None  # the earliest next_attempt_at of the not-yet-due
    calling_windows: Mapping[str, Sequence[Sequence[str]]] | None = None  # None: the defaults
    agents: Sequence[AgentView] = ()  # agents of the campaign's team with an open session
    required_skills: tuple[str, ...] = ()
    skip_holidays: bool = False  # the callee's public holidays are no calling days (regulatory profile)
    closures: tuple[ClosureDays, ...] = ()  # the campaign's dial profile's closure days
    own_hours: Mapping[int, CallingHours] = field(default_factory=dict)
    """The hours of the contacts' own dial profiles among the groups (bounded by the campaign's law)."""
    waiting_groups: Sequence[DueGroup] = ()
    """When none is due: a sample of the pending contacts due next, whose day off may be why."""


@dataclass(frozen=True)
class Diagnosis:
    reasons: tuple[NotDialingReason, ...]

    @property
    def dialing(self) -> bool:
        """True when nothing we know of stops the campaign from dialing."""
        return not self.reasons

    def as_json(self) -> dict[str, object]:
        return {"dialing": self.dialing, "reasons": [r.as_json() for r in self.reasons]}


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _contact_reasons(data: DiagnosisInput, now: datetime) -> list[NotDialingReason]:
    if data.list_count == 0:
        return [NotDialingReason(NotDialing.NO_CONTACT_LIST)]
    total = sum(data.counts.values())
    if total == 0:
        return [NotDialingReason(NotDialing.NO_CONTACTS)]
    pending = data.counts.get("pending", 0)
    if pending == 0:
        if data.counts.get("leased", 0):
            return [NotDialingReason(NotDialing.ALL_IN_PROGRESS)]
        return [NotDialingReason(NotDialing.ALL_FINISHED)]
    try:
        windows = WeeklyWindows.parse(data.calling_windows if data.calling_windows is not None
                                      else DEFAULT_CALLING_WINDOWS)
    except WindowError as exc:
        return [NotDialingReason(NotDialing.BAD_CALLING_WINDOWS, str(exc))]
    hours = CallingHours(windows, data.skip_holidays, data.closures)
    if (closed := closure_on(now, hours.closures)) is not None:
        # The campaign's company is closed: nothing is leased today, whoever the contacts.
        return [NotDialingReason(NotDialing.CLOSURE_DAY, closed.describe(), closed.ends)]
    if data.due_total == 0:
        until = data.next_due_at
        # Contacts put back for a day off wait for the next calling day: say which day it is.
        offs, sampled = _days_off(data.waiting_groups, now, hours, data)
        if offs and sum(offs.values()) == sampled:
            return _day_off_reasons(offs, until)
        return [NotDialingReason(NotDialing.NOT_YET_DUE, f"{pending} pending"
                                 + (f"; the next at {_when(until)}" if until else ""), until),
                *_day_off_reasons(offs, until, of=f"of the {sampled} due next")]
    if not data.due_groups:
        return []
    openings = []
    for group in data.due_groups:
        callee, group_hours = _callee(group), _hours_of(group, hours, data)
        if may_call(now, callee, group_hours):
            return []
        if (opening := next_call_time(now, callee, group_hours)) is not None:
            openings.append(opening)
    until = min(openings) if openings else None
    offs, sampled = _days_off(data.due_groups, now, hours, data)
    if offs and sum(offs.values()) == sampled:
        return _day_off_reasons(offs, until)
    scope = f"all {data.due_total}" if sampled >= data.due_total else f"the first {sampled} of the {data.due_total}"
    return [NotDialingReason(NotDialing.OUTSIDE_CALLING_HOURS,
                             f"{scope} due contacts; "
                             + (f"calling resumes at {_when(until)}" if until else "no opening within a week"),
                             until),
            *_day_off_reasons(offs, until, of=f"of the {sampled} due")]


def _callee(group: DueGroup) -> Callee:
    return Callee(tuple(ZoneInfo(z) for z in group.zones) or (ZoneInfo("UTC"),), group.country, group.subdivision)


def _hours_of(group: DueGroup, campaign: CallingHours, data: DiagnosisInput) -> CallingHours:
    """The group's own dial profile's hours when it names one, else the campaign's."""
    own = data.own_hours.get(group.profile_id) if group.profile_id is not None else None
    return own or campaign


def _days_off(groups: Sequence[DueGroup], now: datetime, hours: CallingHours,
              data: DiagnosisInput) -> tuple[Counter[DayOff], int]:
    """The days off today of the groups' callees (a holiday of theirs, a closure day of their own
    profile), with how many contacts each keeps; and how many contacts the groups hold."""
    offs: Counter[DayOff] = Counter()
    for group in groups:
        off = day_off(now, _callee(group), _hours_of(group, hours, data))
        if off is not None:
            offs[off] += group.count
    return offs, sum(g.count for g in groups)


def _day_off_reasons(offs: Counter[DayOff], until: datetime | None, of: str = "") -> list[NotDialingReason]:
    """One reason per kind of day off, naming each day ("public holiday Christmas Eve in CZ");
    with `of`, how many of the contacts it keeps (when it keeps only some)."""
    reasons = []
    for kind, code in ((DayOffKind.HOLIDAY, NotDialing.PUBLIC_HOLIDAY), (DayOffKind.CLOSURE, NotDialing.CLOSURE_DAY)):
        named: Counter[str] = Counter()
        for off, n in offs.items():
            if off.kind is kind:
                named[off.describe()] += n
        if named:
            detail = "; ".join(f"{what} ({n} {of})" if of else what for what, n in named.most_common())
            reasons.append(NotDialingReason(code, detail, until))
    return reasons


def _agent_reasons(data: DiagnosisInput) -> list[NotDialingReason]:
    if not data.agents:
        return [NotDialingReason(NotDialing.NO_AGENT_LOGGED_IN)]
    skilled = [a for a in data.agents if set(data.required_skills) <= set(a.skills)]
    if not skilled:
        return [NotDialingReason(NotDialing.NO_AGENT_WITH_SKILLS, ", ".join(data.required_skills))]
    busy_states = {AgentState.RESERVED, AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP}
    if not any(a.state is AgentState.READY for a in skilled):
        if any(a.state in busy_states for a in skilled):
            return []  # they are working; calls go out as they become free
        not_ready = Counter(a.reason or "?" for a in skilled if a.state is AgentState.NOT_READY)
        if not not_ready:
            return [NotDialingReason(NotDialing.NO_AGENT_READY, f"all {len(skilled)} paused")]
        why = ", ".join(f"{n} not ready ({reason})" for reason, n in sorted(not_ready.items()))
        paused = len(skilled) - sum(not_ready.values())
        return [NotDialingReason(NotDialing.NO_AGENT_READY, why + (f", {paused} paused" if paused else ""))]
    return []


def diagnose(data: DiagnosisInput, now: datetime, live: Sequence[NotDialingReason] = ()) -> Diagnosis:
    """Every reason the campaign does not dial at `now` (UTC); empty when it should be dialing.

    All reasons are listed, not just the first, so fixing one does not reveal the next. A live
    reason whose code the data already gave (the engine's "paused" beside the record's) is
    said once, in the data's words.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    reasons: list[NotDialingReason] = []
    if data.archived:
        reasons.append(NotDialingReason(NotDialing.ARCHIVED))
    elif data.status is not CampaignStatus.RUNNING:
        reasons.append(NotDialingReason(NotDialing.NOT_RUNNING, data.status.value))
    reasons += _contact_reasons(data, now)
    reasons += _agent_reasons(data)
    known = {r.code for r in reasons}
    reasons += [r for r in live if r.code not in known]
    return Diagnosis(tuple(reasons))
