"""Typed snapshots of ARI objects (channels, bridges, playbacks, recordings, ...), built from
Asterisk's JSON. Frozen dataclasses: a snapshot is what Asterisk said at one moment, never a
live handle. Unknown enum values map to UNKNOWN so a newer Asterisk does not break parsing.
JSON objects are checked with `isinstance(x, dict)`, not `Mapping`: json.loads only makes
dicts, and the ABC check costs more than the rest of parsing at thousands of events/s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any, Mapping


class _LenientEnum(StrEnum):
    """A string enum whose unknown values become UNKNOWN instead of raising."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return cls.__members__.get("UNKNOWN")


class ChannelState(_LenientEnum):
    DOWN = "Down"
    RSRVD = "Rsrvd"
    OFFHOOK = "OffHook"
    DIALING = "Dialing"
    RING = "Ring"
    RINGING = "Ringing"
    UP = "Up"
    BUSY = "Busy"
    DIALING_OFFHOOK = "Dialing Offhook"
    PRE_RING = "Pre-ring"
    MUTE = "Mute"
    UNKNOWN = "Unknown"


class BridgeType(_LenientEnum):
    MIXING = "mixing"
    HOLDING = "holding"
    DTMF_EVENTS = "dtmf_events"
    PROXY_MEDIA = "proxy_media"
    VIDEO_SFU = "video_sfu"
    VIDEO_SINGLE = "video_single"
    UNKNOWN = "unknown"


class PlaybackState(_LenientEnum):
    QUEUED = "queued"
    PLAYING = "playing"
    PAUSED = "paused"
    CONTINUING = "continuing"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class RecordingState(_LenientEnum):
    QUEUED = "queued"
    RECORDING = "recording"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELED = "canceled"
    UNKNOWN = "unknown"


