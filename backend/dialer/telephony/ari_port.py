"""The ARI face of the telephony port: engine requests become ARI calls, and ARI events become
the port's domain events, with Asterisk's quirks absorbed here and nowhere else.

What it absorbs (see shared/asterisk-events): an originated Local channel shows both halves,
`;1` (ours, it enters Stasis on answer) and `;2` (plays the callee); busy and congestion
destroy `;1` with cause 0, so the truth comes from `Dial.dialstatus`; soft hang-up requests
carry flags, not causes; an answering-machine check leaves Stasis and comes back with
StasisStart args `[amd, STATUS, CAUSE]`; a 404 on hang-up is the callee having just left.
"""

from __future__ import annotations

import io
import logging
import re
import wave
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable

from dialer.ari.client import AriClient
from dialer.ari.errors import (
    AriConnectionError,
    AriTimeout,
    BadRequest,
    NotConnected as AriNotConnected,
    NotFound,
    ServerError,
    UnprocessableEntity,
)
from dialer.ari.events import (
    ChannelDestroyed,
    ChannelHangupRequest,
    ChannelStateChange,
    Dial,
    Event,
    PlaybackEvent,
    RecordingEvent,
    StasisStart,
)
from dialer.telephony.port import (
    EventSink,
    FailReason,
    InboundCall,
    LegAnswered,
    LegFailed,
    LegHungUp,
    LegRinging,
    MachineDetected,
    MachineVerdict,
    NotConnected,
    OriginateRefused,
    OriginateRequest,
    StrayAnswered,
    PlaybackFinished,
    PortConnected,
    PortDisconnected,
    RecordingFailed,
    RecordingFinished,
    TelephonyEvent,
)

log = logging.getLogger(__name__)

# Q.850 causes that name a failure reason when Dial.dialstatus is absent (non-Local channels).
_CAUSE_REASONS = {1: FailReason.UNALLOCATED, 17: FailReason.BUSY, 19: FailReason.NO_ANSWER,
                  21: FailReason.REJECTED, 34: FailReason.CONGESTION, 38: FailReason.CONGESTION,
                  42: FailReason.CONGESTION, 18: FailReason.NO_ANSWER, 27: FailReason.FAILED}
_DIALSTATUS_CAUSE = {"BUSY": (FailReason.BUSY, 17, "User busy"),
                     "CONGESTION": (FailReason.CONGESTION, 34, "Circuit/channel congestion"),
                     "CHANUNAVAIL": (FailReason.FAILED, 20, "Subscriber absent")}


SOFTHANGUP_SHUTDOWN = 4
RECORDER_ARG = "recorder"  # StasisStart args of the snoops record_leg records
"""Asterisk's soft-hangup flag for "the system is shutting down" (ChannelHangupRequest.cause with soft)."""


@dataclass
class _Leg:
    ringing: bool = False
    answered: bool = False
    cancelled: bool = False
    dialstatus: str = ""
    ended: bool = False
    shutdown: bool = False  # Asterisk itself hung it up as it shut down


