"""Builders of ARI event and resource JSON in the exact shapes (and key order) of Asterisk 23.

The fake's events are compared field by field with recordings of a real Asterisk, so every
builder here mirrors one recorded shape. Builders return plain dicts; the caller adds
`asterisk_id`/`application` and serialises once per event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dialer.sim.numbers import cause_text

if TYPE_CHECKING:
    from dialer.sim.bridges import Bridge
    from dialer.sim.channels import Channel

ASTERISK_ID = "02:fc:00:00:00:01"
ASTERISK_VERSION = "23.4.1"

Json = dict[str, Any]


def channel_json(ch: Channel) -> Json:
    return {
        "id": ch.id,
        "name": ch.name,
        "state": ch.state,
        "protocol_id": "",
        "caller": {"name": ch.caller_name, "number": ch.caller_number},
        "connected": {"name": ch.connected_name, "number": ch.connected_number},
        "accountcode": "",
        "dialplan": {
            "context": ch.context,
            "exten": ch.exten,
            "priority": ch.priority,
            "app_name": ch.app_name,
            "app_data": ch.app_data,
        },
        "creationtime": ch.creationtime,
        "language": "en",
    }


def bridge_json(bridge: Bridge) -> Json:
    return {
        "id": bridge.id,
        "technology": bridge.technology,
        "bridge_type": bridge.bridge_type,
        "bridge_class": "stasis",
        "creator": "Stasis",
        "name": bridge.name,
        # Asterisk lists the ids from a hash container; sorted keeps the fake deterministic.
        "channels": sorted(c.id for c in bridge.channels),
        "creationtime": bridge.creationtime,
        "video_mode": "talker",
    }


def channel_event(kind: str, ts: str, ch: Channel) -> Json:
    """StasisEnd, ChannelStateChange, ChannelConnectedLine: type, timestamp, channel."""
    return {"type": kind, "timestamp": ts, "channel": channel_json(ch)}


def dialplan_event(ts: str, ch: Channel) -> Json:
    return {"type": "ChannelDialplan", "timestamp": ts, "dialplan_app": ch.app_name,
            "dialplan_app_data": ch.app_data, "channel": channel_json(ch)}


def varset_event(ts: str, ch: Channel, variable: str, value: str) -> Json:
    return {"variable": variable, "value": value, "type": "ChannelVarset", "timestamp": ts,
            "channel": channel_json(ch)}


def callerid_event(ts: str, ch: Channel) -> Json:
    allowed = bool(ch.caller_number)
    return {"type": "ChannelCallerId", "timestamp": ts,
            "caller_presentation": 0 if allowed else 67,
            "caller_presentation_txt": ("Presentation Allowed, Not Screened" if allowed
                                        else "Number Unavailable"),
            "channel": channel_json(ch)}


def dial_event(ts: str, peer: Channel, dialstatus: str, dialstring: str) -> Json:
    # Originates have no calling channel: Asterisk omits "caller" and names only the peer.
    return {"type": "Dial", "timestamp": ts, "dialstatus": dialstatus, "forward": "",
            "dialstring": dialstring, "peer": channel_json(peer)}


def hangup_request_event(ts: str, ch: Channel, cause: int, soft: bool) -> Json:
    event: Json = {"cause": cause}
    if soft:
        event["soft"] = True
    event.update({"type": "ChannelHangupRequest", "timestamp": ts, "channel": channel_json(ch)})
    return event


def destroyed_event(ts: str, ch: Channel, cause: int) -> Json:
    return {"type": "ChannelDestroyed", "timestamp": ts, "cause": cause,
            "cause_txt": cause_text(cause), "channel": channel_json(ch)}


def stasis_start_event(ts: str, ch: Channel, args: list[str]) -> Json:
    return {"type": "StasisStart", "timestamp": ts, "args": list(args),
            "channel": channel_json(ch)}


def bridge_channel_event(kind: str, ts: str, bridge: Bridge, ch: Channel) -> Json:
    """ChannelEnteredBridge / ChannelLeftBridge."""
    return {"type": kind, "timestamp": ts, "bridge": bridge_json(bridge),
            "channel": channel_json(ch)}


def bridge_destroyed_event(ts: str, bridge: Bridge) -> Json:
    return {"type": "BridgeDestroyed", "timestamp": ts, "bridge": bridge_json(bridge)}


def playback_event(kind: str, ts: str, playback: Json) -> Json:
    return {"type": kind, "timestamp": ts, "playback": dict(playback)}


def recording_event(kind: str, ts: str, recording: Json) -> Json:
    return {"type": kind, "timestamp": ts, "recording": dict(recording)}


def application_replaced_event(ts: str, app: str) -> Json:
    return {"type": "ApplicationReplaced", "timestamp": ts, "application": app,
            "asterisk_id": ASTERISK_ID}
