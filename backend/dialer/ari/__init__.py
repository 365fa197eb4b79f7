"""Asterisk REST Interface client on aiohttp: REST calls, the events websocket, reconnect and
in-order dispatch. Knows nothing of dialing."""

from dialer.ari.channels import HangupReason
from dialer.ari.client import AriClient
from dialer.ari.errors import (
    AriConnectionError,
    AriError,
    AriHttpError,
    AriTimeout,
    BadRequest,
    Conflict,
    NotConnected,
    NotFound,
    ServerError,
    UnprocessableEntity,
)
from dialer.ari.events import (
    ChannelBridgeEvent,
    ChannelDestroyed,
    ChannelEvent,
    ChannelHangupRequest,
    ChannelStateChange,
    Dial,
    Event,
    PlaybackEvent,
    RecordingEvent,
    StasisEnd,
    StasisStart,
    parse_event,
)
from dialer.ari.models import (
    Bridge,
    BridgeType,
    Channel,
    ChannelState,
    LiveRecording,
    Playback,
    Snapshot,
    StoredRecording,
)
from dialer.ari.websocket import Backoff, ConnectionState

__all__ = [
    "AriClient", "AriConnectionError", "AriError", "AriHttpError", "AriTimeout", "Backoff",
    "BadRequest", "Bridge", "BridgeType", "Channel", "ChannelBridgeEvent", "ChannelDestroyed",
    "ChannelEvent", "ChannelHangupRequest", "ChannelState", "ChannelStateChange", "Conflict",
    "ConnectionState", "Dial", "Event", "HangupReason", "LiveRecording", "NotConnected",
    "NotFound", "Playback", "PlaybackEvent", "RecordingEvent", "ServerError", "Snapshot",
    "StasisEnd", "StasisStart", "StoredRecording", "UnprocessableEntity", "parse_event",
]
