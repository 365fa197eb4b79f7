"""Manual dialing: an agent dials a number themselves (a private contact kept for them, or
click-to-dial from a web page), logged as a `CallAttempt` with direction `manual`.

It reuses the preview path: the agent is reserved for the call, the customer is dialed and,
on answer, joins the agent's own bridge; connected, ended, wrap-up and the disposition then
go exactly as for a dialed call. What is manual-only lives here: the attempt row, the card,
and putting a paused agent back on pause when the number did not answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from dialer.compliance.skips import dnc_skip
from dialer.engine.agents import AgentEvent, AgentStateError, LiveAgent
from dialer.engine.agents.flow import AgentError, AgentFlow
from dialer.engine.calls import CustomerCall
from dialer.engine.card import build_card
from dialer.engine.state import EngineState
from dialer.models import CallAttempt, Campaign, Contact
from dialer.models.enums import AgentState, CallDirection
from dialer.scheduling.leasing import dnc_bars

log = logging.getLogger(__name__)

PHONE_WAIT_S = 30.0  # how long we wait for the agent's own phone to answer before dialing
_DIALABLE = re.compile(r"^\+?[0-9]{3,20}$")


def clean_number(raw: str) -> str:
    """Digits with an optional leading +, from what a person typed or a page showed."""
    number = re.sub(r"[\s().\-/]", "", raw or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    if not _DIALABLE.match(number):
        raise AgentError("That is not a phone number the dialer can call.")
    return number


class ManualDialer:
    def __init__(self, state: EngineState, agents: AgentFlow) -> None:
        self.s = state
        self.agents = agents
        self._watchers: set[asyncio.Task[None]] = set()

    async def dial(self, agent_id: int, number: str, contact_id: int | None = None) -> str:
        """Dial `number` (or the agent's private contact) for the agent; returns the call id."""
        agent = self.s.agents.get(agent_id)
        if agent is None:
            raise AgentError("You are not logged in to the dialer.")
        if agent.state not in (AgentState.PAUSED, AgentState.READY) or agent.call_id is not None:
            raise AgentError("Finish your current call (and its form) before dialing.")
        contact = await self._private_contact(agent_id, contact_id) if contact_id else None
        phone = clean_number(contact.phone if contact else number)
        campaign_id = await self._campaign_of(contact) if contact else None
        bars = await dnc_bars([phone], campaign_id, self.s.clock())
        if phone in bars:
            # A DNC hit like the campaign's (compliance/skips.py), counted for the contact's campaign.
            self.s.writer.event(self.s.clock(), dnc_skip(bars[phone].everywhere).value, campaign_id=campaign_id,
                                agent_id=agent_id, contact_id=contact.id if contact else None, phone=phone,
                                manual=True)
            raise AgentError("That number is on the do-not-call list.")
        was_paused = agent.reason if agent.state is AgentState.PAUSED else None
        if not agent.phone_up:
            await self._bring_phone_up(agent)
        if agent.call_id is not None or agent.state not in (AgentState.PAUSED, AgentState.READY):
            raise AgentError("A call reached you meanwhile; dial again after it.")
        now = self.s.clock()
        leg_id = self.s.new_pbx_id()
        attempt = await CallAttempt.create(
            campaign_id=campaign_id, contact_id=contact.id if contact else None, agent_id=agent_id, phone=phone,
            caller_id="", direction=CallDirection.MANUAL, originated_at=now, engine_id=self.s.engine_id,
            channel_id=leg_id)
        card = await self._card(contact, campaign_id, phone)
        call = CustomerCall(call_id=leg_id, attempt_id=attempt.id, campaign_id=campaign_id or 0,
                            contact_id=contact.id if contact else 0, phone=phone, phone_index=0, caller_id="",
                            attempt_no=card["attempt"], contact=card, originated_at=now,
                            reserved_agent_id=agent_id)
        # Both moves in one go (no await between): the dispatcher never sees this agent ready.
        self.agents.seen(agent)
        try:
            if agent.state is AgentState.PAUSED:
                self.s.move_agent(agent, AgentEvent.READY, "manual call")
            self.s.move_agent(agent, AgentEvent.RESERVE, "manual call", campaign_id)
        except AgentStateError:
            self.s.writer.drop_attempt(attempt.id)
            raise AgentError("Your phone is not connected; call it again and dial after.") from None
        agent.call_id = leg_id
        if was_paused is not None:
            agent.pause_requested = was_paused or "pause"  # back on pause after the call's form
        self.s.calls[leg_id] = call
        self.s.writer.event(now, "originate", attempt_id=attempt.id, campaign_id=campaign_id, agent_id=agent_id,
                            channel_id=leg_id, phone=phone, manual=True)
        self._watch(agent, leg_id, was_paused)
        refusal = await self.agents.calls.originate(call, ring_timeout_s=30)
        if refusal is not None:
            raise AgentError(f"The call could not be placed: {refusal}")
        return leg_id

    async def _private_contact(self, agent_id: int, contact_id: int) -> Contact:
        contact = await Contact.get_or_none(id=contact_id, owner_agent_id=agent_id)
        if contact is None:
            raise AgentError("That contact is not one of your private numbers.")
        return contact

    @staticmethod
    async def _campaign_of(contact: Contact) -> int | None:
        campaign = await Campaign.filter(contact_lists__id=contact.contact_list_id).order_by("-id").first()
        return campaign.id if campaign else None

    @staticmethod
    async def _card(contact: Contact | None, campaign_id: int | None, phone: str) -> dict[str, Any]:
        campaign = await Campaign.get_or_none(id=campaign_id) if campaign_id else None
        card = build_card(
            contact_id=contact.id if contact else 0, name=contact.name if contact else "",
            external_id=(contact.external_id or "") if contact else "", phone=phone,
            custom_fields=(contact.custom_fields or {}) if contact else {}, campaign_id=campaign_id or 0,
            campaign_name=campaign.name if campaign else "Manual call",
            attempt_no=(contact.attempts + 1) if contact else 1,
            card_fields=tuple(campaign.card_fields or ()) if campaign else (),
            deep_link_template=campaign.deep_link_template if campaign else "",
            desktop_program=campaign.desktop_program if campaign else "")
        card["manual"] = True
        return card

    async def _bring_phone_up(self, agent: LiveAgent) -> None:
        """Ring the agent's own phone first (persistent mode) and wait until it is connected."""
        sub = self.s.hub.subscribe(f"agent:{agent.agent_id}")
        try:
            if agent.leg_id is None:
                await self.agents._call_phone(agent)

            async def up() -> None:
                while not agent.phone_up:
                    topic, event = await sub.get()
                    if event.get("type") == "agent.state" and event.get("state") == "logged_out":
                        raise AgentError("You were logged out.")
            await asyncio.wait_for(up(), PHONE_WAIT_S)
        except (asyncio.TimeoutError, StopAsyncIteration):
            raise AgentError("Your phone did not answer; pick it up and dial again.") from None
        finally:
            sub.close()

    def _watch(self, agent: LiveAgent, leg_id: str, was_paused: str | None) -> None:
        """An unanswered manual call puts the agent back where they were (paused), at once."""
        if was_paused is None:
            return
        sub = self.s.hub.subscribe(f"agent:{agent.agent_id}")

        async def watch() -> None:
            try:
                async for _, event in sub:
                    if event.get("type") == "call.connected" and event.get("call_id") == leg_id:
                        return  # wrap-up ends on pause through pause_requested
                    if event.get("type") == "call.ended" and event.get("call_id") == leg_id:
                        live = self.s.agents.get(agent.agent_id)
                        if live is not None and live.state is AgentState.READY and live.call_id is None:
                            live.pause_requested = None
                            await self.agents.pause(agent.agent_id, was_paused or "pause")
                        return
            finally:
                sub.close()

        task = asyncio.create_task(watch(), name=f"manual-{leg_id[:8]}")
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)
