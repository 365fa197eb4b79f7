"""The wallboard's WebSocket: a snapshot from the database, then hub events, by role."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from webworld import login
from dialer.compliance.skips import RuleSkip
from dialer.models import AgentStateChange, CallAttempt, CallEvent
from dialer.web.routes import supervisor_wallboard
from stats.world import World, seed_world


@pytest.fixture
async def world(people) -> World:
    return await seed_world(alice=people.agent)


class AsgiSocket:
    """A WebSocket client speaking ASGI to the app directly, in the test's own event loop
    (the database fixture's loop), with the session cookie of a logged-in httpx client."""

    def __init__(self, app: Any, path: str, cookie: str) -> None:
        self.to_app: asyncio.Queue[dict] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict] = asyncio.Queue()
        target, _, query = path.partition("?")
        scope = {"type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "path": target,
                 "raw_path": target.encode(), "query_string": query.encode(), "root_path": "",
                 "headers": [(b"host", b"testserver"), (b"cookie", f"dialer_session={cookie}".encode())],
                 "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "subprotocols": []}
        self.task = asyncio.create_task(app(scope, self.to_app.get, self.from_app.put))

    async def connect(self) -> dict:
        await self.to_app.put({"type": "websocket.connect"})
        return await asyncio.wait_for(self.from_app.get(), 5)

    async def send(self, message: dict) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": json.dumps(message)})

    async def receive(self, timeout: float = 5) -> dict:
        message = await asyncio.wait_for(self.from_app.get(), timeout)
        assert message["type"] == "websocket.send", message
        return json.loads(message["text"])

    async def close(self) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, 5)


async def open_board(app, client, username: str, topics=("floor",)) -> tuple[AsgiSocket, dict]:
    await login(client, username)
    ws = AsgiSocket(app, "/ws/wallboard?tz=UTC", client.cookies.get("dialer_session"))
    assert (await ws.connect())["type"] == "websocket.accept"
    await ws.send({"type": "subscribe", "topics": list(topics)})
    return ws, await ws.receive()


async def test_snapshot_then_live_update(app, client, people, world) -> None:
    now = datetime.now(timezone.utc)
    alice = world.agents["alice"]
    await AgentStateChange.create(agent=alice, at=now - timedelta(seconds=30), state="ready")
    await CallAttempt.create(campaign=world.campaigns["Spring"], agent=alice, phone="+420777000111",
                             originated_at=now - timedelta(seconds=20), answered_at=now - timedelta(seconds=10),
                             bridged_at=now - timedelta(seconds=9), channel_id="leg-1")
    await CallAttempt.create(campaign=world.campaigns["Spring"], phone="+420777000222", outcome="abandoned",
                             originated_at=now - timedelta(seconds=60), answered_at=now - timedelta(seconds=50),
                             ended_at=now - timedelta(seconds=35))
    # Held on music and given an agent after 4.5 s: abandoned by the rule, as the engine counts it.
    await CallAttempt.create(campaign=world.campaigns["Spring"], agent=alice, phone="+420777000333", outcome="answered",
                             originated_at=now - timedelta(seconds=300), answered_at=now - timedelta(seconds=290),
                             bridged_at=now - timedelta(seconds=285.5), wait_s=4.5,
                             ended_at=now - timedelta(seconds=200))
    ws, snap = await open_board(app, client, "admin")
    assert snap["type"] == "snapshot"
    agents = {a["username"]: a for a in snap["agents"]}
    assert agents["agent1"]["state"] == "ready" and agents["carol"]["state"] == "logged_out"
    spring = next(c for c in snap["campaigns"] if c["name"] == "Spring")
    assert spring["answered_today"] == 3 and spring["abandoned_today"] == 2
    # FCC (30 days): D = 1 released + 1 late, AH = 2 connected - 1 late: 2 / 3.
    assert spring["abandon_rate"] == pytest.approx(2 / 3)
    assert spring["contacts_remaining"] == 3 and spring["abandon_cap"] == pytest.approx(0.03)
    assert [(c["call_id"], c["state"]) for c in snap["calls"]] == [("leg-1", "connected")]

    event = {"type": "agent.state", "agent_id": alice.id, "username": "agent1", "name": "Agent One",
             "team_id": world.teams["Sales"].id, "state": "paused", "reason": "Lunch",
             "since": now.isoformat(), "campaign_ids": [world.campaigns["Spring"].id]}
    assert await app.state.hub.publish("floor", event) == 1
    got = await ws.receive(timeout=1)  # "within a second of the event"
    assert got["state"] == "paused" and got["reason"] == "Lunch" and got["topic"] == "floor"
    await ws.send({"type": "ping"})
    assert (await ws.receive())["type"] == "pong"
    await ws.close()
    assert app.state.hub.subscriber_count("floor") == 0


