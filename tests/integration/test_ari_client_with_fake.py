"""The ARI client against the fake Asterisk over real HTTP/WebSocket on loopback: every outcome
of the number convention, bridging a customer with an agent, resync after a dropped socket and
after an Asterisk restart, and ApplicationReplaced. The world runs 20 times faster than real.
"""

from __future__ import annotations

import asyncio
import gc
import uuid
import warnings
from typing import AsyncIterator, Callable

import pytest

from dialer.ari import (
    AriClient, Backoff, ChannelDestroyed, ChannelState, ConnectionState, Dial, Event,
    NotConnected, NotFound, StasisStart,
)

fake_asterisk = pytest.importorskip("dialer.sim.fake_asterisk")

APP = "dialer"
TIME_SCALE = 20.0
# A reconnect that is quick, but slow enough for a test to see the gap.
BACKOFF = Backoff(initial=0.3, factor=2.0, maximum=1.0, jitter=0.0)


class EventLog:
    """Every event the client dispatched, in order, and a way to await one that matches."""

    def __init__(self, client: AriClient) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Condition()
        client.on_any(self._record)

    async def _record(self, event: Event) -> None:
        async with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    async def wait(self, predicate: Callable[[Event], bool], timeout: float = 10.0) -> Event:
        """The first event (already seen or still to come) for which `predicate` holds."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                await self._changed.wait_for(lambda: any(predicate(e) for e in self.events))
                return next(e for e in self.events if predicate(e))

    def of(self, channel_id: str) -> list[Event]:
        """Events about one channel (for Dial: about its `peer`)."""
        return [e for e in self.events if _channel_id(e) == channel_id]


def _channel_id(event: Event) -> str | None:
    channel = getattr(event, "channel", None) or getattr(event, "peer", None)
    return channel.id if channel is not None else None


def destroyed(channel_id: str) -> Callable[[Event], bool]:
    return lambda e: isinstance(e, ChannelDestroyed) and _channel_id(e) == channel_id


def stasis_start(channel_id: str, first_arg: str | None = None) -> Callable[[Event], bool]:
    return lambda e: (isinstance(e, StasisStart) and _channel_id(e) == channel_id
                      and (first_arg is None or (e.args[:1] == (first_arg,))))


def new_id() -> str:
    return uuid.uuid4().hex  # fixed length, as a real Asterisk needs


@pytest.fixture(autouse=True)
async def no_unclosed_sessions() -> AsyncIterator[None]:
    """Fail on aiohttp's "Unclosed client session/connector" reports (loop handler, warnings)."""
    loop = asyncio.get_running_loop()
    reports: list[str] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, ctx: reports.append(str(ctx.get("message"))))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield
        gc.collect()
    loop.set_exception_handler(previous)
    leaks = reports + [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not [m for m in leaks if "Unclosed client" in m], leaks


@pytest.fixture
async def fake() -> AsyncIterator[object]:
    pbx = fake_asterisk.FakeAsterisk(seed=1, time_scale=TIME_SCALE, username="dialer", password="dialer")
    await pbx.start(host="127.0.0.1", port=0)
    yield pbx
    await pbx.stop()


def make_client(pbx: object) -> AriClient:
    return AriClient(pbx.base_url, "dialer", "dialer", app=APP, backoff=BACKOFF, request_timeout=5.0)


@pytest.fixture
async def ari(fake: object) -> AsyncIterator[tuple[AriClient, EventLog]]:
    client = make_client(fake)
    log = EventLog(client)
    async with client:
        await client.wait_connected(5)
        yield client, log


# -- outcomes that never reach Stasis -----------------------------------------------------

@pytest.mark.parametrize(("endpoint", "timeout", "last_dialstatus", "cause_1", "cause_2"), [
    pytest.param("Local/5550000000@customers", 30, "BUSY", 0, 17, id="busy"),
    pytest.param("Local/5550000001@customers", 30, "CONGESTION", 0, 34, id="congestion"),
    pytest.param("Local/5550000002@customers", 2, "RINGING", 19, 19, id="no-answer-timeout"),
    pytest.param("Local/5550000016@customers", 30, "NOANSWER", 21, 21, id="rejected"),
    pytest.param("Local/5550000007@customers", 30, "NOANSWER", 1, 1, id="unallocated"),
    pytest.param("Local/noanswer-agent9@agents", 2, "RINGING", 19, 19, id="agent-no-answer"),
    pytest.param("Local/busy-agent3@agents", 30, "BUSY", 0, 17, id="agent-busy"),
    pytest.param("Local/offline-agent4@agents", 30, "CONGESTION", 0, 34, id="agent-offline"),
])
async def test_failed_outcomes(ari, endpoint, timeout, last_dialstatus, cause_1, cause_2) -> None:
    client, log = ari
    leg = new_id()
    channel = await client.channels.originate(endpoint, channel_id=leg, timeout=timeout)
    assert channel.id == leg and channel.state is ChannelState.DOWN

    gone_1 = await log.wait(destroyed(leg))
    gone_2 = await log.wait(destroyed(f"{leg};2"))

    # Busy and congestion reach `;1` as cause 0: only Dial and the `;2` half tell the truth.
    assert (gone_1.cause, gone_2.cause) == (cause_1, cause_2)
    dials = [e.dialstatus for e in log.of(leg) if isinstance(e, Dial)]
    assert dials[0] == "" and dials[-1] == last_dialstatus
    assert not [e for e in log.of(leg) if isinstance(e, StasisStart)]
    assert log.of(leg)[-1] is gone_1  # nothing about `;1` after it is destroyed
    # The callee is gone: hanging up now is the normal 404 race.
    assert await client.channels.hangup(leg, missing_ok=True) is False
    with pytest.raises(NotFound):
        await client.channels.get(leg)


# -- outcomes that answer -----------------------------------------------------------------

async def test_answered_then_customer_hangs_up(ari) -> None:
    client, log = ari
    leg = new_id()
    await client.channels.originate("Local/5550000013@customers", channel_id=leg,
                                    app_args=["customer", "42"])
    start = await log.wait(stasis_start(leg))
    assert start.args == ("customer", "42") and start.channel.state is ChannelState.UP

    gone = await log.wait(destroyed(leg))
    types = [e.type for e in log.of(leg)]
    assert types.index("StasisStart") < types.index("StasisEnd") < types.index("ChannelDestroyed")
    assert gone.cause == 16
    hangup = next(e for e in log.of(leg) if e.type == "ChannelHangupRequest")
    assert (hangup.cause, hangup.soft) == (16, False)  # the callee hung up, not us


@pytest.mark.parametrize("endpoint", ["Local/5550000018@customers", "Local/agent1@agents",
                                      "Local/slow-agent2@agents"])
async def test_answered_and_stays_until_we_hang_up(ari, endpoint) -> None:
    client, log = ari
    leg = new_id()
    await client.channels.originate(endpoint, channel_id=leg)
    await log.wait(stasis_start(leg))
    assert (await client.channels.get(leg)).state is ChannelState.UP
    assert leg in {c.id for c in await client.channels.list()}

    assert await client.channels.hangup(leg, reason="normal") is True
    gone = await log.wait(destroyed(leg))
    assert gone.cause == 16
    assert "StasisEnd" in [e.type for e in log.of(leg)]
    assert await client.channels.hangup(leg, missing_ok=True) is False


async def test_answering_machine_via_amd(ari) -> None:
    client, log = ari
    leg = new_id()
    await client.channels.originate("Local/5550000014@customers", channel_id=leg, app_args="customer")
    await log.wait(stasis_start(leg, "customer"))
    await client.channels.continue_in_dialplan(leg, context="dialer-amd", extension="s", priority=1)
    back = await log.wait(stasis_start(leg, "amd"))
    assert back.args[1] == "MACHINE"
    await client.channels.hangup(leg, missing_ok=True)
    await log.wait(destroyed(leg))


async def test_dialer_cancels_a_ringing_call(ari) -> None:
    client, log = ari
    leg = new_id()
    await client.channels.originate("Local/5550000092@customers", channel_id=leg, timeout=30)
    await log.wait(lambda e: isinstance(e, Dial) and _channel_id(e) == leg and e.dialstatus == "RINGING")
    assert await client.channels.hangup(leg) is True
    await log.wait(destroyed(leg))
    dials = [e.dialstatus for e in log.of(leg) if isinstance(e, Dial)]
    assert dials[-1] == "NOANSWER"


# -- bridging -----------------------------------------------------------------------------

async def test_bridge_a_customer_with_an_agent(ari) -> None:
    client, log = ari
    customer, agent = new_id(), new_id()
    await client.channels.originate("Local/5550000018@customers", channel_id=customer)
    await client.channels.originate("Local/agent1@agents", channel_id=agent)
    await log.wait(stasis_start(customer))
    await log.wait(stasis_start(agent))

    bridge_id = new_id()
    bridge = await client.bridges.create("mixing", bridge_id=bridge_id)
    assert bridge.id == bridge_id and bridge.channels == ()
    await client.bridges.add_channel(bridge_id, [customer, agent])
    for leg in (customer, agent):
        await log.wait(lambda e, leg=leg: e.type == "ChannelEnteredBridge" and _channel_id(e) == leg)
    assert set((await client.bridges.get(bridge_id)).channels) == {customer, agent}

    await client.channels.hangup(customer)
    await log.wait(lambda e: e.type == "ChannelLeftBridge" and _channel_id(e) == customer)
    await log.wait(destroyed(customer))
    assert (await client.bridges.get(bridge_id)).channels == (agent,)
    await client.channels.hangup(agent)
    assert await client.bridges.destroy(bridge_id) is True
    assert await client.bridges.destroy(bridge_id, missing_ok=True) is False
    await log.wait(destroyed(agent))


# -- connection trouble -------------------------------------------------------------------

async def test_reconnect_after_the_socket_drops_mid_call_and_resync(fake) -> None:
    client = make_client(fake)
    log = EventLog(client)
    states: list[tuple[str, bool]] = []
    resynced: asyncio.Queue[set[str]] = asyncio.Queue()

    async def on_connected() -> None:
        snapshot = await client.snapshot()  # what the engine does after every (re)connect
        await resynced.put({c.id for c in snapshot.channels})

    def on_disconnected() -> None:
        # Between the drop and the reconnect, dialing must be refused.
        try:
            client.events.require_connected()
            states.append(("disconnected", True))
        except NotConnected:
            states.append(("disconnected", False))

    client.on_connected(on_connected)
    client.on_disconnected(on_disconnected)
    async with client:
        assert await asyncio.wait_for(resynced.get(), 5) == set()
        leg = new_id()
        await client.channels.originate("Local/5550000018@customers", channel_id=leg)
        await log.wait(stasis_start(leg))

        await fake.drop_websockets()
        # The call went on while we were away; the resync finds it.
        seen_after_reconnect = await asyncio.wait_for(resynced.get(), 5)
        assert leg in seen_after_reconnect
        assert states == [("disconnected", False)]
        assert client.connected and client.events.connects == 2

        # Events flow again on the new socket.
        await client.channels.hangup(leg)
        await log.wait(destroyed(leg))


async def test_asterisk_restart_loses_calls_and_client_reconnects(fake) -> None:
    client = make_client(fake)
    log = EventLog(client)
    reconnected = asyncio.Event()
    client.on_connected(lambda: reconnected.set() if client.events.connects > 1 else None)
    async with client:
        await client.wait_connected(5)
        leg = new_id()
        await client.channels.originate("Local/5550000018@customers", channel_id=leg)
        await log.wait(stasis_start(leg))

        await fake.restart()
        await asyncio.wait_for(reconnected.wait(), 10)
        snapshot = await client.snapshot()
        assert snapshot.channels == () and snapshot.bridges == ()
        assert await client.channels.hangup(leg, missing_ok=True) is False

        # And the restarted PBX takes calls again.
        again = new_id()
        await client.channels.originate("Local/agent2@agents", channel_id=again)
        await log.wait(stasis_start(again))
        await client.channels.hangup(again)


async def test_application_replaced_by_a_second_client(fake) -> None:
    first = make_client(fake)
    replaced = asyncio.Event()
    first.on_replaced(replaced.set)
    async with first:
        await first.wait_connected(5)
        second = make_client(fake)
        log = EventLog(second)
        async with second:
            await second.wait_connected(5)
            await asyncio.wait_for(replaced.wait(), 5)
            assert first.state is ConnectionState.REPLACED
            with pytest.raises(NotConnected):
                await first.channels.originate("Local/agent1@agents")

            # The app now lives on the second client's socket.
            leg = new_id()
            await second.channels.originate("Local/agent1@agents", channel_id=leg)
            await log.wait(stasis_start(leg))
            await second.channels.hangup(leg)
            await log.wait(destroyed(leg))
            assert first.state is ConnectionState.REPLACED  # and it did not fight back
