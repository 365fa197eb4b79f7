"""The REST resources send ARI's exact query/body shapes and return typed snapshots."""

from __future__ import annotations

import pytest

from dialer.ari import AriClient, BridgeType, ChannelState, NotConnected
from dialer.ari.models import PlaybackState, RecordingState

from .conftest import StubAsterisk, channel_json


async def test_originate_sends_every_parameter_and_returns_a_channel(
    stub: StubAsterisk, client: AriClient,
) -> None:
    stub.respond("POST", "/channels", 200, channel_json("cust-1", state="Down"))
    await client.wait_connected(timeout=5)

    channel = await client.channels.originate(
        "Local/5550000018@customers", app_args=["customer", "42"], caller_id="Dialer <5550001000>",
        timeout=30, variables={"CAMPAIGN": "7"}, channel_id="cust-1", other_channel_id="cust-2",
    )

    assert channel.id == "cust-1" and channel.state is ChannelState.DOWN
    assert channel.dialplan.exten == "5550000018" and channel.creationtime is not None
    seen = stub.requests[-1]
    assert (seen.method, seen.path) == ("POST", "/channels")
    assert seen.query == {
        "endpoint": "Local/5550000018@customers", "app": "dialer", "appArgs": "customer,42",
        "callerId": "Dialer <5550001000>", "timeout": "30", "channelId": "cust-1",
        "otherChannelId": "cust-2", "formats": "ulaw",
    }
    assert seen.body == {"variables": {"CAMPAIGN": "7"}}


async def test_originate_into_the_dialplan_needs_no_websocket(stub: StubAsterisk) -> None:
    stub.accept_ws = False
    stub.respond("POST", "/channels", 200, channel_json("amd-1"))
    async with AriClient(stub.base_url, "dialer", "secret", app="dialer") as ari:
        await ari.channels.originate("Local/5550000014@customers", context="dialer-amd",
                                     extension="s", priority=1)
        with pytest.raises(NotConnected):
            await ari.channels.originate("Local/5550000014@customers")
    assert [r.query.get("context") for r in stub.requests] == ["dialer-amd"]
    assert "app" not in stub.requests[0].query


async def test_channel_operations(stub: StubAsterisk, client: AriClient) -> None:
    for path in ("answer", "ring", "continue", "variable"):
        stub.respond("POST", f"/channels/c1/{path}", 204)
    stub.respond("GET", "/channels/c1/variable", 200, {"value": "HUMAN"})
    stub.respond("GET", "/channels", 200, [channel_json("c1"), channel_json("c2", "Ringing")])
    stub.respond("POST", "/channels/c1/play", 201, {
        "id": "pb-1", "media_uri": "sound:hello-world", "target_uri": "channel:c1",
        "language": "en", "state": "queued"})
    stub.respond("POST", "/channels/c1/record", 201, {
        "name": "call-1", "format": "wav", "state": "queued", "target_uri": "channel:c1"})

    await client.channels.answer("c1")
    await client.channels.ring("c1")
    await client.channels.continue_in_dialplan("c1", context="dialer-amd", extension="s", priority=1)
    await client.channels.set_variable("c1", "X", "1")
    assert await client.channels.get_variable("c1", "AMDSTATUS") == "HUMAN"
    listed = await client.channels.list()
    playback = await client.channels.play("c1", "sound:hello-world", playback_id="pb-1")
    recording = await client.channels.record("c1", "call-1", if_exists="overwrite", beep=False)

    assert [c.state for c in listed] == [ChannelState.UP, ChannelState.RINGING]
    assert playback.state is PlaybackState.QUEUED and playback.target_uri == "channel:c1"
    assert recording.state is RecordingState.QUEUED and recording.duration is None
    queries = {r.path: r.query for r in stub.requests}
    assert queries["/channels/c1/continue"] == {"context": "dialer-amd", "extension": "s", "priority": "1"}
    assert queries["/channels/c1/play"] == {"media": "sound:hello-world", "playbackId": "pb-1"}
    assert queries["/channels/c1/record"] == {"name": "call-1", "format": "wav",
                                              "ifExists": "overwrite", "beep": "false"}


async def test_bridge_operations(stub: StubAsterisk, client: AriClient) -> None:
    stub.respond("POST", "/bridges", 200, {
        "id": "hold-1", "technology": "holding_bridge", "bridge_type": "holding",
        "bridge_class": "stasis", "creator": "Stasis", "name": "", "channels": ["c1"],
        "creationtime": "2026-11-22T20:15:51.280+0000", "video_mode": "talker"})
    for method, path in [("POST", "addChannel"), ("POST", "removeChannel"), ("POST", "moh"),
                         ("DELETE", "moh")]:
        stub.respond(method, f"/bridges/hold-1/{path}", 204)
    stub.respond("DELETE", "/bridges/hold-1", 204)

    bridge = await client.bridges.create(BridgeType.HOLDING, bridge_id="hold-1")
    await client.bridges.add_channel("hold-1", ["c1", "c2"], role="participant")
    await client.bridges.start_moh("hold-1", "default")
    await client.bridges.stop_moh("hold-1")
    await client.bridges.remove_channel("hold-1", "c1")
    assert await client.bridges.destroy("hold-1") is True

    assert bridge.bridge_type is BridgeType.HOLDING and bridge.channels == ("c1",)
    assert stub.requests[0].query == {"type": "holding", "bridgeId": "hold-1"}
    assert stub.requests[1].query == {"channel": "c1,c2", "role": "participant"}
    assert stub.requests[2].query == {"mohClass": "default"}


async def test_recordings_playbacks_and_system(stub: StubAsterisk, client: AriClient) -> None:
    stub.respond("POST", "/recordings/live/call-3/stop", 204)
    stub.respond("GET", "/recordings/stored/call-3", 200, {"name": "call-3", "format": "wav"})
    stub.respond("GET", "/recordings/stored/call-3/file", 200, b"RIFF....WAVE")
    stub.respond("DELETE", "/recordings/stored/call-3", 204)
    stub.respond("DELETE", "/playbacks/pb-1", 404, {"message": "Playback not found"})
    stub.respond("GET", "/applications/dialer", 200, {
        "name": "dialer", "channel_ids": ["c1"], "bridge_ids": [], "endpoint_ids": [],
        "device_names": [], "events_allowed": [], "events_disallowed": []})
    stub.respond("GET", "/asterisk/ping", 200, {
        "asterisk_id": "02:fc:00:00:00:01", "ping": "pong", "timestamp": "2026-11-22T20:16:16.061+0000"})
    stub.respond("GET", "/asterisk/info", 200, {
        "system": {"version": "23.4.1", "entity_id": "02:fc:00:00:00:01"},
        "status": {"startup_time": "2026-11-22T19:00:00.000+0000"}})
    stub.respond("GET", "/bridges", 200, [])
    stub.respond("GET", "/channels", 200, [channel_json("c1")])

    await client.recordings.stop("call-3")
    stored = await client.recordings.get_stored("call-3")
    assert (stored.name, stored.format) == ("call-3", "wav")
    assert await client.recordings.get_stored_file("call-3") == b"RIFF....WAVE"
    assert await client.recordings.delete_stored("call-3") is True
    assert await client.playbacks.stop("pb-1", missing_ok=True) is False
    assert (await client.applications.get("dialer")).channel_ids == ("c1",)
    assert (await client.asterisk.ping()).asterisk_id == "02:fc:00:00:00:01"
    info = await client.asterisk.info()
    assert info.version == "23.4.1" and info.startup_time is not None
    snapshot = await client.snapshot()
    assert [c.id for c in snapshot.channels] == ["c1"] and snapshot.bridges == ()
