"""The agent API against a real engine on the fake Asterisk: who may call it (session + CSRF,
agent token, wrong scope, another agent's call), 503 without an engine, and each action."""

from __future__ import annotations

import asyncio
import inspect
from datetime import datetime, timedelta, timezone
from typing import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from dialer.accounts.tokens import issue_token
from dialer.accounts.users import Actor, create_user, get_or_create_team
from dialer.ari.client import AriClient
from dialer.engine.engine import Engine
from dialer.models import ApiToken, CallAttempt, Campaign, Contact, ContactList, DialProfile, Disposition, PauseReason
from dialer.models.enums import AgentState, CallDirection, CampaignMode, CampaignStatus, PrivateNumbers, Role
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.telephony.ari_port import AriPort

from forms import form_on
from webworld import PASSWORD, login, panel_csrf

ALWAYS = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


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


@pytest.fixture
async def engine(app, sqlite_db: str) -> AsyncIterator[Engine]:
    fake = FakeAsterisk(seed=5, time_scale=20.0)
    await fake.start("127.0.0.1", 0)
    client = AriClient(fake.base_url, "dialer", "dialer", app="dialer")
    engine = Engine(AriPort(client), hub=app.state.hub, engine_id="test-engine",
                    dial_template="Local/{digits}@customers", tick_s=0.05)
    async with client:
        await client.wait_connected(5)
        await engine.start()
        app.state.engine = engine
        yield engine
        app.state.engine = None
        await engine.stop()
    await fake.stop()


async def _world(mode: str = "progressive", numbers: tuple[str, ...] = ("420600000018",)) -> dict:
    team = await get_or_create_team("Floor")
    actor = Actor.system("test")
    ann = await create_user("ann", PASSWORD, Role.AGENT, actor=actor, team=team, extension="Local/agent0@agents")
    bob = await create_user("bob", PASSWORD, Role.AGENT, actor=actor, team=team, extension="Local/agent1@agents")
    profile = await DialProfile.create(name=f"p-{mode}", calling_windows=ALWAYS, ring_timeout_s=20)
    clist = await ContactList.create(name=f"l-{mode}")
    for i, number in enumerate(numbers):
        await Contact.create(contact_list=clist, phone=number, name=f"Customer {i}", external_id=f"X{i}",
                             custom_fields={"plan": "Plus", "city": "Brno"})
    campaign = await Campaign.create(name=f"c-{mode}", team=team, mode=CampaignMode(mode), dial_profile=profile,
                                     caller_id="+420221000100", wrap_up_s=60, auto_end_wrap_up=False,
                                     status=CampaignStatus.RUNNING, private_numbers=PrivateNumbers.MANUAL,
                                     deep_link_template="https://crm.example/{external_id}")
    await campaign.contact_lists.add(clist)
    done = await Disposition.create(code="done", name="Done", is_final=True)
    later = await Disposition.create(code="later", name="Call back", is_callback=True)
    await PauseReason.create(name="Lunch")
    return {"ann": ann, "bob": bob, "ann_agent": (await ann.agent).id, "bob_agent": (await bob.agent).id,
            "campaign": campaign, "done": done.id, "later": later.id}


