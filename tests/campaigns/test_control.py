"""Campaign control: transitions as rules, who may do what, clearing, audit and the hub event."""

from __future__ import annotations

import pytest

from dialer.accounts.users import Actor, create_user, get_or_create_team
from dialer.campaigns.control import Action, ControlError, allowed_actions, control_campaign
from dialer.hub import MemoryHub
from dialer.models import AuditLog, Campaign, Contact, ContactList
from dialer.models.enums import CampaignStatus, ContactStatus, Role


@pytest.fixture
async def campaign(db) -> Campaign:
    cl = await ContactList.create(name="L")
    await Contact.create(contact_list=cl, phone="+420602123401", status=ContactStatus.EXHAUSTED, attempts=5)
    await Contact.create(contact_list=cl, phone="+420602123402", status=ContactStatus.DONE, attempts=2)
    await Contact.create(contact_list=cl, phone="+420602123403", status=ContactStatus.DNC, attempts=1)
    c = await Campaign.create(name="C", team=await get_or_create_team("Sales"))
    await c.contact_lists.add(cl)
    return c


async def test_the_lifecycle_publishes_and_audits(campaign) -> None:
    hub = MemoryHub()
    sub = hub.subscribe(f"campaign:{campaign.id}")
    actor = Actor.system("ops")
    for action, status in [("start", "running"), ("pause", "paused"), ("resume", "running"), ("stop", "stopped"),
                           ("start", "running")]:
        event = await control_campaign(campaign, action, actor=actor, hub=hub)
        assert event["status"] == status and (await sub.get())[1] == event
    assert (await Campaign.get(id=campaign.id)).started_at is not None
    assert await AuditLog.filter(entity="campaign", action="campaign.pause").count() == 1
    with pytest.raises(ControlError) as info:
        await control_campaign(campaign, "resume", actor=actor)
    assert info.value.status == 409
    with pytest.raises(ControlError) as info:
        await control_campaign(campaign, "clear", actor=actor, clear_mode="pending")
    assert info.value.status == 409  # not while running


async def test_clear_modes(campaign) -> None:
    actor = Actor.system("ops")
    event = await control_campaign(campaign, "clear", actor=actor, clear_mode="attempts")
    assert event["contacts"] == 2
    rows = {c.phone: (c.status, c.attempts) for c in await Contact.all()}
    assert rows["+420602123401"] == (ContactStatus.PENDING, 0)
    assert rows["+420602123402"] == (ContactStatus.DONE, 0)
    assert rows["+420602123403"] == (ContactStatus.DNC, 1)  # barred stays barred
    await control_campaign(campaign, "clear", actor=actor, clear_mode="pending")
    assert (await Contact.get(phone="+420602123402")).status is ContactStatus.PENDING
    with pytest.raises(ControlError) as info:
        await control_campaign(campaign, "clear", actor=actor, clear_mode="everything")
    assert info.value.status == 422


async def test_supervisors_control_their_team_only_and_never_clear(campaign) -> None:
    sales = await get_or_create_team("Sales")
    night = await get_or_create_team("Night")
    mine = await create_user("sup1", "test-password-1", Role.SUPERVISOR, actor=Actor.system("t"), team=sales)
    other = await create_user("sup2", "test-password-1", Role.SUPERVISOR, actor=Actor.system("t"), team=night)
    await control_campaign(campaign, Action.START, actor=Actor.of(mine))
    with pytest.raises(ControlError) as info:
        await control_campaign(campaign, Action.PAUSE, actor=Actor.of(other))
    assert info.value.status == 403
    await control_campaign(campaign, Action.STOP, actor=Actor.of(mine))
    with pytest.raises(ControlError):
        await control_campaign(campaign, Action.CLEAR, actor=Actor.of(mine), clear_mode="pending")
    assert allowed_actions(CampaignStatus.STOPPED, Role.SUPERVISOR) == [Action.START]
    assert allowed_actions(CampaignStatus.STOPPED, Role.ADMIN) == [Action.START, Action.CLEAR]
