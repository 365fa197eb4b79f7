"""`/ws/agent`: one agent's live stream, for their panel (session cookie) and their browser
extension (`?token=` with scope "agent").

On connect the server sends `{"type": "snapshot", ...}` (state, open call, offer, figures),
then every hub event of the topic `agent:<id>`. `{"type": "ping"}` gets `{"type": "pong"}`;
any other message from the client (e.g. live.js's `subscribe`) is ignored. `auth.revoked`
ends a token's socket (4401).

Presence: each open socket tells the engine somebody is at a screen of the agent's (panel or
extension). The clients ping every 15 s (panel) or 20 s (extension); one silent for
`HEARTBEAT_S` is closed (4408): longer than a minute, as Chrome runs a hidden tab's timers
once a minute after five minutes hidden, and a hidden panel is still a present agent. With
none left for the engine's grace period (20 s by default, DIALER_PRESENCE_GRACE_S) a ready or
reserved agent becomes "not ready (disconnected)" and resumes with one click; nobody is logged
out for being quiet.
"""

from __future__ import annotations

import logging

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from dialer.accounts.tokens import TokenError, authenticate_token
from dialer.models import Agent, User
from dialer.web.routes.agent_common import AGENT_SCOPE, snapshot
from dialer.web.auth import session_user
from dialer.web.live_socket import serve_live

log = logging.getLogger(__name__)

CLOSE_UNAUTHORISED = 4401
CLOSE_FORBIDDEN = 4403
FORWARDED = {"agent.state", "call.offered", "call.connected", "call.ended", "call.offer_expired",
             "disposition.saved", "auth.revoked"}
REFRESH_FIGURES = {"call.ended", "disposition.saved"}
HEARTBEAT_S = 75.0


async def _caller(websocket: WebSocket) -> tuple[User, bool] | None:
    """The user, and whether they came with a token (the extension) rather than a session."""
    token = websocket.query_params.get("token")
    if token:
        try:
            row = await authenticate_token(token)
        except TokenError:
            return None
        return (row.user, True) if AGENT_SCOPE in row.scopes else None
    user = await session_user(websocket)
    return (user, False) if user is not None else None


async def agent_socket(websocket: WebSocket) -> None:
    who = await _caller(websocket)
    if who is None:
        await websocket.close(code=CLOSE_UNAUTHORISED)  # before accept: the handshake fails
        return
    user, by_token = who
    agent = await Agent.get_or_none(user_id=user.id)
    if agent is None:
        await websocket.close(code=CLOSE_FORBIDDEN)
        return
    await websocket.accept()
    app = websocket.app
    # Subscribe before the snapshot is read (serve_live sends it), so nothing falls between.
    subscription = app.state.hub.subscribe(f"agent:{agent.id}")

    async def forward() -> None:
        from dialer.web.routes.agent_common import figures

        async for _, event in subscription:
            kind = event.get("type")
            if kind not in FORWARDED:
                continue
            await websocket.send_json(event)
            if kind == "auth.revoked" and by_token:
                await websocket.close(code=CLOSE_UNAUTHORISED)
                return
            if kind in REFRESH_FIGURES:
                await websocket.send_json(await figures(agent.id, getattr(app.state, "engine", None)))

    engine = getattr(app.state, "engine", None)
    if engine is not None:
        engine.agent_screen_opened(agent.id)
    try:
        await serve_live(websocket, subscription,
                         lambda: snapshot(getattr(app.state, "engine", None), agent, user), forward,
                         heartbeat_s=HEARTBEAT_S)
    finally:
        if engine is not None:
            engine.agent_screen_closed(agent.id)


routes = [WebSocketRoute("/ws/agent", agent_socket)]
