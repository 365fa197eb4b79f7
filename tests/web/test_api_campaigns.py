"""Campaign status and control over the API, with team scoping; calls filtered by time and external id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from admin_fixtures import *  # noqa: F401,F403
from dialer.hub import MemoryHub
from dialer.models import CallAttempt, Contact
from dialer.models.enums import CallOutcome, ContactStatus


async def test_supervisor_controls_their_team_but_not_another(client, app, world, supervisor_token) -> None:
    app.state.hub = hub = MemoryHub()
    sub = hub.subscribe(f"campaign:{world.campaign.id}")
    r = await client.post(f"/api/v1/campaigns/{world.campaign.id}/start", headers=supervisor_token)
    assert r.status_code == 200 and r.json()["status"] == "running"
    topic, event = await sub.get()
    assert event["type"] == "campaign.control" and event["action"] == "start" and event["by"] == "super"
    r = await client.post(f"/api/v1/campaigns/{world.other_campaign.id}/start", headers=supervisor_token)
    assert r.status_code == 404
    r = await client.get(f"/api/v1/campaigns/{world.other_campaign.id}", headers=supervisor_token)
    assert r.status_code == 404
    r = await client.get("/api/v1/campaigns", headers=supervisor_token)
    assert [c["name"] for c in r.json()["items"]] == ["Spring offer"]
    r = await client.post(f"/api/v1/campaigns/{world.campaign.id}/start", headers=supervisor_token)
    assert r.status_code == 409  # already running
    r = await client.post(f"/api/v1/campaigns/{world.campaign.id}/pause", headers=supervisor_token)
    assert r.json()["status"] == "paused"
    r = await client.post(f"/api/v1/campaigns/{world.campaign.id}/clear", headers=supervisor_token,
                          json={"mode": "pending"})
    assert r.status_code == 403  # clearing is for admins


async def test_admin_clears_and_reads_the_status(client, world, admin_token) -> None:
    await Contact.filter(phone="+420602123400").update(status=ContactStatus.EXHAUSTED, attempts=5)
    r = await client.post(f"/api/v1/campaigns/{world.campaign.id}/clear", headers=admin_token, json={"mode": "x"})
    assert r.status_code == 422 and r.json()["field"] == "mode"
    r = await client.post(f"/api/v1/campaigns/{world.campaign.id}/clear", headers=admin_token,
                          json={"mode": "attempts"})
    assert r.status_code == 200 and r.json()["event"]["contacts"] == 1
    assert (await Contact.get(phone="+420602123400")).status is ContactStatus.PENDING
    r = await client.get(f"/api/v1/campaigns/{world.campaign.id}", headers=admin_token)
    body = r.json()
    assert body["contacts"]["pending"] == 5
    codes = [x["code"] for x in body["diagnosis"]["reasons"]]
    assert "not_running" in codes and "no_agent_logged_in" in codes and body["diagnosis"]["dialing"] is False


async def test_calls_filter_by_time_campaign_and_external_id(client, world, admin_token, supervisor_token) -> None:
    now = datetime.now(timezone.utc)
    contact = await Contact.get(external_id="X1")
    await CallAttempt.create(campaign=world.campaign, contact=contact, phone=contact.phone,
                             originated_at=now - timedelta(hours=1), outcome=CallOutcome.ANSWERED, talk_s=42)
    await CallAttempt.create(campaign=world.campaign, contact=contact, phone=contact.phone,
                             originated_at=now - timedelta(days=2), outcome=CallOutcome.BUSY)
    await CallAttempt.create(campaign=world.other_campaign, phone="+420777000001", originated_at=now)
    r = await client.get("/api/v1/calls", headers=admin_token, params={"external_id": "X1"})
    assert r.json()["total"] == 2
    since = (now - timedelta(hours=3)).isoformat()
    r = await client.get("/api/v1/calls", headers=admin_token,
                         params={"since": since, "campaign_id": world.campaign.id})
    assert [c["outcome"] for c in r.json()["items"]] == ["answered"] and r.json()["items"][0]["external_id"] == "X1"
    r = await client.get("/api/v1/calls", headers=supervisor_token)
    assert r.json()["total"] == 2  # not the other team's
    r = await client.get("/api/v1/calls", headers=admin_token, params={"since": "yesterday"})
    assert r.status_code == 422 and r.json()["field"] == "since"
    r = await client.get("/api/v1/calls", headers=admin_token, params={"limit": "0"})
    assert r.status_code == 422 and r.json()["field"] == "limit"
    call_id = r = (await client.get("/api/v1/calls", headers=admin_token)).json()["items"][0]["id"]
    r = await client.get(f"/api/v1/calls/{call_id}", headers=admin_token)
    assert r.status_code == 200 and r.json()["events"] == []
    r = await client.get("/api/v1/calls/99999999999", headers=admin_token)
    assert r.status_code == 404
