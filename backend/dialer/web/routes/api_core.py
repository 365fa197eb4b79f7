"""The API's own basics: health, who am I, and tokens for the caller."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise import connections

from dialer import __version__
from dialer.accounts.tokens import issue_token, revoke_token
from dialer.models import ApiToken
from dialer.web.auth import guard
from dialer.web.errors import ApiError
from dialer.web.input import json_object
from dialer.web.routes.api_common import resource
from dialer.web.routes.account import scopes_for


async def health(request: Request) -> Response:
    """Liveness and database reachability, for load balancers and monitoring (no auth)."""
    started = time.perf_counter()
    try:
        await connections.get("default").execute_query("SELECT 1")
        db_ok = True
    except Exception:  # the point is to report any failure, whatever it is
        db_ok = False
    body = {"status": "ok" if db_ok else "degraded", "version": __version__, "database": db_ok,
            "db_ms": round((time.perf_counter() - started) * 1000, 2)}
    return JSONResponse(body, status_code=200 if db_ok else 503)


def _token_json(t: ApiToken) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "prefix": t.prefix, "scopes": t.scopes,
            "created_at": t.created_at.isoformat(), "expires_at": t.expires_at.isoformat() if t.expires_at else None,
            "revoked": t.revoked_at is not None}


@guard(any_token=True)
async def me(request: Request) -> Response:
    p = request.state.principal
    u = p.user
    return JSONResponse({"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role.value,
                         "team": u.team.name if getattr(u, "team", None) else None,
                         "auth": "token" if p.token else "session",
                         "scopes": p.token.scopes if p.token else None})


@guard()  # a session only: a token can never mint tokens
async def create_token(request: Request) -> Response:
    """A session user (e.g. the agent panel handing a token to the extension) gets a token."""
    p = request.state.principal  # a session: the guard refuses tokens here
    body = await json_object(request)
    scopes = body.get("scopes")
    if not isinstance(scopes, list) or not scopes or not all(isinstance(s, str) for s in scopes):
        raise ApiError(422, "scopes: a non-empty list of scope names.", field="scopes")
    not_allowed = sorted(set(scopes) - set(scopes_for(p.user.role)))
    if not_allowed:
        raise ApiError(403, f"Your role cannot grant: {', '.join(not_allowed)}.", field="scopes")
    hours = body.get("hours", 24 * 90)
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 24 * 730:
        raise ApiError(422, "hours: a whole number from 1 to 17520.", field="hours")
    name = body.get("name", "")
    if not isinstance(name, str) or len(name) > 100:
        raise ApiError(422, "name: text of at most 100 characters.", field="name")
    issued = await issue_token(p.user, scopes, name=name, ttl=timedelta(hours=hours))
    return JSONResponse({**_token_json(issued.token), "token": issued.secret}, status_code=201)


@guard()
async def list_tokens(request: Request) -> Response:
    tokens = await ApiToken.filter(user=request.state.principal.user).order_by("-created_at")
    return JSONResponse({"tokens": [_token_json(t) for t in tokens]})


@guard()
async def delete_token(request: Request) -> Response:
    p = request.state.principal
    token = await ApiToken.get_or_none(id=request.path_params["token_id"], user=p.user)
    if token is None:
        raise ApiError(404, "No such token.")
    await revoke_token(token.id)
    return Response(status_code=204)


routes = [
    Route("/health", health, methods=["GET"]),
    Route("/api/v1/health", health, methods=["GET"]),
    Route("/api/v1/me", me, methods=["GET"]),
    resource("/api/v1/tokens", get=list_tokens, post=create_token),  # one route: a 405's Allow names both
    Route("/api/v1/tokens/{token_id:id}", delete_token, methods=["DELETE"]),
]
