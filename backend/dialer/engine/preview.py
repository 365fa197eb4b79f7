"""Preview mode: the agent sees the contact before anything is dialed, then calls or skips.

Each ready agent of a preview campaign is reserved and offered one contact (the card is
pushed as `call.offered`). Call: the attempt starts and the customer is dialed for that agent
only. Skip: the contact goes back, not counted as an attempt. An offer left unanswered goes
back for the next ready agent, and the silent agent is paused (they are likely away).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialer.engine.agents import AgentEvent, LiveAgent
from dialer.engine.agents.flow import AgentError
from dialer.engine.call_flow import AGENT_RING_S, CallFlow
from dialer.engine.campaign_runtime import CampaignRuntime
from dialer.engine.contact_feed import Candidate, card_data, select_contacts, start_attempts
from dialer.engine.state import EngineState
from dialer.models import Contact
from dialer.models.enums import AgentState, ContactStatus
from dialer.telephony.port import LegKind, OriginateRequest

log = logging.getLogger(__name__)

OFFER_TIMEOUT = timedelta(seconds=45)
SKIP_DELAY = timedelta(minutes=10)  # a skipped contact is not offered again straight away


@dataclass
class Offer:
    campaign_id: int
    candidate: Candidate
    expires_at: datetime
    # The customer leg's id, chosen when a per-call agent's phone is rung first, so that
    # `call` can answer with the call's id before the customer is dialed.
    call_id: str = ""


class PreviewFlow:
    def __init__(self, state: EngineState, calls: CallFlow) -> None:
        self.s = state
        self.calls = calls
        self.offers: dict[int, Offer] = {}
        self.ringing: dict[int, Offer] = {}  # per-call agents whose phone rings before the dial
        self._offering: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def pace(self, rt: CampaignRuntime, now: datetime) -> None:
        """Offer a contact to every ready agent of the campaign who has none."""
        for agent in self.s.agents.values():
            if (agent.can_take_call and agent.serves(rt.campaign_id, rt.config.required_skills)
                    and agent.agent_id not in self.offers and agent.agent_id not in self._offering):
                self._offering.add(agent.agent_id)
                asyncio.create_task(self._offer(rt, agent, now))

    async def _offer(self, rt: CampaignRuntime, agent: LiveAgent, now: datetime) -> None:
        try:
            feed = await select_contacts(rt.config, self.s.engine_id, 1, now, self.s.rng)
            rt.contacts_exhausted = feed.leased == 0
            if not feed.candidates:
                return
            candidate = feed.candidates[0]
            if not agent.can_take_call:  # paused or took a call meanwhile: give the contact back
                await _give_back(candidate, now)
                return
            self.offers[agent.agent_id] = Offer(rt.campaign_id, candidate, now + OFFER_TIMEOUT)
            card = card_data(candidate.contact, rt.config, candidate.contact.attempts + 1, candidate.phone)
            self.s.publish({"type": "call.offered", "agent_id": agent.agent_id, "campaign_id": rt.campaign_id,
                            "card": card, "expires_at": (now + OFFER_TIMEOUT).isoformat()},
                           f"agent:{agent.agent_id}")
            self.s.move_agent(agent, AgentEvent.RESERVE, "preview", rt.campaign_id)
        except Exception:
            log.exception("preview offer for agent %s failed", agent.username)
        finally:
            self._offering.discard(agent.agent_id)

    async def call(self, agent_id: int) -> str:
        """The agent clicked Call: dial the customer for them (a per-call agent's phone is rung
        first, and the customer dialed when it answers). Returns the call id, "" if pending."""
        offer = self.offers.pop(agent_id, None)
        agent = self.s.agents.get(agent_id)
        if offer is None or agent is None:
            raise AgentError("There is no contact offered to you now.")
        if agent.per_call and not agent.phone_up:
            self.ringing[agent_id] = offer
            offer.call_id = self.s.new_pbx_id()
            agent.leg_id, agent.bridge_id = self.s.new_pbx_id(), self.s.new_pbx_id()
            self.s.agent_legs[agent.leg_id] = agent_id
            self.s.move_agent(agent, AgentEvent.PHONE_RINGING)
            try:
                await self.s.port.originate(OriginateRequest(agent.leg_id, LegKind.AGENT, agent.extension,
                                                             caller_id="Dialer", timeout_s=AGENT_RING_S))
            except Exception as exc:
                await self.agent_missed(agent, f"phone unreachable ({exc})")
                raise AgentError(f"Your phone could not be called: {exc}") from None
            return offer.call_id
        return await self._dial(agent, offer)

    async def agent_answered(self, agent: LiveAgent) -> None:
        """A per-call agent picked up for a preview call: now dial the customer."""
        offer = self.ringing.pop(agent.agent_id, None)
        if offer is None:
            return
        try:
            await self.s.port.create_bridge(agent.bridge_id or "")
            await self.s.port.add_to_bridge(agent.bridge_id or "", agent.leg_id or "")
            self.s.move_agent(agent, AgentEvent.PHONE_UP)
            await self._dial(agent, offer)
        except Exception as exc:
            log.warning("preview call for %s failed after the phone answered: %s", agent.username, exc)

    async def agent_missed(self, agent: LiveAgent, reason: str) -> None:
        """The agent's phone did not answer: the contact goes back, uncounted; the agent pauses."""
        offer = self.ringing.pop(agent.agent_id, None)
        now = self.s.clock()
        if agent.leg_id:
            self.s.agent_legs.pop(agent.leg_id, None)
        agent.leg_id = agent.bridge_id = None
        if offer is not None:
            await _give_back(offer.candidate, now)
        self.s.move_agent(agent, AgentEvent.PHONE_DOWN)
        self.s.move_agent(agent, AgentEvent.MISSED, reason)

    def agent_left(self, agent: LiveAgent) -> None:
        """The agent paused, left or logged out while their per-call phone rang for a preview
        call: nothing is dialed; the phone is hung up and the contact goes back, uncounted. (An
        offer not yet called goes back on the next tick, `expire`; a call already dialed is the
        call flow's to release.)"""
        if agent.agent_id not in self.ringing:
            return
        leg = agent.leg_id
        task = asyncio.create_task(self._hang_up_ringing(agent, leg))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _hang_up_ringing(self, agent: LiveAgent, leg: str | None) -> None:
        await self.agent_missed(agent, "left while the phone rang")
        if leg:
            await self.s.port.hangup(leg)

    async def _dial(self, agent: LiveAgent, offer: Offer) -> str:
        agent_id = agent.agent_id
        rt = self.s.campaigns.get(offer.campaign_id)
        if rt is None:
            await _give_back(offer.candidate, self.s.clock())
            raise AgentError("The campaign was stopped.")
        now = self.s.clock()
        (prepared,) = await start_attempts(rt.config, self.s.engine_id, [offer.candidate], now,
                                           leg_ids=[offer.call_id] if offer.call_id else None)
        call = self.calls.track(prepared, rt.campaign_id, now, reserved_agent_id=agent_id, preview=True)
        agent.call_id = call.call_id
        refusal = await self.calls.originate(call, rt.config.ring_timeout_for(call.dial_profile_id))
        if refusal is not None:
            raise AgentError(f"The call could not be placed: {refusal}")
        return call.call_id

    async def skip(self, agent_id: int) -> None:
        offer = self.offers.pop(agent_id, None)
        agent = self.s.agents.get(agent_id)
        if offer is None or agent is None:
            raise AgentError("There is no contact offered to you now.")
        now = self.s.clock()
        await _give_back(offer.candidate, now + SKIP_DELAY)
        self.s.writer.event(now, "preview_skipped", campaign_id=offer.campaign_id, agent_id=agent_id,
                            contact_id=offer.candidate.contact.id)
        self.s.move_agent(agent, AgentEvent.RELEASE)

    async def expire(self, now: datetime) -> None:
        for agent_id, offer in list(self.offers.items()):
            agent = self.s.agents.get(agent_id)
            if agent is not None and agent.state is AgentState.RESERVED and now < offer.expires_at:
                continue
            del self.offers[agent_id]
            await _give_back(offer.candidate, now)  # for the next ready agent, at once
            if agent is not None and agent.state is AgentState.RESERVED:
                self.s.publish({"type": "call.offer_expired", "agent_id": agent_id}, f"agent:{agent_id}")
                self.s.move_agent(agent, AgentEvent.MISSED, "did not answer the preview", offer.campaign_id)


async def _give_back(candidate: Candidate, due: datetime) -> None:
    await Contact.filter(id=candidate.contact.id, status=ContactStatus.LEASED).update(
        status=ContactStatus.PENDING, next_attempt_at=due, lease_owner=None, lease_expires_at=None)
