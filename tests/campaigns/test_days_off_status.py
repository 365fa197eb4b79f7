"""The campaign page and `dialer campaign check` say when today is a day off, from the record:
"not dialing today: public holiday X in CZ" or "company closure day: note", not a vague "not yet
due" (issue 21)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from dialer.campaigns.preflight import campaign_report
from dialer.campaigns.status import campaign_status
from dialer.models import Campaign, Contact, ContactList, DialProfile
from dialer.models.enums import CampaignStatus
from dialer.not_dialing import NotDialing

PRAGUE = ZoneInfo("Europe/Prague")
CHRISTMAS_EVE_NOON = datetime(2026, 12, 24, 12, 0, tzinfo=PRAGUE).astimezone(timezone.utc)
WEDNESDAY_NOON = datetime(2026, 12, 2, 12, 0, tzinfo=PRAGUE).astimezone(timezone.utc)


async def campaign_of(**settings) -> Campaign:  # type: ignore[no-untyped-def]
    cl = await ContactList.create(name="L")
    await Contact.create(contact_list=cl, phone="+420601000118")
    campaign = await Campaign.create(name="C", status=CampaignStatus.RUNNING, caller_id="+420221000100",
                                     abandon_message="identify", **settings)
    await campaign.contact_lists.add(cl)
    return campaign


def reasons(state: dict) -> dict[str, str]:
    return {r["code"]: r["message"] for r in state["diagnosis"]["reasons"]}


def holidays_rule(doc: dict) -> str:
    return next(r["detail"] for r in doc["rules"] if r["rule"] == "holidays")


async def test_a_public_holiday_of_the_callees_is_named(db) -> None:
    campaign = await campaign_of()  # no profile: the EU default skips public holidays
    said = reasons(await campaign_status(campaign, now=CHRISTMAS_EVE_NOON))
    assert said[NotDialing.PUBLIC_HOLIDAY.value].startswith("Not dialing today: public holiday ")
    assert said[NotDialing.PUBLIC_HOLIDAY.value].endswith(" in CZ.")
    # Once the engine put the contact back to the next calling day, still the holiday, not "not yet due".
    await Contact.all().update(next_attempt_at=datetime(2026, 12, 28, 8, 0, tzinfo=PRAGUE))
    said = reasons(await campaign_status(campaign, now=CHRISTMAS_EVE_NOON))
    assert NotDialing.PUBLIC_HOLIDAY.value in said and NotDialing.NOT_YET_DUE.value not in said
    detail = holidays_rule(await campaign_report(campaign, CHRISTMAS_EVE_NOON))
    assert detail.startswith("Not dialing today: public holiday ") and " in CZ. " in detail
    assert not holidays_rule(await campaign_report(campaign, WEDNESDAY_NOON)).startswith("Not dialing")


async def test_a_closure_day_of_the_campaigns_profile_is_named(db) -> None:
    profile = await DialProfile.create(name="Office", timezone="Europe/Prague",
                                       closure_days=[{"date": "2026-12-02", "note": "Inventory"}])
    campaign = await campaign_of(dial_profile=profile)
    said = reasons(await campaign_status(campaign, now=WEDNESDAY_NOON))
    assert said[NotDialing.CLOSURE_DAY.value] == "Not dialing today: company closure day 2026-12-02: Inventory."
    doc = await campaign_report(campaign, WEDNESDAY_NOON)
    assert holidays_rule(doc).startswith("Not dialing today: company closure day 2026-12-02: Inventory. ")
    assert doc["ok"] is True
