"""A customer call as the engine follows it, from the originate to the end of wrap-up.

Timestamps are the PBX's (event times), so waits and talk times are measured where they
happen, not where the engine heard of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from dialer.models.enums import CallOutcome


class CallState(str, Enum):
    DIALING = "dialing"
    RINGING = "ringing"
    DETECTING = "detecting"  # answered, answering-machine detection running
    WAITING = "waiting"  # answered, no agent yet (hold message / music)
    CONNECTING = "connecting"  # an agent is chosen and their phone rings (per-call agents)
    RELEASING = "releasing"  # no agent came: the abandon message plays, then we hang up
    BRIDGED = "bridged"
    ENDED = "ended"


@dataclass
class CustomerCall:
    call_id: str  # the customer leg id
    attempt_id: int
    campaign_id: int
    contact_id: int
    phone: str
    phone_index: int
    caller_id: str
    attempt_no: int
    phone_count: int = 1  # main phone plus alternates: the retry rules walk through them
    max_attempts: int | None = None  # the contact's own raised limit, if any
    reserved_agent_id: int | None = None  # preview: dialed for this agent, connected only to them
    contact: dict[str, Any] = field(default_factory=dict)  # card data
    state: CallState = CallState.DIALING
    originated_at: datetime | None = None
    ringing_at: datetime | None = None
    answered_at: datetime | None = None
    bridged_at: datetime | None = None
    ended_at: datetime | None = None
    agent_id: int | None = None
    outcome: CallOutcome | None = None
    cause: int | None = None
    cause_text: str = ""
    amd_status: str = ""
    abandon_counted: bool = False  # no agent within the legal 2 s (counts against the cap)
    released_at: datetime | None = None  # the pacer hung it up unanswered, ringing since `ringing_at`
    message_started: bool = False
    recording_name: str = ""

    @property
    def live(self) -> bool:
        return self.state is not CallState.ENDED

    def wait_s(self) -> float | None:
        if self.answered_at is None:
            return None
        end = self.bridged_at or self.ended_at
        return (end - self.answered_at).total_seconds() if end else None

    def talk_s(self) -> float | None:
        if self.bridged_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.bridged_at).total_seconds()

    def as_event(self) -> dict:
        return {"type": "call.state", "call_id": self.call_id, "campaign_id": self.campaign_id,
                "phone": self.phone, "state": self.state.value, "agent_id": self.agent_id,
                "since": (self.bridged_at or self.answered_at or self.ringing_at or self.originated_at).isoformat()
                if (self.bridged_at or self.answered_at or self.ringing_at or self.originated_at) else None}
