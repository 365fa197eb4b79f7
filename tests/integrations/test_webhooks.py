"""Webhooks against a real HTTP receiver on loopback: matching, signature, XML bodies, retries."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web

from dialer.accounts.users import Actor
from dialer.campaigns.saving import SaveError
from dialer.integrations.delivery import WebhookWorker, backoff_s
from dialer.integrations.webhooks import emit_event, save_endpoint, sign
from dialer.models import AuditLog, Campaign, WebhookDelivery
from dialer.models.integrations import DeliveryStatus

ACTOR = Actor.system("test")


@pytest.fixture
async def receiver(aiohttp_server):
    """Answers with the statuses queued in `plan` (then 200), recording every request."""
    seen: list[dict] = []
    plan: list[int] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append({"headers": dict(request.headers), "body": await request.text()})
        return web.Response(status=plan.pop(0) if plan else 200, text="ok")

    app = web.Application()
    app.router.add_post("/hook", handle)
    server = await aiohttp_server(app, host="127.0.0.1")
    return server, seen, plan


async def _endpoint(server, **extra):
    data = {"name": "IS", "url": str(server.make_url("/hook")), "events": ["call.ended"],
            "content_type": "application/json", "timeout_s": "2", "max_attempts": "3", "active": True,
            "secret": "s3cret", **extra}
    return await save_endpoint(data, actor=ACTOR)


async def test_emit_signs_and_delivers_to_matching_endpoints(sqlite_db, receiver) -> None:
    server, seen, _ = receiver
    campaign = await Campaign.create(name="C")
    other = await Campaign.create(name="D")
    await _endpoint(server)  # global
    await _endpoint(server, name="only D", campaign=str(other.id))
    await _endpoint(server, name="other event", events=["call.started"])
    deliveries = await emit_event("call.ended", {"phone": "+420602123456", "outcome": "answered"}, campaign.id)
    assert len(deliveries) == 1
    worker = WebhookWorker()
    try:
        assert await worker.run_once() == 1
    finally:
        await worker.stop()
    request = seen[0]
    body = json.loads(request["body"])
    assert body["event"] == "call.ended" and body["campaign_id"] == campaign.id
    assert body["data"]["outcome"] == "answered"
    ts = request["headers"]["X-Dialer-Timestamp"]
    expected = "sha256=" + hmac.new(b"s3cret", f"{ts}.{request['body']}".encode(), hashlib.sha256).hexdigest()
    assert request["headers"]["X-Dialer-Signature"] == expected == sign("s3cret", ts, request["body"])
    assert request["headers"]["X-Dialer-Delivery"] == body["event_id"]
    assert (await WebhookDelivery.get(id=deliveries[0].id)).status is DeliveryStatus.DELIVERED


async def test_failures_retry_with_backoff_then_give_up(sqlite_db, receiver) -> None:
    server, seen, plan = receiver
    plan.extend([500, 503, 502])
    await _endpoint(server)
    [delivery] = await emit_event("call.ended", {"n": 1})
    worker = WebhookWorker(base_backoff_s=10)
    try:
        now = datetime.now(timezone.utc)
        assert await worker.run_once(now) == 1
        d = await WebhookDelivery.get(id=delivery.id)
        assert d.status is DeliveryStatus.PENDING and d.attempts == 1 and d.last_status_code == 500
        assert (d.next_attempt_at - now).total_seconds() == pytest.approx(10)
        assert await worker.run_once(now) == 0  # not due yet
        assert await worker.run_once(now + timedelta(seconds=11)) == 1
        d = await WebhookDelivery.get(id=delivery.id)
        assert d.attempts == 2 and (d.next_attempt_at - now).total_seconds() == pytest.approx(11 + 20)
        assert await worker.run_once(now + timedelta(seconds=60)) == 1
        d = await WebhookDelivery.get(id=delivery.id)
        assert d.status is DeliveryStatus.FAILED and d.attempts == 3 and d.last_status_code == 502
    finally:
        await worker.stop()
    assert len(seen) == 3 and backoff_s(1) == 10 and backoff_s(3) == 40 and backoff_s(20) == 3600


async def test_unreachable_endpoint_is_an_error_not_a_crash(sqlite_db, unused_tcp_port) -> None:
    await save_endpoint({"name": "down", "url": f"http://127.0.0.1:{unused_tcp_port}/x", "events": ["call.ended"],
                         "content_type": "application/json", "timeout_s": "1", "max_attempts": "2",
                         "active": True}, actor=ACTOR)
    [delivery] = await emit_event("call.ended", {})
    worker = WebhookWorker()
    try:
        await worker.run_once()
    finally:
        await worker.stop()
    d = await WebhookDelivery.get(id=delivery.id)
    assert d.attempts == 1 and d.last_status_code is None and "Error" in d.last_error


async def test_xml_template_escapes_values_for_soap(sqlite_db, receiver) -> None:
    server, seen, _ = receiver
    template = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
                '<CallEnded><Name>{{ data.name }}</Name><Event>{{ event }}</Event></CallEnded>'
                '</soap:Body></soap:Envelope>')
    await _endpoint(server, content_type="text/xml; charset=utf-8", body_template=template)
    await emit_event("call.ended", {"name": "Smith & <Sons>"})
    worker = WebhookWorker()
    try:
        await worker.run_once()
    finally:
        await worker.stop()
    assert "<Name>Smith &amp; &lt;Sons&gt;</Name>" in seen[0]["body"]
    assert seen[0]["headers"]["Content-Type"].startswith("text/xml")


@pytest.mark.parametrize("extra,field", [
    ({"url": "ftp://x"}, "url"),
    ({"events": []}, "events"),
    ({"events": ["call.exploded"]}, "events"),
    ({"body_template": "{{ unclosed"}, "body_template"),
    ({"body_template": '{"a": {{ data.phone }}}'}, "body_template"),  # not JSON once rendered
    ({"headers": '{"X-Dialer-Signature": "x"}'}, "headers"),
    ({"headers": '{"Bad Header": "x"}'}, "headers"),
    ({"timeout_s": "60"}, "timeout_s"),
])
async def test_endpoint_validation(sqlite_db, extra, field) -> None:
    data = {"name": "IS", "url": "https://is.example.com/h", "events": ["call.ended"],
            "content_type": "application/json", "timeout_s": "2", "max_attempts": "3", **extra}
    with pytest.raises(SaveError) as info:
        await save_endpoint(data, actor=ACTOR)
    assert field in info.value.errors


async def test_secret_is_generated_and_kept_out_of_the_audit_log(sqlite_db) -> None:
    endpoint = await save_endpoint({"name": "IS", "url": "https://is.example.com/h", "events": ["call.ended"],
                                    "content_type": "application/json", "timeout_s": "2", "max_attempts": "3"},
                                   actor=ACTOR)
    assert len(endpoint.secret) >= 32
    entry = await AuditLog.get(action="webhook.create")
    assert entry.changes["secret"] == "(set)" and endpoint.secret not in json.dumps(entry.changes)
