"""The tray app's one connection to `/ws/agent`, as the extensions' live.js keeps it: a ping
every 20 s (a dead peer is noticed within 10 s more), reconnect with jittered backoff (0.5 s
doubling to 15 s) after a network loss or a dialer restart, and the token checked with the
API when the socket is refused (a dead token signs out; a dialer that is down is retried).
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any, Awaitable, Callable

import aiohttp

from dialer.tray.api import AgentApi, DialerError, ws_url

KEEPALIVE_S = 20.0
PONG_TIMEOUT_S = 10.0
CLOSE_UNAUTHORISED = 4401


def backoff_s(failures: int, jitter: float) -> float:
    """live.js's delay: min(15 s, 0.5 s × 2^failures) × (0.75 … 1.25); `jitter` in [0, 1)."""
    return min(15.0, 0.5 * 2 ** min(failures, 10)) * (0.75 + jitter * 0.5)


class LiveConnection:
    def __init__(self, api: AgentApi, *, on_message: Callable[[dict[str, Any]], None],
                 on_status: Callable[[bool], None], on_rejected: Callable[[], Awaitable[None] | None],
                 rng: random.Random | None = None) -> None:
        self.api = api
        self.on_message = on_message
        self.on_status = on_status
        self.on_rejected = on_rejected
        self.rng = rng or random.Random()
        self.failures = 0
        self._pong = asyncio.Event()

    async def run(self) -> None:
        """Until the token is rejected (or the task is cancelled): connect, read, reconnect."""
        while True:
            outcome = await self._session()
            self.on_status(False)
            if outcome == "rejected" or (outcome == "refused" and await self._token_dead()):
                result = self.on_rejected()
                if asyncio.iscoroutine(result):
                    await result
                return
            await asyncio.sleep(backoff_s(self.failures, self.rng.random()))
            self.failures += 1

    async def _token_dead(self) -> bool:
        try:
            await self.api.call("GET", "state")
        except DialerError as exc:
            return exc.status in (401, 403)
        return False

    async def _session(self) -> str:
        url = ws_url(self.api.token.origin, self.api.token.token)
        try:
            ws = await self.api.session.ws_connect(url, heartbeat=None, autoping=True,
                                                   timeout=aiohttp.ClientWSTimeout(ws_close=5))
        except aiohttp.WSServerHandshakeError as exc:
            return "refused" if exc.status in (401, 403) else "lost"
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError):
            return "lost"
        pinger = asyncio.create_task(self._keepalive(ws))
        try:
            async for frame in ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    message = json.loads(frame.data)
                except ValueError:
                    continue
                if not isinstance(message, dict):
                    continue
                if message.get("type") == "pong":
                    self._pong.set()
                    continue
                if message.get("type") == "snapshot":
                    self.failures = 0
                    self.on_status(True)
                self.on_message(message)
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError):
            pass
        finally:
            pinger.cancel()
            await ws.close()
        return "rejected" if ws.close_code == CLOSE_UNAUTHORISED else "lost"

    async def _keepalive(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while not ws.closed:
            await asyncio.sleep(KEEPALIVE_S)
            self._pong = asyncio.Event()
            try:
                await ws.send_str('{"type":"ping"}')
                await asyncio.wait_for(self._pong.wait(), PONG_TIMEOUT_S)
            except (asyncio.TimeoutError, aiohttp.ClientError, ConnectionError):
                await ws.close()  # the read loop ends and the connection is made again
                return
