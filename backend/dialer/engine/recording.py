"""The life of a call's recordings: one call, one file, from the customer joining the agent's
bridge to the customer leaving it, stopped explicitly on every path (the customer or the agent
hangs up, the call is released, the engine stops); its end (`RecordingFinished`) writes the
duration. Fetching, storing and playing the file is `dialer.recordings`' business, not this.

A campaign that records the wait too (`record_wait`) gets a second file, the wait part: from
the moment an answered customer has to wait (no agent free, or a per-call agent's phone
ringing) through the hold treatment and the abandon message until the agent's bridge takes
them (its recording takes over) or they leave. It is made by the PBX from a listening channel
on the customer's leg (`port.record_leg`), stopped and its recorder hung up the same ways.
A customer put straight through to an agent has no wait to record and gets no wait file.

`CallAttempt.recording_name` holds the file's name as Asterisk stores it, with the format as
its extension: `<name>.<format>`, e.g. `d1a2b3c4d-1234-9f8e7d6c5b4a3f2e.wav`. The part before
the last dot is the ARI recording name (`GET /recordings/stored/{name}/file`), the extension
its format. Names start with the engine's tag (engine.pbx_ids) and hold the attempt id, so
a restarted engine finds its own. The contract with the storage side: an attempt with
`recording_name != ""` and `recording_duration_s` not null has a finished file ready to fetch;
a recording that failed leaves `recording_name` empty (its name stays in the call's events).
The wait part keeps the same contract in `wait_recording_name` and `wait_recording_duration_s`;
its call events carry `part: wait`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Awaitable, Callable

from dialer.engine.calls import CustomerCall
from dialer.engine.pbx_ids import engine_tag
from dialer.engine.state import EngineState
from dialer.models.recordings import RecordingPart
from dialer.telephony.port import RecordingFailed, RecordingFinished

log = logging.getLogger(__name__)

FORMAT = "wav"
STOP_WAIT_S = 2.0
"""How long a stopping engine waits for the RecordingFinished of the recordings it stopped."""
FINISHED_GRACE_S = 3.0
"""How long after a stop found the recording already ended its RecordingFinished may take to
come; after that it was lost (a websocket drop) and the stored file tells the length."""
RECORDER_WAIT_S = 0.5
"""How long the hold treatment and the abandon message wait for the wait recording to run, so
that its file holds them from their first word: well inside the law's 2 s for the message."""
_NAME = {RecordingPart.CALL: "recording_name", RecordingPart.WAIT: "wait_recording_name"}
_DURATION = {RecordingPart.CALL: "recording_duration_s", RecordingPart.WAIT: "wait_recording_duration_s"}


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
    part: RecordingPart = RecordingPart.CALL
    recorder_id: str = ""  # the wait part's listening channel: hung up once the recording stopped
    started: bool = True  # the PBX took the record request (a stop asked before waits for it)
    ready: asyncio.Event = field(default_factory=asyncio.Event)  # set once started, or failed to

    def detail(self) -> dict[str, object]:
        """What the call events of this recording say of it."""
        return {"name": stored_name(self.name, self.fmt), "part": self.part.value}


