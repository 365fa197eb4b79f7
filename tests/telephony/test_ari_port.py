"""The ARI face of the telephony port against the fake Asterisk: each outcome of the test
world's number convention becomes the right domain event, quirks absorbed."""

from __future__ import annotations

import asyncio
import uuid
from typing import AsyncIterator

import pytest

from dialer.ari.client import AriClient
from dialer.ari.events import parse_event
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.telephony.ari_port import AriPort
from dialer.telephony.port import (
    FailReason,
    LegAnswered,
    LegFailed,
    LegHungUp,
    LegKind,
    LegRinging,
    MachineDetected,
    MachineVerdict,
    NotConnected,
    OriginateRefused,
    OriginateRequest,
    PortConnected,
    RecordingFailed,
    RecordingFinished,
    TelephonyEvent,
)


class Recorder:
    def __init__(self) -> None:
        self.events: list[TelephonyEvent] = []
        self._changed = asyncio.Event()

    async def __call__(self, event: TelephonyEvent) -> None:
        self.events.append(event)
        self._changed.set()

    async def wait_for(self, kind: type, leg_id: str | None = None, timeout: float = 10.0) -> TelephonyEvent:
        async def find() -> TelephonyEvent:
            while True:
                for e in self.events:
                    if isinstance(e, kind) and (leg_id is None or getattr(e, "leg_id", None) == leg_id):
                        return e
                self._changed.clear()
                await self._changed.wait()
        return await asyncio.wait_for(find(), timeout)

    def for_leg(self, leg_id: str) -> list[type]:
        return [type(e) for e in self.events if getattr(e, "leg_id", None) == leg_id]


@pytest.fixture
async def world() -> AsyncIterator[tuple[FakeAsterisk, AriPort, Recorder]]:
    fake = FakeAsterisk(seed=3, time_scale=20.0)
    await fake.start("127.0.0.1", 0)
    client = AriClient(fake.base_url, "dialer", "dialer", app="dialer")
    port = AriPort(client)
    recorder = Recorder()
    port.subscribe(recorder)
    async with client:
        await client.wait_connected(5)
        await recorder.wait_for(PortConnected)
        yield fake, port, recorder
    await fake.stop()


def leg() -> str:
    return uuid.uuid4().hex


async def dial(port: AriPort, number: str, timeout_s: float = 25.0) -> str:
    leg_id = leg()
    await port.originate(OriginateRequest(leg_id, LegKind.CUSTOMER, f"Local/{number}@customers",
                                          caller_id="+420221000100", timeout_s=timeout_s))
    return leg_id


@pytest.mark.parametrize("number,reason,cause", [
    ("5550000000", FailReason.BUSY, 17),
    ("5550000001", FailReason.CONGESTION, 34),
    ("5550000026", FailReason.REJECTED, 21),
    ("5550000007", FailReason.UNALLOCATED, 1),
])
async def test_failures_carry_the_true_reason_and_cause(world, number, reason, cause) -> None:
    _, port, rec = world
    leg_id = await dial(port, number)
    failed = await rec.wait_for(LegFailed, leg_id)
    assert (failed.reason, failed.cause) == (reason, cause)
    assert LegAnswered not in rec.for_leg(leg_id)


async def test_no_answer_until_the_originate_timeout(world) -> None:
    _, port, rec = world
    leg_id = await dial(port, "5550000002", timeout_s=5)
    failed = await rec.wait_for(LegFailed, leg_id)
    assert failed.reason is FailReason.NO_ANSWER and failed.cause == 19
    assert rec.for_leg(leg_id)[0] is LegRinging


async def test_answered_then_customer_hangs_up(world) -> None:
    _, port, rec = world
    leg_id = await dial(port, "5550000023")
    answered = await rec.wait_for(LegAnswered, leg_id)
    hung = await rec.wait_for(LegHungUp, leg_id)
    assert hung.cause == 16 and hung.at > answered.at
    assert rec.for_leg(leg_id) == [LegRinging, LegAnswered, LegHungUp]


async def test_cancelling_a_ringing_call(world) -> None:
    _, port, rec = world
    leg_id = await dial(port, "5550000002")
    await rec.wait_for(LegRinging, leg_id)
    await port.hangup(leg_id)
    assert (await rec.wait_for(LegFailed, leg_id)).reason is FailReason.CANCELLED
    await port.hangup(leg_id)  # gone already: not an error


async def test_customer_bridged_with_an_agent(world) -> None:
    _, port, rec = world
    agent = leg()
    await port.originate(OriginateRequest(agent, LegKind.AGENT, "Local/agent1@agents", timeout_s=10))
    await rec.wait_for(LegAnswered, agent)
    customer = await dial(port, "5550000018")
    await rec.wait_for(LegAnswered, customer)
    bridge = leg()
    await port.create_bridge(bridge)
    await port.add_to_bridge(bridge, agent)
    await port.add_to_bridge(bridge, customer)
    await port.hangup(customer)
    assert (await rec.wait_for(LegHungUp, customer)).cause in (16, 32)
    await port.hangup(agent)
    await rec.wait_for(LegHungUp, agent)
    await port.destroy_bridge(bridge)
    await port.destroy_bridge(bridge)  # twice: tolerated


async def _bridged(port: AriPort, rec: Recorder, customer_number: str) -> tuple[str, str, str]:
    agent = leg()
    await port.originate(OriginateRequest(agent, LegKind.AGENT, "Local/agent1@agents", timeout_s=10))
    await rec.wait_for(LegAnswered, agent)
    customer = await dial(port, customer_number)
    await rec.wait_for(LegAnswered, customer)
    bridge = leg()
    await port.create_bridge(bridge)
    await port.add_to_bridge(bridge, agent)
    await port.add_to_bridge(bridge, customer)
    return agent, customer, bridge