class AriPort:
    """One per Asterisk and Stasis app. Register the engine's sink before `start()`."""

    def __init__(self, client: AriClient, *, amd_context: str = "dialer-amd",
                 clock: Callable[[], datetime] | None = None) -> None:
        self.client = client
        self.amd_context = amd_context
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._legs: dict[str, _Leg] = {}
        self._sink: EventSink | None = None
        client.on("StasisStart", self._on_stasis_start)
        client.on("ChannelStateChange", self._on_state_change)
        client.on("Dial", self._on_dial)
        client.on("ChannelDestroyed", self._on_channel_destroyed)
        client.on("ChannelHangupRequest", self._on_hangup_request)
        client.on("PlaybackFinished", self._on_playback_finished)
        client.on("RecordingFinished", self._on_recording_finished)
        client.on("RecordingFailed", self._on_recording_failed)
        client.on_connected(self._on_connected)
        client.on_disconnected(self._on_disconnected)

    # -- the port ----------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.client.connected

    def subscribe(self, sink: EventSink) -> None:
        self._sink = sink

    async def originate(self, request: OriginateRequest) -> None:
        self._legs[request.leg_id] = _Leg()
        try:
            await self.client.channels.originate(
                request.endpoint, channel_id=request.leg_id, caller_id=request.caller_id or None,
                timeout=max(1, round(request.timeout_s)), variables=dict(request.variables) or None)
        except AriNotConnected:
            self._legs.pop(request.leg_id, None)
            raise NotConnected("Asterisk's event socket is down") from None
        except ServerError as exc:
            # 500 "Allocation failed" while Asterisk shuts down (or for an unknown channel
            # technology), 503 in its last second: no channel was made.
            self._legs.pop(request.leg_id, None)
            raise OriginateRefused(f"{exc.status} {_short(exc.message)}") from None
        except AriConnectionError as exc:
            # No answer, or the connection broke: Asterisk may have made the channel all the
            # same. Hang it up, so that nobody is called whom the dialer counts as not called.
            self._legs.pop(request.leg_id, None)
            await self._hang_up_quietly(request.leg_id)
            what = "no answer in time" if isinstance(exc, AriTimeout) else "connection failed"
            raise OriginateRefused(what) from None
        except Exception:
            self._legs.pop(request.leg_id, None)
            raise

    async def _hang_up_quietly(self, leg_id: str) -> None:
        try:
            await self.client.channels.hangup(leg_id, missing_ok=True)
        except Exception as exc:  # noqa: BLE001 - Asterisk is in trouble: say so, go on
            log.warning("could not hang up %s after a failed originate: %s", leg_id, exc)

    async def hangup(self, leg_id: str, reason: str = "normal") -> None:
        leg = self._legs.get(leg_id)
        if leg is not None and not leg.answered:
            leg.cancelled = True
        await self.client.channels.hangup(leg_id, reason=reason, missing_ok=True)

    async def answer(self, leg_id: str) -> None:
        await self.client.channels.answer(leg_id)

    async def create_bridge(self, bridge_id: str, holding: bool = False) -> None:
        await self.client.bridges.create(bridge_id=bridge_id, type="holding" if holding else "mixing")

    async def add_to_bridge(self, bridge_id: str, leg_id: str) -> None:
        await self.client.bridges.add_channel(bridge_id, leg_id)

    async def remove_from_bridge(self, bridge_id: str, leg_id: str) -> None:
        try:
            await self.client.bridges.remove_channel(bridge_id, leg_id)
        except (NotFound, BadRequest, UnprocessableEntity):
            pass  # the leg or bridge already went: nothing to remove

    async def destroy_bridge(self, bridge_id: str) -> None:
        await self.client.bridges.destroy(bridge_id, missing_ok=True)

    async def play(self, target_id: str, media: str, playback_id: str, on_bridge: bool = False) -> None:
        if on_bridge:
            await self.client.bridges.play(target_id, media, playback_id=playback_id)
        else:
            await self.client.channels.play(target_id, media, playback_id=playback_id)

    async def start_music(self, leg_id: str, music_class: str = "default") -> None:
        await self.client.channels.start_moh(leg_id, music_class)

    async def stop_music(self, leg_id: str) -> None:
        try:
            await self.client.channels.stop_moh(leg_id)
        except NotFound:
            pass

    async def record_bridge(self, bridge_id: str, name: str, fmt: str = "wav") -> None:
        await self.client.bridges.record(bridge_id, name, format=fmt, if_exists="overwrite")

    async def record_leg(self, leg_id: str, recorder_id: str, name: str, fmt: str = "wav") -> None:
        # Not `POST /channels/{leg}/record`: that records only what the leg sends (not the hold
        # sound or the message it hears), and while it runs Asterisk queues the leg's playbacks
        # behind it and refuses to bridge it (409). A snoop spying both ways hears both
        # directions and is recorded instead; it dies with the leg (res_stasis_snoop.c).
        await self.client.channels.snoop(leg_id, spy="both", whisper="none", app_args=[RECORDER_ARG],
                                         snoop_id=recorder_id)
        try:
            await self.client.channels.record(recorder_id, name, format=fmt, if_exists="overwrite")
        except Exception:
            await self._hang_up_quietly(recorder_id)
            raise

    async def stop_recording(self, name: str) -> bool:
        try:
            await self.client.recordings.stop(name)
        except NotFound:
            # A bridge recording ends by itself 4 s after its last audio frame (an agent alone
            # on a silent line): already stopped, its RecordingFinished came or is coming.
            return False
        return True

    async def stored_recording_seconds(self, name: str, fmt: str = "wav") -> float | None:
        try:
            data = await self.client.recordings.get_stored_file(name)
        except NotFound:
            return None
        return wav_seconds(data) if fmt == "wav" else None

    async def detect_machine(self, leg_id: str) -> None:
        await self.client.channels.continue_in_dialplan(leg_id, context=self.amd_context, extension="s",
                                                        priority=1)

    async def hand_back(self, leg_id: str) -> None:
        self._legs.pop(leg_id, None)
        try:
            await self.client.channels.continue_in_dialplan(leg_id)
        except NotFound:
            pass  # the caller already hung up

    # -- ARI events -> port events -------------------------------------------------------------

    async def _emit(self, event: TelephonyEvent) -> None:
        if self._sink is not None:
            await self._sink(event)

    def _at(self, event: Event) -> datetime:
        # The engine measures waits and talk times on one clock, its own: Asterisk's event
        # timestamps come from another host's clock (skew) or a time-scaled simulated PBX,
        # and mixing the two gives negative waits. Events are read promptly, so receipt
        # time is within milliseconds of the PBX's.
        return self._clock()

    @staticmethod
    def _split(channel_id: str) -> tuple[str, bool]:
        """(our leg id, is this the Local channel's ;2 half)."""
        if channel_id.endswith(";2"):
            return channel_id[:-2], True
        return channel_id, False

    async def _on_stasis_start(self, event: Event) -> None:
        assert isinstance(event, StasisStart) and event.channel is not None
        leg_id, half2 = self._split(event.channel.id)
        args = event.args
        if args and args[0] == RECORDER_ARG:
            return  # a recorder (record_leg), ours or an earlier run's: no call
        if args and args[0] == "amd":
            verdict = args[1] if len(args) > 1 and args[1] in MachineVerdict.__members__ else "NOTSURE"
            await self._emit(MachineDetected(leg_id, self._at(event), MachineVerdict(verdict),
                                             args[2] if len(args) > 2 else ""))
            return
        leg = self._legs.get(leg_id)
        if leg is None or half2:
            if args and args[0] == "inbound":
                self._legs[event.channel.id] = _Leg(answered=False)
                await self._emit(InboundCall(event.channel.id, self._at(event), args[1] if len(args) > 1 else "",
                                             event.channel.caller.number))
            elif leg is None and not half2:
                await self._emit(StrayAnswered(leg_id, self._at(event)))
            return
        if not leg.answered:
            leg.answered = True
            await self._emit(LegAnswered(leg_id, self._at(event)))

    async def _on_state_change(self, event: Event) -> None:
        assert isinstance(event, ChannelStateChange) and event.channel is not None
        leg_id, half2 = self._split(event.channel.id)
        leg = self._legs.get(leg_id)
        if leg is None or half2:
            return
        if event.channel.state.value == "Ringing" and not leg.ringing:
            leg.ringing = True
            await self._emit(LegRinging(leg_id, self._at(event)))

    async def _on_dial(self, event: Event) -> None:
        assert isinstance(event, Dial)
        if event.peer is None:
            return
        leg_id, _ = self._split(event.peer.id)
        leg = self._legs.get(leg_id)
        if leg is None:
            return
        if event.dialstatus == "RINGING" and not leg.ringing:
            leg.ringing = True
            await self._emit(LegRinging(leg_id, self._at(event)))
        elif event.dialstatus:
            leg.dialstatus = event.dialstatus

    async def _on_hangup_request(self, event: Event) -> None:
        """`core stop now` soft-hangs every channel up with flag 4 (AST_SOFTHANGUP_SHUTDOWN) before
        destroying it with a plain 16: the only sign that the call was cut, not finished."""
        assert isinstance(event, ChannelHangupRequest) and event.channel is not None
        if not (event.soft and event.cause == SOFTHANGUP_SHUTDOWN):
            return
        leg = self._legs.get(self._split(event.channel.id)[0])
        if leg is not None:
            leg.shutdown = True

    async def _on_channel_destroyed(self, event: Event) -> None:
        assert isinstance(event, ChannelDestroyed) and event.channel is not None
        leg_id, half2 = self._split(event.channel.id)
        leg = self._legs.get(leg_id)
        if leg is None or half2 or leg.ended:
            return
        leg.ended = True
        del self._legs[leg_id]
        at = self._at(event)
        if leg.answered:
            await self._emit(LegHungUp(leg_id, at, event.cause, event.cause_txt, by_shutdown=leg.shutdown))
            return
        failure = self._failure(leg_id, leg, event.cause, event.cause_txt, at)
        await self._emit(replace(failure, by_shutdown=True) if leg.shutdown else failure)

    @staticmethod
    def _failure(leg_id: str, leg: _Leg, cause: int, cause_txt: str, at: datetime) -> LegFailed:
        if leg.cancelled:
            return LegFailed(leg_id, at, FailReason.CANCELLED, cause or 16, cause_txt or "Normal Clearing")
        if leg.dialstatus in _DIALSTATUS_CAUSE and cause in (0, 16):
            reason, real_cause, text = _DIALSTATUS_CAUSE[leg.dialstatus]
            return LegFailed(leg_id, at, reason, real_cause, text)
        reason = _CAUSE_REASONS.get(cause)
        if reason is None:
            reason = FailReason.NO_ANSWER if leg.dialstatus == "NOANSWER" else FailReason.FAILED
        return LegFailed(leg_id, at, reason, cause, cause_txt)

    async def _on_playback_finished(self, event: Event) -> None:
        assert isinstance(event, PlaybackEvent) and event.playback is not None
        target = event.playback.target_uri.partition(":")[2]
        await self._emit(PlaybackFinished(event.playback.id, target, self._at(event)))

    async def _on_recording_finished(self, event: Event) -> None:
        assert isinstance(event, RecordingEvent) and event.recording is not None
        recording = event.recording
        if recording.state.value in ("failed", "canceled"):
            await self._emit(RecordingFailed(recording.name, self._at(event), recording.cause or recording.state.value))
            return
        await self._emit(RecordingFinished(recording.name, self._at(event), recording.duration))

    async def _on_recording_failed(self, event: Event) -> None:
        assert isinstance(event, RecordingEvent) and event.recording is not None
        await self._emit(RecordingFailed(event.recording.name, self._at(event), event.recording.cause or "failed"))

    async def _on_connected(self) -> None:
        snapshot = await self.client.snapshot()
        live = frozenset(self._split(c.id)[0] for c in snapshot.channels)
        # Legs that vanished while we were away ended without us hearing it; the engine gets
        # them via `live_legs` and reconciles. Forget them here.
        for leg_id in [k for k in self._legs if k not in live]:
            del self._legs[leg_id]
        answered = frozenset(c.id for c in snapshot.channels if c.state.value == "Up" and not self._split(c.id)[1])
        await self._emit(PortConnected(self._clock(), live, frozenset(b.id for b in snapshot.bridges), answered))

    async def _on_disconnected(self) -> None:
        await self._emit(PortDisconnected(self._clock(), "ARI websocket closed"))


def wav_seconds(data: bytes) -> float | None:
    """The length of a WAV file's audio, from its header (None if it is no WAV)."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            return wav.getnframes() / float(wav.getframerate())
    except (wave.Error, EOFError, ZeroDivisionError):
        return None


def _short(message: str) -> str:
    """Asterisk's error text, or the title of the HTML page its HTTP server sends in its last
    second ("503 Service Unavailable ... Shutdown in progress")."""
    if message.lstrip().startswith("<"):
        match = re.search(r"<p>([^<]+)</p>", message) or re.search(r"<title>([^<]+)</title>", message)
        return match.group(1).strip() if match else "error page"
    return message[:80]
