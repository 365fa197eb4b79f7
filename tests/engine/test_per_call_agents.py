"""Agents reached per call (their phone rung for each call) rather than kept connected."""

from __future__ import annotations

from dialer.models import Agent, CallAttempt, CallEvent
from dialer.models.enums import AgentConnection, AgentState, CallOutcome


async def per_call(agent_id: int, extension: str) -> None:
    await Agent.filter(id=agent_id).update(connection=AgentConnection.PER_CALL, extension=extension)


async def test_the_agent_is_rung_when_the_customer_answers_and_hung_up_after(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", ["+420601000118"], agents=1)
    await per_call(agent_id, "Local/agent7@agents")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    assert w.engine.s.agents[agent_id].leg_id is None, "no phone call on going ready"
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    agent_leg = w.engine.s.agents[agent_id].leg_id
    assert agent_leg is not None
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    await w.until(lambda: agent_leg not in {c.id for c in []} and w.engine.s.agents[agent_id].leg_id is None)
    live = {c.id for c in await w.client.channels.list()}
    assert agent_leg not in live, "the agent's phone is hung up with the call"
    await w.engine.s.writer.flush()
    attempt = await CallAttempt.get(phone="+420601000118")
    assert attempt.outcome is CallOutcome.ANSWERED and attempt.bridged_at is not None
    assert await CallEvent.filter(attempt_id=attempt.id, kind="agent_ringing").exists()


async def test_an_agent_who_does_not_answer_is_paused_and_the_customer_goes_to_another(engine_world) -> None:
    from dialer.engine import call_flow

    call_flow.AGENT_RING_S = 1.0
    try:
        w = engine_world
        campaign, (silent, other) = await w.campaign("progressive", ["+420601000118"], agents=2, max_wait_s=30)
        await per_call(silent, "Local/noanswer-agent8@agents")
        await w.engine.agent_login(silent, {campaign.id})
        await w.engine.agent_ready(silent)
        await w.run(campaign)
        await w.until(lambda: w.engine.agents_in(AgentState.RINGING) == [silent])
        await w.engine.agent_login(other, {campaign.id})
        await w.engine.agent_ready(other)  # persistent: its phone is kept connected
        await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [other], timeout=20)
        assert w.engine.s.agents[silent].state is AgentState.PAUSED
    finally:
        call_flow.AGENT_RING_S = 15.0


async def test_preview_rings_a_per_call_agent_first_then_dials_the_customer(engine_world) -> None:
    import asyncio

    w = engine_world
    campaign, (agent_id,) = await w.campaign("preview", ["+420601000118"], agents=1)
    await per_call(agent_id, "Local/slow-agent7@agents")  # rings 5 s (0.25 s at x20)
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)

    async def offered() -> None:
        while (await sub.get())[1]["type"] != "call.offered":
            pass

    await asyncio.wait_for(offered(), 10)
    call_id = await w.engine.preview_call(agent_id)
    assert call_id, "the call's id comes back at once, for the panel's call controls"
    assert await CallAttempt.all().count() == 0, "the customer waits for the agent's phone"
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id], timeout=15)
    attempt = await CallAttempt.get(phone="+420601000118")
    assert attempt.channel_id == call_id, "the customer's leg has the id given to the agent"
    assert attempt.agent_id == agent_id or attempt.agent_id is None  # written in the next batch


async def test_a_per_call_agent_who_misses_the_preview_ring_loses_nothing(engine_world) -> None:
    from dialer.engine import call_flow, preview
    from dialer.models import Contact

    preview.AGENT_RING_S = call_flow.AGENT_RING_S = 1.0
    try:
        w = engine_world
        campaign, (agent_id,) = await w.campaign("preview", ["+420601000118"], agents=1)
        await per_call(agent_id, "Local/noanswer-agent9@agents")
        await w.engine.agent_login(agent_id, {campaign.id})
        await w.engine.agent_ready(agent_id)
        await w.run(campaign)
        await w.until(lambda: w.engine.agents_in(AgentState.RESERVED) == [agent_id])
        await w.engine.preview_call(agent_id)
        await w.until(lambda: w.engine.agents_in(AgentState.PAUSED) == [agent_id], timeout=15)
        contact = await Contact.get(phone="+420601000118")
        assert contact.attempts == 0 and contact.status.value == "pending"
        assert await CallAttempt.all().count() == 0
    finally:
        preview.AGENT_RING_S = call_flow.AGENT_RING_S = 15.0
