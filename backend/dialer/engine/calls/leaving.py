"""An agent who pauses, leaves or logs out while calls placed for them still ring: those calls
are hung up before anyone answers them into an abandon, recorded (they were dialed) as
cancelled with the system disposition `agent_left`, and their contacts come back with the
attempts they had. The pacers of the agent's campaigns hear of it at once.

What is released: calls placed for that agent alone (preview, manual, private callbacks);
in progressive mode, the calls in flight beyond the agents still ready; in predictive mode
the pacer decides again, and may release only calls that rang the law's 15 s. Not here: an
answered customer is never dropped because an agent left (the call flow finds them another).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from dialer.engine.agents import LiveAgent
from dialer.engine.call_flow import RELEASED_TEXT, CallFlow
from dialer.engine.calls.call import CustomerCall
from dialer.engine.calls.machine import CallEvent, CallState
from dialer.engine.campaign_runtime import CampaignRuntime
from dialer.engine.preview import PreviewFlow
from dialer.engine.state import EngineState
from dialer.models.enums import AgentState, CallOutcome, CampaignMode, SystemDisposition


class LeavingAgents:
    def __init__(self, state: EngineState, calls: CallFlow, preview: PreviewFlow,
                 repace: Callable[[CampaignRuntime, datetime], None]) -> None:
        self.s = state
        self.calls = calls
        self.preview = preview
        self.repace = repace  # the engine's pacing of one campaign, as on its tick

    def left(self, agent: LiveAgent) -> None:
        """The agent paused, went (no screen), or logged out: called right after the move."""
        now = self.s.clock()
        self.release_for(agent, now)
        self.preview.agent_left(agent)
        for campaign_id in agent.campaign_ids:
            rt = self.s.campaigns.get(campaign_id)
            if rt is None:
                continue
            if rt.config.mode is CampaignMode.PROGRESSIVE:
                self.release_excess(rt, now)
            elif rt.config.mode is CampaignMode.PREDICTIVE:
                self.repace(rt, now)

    def release_for(self, agent: LiveAgent, now: datetime) -> int:
        """The calls placed for this agent alone that nobody answered yet; and a per-call
        agent whose phone rang for a waiting customer is taken off it (the customer waits for
        the next agent). Returns how many calls were released."""
        released = sum(self.release(call, now, f"agent {agent.username} paused or left")
                       for call in list(self.s.calls.values()) if call.reserved_agent_id == agent.agent_id)
        call = self.s.calls.get(agent.call_id) if agent.call_id else None
        if (agent.per_call and call is not None and call.state is CallState.CONNECTING
                and call.agent_id == agent.agent_id and agent.state is not AgentState.RINGING):
            leg, agent.bridge_id = agent.leg_id, None
            if leg:
                self.s.agent_legs.pop(leg, None)
                self.calls.spawn(self.s.port.hangup(leg))
            self.calls.agent_missed(agent, call, "left while the phone rang")
        return released

    def release_excess(self, rt: CampaignRuntime, now: datetime) -> int:
        """Progressive mode dials one call per ready agent: the unanswered calls beyond the
        agents still ready are hung up, those that have rung least first. Returns how many."""
        snapshot = rt.snapshot(now, self.s.agents.values(), self.s.calls.values())
        excess = snapshot.calls_in_flight - snapshot.agents_ready
        if excess <= 0:
            return 0
        unanswered = [c for c in self.s.calls.values() if c.campaign_id == rt.campaign_id
                      and c.state in (CallState.DIALING, CallState.RINGING) and c.reserved_agent_id is None]
        unanswered.sort(key=lambda c: ((now - c.ringing_at).total_seconds() if c.ringing_at else 0.0,
                                       -(c.originated_at or now).timestamp()))
        return sum(self.release(call, now, "more calls in flight than agents ready") for call in unanswered[:excess])

    def release(self, call: CustomerCall, now: datetime, why: str) -> bool:
        """Hang up one call nobody answered yet; False if it was answered (or ended) meanwhile.
        The call flow ends it when the PBX confirms, and spends no attempt of its contact."""
        if call.move(CallEvent.AGENT_LEFT) not in (CallState.DIALING, CallState.RINGING):
            return False
        rang = (now - call.ringing_at).total_seconds() if call.ringing_at else 0.0
        call.released_at, call.outcome = now, CallOutcome.CANCELLED
        call.system_disposition = SystemDisposition.AGENT_LEFT
        call.cause_text = f"{RELEASED_TEXT} after {rang:.0f} s ringing: {why}"[:100]
        # No longer anyone's: its end must not touch the agent, who may be reserved anew by then.
        agent_id, call.reserved_agent_id = call.reserved_agent_id, None
        self.s.writer.event(now, "released", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                            agent_id=agent_id, channel_id=call.call_id, rang_s=round(rang, 1),
                            reason=SystemDisposition.AGENT_LEFT.value)
        self.calls.spawn(self.s.port.hangup(call.call_id))
        agent = self.s.agents.get(agent_id) if agent_id is not None else None
        if agent is not None and agent.call_id == call.call_id:
            # Let go at once: the agent may be ready again before the PBX confirms the hang-up.
            agent.call_id = None
            self.s.publish({"type": "call.ended", "call_id": call.call_id, "agent_id": agent.agent_id,
                            "attempt_id": call.attempt_id, "outcome": CallOutcome.CANCELLED.value,
                            "reason": SystemDisposition.AGENT_LEFT.value, "at": now.isoformat()},
                           f"agent:{agent.agent_id}")
            if agent.per_call and agent.leg_id:
                self.calls.spawn(self.calls.release_agent_phone(agent))
        self.s.publish_call(call)
        return True
