"""The agent's JSON API (`/api/v1/agent/...`), used by the agent panel (session cookie + CSRF
header) and the browser extension (bearer token with scope "agent").

Each route parses input, calls one engine method and shapes the answer; the engine says
what is allowed when (its refusals come back as 409 with the engine's message).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dialer.accounts.tokens import issue_token, revoke_user_tokens
from dialer.accounts.users import check_login
from dialer.engine.engine import AgentError
from dialer.models import Agent, PauseReason
from dialer.web.auth import EVERYONE, client_ip, guard
from dialer.web.errors import ApiError
from dialer.web.input import json_object, optional_id, parse_time, text, to_id
from dialer.web.routes.agent_common import (
    AGENT_SCOPE,
    agent_error,
    agent_of,
    call_view,
    campaign_json,
    engine_of,
    figures,
    joinable_campaigns,
    pause_reasons,
    private_contacts,
    snapshot,
)

TOKEN_HOURS = 12
_CHOOSE_REASON = "Choose one of the pause reasons."
agent_guard = guard(roles=EVERYONE, scope=AGENT_SCOPE)


async def _body(request: Request) -> dict[str, Any]:
    return await json_object(request, empty_ok=True)  # actions without arguments take no body


async def _me(request: Request) -> Agent:
    return await agent_of(request.state.principal.user)


def _ok(**extra: Any) -> JSONResponse:
    return JSONResponse({"ok": True, **extra})


# -- reading ---------------------------------------------------------------------------------

@agent_guard
async def state(request: Request) -> Response:
    agent = await _me(request)
    engine = getattr(request.app.state, "engine", None)
    return JSONResponse(await snapshot(engine, agent, request.state.principal.user))


@agent_guard
async def campaigns(request: Request) -> Response:
    await _me(request)
    rows = await joinable_campaigns(request.state.principal.user)
    return JSONResponse({"campaigns": [campaign_json(c) for c in rows], "pause_reasons": await pause_reasons()})


@agent_guard
async def my_figures(request: Request) -> Response:
    agent = await _me(request)
    return JSONResponse(await figures(agent.id, getattr(request.app.state, "engine", None)))


@agent_guard
async def current_call(request: Request) -> Response:
    agent = await _me(request)
    return JSONResponse({"call": await call_view(engine_of(request.app), agent.id)})


@agent_guard
async def my_private_contacts(request: Request) -> Response:
    agent = await _me(request)
    return JSONResponse({"contacts": await private_contacts(agent.id)})


# -- acting ----------------------------------------------------------------------------------

@agent_guard
async def login(request: Request) -> Response:
    agent = await _me(request)
    body = await _body(request)  # the request is read first: a bad one is a 4xx, engine or not
    engine = engine_of(request.app)
    wanted = body.get("campaign_ids")
    if not isinstance(wanted, list) or not wanted or len(wanted) > 100:
        raise ApiError(422, "campaign_ids: choose at least one campaign.", field="campaign_ids")
    wanted = [to_id(i, "campaign_ids", "campaign_ids: choose among your campaigns.") for i in wanted]
    allowed = {c.id for c in await joinable_campaigns(request.state.principal.user)}
    if not set(wanted) <= allowed:
        raise ApiError(403, "You may not join that campaign.", field="campaign_ids")
    try:
        await engine.agent_login(agent.id, set(wanted), agent.extension or None, ip=client_ip(request))
    except AgentError as exc:
        raise agent_error(exc) from None
    return _ok(state=engine.agent_state(agent.id))


async def _act(request: Request, action: str) -> Response:
    agent = await _me(request)
    body = await _body(request)  # the request is read first: a bad one is a 4xx, engine or not
    engine = engine_of(request.app)
    try:
        if action == "ready":
            await engine.agent_ready(agent.id)
        elif action == "pause":
            reason = await _pause_reason(body.get("reason_id"), body.get("reason"))
            await engine.agent_pause(agent.id, reason)
        elif action == "logout":
            await engine.agent_logout(agent.id)
        elif action == "hangup":
            await engine.agent_hangup(agent.id)
        elif action == "phone":
            await engine.agent_call_phone(agent.id)
        elif action == "preview_call":
            return _ok(call_id=await engine.preview_call(agent.id))
        elif action == "preview_skip":
            await engine.preview_skip(agent.id)
        elif action == "extend":
            seconds = body.get("seconds", 60)
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 1 <= seconds <= 600:
                raise ApiError(422, "seconds: from 1 to 600.", field="seconds")
            engine.extend_wrap_up(agent.id, float(seconds))
    except AgentError as exc:
        raise agent_error(exc) from None
    return _ok(state=engine.agent_state(agent.id))


async def _pause_reason(reason_id: Any, reason: Any) -> str:
    if reason_id is None and not reason:
        return "Pause"
    if reason_id is not None:
        row = await PauseReason.get_or_none(id=to_id(reason_id, "reason_id", _CHOOSE_REASON), active=True)
    else:
        row = await PauseReason.get_or_none(name=text(reason, "reason", 64), active=True)
    if row is None:
        raise ApiError(422, _CHOOSE_REASON, field="reason_id")
    return row.name


@agent_guard
async def ready(request: Request) -> Response:
    return await _act(request, "ready")


@agent_guard
async def pause(request: Request) -> Response:
    return await _act(request, "pause")


@agent_guard
async def logout(request: Request) -> Response:
    return await _act(request, "logout")


@agent_guard
async def hangup(request: Request) -> Response:
    return await _act(request, "hangup")


@agent_guard
async def call_phone(request: Request) -> Response:
    """Call the agent's phone again (persistent mode), e.g. after they hung it up."""
    return await _act(request, "phone")


