"""The agent socket as the tray keeps it (tray/live.py): live.js's backoff, reconnecting after a
drop, and ending the sign-in only when the dialer says the token is dead."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp import web

from dialer.tray import live as live_module
from dialer.tray.api import AgentApi, normalise_origin, ws_url
from dialer.tray.live import LiveConnection, backoff_s
from dialer.tray.tokens import SavedToken


def test_backoff_doubles_from_half_a_second_to_fifteen_with_jitter() -> None:
    assert [backoff_s(n, 0.5) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0]
    assert backoff_s(0, 0.0) == 0.375 and backoff_s(40, 0.999) < 18.75


def test_the_socket_url_is_the_extensions() -> None:
    assert ws_url("http://127.0.0.1:8080", "dlr_a b") == "ws://127.0.0.1:8080/ws/agent?token=dlr_a+b"
    assert ws_url("https://dialer.example.com", "t") == "wss://dialer.example.com/ws/agent?token=t"
    assert normalise_origin(" https://dialer.example.com/agent ") == "https://dialer.example.com"
    assert normalise_origin("dialer.example.com") == "https://dialer.example.com"
    assert normalise_origin("ftp://x") == "" and normalise_origin("") == ""


# -- against a socket on loopback ------------------------------------------------------------



class FakeDialer:
    """/ws/agent and /api/v1/agent/state as agent_socket.py answers them, scripted per test."""

    def __init__(self) -> None:
        self.refuse = False  # the handshake fails (a dead token, as the server closes before accept)
        self.token_alive = True
        self.then_close: int | None = None  # close code after the snapshot
        self.connects = 0
        app = web.Application()
        app.router.add_get("/ws/agent", self.socket)
        app.router.add_get("/api/v1/agent/state", self.state)
        self.app = app

    async def socket(self, request: web.Request) -> web.StreamResponse:
        self.connects += 1
        assert request.query["token"] == "dlr_t"
        if self.refuse:
            return web.Response(status=403)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "snapshot", "state": {"state": "ready"}, "call": None})
        if self.then_close is not None:
            await ws.close(code=self.then_close)
            return ws
        async for frame in ws:
            if frame.data == '{"type":"ping"}':
                await ws.send_json({"type": "pong"})
        return ws

    async def state(self, request: web.Request) -> web.Response:
        if not self.token_alive:
            return web.json_response({"error": "token"}, status=401)
        return web.json_response({"type": "snapshot"})


async def _run(dialer: FakeDialer, until: Any, monkeypatch: Any) -> tuple[list[Any], list[bool], list[str]]:
    monkeypatch.setattr(live_module, "backoff_s", lambda failures, jitter: 0.01)
    runner = web.AppRunner(dialer.app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    messages: list[Any] = []
    statuses: list[bool] = []
    rejected: list[str] = []
    try:
        async with aiohttp.ClientSession() as session:
            api = AgentApi(session, SavedToken(origin=f"http://127.0.0.1:{port}", username="ann", token="dlr_t"))
            conn = LiveConnection(api, on_message=messages.append, on_status=statuses.append,
                                  on_rejected=lambda: rejected.append("rejected"))
            task = asyncio.create_task(conn.run())
            for _ in range(500):
                if until(messages, statuses, rejected) or task.done():
                    break
                await asyncio.sleep(0.01)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    finally:
        await runner.cleanup()
    return messages, statuses, rejected


async def test_a_dropped_socket_is_made_again(monkeypatch: Any) -> None:
    dialer = FakeDialer()
    dialer.then_close = 1012  # "service restart"
    messages, statuses, rejected = await _run(dialer, lambda m, s, r: len(m) >= 3, monkeypatch)
    assert [m["type"] for m in messages[:3]] == ["snapshot"] * 3 and rejected == []
    assert statuses[:4] == [True, False, True, False]


async def test_a_close_4401_ends_the_sign_in(monkeypatch: Any) -> None:
    dialer = FakeDialer()
    dialer.then_close = 4401  # auth.revoked
    _, _, rejected = await _run(dialer, lambda m, s, r: r, monkeypatch)
    assert rejected == ["rejected"] and dialer.connects == 1


async def test_a_refused_socket_asks_the_api_whether_the_token_is_dead(monkeypatch: Any) -> None:
    dialer = FakeDialer()
    dialer.refuse = True  # token still good (say, the agent profile was being changed): keep trying
    _, statuses, rejected = await _run(dialer, lambda m, s, r: dialer.connects >= 3, monkeypatch)
    assert rejected == [] and dialer.connects >= 3 and True not in statuses
    dialer2 = FakeDialer()
    dialer2.refuse, dialer2.token_alive = True, False
    _, _, rejected = await _run(dialer2, lambda m, s, r: r, monkeypatch)
    assert rejected == ["rejected"] and dialer2.connects == 1
