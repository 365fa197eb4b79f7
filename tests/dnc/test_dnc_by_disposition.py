"""A "Do not call" disposition bars the number: the same number in another list and campaign
is never dialed; a campaign-scoped one bars it in that campaign only; a bar that expired bars
nothing. Through the engine and the fake Asterisk."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from dialer.models import CallAttempt, Campaign, Contact, ContactList, Disposition, DncEntry
from dialer.models.enums import AgentState, CampaignMode, CampaignStatus, ContactStatus, DncScope, DncSource

# Persons who answer after 1 s and stay on the line until hung up (the test world's numbers).
BARRED = "+420601000118"
OTHER = "+420601000218"


async def _call_and_dispose(w, campaign: Campaign, agent_id: int, disposition: Disposition) -> None:
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id], timeout=20)
    call_id = w.engine.s.agents[agent_id].call_id
    await w.engine.save_disposition(agent_id, call_id, disposition.id, notes="asked not to be called")
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.READY) == [agent_id], timeout=20)
    campaign.status = CampaignStatus.STOPPED
    await campaign.save()
    await w.engine.sync_campaigns()


async def _second_campaign(w, agent_id: int, numbers: list[str]) -> Campaign:
    first = await Campaign.all().first()
    other = await ContactList.create(name="another list")
    for n in numbers:
        await Contact.create(contact_list=other, phone=n, name="Again")
    campaign = await Campaign.create(name="another campaign", mode=CampaignMode.PROGRESSIVE,
                                     dial_profile_id=first.dial_profile_id, caller_id="+420221000100", wrap_up_s=60)
    await campaign.contact_lists.add(other)
    await w.engine.agent_logout(agent_id)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    return campaign


async def _dialed_in(campaign: Campaign) -> set[str]:
    return set(await CallAttempt.filter(campaign_id=campaign.id).values_list("phone", flat=True))


async def _answer_everything(w, agent_id: int, done: Disposition, campaign: Campaign, want: set[str]) -> None:
    async def settle() -> bool:
        if w.engine.agents_in(AgentState.ON_CALL) == [agent_id]:
            await w.engine.agent_hangup(agent_id)
        if w.engine.agents_in(AgentState.WRAP_UP) == [agent_id]:
            await w.engine.save_disposition(agent_id, w.engine.s.agents[agent_id].call_id, done.id)
        return await _dialed_in(campaign) >= want and not w.engine.s.calls

    await w.until(settle, timeout=30)


async def test_do_not_call_bars_the_number_in_every_list_and_campaign(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", [BARRED], agents=1)
    dnc = await Disposition.create(code="dnc", name="Do not call", is_final=True, adds_dnc=True)
    await _call_and_dispose(w, campaign, agent_id, dnc)

    entry = await DncEntry.get(phone=BARRED)
    assert entry.campaign_id is None and entry.expires_at is None
    assert entry.source is DncSource.DISPOSITION and entry.added_by == "agentpro0"
    assert "dnc" in entry.reason

    second = await _second_campaign(w, agent_id, [BARRED, OTHER])
    done = await Disposition.get(code="done")
    await _answer_everything(w, agent_id, done, second, {OTHER})
    await asyncio.sleep(0.3)  # a tick or two more: the barred number would have been dialed by now
    assert await _dialed_in(second) == {OTHER}
    again = await Contact.get(phone=BARRED, contact_list__name="another list")
    assert again.attempts == 0 and again.status is not ContactStatus.LEASED


async def test_a_campaign_scoped_bar_leaves_other_campaigns_dialing_it(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", [BARRED], agents=1)
    dnc = await Disposition.create(code="dnc_here", name="Not for this offer", is_final=True, adds_dnc=True,
                                   dnc_scope=DncScope.CAMPAIGN, dnc_expires_days=30)
    await _call_and_dispose(w, campaign, agent_id, dnc)

    entry = await DncEntry.get(phone=BARRED)
    assert entry.campaign_id == campaign.id
    left = entry.expires_at - datetime.now(timezone.utc)
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)

    # The same campaign with another list holding the number: barred there.
    relisted = await ContactList.create(name="relisted")
    await Contact.create(contact_list=relisted, phone=BARRED, name="Relisted")
    await campaign.contact_lists.add(relisted)
    second = await _second_campaign(w, agent_id, [BARRED, OTHER])
    done = await Disposition.get(code="done")
    await _answer_everything(w, agent_id, done, second, {BARRED, OTHER})
    assert await _dialed_in(second) == {BARRED, OTHER}, "another campaign dials it"
    relisted_contact = await Contact.get(contact_list_id=relisted.id)
    assert relisted_contact.status is ContactStatus.PENDING and relisted_contact.attempts == 0


async def test_an_expired_bar_bars_nothing(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", [BARRED, OTHER], agents=1)
    past = datetime.now(timezone.utc) - timedelta(minutes=1)
    await DncEntry.create(phone=BARRED, campaign_id=None, expires_at=past, source=DncSource.IMPORT)
    await DncEntry.create(phone=OTHER, campaign_id=None, expires_at=past + timedelta(days=2),
                          source=DncSource.IMPORT)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    done = await Disposition.get(code="done")
    await _answer_everything(w, agent_id, done, campaign, {BARRED})
    await asyncio.sleep(0.3)
    assert await _dialed_in(campaign) == {BARRED}
    assert (await Contact.get(phone=OTHER)).status is ContactStatus.PENDING, "barred for now, not closed"
