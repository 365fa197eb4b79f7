"""An admin enters company closure days on the dial profile form the page renders: one a line,
a bad line refused by its number, the days saved and shown back; and on such a day the lease
hands the campaign's contacts out to nobody (issue 21)."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from admin_fixtures import *  # noqa: F401,F403
from dialer.engine.campaign_runtime import CampaignConfig
from dialer.engine.contact_feed import select_contacts
from dialer.models import Campaign, Contact, DialProfile
from dialer.models.enums import ContactStatus

PRAGUE = ZoneInfo("Europe/Prague")


async def test_closure_days_typed_on_the_form_stop_the_lease_on_that_day(admin, world) -> None:
    edit = f"/profiles/{world.profile.id}/edit"
    r = await admin.submit(edit, edit, timezone="Europe/Prague",
                           closure_days="2026-12-02 Inventory\n02.12.2026 typo\n")
    assert r.status_code == 400
    assert "Line 2: &#39;02.12.2026&#39; is not a date; write one day a line as YYYY-MM-DD" in r.text
    assert (await DialProfile.get(id=world.profile.id)).closure_days == [], "nothing saved"

    r = await admin.submit(r, edit, closure_days="2026-12-31 New Year's Eve\n2026-12-02 Inventory\n")
    assert r.status_code == 303, r.text
    profile = await DialProfile.get(id=world.profile.id)
    assert profile.closure_days == [{"date": "2026-12-02", "note": "Inventory"},
                                    {"date": "2026-12-31", "note": "New Year's Eve"}]
    shown = await admin.form(edit, edit)
    assert shown.value("closure_days") == "2026-12-02 Inventory\n2026-12-31 New Year's Eve"
    assert "2 days" in (await admin.get("/profiles")).text

    # Wednesday 2 December, noon in Prague: a working day and hour of "Spring offer" but for the closure.
    config = await CampaignConfig.load(await Campaign.get(id=world.campaign.id))
    closed_day = datetime(2026, 12, 2, 12, 0, tzinfo=PRAGUE).astimezone(timezone.utc)
    feed = await select_contacts(config, "web-test", 5, closed_day, random.Random(1))
    assert (feed.leased, feed.candidates) == (0, [])
    assert await Contact.filter(contact_list_id=world.contact_list.id, status=ContactStatus.PENDING).count() == 5
    next_day = datetime(2026, 12, 3, 12, 0, tzinfo=PRAGUE).astimezone(timezone.utc)
    assert len((await select_contacts(config, "web-test", 5, next_day, random.Random(1))).candidates) == 5