class CallRecordings:
    """Starts and stops the recordings of calls and writes what their end says."""

    def __init__(self, state: EngineState, spawn: Callable[[Awaitable[None]], None]) -> None:
        self.s = state
        self._spawn = spawn
        self.live: dict[str, LiveRecording] = {}  # by ARI name
        self._finished = asyncio.Event()

    def new_name(self, attempt_id: int, part: RecordingPart = RecordingPart.CALL) -> str:
        wait = "wait-" if part is RecordingPart.WAIT else ""
        return f"{engine_tag(self.s.engine_id)}{attempt_id}-{wait}{uuid.uuid4().hex[:16]}"

    def _begin(self, call: CustomerCall, part: RecordingPart, recorder_id: str = "") -> LiveRecording:
        name = self.new_name(call.attempt_id, part)
        rec = LiveRecording(name, call.attempt_id, call.campaign_id, call.call_id, self.s.clock(), part=part,
                            recorder_id=recorder_id, started=False)
        # Known before the request: RecordingStarted/Finished may beat its answer, and a stop
        # asked meanwhile is carried out once the PBX has it (`_started`).
        self.live[name] = rec
        setattr(call, _NAME[part], name)
        return rec

    def _started(self, call: CustomerCall, rec: LiveRecording) -> None:
        rec.started = True
        rec.ready.set()
        self.s.writer.attempt(call.attempt_id, **{_NAME[rec.part]: stored_name(rec.name)})
        self.s.writer.event(rec.started_at or self.s.clock(), "recording_started", attempt_id=call.attempt_id,
                            campaign_id=call.campaign_id, channel_id=call.call_id, **rec.detail())
        if call.ended_at is not None and not rec.stopping:
            rec.stopping = "call ended"  # the customer left while the record request was on its way
        if rec.stopping and self.live.get(rec.name) is rec:
            self._spawn(self._stop(rec))

    def _not_started(self, call: CustomerCall, rec: LiveRecording) -> None:
        self.live.pop(rec.name, None)
        rec.ready.set()
        if getattr(call, _NAME[rec.part]) == rec.name:
            setattr(call, _NAME[rec.part], "")

    # -- the call's side -----------------------------------------------------------------------

    async def start(self, call: CustomerCall, bridge_id: str) -> None:
        """The customer has just joined the agent's bridge: record it (awaited, on the bridging path)."""
        rec = self._begin(call, RecordingPart.CALL)
        try:
            await self.s.port.record_bridge(bridge_id, rec.name, FORMAT)
        except Exception:
            self._not_started(call, rec)
            raise
        self._started(call, rec)

    def start_wait(self, call: CustomerCall) -> None:
        """An answered customer has to wait for an agent: record the wait (the hold treatment or
        the abandon message starts beside it, and waits for it a moment: `recorder_ready`)."""
        if call.wait_recording_name:
            return  # one wait file per call: a customer back from a per-call agent who missed waits on
        rec = self._begin(call, RecordingPart.WAIT, recorder_id=self.s.new_pbx_id())
        self._spawn(self._record_wait(call, rec))

    async def _record_wait(self, call: CustomerCall, rec: LiveRecording) -> None:
        try:
            await self.s.port.record_leg(call.call_id, rec.recorder_id, rec.name, FORMAT)
        except Exception as exc:  # noqa: BLE001 - the customer may have left meanwhile
            log.info("recording the wait of %s failed: %s", call.call_id, exc)
            self._not_started(call, rec)
            return
        self._started(call, rec)

    async def recorder_ready(self, call: CustomerCall, timeout_s: float = RECORDER_WAIT_S) -> None:
        """Returns once the call's wait recording runs (or failed to start), at most `timeout_s`."""
        rec = self.live.get(call.wait_recording_name) if call.wait_recording_name else None
        if rec is None or rec.started:
            return
        try:
            await asyncio.wait_for(rec.ready.wait(), timeout_s)
        except asyncio.TimeoutError:
            log.info("the wait recording of %s was not running after %.1f s: the message goes on", call.call_id,
                     timeout_s)

    def wait_over(self, call: CustomerCall) -> None:
        """The customer joined the agent's bridge: its recording takes over from the wait's."""
        if call.wait_recording_name:
            self.stop(call.wait_recording_name, "connected to an agent")

    def call_ended(self, call: CustomerCall) -> None:
        """The customer left (hung up, was hung up after the abandon message, or the agent's
        phone dropped): its recordings stop."""
        for name in (call.wait_recording_name, call.recording_name):
            if name:
                self.stop(name, "call ended")

    def stop(self, name: str, reason: str, cut: str = "") -> None:
        rec = self.live.get(name)
        if rec is None or rec.stopping:
            return
        rec.stopping = reason
        rec.cut = rec.cut or cut
        if rec.started:
            self._spawn(self._stop(rec))

    async def _stop(self, rec: LiveRecording) -> None:
        try:
            live = await self.s.port.stop_recording(rec.name)
        except Exception as exc:  # noqa: BLE001 - Asterisk unreachable: tried again on reconnect
            log.warning("stopping recording %s failed: %s", rec.name, exc)
            rec.stop_failed = True
            return
        if rec.recorder_id:
            await self._hang_up_recorder(rec)
        if live:
            return  # RecordingFinished follows
        # It had ended by itself (no audio for 4 s): its RecordingFinished came, or comes now,
        # unless the websocket dropped meanwhile; then the stored file says how long it is.
        await asyncio.sleep(FINISHED_GRACE_S)
        if self.live.get(rec.name) is rec:
            await self._settle_from_file(rec, self.s.clock(), "")

    async def _hang_up_recorder(self, rec: LiveRecording) -> None:
        recorder, rec.recorder_id = rec.recorder_id, ""
        try:
            await self.s.port.hangup(recorder)
        except Exception as exc:  # noqa: BLE001 - it dies with the customer's leg anyway
            log.info("hanging up recorder %s failed: %s", recorder, exc)

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
                                    channel_id=rec.call_id, reason=reason, **rec.detail())
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
        self.s.writer.attempt(rec.attempt_id, **{_DURATION[rec.part]: duration})
        detail: dict[str, object] = {**rec.detail(), "duration_s": duration}
        if rec.cut:
            detail["cut"] = rec.cut
        self.s.writer.event(event.at, "recording_finished", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                            channel_id=rec.call_id, **detail)
        self._finished.set()

    def on_failed(self, event: RecordingFailed) -> None:
        rec = self.live.pop(event.name, None)
        if rec is None:
            return
        rec.ready.set()
        self.s.writer.attempt(rec.attempt_id, **{_NAME[rec.part]: ""})
        self.s.writer.event(event.at, "recording_failed", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                            channel_id=rec.call_id, cause=event.cause, **rec.detail())
        if rec.recorder_id:
            self._spawn(self._hang_up_recorder(rec))
        self._finished.set()

    # -- an earlier run's recordings (engine/restart.py) ------------------------------------------

    def adopt(self, recording_name: str, attempt_id: int, campaign_id: int | None, call_id: str,
              part: RecordingPart = RecordingPart.CALL) -> LiveRecording:
        """A recording the earlier run started and never saw end: its end reaches the attempt.
        (A wait part's recorder is one of the earlier run's channels: the sweep hangs it up.)"""
        name, fmt = ari_name(recording_name)
        rec = LiveRecording(name, attempt_id, campaign_id, call_id, cut="dialer restarted", fmt=fmt, part=part)
        self.live[name] = rec
        return rec

    async def settle_adopted(self, rec: LiveRecording, now: datetime) -> None:
        """Stop an adopted recording and keep it, flagged cut; one that already ended while the
        dialer was down gets its length from the stored file, or loses its name if there is none."""
        rec.stopping = "dialer restarted"
        if await self.s.port.stop_recording(rec.name):
            self.s.writer.event(now, "recording_cut", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                                channel_id=rec.call_id, reason="dialer restarted", **rec.detail())
            return  # RecordingFinished follows, and writes the duration
        await self._settle_from_file(rec, now, "ended while the dialer was down")

    async def _settle_from_file(self, rec: LiveRecording, now: datetime, cut: str) -> None:
        """A recording that ended unheard: its length from the stored file, or no recording."""
        if rec.name not in self.live:
            return  # its RecordingFinished came in meanwhile
        seconds = await self.s.port.stored_recording_seconds(rec.name, rec.fmt)
        if self.live.pop(rec.name, None) is None:
            return
        if seconds is None:
            self.s.writer.attempt(rec.attempt_id, **{_NAME[rec.part]: ""})
            self.s.writer.event(now, "recording_failed", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                                channel_id=rec.call_id, cause="no such file in Asterisk", **rec.detail())
        else:
            detail = {"cut": cut} if cut else {}
            self.s.writer.attempt(rec.attempt_id, **{_DURATION[rec.part]: int(seconds)})
            self.s.writer.event(now, "recording_finished", attempt_id=rec.attempt_id, campaign_id=rec.campaign_id,
                                channel_id=rec.call_id, duration_s=int(seconds), unheard=True, **rec.detail(),
                                **detail)
        self._finished.set()
