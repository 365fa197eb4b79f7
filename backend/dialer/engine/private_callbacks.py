"""Private callbacks in automatic mode: a callback an agent kept for themselves is dialed for
that agent, and only them, as soon as they are free and it is due.

(Manual mode lists them for the agent to dial: see `engine.manual`.) Each free agent is
checked at most every `CHECK_EVERY`, so the database stays off the engine's tick.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from dialer.engine.agents import AgentEvent
from dialer.engine.call_flow import CallFlow
from dialer.engine.campaign_runtime import CampaignRuntime
from dialer.engine.contact_feed import select_contacts, start_attempts
from dialer.engine.state import EngineState
from dialer.models.enums import PrivateNumbers

log = logging.getLogger(__name__)

CHECK_EVERY = timedelta(seconds=5)


class PrivateCallbacks:
    def __init__(self, state: EngineState, calls: CallFlow) -> None:
        self.s = state
        self.calls = calls
        self._checked: dict[tuple[int, int], datetime] = {}
        self._busy: set[int] = set()

    def pace(self, rt: CampaignRuntime, now: datetime) -> None:
        if rt.config.private_numbers is not PrivateNumbers.AUTOMATIC:
            return
        for agent in self.s.agents.values():
            key = (rt.campaign_id, agent.agent_id)
            if (not agent.can_take_call or agent.agent_id in self._busy
                    or not agent.serves(rt.campaign_id, rt.config.required_skills)
                    or now - self._checked.get(key, datetime.min.replace(tzinfo=now.tzinfo)) < CHECK_EVERY):
                continue
            self._checked[key] = now
            self._busy.add(agent.agent_id)
            asyncio.create_task(self._dial_for(rt, agent.agent_id, now))

    async def _dial_for(self, rt: CampaignRuntime, agent_id: int, now: datetime) -> None:
        try:
            feed = await select_contacts(rt.config, self.s.engine_id, 1, now, self.s.rng, owner_agent_id=agent_id)
            agent = self.s.agents.get(agent_id)
            if not feed.candidates or agent is None or not agent.can_take_call:
                if feed.candidates:  # the agent got busy meanwhile: the callback waits for them
                    from dialer.engine.preview import _give_back
                    await _give_back(feed.candidates[0], now)
                return
            (prepared,) = await start_attempts(rt.config, self.s.engine_id, feed.candidates, now)
            self.s.move_agent(agent, AgentEvent.RESERVE, "private callback", rt.campaign_id)
            call = self.calls.track(prepared, rt.campaign_id, now, reserved_agent_id=agent_id,
                                    private_callback=True)
            agent.call_id = call.call_id
            self.s.publish({"type": "call.offered", "agent_id": agent_id, "campaign_id": rt.campaign_id,
                            "card": call.contact, "private_callback": True, "dialing": True},
                           f"agent:{agent_id}")
            await self.calls.originate(call, rt.config.ring_timeout_for(call.dial_profile_id))
        except Exception:
            log.exception("private callback for agent %s failed", agent_id)
        finally:
            self._busy.discard(agent_id)