async def test_supervisor_gets_their_team_and_each_event_once(app, client, people, world) -> None:
    ws, snap = await open_board(app, client, "super")
    assert {c["name"] for c in snap["campaigns"]} == {"Spring"}
    assert {a["username"] for a in snap["agents"]} == {"agent1", "bob"}
    spring, winter = world.campaigns["Spring"].id, world.campaigns["Winter"].id
    team = world.teams["Sales"].id
    assert sorted(snap["topics"]) == sorted([f"team:{team}", f"campaign:{spring}"])
    # The engine publishes one agent event on several topics: the supervisor gets it once.
    event = {"type": "agent.state", "agent_id": 1, "state": "ready", "team_id": team, "campaign_ids": [spring]}
    hub = app.state.hub
    for topic in ("floor", f"campaign:{spring}", f"team:{team}", "agent:1"):
        hub.publish_nowait(topic, event)
    hub.publish_nowait(f"campaign:{winter}", {"type": "campaign.stats", "campaign_id": winter})
    stats = {"type": "campaign.stats", "campaign_id": spring, "abandon_rate": 0.028, "abandon_cap": 0.03}
    hub.publish_nowait(f"campaign:{spring}", stats)
    first, second = await ws.receive(), await ws.receive()
    assert first["type"] == "agent.state" and second["type"] == "campaign.stats"
    assert second["campaign_id"] == spring  # Winter's never came
    await ws.close()


async def test_agents_and_anonymous_are_refused(app, client, people, world) -> None:
    await login(client, "agent1")
    ws = AsgiSocket(app, "/ws/wallboard", client.cookies.get("dialer_session"))
    assert (await ws.connect()) == {"type": "websocket.close", "code": 4403, "reason": ""}
    ws = AsgiSocket(app, "/ws/wallboard", "not-a-session")
    assert (await ws.connect())["type"] == "websocket.close"


async def test_wallboard_page(client, people, world) -> None:
    await login(client, "super")
    r = await client.get("/wallboard")
    assert r.status_code == 200 and "/static/wallboard.js" in r.text and 'data-ws="/ws/wallboard' in r.text
    client.cookies.clear()
    await login(client, "agent1")
    assert (await client.get("/wallboard")).status_code == 403


async def test_a_client_sending_something_not_json_is_let_go_cleanly(app, client, people, world) -> None:
    ws, snap = await open_board(app, client, "admin")
    assert snap["type"] == "snapshot" and app.state.hub.subscriber_count("floor") == 1
    await ws.to_app.put({"type": "websocket.receive", "text": "{this is not json"})
    await asyncio.wait_for(ws.task, 5)
    assert ws.task.exception() is None, "bad input from a client is not a server error"
    assert app.state.hub.subscriber_count("floor") == 0


async def test_supervisor_sees_their_campaigns_compliance_and_its_refresh(app, client, people, world,
                                                                          monkeypatch) -> None:
    now = datetime.now(timezone.utc)
    spring, winter = world.campaigns["Spring"], world.campaigns["Winter"]
    agent = world.agents["alice"]
    # Spring, the last hour: one customer taken in time, one connected 3 s after the answer (late),
    # one released. Both of the EU profile's windows: D = 2, AH = 1, live 3.
    for wait, outcome, bridged in ((1.0, "answered", True), (3.0, "answered", True), (15.0, "abandoned", False)):
        at = now - timedelta(minutes=30)
        await CallAttempt.create(campaign=spring, agent=agent if bridged else None, phone="+420777000444",
                                 outcome=outcome, originated_at=at, answered_at=at + timedelta(seconds=5),
                                 bridged_at=at + timedelta(seconds=5 + wait) if bridged else None, wait_s=wait,
                                 ended_at=at + timedelta(minutes=2))
    for campaign, rule in ((spring, RuleSkip.OUTSIDE_HOURS), (spring, RuleSkip.HOLIDAY),
                           (spring, RuleSkip.DNC_CAMPAIGN), (winter, RuleSkip.DNC_GLOBAL)):
        await CallEvent.create(at=now - timedelta(seconds=30), kind=rule.value, campaign_id=campaign.id,
                               payload={"phone": "+420777000555"})
    monkeypatch.setattr(supervisor_wallboard, "COMPLIANCE_REFRESH_S", 0.05)
    ws, snap = await open_board(app, client, "super")
    (campaign,) = snap["campaigns"]
    figures = campaign["compliance"]
    assert campaign["name"] == "Spring" and figures["regulation_label"] == "EU default"
    day, month = figures["windows"]
    assert (day["window"], day["abandoned"], day["connected_late"], day["live"]) == ("24h", 2, 1, 3)
    assert day["standing"] == "over" and month["capped"], "the campaign holds its cap over 30 days"
    assert figures["skipped"] == {"outside_hours": 1, "holiday": 1, "dnc_global": 0, "dnc_campaign": 1}
    # Read again from the record while the board stays open, for the viewer's campaigns alone.
    await CallEvent.create(at=datetime.now(timezone.utc), kind=RuleSkip.DNC_GLOBAL.value, campaign_id=spring.id,
                           payload={"phone": "+420777000666"})
    for _ in range(100):  # a refresh may have read the record before that event was written
        update = await ws.receive()
        assert update["type"] == "campaign.compliance"
        assert [x["campaign_id"] for x in update["campaigns"]] == [spring.id]
        if update["campaigns"][0]["compliance"]["skipped"]["dnc_global"] == 1:
            break
    else:
        raise AssertionError("the refresh never showed the new DNC hit")
    await ws.close()
