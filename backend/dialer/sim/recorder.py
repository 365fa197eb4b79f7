"""Recordings of the simulated PBX: live ones on a channel or a bridge, and stored ones, each
a real WAV file (8 kHz mono 16-bit, a tone as long as the audio kept) in the spool directory.

What a real Asterisk 23 does with a bridge recording (bridge-recording-*.jsonl): the Recorder
is not among the bridge's channels but makes it mix (`softmix`) while two real members are in
it; it gets audio frames while two or more members are in the bridge, or a phone (the test
world's Local legs alone are silent), and 4 s after the last frame it ends by itself, `state:
done`, so a later stop is a 404. With `maxSilenceSeconds` it also ends that long after the last talking
(a member's dialplan Playback, here), the trailing silence cut from the file. `duration` is
whole seconds of the audio kept. No audio is mixed; the tone stands for the call.

A channel recording (`POST /channels/{id}/record`) is a command the channel itself carries out
(res_stasis_recording.c): it holds only what the channel sends, not what it hears (ARI's docs:
"the bridge itself has a record feature if that's what you want", or a snoop spying both ways);
while it runs, adding the channel to a bridge is refused (409 "Channel <id> currently
recording") and playbacks wait for it to end; asked of a channel in a bridge it fails
(`RecordingFailed`, "Cannot record channel while in bridge").
"""

from __future__ import annotations

import array
import io
import math
import sys
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from dialer.sim import events as ev

if TYPE_CHECKING:
    import asyncio

    from dialer.sim.bridges import Bridge
    from dialer.sim.pbx import Pbx

SPOOL_ENV = "DIALER_SIM_SPOOL"
"""Where the fake writes recording files when not told otherwise (default: a temp dir, made
when the first file is written; see `Pbx.spool_dir`)."""
NO_FRAMES_END_S = 4.0  # "No audio available on Recorder/ARI-…": 2 x 2 s without a frame
RATE = 8000
MAX_FILE_S = 4 * 3600  # a runaway recording stops growing its file here


@dataclass
class StoredRecording:
    name: str
    format: str
    duration: int = 0
    path: Path | None = None

    def json(self) -> ev.Json:
        return {"name": self.name, "format": self.format}

    def file_bytes(self) -> bytes:
        if self.path is not None and self.path.exists():
            return self.path.read_bytes()
        return wav_bytes(float(self.duration))


@dataclass
class LiveRecording:
    name: str
    format: str
    target_uri: str
    target: Any                 # Channel | Bridge
    started: float
    recorder: str = ""          # Recorder/ARI-... name when recording a bridge
    state: str = "queued"
    duration: int | None = None
    max_silence: float = 0.0
    audio: float = 0.0          # seconds of audio kept, intervals already closed
    flowing_since: float | None = None
    talk_until: float = 0.0
    timer: asyncio.TimerHandle | None = None          # maxDurationSeconds
    quiet_timer: asyncio.TimerHandle | None = None    # no frames: ends by itself
    silence_timer: asyncio.TimerHandle | None = None  # maxSilenceSeconds
    extra: dict[str, Any] = field(default_factory=dict)

    def json(self) -> ev.Json:
        out: ev.Json = {"name": self.name, "format": self.format, "state": self.state,
                        "target_uri": self.target_uri}
        if self.duration is not None:
            out["duration"] = self.duration
            if self.max_silence > 0:
                out["talking_duration"] = self.duration
                out["silence_duration"] = 0
        return out

    def cancel_timers(self) -> None:
        for handle in (self.timer, self.quiet_timer, self.silence_timer):
            if handle is not None:
                handle.cancel()
        self.timer = self.quiet_timer = self.silence_timer = None


# --- the file ----------------------------------------------------------------------------

_TONE_SECOND: bytes | None = None


def _tone_second() -> bytes:
    """One second of a 440 Hz tone (whole periods: seconds repeat seamlessly)."""
    global _TONE_SECOND
    if _TONE_SECOND is None:
        samples = array.array("h", (int(6000 * math.sin(2 * math.pi * 440 * i / RATE)) for i in range(RATE)))
        if samples.itemsize != 2:
            raise RuntimeError("16-bit samples expected")
        _TONE_SECOND = samples.tobytes() if sys.byteorder == "little" else _swapped(samples)
    return _TONE_SECOND


