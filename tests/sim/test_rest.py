"""REST behaviour of the fake Asterisk beyond the recordings: auth, ids, variables,
playbacks, bridges, recordings, applications, asterisk info."""

from __future__ import annotations

import aiohttp
import pytest

from .conftest import StartFake


async def test_auth_basic_or_api_key(start_fake: StartFake) -> None:
    ari = await start_fake()
    url = ari.fake.base_url + "/asterisk/ping"
    async with aiohttp.ClientSession() as anonymous:
        async with anonymous.get(url) as r:
            assert r.status == 401
            assert (await r.json()) == {"message": "Authentication required"}
        async with anonymous.get(url, params={"api_key": "dialer:dialer"}) as r:
            assert r.status == 200
            assert (await r.json())["ping"] == "pong"
        async with anonymous.get(url, params={"api_key": "dialer:wrong"}) as r:
            assert r.status == 401
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await anonymous.ws_connect(ari.fake.events_url("dialer").replace(
                "dialer:dialer", "dialer:wrong"))
        assert refused.value.status == 401


async def test_channel_id_prefix_of_a_live_id_is_refused(start_fake: StartFake) -> None:
    ari = await start_fake()
    await ari.originate("Local/5550000002@customers", "cust-10", otherChannelId="other-10")
    for taken in ("cust-1", "CUST-10", "cust-", "other-1"):
        status, body = await ari.call("POST", "/channels", endpoint="Local/5550000002@customers",
                                      app="dialer", channelId=taken)
        assert status == 409, taken
        assert body == {"message": "Channel with given unique ID already exists"}
    await ari.originate("Local/5550000002@customers", "cust-100", otherChannelId="o-100")
    status, body = await ari.call("GET", "/channels/CUST-10")
    assert status == 200 and body["id"] == "cust-10"


async def test_unknown_route_and_info(start_fake: StartFake) -> None:
    ari = await start_fake()
    status, body = await ari.call("GET", "/no-such-thing")
    assert status == 404 and "message" in body
    status, info = await ari.call("GET", "/asterisk/info")
    assert status == 200
    assert info["system"] == {"version": "23.4.1", "entity_id": "02:fc:00:00:00:01"}


async def test_variables_and_stasis_only_operations(start_fake: StartFake) -> None:
    ari = await start_fake()
    await ari.connect()
    await ari.originate("Local/5550000008@customers", "c1", otherChannelId="c2")
    await ari.wait_event("c1", "StasisStart")
    assert await ari.call("POST", "/channels/c1/variable", variable="X", value="1") == (204, None)
    event = await ari.wait_event("c1", "ChannelVarset", variable="X")
    assert event["value"] == "1"
    assert await ari.call("GET", "/channels/c1/variable", variable="X") == (200, {"value": "1"})
    status, body = await ari.call("GET", "/channels/c1/variable", variable="NOPE")
    assert (status, body) == (404, {"message": "Provided variable was not found"})
    # The ;2 half runs dialplan, not Stasis: ARI refuses to act on it.
    status, body = await ari.call("POST", "/channels/c2/answer")
    assert (status, body) == (409, {"message": "Channel not in Stasis application"})
    status, body = await ari.call("DELETE", "/channels/c1", reason="bogus")
    assert status == 400


async def test_playback_stopped_and_queued(start_fake: StartFake) -> None:
    ari = await start_fake(time_scale=5)
    await ari.connect()
    await ari.originate("Local/5550000008@customers", "c1")
    await ari.wait_event("c1", "StasisStart")
    status, body = await ari.call("POST", "/channels/c1/play", media="sound:tt-monkeys",
                                  playbackId="pb-1")
    assert status == 201 and body["state"] == "queued"
    await ari.call("POST", "/channels/c1/play", media="sound:beep", playbackId="pb-2")
    assert ari.log is not None
    await ari.log.wait_for(lambda: any(e["type"] == "PlaybackStarted" for e in ari.log.events))
    assert (await ari.call("GET", "/playbacks/pb-1"))[1]["state"] == "playing"
    assert await ari.call("DELETE", "/playbacks/pb-1") == (204, None)
    await ari.log.wait_for(lambda: [e["playback"]["id"] for e in ari.log.events
                                    if e["type"] == "PlaybackFinished"] == ["pb-1", "pb-2"])
    assert (await ari.call("GET", "/playbacks/pb-1"))[0] == 404


async def test_bridge_moves_and_errors(start_fake: StartFake) -> None:
    ari = await start_fake()
    await ari.connect()
    await ari.originate("Local/5550000008@customers", "c1")
    await ari.wait_event("c1", "StasisStart")
    for bridge_id in ("b1", "b2"):
        status, _ = await ari.call("POST", "/bridges", type="mixing", bridgeId=bridge_id)
        assert status == 200
    assert (await ari.call("POST", "/bridges", bridgeId="b1"))[0] == 409
    await ari.call("POST", "/bridges/b1/addChannel", channel="c1")
    await ari.call("POST", "/bridges/b2/addChannel", channel="c1")   # moves it
    assert ari.log is not None
    await ari.log.wait_for(lambda: len([e for e in ari.events_of("c1") if "bridge" in e]) >= 3)
    kinds = [(e["type"], e["bridge"]["id"]) for e in ari.events_of("c1") if "bridge" in e]
    assert kinds == [("ChannelEnteredBridge", "b1"), ("ChannelLeftBridge", "b1"),
                     ("ChannelEnteredBridge", "b2")]
    status, body = await ari.call("POST", "/bridges/b1/removeChannel", channel="c1")
    assert (status, body) == (422, {"message": "Channel not in this bridge"})
    status, body = await ari.call("GET", "/bridges/b2")
    assert body["channels"] == ["c1"]


async def test_stored_recording_file_and_applications(start_fake: StartFake) -> None:
    ari = await start_fake(time_scale=20)
    await ari.connect()
    await ari.originate("Local/5550000008@customers", "c1")
    await ari.wait_event("c1", "StasisStart")
    status, body = await ari.call("POST", "/channels/c1/record", name="r1", format="wav",
                                  maxDurationSeconds=1)
    assert status == 201 and body["target_uri"] == "channel:c1"
    assert ari.log is not None
    await ari.log.wait_for(lambda: any(e["type"] == "RecordingFinished" for e in ari.log.events))
    status, data = await ari.call("GET", "/recordings/stored/r1/file")
    assert status == 200 and data[:4] == b"RIFF"
    status, apps = await ari.call("GET", "/applications")
    assert [a["name"] for a in apps] == ["dialer"]
    assert "c1" in apps[0]["channel_ids"]
    assert (await ari.call("GET", "/applications/other"))[0] == 404
