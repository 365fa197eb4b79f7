"""API for the customer's IS: contact lists, pushing contacts (single and batch), updating and
removing them, and the do-not-call list."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dialer.accounts.tokens import Scope
from dialer.campaigns.contacts import CONTACT_FIELDS, delete_contact, save_contact
from dialer.campaigns.dnc import add_dnc, parse_phone_query, remove_dnc
from dialer.campaigns.push import MAX_BATCH, push_contacts
from dialer.campaigns.saving import SaveError
from dialer.models import Contact, ContactList, DncEntry
from dialer.models.enums import ContactStatus
from dialer.web.auth import ADMINS, SUPERVISORS, guard
from dialer.web.errors import ApiError
from dialer.web.routes.admin_crud import actor_of
from dialer.web.input import (
    json_object,
    optional_id,
    parse_time,
    query_id,
    query_text,
    query_time,
    reject_unknown,
    text,
)
from dialer.web.routes.api_common import iso, page_of, raise_save_error, resource, team_filter

READ = guard(roles=SUPERVISORS, scope=Scope.CONTACTS_READ.value)
WRITE = guard(roles=ADMINS, scope=Scope.CONTACTS_WRITE.value)
PATCH_KEYS = frozenset({f.name for f in CONTACT_FIELDS} | {"region"})


def contact_json(c: Contact) -> dict[str, Any]:
    return {"id": c.id, "list_id": c.contact_list_id, "phone": c.phone, "alt_phones": c.alt_phones, "name": c.name,
            "external_id": c.external_id, "custom_fields": c.custom_fields, "timezone": c.timezone,
            "caller_id": c.caller_id, "status": c.status.value, "attempts": c.attempts,
            "max_attempts": c.max_attempts, "next_attempt_at": iso(c.next_attempt_at),
            "last_attempt_at": iso(c.last_attempt_at), "last_outcome": c.last_outcome,
            "created_at": iso(c.created_at), "updated_at": iso(c.updated_at)}


def list_json(cl: ContactList) -> dict[str, Any]:
    return {"id": cl.id, "name": cl.name, "category": cl.category, "team_id": cl.team_id}


async def _list(request: Request) -> ContactList:
    cl = await ContactList.get_or_none(id=request.path_params["list_id"], **team_filter(request.state.principal.user))
    if cl is None:
        raise ApiError(404, "No such list.")
    return cl


async def _contact(request: Request) -> Contact:
    contact = await Contact.get_or_none(id=request.path_params["contact_id"])
    user = request.state.principal.user
    if contact is None or (team_filter(user) and not await ContactList.filter(
            id=contact.contact_list_id, **team_filter(user)).exists()):
        raise ApiError(404, "No such contact.")
    return contact


def _region(body: dict[str, Any]) -> str | None:
    region = body.get("region")
    if region is not None and (not isinstance(region, str) or len(region) != 2 or not region.isalpha()):
        raise ApiError(422, "region: an ISO 3166 two-letter country code, e.g. CZ.", field="region")
    return region.upper() if region else None


@READ
async def lists(request: Request) -> Response:
    return JSONResponse(await page_of(ContactList.filter(**team_filter(request.state.principal.user)),
                                      request, list_json, order="name"))


@WRITE
async def push_one(request: Request) -> Response:
    cl = await _list(request)
    body = await json_object(request)
    region = _region(body)
    result = await push_contacts(cl, [body], actor=actor_of(request), region=region)
    if result.errors:
        error = result.errors[0]
        status = 409 if "contact_id" in error else 422
        raise ApiError(status, f"{error['field']}: {error['error']}" if error["field"] else error["error"],
                       field=error["field"] or None, **({"contact_id": error["contact_id"]} if status == 409 else {}))
    return JSONResponse(contact_json(result.created[0]), status_code=201)


@WRITE
async def push_batch(request: Request) -> Response:
    cl = await _list(request)
    body = await json_object(request)
    reject_unknown(body, {"region", "contacts"})
    region = _region(body)
    items = body.get("contacts")
    if not isinstance(items, list) or not items:
        raise ApiError(422, "contacts: a non-empty list of contact objects.", field="contacts")
    if len(items) > MAX_BATCH:
        raise ApiError(422, f"contacts: at most {MAX_BATCH} per batch; send several.", field="contacts")
    result = await push_contacts(cl, items, actor=actor_of(request), region=region)
    return JSONResponse({"created": len(result.created), "rejected": len(result.errors),
                         "ids": [c.id for c in result.created], "errors": result.errors})


@READ
async def find(request: Request) -> Response:
    user = request.state.principal.user
    query = Contact.all()
    if list_id := query_id(request, "list_id"):
        query = query.filter(contact_list_id=list_id)
    if team_filter(user):
        query = query.filter(contact_list__team_id=team_filter(user)["team_id"])
    q = request.query_params
    if external_id := query_text(request, "external_id", 128):
        query = query.filter(external_id=external_id)
    if phone := q.get("phone"):
        try:
            query = query.filter(phone=parse_phone_query(phone, q.get("region")))
        except SaveError as exc:
            raise_save_error(exc)
    if status := q.get("status"):
        if status not in {s.value for s in ContactStatus}:
            raise ApiError(422, "status: one of " + ", ".join(s.value for s in ContactStatus) + ".", field="status")
        query = query.filter(status=status)
    if since := query_time(request, "updated_since"):
        query = query.filter(updated_at__gte=since)
    return JSONResponse(await page_of(query, request, contact_json))


@READ
async def get_contact(request: Request) -> Response:
    return JSONResponse(contact_json(await _contact(request)))


@WRITE
async def update_contact(request: Request) -> Response:
    contact = await _contact(request)
    body = await json_object(request)
    reject_unknown(body, PATCH_KEYS)
    region = _region(body)
    body.pop("region", None)
    try:
        contact = await save_contact(body, actor=actor_of(request), record=contact, region=region, partial=True)
    except SaveError as exc:
        raise_save_error(exc, 409 if "already has" in str(exc) else 422)
    return JSONResponse(contact_json(contact))


@WRITE
async def remove_contact(request: Request) -> Response:
    contact = await _contact(request)
    try:
        await delete_contact(contact, actor=actor_of(request))
    except SaveError as exc:
        raise_save_error(exc, 409)
    return Response(status_code=204)


def dnc_json(e: DncEntry) -> dict[str, Any]:
    return {"id": e.id, "phone": e.phone, "campaign_id": e.campaign_id, "reason": e.reason,
            "source": e.source.value, "added_by": e.added_by, "added_at": iso(e.added_at),
            "expires_at": iso(e.expires_at)}


@WRITE
async def dnc_add(request: Request) -> Response:
    body = await json_object(request)
    reject_unknown(body, {"phone", "region", "campaign_id", "reason", "expires_at"})
    region = _region(body)
    campaign_id = optional_id(body.get("campaign_id"), "campaign_id", "campaign_id: a campaign id or null.")
    reason, expires = text(body.get("reason", ""), "reason", 200), body.get("expires_at")
    if not isinstance(body.get("phone"), str):
        raise ApiError(422, "phone: required, as text.", field="phone")
    expires_at = parse_time(expires, "expires_at")
    try:
        entry, created = await add_dnc(body["phone"], region=region, campaign_id=campaign_id, reason=reason,
                                       expires_at=expires_at, actor=actor_of(request))
    except SaveError as exc:
        raise_save_error(exc)
    return JSONResponse(dnc_json(entry), status_code=201 if created else 200)


def _dnc_query(request: Request):
    q = request.query_params
    try:
        phone = parse_phone_query(q.get("phone", ""), q.get("region"))
    except SaveError as exc:
        raise_save_error(exc)
    return DncEntry.filter(phone=phone, campaign_id=query_id(request, "campaign_id"))


@READ
async def dnc_check(request: Request) -> Response:
    return JSONResponse({"items": [dnc_json(e) for e in await _dnc_query(request)]})


@WRITE
async def dnc_remove(request: Request) -> Response:
    entry = await _dnc_query(request).first()
    if entry is None:
        raise ApiError(404, "That number is not on the do-not-call list (in that scope).")
    restored = await remove_dnc(entry, actor=actor_of(request))
    return JSONResponse({"removed": dnc_json(entry), "contacts_restored": restored})


routes = [
    Route("/api/v1/lists", lists, methods=["GET"]),
    Route("/api/v1/lists/{list_id:id}/contacts", push_one, methods=["POST"]),
    Route("/api/v1/lists/{list_id:id}/contacts/batch", push_batch, methods=["POST"]),
    Route("/api/v1/contacts", find, methods=["GET"]),
    resource("/api/v1/contacts/{contact_id:id}", get=get_contact, patch=update_contact, delete=remove_contact),
    resource("/api/v1/dnc", get=dnc_check, post=dnc_add, delete=dnc_remove),
]
