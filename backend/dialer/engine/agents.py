"""Agents as the engine holds them: who is logged in, on which phone, in which state, since when.

The states and the allowed moves between them are explicit; a move that is not allowed raises
`AgentStateError`, so a racing click (pause during a connect) is refused, never half-done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dialer.models.enums import AgentState

S = AgentState
_ALLOWED: dict[AgentState, frozenset[AgentState]] = {
    S.LOGGED_OUT: frozenset({S.PAUSED, S.READY}),
    S.READY: frozenset({S.RESERVED, S.RINGING, S.ON_CALL, S.PAUSED, S.LOGGED_OUT}),
    S.RESERVED: frozenset({S.RINGING, S.ON_CALL, S.READY, S.PAUSED, S.LOGGED_OUT}),
    S.RINGING: frozenset({S.ON_CALL, S.READY, S.PAUSED, S.LOGGED_OUT}),
    S.ON_CALL: frozenset({S.WRAP_UP, S.LOGGED_OUT}),
    S.WRAP_UP: frozenset({S.READY, S.PAUSED, S.LOGGED_OUT}),
    S.PAUSED: frozenset({S.READY, S.LOGGED_OUT}),
}


class AgentStateError(Exception):
    """The move is not allowed from the agent's current state; the message says why."""


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
    # The agent's phone kept connected in a bridge of their own (persistent mode).
    leg_id: str | None = None
    bridge_id: str | None = None
    phone_up: bool = False
    per_call: bool = False  # rung for each call instead of kept connected
    call_id: str | None = None  # the customer call they are reserved for, on, or wrapping up
    pause_requested: str | None = None  # pause asked for during a call: applied after wrap-up
    idle_since: datetime | None = None
    wrap_up_until: datetime | None = None
    session_id: int | None = None

    def move(self, to: AgentState, at: datetime, reason: str = "") -> None:
        if to not in _ALLOWED[self.state] and to is not self.state:
            raise AgentStateError(f"agent {self.username} cannot go from {self.state.value} to {to.value}")
        self.state, self.since, self.reason = to, at, reason
        if to is AgentState.READY:
            self.idle_since = at

    @property
    def can_take_call(self) -> bool:
        reachable = self.phone_up or (self.per_call and self.leg_id is None)
        return self.state is AgentState.READY and reachable and self.call_id is None

    def serves(self, campaign_id: int, required_skills: frozenset[str]) -> bool:
        return campaign_id in self.campaign_ids and required_skills <= self.skills

    def as_event(self) -> dict:
        return {"type": "agent.state", "agent_id": self.agent_id, "username": self.username, "name": self.name,
                "team_id": self.team_id, "state": self.state.value, "reason": self.reason,
                "since": self.since.isoformat() if self.since else None,
                "campaign_ids": sorted(self.campaign_ids), "call_id": self.call_id,
                "phone_up": self.phone_up}
