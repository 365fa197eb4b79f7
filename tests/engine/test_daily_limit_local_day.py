"""The dial profile's calls-per-day limit counts the callee's day, from their own midnight, not
UTC's (issue 21): a New York callee called at 22:00 their time yesterday (03:00 UTC today) may
be called today, and one called this morning waits for their next midnight, not UTC's."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from dialer.engine.contact_feed import select_contacts
from dialer.models import CallAttempt, Contact, DialProfile
from dialer.models.enums import CallDirection, ContactStatus

NY_LAST_NIGHT, NY_THIS_MORNING = "+12125550111", "+12125550122"
NOW = datetime(2026, 12, 8, 16, 0, tzinfo=timezone.utc)  # Tuesday 11:00 in New York


async def test_the_daily_limit_follows_the_callees_midnight(engine_world) -> None:
    w = engine_world
    campaign, _ = await w.campaign("progressive", [NY_LAST_NIGHT, NY_THIS_MORNING], agents=0)
    await DialProfile.filter(id=campaign.dial_profile_id).update(daily_limit_per_number=1)
    await Contact.all().update(timezone="America/New_York")
    for phone, at in ((NY_LAST_NIGHT, datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc)),
                      (NY_THIS_MORNING, datetime(2026, 12, 8, 14, 0, tzinfo=timezone.utc))):
        contact = await Contact.get(phone=phone)
        await CallAttempt.create(campaign_id=campaign.id, contact_id=contact.id, phone=phone, caller_id="",
                                 direction=CallDirection.OUTBOUND, originated_at=at, ended_at=at)
    await w.run(campaign)
    config = w.engine.s.campaigns[campaign.id].config
    feed = await select_contacts(config, "test-engine", 2, NOW, random.Random(1))
    assert [c.phone for c in feed.candidates] == [NY_LAST_NIGHT], "yesterday in New York is not today"
    waiting = await Contact.get(phone=NY_THIS_MORNING)
    assert waiting.status is ContactStatus.PENDING
    midnight_ny = datetime(2026, 12, 9, 5, 0, tzinfo=timezone.utc)
    assert abs(waiting.next_attempt_at - midnight_ny) < timedelta(seconds=1), waiting.next_attempt_at
