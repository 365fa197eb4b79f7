"""A callback kept for the agent ("keep for me") on a campaign whose private numbers are off was
assigned to the agent and then never dialed (issue 21; the demo shipped that combination). It
is now a shared callback, and the call's record says why; on a campaign that keeps them, it
stays the agent's."""

from __future__ import annotations

from datetime import timedelta

from dialer.models import CallEvent, Contact, Disposition
from dialer.models.enums import AgentState, PrivateNumbers


async def _keep_for_me(w, private_numbers: PrivateNumbers) -> tuple[Contact, int]:
    campaign, (agent_id,) = await w.campaign("progressive", ["+420601000118"], agents=1,
                                             private_numbers=private_numbers)
    mine = await Disposition.create(code="mine", name="Call me back (me)", is_callback=True, is_private=True)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    call_id = w.engine.s.agents[agent_id].call_id
    await w.engine.save_disposition(agent_id, call_id, mine.id, "", w.engine.s.clock() + timedelta(hours=2))
    await w.engine.s.writer.flush()
    return await Contact.get(phone="+420601000118"), agent_id


async def test_off_makes_the_callback_shared_and_says_so(engine_world) -> None:
    contact, _ = await _keep_for_me(engine_world, PrivateNumbers.OFF)
    assert contact.owner_agent_id is None and contact.is_callback and contact.next_attempt_at is not None
    event = await CallEvent.get(kind="callback_shared")
    assert "private numbers off" in event.payload["reason"]


async def test_a_campaign_that_keeps_them_keeps_it_for_the_agent(engine_world) -> None:
    contact, agent_id = await _keep_for_me(engine_world, PrivateNumbers.MANUAL)
    assert contact.owner_agent_id == agent_id
    assert not await CallEvent.filter(kind="callback_shared").exists()
