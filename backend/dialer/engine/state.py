"""What the engine holds in memory, shared by its parts: campaigns, agents, calls, the
answered-customer queue, and the outlets (port, hub, record writer, clock)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from dialer.engine.agents import AgentEvent, LiveAgent, step
from dialer.engine.agents.presence import Presence
from dialer.engine.agents.redial import Redials
from dialer.engine.calls import CustomerCall
from dialer.engine.campaign_runtime import CampaignRuntime
from dialer.billing.service.meter import BillingMeter
from dialer.engine.notifier import Notifier
from dialer.engine.pbx_ids import new_pbx_id
from dialer.engine.records import RecordWriter
from dialer.engine.refusals import Refusals
from dialer.hub import MemoryHub
from dialer.telephony.port import TelephonyPort


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class EngineState:
    port: TelephonyPort
    hub: MemoryHub
    writer: RecordWriter
    engine_id: str
    dial_template: str = "PJSIP/{e164}@trunk"
    clock: Callable[[], datetime] = utc_now
    rng: random.Random = field(default_factory=random.Random)
    campaigns: dict[int, CampaignRuntime] = field(default_factory=dict)
    agents: dict[int, LiveAgent] = field(default_factory=dict)
    calls: dict[str, CustomerCall] = field(default_factory=dict)  # by customer leg id
    agent_legs: dict[str, int] = field(default_factory=dict)  # agent leg id -> agent id
    waiting: list[str] = field(default_factory=list)  # answered customers, in answer order
    playbacks: dict[str, str] = field(default_factory=dict)  # abandon-message playback -> call id
    notifier: Notifier = field(default_factory=Notifier)
    refusals: Refusals = field(default_factory=Refusals)  # Asterisk refusing originates
    billing: BillingMeter = field(default_factory=BillingMeter)  # rates calls, holds prepaid credit
    presence: Presence = field(default_factory=Presence)  # the agents' panels and extensions
    presence_grace_s: float | None = None  # None: nobody is made "disconnected" (no screens to watch)
    redials: Redials = field(default_factory=Redials)  # agents' phones to call again

    def webhook(self, event: str, call: CustomerCall, **extra: object) -> None:
        """Tell the customer's IS about a call (queued; see engine.notifier)."""
        agent = self.agents.get(call.agent_id) if call.agent_id else None
        payload = {"attempt_id": call.attempt_id, "call_id": call.call_id, "campaign_id": call.campaign_id,
                   "contact_id": call.contact_id, "external_id": call.contact.get("external_id", ""),
                   "phone": call.phone, "caller_id": call.caller_id, "attempt": call.attempt_no,
                   "agent": agent.username if agent else None, **extra}
        self.notifier.notify(event, payload, call.campaign_id)

    def new_pbx_id(self) -> str:
        """An id for a channel or bridge this engine creates, tagged so that a restarted
        engine finds what it left in Asterisk (engine.pbx_ids)."""
        return new_pbx_id(self.engine_id)

    def publish(self, event: dict, *topics: str) -> None:
        for topic in topics:
            self.hub.publish_nowait(topic, event)

    def move_agent(self, agent: LiveAgent, event: AgentEvent, reason: str = "",
                   campaign_id: int | None = None) -> bool:
        """The one way an agent changes: the machine's verdict (`AgentStateError` when it
        refuses), applied, recorded when the state or its reason changed, and published.
        Returns whether the state changed."""
        status = step(agent.status, event, reason)
        now = self.clock()
        changed = agent.apply(status, now)
        if changed:
            self.writer.agent_state(agent.agent_id, agent.state, now, agent.reason[:64], campaign_id,
                                    agent.session_id)
        self.publish_agent(agent)
        return changed

    def publish_agent(self, agent: LiveAgent) -> None:
        event = agent.as_event()
        topics = [f"agent:{agent.agent_id}", "floor", *(f"campaign:{c}" for c in agent.campaign_ids)]
        if agent.team_id is not None:
            topics.append(f"team:{agent.team_id}")
        self.publish(event, *topics)

    def publish_call(self, call: CustomerCall) -> None:
        self.publish(call.as_event(), "floor", f"campaign:{call.campaign_id}")

    def endpoint_for(self, e164: str) -> str:
        """The dial string for a customer number, from the deployment's template."""
        digits = e164.lstrip("+")
        return self.dial_template.format(e164=e164, digits=digits, number=e164)
