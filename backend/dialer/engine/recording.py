"""The life of a call's recording: one call, one file, from the customer joining the agent's
bridge to the customer leaving it, stopped explicitly on every path (the customer or the agent
hangs up, the call is released, the engine stops); its end (`RecordingFinished`) writes the
duration. Fetching, storing and playing the file is `dialer.recordings`' business, not this.

`CallAttempt.recording_name` holds the file's name as Asterisk stores it, with the format as
its extension: `<name>.<format>`, e.g. `d1a2b3c4d-1234-9f8e7d6c5b4a3f2e.wav`. The part before
the last dot is the ARI recording name (`GET /recordings/stored/{name}/file`), the extension
its format. Names start with the engine's tag (engine.pbx_ids) and hold the attempt id, so
a restarted engine finds its own. The contract with the storage side: an attempt with
`recording_name != ""` and `recording_duration_s` not null has a finished file ready to fetch;
a recording that failed leaves `recording_name` empty (its name stays in the call's events).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Awaitable, Callable

from dialer.engine.calls import CustomerCall
from dialer.engine.pbx_ids import engine_tag
from dialer.engine.state import EngineState
from dialer.telephony.port import RecordingFailed, RecordingFinished

log = logging.getLogger(__name__)

FORMAT = "wav"
STOP_WAIT_S = 2.0
"""How long a stopping engine waits for the RecordingFinished of the recordings it stopped."""
FINISHED_GRACE_S = 3.0
"""How long after a stop found the recording already ended its RecordingFinished may take to
come; after that it was lost (a websocket drop) and the stored file tells the length."""


def stored_name(name: str, fmt: str = FORMAT) -> str:
    """What `CallAttempt.recording_name` holds for the ARI recording `name`."""
    return f"{name}.{fmt}"


def ari_name(recording_name: str) -> tuple[str, str]:
    """`CallAttempt.recording_name` back to (ARI recording name, format)."""
    name, dot, fmt = recording_name.rpartition(".")
    return (name, fmt) if dot else (recording_name, FORMAT)


@dataclass
class LiveRecording:
    """A recording this engine started (or adopted from an earlier run) and has not seen end."""

    name: str  # the ARI name, no extension
    attempt_id: int
    campaign_id: int | None
    call_id: str
    started_at: datetime | None = None
    stopping: str = ""  # why it is being stopped ("" while it runs)
    cut: str = ""  # why the recording does not hold the whole call ("" when it does)
    fmt: str = FORMAT
    stop_failed: bool = False  # the stop request got no answer: sent again on reconnect


class CallRecordings:
    """Starts and stops the recordings of calls and writes what their end says."""

    def __init__(self, state: EngineState, spawn: Callable[[Awaitable[None]], None]) -> None:
        self.s = state
        self._spawn = spawn
        self.live: dict[str, LiveRecording] = {}  # by ARI name
        self._finished = asyncio.Event()

    def new_name(self, attempt_id: int) -> str:
        return f"{engine_tag(self.s.engine_id)}{attempt_id}-{uuid.uuid4().hex[:16]}"

    # -- the call's side -----------------------------------------------------------------------

    async def start(self, call: CustomerCall, bridge_id: str) -> None:
        """The customer has just joined the agent's bridge: record it (awaited, on the bridging path)."""
        name = self.new_name(call.attempt_id)
        rec = LiveRecording(name, call.attempt_id, call.campaign_id, call.call_id, self.s.clock())
        self.live[name] = rec  # before the request: RecordingStarted/Finished may beat its answer
        try:
            await self.s.port.record_bridge(bridge_id, name, FORMAT)
        except Exception:
            self.live.pop(name, None)
            raise
        call.recording_name = name
        self.s.writer.attempt(call.attempt_id, recording_name=stored_name(name))
        self.s.writer.event(rec.started_at or self.s.clock(), "recording_started", attempt_id=call.attempt_id,
                            campaign_id=call.campaign_id, channel_id=call.call_id, name=stored_name(name))
        if call.ended_at is not None:
            # The customer left while the record request was on its way.
            self.stop(name, "call ended")

    def call_ended(self, call: CustomerCall) -> None:
        """The customer left the bridge (hung up, was hung up, or the agent's phone dropped)."""
        if call.recording_name:
            self.stop(call.recording_name, "call ended")

    def stop(self, name: str, reason: str, cut: str = "") -> None:
        rec = self.live.get(name)
        if rec is None or rec.stopping:
            return
        rec.stopping = reason
        rec.cut = rec.cut or cut
        self._spawn(self._stop(rec))

    async def _stop(self, rec: LiveRecording) -> None:
        try:
            if await self.s.port.stop_recording(rec.name):
                return  # RecordingFinished follows
        except Exception as exc:  # noqa: BLE001 - Asterisk unreachable: tried again on reconnect
            log.warning("stopping recording %s failed: %s", rec.name, exc)
            rec.stop_failed = True
            return
        # It had ended by itself (no audio for 4 s): its RecordingFinished came, or comes now,
        # unless the websocket dropped meanwhile; then the stored file says how long it is.
        await asyncio.sleep(FINISHED_GRACE_S)
        if self.live.get(rec.name) is rec:
            await self._settle_from_file(rec, self.s.clock(), "")

    def reconnected(self) -> None:
        """The PBX is back: stops that got no answer go again (events of the outage are lost)."""
        for rec in list(self.live.values()):
            if rec.stop_failed:
                rec.stop_failed = False
                self._spawn(self._stop(rec))

    async def stop_all(self, reason: str, wait_s: float = STOP_WAIT_S) -> None:
        """The engine stops: calls in progress go on in Asterisk, unrecorded from here. Their
        recordings are stopped (kept, flagged cut) and their ends awaited a little."""
        now = self.s.clock()
        for rec in list(self.live.values()):
            if not rec.stopping:
                self.s.writer.event(now, "recording_cut", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                                    channel_id=rec.call_id, name=stored_name(rec.name), reason=reason)
                self.stop(rec.name, reason, cut=reason)
        deadline = asyncio.get_running_loop().time() + wait_s
        while self.live and self.s.port.connected:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            self._finished.clear()
            try:
                await asyncio.wait_for(self._finished.wait(), left)
            except asyncio.TimeoutError:
                break

    # -- the PBX's side ------------------------------------------------------------------------

    def on_finished(self, event: RecordingFinished) -> None:
        rec = self.live.pop(event.name, None)
        if rec is None:
            return  # another engine's, or the dialplan's
        duration = event.duration_s
        if duration is None and rec.started_at is not None:
            duration = int((event.at - rec.started_at).total_seconds())
        self.s.writer.attempt(rec.attempt_id, recording_duration_s=duration)
        detail: dict[str, object] = {"name": stored_name(rec.name), "duration_s": duration}
        if rec.cut:
            detail["cut"] = rec.cut
        self.s.writer.event(event.at, "recording_finished", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                            channel_id=rec.call_id, **detail)
        self._finished.set()

    def on_failed(self, event: RecordingFailed) -> None:
        rec = self.live.pop(event.name, None)
        if rec is None:
            return
        self.s.writer.attempt(rec.attempt_id, recording_name="")
        self.s.writer.event(event.at, "recording_failed", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                            channel_id=rec.call_id, name=stored_name(rec.name), cause=event.cause)
        self._finished.set()

    # -- an earlier run's recordings (engine/restart.py) ------------------------------------------

    def adopt(self, recording_name: str, attempt_id: int, campaign_id: int | None, call_id: str) -> LiveRecording:
        """A recording the earlier run started and never saw end: its end reaches the attempt."""
        name, _ = ari_name(recording_name)
        name, fmt = ari_name(recording_name)
        rec = LiveRecording(name, attempt_id, campaign_id, call_id, cut="dialer restarted", fmt=fmt)
        self.live[name] = rec
        return rec

    async def settle_adopted(self, rec: LiveRecording, now: datetime) -> None:
        """Stop an adopted recording and keep it, flagged cut; one that already ended while the
        dialer was down gets its length from the stored file, or loses its name if there is none."""
        rec.stopping = "dialer restarted"
        if await self.s.port.stop_recording(rec.name):
            self.s.writer.event(now, "recording_cut", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                                channel_id=rec.call_id, name=stored_name(rec.name, rec.fmt),
                                reason="dialer restarted")
            return  # RecordingFinished follows, and writes the duration
        await self._settle_from_file(rec, now, "ended while the dialer was down")

    async def _settle_from_file(self, rec: LiveRecording, now: datetime, cut: str) -> None:
        """A recording that ended unheard: its length from the stored file, or no recording."""
        if rec.name not in self.live:
            return  # its RecordingFinished came in meanwhile
        seconds = await self.s.port.stored_recording_seconds(rec.name, rec.fmt)
        if self.live.pop(rec.name, None) is None:
            return
        name = stored_name(rec.name, rec.fmt)
        if seconds is None:
            self.s.writer.attempt(rec.attempt_id, recording_name="")
            self.s.writer.event(now, "recording_failed", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                                channel_id=rec.call_id, name=name, cause="no such file in Asterisk")
        else:
            detail = {"cut": cut} if cut else {}
            self.s.writer.attempt(rec.attempt_id, recording_duration_s=int(seconds))
            self.s.writer.event(now, "recording_finished", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                                channel_id=rec.call_id, name=name, duration_s=int(seconds), unheard=True, **detail)
        self._finished.set()
