"""The engine loses Asterisk, or dies, in the middle of a campaign: nothing is dialed twice,
nothing is lost, and in-flight calls are reconciled."""

from __future__ import annotations

import asyncio

from crash import kill_9, restarted
from dialer.models import CallAttempt, Contact
from dialer.models.enums import AgentState, ContactStatus
from dialer.not_dialing import NotDialing
STAYERS = ["+420601000118", "+420601000218", "+420601000318"]


async def test_no_calls_while_the_socket_is_down_and_dialing_resumes(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", STAYERS, agents=1)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.until(lambda: w.engine.s.agents[agent_id].phone_up)
    # Long enough for the test to see the gap on a loaded machine, short enough to wait for.
    w.client.events._backoff = type(w.client.events._backoff)(initial=2.0, maximum=2.0)
    await w.fake.drop_websockets()
    await w.until(lambda: not w.client.connected, timeout=5)
    await w.run(campaign)
    await w.engine.tick()
    assert NotDialing.ASTERISK_DISCONNECTED in [r.code for r in w.engine.not_dialing_reasons(campaign.id)]
    assert await CallAttempt.all().count() == 0
    await w.until(lambda: w.client.connected, timeout=10)
    await w.until(lambda: CallAttempt.all().count(), timeout=10)


async def test_crash_and_restart_reconciles_and_dials_nothing_twice(engine_world, sqlite_db) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", STAYERS, agents=1)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    bridged = next(c for c in w.engine.s.calls.values() if c.state.value == "bridged")
    await w.engine.s.writer.flush()

    await kill_9(w.engine, w.client)
    engine, client = await restarted(w.fake.base_url)
    try:
        attempt = await CallAttempt.get(channel_id=bridged.call_id)
        for _ in range(200):
            await engine.s.writer.flush()
            attempt = await CallAttempt.get(channel_id=bridged.call_id)
            if attempt.ended_at is not None:
                break
            await asyncio.sleep(0.02)
        assert attempt.ended_at is not None and attempt.hangup_cause_text == "dialer restarted during the call"
        contact = await Contact.get(id=attempt.contact_id)
        assert contact.status is ContactStatus.PENDING and contact.next_attempt_at > attempt.ended_at
        live = {c.id for c in await client.channels.list()}
        assert bridged.call_id not in live, "the orphaned customer leg was hung up"
        await asyncio.sleep(0.5)  # the new engine has no agents: it must not dial anybody
        per_contact = {}
        for a in await CallAttempt.all():
            per_contact[a.contact_id] = per_contact.get(a.contact_id, 0) + 1
        assert max(per_contact.values()) == 1, "no contact was dialed twice"
        await engine.stop()
    finally:
        await client.close()


async def test_asterisk_restart_mid_call_closes_the_record_and_agents_come_back(engine_world) -> None:
    from dialer.models.enums import CallOutcome

    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", STAYERS, agents=1)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    in_call = w.engine.s.agents[agent_id].call_id
    w.client.events._backoff = type(w.client.events._backoff)(initial=0.2, maximum=0.5)
    await w.fake.restart()  # every channel and bridge gone, without events
    await w.until(lambda: w.engine.s.agents[agent_id].state in (AgentState.PAUSED, AgentState.WRAP_UP),
                  timeout=15)
    await w.engine.s.writer.flush()
    attempt = await CallAttempt.get(channel_id=in_call)
    assert attempt.ended_at is not None and attempt.outcome is CallOutcome.ANSWERED
    assert "unreachable" in attempt.hangup_cause_text
    # Its talk time says when Asterisk went, not how long people talk: the pacer keeps none of
    # it (a restart that cut 30 calls made it expect agents free too soon). The answer counts.
    counters = w.engine.s.campaigns[campaign.id].counters
    assert list(counters.talk) == [] and list(counters.recent) == [True]
    agent = w.engine.s.agents[agent_id]
    # The phone leg died with Asterisk: the engine calls it again by itself (no agent action).
    await w.until(lambda: agent.phone_up, timeout=10)
    if agent.state is AgentState.WRAP_UP:
        await w.engine.agents.finish_wrap_up(agent_id)
    assert agent.state is AgentState.READY


async def test_inbound_calls_are_handed_back_to_the_dialplan_not_left_ringing(engine_world) -> None:
    import uuid

    from dialer.models import CallEvent

    w = engine_world
    caller = uuid.uuid4().hex
    # The test world: Local/<did>@to-dialer enters Stasis(dialer,inbound,<did>); the caller talks 5 s.
    await w.client.channels.originate("Local/700@to-dialer", context="caller", extension="5", priority=1,
                                      channel_id=caller)

    async def handled() -> bool:
        await w.engine.s.writer.flush()
        return await CallEvent.filter(kind="inbound").exists()

    await w.until(handled, timeout=10)
    event = await CallEvent.get(kind="inbound")
    assert event.payload["did"] == "700"

    async def left_the_app() -> bool:
        return not any(c.id == event.channel_id and c.dialplan.app_name == "Stasis"
                       for c in await w.client.channels.list())

    await w.until(left_the_app, timeout=10)


async def test_a_customer_who_answered_while_the_dialer_restarted_is_recorded_abandoned(engine_world) -> None:
    # The earlier run left the call ringing; Asterisk holds it answered when the new run connects.
    # Nobody can take that person: the law counts an abandon, and so must the record and the
    # contact's schedule (72 h), not a "failed" ring.
    from dialer.models.enums import CallOutcome, SystemDisposition
    from dialer.sim.channels import set_state

    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", ["+420601000102"], agents=1)  # rings on
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: any(c.state.value == "ringing" for c in w.engine.s.calls.values()))
    ringing = next(iter(w.engine.s.calls.values()))
    await w.engine.s.writer.flush()
    await kill_9(w.engine, w.client)
    set_state(w.fake.pbx.channels[ringing.call_id.lower()], "Up")  # picked up meanwhile

    engine, client = await restarted(w.fake.base_url)
    try:
        for _ in range(200):
            await engine.s.writer.flush()
            attempt = await CallAttempt.get(channel_id=ringing.call_id)
            if attempt.outcome is CallOutcome.ABANDONED:
                break
            await asyncio.sleep(0.02)
        assert attempt.outcome is CallOutcome.ABANDONED and attempt.answered_at is not None
        assert attempt.system_disposition is SystemDisposition.DIALER_RESTARTED
        assert engine.previous_run.settled.answered_unseen == 1
        contact = await Contact.get(id=attempt.contact_id)
        assert contact.last_outcome == "abandoned"
        due = contact.next_attempt_at
        assert due is None or (due - attempt.answered_at).total_seconds() >= 72 * 3600
        await engine.stop()
    finally:
        await client.close()
