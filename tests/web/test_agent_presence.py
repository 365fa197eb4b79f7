"""An agent's screens and phone through the web, against a real engine on the fake Asterisk:
the panel's socket cut (not ready, disconnected, after the grace; back with one click), a
socket whose heartbeat stops (closed by the server), and the phone hung up by the PBX and
called again with `POST /api/v1/agent/phone`."""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from typing import Any, AsyncIterator, Awaitable, Callable

import pytest

from dialer.accounts.users import Actor, create_user, get_or_create_team
from dialer.ari.client import AriClient
from dialer.engine.engine import Engine
from dialer.models import Campaign, DialProfile
from dialer.models.enums import AgentState, CampaignMode, CampaignStatus, Role
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.telephony.ari_port import AriPort
from dialer.web.routes import agent_socket

from webworld import PASSWORD, login, panel_csrf

GRACE_S = 0.6


async def until(check: Callable[[], Awaitable[bool] | bool], timeout: float = 10.0) -> None:
    async def loop() -> None:
        while True:
            result = check()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return
            await asyncio.sleep(0.02)
    await asyncio.wait_for(loop(), timeout)


class AgentSocket:
    """The panel's /ws/agent, spoken in ASGI to the app in the test's loop, with the session cookie."""

    def __init__(self, app: Any, cookie: str) -> None:
        self.to_app: asyncio.Queue[dict] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict] = asyncio.Queue()
        scope = {"type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "path": "/ws/agent",
                 "raw_path": b"/ws/agent", "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"testserver"), (b"cookie", f"dialer_session={cookie}".encode())],
                 "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "subprotocols": []}
        self.task = asyncio.create_task(app(scope, self.to_app.get, self.from_app.put))

    async def open(self) -> dict:
        """Connect; the server's first message, the snapshot."""
        await self.to_app.put({"type": "websocket.connect"})
        assert (await asyncio.wait_for(self.from_app.get(), 5))["type"] == "websocket.accept"
        return json.loads((await self.next())["text"])

    async def next(self, timeout: float = 5) -> dict:
        return await asyncio.wait_for(self.from_app.get(), timeout)

    async def ping(self) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": json.dumps({"type": "ping"})})

    async def cut(self) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1006})
        await asyncio.wait_for(self.task, 5)


@pytest.fixture
async def engine(app, sqlite_db: str) -> AsyncIterator[tuple[Engine, FakeAsterisk]]:
    fake = FakeAsterisk(seed=5, time_scale=20.0)
    await fake.start("127.0.0.1", 0)
    client = AriClient(fake.base_url, "dialer", "dialer", app="dialer")
    engine = Engine(AriPort(client), hub=app.state.hub, engine_id="test-engine",
                    dial_template="Local/{digits}@customers", tick_s=0.05, presence_grace_s=GRACE_S)
    async with client:
        await client.wait_connected(5)
        await engine.start()
        app.state.engine = engine
        yield engine, fake
        app.state.engine = None
        await engine.stop()
    await fake.stop()


async def _ann_ready(client, app, engine: Engine) -> tuple[int, dict[str, str], AgentSocket]:
    team = await get_or_create_team("Floor")
    user = await create_user("ann", PASSWORD, Role.AGENT, actor=Actor.system("test"), team=team,
                             extension="Local/agent0@agents")
    agent_id = (await user.agent).id
    profile = await DialProfile.create(name="p", calling_windows={}, ring_timeout_s=20)
    # Predictive, no contacts: nothing is dialed, the pacer's snapshot is what we look at.
    campaign = await Campaign.create(name="c", team=team, mode=CampaignMode.PREDICTIVE, dial_profile=profile,
                                     caller_id="+420221000100", status=CampaignStatus.RUNNING)
    await engine.sync_campaigns()
    await login(client, "ann")
    csrf = await panel_csrf(client)
    socket = AgentSocket(app, client.cookies.get("dialer_session"))
    assert (await socket.open())["type"] == "snapshot"
    assert (await client.post("/api/v1/agent/login", json={"campaign_ids": [campaign.id]}, headers=csrf)
            ).status_code == 200
    assert (await client.post("/api/v1/agent/ready", headers=csrf)).status_code == 200
    await until(lambda: engine.agent_state(agent_id)["state"] == "ready")
    return agent_id, csrf, socket