async def test_a_stopped_bridge_recording_finishes_with_its_duration_and_file(world) -> None:
    fake, port, rec = world
    _, customer, bridge = await _bridged(port, rec, "5550000018")
    await port.record_bridge(bridge, "call-1")
    await asyncio.sleep(0.1)  # 2 simulated seconds
    assert await port.stop_recording("call-1") is True
    finished = await rec.wait_for(RecordingFinished)
    assert finished.name == "call-1" and finished.duration_s is not None and 1 <= finished.duration_s <= 4
    seconds = await port.stored_recording_seconds("call-1")
    assert seconds is not None and abs(seconds - finished.duration_s) <= 1
    assert await port.stop_recording("call-1") is False, "a stopped recording is gone: 404, no error"
    assert await port.stored_recording_seconds("no-such-recording") is None
    await port.hangup(customer)


async def test_a_bridge_recording_with_one_silent_member_ends_by_itself(world) -> None:
    _, port, rec = world
    _, customer, bridge = await _bridged(port, rec, "5550000018")
    await port.record_bridge(bridge, "call-2")
    await port.hangup(customer)  # the agent stays alone: no frames, it ends 4 s later
    finished = await rec.wait_for(RecordingFinished)
    assert finished.name == "call-2"
    assert await port.stop_recording("call-2") is False


async def test_a_failed_recording_is_its_own_event(world) -> None:
    _, port, rec = world
    await port._on_recording_finished(parse_event({
        "type": "RecordingFinished", "recording": {"name": "r", "format": "wav", "state": "failed",
                                                   "target_uri": "bridge:b", "cause": "disk full"}}))
    await port._on_recording_failed(parse_event({
        "type": "RecordingFailed", "recording": {"name": "s", "format": "wav", "state": "failed",
                                                 "target_uri": "bridge:b"}}))
    failed = [e for e in rec.events if isinstance(e, RecordingFailed)]
    assert [(e.name, e.cause) for e in failed] == [("r", "disk full"), ("s", "failed")]


async def test_answering_machine_detection(world) -> None:
    _, port, rec = world
    leg_id = await dial(port, "5550000014")
    await rec.wait_for(LegAnswered, leg_id)
    await port.detect_machine(leg_id)
    verdict = await rec.wait_for(MachineDetected, leg_id)
    assert verdict.verdict is MachineVerdict.MACHINE


async def test_refuses_to_originate_while_the_socket_is_down(world) -> None:
    fake, port, rec = world
    await fake.stop()
    for _ in range(200):
        if not port.connected:
            break
        await asyncio.sleep(0.01)
    with pytest.raises(NotConnected):
        await dial(port, "5550000018")


async def test_a_stopping_asterisk_refuses_originates_and_says_why(world) -> None:
    # shutdown-rest-errors.jsonl: 500 "Allocation failed" while calls go on, then 503 pages.
    fake, port, rec = world
    stayer = await dial(port, "5550000018")
    await rec.wait_for(LegAnswered, stayer)
    stopping = asyncio.create_task(fake.stop_gracefully())
    for _ in range(200):
        if fake.pbx.shutting_down:
            break
        await asyncio.sleep(0.01)
    with pytest.raises(OriginateRefused, match="^500 Allocation failed$"):
        await dial(port, "5550000018")
    await port.hangup(stayer)
    for _ in range(200):
        if fake.pbx.http_unavailable:
            break
        await asyncio.sleep(0.005)
    with pytest.raises(OriginateRefused, match="^503 Shutdown in progress$"):
        await dial(port, "5550000018")
    await asyncio.wait_for(stopping, 10)


async def test_calls_asterisk_hangs_up_as_it_shuts_down_are_marked_cut(world) -> None:
    # shutdown-rest-errors.jsonl: `core stop now` soft-hangs every channel up with flag 4 first;
    # the destroy that follows says a plain 16, as a finished call would.
    fake, port, rec = world
    talking = await dial(port, "5550000018")
    await rec.wait_for(LegAnswered, talking)
    ringing = await dial(port, "5550000002")
    await rec.wait_for(LegRinging, ringing)
    finished = await dial(port, "5550000013")                  # answers and hangs up by itself
    await rec.wait_for(LegHungUp, finished)
    await fake.stop_now()
    cut = await rec.wait_for(LegHungUp, talking)
    gone = await rec.wait_for(LegFailed, ringing)
    assert isinstance(cut, LegHungUp) and cut.by_shutdown
    assert isinstance(gone, LegFailed) and gone.by_shutdown
    ended = await rec.wait_for(LegHungUp, finished)
    assert isinstance(ended, LegHungUp) and not ended.by_shutdown


async def test_an_originate_that_gets_no_answer_is_refused_and_its_leg_hung_up(world, monkeypatch) -> None:
    # The request may have reached Asterisk: the leg must not ring somebody counted as not called.
    from dialer.ari.errors import AriTimeout

    _, port, _ = world
    hung_up = []

    async def no_answer(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AriTimeout("POST /channels: no answer within the timeout")

    async def hangup(leg_id, **kwargs):  # type: ignore[no-untyped-def]
        hung_up.append(leg_id)

    monkeypatch.setattr(port.client.channels, "originate", no_answer)
    monkeypatch.setattr(port.client.channels, "hangup", hangup)
    with pytest.raises(OriginateRefused, match="no answer in time"):
        leg_id = leg()
        await port.originate(OriginateRequest(leg_id, LegKind.CUSTOMER, "Local/5550000018@customers"))
    assert hung_up == [leg_id]
