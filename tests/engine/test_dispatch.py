"""Who gets a free agent when several customers wait: those still inside the legal wait first."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from dialer.engine.agents import LiveAgent, Phone
from dialer.engine.call_flow import CallFlow
from dialer.engine.campaign_runtime import CampaignConfig, CampaignRuntime, LearnedCounters
from dialer.engine.calls import CallState, CustomerCall
from dialer.engine.records import RecordWriter
from dialer.engine.state import EngineState
from dialer.hub import MemoryHub
from dialer.models import Campaign, DialProfile
from dialer.models.enums import AgentState, CampaignMode

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


class SilentPort:
    """Every PBX request succeeds and does nothing: this test is about the choice, not the bridge."""

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        async def request(*args: object, **kwargs: object) -> None:
            return None
        return request


def waiting_call(call_id: str, answered_s_ago: float, counted: bool = False) -> CustomerCall:
    return CustomerCall(call_id=call_id, attempt_id=len(call_id) * 100 + ord(call_id[-1]), campaign_id=1, contact_id=1,
                        phone="+420601000118", phone_index=0, caller_id="+420221000100", attempt_no=1,
                        state=CallState.WAITING, answered_at=NOW - timedelta(seconds=answered_s_ago),
                        abandon_counted=counted)


async def world(*calls: CustomerCall) -> tuple[EngineState, CallFlow]:
    state = EngineState(port=SilentPort(), hub=MemoryHub(), writer=RecordWriter(), engine_id="t", clock=lambda: NOW)
    profile = await DialProfile.create(name="p", calling_windows={}, ring_timeout_s=25)
    campaign = await Campaign.create(id=1, name="c", mode=CampaignMode.PREDICTIVE, dial_profile=profile,
                                     caller_id="+420221000100")
    state.campaigns[1] = CampaignRuntime(await CampaignConfig.load(campaign), LearnedCounters())
    for call in calls:
        state.calls[call.call_id] = call
        state.waiting.append(call.call_id)
    return state, CallFlow(state)


def ready_agent(state: EngineState, agent_id: int) -> LiveAgent:
    agent = LiveAgent(agent_id=agent_id, user_id=agent_id, username=f"a{agent_id}", name="A", team_id=None,
                      extension="Local/a@agents", campaign_ids={1}, phone=Phone.UP, state=AgentState.READY,
                      since=NOW - timedelta(seconds=30), idle_since=NOW - timedelta(seconds=30))
    state.agents[agent_id] = agent
    return agent


async def test_a_customer_still_inside_the_legal_wait_goes_before_one_already_counted(sqlite_db: str) -> None:
    state, flow = await world(waiting_call("old", 9.0, counted=True), waiting_call("fresh", 0.5))
    ready_agent(state, 1)
    flow.dispatch()
    await asyncio.sleep(0)
    assert state.calls["fresh"].agent_id == 1 and state.calls["fresh"].state is CallState.BRIDGED
    assert state.waiting == ["old"], "the customer past the legal wait keeps waiting for the next agent"


async def test_one_past_the_legal_wait_counts_as_late_even_before_the_tick_marks_it(sqlite_db: str) -> None:
    # The engine marks abandons on its tick; the choice must not depend on whether it ran yet.
    state, flow = await world(waiting_call("late", 2.5), waiting_call("fresh", 1.0))
    ready_agent(state, 1)
    flow.dispatch()
    assert state.calls["fresh"].agent_id == 1
    assert state.calls["late"].agent_id is None


async def test_within_each_group_the_longest_waiting_goes_first(sqlite_db: str) -> None:
    state, flow = await world(waiting_call("old1", 8.0, counted=True), waiting_call("old2", 5.0, counted=True),
                        waiting_call("fresh1", 1.5), waiting_call("fresh2", 0.2))
    for agent_id in (1, 2, 3):
        ready_agent(state, agent_id)
    flow.dispatch()
    served = {call_id for call_id, call in state.calls.items() if call.agent_id is not None}
    assert served == {"fresh1", "fresh2", "old1"}
    assert state.waiting == ["old2"]
