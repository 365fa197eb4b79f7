"""`dialer demo`: a ready-to-try installation on SQLite, with the simulated PBX, the engine and
simulated agents (`dialer.demo.agents`) in one process beside the web app.

`--reset` starts from an empty database; otherwise a second run reuses it and prints the same
passwords (see `dialer.demo.seed`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from dialer.config import Settings, load_settings
from dialer.db import close_db, init_db, migrate
from dialer.demo.seed import DEMO_USERS, seed
from dialer.models import Campaign, Contact, User


@dataclass(frozen=True)
class DemoInfo:
    url: str
    passwords: dict[str, str]
    contacts: int


SIMULATED_AGENTS = ("agent1", "agent2", "agent3")  # agent4 is left for a person to log in as


def build_demo_app(settings: Settings, time_scale: float = 1.0):  # type: ignore[no-untyped-def]
    """The web app with the simulated PBX, the engine and simulated agents in the same process."""
    from dialer.demo.agents import AgentBot
    from dialer.engine.engine import Engine
    from dialer.models.enums import CampaignStatus
    from dialer.runtime import EngineRuntime
    from dialer.sim.fake_asterisk import FakeAsterisk
    from dialer.web.app import create_app

    fake = FakeAsterisk(seed=2026, time_scale=time_scale, username=settings.ari_user,
                        password=settings.ari_password)
    runtime = EngineRuntime(settings)
    bots: list[AgentBot] = []

    async def start_pbx(app) -> None:  # type: ignore[no-untyped-def]
        await fake.start("127.0.0.1", 0)
        # The simulated world's numbers follow the test-world convention: digits, no "+".
        runtime.settings = dataclasses.replace(runtime.settings, ari_url=fake.base_url,
                                               dial_template="Local/{digits}@customers", engine_id="demo")

    async def start_agents(app) -> None:  # type: ignore[no-untyped-def]
        engine: Engine = app.state.engine
        await runtime.client.wait_connected(10)  # type: ignore[union-attr]
        campaign = await Campaign.get(name="Spring offer")
        if campaign.status is not CampaignStatus.RUNNING:
            campaign.status = CampaignStatus.RUNNING
            await campaign.save()
        await engine.sync_campaigns()
        rng = random.Random(7)
        for username in SIMULATED_AGENTS:
            user = await User.get(username=username).prefetch_related("agent")
            bot = AgentBot(engine, user.agent.id, {campaign.id}, rng)
            bot.start()
            bots.append(bot)

    async def stop_agents(app) -> None:  # type: ignore[no-untyped-def]
        for bot in bots:
            await bot.stop()

    async def stop_pbx(app) -> None:  # type: ignore[no-untyped-def]
        await fake.stop()

    return create_app(settings, on_start=[start_pbx, runtime.start, start_agents],
                      on_stop=[stop_pbx, runtime.stop, stop_agents])


def run_demo(host: str = "127.0.0.1", port: int = 8000, data_dir: str = "data/demo", reset: bool = False,
             time_scale: float = 1.0) -> int:
    base = load_settings()
    directory = Path(data_dir)
    if reset and directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    settings: Settings = dataclasses.replace(
        base, data_dir=directory, db_url=f"sqlite://{(directory / 'dialer.sqlite3').as_posix()}", host=host, port=port)

    async def prepare() -> DemoInfo:
        await migrate(settings.database_url)
        await init_db(settings.database_url)
        try:
            passwords = await seed(directory / "demo-passwords.json")
            count = await Contact.all().count()
        finally:
            await close_db()
        return DemoInfo(url=f"http://{host}:{port}", passwords=passwords, contacts=count)

    info = asyncio.run(prepare())
    app = build_demo_app(settings, time_scale=time_scale)
    print()
    print(f"  Dialer demo: {info.url}   (database {settings.database_url})")
    print(f"  {info.contacts} sample contacts in the list 'Spring offer 2026', campaign 'Spring offer'.")
    print("  Log in as:")
    for username, role, _, _ in DEMO_USERS:
        print(f"    {role.value:<11} {username:<11} password {info.passwords.get(username, '(set before)')}")
    print(f"  Simulated PBX (x{time_scale:g}) with simulated agents {', '.join(SIMULATED_AGENTS)} taking calls;")
    print("  the campaign is running. Stop with Ctrl-C.")
    print()
    import logging

    import uvicorn

    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="on")
    return 0
