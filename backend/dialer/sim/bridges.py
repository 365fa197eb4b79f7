"""Bridges of the simulated PBX: mixing and holding, entering and leaving, BRIDGEPEER and
connected-line updates, and which app hears about a bridge.

As on Asterisk, an app is subscribed to a bridge once per channel it adds over ARI and
unsubscribed once per channel it removes: `BridgeDestroyed` reaches it only while some
subscription remains (a bridge emptied with removeChannel dies silently; one whose
channels hung up does not). REST-created bridges have no `BridgeCreated`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from dialer.sim import events as ev
from dialer.sim import recorder
from dialer.sim.channels import Channel, set_var

if TYPE_CHECKING:
    from dialer.sim.pbx import Pbx


@dataclass
class Bridge:
    id: str
    bridge_type: str
    name: str
    creationtime: str
    channels: list[Channel] = field(default_factory=list)
    recorders: list[str] = field(default_factory=list)   # Recorder/ARI-... pseudo channels
    app_refs: Counter[str] = field(default_factory=Counter)
    playbacks: list[Any] = field(default_factory=list)
    recordings: list[Any] = field(default_factory=list)
    moh: bool = False
    gone: bool = False
    # Asterisk's smart bridging: two parties talk through simple_bridge; a third party, or a
    # recorder beside two, makes it mix (softmix). It is re-chosen after each change, so the
    # event of the change itself still shows the technology from before.
    mix_technology: str = "simple_bridge"

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    @property
    def technology(self) -> str:
        return "holding_bridge" if self.bridge_type == "holding" else self.mix_technology

    def retune(self) -> None:
        parties = len(self.channels) + len(self.recorders)
        self.mix_technology = "softmix" if parties >= 3 else "simple_bridge"

    @property
    def is_mixing(self) -> bool:
        return self.bridge_type != "holding"

    def json(self) -> ev.Json:
        return ev.bridge_json(self)

    def subscribed_apps(self) -> list[str]:
        return [app for app, n in self.app_refs.items() if n > 0]


def _apps_for(bridge: Bridge, ch: Channel) -> list[str]:
    apps = list(ch.apps)
    apps.extend(a for a in bridge.subscribed_apps() if a not in ch.apps)
    return apps


def _emit(pbx: Pbx, apps: Iterable[str], event: ev.Json) -> None:
    pbx.emit_to(apps, event)


def create(pbx: Pbx, bridge_id: str, types: str, name: str) -> Bridge:
    kinds = {t.strip() for t in types.split(",") if t.strip()}
    bridge_type = "holding" if "holding" in kinds else "mixing"
    return Bridge(bridge_id, bridge_type, name, pbx.ts())


def add_channel(pbx: Pbx, bridge: Bridge, ch: Channel) -> None:
    """POST /bridges/{id}/addChannel for one channel (already validated)."""
    if ch.bridge is bridge:
        return
    if ch.bridge is not None:
        leave(pbx, ch)            # Asterisk moves a bridged channel rather than refusing
    if ch.stasis_app:
        bridge.app_refs[ch.stasis_app] += 1
    ch.bridge = bridge
    bridge.channels.append(ch)
    if pbx.record is not None:
        pbx.record.bridged(ch, bridge.id)
    _emit(pbx, _apps_for(bridge, ch),
          ev.bridge_channel_event("ChannelEnteredBridge", pbx.ts(), bridge, ch))
    if bridge.is_mixing:
        update_bridgepeers(bridge)
        _exchange_connected_lines(pbx, bridge, ch)
    _members_changed(pbx, bridge)


def _members_changed(pbx: Pbx, bridge: Bridge) -> None:
    bridge.retune()
    feed_frames(bridge)
    if bridge.recordings:
        recorder.bridge_changed(pbx, bridge)


def feed_frames(bridge: Bridge) -> None:
    """A mixing (softmix) bridge sends every member frames, silent or not: a callee's
    Answer() that waits for media goes on at once (the Local legs of two parties in a
    simple_bridge exchange none, so there it waits its 0.5 s)."""
    if bridge.technology != "softmix":
        return
    from dialer.sim.apps import frame_arrived   # apps imports bridges: at run time
    for ch in list(bridge.channels):
        if ch.other is not None and not ch.other.dying:
            frame_arrived(ch.other)


def remove_channel(pbx: Pbx, bridge: Bridge, ch: Channel) -> None:
    """POST /bridges/{id}/removeChannel: the app's subscription to the bridge drops too."""
    if ch.stasis_app and bridge.app_refs[ch.stasis_app] > 0:
        bridge.app_refs[ch.stasis_app] -= 1
    leave(pbx, ch)


def leave(pbx: Pbx, ch: Channel) -> None:
    bridge = ch.bridge
    if bridge is None:
        return
    if bridge.is_mixing and ch.vars.get("BRIDGEPEER"):
        set_var(ch, "BRIDGEPEER", "")
    bridge.channels.remove(ch)
    ch.bridge = None
    _emit(pbx, _apps_for(bridge, ch),
          ev.bridge_channel_event("ChannelLeftBridge", pbx.ts(), bridge, ch))
    if bridge.is_mixing and len(bridge.channels) + len(bridge.recorders) >= 2:
        update_bridgepeers(bridge)
    _members_changed(pbx, bridge)


def destroy(pbx: Pbx, bridge: Bridge) -> None:
    for ch in list(bridge.channels):
        leave(pbx, ch)
    pbx.media_bridge_gone(bridge)
    bridge.gone = True
    apps = bridge.subscribed_apps()
    if apps:
        _emit(pbx, apps, ev.bridge_destroyed_event(pbx.ts(), bridge))
    pbx.forget_bridge(bridge)


def update_bridgepeers(bridge: Bridge) -> None:
    """BRIDGEPEER of each channel: the recorders first, then the other channels' names."""
    if len(bridge.channels) + len(bridge.recorders) < 2:
        return
    for ch in list(bridge.channels):
        peers = ",".join([*bridge.recorders,
                          *(c.name for c in bridge.channels if c is not ch)])
        if ch.vars.get("BRIDGEPEER") != peers:
            set_var(ch, "BRIDGEPEER", peers)


def resend_bridgepeers(bridge: Bridge) -> None:
    """Every member's BRIDGEPEER set again, unchanged: what a snoop attaching to or leaving a
    member makes Asterisk do (snoop-spy-whisper-barge.jsonl)."""
    if not bridge.is_mixing or len(bridge.channels) + len(bridge.recorders) < 2:
        return
    for ch in list(bridge.channels):
        set_var(ch, "BRIDGEPEER", ",".join([*bridge.recorders, *(c.name for c in bridge.channels if c is not ch)]))


def _exchange_connected_lines(pbx: Pbx, bridge: Bridge, joined: Channel) -> None:
    """Two parties: each one's connected line becomes the other's caller id."""
    if len(bridge.channels) != 2:
        return
    first = joined
    second = bridge.channels[0] if bridge.channels[1] is joined else bridge.channels[1]
    for ch, peer in ((first, second), (second, first)):
        if (ch.connected_name, ch.connected_number) == (peer.caller_name, peer.caller_number):
            continue
        ch.connected_name, ch.connected_number = peer.caller_name, peer.caller_number
        pbx.emit(ch, ev.channel_event("ChannelConnectedLine", pbx.ts(), ch))
        half2 = ch.other if ch.half == 1 else None
        if half2 is not None and not half2.dying:
            # Through a Local channel the update becomes the ;2 half's caller id.
            half2.caller_name, half2.caller_number = ch.connected_name, ch.connected_number
            half2.pending_callerid = True
