"""The events websocket: in-order dispatch under a slow handler while the socket keeps being
read, malformed JSON skipped, reconnect with backoff, NotConnected, ApplicationReplaced,
clean close."""

from __future__ import annotations

import asyncio
import random

import pytest

from dialer.ari import AriClient, Backoff, ConnectionState, Event, NotConnected, StasisStart

from .conftest import APP, FAST, StubAsterisk, channel_json, event


def stasis_start(n: int) -> dict:
    return event("StasisStart", args=[str(n)], channel=channel_json(f"c{n}"))


async def test_slow_handler_keeps_order_and_the_socket_is_still_read(
    stub: StubAsterisk, client: AriClient,
) -> None:
    seen: list[int] = []
    release = asyncio.Event()
    first_running = asyncio.Event()
    done = asyncio.Event()

    async def on_stasis_start(e: StasisStart) -> None:
        n = int(e.args[0])
        if n == 0:
            first_running.set()
            await release.wait()  # a handler stuck on slow I/O
        seen.append(n)
        if n == 499:
            done.set()

    client.on("StasisStart", on_stasis_start)
    await stub.send(*(stasis_start(n) for n in range(500)))
    await first_running.wait()
    # The client answers a ping sent after the 500 events only once its reader has taken
    # them all off the socket: so it reads on while the dispatcher is blocked.
    await stub.roundtrip()
    assert client.events.pending == 499 and seen == []

    release.set()
    await asyncio.wait_for(done.wait(), 5)
    assert seen == list(range(500))


async def test_sync_and_async_handlers_and_catch_all_run_in_order(
    stub: StubAsterisk, client: AriClient,
) -> None:
    log: list[str] = []
    done = asyncio.Event()

    async def slow_end(e: Event) -> None:
        await asyncio.sleep(0)
        log.append("end")

    client.on("StasisStart", lambda e: log.append("start"))
    client.on("StasisEnd", slow_end)
    client.on_any(lambda e: log.append(f"any:{e.type}"))
    client.on("ChannelDestroyed", lambda e: done.set())
    await stub.send(event("StasisStart", args=[], channel=channel_json("c1")),
                    event("StasisEnd", channel=channel_json("c1")),
                    event("ChannelDestroyed", cause=16, cause_txt="Normal Clearing",
                          channel=channel_json("c1")))
    await asyncio.wait_for(done.wait(), 5)
    assert log == ["start", "any:StasisStart", "end", "any:StasisEnd", "any:ChannelDestroyed"]


