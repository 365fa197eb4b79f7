"""The call form's DNC button (`POST /api/v1/agent/dnc`): the customer asked never to be
called again, so the agent puts the number of the call they are on (or wrapping up) on the
do-not-call list at once, where the campaign's "do not call" disposition would (everywhere, or
in this campaign; for good or some days). The disposition is still theirs to choose.
"""

from __future__ import annotations

from datetime import datetime, timezone

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dialer.accounts.tokens import Scope
from dialer.dnc.entries import add_number, agent_rule, entry_json
from dialer.models import CallAttempt
from dialer.models.enums import DncSource
from dialer.web.auth import EVERYONE, guard
from dialer.web.errors import ApiError
from dialer.web.input import json_object
from dialer.web.routes.agent_common import agent_of, engine_of

agent_guard = guard(roles=EVERYONE, scope=Scope.AGENT.value)
NOT_YOURS = "That call is not yours, or it was already closed."


@agent_guard
async def add_to_dnc(request: Request) -> Response:
    user = request.state.principal.user
    agent = await agent_of(user)
    body = await json_object(request)  # read first: a bad request is a 4xx, engine or not
    call_id = body.get("call_id")
    if not isinstance(call_id, str) or not call_id or len(call_id) > 64:
        raise ApiError(422, "call_id: the call this form is about.", field="call_id")
    call = engine_of(request.app).agent_call(agent.id)
    if call is None or call.call_id != call_id:
        raise ApiError(409, NOT_YOURS)
    attempt = await CallAttempt.get_or_none(id=call.attempt_id)
    if attempt is None or not attempt.phone:
        raise ApiError(409, NOT_YOURS)
    rule = await agent_rule(call.campaign_id)
    entry, created = await add_number(attempt.phone, source=DncSource.AGENT, added_by=user.username,
                                      campaign_id=rule.campaign_for(call.campaign_id),
                                      expires_at=rule.expiry(datetime.now(timezone.utc)),
                                      reason=f"asked on call {call.attempt_id}")
    return JSONResponse({"ok": True, "created": created, "dnc": entry_json(entry)})


routes = [Route("/api/v1/agent/dnc", add_to_dnc, methods=["POST"])]
