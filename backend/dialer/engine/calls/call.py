"""A customer call as the engine follows it, from the originate to the end of wrap-up: its
ids and timestamps. Its state moves only through the call machine (`machine.step`), by
`move()`; the effects of each move are the call flow's (engine/call_flow.py).

Timestamps are the PBX's (event times), so waits and talk times are measured where they
happen, not where the engine heard of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dialer.engine.calls.machine import CallEvent, CallState, step
from dialer.models.enums import CallOutcome, SystemDisposition


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
    dial_profile_id: int | None = None  # the contact's own dial profile (ring time, retries, attempt limit)
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
    # Counted in the abandon window (late, or abandoned): the law counts each answer once,
    # whichever of the tick, the bridge or the hang-up sees it first. Not a state: a waiting
    # call may or may not have been counted yet.
    abandon_counted: bool = False
    released_at: datetime | None = None  # the dialer hung it up unanswered (pacer, or its agent left)
    system_disposition: SystemDisposition | None = None  # why the dialer ended it, for the record
    disposed_at: datetime | None = None  # the agent saved the disposition during the call
    message_started: bool = False  # hold music or message started: stopped before the bridge
    recording_name: str = ""
    wait_recording_name: str = ""  # the wait before an agent took them (campaign's record_wait)
    # Ended by a fault, not by a person (Asterisk shut down or was unreachable): its talk time
    # says when the fault came, not how long people talk, so the pacer does not learn from it.
    cut: bool = False

    def move(self, event: CallEvent) -> CallState:
        """The machine's next state for `event`, taken; returns the state before it."""
        previous, self.state = self.state, step(self.state, event)
        return previous

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
