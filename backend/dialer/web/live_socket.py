"""Serving a live WebSocket (the agent panel's, the wallboard's): a first snapshot, then hub
events forwarded by the page's own rule, the client's pings answered, until either side ends.

A viewer that falls behind the hub is closed with CLOSE_RESYNC: its client reconnects and
starts again from a fresh snapshot, rather than holding the engine's publisher back. With
`heartbeat_s`, a client silent that long (its pings stopped: a dead network, a frozen laptop)
is closed with CLOSE_SILENT, so a socket that is open only on our side counts for nobody.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Awaitable, Callable

from starlette.websockets import WebSocket, WebSocketDisconnect

from dialer.hub import HubSubscription, Overflowed

CLOSE_RESYNC = 4409
CLOSE_SILENT = 4408


async def serve_live(websocket: WebSocket, subscription: HubSubscription,
                     snapshot: Callable[[], Awaitable[dict[str, Any]]],
                     forward: Callable[[], Awaitable[None]], heartbeat_s: float | None = None) -> None:
    """Subscribe first (the caller did), then snapshot: nothing falls between the two."""
    pump: asyncio.Task[None] | None = None

    async def pump_events() -> None:
        try:
            await forward()
        except Overflowed:
            await websocket.close(code=CLOSE_RESYNC)

    try:
        await websocket.send_json(await snapshot())
        pump = asyncio.create_task(pump_events())
        while True:
            try:
                message = await asyncio.wait_for(websocket.receive_json(), heartbeat_s)
            except (asyncio.TimeoutError, TimeoutError):
                await websocket.close(code=CLOSE_SILENT)
                return
            if isinstance(message, dict) and message.get("type") == "ping":
                await websocket.send_json({"type": "pong"})
    except (WebSocketDisconnect, RuntimeError, ValueError):
        pass  # the client went away, we closed it, or it sent something that is not JSON
    finally:
        subscription.close()
        if pump is not None:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump
