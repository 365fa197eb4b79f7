"""Preview mode: the card first, then Call or Skip; a silent agent's offer moves on."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from dialer.engine import preview
from dialer.engine.agents.flow import AgentError
from dialer.models import CallAttempt, Contact
from dialer.models.enums import AgentState, CallOutcome, ContactStatus


async def next_event(sub, kind: str, timeout: float = 10.0) -> dict:
    async def find() -> dict:
        while True:
            _, event = await sub.get()
            if event["type"] == kind:
                return event
    return await asyncio.wait_for(find(), timeout)


async def test_offer_then_call_connects_that_agent(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("preview", ["+420601000118"], agents=1)
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    offered = await next_event(sub, "call.offered")
    assert offered["card"]["name"] == "Customer 0" and offered["card"]["attempt"] == 1
    assert w.engine.s.agents[agent_id].state is AgentState.RESERVED
    assert await CallAttempt.all().count() == 0, "nothing is dialed before the agent says so"
    await w.engine.preview_call(agent_id)
    await next_event(sub, "call.connected")
    assert w.engine.s.agents[agent_id].state is AgentState.ON_CALL


async def test_skip_returns_the_contact_without_counting_an_attempt(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("preview", ["+420601000118"], agents=1)
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await next_event(sub, "call.offered")
    await w.engine.preview_skip(agent_id)
    contact = await Contact.get(phone="+420601000118")
    assert contact.status is ContactStatus.PENDING and contact.attempts == 0
    assert contact.next_attempt_at > w.engine.s.clock() + timedelta(minutes=9)
    assert w.engine.s.agents[agent_id].state is AgentState.READY


async def test_unanswered_offer_goes_to_the_next_agent(engine_world, monkeypatch) -> None:
    monkeypatch.setattr(preview, "OFFER_TIMEOUT", timedelta(seconds=0.3))
    w = engine_world
    campaign, (silent, other) = await w.campaign("preview", ["+420601000118"], agents=2)
    await w.engine.agent_login(silent, {campaign.id})
    await w.engine.agent_ready(silent)
    await w.until(lambda: w.engine.s.agents[silent].phone_up)
    await w.run(campaign)
    await w.until(lambda: w.engine.s.agents[silent].state is AgentState.RESERVED)
    sub = w.engine.hub.subscribe(f"agent:{other}")
    await w.engine.agent_login(other, {campaign.id})
    await w.engine.agent_ready(other)
    offered = await next_event(sub, "call.offered")
    assert offered["card"]["phone"] == "+420601000118"
    assert w.engine.s.agents[silent].state is AgentState.PAUSED


async def test_previewed_customer_who_is_busy_frees_the_agent(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("preview", ["+420601000010", "+420601000118"], agents=1)
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    first = await next_event(sub, "call.offered")
    assert first["card"]["phone"] == "+420601000010"
    await w.engine.preview_call(agent_id)
    ended = await next_event(sub, "call.ended")
    assert ended["outcome"] == CallOutcome.BUSY.value
    second = await next_event(sub, "call.offered")
    assert second["card"]["phone"] == "+420601000118"


async def test_automatic_private_callbacks_go_to_their_agent_only(engine_world) -> None:
    from dialer.models.enums import PrivateNumbers

    w = engine_world
    campaign, (owner, other) = await w.campaign("progressive", ["+420601000118"], agents=2,
                                                private_numbers=PrivateNumbers.AUTOMATIC)
    contact = await Contact.get(phone="+420601000118")
    contact.owner_agent_id, contact.is_callback = owner, True
    contact.next_attempt_at = w.engine.s.clock() - timedelta(minutes=1)
    await contact.save()
    await w.engine.agent_login(other, {campaign.id})
    await w.engine.agent_ready(other)
    await w.run(campaign)
    await asyncio.sleep(0.5)
    assert await CallAttempt.all().count() == 0, "another agent's callback is not dialed for them"
    await w.engine.agent_login(owner, {campaign.id})
    await w.engine.agent_ready(owner)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [owner])
    attempt = await CallAttempt.get(phone="+420601000118")
    assert attempt.contact_id == contact.id


async def test_a_refused_call_is_cancelled_and_the_agent_told(engine_world, monkeypatch) -> None:
    # The PBX refuses the originate (e.g. ARI answers 500): the customer never rang. Recorded as
    # cancelled, as the campaign launcher records its refused calls, and the agent is freed.
    w = engine_world
    campaign, (agent_id,) = await w.campaign("preview", ["+420601000118"], agents=1)
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.until(lambda: w.engine.s.agents[agent_id].phone_up)
    await w.run(campaign)
    await next_event(sub, "call.offered")

    async def refuse(request):
        raise RuntimeError("Allocation failed")

    monkeypatch.setattr(w.engine.s.port, "originate", refuse)
    with pytest.raises(AgentError, match="could not be placed: Allocation failed"):
        await w.engine.preview_call(agent_id)
    await w.engine.s.writer.flush()
    attempt = await CallAttempt.get()
    assert attempt.outcome is CallOutcome.CANCELLED and attempt.hangup_cause_text.startswith("not dialed")
    await w.until(lambda: w.engine.s.agents[agent_id].state is not AgentState.RESERVED)