def _swapped(samples: array.array) -> bytes:
    samples = array.array("h", samples)
    samples.byteswap()
    return samples.tobytes()


def _frames(seconds: float) -> Iterable[bytes]:
    total = int(min(max(seconds, 0.0), MAX_FILE_S) * RATE) * 2
    second = _tone_second()
    while total > 0:
        chunk = second[:total]
        total -= len(chunk)
        yield chunk


def write_wav(path: Path, seconds: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        for chunk in _frames(seconds):
            wav.writeframesraw(chunk)


def wav_bytes(seconds: float) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        for chunk in _frames(seconds):
            wav.writeframesraw(chunk)
    return buffer.getvalue()


# --- live recordings ---------------------------------------------------------------------

def _is_bridge(target: Any) -> bool:
    from dialer.sim.bridges import Bridge
    return isinstance(target, Bridge)


def _apps_of(target: Any) -> Iterable[str]:
    if _is_bridge(target):
        apps = set(target.subscribed_apps())
        for ch in target.channels:
            apps.update(ch.apps)
        return apps
    return target.apps


def _flowing(rec: LiveRecording) -> bool:
    """Does the recorder get frames? From a bridge mixing two members or more, or from a phone
    (a single channel: PJSIP sends RTP, silence included) even alone with the recorder: so a
    phone kept in its bridge between calls keeps a recording going (the 478 s file of issue
    20). The test world's Local legs send nothing of their own."""
    if not _is_bridge(rec.target):
        return True
    channels = rec.target.channels
    return len(channels) >= 2 or any(ch.half == 0 for ch in channels)


def _talking_until(pbx: Pbx, rec: LiveRecording) -> float:
    """When the last sound now playing in the recorded bridge (or channel) ends."""
    now = pbx.clock.now()
    members = rec.target.channels if _is_bridge(rec.target) else [rec.target]
    until = 0.0
    for ch in members:
        for leg in (ch, ch.other):
            if leg is not None:
                until = max(until, leg.sound_until)
            if leg is not None and leg.playbacks:
                until = max(until, now + 1.0)
    if getattr(rec.target, "playbacks", None):
        until = max(until, now + 1.0)
    return until


def channel_recording(ch: Any) -> bool:
    """A channel recording runs (or is queued) on this channel: it may not join a bridge."""
    return bool(ch.recordings)


def record(pbx: Pbx, target: Any, target_uri: str, name: str, fmt: str,
           max_duration: float, max_silence: float = 0.0) -> LiveRecording:
    from dialer.sim.bridges import feed_frames, update_bridgepeers
    now = pbx.clock.now()
    recording = LiveRecording(name, fmt, target_uri, target, now, max_silence=max_silence)
    pbx.live_recordings[name] = recording
    target.recordings.append(recording)
    if not _is_bridge(target) and target.bridge is not None:
        # Refused by the channel's thread, after the 201: no RecordingStarted, no file.
        pbx.loop().call_soon(_fail_recording, pbx, recording, "Cannot record channel while in bridge")
        return recording
    if _is_bridge(target):
        # The recorder joins the bridge as a channel: every BRIDGEPEER names it first.
        recording.recorder = f"Recorder/ARI-{pbx.next_seq():08x};2"
        target.recorders.append(recording.recorder)
        update_bridgepeers(target)
        target.retune()
        feed_frames(target)
    pbx.loop().call_soon(_start_recording, pbx, recording)
    if max_duration > 0:
        recording.timer = pbx.clock.call_later(max_duration, stop_recording, pbx, recording)
    recording.talk_until = max(now, _talking_until(pbx, recording))
    reflow(pbx, recording, first=True)
    return recording


def _fail_recording(pbx: Pbx, recording: LiveRecording, cause: str) -> None:
    if pbx.live_recordings.get(recording.name) is not recording:
        return
    del pbx.live_recordings[recording.name]
    recording.cancel_timers()
    if recording in recording.target.recordings:
        recording.target.recordings.remove(recording)
    recording.state = "failed"
    pbx.emit_to(_apps_of(recording.target),
                ev.recording_event("RecordingFailed", pbx.ts(), {**recording.json(), "cause": cause}))


def _start_recording(pbx: Pbx, recording: LiveRecording) -> None:
    if recording.state != "queued":
        return
    recording.state = "recording"
    pbx.emit_to(_apps_of(recording.target),
                ev.recording_event("RecordingStarted", pbx.ts(), recording.json()))


def reflow(pbx: Pbx, rec: LiveRecording, *, first: bool = False) -> None:
    """The recorded bridge's members changed: frames start or stop reaching the recorder."""
    if pbx.live_recordings.get(rec.name) is not rec:
        return
    now = pbx.clock.now()
    flowing = _flowing(rec)
    if flowing and (first or rec.flowing_since is None):
        rec.flowing_since = now
        if rec.quiet_timer is not None:
            rec.quiet_timer.cancel()
            rec.quiet_timer = None
        if rec.max_silence > 0 and rec.silence_timer is None:
            wait = max(0.0, rec.talk_until + rec.max_silence - now)
            rec.silence_timer = pbx.clock.call_later(wait, _silence_check, pbx, rec)
    elif not flowing and (first or rec.flowing_since is not None):
        if rec.flowing_since is not None:
            rec.audio += now - rec.flowing_since
        rec.flowing_since = None
        if rec.quiet_timer is None:
            rec.quiet_timer = pbx.clock.call_later(NO_FRAMES_END_S, stop_recording, pbx, rec)
        if rec.silence_timer is not None:   # silence detection needs frames
            rec.silence_timer.cancel()
            rec.silence_timer = None


def bridge_changed(pbx: Pbx, bridge: Bridge) -> None:
    for rec in list(bridge.recordings):
        reflow(pbx, rec)


def _silence_check(pbx: Pbx, rec: LiveRecording) -> None:
    rec.silence_timer = None
    if pbx.live_recordings.get(rec.name) is not rec or rec.flowing_since is None:
        return
    now = pbx.clock.now()
    rec.talk_until = max(rec.talk_until, _talking_until(pbx, rec))
    left = rec.talk_until + rec.max_silence - now
    if left > 0.001:
        rec.silence_timer = pbx.clock.call_later(left, _silence_check, pbx, rec)
        return
    # Ended by silence detection: the trailing silence is not kept.
    rec.audio += max(0.0, rec.talk_until - rec.flowing_since)
    rec.flowing_since = None
    stop_recording(pbx, rec)


def stop_recording(pbx: Pbx, recording: LiveRecording, *, keep: bool = True) -> None:
    from dialer.sim.bridges import update_bridgepeers
    if pbx.live_recordings.get(recording.name) is not recording:
        return
    del pbx.live_recordings[recording.name]
    recording.cancel_timers()
    if recording.flowing_since is not None:
        recording.audio += pbx.clock.now() - recording.flowing_since
        recording.flowing_since = None
    recording.duration = int(recording.audio + 0.5)
    target = recording.target
    if recording in target.recordings:
        target.recordings.remove(recording)
    if keep:
        recording.state = "done"
        path = pbx.spool_dir / f"{recording.name}.{recording.format}"
        write_wav(path, recording.audio)
        pbx.stored_recordings[recording.name] = StoredRecording(
            recording.name, recording.format, recording.duration, path)
        pbx.emit_to(_apps_of(target),
                    ev.recording_event("RecordingFinished", pbx.ts(), recording.json()))
    if _is_bridge(target) and recording.recorder in target.recorders:
        target.recorders.remove(recording.recorder)
        update_bridgepeers(target)
        target.retune()
    if not _is_bridge(target) and not target.recordings and target.playbacks and not target.gone:
        from dialer.sim import media
        media.start_queued(pbx, target)  # the playbacks that waited for the recording


def delete_stored(pbx: Pbx, stored: StoredRecording) -> None:
    pbx.stored_recordings.pop(stored.name, None)
    if stored.path is not None:
        try:
            stored.path.unlink()
        except FileNotFoundError:
            pass


def copy_stored(pbx: Pbx, source: StoredRecording, destination: str) -> StoredRecording:
    path = pbx.spool_dir / f"{destination}.{source.format}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(source.file_bytes())
    copy = StoredRecording(destination, source.format, source.duration, path)
    pbx.stored_recordings[destination] = copy
    return copy
