"""Media of the simulated PBX: playbacks, live and stored recordings (no audio is mixed).

Durations are what matters to a dialer: a playback lasts as long as its sound would
(known sounds of the test world, 1 s otherwise) and a recording lasts until stopped, in
simulated seconds. Stored recordings survive a restart, like files on disk would.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from dialer.sim import events as ev

if TYPE_CHECKING:
    import asyncio

    from dialer.sim.bridges import Bridge
    from dialer.sim.channels import Channel
    from dialer.sim.pbx import Pbx

# Lengths of the stock sounds the test world plays (hello and hello-world as recorded).
SOUND_SECONDS = {
    "hello": 0.8, "hello-world": 1.42, "beep": 0.26, "vm-nobodyavail": 2.9, "vm-intro": 5.35,
    "silence/1": 1.0, "silence/2": 2.0, "silence/5": 5.0, "silence/10": 10.0,
    "tt-monkeys": 9.0, "tt-weasels": 3.0, "pls-hold-while-try": 2.2, "queue-thankyou": 1.8,
    "sorry": 1.24, "please-try-call-later": 2.18,
}


def media_seconds(media: str, pbx: Pbx | None = None) -> float:
    kind, _, name = media.partition(":")
    if kind == "sound":
        return SOUND_SECONDS.get(name, 1.0)
    if kind in ("digits", "number", "characters"):
        return 0.5 * max(1, len(name))
    if kind == "recording" and pbx is not None:
        stored = pbx.stored_recordings.get(name)
        return float(stored.duration) if stored else 1.0
    return 1.0


@dataclass
class Playback:
    id: str
    media: list[str]
    target_uri: str
    language: str
    target: Any                 # Channel | Bridge
    state: str = "queued"
    timer: asyncio.TimerHandle | None = None

    def json(self) -> ev.Json:
        out: ev.Json = {"id": self.id, "media_uri": self.media[0],
                        "target_uri": self.target_uri, "language": self.language,
                        "state": self.state}
        if len(self.media) > 1:
            out["next_media_uri"] = self.media[1]
        return out


@dataclass
class StoredRecording:
    name: str
    format: str
    duration: int = 0

    def json(self) -> ev.Json:
        return {"name": self.name, "format": self.format}

    def wav_bytes(self) -> bytes:
        """A silent 8 kHz mono WAV as long as the recording (capped at 60 s)."""
        frames = 8000 * min(self.duration, 60)
        data = b"\x00\x00" * frames
        return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt "
                + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
                + b"data" + struct.pack("<I", len(data)) + data)


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
    timer: asyncio.TimerHandle | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def json(self) -> ev.Json:
        out: ev.Json = {"name": self.name, "format": self.format, "state": self.state,
                        "target_uri": self.target_uri}
        if self.duration is not None:
            out["duration"] = self.duration
        return out


def _apps_of(target: Any) -> Iterable[str]:
    from dialer.sim.bridges import Bridge
    if isinstance(target, Bridge):
        apps = set(target.subscribed_apps())
        for ch in target.channels:
            apps.update(ch.apps)
        return apps
    return target.apps


# --- playbacks --------------------------------------------------------------------------

def play(pbx: Pbx, target: Any, target_uri: str, media: list[str], playback_id: str,
         language: str) -> Playback:
    playback = Playback(playback_id, media, target_uri, language or "en", target)
    pbx.playbacks[playback_id] = playback
    target.playbacks.append(playback)
    if len(target.playbacks) == 1:
        # After the 201 response, like Asterisk (the media starts on the channel's thread).
        pbx.loop().call_soon(_start_playback, pbx, playback)
    return playback


def _start_playback(pbx: Pbx, playback: Playback) -> None:
    if playback.state != "queued" or pbx.playbacks.get(playback.id) is not playback:
        return
    playback.state = "playing"
    pbx.emit_to(_apps_of(playback.target),
                ev.playback_event("PlaybackStarted", pbx.ts(), playback.json()))
    seconds = sum(media_seconds(m, pbx) for m in playback.media)
    playback.timer = pbx.clock.call_later(seconds, finish_playback, pbx, playback)


def finish_playback(pbx: Pbx, playback: Playback) -> None:
    """Playback done, stopped, or its target gone: PlaybackFinished, then the next one."""
    if pbx.playbacks.pop(playback.id, None) is None:
        return
    if playback.timer is not None:
        playback.timer.cancel()
        playback.timer = None
    was_playing = playback.state == "playing"
    playback.state = "done"
    if was_playing:
        pbx.emit_to(_apps_of(playback.target),
                    ev.playback_event("PlaybackFinished", pbx.ts(), playback.json()))
    queue = playback.target.playbacks
    if playback in queue:
        queue.remove(playback)
    if was_playing and queue:
        _start_playback(pbx, queue[0])


# --- recordings -------------------------------------------------------------------------

def record(pbx: Pbx, target: Any, target_uri: str, name: str, fmt: str,
           max_duration: float) -> LiveRecording:
    from dialer.sim.bridges import Bridge, update_bridgepeers
    recording = LiveRecording(name, fmt, target_uri, target, pbx.clock.now())
    pbx.live_recordings[name] = recording
    target.recordings.append(recording)
    if isinstance(target, Bridge):
        # The recorder joins the bridge as a channel: every BRIDGEPEER names it first.
        recording.recorder = f"Recorder/ARI-{pbx.next_seq():08x};2"
        target.recorders.append(recording.recorder)
        update_bridgepeers(target)
    pbx.loop().call_soon(_start_recording, pbx, recording)
    if max_duration > 0:
        recording.timer = pbx.clock.call_later(max_duration, stop_recording, pbx, recording)
    return recording


def _start_recording(pbx: Pbx, recording: LiveRecording) -> None:
    if recording.state != "queued":
        return
    recording.state = "recording"
    pbx.emit_to(_apps_of(recording.target),
                ev.recording_event("RecordingStarted", pbx.ts(), recording.json()))


def stop_recording(pbx: Pbx, recording: LiveRecording, *, keep: bool = True) -> None:
    from dialer.sim.bridges import Bridge, update_bridgepeers
    if pbx.live_recordings.get(recording.name) is not recording:
        return
    del pbx.live_recordings[recording.name]
    if recording.timer is not None:
        recording.timer.cancel()
    elapsed = pbx.clock.now() - recording.started
    recording.duration = int(elapsed)
    target = recording.target
    if recording in target.recordings:
        target.recordings.remove(recording)
    if keep:
        recording.state = "done"
        pbx.stored_recordings[recording.name] = StoredRecording(
            recording.name, recording.format, recording.duration)
        pbx.emit_to(_apps_of(target),
                    ev.recording_event("RecordingFinished", pbx.ts(), recording.json()))
    if isinstance(target, Bridge) and recording.recorder in target.recorders:
        target.recorders.remove(recording.recorder)
        update_bridgepeers(target)


def target_gone(pbx: Pbx, target: Channel | Bridge) -> None:
    for playback in list(target.playbacks):
        finish_playback(pbx, playback)
    for recording in list(target.recordings):
        stop_recording(pbx, recording)
