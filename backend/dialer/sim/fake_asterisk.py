"""A fake Asterisk that speaks ARI (REST + events websocket) over HTTP on loopback.

It is the simulated PBX's face: `dialer sim-pbx` serves it standalone, tests and the demo
run it in-process. Behind it, `Pbx` plays the test world on a `SimClock` that may run
faster than real time.

    fake = FakeAsterisk(seed=1, time_scale=20.0, username="dialer", password="dialer")
    await fake.start(host="127.0.0.1", port=0)      # port 0 picks a free port
    fake.base_url                                   # "http://127.0.0.1:PORT/ari"
    await fake.drop_websockets()                    # like a network drop; calls go on
    await fake.restart()                            # like an Asterisk restart, same port
    await fake.stop_gracefully()                    # `core stop gracefully` (see below)
    await fake.start(fake.host, fake.port)          # ... and back, same port
    await fake.stop_now()                           # `core stop now`
    await fake.stop()
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from aiohttp import web

from dialer.sim.channels import request_hangup
from dialer.sim.clock import SimClock
from dialer.sim.event_sockets import EventHub, EventSocket
from dialer.sim.pbx import Pbx
from dialer.sim.recorder import SPOOL_ENV
from dialer.sim.rest_channels import CREDENTIALS_KEY, HUB_KEY, PBX_KEY, json_response
from dialer.sim.rest_routes import ari_middleware, build_rest_app
from dialer.sim.shutdown import hang_up_everything
from dialer.sim.world import WorldConfig

log = logging.getLogger(__name__)

# Simulated seconds in which a stopping Asterisk answers every request with a 503 page,
# between its last call and its websockets closing (about 1 s in shutdown-rest-errors.jsonl).
SHUTDOWN_UNAVAILABLE_S = 1.0


class FakeAsterisk:
    def __init__(self, seed: int = 1, time_scale: float = 1.0, username: str = "dialer",
                 password: str = "dialer", world: WorldConfig | None = None,
                 write_timeout: float = 1.0, spool_dir: str | Path | None = None) -> None:
        """`spool_dir`: where recording files are written (as Asterisk's
        /var/spool/asterisk/recording); default $DIALER_SIM_SPOOL, else a temp dir."""
        self.seed = seed
        self.username = username
        self.password = password
        self.clock = SimClock(time_scale)
        self.world = world or WorldConfig()
        self.hub = EventHub(self.clock, write_timeout)
        self.pbx = Pbx(clock=self.clock, world=self.world, seed=seed, hub=self.hub)
        spool = spool_dir or os.environ.get(SPOOL_ENV)
        self.pbx.spool_setting = Path(spool) if spool else None
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def time_scale(self) -> float:
        return self.clock.time_scale

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/ari"

    def events_url(self, app: str) -> str:
        return (f"ws://{self.host}:{self.port}/ari/events?app={app}"
                f"&api_key={self.username}:{self.password}")

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(middlewares=[ari_middleware])
        app[PBX_KEY] = self.pbx
        app[HUB_KEY] = self.hub
        app[CREDENTIALS_KEY] = (self.username, self.password)
        build_rest_app(app, "/ari")
        app.router.add_get("/ari/events", self._events)
        runner = web.AppRunner(app, access_log=None, handle_signals=False,
                               shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, host, port, reuse_address=True)
        await site.start()
        self._runner = runner
        self.host = host
        self.port = runner.addresses[0][1]
        log.info("fake Asterisk listening on %s", self.base_url)

    async def stop(self) -> None:
        await self.hub.close_all()
        self.hub.stop()
        self.pbx.wipe()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def drop_websockets(self) -> None:
        """Close every events websocket abruptly; calls, bridges and Stasis go on."""
        await self.hub.close_all()

    async def restart(self, downtime: float = 0.0) -> None:
        """Like an Asterisk restart: every channel and bridge gone without events, sockets
        closed, then back on the same port after `downtime` real seconds."""
        host, port = self.host, self.port
        await self.stop()
        if downtime > 0:
            await asyncio.sleep(downtime)
        await self.start(host, port)

    def request_hangup(self, channel_id: str) -> None:
        """Like the CLI's `channel request hangup <channel>`: the PBX itself ends a channel
        (an agent's phone dropping is this on the agent leg's `;2` half). KeyError if unknown."""
        ch = self.pbx.find_channel(channel_id)
        if ch is None:
            raise KeyError(channel_id)
        request_hangup(ch)

    async def stop_gracefully(self) -> None:
        """`core stop gracefully`: from now on every channel allocation (originate, create,
        snoop) is refused with 500 `{"error": "Allocation failed"}`, while the calls under
        way go on, events flow and GETs answer. Once the last channel is gone: every request
        gets a 503 HTML page for about a second, then the websockets close (1000) and
        connections are refused. Returns when the fake is down; it never gives up waiting
        for calls to end (neither does Asterisk): hang them up, or call `stop_now()`."""
        self.pbx.shutting_down = True
        while self.pbx.channels and self._runner is not None:
            await asyncio.sleep(0.01)
        await self._go_down(graceful=True)

    async def stop_now(self) -> None:
        """`core stop now` (and SIGTERM): every call is hung up at once, as recorded
        (shutdown.py), then a second of 503 pages, then the websockets drop without a close
        frame (the client sees 1006) and connections are refused."""
        self.pbx.shutting_down = True
        hang_up_everything(self.pbx)
        await self._go_down(graceful=False)

    async def _go_down(self, *, graceful: bool) -> None:
        if self._runner is None:
            return
        self.pbx.http_unavailable = True
        await asyncio.sleep(self.clock.real_delay(SHUTDOWN_UNAVAILABLE_S))
        await self.hub.close_all(graceful=graceful)
        await self.stop()

    async def _events(self, request: web.Request) -> web.StreamResponse:
        apps = [a for a in request.query.get("app", "").split(",") if a]
        if not apps:
            return json_response({"message": "At least one application is required"}, 400)
        ws = web.WebSocketResponse(compress=False, autoping=True, max_msg_size=0)
        await ws.prepare(request)
        sock = EventSocket(ws, request, apps)
        self.hub.register(sock)
        try:
            async for _ in ws:
                pass            # Asterisk ignores what clients send on the events socket
        finally:
            self.hub.unregister(sock)
            sock.stop_writing()
        return ws
