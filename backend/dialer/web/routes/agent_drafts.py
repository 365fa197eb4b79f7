"""The call form's draft (`/api/v1/agent/draft`): what the agent has typed but not yet saved,
sent by the panel a second after the last change and when a field is left. The engine keeps
it with the call, so a wrap-up that ends by itself keeps the notes, and a reloaded panel gets
the form back. Not the disposition itself: that is `POST /api/v1/agent/disposition`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dialer.accounts.tokens import Scope
from dialer.engine.engine import AgentError
from dialer.web.auth import EVERYONE, guard
from dialer.web.errors import ApiError
from dialer.web.input import json_object, optional_id, parse_time, text
from dialer.web.routes.agent_common import agent_error, agent_of, engine_of
from dialer.web.routes.api_common import resource

agent_guard = guard(roles=EVERYONE, scope=Scope.AGENT.value)


@agent_guard
async def read_draft(request: Request) -> Response:
    """The draft of the agent's current call, or null."""
    agent = await agent_of(request.state.principal.user)
    engine = getattr(request.app.state, "engine", None)  # no engine here: no call, so no draft
    return JSONResponse({"draft": engine.wrap_up_draft(agent.id) if engine else None})


@agent_guard
async def save_draft(request: Request) -> Response:
    agent = await agent_of(request.state.principal.user)
    body = await json_object(request)  # read first: a bad request is a 4xx, engine or not
    call_id = body.get("call_id")
    if not isinstance(call_id, str) or not call_id or len(call_id) > 64:
        raise ApiError(422, "call_id: the call this form is about.", field="call_id")
    # A draft may be incomplete: no disposition chosen yet, no callback time yet.
    disposition_id = optional_id(body.get("disposition_id"), "disposition_id",
                                 "disposition_id: one of the campaign's dispositions, or null.")
    notes = text(body.get("notes", ""), "notes", 10_000)
    callback_at = parse_time(body.get("callback_at"), "callback_at", zone_required=True)
    engine = engine_of(request.app)
    try:
        draft = await engine.save_wrap_up_draft(agent.id, call_id, disposition_id, notes, callback_at)
    except AgentError as exc:
        raise agent_error(exc) from None
    return JSONResponse({"ok": True, "draft": draft})


routes = [resource("/api/v1/agent/draft", get=read_draft, post=save_draft)]
