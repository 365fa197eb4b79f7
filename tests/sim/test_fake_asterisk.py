"""The fake Asterisk as a server: one socket per app (ApplicationReplaced), network drops,
restarts, originating into an app nobody listens for, slow readers, and `dialer sim-pbx`."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import socket
import sys

import aiohttp

from .conftest import StartFake
from .replay import AUTH_HEADER, WAIT, connect


async def test_second_socket_replaces_the_first(start_fake: StartFake) -> None:
    ari = await start_fake()
    first = await ari.connect()
    second = await connect(ari.session, ari.fake)
    await first.wait_for(lambda: bool(first.events))
    replaced = first.events[0]
    assert list(replaced) == ["type", "timestamp", "application", "asterisk_id"]
    assert replaced["type"] == "ApplicationReplaced" and replaced["application"] == "dialer"
    await ari.originate("Local/5550000000@customers", "c1")
    await second.wait_for(lambda: any(e["type"] == "ChannelDestroyed" for e in second.events))
    assert len(first.events) == 1


async def test_calls_go_on_through_a_network_drop(start_fake: StartFake) -> None:
    ari = await start_fake()
    log = await ari.connect()
    await ari.originate("Local/5550000008@customers", "c1", otherChannelId="c2")
    await ari.wait_event("c1", "StasisStart")
    await ari.fake.drop_websockets()
    await log.wait_for(lambda: log.closed)
    status, channels = await ari.call("GET", "/channels")
    assert status == 200 and sorted(c["id"] for c in channels) == ["c1", "c2"]
    log = await ari.connect()
    assert await ari.call("DELETE", "/channels/c1") == (204, None)
    destroyed = await ari.wait_event("c1", "ChannelDestroyed")
    assert destroyed["cause"] == 16


async def test_restart_forgets_everything_and_comes_back_on_the_same_port(
        start_fake: StartFake) -> None:
    ari = await start_fake()
    log = await ari.connect()
    await ari.originate("Local/5550000008@customers", "c1")
    await ari.wait_event("c1", "StasisStart")
    await ari.call("POST", "/bridges", bridgeId="b1")
    port = ari.fake.port
    await ari.fake.restart()
    await log.wait_for(lambda: log.closed)
    assert ari.fake.port == port
    assert await ari.call("GET", "/channels") == (200, [])
    assert await ari.call("GET", "/bridges") == (200, [])
    await ari.connect()
    await ari.originate("Local/5550000008@customers", "c1")
    await ari.wait_event("c1", "StasisStart")


async def test_originate_into_an_app_without_socket_hangs_the_callee_up(
        start_fake: StartFake) -> None:
    ari = await start_fake(time_scale=100)
    status, body = await ari.call("POST", "/channels", endpoint="Local/5550000018@customers",
                                  app="dialer", channelId="c1")
    assert status == 200 and body["state"] == "Down"
    # No socket, so no events to await: poll the channel list (1 s ring = 10 ms here).
    for _ in range(200):
        if (await ari.call("GET", "/channels"))[1] == []:
            break
        await asyncio.sleep(0.01)
    assert (await ari.call("GET", "/channels"))[1] == []


async def test_a_client_that_stops_reading_is_dropped(start_fake: StartFake) -> None:
    ari = await start_fake(time_scale=1, write_timeout=0.3)
    reader, writer = await _raw_websocket(ari.fake.port)
    try:
        assert ari.fake.hub.has_app("dialer")
        # Busy calls make ~15 events each; the client never reads, buffers fill up.
        for i in range(600):
            await ari.originate("Local/5550000000@customers", f"c{i:04d}")
            if not ari.fake.hub.has_app("dialer"):
                break
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while ari.fake.hub.has_app("dialer") and loop.time() < deadline:
            await asyncio.sleep(0.05)   # the watchdog runs on its own clock
        assert not ari.fake.hub.has_app("dialer")
        assert (await ari.call("GET", "/asterisk/ping"))[0] == 200
    finally:
        writer.close()


async def _raw_websocket(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A websocket handshake on a socket with a tiny receive buffer, then no reading."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=4096)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET /ari/events?app=dialer&api_key=dialer:dialer HTTP/1.1\r\n"
                  f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    await writer.drain()
    status = await reader.readline()
    assert b"101" in status, status
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    return reader, writer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_dialer_sim_pbx_serves_ari() -> None:
    port = _free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dialer", "sim-pbx", "--host", "127.0.0.1", "--port", str(port),
        "--seed", "3", "--time-scale", "10", stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        banner = await asyncio.wait_for(proc.stdout.readline(), 20)
        assert f":{port}/ari".encode() in banner, banner
        async with aiohttp.ClientSession(headers=AUTH_HEADER) as session:
            async with session.get(f"http://127.0.0.1:{port}/ari/asterisk/info") as r:
                assert r.status == 200
                assert (await r.json())["system"]["version"] == "23.4.1"
    finally:
        if proc.returncode is None:
            proc.terminate()
        code = await asyncio.wait_for(proc.wait(), 10)
    assert code == 0, (await proc.stderr.read()).decode() if proc.stderr else code


async def test_dialer_sim_pbx_stops_as_asterisk_does_on_a_signal() -> None:
    """SIGUSR1 is `core stop gracefully`: originates refused while a call goes on, the
    websocket closed (1000) once it ends, and the process gone."""
    port = _free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dialer", "sim-pbx", "--host", "127.0.0.1", "--port", str(port),
        "--time-scale", "10", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/ari"
    try:
        assert proc.stdout is not None
        await asyncio.wait_for(proc.stdout.readline(), 20)
        async with aiohttp.ClientSession(headers=AUTH_HEADER) as session:
            ws = await session.ws_connect(f"ws://127.0.0.1:{port}/ari/events?app=dialer")
            originate = {"endpoint": "Local/5550000008@customers", "app": "dialer",
                         "channelId": "c1"}
            async with session.post(base + "/channels", params=originate) as r:
                assert r.status == 200
            proc.send_signal(signal.SIGUSR1)
            assert b"core stop gracefully" in await asyncio.wait_for(proc.stdout.readline(), 10)
            async with session.post(base + "/channels", params={**originate, "channelId": "c2"}) as r:
                assert r.status == 500 and await r.json() == {"error": "Allocation failed"}
            async with session.delete(base + "/channels/c1") as r:
                assert r.status == 204
            while (await asyncio.wait_for(ws.receive(), 10)).type == aiohttp.WSMsgType.TEXT:
                pass
            assert ws.close_code == 1000
        code = await asyncio.wait_for(proc.wait(), 10)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert code == 0, (await proc.stderr.read()).decode() if proc.stderr else code
