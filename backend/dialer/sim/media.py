"""Media of the simulated PBX: playbacks (no audio is mixed); recordings are in recorder.py.

Durations are what matters to a dialer: a playback lasts as long as its sound would
(known sounds of the test world, 1 s otherwise), in simulated seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from dialer.sim import events as ev
from dialer.sim import recorder

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
    # A channel busy recording (a command in its thread) plays once the recording ends.
    if len(target.playbacks) == 1 and not (_is_channel(target) and recorder.channel_recording(target)):
        # After the 201 response, like Asterisk (the media starts on the channel's thread).
        pbx.loop().call_soon(_start_playback, pbx, playback)
    return playback


def _is_channel(target: Any) -> bool:
    from dialer.sim.bridges import Bridge
    return not isinstance(target, Bridge)


def start_queued(pbx: Pbx, target: Any) -> None:
    """The first queued playback of `target` starts (its channel's recording just ended)."""
    if target.playbacks and target.playbacks[0].state == "queued":
        pbx.loop().call_soon(_start_playback, pbx, target.playbacks[0])


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


def target_gone(pbx: Pbx, target: Channel | Bridge) -> None:
    for playback in list(target.playbacks):
        finish_playback(pbx, playback)
    for recording in list(target.recordings):
        recorder.stop_recording(pbx, recording)
