"""Parsing every event recorded from Asterisk 23.4.1 into typed objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialer.ari import (
    ChannelDestroyed, ChannelHangupRequest, ChannelState, Dial, Event, PlaybackEvent,
    RecordingEvent, StasisStart, parse_event,
)
from dialer.ari.events import ChannelBridgeEvent, ChannelVarset, MalformedEvent
from dialer.ari.models import PlaybackState, RecordingState

RECORDINGS = Path("/work/shared/asterisk-events")


def recorded_events(name: str) -> list[dict]:
    path = RECORDINGS / name
    if not path.exists():
        pytest.skip(f"{path} is not available")
    lines = (json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return [line["data"] for line in lines if line["kind"] == "event"]


def test_every_recorded_event_parses_to_its_type() -> None:
    if not RECORDINGS.exists():
        pytest.skip("recordings not available")
    generic = set()
    for path in sorted(RECORDINGS.glob("*.jsonl")):
        for data in recorded_events(path.name):
            event = parse_event(data)
            assert event.type == data["type"] and event.application == "dialer"
            assert event.timestamp is not None and event.timestamp.tzinfo is not None
            if type(event) is Event:
                generic.add(event.type)
    # ApplicationReplaced carries nothing beyond the common fields.
    assert generic == {"ApplicationReplaced"}


def test_busy_keeps_the_cause_quirks() -> None:
    events = [parse_event(d) for d in recorded_events("busy.jsonl")]
    destroyed = {e.channel.id: e for e in events if isinstance(e, ChannelDestroyed)}
    assert (destroyed["busy-1"].cause, destroyed["busy-1"].cause_txt) == (0, "Unknown")
    assert destroyed["busy-2"].cause == 17
    dials = [e for e in events if isinstance(e, Dial)]
    assert [d.dialstatus for d in dials] == ["", "BUSY"]
    assert dials[0].peer is not None and dials[0].peer.id == "busy-1" and dials[0].caller is None


def test_bridged_call_events() -> None:
    events = [parse_event(d) for d in recorded_events("answered-bridged-agent.jsonl")]
    starts = [e for e in events if isinstance(e, StasisStart)]
    assert starts and all(e.channel is not None and e.channel.state is ChannelState.UP for e in starts)
    entered = [e for e in events if isinstance(e, ChannelBridgeEvent) and e.type == "ChannelEnteredBridge"]
    assert entered and entered[0].bridge is not None and entered[0].bridge.id
    soft = [e for e in events if isinstance(e, ChannelHangupRequest) and e.soft]
    assert soft and {e.cause for e in soft} <= {16, 32}


def test_amd_args_and_media_events() -> None:
    starts = [parse_event(d) for d in recorded_events("amd-machine-via-continue.jsonl")
              if d["type"] == "StasisStart"]
    assert [s.args[0] for s in starts] == ["customer", "amd"]
    assert starts[1].args[1] == "MACHINE"
    media = [parse_event(d) for d in recorded_events("holding-moh-playback-recording.jsonl")
             if d["type"].startswith(("Playback", "Recording"))]
    finished = [e for e in media if isinstance(e, RecordingEvent) and e.type == "RecordingFinished"]
    assert finished[0].recording.duration == 2 and finished[0].recording.state is RecordingState.DONE
    played = [e for e in media if isinstance(e, PlaybackEvent)]
    assert [p.playback.state for p in played] == [PlaybackState.PLAYING, PlaybackState.DONE]


def test_unknown_types_are_generic_and_keep_their_data() -> None:
    event = parse_event({"type": "EndpointStateChange", "application": "dialer",
                         "timestamp": "2026-11-22T20:15:17.199+0000", "endpoint": {"resource": "1001"}})
    assert type(event) is Event and event.data["endpoint"] == {"resource": "1001"}
    varset = parse_event({"type": "ChannelVarset", "variable": "GLOBAL", "value": "1"})
    assert isinstance(varset, ChannelVarset) and varset.channel is None and varset.timestamp is None


@pytest.mark.parametrize("data", [[], "x", {"no": "type"}, {"type": ""},
                                  {"type": "StasisStart", "args": 5}])
def test_malformed_events_raise(data) -> None:
    with pytest.raises(MalformedEvent):
        parse_event(data)
