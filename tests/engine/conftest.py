"""An engine world: a migrated SQLite database, the fake Asterisk on loopback (time-scaled),
the ARI port, and an engine using the test world's number convention."""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass
from typing import AsyncIterator, Awaitable, Callable

import pytest

from dialer.accounts.users import Actor, create_user
from dialer.ari.client import AriClient
from dialer.engine.engine import Engine
from dialer.models import Campaign, Contact, ContactList, DialProfile, Disposition
from dialer.models.enums import CampaignMode, CampaignStatus, Role
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.telephony.ari_port import AriPort

ALWAYS = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@dataclass
class EngineWorld:
    engine: Engine
    fake: FakeAsterisk
    client: AriClient

    async def campaign(self, mode: str = "progressive", numbers: list[str] | None = None, agents: int = 2,
                       **settings) -> tuple[Campaign, list[int]]:
        profile = await DialProfile.create(name=f"p{mode}", calling_windows=ALWAYS, ring_timeout_s=20,
                                           max_attempts=settings.pop("max_attempts", 3),
                                           retry_intervals={"busy": 3600, "no_answer": 3600, "failed": 3600})
        clist = await ContactList.create(name=f"list-{mode}")
        for i, number in enumerate(numbers or []):
            await Contact.create(contact_list=clist, phone=number, name=f"Customer {i}", external_id=f"X{i}",
                                 custom_fields={"plan": "Plus"})
        campaign = await Campaign.create(name=f"c-{mode}", mode=CampaignMode(mode), dial_profile=profile,
                                         caller_id="+420221000100", wrap_up_s=settings.pop("wrap_up_s", 60),
                                         deep_link_template="https://crm.example/{external_id}", **settings)
        await campaign.contact_lists.add(clist)
        ids = []
        for i in range(agents):
            user = await create_user(f"agent{mode[:3]}{i}", "password-123", Role.AGENT, actor=Actor.system(),
                                     extension=f"Local/agent{i}@agents")
            ids.append((await user.agent).id)
        await Disposition.get_or_create(code="done", campaign=None, defaults={"name": "Done", "is_final": True})
        return campaign, ids

    async def run(self, campaign: Campaign) -> None:
        campaign.status = CampaignStatus.RUNNING
        await campaign.save()
        await self.engine.sync_campaigns()

    async def until(self, check: Callable[[], Awaitable[bool] | bool], timeout: float = 15.0) -> None:
        async def loop() -> None:
            while True:
                result = check()
                if inspect.isawaitable(result):
                    result = await result
                if result:
                    return
                await asyncio.sleep(0.02)
        await asyncio.wait_for(loop(), timeout)


@pytest.fixture
async def engine_world(sqlite_db: str) -> AsyncIterator[EngineWorld]:
    fake = FakeAsterisk(seed=5, time_scale=20.0)
    await fake.start("127.0.0.1", 0)
    client = AriClient(fake.base_url, "dialer", "dialer", app="dialer")
    port = AriPort(client)
    engine = Engine(port, engine_id="test-engine", dial_template="Local/{digits}@customers", tick_s=0.05)
    async with client:
        await client.wait_connected(5)
        await engine.start()
        yield EngineWorld(engine, fake, client)
        await engine.stop()
    await fake.stop()
