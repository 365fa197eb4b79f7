"""The contacts a rule kept from being dialed are on record, one event each, with the rule:
outside the callee's hours, on their public holiday, on the DNC list everywhere or in this
campaign (compliance/skips.py). What the compliance figures count; on both databases."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dialer.compliance.skips import RuleSkip
from dialer.engine.campaign_runtime import CampaignConfig
from dialer.engine.contact_feed import select_contacts
from dialer.models import CallEvent, Campaign, Contact, ContactList, DncEntry
from dialer.models.enums import CampaignStatus, ContactStatus

PRAGUE = ZoneInfo("Europe/Prague")
PLAIN, BARRED_EVERYWHERE, BARRED_HERE = "+420601000001", "+420601000902", "+420601000903"


async def world() -> tuple[Campaign, CampaignConfig]:
    clist = await ContactList.create(name="Skips")
    # No dial profile: the EU profile's hours (Mon-Sat 08:00-21:00 callee time, no holidays).
    campaign = await Campaign.create(name="Skips", regulatory_profile="eu", status=CampaignStatus.RUNNING)
    await campaign.contact_lists.add(clist)
    await Contact.create(contact_list=clist, phone=PLAIN)
    # The lease checks a contact's main number; the alternate number it is on now is checked
    # right before dialing, which is where a barred one is caught and recorded.
    await Contact.create(contact_list=clist, phone="+420601000002", alt_phones=[BARRED_EVERYWHERE], phone_index=1)
    await Contact.create(contact_list=clist, phone="+420601000003", alt_phones=[BARRED_HERE], phone_index=1)
    await DncEntry.create(phone=BARRED_EVERYWHERE)
    await DncEntry.create(phone=BARRED_HERE, campaign_id=campaign.id,
                          expires_at=datetime(2027, 1, 1, tzinfo=timezone.utc))
    return campaign, await CampaignConfig.load(campaign)


async def skips_of(campaign: Campaign) -> list[tuple[str, str]]:
    events = await CallEvent.filter(campaign_id=campaign.id).order_by("id")
    return [(e.kind, e.payload["phone"]) for e in events]


async def test_outside_hours_and_dnc_skips_are_recorded(db: str) -> None:
    campaign, config = await world()
    night = datetime(2026, 12, 2, 22, 0, tzinfo=PRAGUE)  # a Wednesday, after 21:00 in Prague
    feed = await select_contacts(config, "engine-1", 10, night, random.Random(1))
    assert feed.candidates == []
    assert feed.skipped == {RuleSkip.OUTSIDE_HOURS: 1, RuleSkip.DNC_GLOBAL: 1, RuleSkip.DNC_CAMPAIGN: 1}
    assert sorted(await skips_of(campaign)) == sorted([
        ("skipped_outside_hours", PLAIN), ("skipped_dnc_global", BARRED_EVERYWHERE),
        ("skipped_dnc_campaign", BARRED_HERE)])
    hours = await CallEvent.get(campaign_id=campaign.id, kind="skipped_outside_hours")
    opening = datetime(2026, 12, 3, 8, 0, tzinfo=PRAGUE)
    assert hours.at == night and datetime.fromisoformat(hours.payload["until"]) == opening
    plain = await Contact.get(phone=PLAIN)
    assert plain.next_attempt_at == opening and hours.payload["contact_id"] == plain.id
    # Barred for good everywhere: closed; barred here until a date: back as it was.
    statuses = {c.phone: c.status for c in await Contact.all()}
    assert statuses["+420601000002"] is ContactStatus.DNC and statuses["+420601000003"] is ContactStatus.PENDING

    # Asked again the same night, nothing new: the contact waits for its opening, not leased again.
    again = await select_contacts(config, "engine-1", 10, night + timedelta(minutes=5), random.Random(1))
    assert again.skipped[RuleSkip.OUTSIDE_HOURS] == 0


async def test_a_holiday_is_its_own_skip_and_a_dialable_contact_leaves_no_trace(db: str) -> None:
    campaign, config = await world()
    await DncEntry.all().delete()
    christmas_eve = datetime(2026, 12, 24, 12, 0, tzinfo=PRAGUE)  # noon, a public holiday in Czechia
    feed = await select_contacts(config, "engine-1", 10, christmas_eve, random.Random(1))
    assert feed.skipped == {RuleSkip.HOLIDAY: 3} and feed.candidates == []
    await Contact.all().update(next_attempt_at=None)
    workday = datetime(2026, 12, 29, 10, 0, tzinfo=PRAGUE)
    feed = await select_contacts(config, "engine-1", 10, workday, random.Random(1))
    assert len(feed.candidates) == 3 and not feed.skipped
    assert [kind for kind, _ in await skips_of(campaign)] == ["skipped_holiday"] * 3
