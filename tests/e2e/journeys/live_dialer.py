"""The dialer the journeys walk through: `dialer run`'s app and engine (EngineRuntime) on the
simulated PBX, under uvicorn in a thread, on a fresh database holding only the first admin
(as `dialer user create` leaves it). Everything else a journey needs, it creates by clicking.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from pathlib import Path
from typing import Any

from e2e.agent_server import free_port

ADMIN = ("root", "Journey-admin-pass")
# The simulated PBX runs ten times faster than life: a 1 s ring is 0.1 s.
TIME_SCALE = 10.0


async def _first_admin(url: str) -> None:
    from dialer.accounts.users import Actor, create_user
    from dialer.db import close_db, init_db, migrate
    from dialer.models.enums import Role

    await migrate(url)
    await init_db(url)
    try:
        await create_user(ADMIN[0], ADMIN[1], Role.ADMIN, actor=Actor.system("e2e"), full_name="Root Admin")
    finally:
        await close_db()


class LiveDialer:
    """One server world for a test session; `base` is its URL."""

    def __init__(self, data_dir: Path) -> None:
        import uvicorn

        from dialer.config import Settings
        from dialer.runtime import EngineRuntime
        from dialer.sim.fake_asterisk import FakeAsterisk
        from dialer.web.app import create_app

        url = f"sqlite://{(data_dir / 'journeys.sqlite3').as_posix()}"
        asyncio.run(_first_admin(url))
        settings = Settings(data_dir=data_dir, db_url=url, secret_key="journeys-secret")
        fake = FakeAsterisk(seed=18, time_scale=TIME_SCALE, username=settings.ari_user,
                            password=settings.ari_password)
        runtime = EngineRuntime(settings, tick_s=0.1)

        async def start_pbx(app: Any) -> None:
            await fake.start("127.0.0.1", 0)
            # The simulated world's numbers are digits without "+", as in `dialer demo`.
            runtime.settings = dataclasses.replace(settings, ari_url=fake.base_url, engine_id="journeys",
                                                   dial_template="Local/{digits}@customers")

        async def engine_connected(app: Any) -> None:
            await runtime.client.wait_connected(10)  # type: ignore[union-attr]

        async def stop_pbx(app: Any) -> None:
            await fake.stop()

        self.app = create_app(settings, on_start=[start_pbx, runtime.start, engine_connected],
                              on_stop=[runtime.stop, stop_pbx])
        self.data_dir = data_dir
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.loop = asyncio.new_event_loop()
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self.server.serve(),), daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive(), "the server died while starting (see the log above)"
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
