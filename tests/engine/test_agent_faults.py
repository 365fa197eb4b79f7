"""Faults on the agent side, made for real on the fake Asterisk: the agent's phone hung up by
the PBX, Asterisk stopping and coming back. (The agent's screens going away is tested through
the web socket: tests/web/test_agent_presence.py.)"""

from __future__ import annotations

import asyncio
import time

from dialer.engine.agents import Phone
from dialer.models import AgentStateChange, CallAttempt
from dialer.models.enums import AgentState
from dialer.pacing.snapshot import WrapUp

STAYERS = ["+420601000118", "+420601000218", "+420601000318", "+420601000418"]


async def _ready(w, *agent_ids: int) -> None:  # type: ignore[no-untyped-def]
    for agent_id in agent_ids:
        await w.engine.agent_ready(agent_id)
    await w.until(lambda: all(w.engine.s.agents[a].state is AgentState.READY for a in agent_ids))


def _ready_in_snapshot(w, campaign_id: int) -> int:  # type: ignore[no-untyped-def]
    rt = w.engine.s.campaigns[campaign_id]
    return rt.snapshot(w.engine.s.clock(), w.engine.s.agents.values(), w.engine.s.calls.values()).agents_ready


async def test_a_phone_hung_up_from_the_pbx_is_phone_down_not_counted_and_called_again(engine_world) -> None:
    w = engine_world
    campaign, (a1, a2) = await w.campaign("predictive", [], agents=2)
    await w.engine.agent_login(a1, {campaign.id})
    await w.engine.agent_login(a2, {campaign.id})
    await _ready(w, a1, a2)
    await w.run(campaign)
    assert _ready_in_snapshot(w, campaign.id) == 2

    agent = w.engine.s.agents[a1]
    w.fake.request_hangup(f"{agent.leg_id};2")  # CLI `channel request hangup` on the phone's side
    await w.until(lambda: agent.state is AgentState.NOT_READY)
    assert (agent.reason, agent.phone, agent.leg_id) == ("phone down", Phone.DOWN, None)
    assert _ready_in_snapshot(w, campaign.id) == 1, "the pacer counts only agents whose phone is up"
    assert w.engine.agent_state(a1)["label"] == "not ready (phone down)"
    await asyncio.sleep(0.3)
    assert agent.state is AgentState.NOT_READY, "not called again by itself: the campaign did not ask"

    await w.engine.agent_call_phone(a1)  # the panel's "Call my phone" button
    await w.until(lambda: agent.state is AgentState.READY and agent.phone is Phone.UP)
    assert _ready_in_snapshot(w, campaign.id) == 2
    await w.engine.s.writer.flush()
    states = [(r.state, r.reason) for r in await AgentStateChange.filter(agent_id=a1).order_by("id")]
    assert states[-2:] == [(AgentState.NOT_READY, "phone down"), (AgentState.READY, "")]


async def test_the_campaign_setting_calls_a_dropped_phone_again_by_itself(engine_world) -> None:
    w = engine_world
    campaign, (a1,) = await w.campaign("predictive", [], agents=1, redial_agent_phones=True)
    await w.engine.agent_login(a1, {campaign.id})
    await _ready(w, a1)
    await w.run(campaign)
    agent = w.engine.s.agents[a1]
    first_leg = agent.leg_id
    w.fake.request_hangup(f"{agent.leg_id};2")
    await w.until(lambda: agent.leg_id not in (None, first_leg) and agent.state is AgentState.READY
                  and agent.phone_up, timeout=5)
    await w.engine.s.writer.flush()
    states = [r.state for r in await AgentStateChange.filter(agent_id=a1).order_by("id")]
    assert states[-2:] == [AgentState.NOT_READY, AgentState.READY]


async def test_a_phone_that_keeps_hanging_up_is_tried_with_backoff_then_left_phone_down(engine_world) -> None:
    w = engine_world
    campaign, (a1,) = await w.campaign("predictive", [], agents=1, redial_agent_phones=True)
    # Local/hangup-after-<n>-<id>@agents answers and hangs up by itself after n s (scaled 20x here).
    await w.engine.agent_login(a1, {campaign.id}, extension="Local/hangup-after-4-agent0@agents")
    await w.run(campaign)
    await w.engine.agent_ready(a1)
    agent = w.engine.s.agents[a1]
    await w.until(lambda: agent.phone_up)
    await w.until(lambda: w.engine.s.redials.tries(a1) >= 2, timeout=10)
    assert agent.state is not AgentState.READY or agent.phone_up
    assert _ready_in_snapshot(w, campaign.id) <= 1


