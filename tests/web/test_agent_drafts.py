"""The call form's draft as the panel sends it (`/api/v1/agent/draft`): with the CSRF token the
rendered panel gave, bad input refused with a 4xx JSON error, another agent refused, a reload
gets the draft back, and a wrap-up that times out keeps what was drafted."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dialer.models import CallAttempt, CallEvent, Campaign
from dialer.models.enums import SystemDisposition

from test_agent_api import _session, _token, _world, engine, until  # noqa: F401 - `engine` is a fixture

DRAFT = "/api/v1/agent/draft"


async def _panel_form(client) -> str:  # type: ignore[no-untyped-def]
    page = (await client.get("/agent")).text
    # The fields the panel's script drafts from, and where its countdown goes.
    for element in ('id="ap-call-form"', 'id="ap-notes"', 'id="ap-disposition"', 'id="ap-callback"',
                    'id="ap-wrap"'):
        assert element in page, element
    return page


async def test_drafts_without_an_engine_and_without_the_pages_token(client, app) -> None:
    w = await _world()
    ann = await _session(client, "ann")
    await _panel_form(client)
    assert (await client.get(DRAFT)).json() == {"draft": None}
    r = await client.post(DRAFT, json={"call_id": "x"})
    assert r.status_code == 403 and "error" in r.json(), "a session write needs the page's CSRF token"
    r = await client.post(DRAFT, json={"call_id": "x"}, headers=ann)
    assert r.status_code == 503 and r.json()["error"]
    assert (await client.post(DRAFT, json={"call_id": "x"}, headers=await _token(w["ann"], ["contacts:read"]))
            ).status_code == 403


async def test_a_draft_is_kept_given_back_and_saved_when_wrap_up_times_out(client, app, engine) -> None:  # noqa: F811
    w = await _world()
    await Campaign.filter(id=w["campaign"].id).update(auto_end_wrap_up=True)
    ann = await _session(client, "ann")
    await _panel_form(client)
    bob = await _token(w["bob"])
    await client.post("/api/v1/agent/login", json={"campaign_ids": [w["campaign"].id]}, headers=ann)
    await client.post("/api/v1/agent/ready", headers=ann)
    await engine.sync_campaigns()
    await until(lambda: engine.agent_state(w["ann_agent"])["state"] == "on_call")
    call_id = (await client.get("/api/v1/agent/call", headers=ann)).json()["call"]["call_id"]

    bad = [({"notes": "n"}, 422), ({"call_id": call_id, "notes": 5}, 422),
           ({"call_id": call_id, "disposition_id": "done"}, 422),
           ({"call_id": call_id, "callback_at": "tomorrow"}, 422),
           ({"call_id": call_id, "callback_at": "2031-05-05T10:30"}, 422),  # no zone: whose ten thirty?
           ({"call_id": call_id, "notes": "a\x00b"}, 422),
           ({"call_id": call_id, "disposition_id": 999_999}, 409),
           ({"call_id": "not-my-call"}, 409)]
    for body, status in bad:
        r = await client.post(DRAFT, json=body, headers=ann)
        assert r.status_code == status and r.json()["error"], (body, r.status_code, r.text)
    r = await client.post(DRAFT, content=b"{not json", headers={**ann, "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]
    assert (await client.post(DRAFT, json={"call_id": call_id, "notes": "bob's"}, headers=bob)).status_code == 409

    # Typed while talking, then the callback chosen in wrap-up: the last draft is the one kept.
    r = await client.post(DRAFT, json={"call_id": call_id, "notes": "Wants Premium"}, headers=ann)
    assert r.status_code == 200 and r.json()["draft"]["notes"] == "Wants Premium"
    await client.post("/api/v1/agent/hangup", headers=ann)
    await until(lambda: engine.agent_state(w["ann_agent"])["state"] == "wrap_up")
    when = (datetime.now(timezone.utc) + timedelta(days=2)).replace(microsecond=0)
    body = {"call_id": call_id, "disposition_id": w["later"], "notes": "Wants Premium after payday",
            "callback_at": when.isoformat()}
    assert (await client.post(DRAFT, json=body, headers=ann)).status_code == 200

    # A reload of the panel: the draft, and the wrap-up end to count down to, come back.
    assert (await client.get(DRAFT, headers=ann)).json()["draft"] == body
    state = (await client.get("/api/v1/agent/state", headers=ann)).json()["state"]
    until_at = datetime.fromisoformat(state["wrap_up_until"])
    assert timedelta(seconds=50) < until_at - datetime.now(timezone.utc) <= timedelta(seconds=60)

    await engine.agents.check_wrap_ups(until_at)
    assert engine.agent_state(w["ann_agent"])["state"] == "ready"
    assert (await client.get(DRAFT, headers=ann)).json()["draft"] is None
    await engine.s.writer.flush()
    attempt = await CallAttempt.get(channel_id=call_id)
    assert attempt.notes == "Wants Premium after payday" and attempt.disposition_id is None
    assert attempt.system_disposition is SystemDisposition.WRAP_UP_TIMED_OUT
    event = await CallEvent.get(attempt_id=attempt.id, kind="wrap_up_timed_out")
    assert event.payload["drafted_disposition_id"] == w["later"]
    assert datetime.fromisoformat(event.payload["drafted_callback_at"]) == when
    # The call is closed: a late draft from a slow browser is refused, not kept.
    assert (await client.post(DRAFT, json=body, headers=ann)).status_code == 409
