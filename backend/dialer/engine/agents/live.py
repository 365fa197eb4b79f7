"""An agent as the engine holds them: who is logged in, on which phone, in which state since
when, and the call they are on. The state changes only through the machine (`machine.step`),
applied, recorded and published by the engine's one `move()` (engine/state.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dialer.engine.agents.machine import AgentStatus, Phone
from dialer.models.enums import AgentState


@dataclass(frozen=True)
class WrapUpDraft:
    """What the agent has typed into the call's form but not submitted. Held in memory only:
    if wrap-up ends by itself (or the agent logs out) the notes and the chosen disposition go
    into the call's record rather than being lost; a reload of the panel puts them back."""

    call_id: str
    disposition_id: int | None = None
    disposition_code: str = ""
    disposition_name: str = ""
    notes: str = ""
    callback_at: datetime | None = None

    def as_dict(self) -> dict:
        return {"call_id": self.call_id, "disposition_id": self.disposition_id, "notes": self.notes,
                "callback_at": self.callback_at.isoformat() if self.callback_at else None}


@dataclass
class LiveAgent:
    agent_id: int
    user_id: int
    username: str
    name: str
    team_id: int | None
    extension: str
    skills: frozenset[str] = frozenset()
    wrap_up_s: float = 10.0
    campaign_ids: set[int] = field(default_factory=set)
    state: AgentState = AgentState.LOGGED_OUT
    reason: str = ""
    since: datetime | None = None
    phone: Phone = Phone.DOWN
    present: bool = True
    # The agent's phone kept connected in a bridge of their own (persistent mode).
    leg_id: str | None = None
    bridge_id: str | None = None
    per_call: bool = False  # rung for each call instead of kept connected
    keeps_phone: bool = False  # their phone was called to stay connected: bring it back after an outage
    call_id: str | None = None  # the customer call they are reserved for, on, or wrapping up
    pause_requested: str | None = None  # pause asked for during a call: applied after wrap-up
    idle_since: datetime | None = None
    wrap_up_until: datetime | None = None
    draft: WrapUpDraft | None = None  # the form of the call they are on or wrapping up, as typed
    session_id: int | None = None

    @property
    def phone_up(self) -> bool:
        return self.phone is Phone.UP

    @property
    def status(self) -> AgentStatus:
        return AgentStatus(self.state, self.reason, self.phone, self.present, self.per_call, self.pause_requested)

    def apply(self, status: AgentStatus, at: datetime) -> bool:
        """Take the machine's verdict; True when the work state or its reason changed."""
        changed = (status.work, status.reason) != (self.state, self.reason)
        if status.work is not self.state:
            self.since = at
            if status.work is AgentState.READY:
                self.idle_since = at
        self.state, self.reason, self.phone, self.present = status.work, status.reason, status.phone, status.present
        self.pause_requested = status.pause_requested
        return changed

    @property
    def can_take_call(self) -> bool:
        reachable = self.phone_up or (self.per_call and self.leg_id is None)
        return self.state is AgentState.READY and reachable and self.call_id is None

    def serves(self, campaign_id: int, required_skills: frozenset[str]) -> bool:
        return campaign_id in self.campaign_ids and required_skills <= self.skills

    def as_event(self) -> dict:
        return {"type": "agent.state", "agent_id": self.agent_id, "username": self.username, "name": self.name,
                "team_id": self.team_id, "state": self.state.value, "reason": self.reason,
                "label": self.status.label(),
                "since": self.since.isoformat() if self.since else None,
                "campaign_ids": sorted(self.campaign_ids), "call_id": self.call_id,
                "phone": self.phone.value, "phone_up": self.phone_up, "present": self.present,
                "per_call": self.per_call, "pause_requested": self.pause_requested,
                # the panel counts down to this (server time); it moves when wrap-up is extended
                "wrap_up_until": self.wrap_up_until.isoformat() if self.wrap_up_until else None}


__all__ = ["LiveAgent", "WrapUpDraft"]
