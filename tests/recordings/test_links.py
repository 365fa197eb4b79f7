"""Signed recording links: valid until they expire, for that call only; `call.ended` webhooks
carry one when the call was recorded and links are configured."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from dialer.integrations.webhooks import emit_event
from dialer.models import CallAttempt, WebhookDelivery, WebhookEndpoint
from dialer.recordings.links import LinkSigner, configure_links, recording_fields
from recordings.world import T0, recorded_call


def parts(url: str) -> tuple[str, str, str]:
    q = parse_qs(urlsplit(url).query)
    return urlsplit(url).path, q["expires"][0], q["sig"][0]


def test_a_link_is_valid_for_its_call_until_it_expires() -> None:
    signer = LinkSigner("secret", "https://dialer.example.com/", ttl_s=3600)
    url, expires = signer.link(42, T0)
    path, exp, sig = parts(url)
    assert url.startswith("https://dialer.example.com/recordings/link/42?") and expires == T0 + timedelta(hours=1)
    assert signer.valid(42, exp, sig, T0 + timedelta(minutes=59))
    assert not signer.valid(42, exp, sig, T0 + timedelta(hours=1, seconds=1))  # expired
    assert not signer.valid(43, exp, sig, T0)  # another call
    assert not signer.valid(42, str(int(exp) + 3600), sig, T0)  # a longer life, forged
    assert not LinkSigner("other", "https://x").valid(42, exp, sig, T0)  # another key
    assert not signer.valid(42, "soon", sig, T0) and not signer.valid(42, exp, "", T0)


async def test_call_ended_webhooks_carry_the_link_when_recorded(sqlite_db) -> None:
    endpoint = await WebhookEndpoint.create(name="IS", url="http://127.0.0.1:9/h", events=["call.ended"])
    recorded = await recorded_call(None, "1-rec")
    silent = await CallAttempt.create(phone="+420601000002", originated_at=T0)
    configure_links(LinkSigner("secret", "http://dialer:8000", ttl_s=600))
    try:
        assert await recording_fields({"attempt_id": silent.id}) == {}
        await emit_event("call.ended", {"attempt_id": recorded.id, "outcome": "answered"})
        await emit_event("call.ended", {"attempt_id": silent.id, "outcome": "busy"})
        await emit_event("call.connected", {"attempt_id": recorded.id})
    finally:
        configure_links(None)
    bodies = [json.loads(d.body) for d in await WebhookDelivery.filter(endpoint=endpoint).order_by("id")]
    assert len(bodies) == 2  # the endpoint wants call.ended only
    url = bodies[0]["data"]["recording_url"]
    path, exp, sig = parts(url)
    assert path == f"/recordings/link/{recorded.id}" and bodies[0]["data"]["recording_url_expires"]
    assert LinkSigner("secret", "").valid(recorded.id, exp, sig, datetime.now(timezone.utc))
    assert "recording_url" not in bodies[1]["data"]
    # Without a configured signer (no engine in this process) the event goes out without one.
    assert await recording_fields({"attempt_id": recorded.id}) == {}


async def test_a_recorded_wait_has_its_own_link(sqlite_db) -> None:
    from dialer.models.recordings import RecordingPart

    signer = LinkSigner("secret", "https://dialer.example.com", ttl_s=3600)
    url, _ = signer.link(42, T0, RecordingPart.WAIT)
    path, exp, sig = parts(url)
    assert path == "/recordings/link/42" and parse_qs(urlsplit(url).query)["part"] == ["wait"]
    assert signer.valid(42, exp, sig, T0, RecordingPart.WAIT)
    assert not signer.valid(42, exp, sig, T0), "a wait link does not open the call's file"
    call_url, _ = signer.link(42, T0)
    assert not signer.valid(42, *parts(call_url)[1:], T0, RecordingPart.WAIT), "nor the other way round"

    abandoned = await CallAttempt.create(phone="+420601000003", originated_at=T0, wait_recording_name="w.wav")
    configure_links(signer)
    try:
        fields = await recording_fields({"attempt_id": abandoned.id})
    finally:
        configure_links(None)
    assert set(fields) == {"wait_recording_url", "wait_recording_url_expires"}
    assert signer.valid(abandoned.id, *parts(fields["wait_recording_url"])[1:], datetime.now(timezone.utc),
                        RecordingPart.WAIT)
