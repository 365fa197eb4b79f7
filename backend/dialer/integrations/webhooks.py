"""Outbound webhooks: which endpoints an event goes to, the body each one gets, and its signature.

`emit_event(...)` is what the engine calls: it stores one pending delivery per matching
endpoint and wakes the delivery worker (`integrations.delivery`), so a call-event handler
never waits on the customer's server. Bodies are JSON by default; an endpoint's template
(Jinja2, sandboxed; autoescaped when the content type is XML, which is how SOAP endpoints
are fed) shapes them otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from tortoise.expressions import Q

from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, clean
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.campaigns.settings import check_refs
from dialer.models import Campaign, WebhookDelivery, WebhookEndpoint
from dialer.recordings.links import recording_fields

EVENTS = ("call.started", "call.connected", "call.ended", "disposition.saved", "customer.abandoned",
          "billing.low_credit")
TEST_EVENT = "webhook.test"
SIGNATURE_HEADER = "X-Dialer-Signature"
TIMESTAMP_HEADER = "X-Dialer-Timestamp"
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")
_RESERVED = {SIGNATURE_HEADER.lower(), TIMESTAMP_HEADER.lower(), "x-dialer-event", "x-dialer-delivery",
             "content-length", "host"}

ENDPOINT_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", required=True, max_length=100),
    Field("url", "URL", required=True, max_length=1000, help="https://is.example.com/dialer/events"),
    Field("campaign", "Campaign", "ref", help="Empty: events of every campaign."),
    Field("events", "Events", "multi", required=True, choices=EVENTS),
    Field("content_type", "Content type", required=True, max_length=100,
          help="application/json, or text/xml / application/soap+xml for a SOAP endpoint."),
    Field("body_template", "Body template", "textarea", max_length=20000,
          help="Empty: the event as JSON. Jinja2 with event, event_id, timestamp, campaign_id and data "
               "(e.g. {{ data.phone }}); values are XML-escaped when the content type is XML. A recorded "
               "call's call.ended has data.recording_url, a signed link that works for a few days."),
    Field("headers", "Extra headers (JSON object)", "json"),
    Field("secret", "Signing secret", max_length=128, help="Empty on creation: one is generated."),
    Field("timeout_s", "Timeout", "float", required=True, min=0.5, max=30, unit="s"),
    Field("max_attempts", "Attempts before giving up", "int", required=True, min=1, max=20),
    Field("active", "Active", "bool"),
)

SAMPLE = {"attempt_id": 1, "phone": "+420602123456", "external_id": "CRM-1", "outcome": "answered",
          "agent": "agent1", "disposition": {"code": "sale", "name": "Sale"}}


def is_xml(content_type: str) -> bool:
    return "xml" in content_type.lower()


def _environment(xml: bool) -> ImmutableSandboxedEnvironment:
    # Sandboxed: templates are written by admins but must not reach Python internals.
    return ImmutableSandboxedEnvironment(autoescape=xml)


def render_body(endpoint: WebhookEndpoint, envelope: Mapping[str, Any]) -> str:
    """The request body for one endpoint: its template filled with the event, or the event as JSON."""
    if not endpoint.body_template.strip():
        return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    template = _environment(is_xml(endpoint.content_type)).from_string(endpoint.body_template)
    return template.render(**envelope)


def envelope(event: str, payload: Mapping[str, Any], campaign_id: int | None,
             now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(timezone.utc)
    return {"event": event, "event_id": uuid.uuid4().hex, "timestamp": now.isoformat(),
            "campaign_id": campaign_id, "data": dict(payload)}


def sign(secret: str, timestamp: str, body: str) -> str:
    """`sha256=<hex>` of HMAC-SHA256 over "<timestamp>.<body>": the timestamp is signed too, so a
    receiver that rejects old timestamps cannot be fed a replayed delivery."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(endpoint: WebhookEndpoint, delivery: WebhookDelivery, timestamp: str) -> dict[str, str]:
    headers = {**{str(k): str(v) for k, v in (endpoint.headers or {}).items()},
               "Content-Type": endpoint.content_type, "X-Dialer-Event": delivery.event,
               "X-Dialer-Delivery": delivery.event_id, TIMESTAMP_HEADER: timestamp}
    if endpoint.secret:
        headers[SIGNATURE_HEADER] = sign(endpoint.secret, timestamp, delivery.body)
    return headers


