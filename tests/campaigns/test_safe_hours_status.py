"""The campaign page's 'why is it not dialing' speaks of the hours the engine dials in: with no
dial profile, the regulatory profile's (08:00-21:00 callee local time, Monday to Saturday)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from dialer.campaigns.status import campaign_status
from dialer.models import Campaign, Contact, ContactList
from dialer.models.enums import CampaignStatus
from dialer.not_dialing import NotDialing


async def test_no_profile_campaign_resumes_at_the_safe_opening(sqlite_db) -> None:
    cl = await ContactList.create(name="L")
    await Contact.create(contact_list=cl, phone="+420601000118", timezone="Europe/Prague")
    campaign = await Campaign.create(name="C", status=CampaignStatus.RUNNING)
    await campaign.contact_lists.add(cl)
    sunday_3am = datetime(2026, 12, 6, 3, 0, tzinfo=ZoneInfo("Europe/Prague")).astimezone(timezone.utc)
    state = await campaign_status(campaign, now=sunday_3am)
    hours = [r for r in state["diagnosis"]["reasons"] if r["code"] == NotDialing.OUTSIDE_CALLING_HOURS.value]
    assert hours and hours[0]["until"] == "2026-12-07T07:00:00+00:00", "Monday 08:00 in Prague"
