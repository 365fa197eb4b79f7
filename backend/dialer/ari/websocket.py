"""The events websocket of one Stasis application: a reader task that drains the socket into an
unbounded queue and reconnects with capped, jittered exponential backoff, and one dispatcher
task that runs handlers strictly in arrival order. Knows ARI event names, not what they mean.

Why two tasks: Asterisk closes a websocket it cannot write to within about a second and the
events are lost, so the socket must be read even while a handler is slow; and running each
event as its own task would lose their order, which call state machines depend on.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import random
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Awaitable, Callable

import aiohttp

from dialer.ari.errors import NotConnected
from dialer.ari.events import Event, MalformedEvent, parse_event

log = logging.getLogger("dialer.ari.events")

EventHandler = Callable[[Event], Awaitable[None] | None]
Callback = Callable[[], Awaitable[None] | None]


class ConnectionState(StrEnum):
    IDLE = "idle"                  # not started
    CONNECTING = "connecting"      # handshake in progress
    CONNECTED = "connected"        # Asterisk knows the app; events flow
    DISCONNECTED = "disconnected"  # dropped or refused; waiting to retry
    REPLACED = "replaced"          # another client took the app name: we stopped retrying
    CLOSED = "closed"              # closed by us


_TERMINAL = frozenset({ConnectionState.REPLACED, ConnectionState.CLOSED})


@dataclass(frozen=True)
class Backoff:
    """Delays between reconnect attempts: initial * factor**attempt, capped, minus jitter.

    The jitter spreads the reconnects of several dialer processes after an Asterisk restart.
    """

    initial: float = 0.25
    factor: float = 2.0
    maximum: float = 15.0
    jitter: float = 0.5  # up to this fraction of each delay is randomly taken off
    # A connection that lived this long resets the attempt counter; a server that accepts
    # and at once drops us keeps backing off instead of being hammered.
    stable_after: float = 10.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        base = min(self.maximum, self.initial * self.factor ** min(attempt, 64))
        return base * (1.0 - self.jitter * rng.random())


# Markers the reader puts in the queue between events, so that the owner's callbacks run in
# order with the events: "disconnected" after the last event of the old socket, "connected"
# before the first event of the new one.
_CONNECTED = object()
_DISCONNECTED = object()
_REPLACED = object()

_YIELD_EVERY = 64        # events dispatched back to back before letting the loop breathe
_BACKLOG_WARNING = 1000  # queued events that earn a warning; then 10x that, and so on


class EventStream:
    """One websocket to `/ari/events?app=...`, kept open until `close()`."""

    def __init__(
        self,
        *,
        url: str,
        app: str,
        session: Callable[[], aiohttp.ClientSession],
        backoff: Backoff = Backoff(),
        connect_timeout: float = 5.0,
        heartbeat: float | None = 10.0,
        rng: random.Random | None = None,
    ) -> None:
        self.url = url
        self.app = app
        self._session = session
        self._backoff = backoff
        self._connect_timeout = connect_timeout
        self._heartbeat = heartbeat
        self._rng = rng or random.Random()
        self._handlers: dict[str, list[EventHandler]] = {}
        self._any_handlers: list[EventHandler] = []
        self._callbacks: dict[object, list[Callback]] = {_CONNECTED: [], _DISCONNECTED: [], _REPLACED: []}
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._state = ConnectionState.IDLE
        self._state_changed = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self._closing = False
        self._backlog_warning = _BACKLOG_WARNING
        self.connects = 0          # successful handshakes so far
        self.last_error: str = ""  # why the last connection attempt failed or ended

    # -- registration ---------------------------------------------------------------------

    def on(self, event_type: str, handler: EventHandler) -> None:
        """Run `handler(event)` for each event of this type, in arrival order."""
        self._handlers.setdefault(event_type, []).append(handler)

    def on_any(self, handler: EventHandler) -> None:
        """Run `handler(event)` for every event, after the type-specific handlers."""
        self._any_handlers.append(handler)

    def on_connected(self, callback: Callback) -> None:
        """Called (in event order) after each handshake, the first included: resync here."""
        self._callbacks[_CONNECTED].append(callback)

    def on_disconnected(self, callback: Callback) -> None:
        """Called (in event order) when the socket drops; reconnecting goes on meanwhile."""
        self._callbacks[_DISCONNECTED].append(callback)

    def on_replaced(self, callback: Callback) -> None:
        """Called when another client took the app over; this stream then stops for good."""
        self._callbacks[_REPLACED].append(callback)

    # -- state ----------------------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def connected(self) -> bool:
        return self._state is ConnectionState.CONNECTED

    @property
    def pending(self) -> int:
        """Events read from the socket and not yet dispatched."""
        return self._queue.qsize()

    def require_connected(self) -> None:
        if self._state is not ConnectionState.CONNECTED:
            raise NotConnected(f"events websocket of app {self.app!r} is {self._state.value}")

    async def wait_connected(self, timeout: float | None = None) -> None:
        """Return once connected; NotConnected if replaced/closed, TimeoutError on timeout."""
        async with asyncio.timeout(timeout):
            while self._state is not ConnectionState.CONNECTED:
                if self._state in _TERMINAL:
                    self.require_connected()
                await self._state_changed.wait()

    def _set_state(self, state: ConnectionState) -> None:
        if state is self._state:
            return
        log.debug("app %s: %s -> %s", self.app, self._state.value, state.value)
        self._state = state
        # Wake every waiter, then arm a fresh Event for the next change.
        self._state_changed.set()
        self._state_changed = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start reading and dispatching; after ApplicationReplaced, take the app back."""
        self._closing = False
        if self._reader is None or self._reader.done():
            # Set now, not when the task first runs: a wait_connected() right after start()
            # must not see the old REPLACED/CLOSED state and give up.
            self._set_state(ConnectionState.CONNECTING)
            self._reader = asyncio.create_task(self._read_forever(), name=f"ari-reader-{self.app}")
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch_forever(),
                                                   name=f"ari-dispatch-{self.app}")

    async def close(self) -> None:
        """Stop reading and dispatching; events still queued are dropped."""
        self._closing = True
        current = asyncio.current_task()
        tasks = [t for t in (self._reader, self._dispatcher) if t is not None and t is not current]
        for task in tasks:
            task.cancel()
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close()
        await asyncio.gather(*tasks, return_exceptions=True)
        # If a handler called close(), its dispatcher leaves its loop after that handler.
        self._reader = self._dispatcher = None
        self._set_state(ConnectionState.CLOSED)

    # -- reader ---------------------------------------------------------------------------

    async def _read_forever(self) -> None:
        attempt = 0
        while not self._closing:
            self._set_state(ConnectionState.CONNECTING)
            try:
                async with asyncio.timeout(self._connect_timeout):
                    ws = await self._session().ws_connect(self.url, heartbeat=self._heartbeat)
            except Exception as exc:  # noqa: BLE001 - the reader must outlive any failure
                self.last_error = f"connect failed: {_describe(exc)}"
                # Asterisk may stay down for minutes: say it early, then only now and then.
                level = logging.WARNING if attempt < 3 or attempt % 20 == 0 else logging.DEBUG
                log.log(level, "app %s: events websocket %s (attempt %d)", self.app,
                        self.last_error, attempt + 1)
                self._set_state(ConnectionState.DISCONNECTED)
                await asyncio.sleep(self._backoff.delay(attempt, self._rng))
                attempt += 1
                continue

            self._ws = ws
            self.connects += 1
            connected_at = time.monotonic()
            self._set_state(ConnectionState.CONNECTED)
            self._queue.put_nowait(_CONNECTED)
            log.info("app %s: events websocket connected", self.app)
            replaced = await self._drain(ws)
            self._ws = None
            await ws.close()
            if self._closing:
                return
            if replaced:
                self.last_error = "ApplicationReplaced: another client took the app"
                log.error("app %s: %s; not reconnecting", self.app, self.last_error)
                self._set_state(ConnectionState.REPLACED)
                self._queue.put_nowait(_REPLACED)
                return
            if ws.exception() is not None:
                self.last_error = f"socket dropped: {_describe(ws.exception())}"
            else:
                self.last_error = f"socket closed by peer (code {ws.close_code})"
            log.warning("app %s: events websocket %s", self.app, self.last_error)
            self._set_state(ConnectionState.DISCONNECTED)
            self._queue.put_nowait(_DISCONNECTED)
            if time.monotonic() - connected_at >= self._backoff.stable_after:
                attempt = 0
            await asyncio.sleep(self._backoff.delay(attempt, self._rng))
            attempt += 1

    async def _drain(self, ws: aiohttp.ClientWebSocketResponse) -> bool:
        """Move messages to the queue until the socket ends; True if the app was replaced."""
        try:
            async for msg in ws:
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    if msg.type is aiohttp.WSMsgType.ERROR:
                        return False
                    log.warning("app %s: ignoring non-text websocket message %s", self.app, msg.type)
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    log.warning("app %s: skipping malformed event JSON: %.200r", self.app, msg.data)
                    continue
                self._queue.put_nowait((time.time(), data))
                if self._queue.qsize() >= self._backlog_warning:
                    # Handlers are falling behind (each event is still read and kept).
                    log.warning("app %s: %d events waiting for slow handlers", self.app,
                                self._queue.qsize())
                    self._backlog_warning *= 10
                if isinstance(data, dict) and data.get("type") == "ApplicationReplaced" \
                        and data.get("application", self.app) == self.app:
                    return True
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            log.warning("app %s: websocket read failed: %s", self.app, _describe(exc))
        except Exception:  # noqa: BLE001 - reconnect rather than stop reading for good
            log.exception("app %s: unexpected error reading the websocket", self.app)
        return False

    # -- dispatcher -----------------------------------------------------------------------

    async def _dispatch_forever(self) -> None:
        handled = 0
        while not self._closing:
            if self._queue.empty():
                self._backlog_warning = _BACKLOG_WARNING
            else:
                handled += 1
                if handled % _YIELD_EVERY == 0:
                    # Queue.get() and sync handlers never suspend, so a long backlog would
                    # hold the loop: let the socket (and REST replies) be read in between.
                    await asyncio.sleep(0)
            item = await self._queue.get()
            if item is _CONNECTED or item is _DISCONNECTED or item is _REPLACED:
                for callback in list(self._callbacks[item]):
                    await self._run(callback)
                continue
            received_at, data = item
            event_type = data.get("type") if isinstance(data, dict) else None
            if not isinstance(event_type, str) or not event_type:
                log.warning("app %s: skipping malformed event (no type): %.200r", self.app, data)
                continue
            handlers = self._handlers.get(event_type)
            if not handlers and not self._any_handlers:
                # Most events (ChannelDialplan, ChannelVarset...) interest nobody: typing
                # them would be the bulk of the client's CPU at load.
                continue
            try:
                event = parse_event(data, received_at)
            except MalformedEvent as exc:
                log.warning("app %s: skipping malformed event: %s", self.app, exc)
                continue
            except Exception:  # noqa: BLE001 - a parser bug must not stop the dispatcher
                log.exception("app %s: cannot parse event %.200r", self.app, data)
                continue
            for handler in (*(handlers or ()), *self._any_handlers):
                await self._run(handler, event)

    async def _run(self, fn: Callable[..., Any], *args: Any) -> None:
        # A failing handler is a bug to log, not a reason to stop handling the next events.
        try:
            result = fn(*args)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("app %s: handler %r failed", self.app, fn)


def _describe(exc: BaseException) -> str:
    # The repr of a handshake error carries every request header; the status is what matters.
    if isinstance(exc, aiohttp.WSServerHandshakeError):
        return f"HTTP {exc.status} {exc.message}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
