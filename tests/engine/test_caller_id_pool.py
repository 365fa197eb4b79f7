"""The caller-ID pool's two switches, as the admin sets them on the pool's page, decide which
number is presented: "Prefer local" (a number of the callee's country or area first) and
"Avoid repeats" (never the number the contact saw last time). They were read as always on."""

from __future__ import annotations

import random
from datetime import datetime, timezone

from dialer.engine.contact_feed import select_contacts
from dialer.models import CallerIdNumber, CallerIdPool, Contact

PRAGUE = "+420221000200"
NEW_YORK = "+12125550100"
CUSTOMERS = [f"+4206010003{i:02d}" for i in range(40)]
TUESDAY_NOON = datetime(2026, 12, 8, 11, 0, tzinfo=timezone.utc)


async def _chosen(w, *, prefer_local: bool, avoid_repeat: bool, last: str = "") -> set[str]:
    campaign, _ = await w.campaign("progressive", CUSTOMERS, agents=0)
    pool = await CallerIdPool.create(name="pool", prefer_local=prefer_local, avoid_repeat=avoid_repeat)
    for number in (PRAGUE, NEW_YORK):
        await CallerIdNumber.create(pool=pool, number=number)
    campaign.caller_id, campaign.caller_id_pool_id = "", pool.id
    await campaign.save()
    await Contact.all().update(last_caller_id=last)
    await w.run(campaign)
    config = w.engine.s.campaigns[campaign.id].config
    feed = await select_contacts(config, "test-engine", len(CUSTOMERS), TUESDAY_NOON, random.Random(7))
    assert len(feed.candidates) == len(CUSTOMERS)
    return {c.caller_id for c in feed.candidates}


async def test_prefer_local_presents_the_callees_country(engine_world) -> None:
    assert await _chosen(engine_world, prefer_local=True, avoid_repeat=False) == {PRAGUE}


async def test_without_prefer_local_any_number_of_the_pool(engine_world) -> None:
    assert await _chosen(engine_world, prefer_local=False, avoid_repeat=False) == {PRAGUE, NEW_YORK}


async def test_avoid_repeats_never_the_last_number_even_over_a_local_one(engine_world) -> None:
    assert await _chosen(engine_world, prefer_local=True, avoid_repeat=True, last=PRAGUE) == {NEW_YORK}


async def test_repeats_allowed_keep_the_local_number(engine_world) -> None:
    assert await _chosen(engine_world, prefer_local=True, avoid_repeat=False, last=PRAGUE) == {PRAGUE}
