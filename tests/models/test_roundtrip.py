"""Every entity of the domain is written and read back unchanged on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from dialer.models import (
    Agent,
    AgentSession,
    AgentStateChange,
    ApiToken,
    AuditLog,
    CallAttempt,
    CallerIdNumber,
    CallerIdPool,
    CallEvent,
    Campaign,
    Contact,
    ContactList,
    DialProfile,
    Disposition,
    DncEntry,
    PauseReason,
    Team,
    User,
)
from dialer.models.enums import (
    AgentState,
    CallOutcome,
    CampaignMode,
    CampaignStatus,
    ContactStatus,
    NoAgentAction,
    PrivateNumbers,
    Role,
)

T0 = datetime(2026, 11, 23, 9, 30, 15, 123000, tzinfo=timezone.utc)


async def test_every_entity_round_trips(db: str) -> None:
    team = await Team.create(name="Sales")
    user = await User.create(username="ada", password_hash="h", role=Role.AGENT, team=team, full_name="Ada Ľovelace")
    agent = await Agent.create(user=user, extension="PJSIP/1001", skills=["cz", "sales"], wrap_up_s=15)
    await PauseReason.create(name="Lunch")
    session = await AgentSession.create(agent=agent, extension="PJSIP/1001", started_at=T0)
    await AgentStateChange.create(agent=agent, session=session, state=AgentState.PAUSED, reason="Lunch", at=T0)
    await ApiToken.create(user=user, prefix="abcd", token_hash="f" * 64, scopes=["agent"], expires_at=T0)
    await AuditLog.create(actor=user, actor_label="ada", action="user.create", entity="user", entity_id="1",
                          changes={"role": "agent"})
    profile = await DialProfile.create(name="Std", daily_limit_per_number=3)
    pool = await CallerIdPool.create(name="Prague")
    await CallerIdNumber.create(pool=pool, number="+420221000100", region="CZ")
    clist = await ContactList.create(name="List", team=team)
    campaign = await Campaign.create(name="Spring", team=team, mode=CampaignMode.PROGRESSIVE, dial_profile=profile,
                                     caller_id_pool=pool, no_agent_action=NoAgentAction.HANG_UP,
                                     private_numbers=PrivateNumbers.AUTOMATIC, required_skills=["cz"],
                                     card_fields=["plan"], deep_link_template="https://crm/{external_id}")
    await campaign.contact_lists.add(clist)
    dispo = await Disposition.create(campaign=campaign, code="sale", name="Sale", is_final=True, is_success=True)
    contact = await Contact.create(contact_list=clist, phone="+420601123456", alt_phones=["+420221555000"],
                                   name="Jana Nováková", external_id="CRM-1",
                                   custom_fields={"plan": "Plus", "note": "=1+1"}, timezone="Europe/Prague",
                                   next_attempt_at=T0, owner_agent=agent)
    await DncEntry.create(phone="+420601999999", reason="asked")
    attempt = await CallAttempt.create(campaign=campaign, contact=contact, agent=agent, phone=contact.phone,
                                       caller_id="+420221000100", originated_at=T0,
                                       answered_at=T0 + timedelta(seconds=7), outcome=CallOutcome.ANSWERED,
                                       hangup_cause=16, hangup_cause_text="Normal Clearing", talk_s=93.5,
                                       disposition=dispo)
    await CallEvent.create(at=T0, kind="answered", attempt=attempt, campaign_id=campaign.id, agent_id=agent.id,
                           channel_id="abc;1", payload={"cause": 16, "dialstatus": "ANSWER"})

    got = await Campaign.get(name="Spring").prefetch_related("contact_lists", "dispositions")
    assert got.mode is CampaignMode.PROGRESSIVE and got.status is CampaignStatus.DRAFT
    assert got.abandon_cap_pct == 3.0 and got.no_agent_action is NoAgentAction.HANG_UP
    assert got.required_skills == ["cz"] and [cl.name for cl in got.contact_lists] == ["List"]
    assert [d.code for d in got.dispositions] == ["sale"]
    prof = await DialProfile.get(name="Std")
    assert prof.ring_timeout_s == 25 and prof.retry_intervals["abandoned"] == 72 * 3600
    assert prof.calling_windows["mon"] == [["09:00", "20:00"]]
    c = await Contact.get(external_id="CRM-1").select_related("owner_agent")
    assert c.name == "Jana Nováková" and c.custom_fields == {"plan": "Plus", "note": "=1+1"}
    assert c.status is ContactStatus.PENDING and c.attempts == 0 and c.alt_phones == ["+420221555000"]
    assert c.next_attempt_at == T0 and c.next_attempt_at.tzinfo is not None
    a = await CallAttempt.get(id=attempt.id).prefetch_related("events")
    assert a.outcome is CallOutcome.ANSWERED and a.talk_s == 93.5 and a.hangup_cause == 16
    assert a.events[0].payload == {"cause": 16, "dialstatus": "ANSWER"}
    u = await User.get(username="ada").select_related("team", "agent")
    assert u.full_name == "Ada Ľovelace" and u.team.name == "Sales" and u.agent.skills == ["cz", "sales"]
    assert (await AgentStateChange.get(agent=agent)).state is AgentState.PAUSED
    assert (await ApiToken.get(prefix="abcd")).scopes == ["agent"]
    assert (await AuditLog.get(action="user.create")).changes == {"role": "agent"}
    assert await DncEntry.filter(phone="+420601999999", campaign_id=None).exists()
    assert (await CallerIdNumber.get(number="+420221000100")).region == "CZ"


async def test_phone_is_unique_within_a_list_but_not_across_lists(db: str) -> None:
    first = await ContactList.create(name="A")
    second = await ContactList.create(name="B")
    await Contact.create(contact_list=first, phone="+420601000001")
    await Contact.create(contact_list=second, phone="+420601000001")
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await Contact.create(contact_list=first, phone="+420601000001")
    assert await Contact.filter(phone="+420601000001").count() == 2


async def test_campaign_with_call_history_cannot_be_deleted(db: str) -> None:
    campaign = await Campaign.create(name="C")
    await CallAttempt.create(campaign=campaign, phone="+420601000001", originated_at=T0)
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await campaign.delete()


async def test_deleting_a_contact_keeps_its_attempts(db: str) -> None:
    clist = await ContactList.create(name="A")
    contact = await Contact.create(contact_list=clist, phone="+420601000001")
    await CallAttempt.create(contact=contact, phone=contact.phone, originated_at=T0)
    await contact.delete()
    kept = await CallAttempt.get(phone="+420601000001")
    assert kept.contact_id is None


def test_model_docstrings_have_no_semicolons() -> None:
    # Tortoise turns a model's docstring into a table comment and splits DDL scripts on
    # semicolons: one there breaks the migration on SQLite.
    import dialer.models as models

    for name in models.__all__:
        doc = getattr(models, name).__doc__ or ""
        assert ";" not in doc, name
