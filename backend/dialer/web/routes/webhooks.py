"""Admin pages for integrations: webhook endpoints with their delivery log and a "send test"
button, and the caller look-up settings."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dialer.campaigns.fields import Invalid, display_values, form_data, normalise_phone
from dialer.campaigns.saving import SaveError
from dialer.integrations.delivery import WebhookWorker
from dialer.integrations.lookup import LOOKUP_FIELDS, CallerLookup, load_settings, save_lookup_settings
from dialer.integrations.webhooks import (
    ENDPOINT_FIELDS,
    SAMPLE,
    SIGNATURE_HEADER,
    TEST_EVENT,
    TIMESTAMP_HEADER,
    delete_endpoint,
    envelope,
    queue_delivery,
    save_endpoint,
)
from dialer.models import Campaign, WebhookDelivery, WebhookEndpoint
from dialer.models.integrations import DeliveryStatus
from dialer.web.auth import ADMINS, guard
from dialer.web.errors import ApiError
from dialer.web.routes.admin_crud import Area, Column, actor_of, choices, flash, render, sections


async def _options() -> dict[str, list[tuple[Any, str]]]:
    return {"campaign": await choices(Campaign)}


endpoints = Area(
    entity="webhook", title="Webhooks", singular="webhook", prefix="/webhooks", model=WebhookEndpoint,
    fields=ENDPOINT_FIELDS, save=save_endpoint, delete=delete_endpoint, options=_options, related=("campaign",),
    label=lambda e: e.name, link=lambda e: f"/webhooks/{e.pk}",
    new_defaults={"content_type": "application/json", "timeout_s": 5.0, "max_attempts": 8, "active": True,
                  "events": ["call.ended"], "headers": "{}"},
    intro="Call events POSTed to your information system, signed, retried with backoff until delivered.",
    columns=[Column("Name", lambda e: e.name), Column("URL", lambda e: e.url),
             Column("Campaign", lambda e: e.campaign.name if e.campaign else "all campaigns"),
             Column("Events", lambda e: ", ".join(e.events)), Column("Active", lambda e: "yes" if e.active else "no")],
)


async def _detail(request: Request, endpoint: WebhookEndpoint) -> Response:
    deliveries = await WebhookDelivery.filter(endpoint=endpoint).order_by("-created_at", "-id").limit(100)
    counts = {s.value: await WebhookDelivery.filter(endpoint=endpoint, status=s).count() for s in DeliveryStatus}
    return render(request, "admin/webhook.html", endpoint=endpoint, deliveries=deliveries, counts=counts,
                  signature_header=SIGNATURE_HEADER, timestamp_header=TIMESTAMP_HEADER)


@guard(roles=ADMINS)
async def detail(request: Request) -> Response:
    return await _detail(request, await endpoints.get_record(request))


@guard(roles=ADMINS)
async def send_test(request: Request) -> Response:
    """Queue a test event to this endpoint only and try it at once, so the result shows right away."""
    endpoint = await endpoints.get_record(request)
    delivery = await queue_delivery(endpoint, envelope(TEST_EVENT, SAMPLE, endpoint.campaign_id))
    worker = WebhookWorker()
    try:
        delivery = await worker.send(delivery)
    finally:
        await worker.stop()
    flash(request, "Test delivered." if delivery.status is DeliveryStatus.DELIVERED else
          f"Test failed ({delivery.last_status_code or 'no answer'}); it will be retried like any delivery.")
    return RedirectResponse(f"/webhooks/{endpoint.id}", 303)


@guard(roles=ADMINS)
async def retry(request: Request) -> Response:
    delivery = await WebhookDelivery.get_or_none(id=request.path_params["delivery_id"],
                                                 endpoint_id=request.path_params["record_id"])
    if delivery is None:
        raise ApiError(404, "No such delivery.")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = datetime.now(timezone.utc)
    await delivery.save(update_fields=["status", "next_attempt_at"])
    flash(request, "Queued for another attempt.")
    return RedirectResponse(f"/webhooks/{delivery.endpoint_id}", 303)


async def _lookup_page(request: Request, *, values: dict | None = None, errors: dict | None = None,
                       result: Any = None, status: int = 200) -> Response:
    shown = values if values is not None else display_values(LOOKUP_FIELDS, _Obj(await load_settings()))
    return render(request, "admin/caller_lookup.html", status=status, values=shown, errors=errors or {},
                  sections=sections(LOOKUP_FIELDS), result=result)


class _Obj:
    """Settings as attributes, for `display_values`."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


@guard(roles=ADMINS)
async def lookup_settings(request: Request) -> Response:
    return await _lookup_page(request)


@guard(roles=ADMINS)
async def lookup_save(request: Request) -> Response:
    data = form_data(await request.form(), LOOKUP_FIELDS)
    try:
        await save_lookup_settings(data, actor=actor_of(request))
    except SaveError as exc:
        return await _lookup_page(request, values=data, errors=exc.errors, status=400)
    flash(request, "Saved the caller look-up settings.")
    return RedirectResponse("/settings/caller-lookup", 303)


@guard(roles=ADMINS)
async def lookup_try(request: Request) -> Response:
    form = await request.form()
    try:
        phone = normalise_phone(str(form.get("phone", "")), str(form.get("region", "")) or None)
    except Invalid as exc:
        return await _lookup_page(request, errors={"phone": str(exc)}, status=400)
    lookup = CallerLookup()  # uncached: the admin wants to see what the IS answers now
    try:
        answer = await lookup(phone, {**await load_settings(), "enabled": True})
    finally:
        await lookup.close()
    return await _lookup_page(request, result={"phone": phone, "answer": answer})


routes = [
    *endpoints.routes(),
    Route("/webhooks/{record_id:id}", detail, methods=["GET"]),
    Route("/webhooks/{record_id:id}/test", send_test, methods=["POST"]),
    Route("/webhooks/{record_id:id}/deliveries/{delivery_id:id}/retry", retry, methods=["POST"]),
    Route("/settings/caller-lookup", lookup_settings, methods=["GET"]),
    Route("/settings/caller-lookup", lookup_save, methods=["POST"]),
    Route("/settings/caller-lookup/try", lookup_try, methods=["POST"]),
]
