"""ARI events as typed, frozen dataclasses, and `parse_event` that builds them from the JSON
Asterisk writes on the events websocket. Event types this module does not know are still
returned, as the base `Event` with the raw JSON in `data`, so nothing is silently dropped.
Dispatching lives in `websocket.py`; this module does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping

from dialer.ari.models import Bridge, Channel, LiveRecording, Playback, parse_time


class MalformedEvent(ValueError):
    """The websocket delivered something that is not an ARI event (bad JSON, no `type`)."""


@dataclass(frozen=True, slots=True)
class Event:
    """Fields every ARI event has. `data` keeps the raw JSON for fields not typed here.

    `received_at` is when the client read the event off the socket (epoch seconds, 0.0 when
    not read from a socket): with `timestamp` and the handler's own clock it splits the
    handling lag into "on the way" and "waiting in our queue".
    """

    type: str
    application: str
    timestamp: datetime | None
    asterisk_id: str
    data: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    received_at: float = field(default=0.0, compare=False)


@dataclass(frozen=True, slots=True)
class ChannelEvent(Event):
    """An event about one channel (ChannelStateChange, StasisEnd, ChannelConnectedLine, ...)."""

    channel: Channel | None = None


@dataclass(frozen=True, slots=True)
class StasisStart(ChannelEvent):
    args: tuple[str, ...] = ()
    replace_channel: Channel | None = None


@dataclass(frozen=True, slots=True)
class StasisEnd(ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class ChannelStateChange(ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class ChannelDestroyed(ChannelEvent):
    # A Q.850 cause. For busy/congestion the `;1` half of a Local channel says 0 "Unknown";
    # the truth is on the `;2` half and in `Dial.dialstatus`.
    cause: int = 0
    cause_txt: str = ""


@dataclass(frozen=True, slots=True)
class ChannelHangupRequest(ChannelEvent):
    # With soft=True `cause` is Asterisk's soft-hangup *flag* (32 explicit, 16 Local teardown),
    # not a Q.850 cause.
    cause: int = 0
    soft: bool = False


@dataclass(frozen=True, slots=True)
class ChannelDialplan(ChannelEvent):
    dialplan_app: str = ""
    dialplan_app_data: str = ""


@dataclass(frozen=True, slots=True)
class ChannelVarset(ChannelEvent):
    # `channel` is None for a global variable.
    variable: str = ""
    value: str = ""


@dataclass(frozen=True, slots=True)
class ChannelCallerId(ChannelEvent):
    caller_presentation: int = 0
    caller_presentation_txt: str = ""


@dataclass(frozen=True, slots=True)
class ChannelDtmfReceived(ChannelEvent):
    digit: str = ""
    duration_ms: int = 0


@dataclass(frozen=True, slots=True)
class BridgeEvent(Event):
    """BridgeCreated, BridgeDestroyed, BridgeVideoSourceChanged, ..."""

    bridge: Bridge | None = None


@dataclass(frozen=True, slots=True)
class ChannelBridgeEvent(Event):
    """ChannelEnteredBridge / ChannelLeftBridge."""

    bridge: Bridge | None = None
    channel: Channel | None = None


@dataclass(frozen=True, slots=True)
class Dial(Event):
    """Progress of a dial: `dialstatus` is "" at dial, then RINGING, ANSWER, BUSY, ...

    `peer` is the dialled channel (the `;1` half of an originated Local channel); `caller` is
    absent for originates.
    """

    peer: Channel | None = None
    caller: Channel | None = None
    forwarded: Channel | None = None
    dialstatus: str = ""
    dialstring: str = ""
    forward: str = ""


@dataclass(frozen=True, slots=True)
class PlaybackEvent(Event):
    """PlaybackStarted, PlaybackContinuing, PlaybackFinished."""

    playback: Playback | None = None


@dataclass(frozen=True, slots=True)
class RecordingEvent(Event):
    """RecordingStarted, RecordingFinished, RecordingFailed."""

    recording: LiveRecording | None = None


def _channel(data: Mapping[str, Any], key: str = "channel") -> Channel | None:
    value = data.get(key)
    return Channel.from_json(value) if isinstance(value, dict) else None


def _bridge(data: Mapping[str, Any]) -> Bridge | None:
    value = data.get("bridge")
    return Bridge.from_json(value) if isinstance(value, dict) else None


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    return value if isinstance(value, int) else 0


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value.__class__ is str:
        return value
    return "" if value is None else str(value)


# Each builder gets the common fields already parsed (as keyword arguments) plus the raw JSON.
_Builder = Callable[[dict[str, Any], Mapping[str, Any]], Event]


def _channel_event(cls: type[ChannelEvent]) -> _Builder:
    return lambda common, d: cls(**common, channel=_channel(d))


_BUILDERS: dict[str, _Builder] = {
    "StasisStart": lambda c, d: StasisStart(
        **c, channel=_channel(d), args=tuple(str(a) for a in d.get("args") or ()),
        replace_channel=_channel(d, "replace_channel"),
    ),
    "StasisEnd": _channel_event(StasisEnd),
    "ChannelCreated": _channel_event(ChannelEvent),
    "ChannelStateChange": _channel_event(ChannelStateChange),
    "ChannelConnectedLine": _channel_event(ChannelEvent),
    "ChannelHold": _channel_event(ChannelEvent),
    "ChannelUnhold": _channel_event(ChannelEvent),
    "ChannelTalkingStarted": _channel_event(ChannelEvent),
    "ChannelTalkingFinished": _channel_event(ChannelEvent),
    "ChannelDestroyed": lambda c, d: ChannelDestroyed(
        **c, channel=_channel(d), cause=_int(d, "cause"), cause_txt=_text(d, "cause_txt"),
    ),
    "ChannelHangupRequest": lambda c, d: ChannelHangupRequest(
        **c, channel=_channel(d), cause=_int(d, "cause"), soft=bool(d.get("soft", False)),
    ),
    "ChannelDialplan": lambda c, d: ChannelDialplan(
        **c, channel=_channel(d), dialplan_app=_text(d, "dialplan_app"),
        dialplan_app_data=_text(d, "dialplan_app_data"),
    ),
    "ChannelVarset": lambda c, d: ChannelVarset(
        **c, channel=_channel(d), variable=_text(d, "variable"), value=_text(d, "value"),
    ),
    "ChannelCallerId": lambda c, d: ChannelCallerId(
        **c, channel=_channel(d), caller_presentation=_int(d, "caller_presentation"),
        caller_presentation_txt=_text(d, "caller_presentation_txt"),
    ),
    "ChannelDtmfReceived": lambda c, d: ChannelDtmfReceived(
        **c, channel=_channel(d), digit=_text(d, "digit"), duration_ms=_int(d, "duration_ms"),
    ),
    "ChannelEnteredBridge": lambda c, d: ChannelBridgeEvent(**c, bridge=_bridge(d), channel=_channel(d)),
    "ChannelLeftBridge": lambda c, d: ChannelBridgeEvent(**c, bridge=_bridge(d), channel=_channel(d)),
    "BridgeCreated": lambda c, d: BridgeEvent(**c, bridge=_bridge(d)),
    "BridgeDestroyed": lambda c, d: BridgeEvent(**c, bridge=_bridge(d)),
    "Dial": lambda c, d: Dial(
        **c, peer=_channel(d, "peer"), caller=_channel(d, "caller"),
        forwarded=_channel(d, "forwarded"), dialstatus=_text(d, "dialstatus"),
        dialstring=_text(d, "dialstring"), forward=_text(d, "forward"),
    ),
    "PlaybackStarted": lambda c, d: PlaybackEvent(**c, playback=_playback(d)),
    "PlaybackContinuing": lambda c, d: PlaybackEvent(**c, playback=_playback(d)),
    "PlaybackFinished": lambda c, d: PlaybackEvent(**c, playback=_playback(d)),
    "RecordingStarted": lambda c, d: RecordingEvent(**c, recording=_recording(d)),
    "RecordingFinished": lambda c, d: RecordingEvent(**c, recording=_recording(d)),
    "RecordingFailed": lambda c, d: RecordingEvent(**c, recording=_recording(d)),
}


def _playback(d: Mapping[str, Any]) -> Playback | None:
    value = d.get("playback")
    return Playback.from_json(value) if isinstance(value, dict) else None


def _recording(d: Mapping[str, Any]) -> LiveRecording | None:
    value = d.get("recording")
    return LiveRecording.from_json(value) if isinstance(value, dict) else None


def parse_event(data: Any, received_at: float = 0.0) -> Event:
    """Build the typed event for one decoded JSON message; raise MalformedEvent if it is none."""
    if not isinstance(data, dict):
        raise MalformedEvent(f"event is a {type(data).__name__}, not an object")
    event_type = data.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise MalformedEvent("event has no type")
    common: dict[str, Any] = {
        "type": event_type,
        "application": _text(data, "application"),
        "timestamp": parse_time(data.get("timestamp")),
        "asterisk_id": _text(data, "asterisk_id"),
        "data": data,
        "received_at": received_at,
    }
    builder = _BUILDERS.get(event_type)
    try:
        return builder(common, data) if builder else Event(**common)
    except (TypeError, ValueError, AttributeError) as exc:  # a field of the wrong JSON type
        raise MalformedEvent(f"{event_type}: {exc}") from exc
