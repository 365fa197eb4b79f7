"""The live wallboard: a page, and a WebSocket that sends a snapshot and then hub events.

Protocol (`static/live.js` speaks it): the client sends `{"type": "subscribe", "topics":
[...]}` on every (re)connect; the server narrows the topics to what the viewer may see,
subscribes to the hub *before* reading the snapshot (so nothing falls between the two),
sends `{"type": "snapshot", ...}`, then every event with its `topic`. `{"type": "ping"}`
gets `{"type": "pong"}`, so a client notices a dead connection and reconnects. Every
COMPLIANCE_REFRESH_S the campaigns' compliance figures are read again from the record and sent
as `{"type": "campaign.compliance", ...}` (the engine's events carry only the capped window).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from dialer.hub import MemoryHub
from dialer.models import Agent, Campaign, User
from dialer.models.enums import Role
from dialer.stats.period import PeriodError, zone
from dialer.stats.wallboard import BoardScope, compliance_update, snapshot
from dialer.web.auth import SUPERVISORS, guard, session_user, template_context
from dialer.web.input import query_time_zone
from dialer.web.live_socket import serve_live
from dialer.web.routes.supervisor_common import default_tz

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
SUBSCRIBE_TIMEOUT_S = 10
COMPLIANCE_REFRESH_S = 120.0
"""How often an open wallboard's compliance figures are read again: each read scans the 30 days
of its campaigns' calls, as the snapshot does, so not at every event."""


def hub_of(app: Any) -> MemoryHub:
    hub = getattr(app.state, "hub", None)
    if hub is None:  # until app.py sets one, the first user creates it
        hub = app.state.hub = MemoryHub()
    return hub


@guard(roles=SUPERVISORS)
async def wallboard_page(request: Request) -> Response:
    ctx = template_context(request, tz=query_time_zone(request, default_tz(request)))
    return request.app.state.templates.TemplateResponse(request, "supervisor/wallboard.html", ctx)


async def allowed_topics(user: User, wanted: list[str]) -> tuple[list[str], BoardScope]:
    """The hub topics the viewer gets for what the page asked, and the snapshot's scope."""
    if user.role is Role.ADMIN:
        topics = [t for t in wanted if t == "floor" or t.split(":", 1)[0] in {"campaign", "team", "agent"}]
        return topics or ["floor"], BoardScope()
    team = user.team_id
    if team is None:
        return [], BoardScope(team_ids=(-1,))
    campaigns = {c.id for c in await Campaign.filter(team_id=team)}
    agents = {a.id for a in await Agent.filter(user__team_id=team)}
    own = [f"team:{team}"] + [f"campaign:{c}" for c in sorted(campaigns)]
    topics: list[str] = []
    for t in wanted:
        kind, _, ident = t.partition(":")
        if t == "floor" or (kind == "team" and ident == str(team)):
            topics += own
        elif (kind == "campaign" and ident.isdigit() and int(ident) in campaigns) or \
                (kind == "agent" and ident.isdigit() and int(ident) in agents):
            topics.append(t)
    return sorted(set(topics)) or own, BoardScope(team_ids=(team,))


async def wallboard_socket(websocket: WebSocket) -> None:
    user = await session_user(websocket)
    if user is None or user.role not in SUPERVISORS:
        await websocket.close(code=CLOSE_FORBIDDEN)  # before accept: the handshake gets a 403
        return
    await websocket.accept()
    try:
        tz = websocket.query_params.get("tz") or str(websocket.app.state.settings.extra.get("timezone", "UTC"))
        zone(tz)
    except PeriodError:
        tz = "UTC"
    try:
        first = await asyncio.wait_for(websocket.receive_json(), SUBSCRIBE_TIMEOUT_S)
    except (asyncio.TimeoutError, WebSocketDisconnect, ValueError):
        with contextlib.suppress(Exception):
            await websocket.close()
        return
    wanted = [str(t) for t in first.get("topics", ["floor"])] if isinstance(first, dict) else ["floor"]
    topics, scope = await allowed_topics(user, wanted)
    if not topics:
        await websocket.close(code=CLOSE_FORBIDDEN)
        return
    hub = hub_of(websocket.app)
    subscription = hub.subscribe(*topics)

    async def events() -> None:
        last: object = None
        async for topic, event in subscription:
            # The engine publishes one event object on several topics (floor, team,
            # campaign); a viewer subscribed to two of them needs it once.
            if event is last:
                continue
            last = event
            await websocket.send_json({**event, "topic": topic})

    async def refresh_compliance() -> None:
        while True:
            await asyncio.sleep(COMPLIANCE_REFRESH_S)
            try:
                update = await compliance_update(datetime.now(timezone.utc), tz, scope)
            except Exception:
                log.exception("reading the wallboard's compliance figures failed; trying again later")
                continue
            await websocket.send_json(update)

    async def forward() -> None:
        refresher = asyncio.create_task(refresh_compliance())
        try:
            await events()
        finally:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await refresher

    async def first() -> dict[str, Any]:
        return await snapshot(datetime.now(timezone.utc), tz, scope) | {"topics": topics}

    await serve_live(websocket, subscription, first, forward)


routes = [
    Route("/wallboard", wallboard_page, methods=["GET"]),
    WebSocketRoute("/ws/wallboard", wallboard_socket),
]
