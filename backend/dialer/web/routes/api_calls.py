"""API for the customer's IS: call results and attempts, filtered by time, campaign and external id."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise.expressions import Subquery

from dialer.accounts.tokens import Scope
from dialer.models import CallAttempt, CallEvent, Recording, RecordingState
from dialer.models.enums import CallDirection, CallOutcome, Role
from dialer.web.auth import SUPERVISORS, guard
from dialer.web.errors import ApiError
from dialer.web.input import query_id, query_text, query_time
from dialer.web.routes.api_common import iso, page_of

READ = guard(roles=SUPERVISORS, scope=Scope.CALLS_READ.value)
RELATED = ("contact", "disposition", "agent__user")


def call_json(a: CallAttempt) -> dict[str, Any]:
    contact, disposition, agent = a.contact, a.disposition, a.agent
    return {
        "id": a.id, "campaign_id": a.campaign_id, "contact_id": a.contact_id,
        "external_id": contact.external_id if contact else None, "direction": a.direction.value,
        "phone": a.phone, "caller_id": a.caller_id, "agent": agent.user.username if agent else None,
        "originated_at": iso(a.originated_at), "ringing_at": iso(a.ringing_at), "answered_at": iso(a.answered_at),
        "bridged_at": iso(a.bridged_at), "ended_at": iso(a.ended_at),
        "outcome": a.outcome.value if a.outcome else None, "hangup_cause": a.hangup_cause,
        "disposition": {"code": disposition.code, "name": disposition.name} if disposition else None,
        "notes": a.notes, "callback_at": iso(a.callback_at), "wait_s": a.wait_s, "talk_s": a.talk_s,
        "wrap_up_s": a.wrap_up_s, "recorded": False,  # set by `with_recorded`
    }


async def with_recorded(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`recorded`: the call's recording is stored with the dialer (playable from its pages)."""
    stored = set(await Recording.filter(attempt_id__in=[i["id"] for i in items], state=RecordingState.STORED)
                 .values_list("attempt_id", flat=True)) if items else set()
    for item in items:
        item["recorded"] = item["id"] in stored
    return items


def _scoped(request: Request):
    user = request.state.principal.user
    query = CallAttempt.all().select_related(*RELATED)
    if user.role is not Role.ADMIN:
        query = query.filter(campaign__team_id=user.team_id if user.team_id is not None else -1)
    return query


@READ
async def calls(request: Request) -> Response:
    query = _scoped(request)
    if since := query_time(request, "since"):
        query = query.filter(originated_at__gte=since)
    if until := query_time(request, "until"):
        query = query.filter(originated_at__lt=until)
    if campaign_id := query_id(request, "campaign_id"):
        query = query.filter(campaign_id=campaign_id)
    q = request.query_params
    if external_id := query_text(request, "external_id", 128):
        query = query.filter(contact__external_id=external_id)
    if outcome := q.get("outcome"):
        if outcome not in {o.value for o in CallOutcome}:
            raise ApiError(422, "outcome: one of " + ", ".join(o.value for o in CallOutcome) + ".", field="outcome")
        query = query.filter(outcome=outcome)
    if direction := q.get("direction"):
        if direction not in {d.value for d in CallDirection}:
            raise ApiError(422, "direction: one of " + ", ".join(d.value for d in CallDirection) + ".",
                           field="direction")
        query = query.filter(direction=direction)
    if (recorded := q.get("has_recording")) is not None:
        if recorded not in ("true", "false"):
            raise ApiError(422, "has_recording: true or false.", field="has_recording")
        stored = Recording.filter(state=RecordingState.STORED).values_list("attempt_id", flat=True)
        query = query.filter(id__in=Subquery(stored)) if recorded == "true" else \
            query.exclude(id__in=Subquery(stored))
    page = await page_of(query, request, call_json, order="-originated_at")
    await with_recorded(page["items"])
    return JSONResponse(page)


@READ
async def call(request: Request) -> Response:
    attempt = await _scoped(request).get_or_none(id=request.path_params["call_id"])
    if attempt is None:
        raise ApiError(404, "No such call.")
    events = await CallEvent.filter(attempt_id=attempt.id).order_by("at", "id")
    return JSONResponse({**(await with_recorded([call_json(attempt)]))[0],
                         "events": [{"at": iso(e.at), "kind": e.kind, "payload": e.payload} for e in events]})


routes = [
    Route("/api/v1/calls", calls, methods=["GET"]),
    Route("/api/v1/calls/{call_id:id}", call, methods=["GET"]),
]