async def test_after_an_asterisk_stop_and_restart_the_campaign_dials_again_with_no_agent_action(
        engine_world) -> None:
    w = engine_world
    campaign, (idle, talking) = await w.campaign("progressive", STAYERS[:1], agents=2, wrap_up_s=1)
    w.client.events._backoff = type(w.client.events._backoff)(initial=0.1, maximum=0.3)
    for agent_id in (idle, talking):
        await w.engine.agent_login(agent_id, {campaign.id})
    await _ready(w, idle, talking)
    await w.run(campaign)
    await w.until(lambda: len(w.engine.agents_in(AgentState.ON_CALL)) == 1)
    await w.until(lambda: w.engine.s.agents[idle].state is AgentState.READY
                  or w.engine.s.agents[talking].state is AgentState.READY)

    # `core stop now`: every call (both phones, the customer) hung up, then the socket drops.
    await w.fake.stop_now()
    await w.until(lambda: not w.client.connected, timeout=5)
    for contact_phone in STAYERS[1:]:
        from dialer.models import Contact
        first = await Contact.filter(phone=STAYERS[0]).first()
        await Contact.create(contact_list_id=first.contact_list_id, phone=contact_phone, name="More")
    attempts_before = await CallAttempt.all().count()
    await w.fake.start(w.fake.host, w.fake.port)
    back = time.monotonic()
    await w.client.wait_connected(5)

    async def dialing() -> bool:
        await w.engine.s.writer.flush()
        return await CallAttempt.all().count() > attempts_before

    await w.until(dialing, timeout=10)
    resumed_s = time.monotonic() - back
    print(f"resume_after_pbx_restart_s={resumed_s:.2f}")
    assert resumed_s <= 5.0
    await w.until(lambda: all(a.phone_up for a in w.engine.s.agents.values()), timeout=5)


async def test_after_an_asterisk_restart_that_lost_every_channel_phones_come_back_by_themselves(
        engine_world) -> None:
    w = engine_world
    campaign, (a1, a2) = await w.campaign("predictive", [], agents=2)
    w.client.events._backoff = type(w.client.events._backoff)(initial=0.1, maximum=0.3)
    for agent_id in (a1, a2):
        await w.engine.agent_login(agent_id, {campaign.id})
    await _ready(w, a1, a2)
    await w.run(campaign)
    legs = {a.leg_id for a in w.engine.s.agents.values()}
    await w.fake.restart(downtime=0.2)  # channels and bridges gone without a single event
    back = time.monotonic()
    await w.until(lambda: all(a.state is AgentState.READY and a.phone_up and a.leg_id not in legs
                              for a in w.engine.s.agents.values()), timeout=10)
    assert time.monotonic() - back <= 5.0
    assert _ready_in_snapshot(w, campaign.id) == 2


async def test_an_agent_whose_screens_closed_is_counted_on_only_by_the_wrap_up_timer(engine_world) -> None:
    # Their phone still carries the call, but nobody can set the disposition: a wrap-up ends
    # only by its set time, and one still on a call is not expected back within the forecast.
    w = engine_world
    campaign, (a1,) = await w.campaign("predictive", STAYERS[:1], agents=1)
    await w.engine.agent_login(a1, {campaign.id})
    await _ready(w, a1)
    await w.run(campaign)
    await w.until(lambda: w.engine.s.agents[a1].state is AgentState.ON_CALL)
    rt, s = w.engine.s.campaigns[campaign.id], w.engine.s
    s.presence.opened(a1, s.clock())
    s.presence.closed(a1, s.clock())
    open_ = rt.snapshot(s.clock(), s.agents.values(), s.calls.values(), lambda _: False)
    closed = rt.snapshot(s.clock(), s.agents.values(), s.calls.values(), s.presence.screens_closed)
    assert (len(open_.agents_on_call_s), open_.agents_paused) == (1, 0)
    assert (len(closed.agents_on_call_s), closed.agents_paused) == (0, 1)
    s.agents[a1].state = AgentState.WRAP_UP  # as the call's end leaves them

    def wrap_up() -> WrapUp:
        (wrap,) = rt.snapshot(s.clock(), s.agents.values(), s.calls.values(),
                              s.presence.screens_closed).agents_in_wrap_up
        return wrap

    assert wrap_up().by_timer_only and wrap_up().expected_s == s.agents[a1].wrap_up_s
    s.presence.opened(a1, s.clock())
    assert not wrap_up().by_timer_only
