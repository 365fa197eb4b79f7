"""Fixtures of the simulated-PBX tests: a running fake Asterisk and a raw aiohttp ARI peer."""

from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable

import aiohttp
import pytest

from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.sim.world import WorldConfig

from .replay import AUTH_HEADER, EventLog, connect


class Ari:
    """A bare ARI peer for tests: REST calls and one events socket for app "dialer"."""

    def __init__(self, fake: FakeAsterisk, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.session = session
        self.log: EventLog | None = None

    async def connect(self, app: str = "dialer") -> EventLog:
        self.log = await connect(self.session, self.fake, app)
        return self.log

    async def call(self, method: str, path: str, **params: Any) -> tuple[int, Any]:
        async with self.session.request(method, self.fake.base_url + path,
                                        params={k: str(v) for k, v in params.items()}) as r:
            body = await r.json() if r.status != 204 and r.content_type == "application/json" \
                else (await r.read() or None)
            return r.status, body

    async def originate(self, endpoint: str, channel_id: str, **params: Any) -> dict:
        params.setdefault("app", "dialer")
        status, body = await self.call("POST", "/channels", endpoint=endpoint,
                                       channelId=channel_id, formats="ulaw", **params)
        assert status == 200, body
        return body

    def events_of(self, key: str) -> list[dict]:
        assert self.log is not None
        return [e for e in self.log.events
                if (e.get("channel") or e.get("peer") or {}).get("id") == key]

    async def wait_event(self, channel_id: str, kind: str, **match: Any) -> dict:
        assert self.log is not None
        found: list[dict] = []

        def seen() -> bool:
            for e in self.events_of(channel_id):
                if e["type"] == kind and all(e.get(k) == v for k, v in match.items()):
                    found.append(e)
                    return True
            return False
        await self.log.wait_for(seen)
        return found[0]


StartFake = Callable[..., Awaitable[Ari]]


@pytest.fixture
async def start_fake() -> AsyncIterator[StartFake]:
    """`ari = await start_fake(seed=1, time_scale=50, world=WorldConfig(...))`."""
    started: list[tuple[FakeAsterisk, aiohttp.ClientSession]] = []

    async def start(seed: int = 1, time_scale: float = 50.0, world: WorldConfig | None = None,
                    **kwargs: Any) -> Ari:
        fake = FakeAsterisk(seed=seed, time_scale=time_scale, world=world, **kwargs)
        await fake.start()
        session = aiohttp.ClientSession(headers=AUTH_HEADER)
        started.append((fake, session))
        return Ari(fake, session)

    yield start
    for fake, session in started:
        await session.close()
        await fake.stop()
