"""The simulated Asterisk core: live channels, bridges, playbacks and recordings, and the
one place events leave it (serialised once, handed to the event sockets of their app).

It is what REST routes act on and what `restart()` wipes. It holds no sockets and no HTTP:
`EventHub` (a protocol) says which apps are connected and takes their events.
"""

from __future__ import annotations

import asyncio
import atexit
import bisect
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol

from dialer.sim import media, recorder
from dialer.sim.bridges import Bridge
from dialer.sim.bridges import leave as bridge_leave
from dialer.sim.channels import Channel
from dialer.sim.clock import SimClock
from dialer.sim.events import ASTERISK_ID, Json
from dialer.sim.world import CallDice, WorldConfig

if TYPE_CHECKING:
    from dialer.sim.control import ChannelRecord

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class AriError(Exception):
    """An ARI error response: status and Asterisk's message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message


class EventHub(Protocol):
    def has_app(self, app: str) -> bool: ...

    def deliver(self, app: str, text: str) -> None: ...


class Pbx:
    def __init__(self, *, clock: SimClock, world: WorldConfig, seed: int, hub: EventHub) -> None:
        self.clock = clock
        self.world = world
        self.seed = seed
        self.hub = hub
        self.dice = CallDice(seed)
        self.channels: dict[str, Channel] = {}         # by lower-cased id
        self._sorted_ids: list[str] = []               # lower-cased, for the prefix rule
        self.bridges: dict[str, Bridge] = {}
        self.playbacks: dict[str, media.Playback] = {}
        self.live_recordings: dict[str, recorder.LiveRecording] = {}
        self.stored_recordings: dict[str, recorder.StoredRecording] = {}
        # Where recording files go (FakeAsterisk's `spool_dir`); None: a temp dir, made when
        # the first recording is stored and removed when the process exits.
        self.spool_setting: Path | None = None
        self._spool: Path | None = None
        self._seq = 0x28ab0
        self._uid = 0
        self.startup_time = clock.timestamp()
        # `core stop ...`: channel allocation refused (500 "Allocation failed"); then the
        # HTTP server answers every request with a 503 page until the process is gone.
        self.shutting_down = False
        self.http_unavailable = False
        # control.py: every channel accepted and gone, for benchmarks (None: not kept).
        self.record: ChannelRecord | None = None

    @property
    def spool_dir(self) -> Path:
        if self._spool is None:
            if self.spool_setting is not None:
                self._spool = self.spool_setting
            else:
                self._spool = Path(tempfile.mkdtemp(prefix="dialer-sim-spool-"))
                atexit.register(shutil.rmtree, self._spool, True)
        return self._spool

    # --- time and ids -------------------------------------------------------------------

    def ts(self) -> str:
        return self.clock.timestamp()

    def loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def new_uniqueid(self) -> str:
        self._uid += 1
        return f"{int(self.clock.now())}.{self._uid}"

    # --- events -------------------------------------------------------------------------

    def app_exists(self, app: str) -> bool:
        return self.hub.has_app(app)

    def emit(self, ch: Channel, event: Json) -> None:
        apps = ch.apps
        if apps:
            self.emit_to(apps, event)

    def emit_to(self, apps: Iterable[str], event: Json) -> None:
        first = True
        for app in apps:
            if not self.hub.has_app(app):
                continue
            out = event if first else dict(event)
            first = False
            out["asterisk_id"] = ASTERISK_ID
            out["application"] = app
            self.hub.deliver(app, _encode(out))

    # --- channels -----------------------------------------------------------------------

    def id_in_use(self, new_id: str) -> bool:
        """Asterisk 23 refuses an id that is a case-insensitive prefix of a live id."""
        key = new_id.lower()
        i = bisect.bisect_left(self._sorted_ids, key)
        return i < len(self._sorted_ids) and self._sorted_ids[i].startswith(key)

    def add_channel(self, ch: Channel) -> None:
        key = ch.id.lower()
        self.channels[key] = ch
        bisect.insort(self._sorted_ids, key)

    def forget_channel(self, ch: Channel) -> None:
        key = ch.id.lower()
        if self.channels.get(key) is ch:
            del self.channels[key]
            if self.record is not None:
                self.record.gone(ch)
            i = bisect.bisect_left(self._sorted_ids, key)
            if i < len(self._sorted_ids) and self._sorted_ids[i] == key:
                del self._sorted_ids[i]

    def find_channel(self, channel_id: str) -> Channel | None:
        return self.channels.get(channel_id.lower())

    def channel(self, channel_id: str) -> Channel:
        ch = self.find_channel(channel_id)
        if ch is None:
            raise AriError(404, "Channel not found")
        return ch

    def stasis_channel(self, channel_id: str) -> Channel:
        ch = self.channel(channel_id)
        if not ch.in_stasis:
            raise AriError(409, "Channel not in Stasis application")
        return ch

    def run_dialplan(self, ch: Channel) -> None:
        from dialer.sim.apps import run
        run(ch)

    # --- bridges ------------------------------------------------------------------------

    def add_bridge(self, bridge: Bridge) -> None:
        self.bridges[bridge.id.lower()] = bridge

    def forget_bridge(self, bridge: Bridge) -> None:
        if self.bridges.get(bridge.id.lower()) is bridge:
            del self.bridges[bridge.id.lower()]

    def bridge(self, bridge_id: str) -> Bridge:
        bridge = self.bridges.get(bridge_id.lower())
        if bridge is None:
            raise AriError(404, "Bridge not found")
        return bridge

    def bridges_leave(self, ch: Channel) -> None:
        bridge_leave(self, ch)

    # --- media hooks --------------------------------------------------------------------

    def media_channel_gone(self, ch: Channel) -> None:
        if ch.playbacks or ch.recordings:
            media.target_gone(self, ch)

    def media_bridge_gone(self, bridge: Bridge) -> None:
        if bridge.playbacks or bridge.recordings:
            media.target_gone(self, bridge)

    # --- lifecycle ----------------------------------------------------------------------

    def app_channel_ids(self, app: str) -> list[str]:
        return [ch.id for ch in self.channels.values() if app in ch.apps]

    def app_bridge_ids(self, app: str) -> list[str]:
        return [b.id for b in self.bridges.values() if b.app_refs.get(app, 0) > 0]

    def wipe(self) -> None:
        """An Asterisk restart: every call, bridge, playback and live recording is gone,
        silently (the sockets are closed first). Stored recordings stay on disk."""
        for ch in list(self.channels.values()):
            ch.cancel_timers()
            ch.gone = True
        for playback in self.playbacks.values():
            if playback.timer is not None:
                playback.timer.cancel()
        for recording in self.live_recordings.values():
            recording.cancel_timers()
        self.channels.clear()
        self._sorted_ids.clear()
        self.bridges.clear()
        self.playbacks.clear()
        self.live_recordings.clear()
        self.startup_time = self.clock.timestamp()
        self.shutting_down = self.http_unavailable = False