async def _session(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    await login(client, username)
    return await panel_csrf(client)


async def _token(user, scopes=("agent",)) -> dict[str, str]:
    issued = await issue_token(user, list(scopes))
    return {"Authorization": f"Bearer {issued.secret}"}


async def test_auth_matrix_and_no_engine(client, app) -> None:
    w = await _world()
    assert (await client.get("/api/v1/agent/state")).status_code == 401
    # Without an engine in this process: the reads that need none work, actions say why not.
    headers = await _token(w["ann"])
    assert (await client.get("/api/v1/agent/state", headers=headers)).json()["engine"] is False
    r = await client.post("/api/v1/agent/ready", headers=headers)
    assert r.status_code == 503 and r.json()["error"] == "the dialer engine is not running in this process"
    wrong = await _token(await create_user("root", PASSWORD, Role.ADMIN, actor=Actor.system()), ["contacts:read"])
    assert (await client.get("/api/v1/agent/state", headers=wrong)).status_code == 403
    r = await client.get("/api/v1/agent/campaigns", headers=headers)
    assert [c["name"] for c in r.json()["campaigns"]] == ["c-progressive"]
    # A session needs the CSRF header on writes.
    csrf = await _session(client, "bob")
    assert (await client.post("/api/v1/agent/ready")).status_code == 403
    assert (await client.post("/api/v1/agent/ready", headers=csrf)).status_code == 503


async def test_a_call_from_login_to_disposition(client, app, engine) -> None:
    w = await _world()
    ann, cid = await _session(client, "ann"), w["campaign"].id
    bob = await _token(w["bob"])
    sub = engine.hub.subscribe(f"agent:{w['ann_agent']}")
    r = await client.post("/api/v1/agent/login", json={"campaign_ids": [cid]}, headers=ann)
    assert r.status_code == 200 and r.json()["state"]["state"] == "paused"
    assert (await client.post("/api/v1/agent/pause", json={"reason_id": 999}, headers=ann)).status_code == 422
    assert (await client.post("/api/v1/agent/ready", headers=ann)).status_code == 200
    await engine.sync_campaigns()
    connected = None
    while connected is None:
        _, event = await asyncio.wait_for(sub.get(), 10)
        connected = event if event["type"] == "call.connected" else None
    assert connected["card"]["external_id"] == "X0" and connected["card"]["deep_link"] == "https://crm.example/X0"
    view = (await client.get("/api/v1/agent/call", headers=ann)).json()["call"]
    assert view["card"]["all_fields"] == {"plan": "Plus", "city": "Brno"} and view["private_allowed"]
    assert {d["code"] for d in view["dispositions"]} == {"done", "later"}
    # Pause asked for during the call: applied when the form is saved.
    assert (await client.post("/api/v1/agent/pause", json={"reason_id": None, "reason": "Lunch"},
                              headers=ann)).status_code == 200
    assert (await client.post("/api/v1/agent/hangup", headers=ann)).status_code == 200
    await until(lambda: engine.agent_state(w["ann_agent"])["state"] == "wrap_up")
    assert (await client.post("/api/v1/agent/wrap-up/extend", json={"seconds": 60}, headers=ann)).status_code == 200
    # Another agent cannot close ann's call; a callback disposition needs its time.
    body = {"call_id": connected["call_id"], "disposition_id": w["later"]}
    assert (await client.post("/api/v1/agent/disposition", json=body, headers=bob)).status_code == 409
    r = await client.post("/api/v1/agent/disposition", json=body, headers=ann)
    assert r.status_code == 409 and "callback" in r.json()["error"]
    when = (datetime.now(timezone.utc) + timedelta(hours=3)).isoformat()
    r = await client.post("/api/v1/agent/disposition", headers=ann,
                          json={**body, "callback_at": when, "private": True, "notes": "wants Premium"})
    assert r.status_code == 200 and r.json()["state"]["state"] == "paused"
    assert r.json()["state"]["reason"] == "Lunch"
    await engine.s.writer.flush()
    contact = await Contact.get(external_id="X0")
    assert contact.owner_agent_id == w["ann_agent"] and contact.is_callback
    attempt = await CallAttempt.get(contact_id=contact.id)
    assert attempt.notes == "wants Premium" and attempt.callback_at is not None
    figures = (await client.get("/api/v1/agent/figures", headers=ann)).json()
    assert figures["calls_today"] == 1 and figures["talk_s_today"] >= 0
    private = (await client.get("/api/v1/agent/private-contacts", headers=ann)).json()["contacts"]
    assert [c["external_id"] for c in private] == ["X0"]
    assert (await client.post("/api/v1/agent/logout", headers=ann)).status_code == 200
    assert engine.agent_state(w["ann_agent"]) is None
    sub.close()


async def test_preview_call_and_skip(client, app, engine) -> None:
    w = await _world("preview", ("420600000018", "420600000028"))
    ann = await _token(w["ann"])
    await client.post("/api/v1/agent/login", json={"campaign_ids": [w["campaign"].id]}, headers=ann)
    await engine.sync_campaigns()
    await client.post("/api/v1/agent/ready", headers=ann)
    await until(lambda: w["ann_agent"] in engine.preview.offers)
    state = (await client.get("/api/v1/agent/state", headers=ann)).json()
    first = state["offer"]["card"]["external_id"]
    assert (await client.post("/api/v1/agent/preview/skip", headers=ann)).status_code == 200
    await until(lambda: w["ann_agent"] in engine.preview.offers)
    second = (await client.get("/api/v1/agent/state", headers=ann)).json()["offer"]["card"]["external_id"]
    assert second != first
    r = await client.post("/api/v1/agent/preview/call", headers=ann)
    assert r.status_code == 200
    await until(lambda: engine.agent_state(w["ann_agent"])["state"] == "on_call")
    assert (await client.post("/api/v1/agent/preview/skip", headers=ann)).status_code == 409


async def test_manual_dial_is_logged_as_manual(client, app, engine) -> None:
    w = await _world()
    ann = await _token(w["ann"])
    assert (await client.post("/api/v1/agent/dial", json={"number": "420600000018"}, headers=ann)).status_code == 409
    await client.post("/api/v1/agent/login", json={"campaign_ids": [w["campaign"].id]}, headers=ann)
    assert (await client.post("/api/v1/agent/dial", json={"number": "call me"}, headers=ann)).status_code == 409
    r = await client.post("/api/v1/agent/dial", json={"number": "+420 600 000 038"}, headers=ann)
    assert r.status_code == 200, r.text
    await until(lambda: engine.agent_state(w["ann_agent"])["state"] == "on_call")
    attempt = await CallAttempt.get(channel_id=r.json()["call_id"])
    assert attempt.direction is CallDirection.MANUAL and attempt.phone == "+420600000038"
    assert attempt.agent_id == w["ann_agent"]
    assert (await client.post("/api/v1/agent/hangup", headers=ann)).status_code == 200
    await until(lambda: engine.agent_state(w["ann_agent"])["state"] == "wrap_up")
    r = await client.post("/api/v1/agent/disposition", headers=ann,
                          json={"call_id": attempt.channel_id, "disposition_id": w["done"]})
    assert r.status_code == 200 and r.json()["state"]["state"] == "paused"  # back where the agent was
    assert engine.agent_state(w["ann_agent"])["state"] == AgentState.PAUSED.value


async def test_extension_sign_in_is_throttled_and_web_logout_revokes(client, app) -> None:
    w = await _world()
    r = await client.post("/api/v1/agent/token", json={"username": "ann", "password": PASSWORD})
    assert r.status_code == 201 and r.json()["token"].startswith("dlr_")
    token = {"Authorization": f"Bearer {r.json()['token']}"}
    assert (await client.get("/api/v1/agent/state", headers=token)).status_code == 200
    for _ in range(app.state.settings.login_max_failures):
        assert (await client.post("/api/v1/agent/token", json={"username": "bob", "password": "no"})).status_code == 401
    assert (await client.post("/api/v1/agent/token", json={"username": "bob", "password": PASSWORD})).status_code == 429
    # Logging out of the web session ends the extension's token too.
    await _session(client, "ann")
    sub = app.state.hub.subscribe(f"agent:{w['ann_agent']}")
    await (await form_on(client, "/agent", action="/logout")).submit()  # the menu's Log out button
    assert (await client.get("/api/v1/agent/state", headers=token)).status_code == 401
    assert (await sub.get())[1]["type"] == "auth.revoked"
    assert await ApiToken.filter(user=w["ann"], revoked_at=None).count() == 0
