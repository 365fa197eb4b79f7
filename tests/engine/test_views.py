"""The read-only views the web layer gets from the engine: an agent, their call, a preview offer,
a campaign's figures. Copies, so nothing the web does to them reaches the engine."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from dialer.engine.calls import CallState, CustomerCall
from dialer.engine.campaign_runtime import CampaignConfig, CampaignRuntime, LearnedCounters
from dialer.engine.views import campaign_view
from dialer.models import Campaign
from dialer.models.enums import AgentState, CampaignMode, CampaignStatus
from dialer.not_dialing import NotDialing, NotDialingReason

STAYER = "+420601000118"  # answers after 1 s and stays on the line


async def _offered(sub) -> dict:
    while True:
        _, event = await sub.get()
        if event["type"] == "call.offered":
            return event


async def test_an_agent_on_a_call_sees_it_through_views_that_are_copies(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", [STAYER], agents=1)
    assert w.engine.agent_view(agent_id) is None and w.engine.agent_call(agent_id) is None
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])

    me = w.engine.agent_view(agent_id)
    call = w.engine.agent_call(agent_id)
    assert me is not None and me.state is AgentState.ON_CALL and me.campaign_ids == {campaign.id}
    assert call is not None and call.call_id == me.call_id and call.state is CallState.BRIDGED
    assert call.campaign_id == campaign.id and call.card["name"] == "Customer 0"
    with pytest.raises(dataclasses.FrozenInstanceError):
        call.state = CallState.ENDED  # type: ignore[misc]
    call.card["name"] = "changed by a page"  # type: ignore[index]
    assert w.engine.agent_call(agent_id).card["name"] == "Customer 0", "the engine's card is untouched"
    figures = w.engine.campaign_view(campaign.id)
    assert figures is not None and figures.customers_waiting == 0 and not figures.paused

    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    wrapping = w.engine.agent_call(agent_id)
    assert wrapping is not None and wrapping.call_id == call.call_id and wrapping.state is CallState.ENDED
    assert wrapping.wrap_up_until is not None, "the panel's countdown needs the end of wrap-up"


async def test_a_preview_offer_is_the_card_the_agent_was_sent(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("preview", [STAYER], agents=1)
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    event = await asyncio.wait_for(_offered(sub), 10)
    offer = w.engine.preview_offer(agent_id)
    assert offer is not None and offer.campaign_id == campaign.id
    assert dict(offer.card) == event["card"] and offer.expires_at.isoformat() == event["expires_at"]
    await w.engine.preview_skip(agent_id)
    assert w.engine.preview_offer(agent_id) is None


async def test_a_paused_campaign_says_so_in_the_one_vocabulary(engine_world) -> None:
    w = engine_world
    campaign, _ = await w.campaign("progressive", [STAYER], agents=1)
    await w.run(campaign)
    campaign.status = CampaignStatus.PAUSED
    await campaign.save()
    await w.engine.sync_campaigns()
    await w.engine.tick()
    view = w.engine.campaign_view(campaign.id)
    assert view is not None and view.paused
    assert [r.code for r in view.not_dialing] == [NotDialing.NOT_RUNNING] == \
        [r.code for r in w.engine.not_dialing_reasons(campaign.id)]
    assert w.engine.campaign_view(campaign.id + 1000) is None and w.engine.not_dialing_reasons(campaign.id + 1000) == ()


async def test_customers_waiting_are_counted_per_campaign_and_the_pacers_account_left_out(sqlite_db) -> None:
    ours = await Campaign.create(name="ours", mode=CampaignMode.PREDICTIVE, caller_id="+420221000100")
    rt = CampaignRuntime(await CampaignConfig.load(ours), LearnedCounters())
    now = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)

    def call(call_id: str, campaign_id: int) -> CustomerCall:
        return CustomerCall(call_id=call_id, attempt_id=1, campaign_id=campaign_id, contact_id=1, phone="+1",
                            phone_index=0, caller_id="+2", attempt_no=1, state=CallState.WAITING,
                            answered_at=now - timedelta(seconds=1))

    calls = {"a": call("a", ours.id), "b": call("b", ours.id + 1), "c": call("c", ours.id)}
    rt.not_dialing = [NotDialingReason(NotDialing.AGENTS_BUSY),
                      NotDialingReason(NotDialing.ASTERISK_REFUSED, "503 Shutdown in progress")]
    view = campaign_view(rt, calls, waiting=["a", "b", "c", "gone"])
    assert view.customers_waiting == 2
    assert [r.code for r in view.not_dialing] == [NotDialing.ASTERISK_REFUSED]
