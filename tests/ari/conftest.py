"""A small stub Asterisk for the ARI client's unit tests: canned REST answers, a scriptable
events websocket, all on 127.0.0.1. Not the simulated PBX (that is `dialer.sim`): this one
only does what a test tells it, so each test can provoke one behaviour of the client.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

import pytest
from aiohttp import WSMsgType, web

from dialer.ari import AriClient, Backoff

APP = "dialer"


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class StubAsterisk:
    requests: list[Seen] = field(default_factory=list)
    responses: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    handshakes: list[float] = field(default_factory=list)  # monotonic time of each attempt
    accept_ws: bool = True
    hang: asyncio.Event = field(default_factory=asyncio.Event)  # set to release hung requests
    port: int = 0

    def __post_init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self.pongs = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ari"

    def respond(self, method: str, path: str, status: int, body: Any = None) -> None:
        self.responses[(method, path)] = (status, body)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/ari/events", self._events)
        app.router.add_route("*", "/ari/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        # Keep the port: a restart comes back on the same one, like Asterisk does.
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- websocket ------------------------------------------------------------------------

    async def _events(self, request: web.Request) -> web.StreamResponse:
        self.handshakes.append(time.monotonic())
        await self._notify()
        if not self.accept_ws or request.query.get("app") != APP \
                or request.query.get("api_key") != "dialer:secret":
            return web.json_response({"message": "refused"}, status=503)
        # autoping=False so that the test sees the client's pongs (see `roundtrip`).
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        self.sockets.append(ws)
        await self._notify()
        try:
            async for msg in ws:
                if msg.type is WSMsgType.PONG:
                    self.pongs += 1
                    await self._notify()
        finally:
            self.sockets.remove(ws)
            await self._notify()
        return ws

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            async with self._changed:
                await self._changed.wait_for(predicate)

    async def wait_socket(self) -> web.WebSocketResponse:
        await self.wait_for(lambda: bool(self.sockets))
        return self.sockets[-1]

    async def send(self, *events: dict[str, Any] | str) -> None:
        ws = await self.wait_socket()
        for event in events:
            await ws.send_str(event if isinstance(event, str) else json.dumps(event))

    async def roundtrip(self) -> None:
        """Ping the client and wait for its pong: proof that it read everything sent before."""
        ws = await self.wait_socket()
        before = self.pongs
        await ws.ping()
        await self.wait_for(lambda: self.pongs > before)

    async def drop_websockets(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        await self.wait_for(lambda: not self.sockets)

    # -- REST -----------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body = await request.json() if request.can_read_body else None
        self.requests.append(Seen(request.method, path, dict(request.query), body))
        status, payload = self.responses.get((request.method, path), (404, {"message": "Not found"}))
        if status == -1:  # a request Asterisk never answers (until the test sets `hang`)
            await self.hang.wait()
            status, payload = 204, None
        if isinstance(payload, bytes):
            return web.Response(status=status, body=payload, content_type="audio/wav")
        if payload is None:
            return web.Response(status=status)
        return web.json_response(payload, status=status)


def event(event_type: str, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "application": APP, "asterisk_id": "02:fc:00:00:00:01",
            "timestamp": "2026-11-22T20:15:17.199+0000", **fields}


def channel_json(channel_id: str, state: str = "Up") -> dict[str, Any]:
    return {"id": channel_id, "name": "Local/5550000018@customers-0001;1", "state": state,
            "protocol_id": "", "caller": {"name": "", "number": ""},
            "connected": {"name": "", "number": ""}, "accountcode": "",
            "dialplan": {"context": "customers", "exten": "5550000018", "priority": 1,
                         "app_name": "AppDial2", "app_data": "(Outgoing Line)"},
            "creationtime": "2026-11-22T20:15:17.199+0000", "language": "en"}


FAST = Backoff(initial=0.01, factor=2.0, maximum=0.05, jitter=0.5)


@pytest.fixture
async def stub() -> AsyncIterator[StubAsterisk]:
    server = StubAsterisk()
    await server.start()
    yield server
    server.hang.set()
    await server.stop()


@pytest.fixture
async def client(stub: StubAsterisk) -> AsyncIterator[AriClient]:
    """A started client (not yet necessarily connected) with fast reconnects."""
    ari = AriClient(stub.base_url, "dialer", "secret", app=APP, backoff=FAST,
                    request_timeout=2.0, heartbeat=None)
    await ari.start()
    yield ari
    await ari.close()


@pytest.fixture(autouse=True)
async def no_unclosed_resources() -> AsyncIterator[None]:
    """Fail a test that leaves an aiohttp session or connector unclosed.

    aiohttp reports those from __del__ through the loop's exception handler and a
    ResourceWarning; collect both and check after a forced garbage collection.
    """
    loop = asyncio.get_running_loop()
    reports: list[str] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, ctx: reports.append(str(ctx.get("message"))))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield
        gc.collect()
    loop.set_exception_handler(previous)
    leaks = reports + [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not [m for m in leaks if "Unclosed" in m], leaks