async def test_malformed_json_and_failing_handlers_do_not_kill_the_socket(
    stub: StubAsterisk, client: AriClient, caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[str] = []
    done = asyncio.Event()

    def on_start(e: StasisStart) -> None:
        seen.append(e.channel.id)
        if e.channel.id == "c1":
            raise RuntimeError("bug in a handler")
        if e.channel.id == "c3":
            done.set()

    client.on("StasisStart", on_start)
    await stub.send(stasis_start(1), "{not json", '{"no": "type"}', '["a list"]', stasis_start(2),
                    '{"type": "StasisStart", "args": 5}', stasis_start(3))
    await asyncio.wait_for(done.wait(), 5)
    assert seen == ["c1", "c2", "c3"]
    assert client.events.connects == 1 and client.connected
    messages = [r.getMessage() for r in caplog.records]
    assert len([m for m in messages if "skipping malformed event JSON" in m]) == 1
    assert len([m for m in messages if "skipping malformed event (no type)" in m]) == 2
    assert "bug in a handler" in caplog.text
    assert "StasisStart: 'int' object is not iterable" in caplog.text  # typed parsing failed


async def test_reconnects_after_the_server_drops_the_socket(stub: StubAsterisk, client: AriClient) -> None:
    calls: list[str] = []
    reconnected = asyncio.Event()
    after = asyncio.Event()

    def on_connected() -> None:
        calls.append("connected")
        if calls.count("connected") == 2:
            reconnected.set()

    client.on_connected(on_connected)
    client.on_disconnected(lambda: calls.append("disconnected"))
    client.on("StasisStart", lambda e: (calls.append(e.channel.id), after.set()))
    await client.wait_connected(5)
    await stub.send(stasis_start(1))
    await stub.drop_websockets()
    await asyncio.wait_for(reconnected.wait(), 5)
    await stub.send(stasis_start(2))
    await asyncio.wait_for(after.wait(), 5)
    while calls[-1] != "c2":
        after.clear()
        await asyncio.wait_for(after.wait(), 5)
    # Callbacks run in order with the events: the owner resyncs between c1 and c2.
    assert calls == ["connected", "c1", "disconnected", "connected", "c2"]
    assert client.events.connects == 2


async def test_reconnect_backs_off_while_asterisk_refuses(stub: StubAsterisk) -> None:
    stub.accept_ws = False
    backoff = Backoff(initial=0.02, factor=2.0, maximum=0.08, jitter=0.0)
    async with AriClient(stub.base_url, "dialer", "secret", app=APP, backoff=backoff,
                         heartbeat=None) as ari:
        await stub.wait_for(lambda: len(stub.handshakes) >= 5)
        assert ari.state in (ConnectionState.CONNECTING, ConnectionState.DISCONNECTED)
        gaps = [b - a for a, b in zip(stub.handshakes, stub.handshakes[1:5])]
        for gap, expected in zip(gaps, [0.02, 0.04, 0.08, 0.08]):
            assert expected * 0.9 <= gap < expected + 0.5, gaps
        stub.accept_ws = True
        await ari.wait_connected(5)
        assert ari.connected and "connect failed" in ari.events.last_error


def test_backoff_grows_is_capped_and_jittered() -> None:
    rng = random.Random(1)
    backoff = Backoff(initial=0.25, factor=2.0, maximum=15.0, jitter=0.5)
    delays = [backoff.delay(n, rng) for n in range(12)]
    for n, d in enumerate(delays):
        ceiling = min(15.0, 0.25 * 2 ** n)
        assert ceiling * 0.5 <= d <= ceiling
    assert max(delays) <= 15.0 and len(set(delays)) == len(delays)
    assert backoff.delay(10_000, rng) <= 15.0  # no overflow after days of retries


async def test_originate_is_refused_while_disconnected(stub: StubAsterisk, client: AriClient) -> None:
    stub.respond("POST", "/channels", 200, channel_json("c1", "Down"))
    await client.wait_connected(5)
    stub.accept_ws = False
    await stub.drop_websockets()
    await stub.wait_for(lambda: len(stub.handshakes) >= 2)  # it is retrying, and refused
    assert not client.connected
    with pytest.raises(NotConnected, match="dialer"):
        await client.channels.originate("Local/5550000018@customers", channel_id="c1")
    with pytest.raises(NotConnected):
        await client.channels.create("Local/agent1@agents")
    assert not [r for r in stub.requests if r.path == "/channels"]

    stub.accept_ws = True
    await client.wait_connected(5)
    assert (await client.channels.originate("Local/5550000018@customers")).id == "c1"


async def test_application_replaced_stops_reconnecting(stub: StubAsterisk, client: AriClient) -> None:
    replaced = asyncio.Event()
    seen: list[str] = []
    client.on("ApplicationReplaced", lambda e: seen.append(e.type))
    client.on_replaced(replaced.set)
    await client.wait_connected(5)
    await stub.send(event("ApplicationReplaced"))
    await asyncio.wait_for(replaced.wait(), 5)

    assert client.state is ConnectionState.REPLACED and seen == ["ApplicationReplaced"]
    await stub.wait_for(lambda: not stub.sockets)  # we closed our side
    with pytest.raises(NotConnected, match="replaced"):
        await client.wait_connected(1)
    with pytest.raises(NotConnected):
        await client.channels.originate("Local/5550000018@customers")
    # Nothing to await for an absence: give a retry several backoff periods to show up.
    await asyncio.sleep(FAST.maximum * 4)
    assert len(stub.handshakes) == 1

    # An operator may take the app back.
    await client.start()
    await client.wait_connected(5)
    assert len(stub.handshakes) == 2 and client.state is ConnectionState.CONNECTED


async def test_close_cancels_tasks_and_closes_socket_and_session(stub: StubAsterisk) -> None:
    ari = AriClient(stub.base_url, "dialer", "secret", app=APP, heartbeat=None)
    async with ari:
        await ari.wait_connected(5)
        reader, dispatcher = ari.events._reader, ari.events._dispatcher
        session = ari._session
    await stub.wait_for(lambda: not stub.sockets)
    assert ari.state is ConnectionState.CLOSED
    assert reader is not None and reader.done() and dispatcher is not None and dispatcher.done()
    assert session is not None and session.closed
    await ari.close()  # twice is harmless
    with pytest.raises(RuntimeError, match="not started"):
        await ari.channels.list()


async def test_a_handler_may_close_the_client(stub: StubAsterisk, client: AriClient) -> None:
    closed = asyncio.Event()

    async def on_start(e: Event) -> None:
        await client.close()
        closed.set()

    client.on("StasisStart", on_start)
    await stub.send(stasis_start(1))
    await asyncio.wait_for(closed.wait(), 5)
    assert client.state is ConnectionState.CLOSED


async def test_a_long_backlog_does_not_hold_the_loop(stub: StubAsterisk, client: AriClient) -> None:
    seen: list[int] = []
    release = asyncio.Event()
    done = asyncio.Event()

    async def first_blocks(e: StasisStart) -> None:
        if e.args[0] == "0":
            await release.wait()

    def count(e: StasisStart) -> None:
        seen.append(int(e.args[0]))
        if len(seen) == 500:
            done.set()

    client.on("StasisStart", first_blocks)
    client.on("StasisStart", count)
    await stub.send(*(stasis_start(n) for n in range(500)))
    await stub.roundtrip()  # all 500 are queued behind the blocked handler
    progress: list[int] = []

    async def other_work() -> None:  # e.g. REST replies, the socket reader
        while not done.is_set():
            progress.append(len(seen))
            await asyncio.sleep(0)

    other = asyncio.create_task(other_work())
    release.set()
    await asyncio.wait_for(done.wait(), 5)
    await other
    # Sync handlers never suspend, yet other tasks ran while the backlog was worked off.
    assert [p for p in progress if 0 < p < 500]
