"""The card the engine pushes (engine/card.py): it names the campaign's desktop program, for the
agents' tray app, only when the campaign has one."""

from __future__ import annotations

import asyncio
from typing import Any

from dialer.engine.card import build_card

CONTACT: dict[str, Any] = dict(contact_id=7, name="Jana", external_id="CASE-7", phone="+420600000018",
                               custom_fields={"plan": "Premium"}, campaign_id=3, campaign_name="Sales",
                               attempt_no=1, card_fields=("plan",), deep_link_template="")


def test_a_card_names_the_campaigns_desktop_program_only_when_it_has_one() -> None:
    assert build_card(**CONTACT, desktop_program="deskcrm")["program"] == "deskcrm"
    assert "program" not in build_card(**CONTACT)
    assert "program" not in build_card(**CONTACT, desktop_program="")


async def _next(sub: Any, kind: str) -> dict[str, Any]:
    async def wait() -> dict[str, Any]:
        while True:
            _, event = await sub.get()
            if event["type"] == kind:
                return event
    return await asyncio.wait_for(wait(), 10)


async def test_a_connected_call_carries_the_program_to_the_agent(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", ["+420601000018"], agents=1, desktop_program="deskcrm")
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    event = await _next(sub, "call.connected")
    assert event["card"]["program"] == "deskcrm" and event["card"]["name"] == "Customer 0"
    # A panel (or tray app) that reconnects mid-call gets the same card in its snapshot.
    call = w.engine.agent_call(agent_id)
    assert call is not None and call.card["program"] == "deskcrm"


async def test_a_preview_offer_carries_the_program(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("preview", ["+420601000118"], agents=1, desktop_program="deskcrm")
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    event = await _next(sub, "call.offered")
    assert event["card"]["program"] == "deskcrm"
    offer = w.engine.preview_offer(agent_id)
    assert offer is not None and offer.card["program"] == "deskcrm"


async def test_a_campaign_without_a_program_names_none(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", ["+420601000018"], agents=1)
    sub = w.engine.hub.subscribe(f"agent:{agent_id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    event = await _next(sub, "call.connected")
    assert "program" not in event["card"]


async def test_an_agents_own_contact_dialed_by_hand_carries_its_campaigns_program(engine_world) -> None:
    from dialer.models import Contact

    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", [], agents=1, desktop_program="deskcrm")
    clist = (await campaign.contact_lists.all())[0]
    mine = await Contact.create(contact_list=clist, phone="+420601000018", name="Mine", owner_agent_id=agent_id)
    await w.engine.agent_login(agent_id, {campaign.id})
    call_id = await w.engine.manual_dial(agent_id, "", mine.id)
    assert w.engine.s.calls[call_id].contact["program"] == "deskcrm"
