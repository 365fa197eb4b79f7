"""Why a campaign is not dialing: the reasons, computed from a snapshot of data and `now`.

Pure: no database, no clock. `dialer.campaigns.status.load_diagnosis_input` builds the
snapshot from the database; the engine adds what only it knows (abandon cap reached, trunk
limit, Asterisk disconnected) through the `live` argument, reason code -> message.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Mapping, Sequence
from zoneinfo import ZoneInfo

from dialer.models.campaigns import DEFAULT_CALLING_WINDOWS
from dialer.models.enums import AgentState, CampaignMode, CampaignStatus
from dialer.scheduling.windows import WeeklyWindows, WindowError, is_callable, next_callable_time


class Code(str, Enum):
    NOT_RUNNING = "not_running"
    ARCHIVED = "archived"
    NO_CONTACT_LIST = "no_contact_list"
    NO_CONTACTS = "no_contacts"
    ALL_FINISHED = "all_finished"
    ALL_IN_PROGRESS = "all_in_progress"
    NOT_YET_DUE = "not_yet_due"
    OUTSIDE_CALLING_HOURS = "outside_calling_hours"
    BAD_CALLING_WINDOWS = "bad_calling_windows"
    NO_AGENT_LOGGED_IN = "no_agent_logged_in"
    NO_AGENT_READY = "no_agent_ready"
    NO_AGENT_WITH_SKILLS = "no_agent_with_skills"
    # Engine reasons arrive through `live` with codes like these:
    ABANDON_CAP = "abandon_cap"
    TRUNK_LIMIT = "trunk_limit"
    ASTERISK_DISCONNECTED = "asterisk_disconnected"
    NO_PREPAID_CREDIT = "no_prepaid_credit"  # the branch's prepaid credit cannot pay the next minute


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
class Reason:
    code: str
    message: str
    until: datetime | None = None  # when it stops holding, if known

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "until": self.until.isoformat() if self.until else None}


@dataclass(frozen=True)
class Diagnosis:
    reasons: tuple[Reason, ...]

    @property
    def dialing(self) -> bool:
        """True when nothing we know of stops the campaign from dialing."""
        return not self.reasons

    def as_json(self) -> dict[str, object]:
        return {"dialing": self.dialing, "reasons": [r.as_json() for r in self.reasons]}


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _contact_reasons(data: DiagnosisInput, now: datetime) -> list[Reason]:
    if data.list_count == 0:
        return [Reason(Code.NO_CONTACT_LIST, "No contact list is attached to the campaign.")]
    total = sum(data.counts.values())
    if total == 0:
        return [Reason(Code.NO_CONTACTS, "The contact lists are empty.")]
    pending = data.counts.get("pending", 0)
    if pending == 0:
        if data.counts.get("leased", 0):
            return [Reason(Code.ALL_IN_PROGRESS, "Every remaining contact is being dialed right now.")]
        return [Reason(Code.ALL_FINISHED, "Every contact is finished: done, failed, exhausted or on the "
                                          "do-not-call list. Clear the campaign or add contacts.")]
    if data.due_total == 0:
        until = data.next_due_at
        return [Reason(Code.NOT_YET_DUE, f"None of the {pending} pending contacts is due for a retry yet"
                       + (f"; the next at {_when(until)}." if until else "."), until)]
    try:
        windows = WeeklyWindows.parse(data.calling_windows if data.calling_windows is not None
                                      else DEFAULT_CALLING_WINDOWS)
    except WindowError as exc:
        return [Reason(Code.BAD_CALLING_WINDOWS, f"The dial profile's calling hours are malformed: {exc}.")]
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
    scope = "every" if sampled >= data.due_total else f"the first {sampled} of the"
    return [Reason(Code.OUTSIDE_CALLING_HOURS,
                   f"It is outside the calling hours of {scope} {data.due_total} due contacts (in their time "
                   "zones)" + (f"; calling resumes at {_when(until)}." if until else "; no opening within a week."),
                   until)]


def _agent_reasons(data: DiagnosisInput) -> list[Reason]:
    if not data.agents:
        return [Reason(Code.NO_AGENT_LOGGED_IN, "No agent of the campaign's team is logged in.")]
    skilled = [a for a in data.agents if set(data.required_skills) <= set(a.skills)]
    if not skilled:
        return [Reason(Code.NO_AGENT_WITH_SKILLS, "No logged-in agent has the skills the campaign needs: "
                                                  + ", ".join(data.required_skills) + ".")]
    busy_states = {AgentState.RESERVED, AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP}
    if not any(a.state is AgentState.READY for a in skilled):
        if any(a.state in busy_states for a in skilled):
            return []  # they are working; calls go out as they become free
        not_ready = Counter(a.reason or "?" for a in skilled if a.state is AgentState.NOT_READY)
        if not not_ready:
            return [Reason(Code.NO_AGENT_READY, f"{len(skilled)} agent(s) logged in, none ready (all paused).")]
        why = ", ".join(f"{n} not ready ({reason})" for reason, n in sorted(not_ready.items()))
        paused = len(skilled) - sum(not_ready.values())
        return [Reason(Code.NO_AGENT_READY, f"{len(skilled)} agent(s) logged in, none ready: {why}"
                                            + (f", {paused} paused." if paused else "."))]
    return []


def diagnose(data: DiagnosisInput, now: datetime, live: Mapping[str, str] | None = None) -> Diagnosis:
    """Every reason the campaign does not dial at `now` (UTC); empty when it should be dialing.

    All reasons are listed, not just the first, so fixing one does not reveal the next.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    reasons: list[Reason] = []
    if data.archived:
        reasons.append(Reason(Code.ARCHIVED, "The campaign is archived."))
    elif data.status is not CampaignStatus.RUNNING:
        reasons.append(Reason(Code.NOT_RUNNING, f"The campaign is {data.status.value}; start or resume it."))
    reasons += _contact_reasons(data, now)
    reasons += _agent_reasons(data)
    reasons += [Reason(code, message) for code, message in (live or {}).items()]
    return Diagnosis(tuple(reasons))
