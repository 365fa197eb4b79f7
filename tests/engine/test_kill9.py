"""kill -9 of the engine process in the middle of a campaign, then a new engine process:
nothing is dialed twice, nothing is left open, in-flight channels are reconciled."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from dialer.models import CallAttempt, Campaign, Contact, Disposition
from dialer.models.enums import CampaignStatus, ContactStatus

WORKER = Path(__file__).with_name("engine_process.py")


async def start_engine(db_url: str, ari_url: str, campaign_id: int, agents: list[int]) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(sys.executable, str(WORKER), db_url, ari_url, str(campaign_id),
                                                *map(str, agents), stdout=asyncio.subprocess.PIPE)
    line = await asyncio.wait_for(proc.stdout.readline(), 30)
    assert line.strip() == b"ready"
    return proc


async def test_kill_9_mid_campaign_then_restart(engine_world, sqlite_db) -> None:
    w = engine_world
    await w.engine.stop()  # this test's engines live in child processes
    await w.client.close()
    # Persons who answer after 1 s and talk 5-20 s (scaled), and some busy numbers.
    numbers = [f"+4206010{i:03d}{'15' if i % 4 else '10'}" for i in range(40)]
    campaign, agents = await w.campaign("progressive", numbers, agents=3, wrap_up_s=1)
    await Disposition.get_or_create(code="sale", campaign=None, defaults={"name": "Sale", "is_final": True})
    await Campaign.filter(id=campaign.id).update(status=CampaignStatus.RUNNING)

    first = await start_engine(sqlite_db, w.fake.base_url, campaign.id, agents)
    await w.until(lambda: CallAttempt.filter(bridged_at__not_isnull=True).count(), timeout=30)
    await asyncio.sleep(0.3)  # a few calls in flight
    first.send_signal(signal.SIGKILL)
    await first.wait()
    killed_at_attempts = await CallAttempt.all().count()

    second = await start_engine(sqlite_db, w.fake.base_url, campaign.id, agents)
    try:
        async def all_tried() -> bool:
            return await Contact.filter(attempts=0).count() == 0 and \
                await CallAttempt.filter(ended_at=None).count() == 0

        await w.until(all_tried, timeout=60)
    finally:
        second.send_signal(signal.SIGKILL)
        await second.wait()

    attempts = await CallAttempt.all()
    assert len(attempts) > killed_at_attempts, "the second engine went on dialing"
    per_contact: dict[int, int] = {}
    for a in attempts:
        per_contact[a.contact_id] = per_contact.get(a.contact_id, 0) + 1
    assert max(per_contact.values()) == 1, "a contact was dialed twice"
    assert all(a.ended_at is not None and a.outcome is not None for a in attempts), "a record was left open"
    restarted = [a for a in attempts if a.hangup_cause_text == "dialer restarted during the call"]
    assert restarted, "calls in flight at the kill were reconciled by the new engine"
    # The second engine was killed too, perhaps with a call in wrap-up: its contact stays
    # leased until the disposition, and every such lease expires, returning the contact.
    for contact in await Contact.filter(status=ContactStatus.LEASED):
        assert contact.lease_owner == "killable" and contact.lease_expires_at is not None
