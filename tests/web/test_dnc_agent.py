"""The call form's DNC button through the agent API, against a real engine on the fake
Asterisk: the number of the agent's own call goes on the list where the campaign's "do not
call" disposition puts numbers, the call view says so (a reloaded form shows it), nobody else's
call can be barred, and the panel renders the button its script drives."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

from dialer.models import Disposition, DncEntry
from dialer.models.enums import DncScope, DncSource

from test_agent_api import _session, _token, _world, engine  # noqa: F401 - `engine` is a fixture
from webworld import login

STATIC = Path(__file__).parents[2] / "backend" / "dialer" / "web" / "static" / "agent"


async def _connected(client, engine, w, headers) -> str:  # noqa: F811
    sub = engine.hub.subscribe(f"agent:{w['ann_agent']}")
    await client.post("/api/v1/agent/login", json={"campaign_ids": [w["campaign"].id]}, headers=headers)
    await client.post("/api/v1/agent/ready", headers=headers)
    await engine.sync_campaigns()
    while True:
        _, event = await asyncio.wait_for(sub.get(), 10)
        if event["type"] == "call.connected":
            sub.close()
            return event["call_id"]


async def test_the_button_bars_the_number_where_the_campaigns_dnc_disposition_does(client, app, engine) -> None:  # noqa: F811
    w = await _world(numbers=("+420600000018",))
    await Disposition.create(code="dnc", name="Do not call", is_final=True, adds_dnc=True)  # global, for good
    await Disposition.create(code="dnc_here", name="Not this offer", campaign=w["campaign"], adds_dnc=True,
                             dnc_scope=DncScope.CAMPAIGN, dnc_expires_days=30)
    ann = await _session(client, "ann")
    call_id = await _connected(client, engine, w, ann)
    view = (await client.get("/api/v1/agent/call", headers=ann)).json()["call"]
    assert view["dnc"] is None
    assert {d["code"]: d["adds_dnc"] for d in view["dispositions"]} == {"done": False, "later": False, "dnc": True,
                                                                         "dnc_here": True}

    bob = await _token(w["bob"])
    assert (await client.post("/api/v1/agent/dnc", json={"call_id": call_id}, headers=bob)).status_code == 409
    assert (await client.post("/api/v1/agent/dnc", json={"call_id": "nope"}, headers=ann)).status_code == 409
    assert (await client.post("/api/v1/agent/dnc", json={}, headers=ann)).status_code == 422
    assert (await client.post("/api/v1/agent/dnc", json={"call_id": call_id})).status_code in (401, 403)
    assert not await DncEntry.exists()

    r = await client.post("/api/v1/agent/dnc", json={"call_id": call_id}, headers=ann)
    assert r.status_code == 200 and r.json()["created"] is True
    dnc = r.json()["dnc"]
    assert (dnc["phone"], dnc["scope"], dnc["campaign_id"]) == ("+420600000018", "campaign", w["campaign"].id)
    entry = await DncEntry.get(phone="+420600000018")
    assert entry.source is DncSource.AGENT and entry.added_by == "ann" and entry.campaign_id == w["campaign"].id
    assert timedelta(days=29, hours=23) < entry.expires_at - datetime.now(timezone.utc) <= timedelta(days=30)
    # The form shows it after a reload too; pressing again changes nothing.
    view = (await client.get("/api/v1/agent/call", headers=ann)).json()["call"]
    assert view["dnc"]["scope"] == "campaign" and view["dnc"]["source"] == "agent"
    r = await client.post("/api/v1/agent/dnc", json={"call_id": call_id}, headers=ann)
    assert r.status_code == 200 and r.json()["created"] is False and await DncEntry.all().count() == 1
    # Still on the call or in wrap-up, the agent chooses the disposition as usual.
    assert (await client.post("/api/v1/agent/hangup", headers=ann)).status_code == 200
    r = await client.post("/api/v1/agent/disposition", json={"call_id": call_id, "disposition_id": w["done"]},
                          headers=ann)
    assert r.status_code == 200


async def test_without_a_dnc_disposition_the_button_bars_everywhere_for_good(client, app, engine) -> None:  # noqa: F811
    w = await _world(numbers=("+420600000018",))
    ann = await _token(w["ann"])
    call_id = await _connected(client, engine, w, ann)
    r = await client.post("/api/v1/agent/dnc", json={"call_id": call_id}, headers=ann)
    assert r.status_code == 200 and r.json()["dnc"]["scope"] == "global" and r.json()["dnc"]["expires_at"] is None
    entry = await DncEntry.get(phone="+420600000018")
    assert entry.campaign_id is None and entry.expires_at is None


async def test_the_panel_renders_the_button_and_its_script_posts_it(client, people) -> None:
    await login(client, "agent1")
    page = await client.get("/agent")
    assert page.status_code == 200
    assert 'id="ap-dnc"' in page.text and 'id="ap-dnc-state"' in page.text
    panel = (STATIC / "panel.js").read_text()
    assert '$("ap-dnc").addEventListener("click"' in panel and 'act("dnc", { call_id: call.call_id })' in panel
    assert "window.confirm(" in panel
    served = await client.get("/static/agent/call_form.js")
    assert served.status_code == 200 and "export function renderDnc" in served.text