# Woken when deliveries are queued; the delivery worker registers itself here.
_listeners: set[Callable[[], None]] = set()


def on_queued(listener: Callable[[], None]) -> Callable[[], None]:
    _listeners.add(listener)
    return lambda: _listeners.discard(listener)


async def queue_delivery(endpoint: WebhookEndpoint, env: Mapping[str, Any]) -> WebhookDelivery:
    try:
        body = render_body(endpoint, env)
    except TemplateError as exc:  # a template that fails on real data: record it, do not lose the event
        body = json.dumps({**env, "template_error": str(exc)})
    return await WebhookDelivery.create(endpoint=endpoint, event=env["event"], event_id=env["event_id"], body=body,
                                        next_attempt_at=datetime.now(timezone.utc))


async def emit_event(event_name: str, payload: Mapping[str, Any],
                     campaign_id: int | None = None) -> list[WebhookDelivery]:
    """Queue `event_name` for every active endpoint that wants it (the campaign's and the global ones)."""
    if event_name == "call.ended":
        # A signed, expiring link to the call's recording (dialer.recordings.links).
        payload = {**payload, **await recording_fields(payload)}
    endpoints = await WebhookEndpoint.filter(Q(campaign_id=None) | Q(campaign_id=campaign_id), active=True) \
        if campaign_id is not None else await WebhookEndpoint.filter(campaign_id=None, active=True)
    deliveries = []
    for endpoint in endpoints:
        if event_name in (endpoint.events or []):
            deliveries.append(await queue_delivery(endpoint, envelope(event_name, payload, campaign_id)))
    if deliveries:
        for listener in list(_listeners):
            listener()
    return deliveries


def _check(values: dict[str, Any], errors: dict[str, str]) -> None:
    url = values.get("url", "")
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
        errors["url"] = "An http:// or https:// address."
    for name, value in (values.get("headers") or {}).items():
        if not _HEADER_NAME.match(name) or not isinstance(value, str) or "\n" in value or "\r" in value:
            errors["headers"] = f"{name!r}: header names are tokens and values one-line text."
        elif name.lower() in _RESERVED:
            errors["headers"] = f"{name} is set by the dialer."
    template = values.get("body_template", "")
    if template.strip() and "body_template" not in errors:
        xml = is_xml(values.get("content_type", ""))
        try:
            body = _environment(xml).from_string(template).render(
                **envelope("call.ended", SAMPLE, 1, datetime(2026, 1, 1, tzinfo=timezone.utc)))
            if not xml and "json" in values.get("content_type", "") and body.strip():
                json.loads(body)
        except TemplateError as exc:
            errors["body_template"] = f"Template error: {exc}."
        except ValueError as exc:
            errors["body_template"] = f"For a sample event this is not valid JSON: {exc}."


async def save_endpoint(data: Mapping[str, Any], *, actor: Actor,
                        record: WebhookEndpoint | None = None) -> WebhookEndpoint:
    values, errors = clean(ENDPOINT_FIELDS, data)
    errors.update(await check_refs(values, {"campaign": Campaign}))
    _check(values, errors)
    if errors:
        raise SaveError(errors)
    if not values.get("secret"):
        values["secret"] = record.secret if record is not None and record.secret else secrets.token_urlsafe(32)
    return await save_record(WebhookEndpoint, values, actor=actor, entity="webhook", record=record)


async def delete_endpoint(endpoint: WebhookEndpoint, *, actor: Actor) -> None:
    await delete_record(endpoint, actor=actor, entity="webhook", label=endpoint.name)