def _counted_ready(engine: Engine) -> int:
    (rt,) = engine.s.campaigns.values()
    return rt.snapshot(engine.s.clock(), engine.s.agents.values(), engine.s.calls.values()).agents_ready


async def test_an_agent_whose_panel_is_cut_is_not_ready_after_the_grace_and_back_with_one_click(
        client, app, engine) -> None:
    engine, _ = engine
    agent_id, csrf, socket = await _ann_ready(client, app, engine)
    await socket.cut()  # the browser closed, the laptop's network gone
    cut = time.monotonic()
    await asyncio.sleep(GRACE_S / 2)
    assert engine.agent_state(agent_id)["state"] == "ready", "a reload within the grace changes nothing"
    await until(lambda: engine.agent_state(agent_id)["state"] == "not_ready")
    assert time.monotonic() - cut >= GRACE_S
    state = engine.agent_state(agent_id)
    assert (state["reason"], state["present"], state["label"]) == ("disconnected", False, "not ready (disconnected)")
    assert _counted_ready(engine) == 0, "nobody is connected to a customer through a closed browser"

    back = AgentSocket(app, client.cookies.get("dialer_session"))
    snapshot = await back.open()
    assert snapshot["state"]["state"] == "not_ready" and snapshot["state"]["present"] is True
    await asyncio.sleep(GRACE_S)
    assert engine.agent_state(agent_id)["state"] == "not_ready", "back, but resuming takes a click"
    r = await client.post("/api/v1/agent/ready", headers=csrf)
    assert r.status_code == 200 and r.json()["state"]["state"] == "ready"
    assert _counted_ready(engine) == 1
    await back.cut()


async def test_a_socket_whose_heartbeat_stops_is_closed_and_counts_for_nobody(client, app, engine,
                                                                             monkeypatch) -> None:
    engine, _ = engine
    monkeypatch.setattr(agent_socket, "HEARTBEAT_S", 0.4)
    agent_id, csrf, socket = await _ann_ready(client, app, engine)
    for _ in range(3):  # a live client pings and keeps its socket
        await asyncio.sleep(0.2)
        await socket.ping()
    assert engine.agent_state(agent_id)["state"] == "ready"
    # Then silence (a frozen laptop: no close frame ever comes): the server closes it (4408).
    while (message := await socket.next())["type"] != "websocket.close":
        pass
    assert message["code"] == 4408
    await until(lambda: engine.agent_state(agent_id)["state"] == "not_ready")
    assert engine.agent_state(agent_id)["reason"] == "disconnected"


async def test_the_phone_hung_up_by_the_pbx_is_called_again_from_the_agent_api(client, app, engine) -> None:
    engine, fake = engine
    agent_id, csrf, socket = await _ann_ready(client, app, engine)
    leg = engine.s.agents[agent_id].leg_id
    r = await client.post("/api/v1/agent/phone", headers=csrf)
    assert r.status_code == 409 and "already connected" in r.json()["error"]
    fake.request_hangup(f"{leg};2")
    await until(lambda: engine.agent_state(agent_id)["state"] == "not_ready")
    state = engine.agent_state(agent_id)
    assert (state["reason"], state["phone"]) == ("phone down", "down")
    assert _counted_ready(engine) == 0
    pushed = [json.loads(m["text"]) for m in list(socket.from_app._queue) if m.get("text")]
    assert any(m.get("type") == "agent.state" and m.get("reason") == "phone down" for m in pushed), \
        "the panel heard it"
    r = await client.post("/api/v1/agent/phone", headers=csrf)
    assert r.status_code == 200
    await until(lambda: engine.agent_state(agent_id)["state"] == "ready")
    assert engine.s.agents[agent_id].state is AgentState.READY and engine.s.agents[agent_id].leg_id != leg
    assert _counted_ready(engine) == 1
    await socket.cut()
