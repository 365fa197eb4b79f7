"""A progressive campaign end to end: the engine against the fake Asterisk over real ARI."""

from __future__ import annotations

import asyncio

from dialer.models import AgentStateChange, CallAttempt, CallEvent, Contact, Disposition, Team
from dialer.models.enums import AgentState, CallOutcome, ContactStatus


async def test_progressive_campaign_dials_connects_and_records(engine_world) -> None:
    w = engine_world
    people = ["+420601000015", "+420601000025", "+420601000035", "+420601000045"]
    campaign, agent_ids = await w.campaign("progressive", people + ["+420601000010", "+420601000017"])
    done = await Disposition.get(code="done")
    for agent_id in agent_ids:
        await w.engine.agent_login(agent_id, {campaign.id})
        await w.engine.agent_ready(agent_id)
    await w.run(campaign)

    most_in_flight = 0

    async def settle() -> bool:
        nonlocal most_in_flight
        live = [c for c in w.engine.s.calls.values() if c.live and c.state.value in ("dialing", "ringing", "waiting")]
        most_in_flight = max(most_in_flight, len(live))
        for agent_id in w.engine.agents_in(AgentState.WRAP_UP):
            agent = w.engine.s.agents[agent_id]
            await w.engine.save_disposition(agent_id, agent.call_id, done.id, notes="sold")
        untried = await Contact.filter(attempts=0).count()
        leased = await Contact.filter(status=ContactStatus.LEASED).count()
        return untried == 0 and leased == 0 and not w.engine.s.calls

    await w.until(settle, timeout=30)
    await w.engine.s.writer.flush()

    assert most_in_flight <= 2, "progressive dials at most one call per ready agent"
    by_phone = {a.phone: a for a in await CallAttempt.all()}
    busy, unallocated = by_phone["+420601000010"], by_phone["+420601000017"]
    assert (busy.outcome, busy.hangup_cause) == (CallOutcome.BUSY, 17)
    assert (unallocated.outcome, unallocated.hangup_cause) == (CallOutcome.FAILED, 1)
    assert (await Contact.get(phone="+420601000017")).status is ContactStatus.FAILED
    busy_contact = await Contact.get(phone="+420601000010")
    assert busy_contact.status is ContactStatus.PENDING and busy_contact.attempts == 1
    for phone in people:
        a = by_phone[phone]
        assert a.outcome is CallOutcome.ANSWERED and a.agent_id in agent_ids
        assert a.bridged_at >= a.answered_at and a.talk_s > 0 and a.disposition_id == done.id
        assert a.wait_s < 0.5 and a.notes == "sold"
        assert (await Contact.get(phone=phone)).status is ContactStatus.DONE
    kinds = {e.kind for e in await CallEvent.filter(attempt_id=by_phone[people[0]].id)}
    assert {"originate", "ringing", "answered", "bridged", "ended", "disposition"} <= kinds
    states = {s.state for s in await AgentStateChange.filter(agent_id=agent_ids[0])}
    assert {AgentState.READY, AgentState.ON_CALL, AgentState.WRAP_UP} <= states


async def test_agents_get_the_card_pushed_on_connect(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", ["+420601000018"], agents=1)
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)

    async def connected() -> dict:
        while True:
            _, event = await sub.get()
            if event["type"] == "call.connected":
                return event

    import asyncio
    event = await asyncio.wait_for(connected(), 10)
    card = event["card"]
    assert card["name"] == "Customer 0" and card["external_id"] == "X0" and card["attempt"] == 1
    assert card["deep_link"] == "https://crm.example/X0" and card["fields"] == {"plan": "Plus"}
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])


async def test_call_events_reach_the_customers_is_as_webhook_deliveries(engine_world) -> None:
    import json

    from dialer.models import WebhookDelivery, WebhookEndpoint

    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", ["+420601000118"], agents=1)
    await WebhookEndpoint.create(name="crm", url="http://127.0.0.1:9/hook", campaign=campaign,
                                 events=["call.started", "call.connected", "call.ended", "disposition.saved"])
    done = await Disposition.get(code="done")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    await w.engine.save_disposition(agent_id, w.engine.s.agents[agent_id].call_id, done.id, notes="ok")
    await w.engine.s.notifier.drain()
    deliveries = await WebhookDelivery.all().order_by("id")
    assert [d.event for d in deliveries] == ["call.started", "call.connected", "call.ended", "disposition.saved"]
    ended = json.loads(deliveries[2].body)
    assert "answered" in deliveries[2].body and ended


async def test_campaign_stats_carry_the_contacts_count_once_counted_and_reach_the_team(engine_world) -> None:
    w = engine_world
    team = await Team.create(name="Sales")
    campaign, _ = await w.campaign("progressive", ["+420601000118", "+420601000119", "+420601000120"],
                                   agents=0, team=team)
    # The team's topic: a team supervisor's wallboard sees campaigns started after it connected.
    sub = w.engine.hub.subscribe(f"team:{team.id}")
    await w.run(campaign)
    await w.engine.tick()
    _, event = await asyncio.wait_for(sub.get(), 5)
    assert event["type"] == "campaign.stats" and event["campaign_id"] == campaign.id
    # Viewers merge each event into what they hold: before a count, no key (a null would erase theirs).
    assert "contacts_remaining" not in event
    await Contact.filter(phone="+420601000120").update(status=ContactStatus.DONE)
    await Contact.filter(phone="+420601000119").update(status=ContactStatus.LEASED)  # in flight: still left
    await w.engine.count_contacts()
    await w.engine.tick()
    # The engine's own loop ticks too: events from before the count may still be queued.
    while "contacts_remaining" not in event:
        _, event = await asyncio.wait_for(sub.get(), 5)
    assert event["contacts_remaining"] == 2
