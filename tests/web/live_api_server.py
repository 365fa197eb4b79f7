"""A real API server on loopback for schemathesis: migrates a fresh SQLite file, seeds a small
world, runs the engine on the simulated PBX (so the agent API acts, not answers 503), prints the
tokens as one JSON line, then serves.

The world: an admin who is also an agent (extension on the simulated PBX) with an all-scopes
token; a second agent whose `agent` token is the one the run signs out with (signing out ends
every agent token of the user, and the admin's must live through the run); a paused campaign
(id 1) that agents may join, a list with contacts, a pause reason (id 1), a disposition (id 1).

Run as `python live_api_server.py DB_PATH PORT` (the schemathesis test starts and stops it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from pathlib import Path

import uvicorn

from dialer.accounts.tokens import ALL_SCOPES, issue_token
from dialer.accounts.users import Actor, create_user
from dialer.config import Settings
from dialer.db import close_db, init_db, migrate
from dialer.models import Agent, Campaign, Contact, ContactList, DialProfile, Disposition, PauseReason
from dialer.models.enums import CampaignStatus, Role
from dialer.runtime import EngineRuntime
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.web.app import create_app

ALWAYS = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


async def seed(url: str) -> dict[str, str]:
    await migrate(url)
    await init_db(url)
    try:
        actor = Actor.system("test")
        admin = await create_user("admin", "test-password-1", Role.ADMIN, actor=actor)
        await Agent.create(user=admin, extension="Local/agent0@agents")
        other = await create_user("agent2", "test-password-1", Role.AGENT, actor=actor,
                                  extension="Local/agent1@agents")
        profile = await DialProfile.create(name="Always", calling_windows=ALWAYS, ring_timeout_s=20)
        campaign = await Campaign.create(name="Spring offer", dial_profile=profile, caller_id="+420221000100",
                                         status=CampaignStatus.PAUSED)
        cl = await ContactList.create(name="Spring")
        for i in range(3):
            await Contact.create(contact_list=cl, phone=f"+42060212340{i}", external_id=f"X{i}")
        await campaign.contact_lists.add(cl)
        await PauseReason.create(name="Lunch")
        await Disposition.create(code="done", name="Done", is_final=True)
        return {"token": (await issue_token(admin, sorted(ALL_SCOPES))).secret,
                "sign_out_token": (await issue_token(other, ["agent"])).secret}
    finally:
        await close_db()


def serve(settings: Settings, port: int) -> None:
    fake = FakeAsterisk(seed=18, time_scale=5.0, username=settings.ari_user, password=settings.ari_password)
    runtime = EngineRuntime(settings, tick_s=0.1)

    async def start_pbx(app) -> None:  # type: ignore[no-untyped-def]
        await fake.start("127.0.0.1", 0)
        runtime.settings = dataclasses.replace(runtime.settings, ari_url=fake.base_url,
                                               dial_template="Local/{digits}@customers", engine_id="schemathesis")

    async def stop_pbx(app) -> None:  # type: ignore[no-untyped-def]
        await fake.stop()

    # on_stop hooks run in reverse: the engine stops before the PBX it talks to.
    app = create_app(settings, on_start=[start_pbx, runtime.start], on_stop=[stop_pbx, runtime.stop])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")


def main() -> None:
    db_path, port = Path(sys.argv[1]), int(sys.argv[2])
    url = f"sqlite://{db_path.as_posix()}"
    tokens = asyncio.run(seed(url))
    print(json.dumps(tokens), flush=True)
    serve(Settings(data_dir=db_path.parent, db_url=url, secret_key="test-secret"), port)


if __name__ == "__main__":
    main()
