"""Answering-machine detection and call recording, through the engine on the fake Asterisk."""

from __future__ import annotations

from dialer.engine.pbx_ids import engine_tag
from dialer.engine.recording import stored_name
from dialer.models import CallAttempt
from dialer.models.enums import AgentState, CallOutcome


async def test_machines_are_hung_up_and_people_are_connected(engine_world) -> None:
    w = engine_world
    # ...14: a machine answering after 1 s; ...18: a person answering after 1 s.
    campaign, (agent_id,) = await w.campaign("progressive", ["+420601000114", "+420601000218"], agents=1,
                                             amd_enabled=True)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id], timeout=20)
    await w.until(lambda: CallAttempt.filter(outcome=CallOutcome.MACHINE).exists(), timeout=20)
    await w.engine.s.writer.flush()
    machine = await CallAttempt.get(phone="+420601000114")
    person = await CallAttempt.get(phone="+420601000218")
    assert machine.amd_status == "MACHINE" and machine.bridged_at is None and machine.agent_id is None
    assert person.amd_status == "HUMAN" and person.bridged_at is not None


async def test_recorded_campaigns_link_the_recording_to_the_attempt(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", ["+420601000118"], agents=1, record_calls=True)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    await w.until(lambda: bool(next(iter(w.engine.s.calls.values())).recording_name))
    call = next(iter(w.engine.s.calls.values()))
    live = [b for b in await w.client.bridges.list() if call.call_id in b.channels]
    assert live, "the customer is in the agent's bridge"
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    await w.engine.s.writer.flush()
    attempt = await CallAttempt.get(phone="+420601000118")
    # `<engine tag><attempt id>-<random>.wav` (engine/recording.py): the engine's, the attempt's, with its format.
    assert attempt.recording_name == stored_name(call.recording_name)
    assert attempt.recording_name.startswith(f"{engine_tag(w.engine.engine_id)}{attempt.id}-")
    assert attempt.recording_name.endswith(".wav")
