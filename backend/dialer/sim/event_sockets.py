"""The events websocket side of the fake Asterisk: one socket per app, writes that never
block the simulated world, and Asterisk's treatment of slow and replaced clients.

Events are queued per socket; one writer task per socket turns everything queued into
websocket frames and hands them to the transport in one write (one syscall for a burst
instead of one per event: at a few thousand events/s this halves the fake's CPU). A socket
that cannot take writes for `write_timeout` (Asterisk's websocket_write_timeout, 1 s in the
recordings) is dropped and its events are lost, as on a real Asterisk.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import struct
from collections import deque

from aiohttp import web

from dialer.sim.clock import SimClock
from dialer.sim.events import application_replaced_event

log = logging.getLogger(__name__)

MAX_QUEUED = 200_000
HIGH_WATER = 1 << 16      # bytes waiting in the transport before the writer holds back
BATCH_BYTES = 1 << 18


def text_frame(text: str) -> bytes:
    """One unmasked, uncompressed websocket text frame (server to client, RFC 6455)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 65536:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


class EventSocket:
    """One connected events websocket and the apps it currently owns."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, apps: list[str]) -> None:
        self.ws = ws
        self.request = request
        self.apps = set(apps)
        self.queue: deque[str] = deque()
        self.closed = False
        self.send_started: float | None = None
        self._wakeup = asyncio.Event()
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    def enqueue(self, text: str) -> None:
        if self.closed:
            return
        self.queue.append(text)
        if len(self.queue) > MAX_QUEUED:
            log.warning("events socket for %s overflowed; dropping it", sorted(self.apps))
            self.abort()
            return
        self._wakeup.set()

    async def _write_loop(self) -> None:
        # Frames go straight to the connection's transport, whole frames per write, so
        # they never interleave with aiohttp's own (pong, close) frames on that transport.
        loop = asyncio.get_running_loop()
        queue = self.queue
        try:
            while not self.closed:
                if not queue:
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                transport = self.request.transport
                if transport is None or transport.is_closing():
                    break
                if transport.get_write_buffer_size() > HIGH_WATER:
                    # The reader is not keeping up; the watchdog drops it if this lasts.
                    if self.send_started is None:
                        self.send_started = loop.time()
                    await asyncio.sleep(0.005)
                    continue
                self.send_started = None
                batch: list[bytes] = []
                size = 0
                while queue and size < BATCH_BYTES:
                    frame = text_frame(queue.popleft())
                    batch.append(frame)
                    size += len(frame)
                transport.write(b"".join(batch))
                await asyncio.sleep(0)     # let the loop run between big batches
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            pass
        except Exception:  # noqa: BLE001 - any write failure ends this client, not the PBX
            log.exception("events socket write failed")
        finally:
            self.closed = True

    def stuck_for(self, now: float) -> float:
        return 0.0 if self.send_started is None else now - self.send_started

    def stop_writing(self) -> None:
        """No more frames: the writer, perhaps waiting for one, wakes and ends."""
        self.closed = True
        self._wakeup.set()

    def abort(self) -> None:
        """Drop the connection at once, like a network failure (no close handshake)."""
        self.stop_writing()
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    async def close(self) -> None:
        self.stop_writing()
        self._writer.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 1.0)
        self.abort()


class EventHub:
    """Which socket owns which app; where the PBX's events go."""

    def __init__(self, clock: SimClock, write_timeout: float = 1.0) -> None:
        self.clock = clock
        self.write_timeout = write_timeout
        self.by_app: dict[str, EventSocket] = {}
        self.sockets: set[EventSocket] = set()
        self._watchdog: asyncio.TimerHandle | None = None

    def has_app(self, app: str) -> bool:
        return app in self.by_app

    def deliver(self, app: str, text: str) -> None:
        sock = self.by_app.get(app)
        if sock is not None:
            sock.enqueue(text)

    def register(self, sock: EventSocket) -> None:
        self.sockets.add(sock)
        for app in sock.apps:
            old = self.by_app.get(app)
            if old is not None and old is not sock:
                # A second websocket for the app takes its events over (ApplicationReplaced).
                old.apps.discard(app)
                old.enqueue(json.dumps(application_replaced_event(self.clock.timestamp(), app),
                                       separators=(",", ":")))
            self.by_app[app] = sock
        self._arm_watchdog()

    def unregister(self, sock: EventSocket) -> None:
        self.sockets.discard(sock)
        for app in list(sock.apps):
            if self.by_app.get(app) is sock:
                del self.by_app[app]

    async def close_all(self, *, graceful: bool = False) -> None:
        """Drop every socket: abruptly (the client sees 1006), or with a close frame (1000)
        as Asterisk does at the end of a graceful shutdown."""
        socks = list(self.sockets)
        for sock in socks:
            self.unregister(sock)
        if graceful:
            await asyncio.gather(*(sock.close() for sock in socks))
            return
        for sock in socks:
            sock.abort()

    def _arm_watchdog(self) -> None:
        if self._watchdog is None:
            self._watchdog = asyncio.get_running_loop().call_later(0.25, self._check_writers)

    def _check_writers(self) -> None:
        self._watchdog = None
        now = asyncio.get_running_loop().time()
        for sock in list(self.sockets):
            if sock.closed or sock.stuck_for(now) > self.write_timeout:
                if not sock.closed:
                    log.warning("events socket for %s not reading for %.1fs; dropping it",
                                sorted(sock.apps), sock.stuck_for(now))
                self.unregister(sock)
                sock.abort()
        if self.sockets:
            self._arm_watchdog()

    def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