def parse_time(value: Any) -> datetime | None:
    """Asterisk's `2026-11-22T20:15:17.199+0000` as an aware datetime (UTC if no offset)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _str(data: Mapping[str, Any], key: str) -> str:
    # Hot path (several calls per field per event): exact type check, no ABC machinery.
    value = data.get(key)
    if value.__class__ is str:
        return value
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class CallerId:
    name: str = ""
    number: str = ""

    @classmethod
    def from_json(cls, data: Any) -> CallerId:
        if not isinstance(data, dict):
            return cls()
        return cls(name=_str(data, "name"), number=_str(data, "number"))


@dataclass(frozen=True, slots=True)
class DialplanLocation:
    """Where the channel is in the dialplan (ARI's `DialplanCEP`)."""

    context: str = ""
    exten: str = ""
    priority: int = 0
    app_name: str = ""
    app_data: str = ""

    @classmethod
    def from_json(cls, data: Any) -> DialplanLocation:
        if not isinstance(data, dict):
            return cls()
        priority = data.get("priority")
        return cls(
            context=_str(data, "context"),
            exten=_str(data, "exten"),
            priority=priority if isinstance(priority, int) else 0,
            app_name=_str(data, "app_name"),
            app_data=_str(data, "app_data"),
        )


_CHANNEL_STATES = {state.value: state for state in ChannelState}


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    name: str
    state: ChannelState
    caller: CallerId = CallerId()
    connected: CallerId = CallerId()
    dialplan: DialplanLocation = DialplanLocation()
    accountcode: str = ""
    language: str = ""
    protocol_id: str = ""
    creationtime: datetime | None = None
    # Only present when Asterisk is configured to send channel variables with events.
    channelvars: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Channel:
        channelvars = data.get("channelvars")
        state = data.get("state", "Unknown")
        return cls(
            id=_str(data, "id"),
            name=_str(data, "name"),
            # A dict look-up: calling the enum costs more than the rest of this field.
            state=_CHANNEL_STATES.get(state) or ChannelState(state),
            caller=CallerId.from_json(data.get("caller")),
            connected=CallerId.from_json(data.get("connected")),
            dialplan=DialplanLocation.from_json(data.get("dialplan")),
            accountcode=_str(data, "accountcode"),
            language=_str(data, "language"),
            protocol_id=_str(data, "protocol_id"),
            creationtime=parse_time(data.get("creationtime")),
            channelvars=dict(channelvars) if isinstance(channelvars, dict) else {},
        )


@dataclass(frozen=True, slots=True)
class Bridge:
    id: str
    bridge_type: BridgeType
    technology: str = ""
    bridge_class: str = ""
    creator: str = ""
    name: str = ""
    channels: tuple[str, ...] = ()
    video_mode: str = ""
    creationtime: datetime | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Bridge:
        return cls(
            id=_str(data, "id"),
            bridge_type=BridgeType(data.get("bridge_type", "unknown")),
            technology=_str(data, "technology"),
            bridge_class=_str(data, "bridge_class"),
            creator=_str(data, "creator"),
            name=_str(data, "name"),
            channels=tuple(str(c) for c in data.get("channels") or ()),
            video_mode=_str(data, "video_mode"),
            creationtime=parse_time(data.get("creationtime")),
        )


@dataclass(frozen=True, slots=True)
class Playback:
    id: str
    media_uri: str
    target_uri: str
    state: PlaybackState
    language: str = ""
    next_media_uri: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Playback:
        return cls(
            id=_str(data, "id"),
            media_uri=_str(data, "media_uri"),
            target_uri=_str(data, "target_uri"),
            state=PlaybackState(data.get("state", "unknown")),
            language=_str(data, "language"),
            next_media_uri=_str(data, "next_media_uri"),
        )


@dataclass(frozen=True, slots=True)
class LiveRecording:
    name: str
    format: str
    state: RecordingState
    target_uri: str = ""
    # Whole seconds, and only once the recording has finished.
    duration: int | None = None
    talking_duration: int | None = None
    silence_duration: int | None = None
    cause: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LiveRecording:
        def _int(key: str) -> int | None:
            value = data.get(key)
            return value if isinstance(value, int) else None

        return cls(
            name=_str(data, "name"),
            format=_str(data, "format"),
            state=RecordingState(data.get("state", "unknown")),
            target_uri=_str(data, "target_uri"),
            duration=_int("duration"),
            talking_duration=_int("talking_duration"),
            silence_duration=_int("silence_duration"),
            cause=_str(data, "cause"),
        )


@dataclass(frozen=True, slots=True)
class StoredRecording:
    name: str
    format: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoredRecording:
        return cls(name=_str(data, "name"), format=_str(data, "format"))


@dataclass(frozen=True, slots=True)
class Application:
    name: str
    channel_ids: tuple[str, ...] = ()
    bridge_ids: tuple[str, ...] = ()
    endpoint_ids: tuple[str, ...] = ()
    device_names: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Application:
        def _ids(key: str) -> tuple[str, ...]:
            return tuple(str(x) for x in data.get(key) or ())

        return cls(
            name=_str(data, "name"),
            channel_ids=_ids("channel_ids"),
            bridge_ids=_ids("bridge_ids"),
            endpoint_ids=_ids("endpoint_ids"),
            device_names=_ids("device_names"),
        )


@dataclass(frozen=True, slots=True)
class AsteriskInfo:
    """The few fields of `GET /asterisk/info` the dialer uses, plus the rest untyped."""

    version: str = ""
    entity_id: str = ""
    startup_time: datetime | None = None
    last_reload_time: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AsteriskInfo:
        system = data.get("system") if isinstance(data.get("system"), dict) else {}
        status = data.get("status") if isinstance(data.get("status"), dict) else {}
        return cls(
            version=_str(system, "version"),
            entity_id=_str(system, "entity_id"),
            startup_time=parse_time(status.get("startup_time")),
            last_reload_time=parse_time(status.get("last_reload_time")),
            details=dict(data),
        )


@dataclass(frozen=True, slots=True)
class AsteriskPing:
    asterisk_id: str
    timestamp: datetime | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AsteriskPing:
        return cls(asterisk_id=_str(data, "asterisk_id"), timestamp=parse_time(data.get("timestamp")))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What Asterisk holds right now: the engine rebuilds its view from this after a reconnect."""

    channels: tuple[Channel, ...]
    bridges: tuple[Bridge, ...]
