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

from dialer.models.campaigns import DEFAULT_CALLING_WINDOWS
from dialer.models.enums import AgentState, CampaignMode, CampaignStatus
from dialer.not_dialing import NotDialing, NotDialingReason
from dialer.scheduling.windows import WeeklyWindows, WindowError, is_callable, next_callable_time


@dataclass(frozen=True)
class DueGroup:
    """Remaining contacts that are due now and live in the same zone(s)."""

    zones: tuple[str, ...]
    count: int


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
    if data.due_total == 0:
        until = data.next_due_at
        return [NotDialingReason(NotDialing.NOT_YET_DUE, f"{pending} pending"
                                 + (f"; the next at {_when(until)}" if until else ""), until)]
    try:
        windows = WeeklyWindows.parse(data.calling_windows if data.calling_windows is not None
                                      else DEFAULT_CALLING_WINDOWS)
    except WindowError as exc:
        return [NotDialingReason(NotDialing.BAD_CALLING_WINDOWS, str(exc))]
    openings = []
    for group in data.due_groups:
        zones = [ZoneInfo(z) for z in group.zones] or [ZoneInfo("UTC")]
        if is_callable(now, zones, windows):
            return []
        if (opening := next_callable_time(now, zones, windows)) is not None:
            openings.append(opening)
    if not data.due_groups:
        return []
    until = min(openings) if openings else None
    sampled = sum(g.count for g in data.due_groups)
    scope = f"all {data.due_total}" if sampled >= data.due_total else f"the first {sampled} of the {data.due_total}"
    return [NotDialingReason(NotDialing.OUTSIDE_CALLING_HOURS,
                             f"{scope} due contacts; "
                             + (f"calling resumes at {_when(until)}" if until else "no opening within a week"),
                             until)]


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
