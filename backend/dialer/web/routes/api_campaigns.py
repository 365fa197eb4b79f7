"""API for the customer's IS: campaigns, their status (counters and why not dialing), and control."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dialer.accounts.tokens import Scope
from dialer.campaigns.control import Action, ControlError, control_campaign
from dialer.campaigns.status import campaign_status
from dialer.models import Campaign
from dialer.web.auth import SUPERVISORS, guard
from dialer.web.errors import ApiError
from dialer.web.routes.admin_campaigns import live_reasons
from dialer.web.routes.admin_crud import actor_of
from dialer.web.input import json_object, reject_unknown
from dialer.web.routes.api_common import iso, page_of, team_filter

READ = guard(roles=SUPERVISORS, scope=Scope.CAMPAIGNS_READ.value)
CONTROL = guard(roles=SUPERVISORS, scope=Scope.CAMPAIGNS_CONTROL.value)


def campaign_json(c: Campaign) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "mode": c.mode.value, "status": c.status.value, "archived": c.archived,
            "team_id": c.team_id, "started_at": iso(c.started_at)}


async def _campaign(request: Request) -> Campaign:
    # Another team's campaign is "not found": a supervisor's token must not learn it exists.
    campaign = await Campaign.get_or_none(id=request.path_params["campaign_id"],
                                          **team_filter(request.state.principal.user))
    if campaign is None:
        raise ApiError(404, "No such campaign.")
    return campaign


@READ
async def campaigns(request: Request) -> Response:
    query = Campaign.filter(**team_filter(request.state.principal.user))
    return JSONResponse(await page_of(query, request, campaign_json, order="name"))


@READ
async def status(request: Request) -> Response:
    campaign = await _campaign(request)
    return JSONResponse(await campaign_status(campaign, live=live_reasons(request, campaign)))


def _control(action: Action):
    @CONTROL
    async def endpoint(request: Request) -> Response:
        campaign = await _campaign(request)
        mode = None
        if action is Action.CLEAR:
            body = await json_object(request)
            reject_unknown(body, {"mode"})
            mode = body.get("mode")
            if mode not in ("pending", "attempts"):
                raise ApiError(422, "mode: 'pending' (contacts start over) or 'attempts' (counters reset).",
                               field="mode")
        try:
            event = await control_campaign(campaign, action, actor=actor_of(request), clear_mode=mode,
                                           hub=getattr(request.app.state, "hub", None))
        except ControlError as exc:
            raise ApiError(exc.status, exc.message) from None
        return JSONResponse({**campaign_json(campaign), "event": event})

    endpoint.__name__ = f"campaign_{action.value}"
    return endpoint


routes = [
    Route("/api/v1/campaigns", campaigns, methods=["GET"]),
    Route("/api/v1/campaigns/{campaign_id:id}", status, methods=["GET"]),
    *(Route(f"/api/v1/campaigns/{{campaign_id:id}}/{a.value}", _control(a), methods=["POST"]) for a in Action),
]
