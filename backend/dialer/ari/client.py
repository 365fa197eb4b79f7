"""`AriClient`, the one object the telephony layer holds per Asterisk and Stasis app: it owns
the aiohttp session, exposes the REST resources, and runs the events websocket. It does not
decide anything about calls; see `telephony/` and `engine/` for that.

    client = AriClient("http://127.0.0.1:8088/ari", "dialer", "secret", app="dialer")
    client.on("StasisStart", on_stasis_start)       # register before starting
    client.on_connected(resync)                     # after each (re)connect, in event order
    async with client:
        await client.wait_connected(timeout=5)
        await client.channels.originate("Local/5550000018@customers", channel_id=uuid4().hex)
"""

from __future__ import annotations

import asyncio
import base64
import random
from types import TracebackType
from urllib.parse import quote

import aiohttp

from dialer.ari.bridges import Bridges
from dialer.ari.channels import Channels
from dialer.ari.media import Playbacks, Recordings
from dialer.ari.models import Snapshot
from dialer.ari.system import Applications, AsteriskResource
from dialer.ari.transport import Transport
from dialer.ari.websocket import Backoff, Callback, ConnectionState, EventHandler, EventStream


class AriClient:
    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        app: str,
        request_timeout: float = 10.0,
        connect_timeout: float = 5.0,
        backoff: Backoff = Backoff(),
        heartbeat: float | None = 10.0,
        subscribe_all: bool = False,
        max_connections: int = 100,
        rng: random.Random | None = None,
    ) -> None:
        """`base_url` is the ARI root, e.g. `http://127.0.0.1:8088/ari`.

        `max_connections` bounds concurrent REST requests (and sockets to Asterisk); a burst
        of originates beyond it waits for a free connection rather than opening hundreds.
        """
        self.base_url = base_url.rstrip("/")
        self.app = app
        # The header is built here: aiohttp deprecates BasicAuth, and its replacement exists
        # only in recent 3.x releases.
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._auth_headers = {"Authorization": f"Basic {token}"}
        self._max_connections = max_connections
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None
        timeout = aiohttp.ClientTimeout(total=request_timeout, connect=connect_timeout)
        self._transport = Transport(self.base_url, self._require_session, timeout=timeout)
        self.events = EventStream(
            url=_events_url(self.base_url, app, username, password, subscribe_all),
            app=app,
            session=self._require_session,
            backoff=backoff,
            connect_timeout=connect_timeout,
            heartbeat=heartbeat,
            rng=rng,
        )
        self.channels = Channels(self._transport, default_app=app, guard=self._guard_app)
        self.bridges = Bridges(self._transport)
        self.playbacks = Playbacks(self._transport)
        self.recordings = Recordings(self._transport)
        self.applications = Applications(self._transport)
        self.asterisk = AsteriskResource(self._transport)

    # -- events (delegated so that callers need only the client) ---------------------------

    def on(self, event_type: str, handler: EventHandler) -> None:
        """Handle events of one type (e.g. "StasisStart"), strictly in arrival order."""
        self.events.on(event_type, handler)

    def on_any(self, handler: EventHandler) -> None:
        self.events.on_any(handler)

    def on_connected(self, callback: Callback) -> None:
        """After every (re)connect, before that socket's first event: resync from snapshot()."""
        self.events.on_connected(callback)

    def on_disconnected(self, callback: Callback) -> None:
        self.events.on_disconnected(callback)

    def on_replaced(self, callback: Callback) -> None:
        """Another process took the app name; the client stops reconnecting. Alert a human;
        `start()` takes the app back."""
        self.events.on_replaced(callback)

    @property
    def state(self) -> ConnectionState:
        return self.events.state

    @property
    def connected(self) -> bool:
        return self.events.connected

    async def wait_connected(self, timeout: float | None = None) -> None:
        await self.events.wait_connected(timeout)

    # -- REST conveniences ----------------------------------------------------------------

    async def snapshot(self) -> Snapshot:
        """Channels and bridges as Asterisk holds them now (both fetched concurrently)."""
        channels, bridges = await asyncio.gather(self.channels.list(), self.bridges.list())
        return Snapshot(channels=tuple(channels), bridges=tuple(bridges))

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the session and start the events websocket (without waiting for it).

        Calling it again after ApplicationReplaced takes the app back (an operator's call:
        the other process then gets ApplicationReplaced in turn).
        """
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._max_connections)
            self._session = aiohttp.ClientSession(headers=self._auth_headers, connector=connector)
        self.events.start()

    async def close(self) -> None:
        """Stop the websocket tasks, then close the session. Safe to call twice."""
        await self.events.close()
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def __aenter__(self) -> AriClient:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _require_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("AriClient is not started (use `async with client:` or start())")
        return self._session

    def _guard_app(self, app: str | None) -> None:
        # Only our own app is guarded: we cannot know the socket state of another client's.
        if app == self.app:
            self.events.require_connected()


def _events_url(base_url: str, app: str, username: str, password: str, subscribe_all: bool) -> str:
    ws_base = "ws" + base_url[len("http"):] if base_url.startswith("http") else base_url
    url = f"{ws_base}/events?app={quote(app)}&api_key={quote(username)}:{quote(password)}"
    return url + ("&subscribeAll=true" if subscribe_all else "")
