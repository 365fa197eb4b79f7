"""The simulated agents of bench/faults.py: each one works as a browser extension does, through
the agent API with its own token and the agent websocket with its heartbeat, never through
the engine's Python objects.

An agent logs in and goes ready; sets a disposition a moment after each call; clicks "Call my
phone" when its phone is down and "Ready" when it comes back after being away; logs in again
when a restarted dialer no longer knows it. What it last heard is kept for the bench to judge.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

PING_S = 15.0  # the panel's heartbeat
PHONE_BUTTON_AFTER_S = 2.0  # a person notices the phone is down and clicks
RETRY_S = 2.0


@dataclass
class AgentView:
    """What the agent's screen last showed, and when it last changed (bench clock)."""

    state: str = "unknown"
    reason: str = ""
    phone: str = ""
    call_id: str | None = None
    changed_at: float = field(default_factory=time.monotonic)
    connected: bool = False


class SimAgent:
    def __init__(self, index: int, username: str, password: str, extension: str, base_url: str,
                 campaign_id: int, disposition_id: int, seed: int) -> None:
        self.index = index
        self.username = username
        self.password = password
        self.extension = extension
        self.base_url = base_url
        self.campaign_id = campaign_id
        self.disposition_id = disposition_id
        self.rng = random.Random(seed)
        self.view = AgentView()
        self.token = ""
        self.disposed: set[str] = set()
        self.calls_taken = 0
        self.errors: list[str] = []
        self._away_until = 0.0
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._session: aiohttp.ClientSession | None = None
        self._last_act: dict[str, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- plumbing ----------------------------------------------------------------------------

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        assert self._session is not None
        try:
            async with self._session.post(f"{self.base_url}/api/v1/agent/{path}", json=body or {},
                                          headers={"Authorization": f"Bearer {self.token}"},
                                          timeout=aiohttp.ClientTimeout(total=10)) as resp:
                data = await resp.json(content_type=None)
                if resp.status >= 400 and resp.status != 409:
                    self.errors.append(f"{path}: {resp.status} {data}")
                return resp.status, data
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            return 0, str(exc)

    async def _get_token(self) -> bool:
        assert self._session is not None
        try:
            async with self._session.post(f"{self.base_url}/api/v1/agent/token",
                                          json={"username": self.username, "password": self.password},
                                          timeout=aiohttp.ClientTimeout(total=10)) as resp:
                if resp.status != 201:
                    return False
                self.token = (await resp.json())["token"]
                return True
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return False

    def _throttled(self, action: str, every_s: float) -> bool:
        now = time.monotonic()
        if now - self._last_act.get(action, 0.0) < every_s:
            return True
        self._last_act[action] = now
        return False

    # -- the agent's life --------------------------------------------------------------------

    async def run(self) -> None:
        """Until cancelled: (re)connect the socket, react to what it says."""
        async with aiohttp.ClientSession() as session:
            self._session = session
            while not self.token:
                if not await self._get_token():
                    await asyncio.sleep(RETRY_S)
            nudger = asyncio.ensure_future(self._nudge())
            try:
                while True:
                    wait = self._away_until - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                        continue
                    await self._connected_session(session)
                    await asyncio.sleep(0.5 + self.rng.random())
            finally:
                nudger.cancel()
                for task in list(self._tasks):
                    task.cancel()

    async def _connected_session(self, session: aiohttp.ClientSession) -> None:
        url = self.base_url.replace("http://", "ws://") + f"/ws/agent?token={self.token}"
        try:
            async with session.ws_connect(url, heartbeat=None, timeout=aiohttp.ClientWSTimeout(ws_close=2)) as ws:
                self._ws = ws
                self.view.connected = True
                pinger = asyncio.ensure_future(self._ping(ws))
                try:
                    async for msg in ws:
                        if msg.type is not aiohttp.WSMsgType.TEXT:
                            break
                        self._on_message(msg.json())
                finally:
                    pinger.cancel()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            pass
        finally:
            self._ws = None
            self.view.connected = False

    async def _ping(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        with contextlib.suppress(Exception):
            while not ws.closed:
                await asyncio.sleep(PING_S)
                await ws.send_json({"type": "ping"})

    async def _nudge(self) -> None:
        """A person looks at the screen now and then: act on what it shows even when no event
        came (a request that failed while the dialer was down is tried again)."""
        while True:
            await asyncio.sleep(RETRY_S)
            if self.view.connected:
                self._react()

    def _on_message(self, msg: dict[str, Any]) -> None:
        kind = msg.get("type")
        if kind == "snapshot":
            self._set(msg.get("state") or {})
        elif kind == "agent.state":
            self._set(msg)
        else:
            return
        self._react()

    def _set(self, st: dict[str, Any]) -> None:
        state = str(st.get("state") or "unknown")
        if state != self.view.state:
            self.view.changed_at = time.monotonic()
            if state == "on_call":
                self.calls_taken += 1
        self.view.state = state
        self.view.reason = str(st.get("reason") or "")
        self.view.phone = str(st.get("phone") or "")
        self.view.call_id = st.get("call_id")

    def _react(self) -> None:
        v = self.view
        if time.monotonic() < self._away_until:
            return
        if v.state == "logged_out":
            if not self._throttled("login", RETRY_S):
                self._spawn(self._login())
        elif v.state == "paused":
            if not self._throttled("ready", RETRY_S):
                self._spawn(self._post("ready"))
        elif v.state == "not_ready":
            if v.reason == "phone down" and v.phone == "down":
                if time.monotonic() - v.changed_at >= PHONE_BUTTON_AFTER_S and not self._throttled("phone", 5.0):
                    self._spawn(self._post("phone"))
            elif v.reason == "disconnected" and not self._throttled("ready", RETRY_S):
                self._spawn(self._post("ready"))
        elif v.state == "wrap_up" and v.call_id and v.call_id not in self.disposed:
            self.disposed.add(v.call_id)
            self._spawn(self._dispose(v.call_id))

    async def _login(self) -> None:
        status, _ = await self._post("login", {"campaign_ids": [self.campaign_id]})
        if status == 200:
            await self._post("ready")

    async def _dispose(self, call_id: str) -> None:
        await asyncio.sleep(0.3 + 0.7 * self.rng.random())
        status, data = await self._post("disposition", {"call_id": call_id, "disposition_id": self.disposition_id,
                                                        "notes": f"bench {self.username}"})
        if status != 200:
            self.disposed.discard(call_id)  # try again at the next look, if still in wrap-up
            if status == 409:
                self.errors.append(f"disposition {call_id}: {data}")

    # -- faults ------------------------------------------------------------------------------

    async def go_away(self, away_s: float) -> None:
        """The browser closes: the socket ends, nothing is clicked, then back after `away_s`."""
        self._away_until = time.monotonic() + away_s
        ws = self._ws
        if ws is not None:
            await ws.close()
