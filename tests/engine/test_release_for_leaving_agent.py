"""An agent who pauses, leaves or logs out while a call placed for them still rings: the call
is hung up at the PBX before anyone answers it into an abandon, recorded as released for an
agent who left, and the contact comes back with the attempts it had. Engine against the fake
Asterisk over real ARI.

`+420601000098` rings 9 simulated seconds (0.45 s at the world's time scale of 20), then a
person answers and stays: without the release they would be answered with no agent there.
"""

from __future__ import annotations

import asyncio

import pytest

from dialer.engine.calls import CallState, CustomerCall
from dialer.models import Agent, CallAttempt, CallEvent, Contact
from dialer.models.enums import AgentConnection, AgentState, CallOutcome, ContactStatus, SystemDisposition

PERSON_AFTER_9_S = "+420601000098"


async def placed_call(w, timeout: float = 10.0) -> CustomerCall:
    """The first customer call the engine has sent to the PBX."""
    async def placed() -> CustomerCall:
        while True:
            for call in w.engine.s.calls.values():
                if w.fake.pbx.find_channel(call.call_id) is not None:
                    return call
            await asyncio.sleep(0.005)
    return await asyncio.wait_for(placed(), timeout)


async def leave(w, agent_id: int, how: str) -> None:
    if how == "pause":
        await w.engine.agent_pause(agent_id, "Lunch")
    else:
        await w.engine.agent_logout(agent_id)


async def assert_released_without_penalty(w, call: CustomerCall, campaign_id: int) -> None:
    await w.until(lambda: call.call_id not in w.engine.s.calls, timeout=10)
    await w.engine.s.writer.flush()
    assert w.fake.pbx.find_channel(call.call_id) is None, "hung up at the PBX"
    attempt = await CallAttempt.get(id=call.attempt_id)
    assert attempt.answered_at is None, "nobody was answered into an abandon"
    assert attempt.outcome is CallOutcome.CANCELLED
    assert attempt.system_disposition is SystemDisposition.AGENT_LEFT
    assert attempt.ended_at is not None, "the attempt is kept: it was dialed"
    contact = await Contact.get(id=call.contact_id)
    assert contact.status is ContactStatus.PENDING and contact.attempts == 0, "no attempt spent on the contact"
    assert contact.lease_owner is None
    counters = w.engine.s.campaigns[campaign_id].counters
    assert counters.abandons_total == 0 and counters.live_total == 0
    assert await CallEvent.filter(attempt_id=call.attempt_id, kind="released").count() == 1
    assert await CallEvent.filter(attempt_id=call.attempt_id, kind="abandoned").count() == 0


@pytest.mark.parametrize("how", ["pause", "logout"])
async def test_progressive_call_of_an_agent_who_leaves_is_released(engine_world, how: str) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", [PERSON_AFTER_9_S], agents=1)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.until(lambda: w.engine.s.agents[agent_id].phone_up)
    await w.run(campaign)
    call = await placed_call(w)
    await leave(w, agent_id, how)
    assert call.system_disposition is SystemDisposition.AGENT_LEFT, "released at once, not on the next tick"
    await assert_released_without_penalty(w, call, campaign.id)
    # The same contact is due again and not dialed while nobody is ready.
    await asyncio.sleep(0.3)
    assert not w.engine.s.calls


@pytest.mark.parametrize("how", ["pause", "logout"])
async def test_preview_call_of_an_agent_who_leaves_is_released(engine_world, how: str) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("preview", [PERSON_AFTER_9_S], agents=1)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.until(lambda: w.engine.s.agents[agent_id].phone_up)
    await w.run(campaign)
    await w.until(lambda: w.engine.s.agents[agent_id].state is AgentState.RESERVED)
    call_id = await w.engine.preview_call(agent_id)
    call = w.engine.s.calls[call_id]
    await leave(w, agent_id, how)
    assert call.system_disposition is SystemDisposition.AGENT_LEFT
    await assert_released_without_penalty(w, call, campaign.id)
    if how == "pause":
        agent = w.engine.s.agents[agent_id]
        assert agent.state is AgentState.PAUSED and agent.call_id is None


async def test_progressive_releases_only_the_calls_beyond_the_agents_still_ready(engine_world) -> None:
    w = engine_world
    campaign, (first, second) = await w.campaign("progressive", [PERSON_AFTER_9_S, "+420601000092"], agents=2)
    for agent_id in (first, second):
        await w.engine.agent_login(agent_id, {campaign.id})
        await w.engine.agent_ready(agent_id)
        await w.until(lambda: w.engine.s.agents[agent_id].phone_up)
    await w.run(campaign)
    await w.until(lambda: sum(w.fake.pbx.find_channel(c) is not None for c in w.engine.s.calls) == 2)
    calls = sorted(w.engine.s.calls.values(), key=lambda c: c.originated_at)
    await w.engine.agent_pause(second)
    released = [c for c in calls if c.state is CallState.RELEASING]
    assert released == [calls[-1]], "one call for the one agent still ready; the one that rang least goes"


async def test_predictive_call_that_rang_less_than_fifteen_seconds_stays(engine_world) -> None:
    # Predictive mode: the pacer decides again at once, but the law's 15 s of ringing hold.
    w = engine_world
    campaign, (agent_id,) = await w.campaign("predictive", ["+420601000092"], agents=1, release_ringing=True)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.until(lambda: w.engine.s.agents[agent_id].phone_up)
    await w.run(campaign)
    call = await placed_call(w)
    await w.engine.agent_pause(agent_id)
    assert call.state in (CallState.DIALING, CallState.RINGING)
    assert call.system_disposition is None


async def test_a_per_call_agent_who_leaves_while_rung_for_a_customer_lets_the_next_agent_take_them(
        engine_world) -> None:
    # The customer has answered: nobody hangs up on them. The leaving agent's ringing phone is
    # hung up, and the customer goes back to wait for the next agent.
    w = engine_world
    campaign, (leaving, other) = await w.campaign("progressive", ["+420601000118"], agents=2, max_wait_s=30)
    await Agent.filter(id=leaving).update(connection=AgentConnection.PER_CALL, extension="Local/noanswer-agent8@agents")
    await w.engine.agent_login(leaving, {campaign.id})
    await w.engine.agent_ready(leaving)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.RINGING) == [leaving])
    agent_leg = w.engine.s.agents[leaving].leg_id
    (call,) = w.engine.s.calls.values()
    await w.engine.agent_pause(leaving, "Lunch")
    assert call.state is CallState.WAITING and call.agent_id is None
    assert w.engine.s.agents[leaving].call_id is None
    await w.until(lambda: w.fake.pbx.find_channel(agent_leg) is None)
    await w.engine.agent_login(other, {campaign.id})
    await w.engine.agent_ready(other)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [other])
    assert call.state is CallState.BRIDGED and call.system_disposition is None
    assert w.engine.s.agents[leaving].state is AgentState.PAUSED
