"""The fake Asterisk stops as a real one does (shutdown-rest-errors.jsonl): `core stop
gracefully` refuses originates with 500 while calls go on and GETs answer; both stops end in
a second of 503 pages and then the websocket closing (1000 graceful, 1006 `now`); `core stop
now` hangs the calls up with the recorded events, channel by channel."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from .conftest import Ari, StartFake
from .replay import WAIT, load, per_key, summary

TIME_SCALE = 5.0   # 1 simulated second of 503 pages lasts 0.2 s: long enough to see one


async def _agent_and_customer_bridged(ari: Ari, n: int) -> None:
    """As the recording set them up: agent alone in a mixing bridge, then a customer who
    stays (5550000018) put in with them."""
    await ari.originate("Local/agent1@agents", f"agnt-000{n}", timeout=15)
    await ari.wait_event(f"agnt-000{n}", "StasisStart")
    assert (await ari.call("POST", "/bridges", type="mixing", bridgeId=f"brdg-000{n}"))[0] == 200
    await ari.call("POST", f"/bridges/brdg-000{n}/addChannel", channel=f"agnt-000{n}")
    await ari.originate("Local/5550000018@customers", f"cust-000{n}", timeout=30)
    await ari.wait_event(f"cust-000{n}", "StasisStart")
    await ari.call("POST", f"/bridges/brdg-000{n}/addChannel", channel=f"cust-000{n}")


async def _shutdown_page(ari: Ari, method: str, path: str, **params: str) -> None:
    async with ari.session.request(method, ari.fake.base_url + path, params=params) as resp:
        assert resp.status == 503 and resp.content_type == "text/html"
        assert "Shutdown in progress" in await resp.text()


async def _refused(ari: Ari) -> None:
    with pytest.raises(aiohttp.ClientConnectionError):
        await ari.call("GET", "/channels")


async def _until(check, timeout: float = WAIT) -> None:  # type: ignore[no-untyped-def]
    async def loop() -> None:
        while not check():
            await asyncio.sleep(0.005)
    await asyncio.wait_for(loop(), timeout)


async def test_graceful_stop_refuses_originates_waits_for_the_calls_then_closes(
        start_fake: StartFake) -> None:
    ari = await start_fake(time_scale=TIME_SCALE)
    log = await ari.connect()
    await _agent_and_customer_bridged(ari, 1)
    stopping = asyncio.create_task(ari.fake.stop_gracefully())
    await _until(lambda: ari.fake.pbx.shutting_down)

    status, body = await ari.call("POST", "/channels", endpoint="Local/5550000007@customers",
                                  app="dialer", channelId="prob-1004", formats="ulaw")
    assert (status, body) == (500, {"error": "Allocation failed"})
    status, channels = await ari.call("GET", "/channels")
    assert status == 200 and {"agnt-0001", "cust-0001"} <= {c["id"] for c in channels}
    await asyncio.sleep(0.1)
    assert not stopping.done() and not log.closed, "a graceful stop waits for the calls"

    assert await ari.call("DELETE", "/channels/cust-0001") == (204, None)
    assert await ari.call("DELETE", "/channels/agnt-0001") == (204, None)
    await _until(lambda: ari.fake.pbx.http_unavailable)
    await _shutdown_page(ari, "GET", "/channels")
    await _shutdown_page(ari, "POST", "/channels", endpoint="Local/5550000007@customers")
    assert not log.closed
    await log.wait_for(lambda: log.closed)
    assert log.ws.close_code == 1000
    await asyncio.wait_for(stopping, WAIT)
    await _refused(ari)

    await ari.fake.start(ari.fake.host, ari.fake.port)
    await ari.connect()
    assert await ari.call("GET", "/channels") == (200, [])
    assert await ari.call("GET", "/bridges") == (200, [])
    await ari.originate("Local/5550000018@customers", "cust-0002")


async def test_stop_now_hangs_every_call_up_as_recorded(start_fake: StartFake) -> None:
    ari = await start_fake(time_scale=TIME_SCALE)
    log = await ari.connect()
    await _agent_and_customer_bridged(ari, 2)
    # The recording stopped while the customer's ;2 was in Playback(hello).
    await ari.wait_event("cust-0002;2", "ChannelDialplan", dialplan_app="Playback")
    before = len(log.events)
    stopping = asyncio.create_task(ari.fake.stop_now())
    await _until(lambda: ari.fake.pbx.http_unavailable)
    await _shutdown_page(ari, "GET", "/channels")
    await _shutdown_page(ari, "POST", "/channels", endpoint="Local/5550000007@customers")
    await log.wait_for(lambda: log.closed)
    assert log.ws.close_code == 1006, "`core stop now` sends no close frame"
    await asyncio.wait_for(stopping, WAIT)
    await _refused(ari)

    recording = load("shutdown-rest-errors.jsonl")
    stop_at = next(line["t"] for line in recording
                   if line["kind"] == "note" and "'core stop now' issued" in line["text"])
    recorded = per_key([line["data"] for line in recording
                        if line["kind"] == "event" and line["t"] >= stop_at])
    got = per_key(log.events[before:])
    assert sorted(got) == sorted(recorded) == ["agnt-0002", "agnt-0002;2", "cust-0002",
                                               "cust-0002;2"], "and no BridgeDestroyed"
    for key, expected in recorded.items():
        assert [summary(e) for e in got[key]] == [summary(e) for e in expected], key
    assert got["cust-0002"][0]["cause"] == 4 and got["cust-0002"][0]["soft"] is True
