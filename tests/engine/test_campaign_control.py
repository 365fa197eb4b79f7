"""Campaign control and agent races: pause stops new calls without dropping connected ones,
an agent pausing while ready never gets a call, pause during a call applies after wrap-up."""

from __future__ import annotations

import asyncio

from dialer.models import CallAttempt, Disposition
from dialer.models.enums import AgentState, CampaignStatus

STAYERS = ["+420601000118", "+420601000218", "+420601000318"]


async def test_pause_stops_new_calls_and_keeps_the_connected_one(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", STAYERS, agents=1)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    campaign.status = CampaignStatus.PAUSED
    await campaign.save()
    await w.engine.sync_campaigns()
    assert "The campaign is paused; start or resume it." in (await _not_dialing(w, campaign.id))
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    done = await Disposition.get(code="done")
    call_id = w.engine.s.agents[agent_id].call_id
    await w.engine.save_disposition(agent_id, call_id, done.id)
    await asyncio.sleep(0.5)
    assert await CallAttempt.all().count() == 1, "no new call while paused"
    campaign.status = CampaignStatus.RUNNING
    await campaign.save()
    async def second_call() -> bool:
        return await CallAttempt.all().count() == 2

    await w.until(second_call)


async def test_a_call_for_an_agent_who_paused_waits_for_another(engine_world) -> None:
    w = engine_world
    campaign, (first, second) = await w.campaign("progressive", STAYERS[:1], agents=2)
    await w.engine.agent_login(first, {campaign.id})
    await w.engine.agent_login(second, {campaign.id})
    await w.engine.agent_ready(first)
    await w.until(lambda: w.engine.s.agents[first].phone_up)
    await w.run(campaign)
    await w.until(lambda: any(c.state.value == "ringing" for c in w.engine.s.calls.values()))
    await w.engine.agent_pause(first, "Lunch")  # the call was dialed for them
    await w.engine.agent_ready(second)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [second])
    assert w.engine.s.agents[first].state is AgentState.PAUSED


async def test_pause_during_a_call_applies_after_wrap_up(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", STAYERS[:1], agents=1)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    await w.engine.agent_pause(agent_id, "Coaching")
    assert w.engine.s.agents[agent_id].state is AgentState.ON_CALL
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    done = await Disposition.get(code="done")
    await w.engine.save_disposition(agent_id, w.engine.s.agents[agent_id].call_id, done.id)
    agent = w.engine.s.agents[agent_id]
    assert agent.state is AgentState.PAUSED and agent.reason == "Coaching"


async def _not_dialing(w, campaign_id: int) -> list[str]:
    await w.engine.tick()
    return [r.message for r in w.engine.not_dialing_reasons(campaign_id)]