@agent_guard
async def preview_call(request: Request) -> Response:
    return await _act(request, "preview_call")


@agent_guard
async def preview_skip(request: Request) -> Response:
    return await _act(request, "preview_skip")


@agent_guard
async def extend_wrap_up(request: Request) -> Response:
    return await _act(request, "extend")


@agent_guard
async def disposition(request: Request) -> Response:
    agent = await _me(request)
    body = await _body(request)  # the request is read first: a bad one is a 4xx, engine or not
    engine = engine_of(request.app)
    call_id, disposition_id = body.get("call_id"), body.get("disposition_id")
    if not isinstance(call_id, str) or not call_id or len(call_id) > 64:
        raise ApiError(422, "call_id: the call this form is about.", field="call_id")
    disposition_id = to_id(disposition_id, "disposition_id", "disposition_id: choose a disposition.")
    notes = text(body.get("notes", ""), "notes", 10_000)
    callback_at = parse_time(body.get("callback_at"), "callback_at", zone_required=True)
    try:
        await engine.save_disposition(agent.id, call_id, disposition_id, notes, callback_at,
                                      bool(body.get("private", False)))
    except AgentError as exc:
        raise agent_error(exc) from None
    return _ok(state=engine.agent_state(agent.id))


@agent_guard
async def dial(request: Request) -> Response:
    """Manual dial: a private contact (`contact_id`) or any number (`number`, click-to-dial)."""
    agent = await _me(request)
    body = await _body(request)  # the request is read first: a bad one is a 4xx, engine or not
    engine = engine_of(request.app)
    number, contact_id = body.get("number", ""), body.get("contact_id")
    contact_id = optional_id(contact_id, "contact_id", "contact_id: one of your private contacts.")
    if contact_id is None and (not isinstance(number, str) or not number.strip() or len(number) > 40):
        raise ApiError(422, "number: the phone number to dial.", field="number")
    try:
        call_id = await engine.manual_dial(agent.id, str(number), contact_id)
    except AgentError as exc:
        raise agent_error(exc) from None
    return _ok(call_id=call_id)


# -- the extension's own sign-in -------------------------------------------------------------

async def extension_token(request: Request) -> Response:
    """User name + password -> an agent token for the extension (the fallback to the panel's
    hand-over); throttled exactly like the web login form."""
    body = await _body(request)
    username = str(body.get("username", ""))[:64].strip()
    password = str(body.get("password", ""))
    throttle = request.app.state.login_throttle
    ip, now = client_ip(request), datetime.now(timezone.utc)
    wait = await throttle.retry_after(username, ip, now)
    if wait > 0:
        raise ApiError(429, "Too many failed logins; try again later.", headers={"Retry-After": str(int(wait) + 1)})
    user = await check_login(username, password) if username and password else None
    if user is None:
        await throttle.record_failure(username, ip, now)
        raise ApiError(401, "Wrong user name or password.")
    await throttle.record_success(username)
    agent = await agent_of(user)
    issued = await issue_token(user, [AGENT_SCOPE], name="browser extension", ttl=timedelta(hours=TOKEN_HOURS))
    return JSONResponse({"token": issued.secret,
                         "expires_at": issued.token.expires_at.isoformat() if issued.token.expires_at else None,
                         "username": user.username, "agent_id": agent.id}, status_code=201)


@agent_guard
async def sign_out(request: Request) -> Response:
    """Sign the extension and the panel out: every agent token of this user ends, and every
    open panel or extension of theirs is told over its socket."""
    principal = request.state.principal
    agent = await _me(request)
    await revoke_user_tokens(principal.user, scope=AGENT_SCOPE)
    request.app.state.hub.publish_nowait(f"agent:{agent.id}", {"type": "auth.revoked", "agent_id": agent.id,
                                                                "by": "extension" if principal.token else "panel"})
    return _ok()


P = "/api/v1/agent"
routes = [
    Route(f"{P}/state", state, methods=["GET"]),
    Route(f"{P}/campaigns", campaigns, methods=["GET"]),
    Route(f"{P}/figures", my_figures, methods=["GET"]),
    Route(f"{P}/call", current_call, methods=["GET"]),
    Route(f"{P}/private-contacts", my_private_contacts, methods=["GET"]),
    Route(f"{P}/login", login, methods=["POST"]),
    Route(f"{P}/ready", ready, methods=["POST"]),
    Route(f"{P}/pause", pause, methods=["POST"]),
    Route(f"{P}/logout", logout, methods=["POST"]),
    Route(f"{P}/hangup", hangup, methods=["POST"]),
    Route(f"{P}/phone", call_phone, methods=["POST"]),
    Route(f"{P}/disposition", disposition, methods=["POST"]),
    Route(f"{P}/wrap-up/extend", extend_wrap_up, methods=["POST"]),
    Route(f"{P}/preview/call", preview_call, methods=["POST"]),
    Route(f"{P}/preview/skip", preview_skip, methods=["POST"]),
    Route(f"{P}/dial", dial, methods=["POST"]),
    Route(f"{P}/token", extension_token, methods=["POST"]),
    Route(f"{P}/sign-out", sign_out, methods=["POST"]),
]
