"""The wait recorded too (issue 20, campaign setting `record_wait`): a customer who has to wait
for an agent is recorded from then on, through the hold treatment or the abandon message, until
the agent's bridge takes them (its recording takes over: a second file of the call) or they
leave; stopped on every path, a restart included. Off, an abandoned call leaves no file.

Through the fake Asterisk at x4, where a wait is recorded as a real Asterisk would: from a
snoop on the customer's leg (a recording of the leg itself would hear only the customer, hold
their playbacks back and keep them out of the bridge). Durations are simulated seconds, the
engine's waits and talk times wall clock: x4 between them.
"""

from __future__ import annotations

import asyncio
import wave
from typing import AsyncIterator

import pytest

from crash import kill_9, restarted
from dialer.ari.client import AriClient
from dialer.engine.calls import CallState
from dialer.engine.engine import Engine
from dialer.engine.recording import ari_name
from dialer.models import Agent, CallAttempt, CallEvent
from dialer.models.enums import AgentConnection, CallOutcome
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.telephony.ari_port import AriPort

from engine.conftest import EngineWorld

SCALE = 4.0
STAYS = "+420601000118"  # a person who answers after 1 s and stays until hung up
MESSAGE = "sorry&please-try-call-later"  # 1.24 + 2.18 simulated seconds in the fake


class SpyPort(AriPort):
    """The ARI port, noting each stop request and whether the recording was still live."""

    def __init__(self, client: AriClient) -> None:
        super().__init__(client)
        self.stops: list[tuple[str, bool]] = []

    async def stop_recording(self, name: str) -> bool:
        live = await super().stop_recording(name)
        self.stops.append((name, live))
        return live


def _engine(client: AriClient) -> Engine:
    return Engine(SpyPort(client), engine_id="wait-engine", dial_template="Local/{digits}@customers", tick_s=0.05)


@pytest.fixture
async def world(sqlite_db: str, tmp_path) -> AsyncIterator[EngineWorld]:
    fake = FakeAsterisk(seed=5, time_scale=SCALE, spool_dir=tmp_path / "spool")
    await fake.start("127.0.0.1", 0)
    client = AriClient(fake.base_url, "dialer", "dialer", app="dialer")
    engine = _engine(client)
    async with client:
        await client.wait_connected(5)
        await engine.start()
        w = EngineWorld(engine, fake, client)
        yield w
        await w.engine.stop()
    await fake.stop()


def stops(w: EngineWorld) -> dict[str, bool]:
    port = w.engine.s.port
    assert isinstance(port, SpyPort)
    return dict(port.stops)


STAYERS = [STAYS, "+420601000218"]  # both answer after 1 s and stay


async def a_customer_waits(w: EngineWorld, *, record_wait: bool = True, **settings) -> tuple[int, str, str]:
    """Two calls for one agent (predictive, fixed ratio 2): both answer, one gets the agent, the
    other has to wait. Returns (agent id, the waiting customer's leg, the connected one's)."""
    settings.setdefault("abandon_message", MESSAGE)
    campaign, (agent_id,) = await w.campaign("predictive", STAYERS, agents=1, pacer="ratio", calls_per_agent=2.0,
                                             record_calls=True, record_wait=record_wait, regulatory_profile="none",
                                             **settings)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    calls = w.engine.s.calls

    def waiting() -> list[str]:
        return [c.call_id for c in calls.values() if c.answered_at is not None and c.bridged_at is None]

    await w.until(lambda: len(waiting()) == 1 and any(c.bridged_at for c in calls.values()))
    (waiter,) = waiting()
    connected = next(c.call_id for c in calls.values() if c.bridged_at is not None)
    return agent_id, waiter, connected


async def ended(w: EngineWorld, call_id: str) -> CallAttempt:
    await w.until(lambda: call_id not in w.engine.s.calls or w.engine.s.calls[call_id].ended_at is not None)
    return await CallAttempt.get(channel_id=call_id)


async def written(w: EngineWorld, call_id: str, check) -> CallAttempt:  # type: ignore[no-untyped-def]
    async def done() -> bool:
        await w.engine.s.writer.flush()
        attempt = await CallAttempt.get_or_none(channel_id=call_id)
        return attempt is not None and bool(check(attempt))
    await w.until(done, timeout=15)
    return await CallAttempt.get(channel_id=call_id)


def wav_seconds(w: EngineWorld, stored: str) -> float:
    name, _ = ari_name(stored)
    recording = w.fake.pbx.stored_recordings[name]
    assert recording.path is not None and recording.path.exists(), "a real file in the spool"
    with wave.open(str(recording.path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        return wav.getnframes() / 8000


def snoops(w: EngineWorld) -> list[str]:
    return [ch.name for ch in w.fake.pbx.channels.values() if ch.name.startswith("Snoop/")]


async def test_an_abandoned_call_has_its_wait_and_message_recorded(world) -> None:
    w = world
    _, call_id, _ = await a_customer_waits(w, no_agent_action="hangup")
    await ended(w, call_id)
    attempt = await written(w, call_id, lambda a: a.wait_recording_duration_s is not None)
    assert attempt.outcome is CallOutcome.ABANDONED and attempt.bridged_at is None
    assert attempt.recording_name == "", "never with an agent: no call part"
    assert attempt.wait_recording_name.endswith(".wav") and "-wait-" in attempt.wait_recording_name
    # Recorded before the message began and until the customer was hung up after it: all of it.
    assert 3 <= attempt.wait_recording_duration_s <= 6, attempt.wait_recording_duration_s
    assert abs(wav_seconds(w, attempt.wait_recording_name) - attempt.wait_recording_duration_s) <= 1
    kinds = [(e.kind, e.payload.get("part")) for e in await CallEvent.filter(attempt_id=attempt.id).order_by("id")
             if e.kind.startswith("recording_")]
    assert kinds == [("recording_started", "wait"), ("recording_finished", "wait")]
    assert ari_name(attempt.wait_recording_name)[0] not in w.fake.pbx.live_recordings
    assert snoops(w) == [], "the recorder went with the customer"


async def test_with_the_setting_off_an_abandoned_call_has_no_recording(world) -> None:
    w = world
    _, call_id, _ = await a_customer_waits(w, record_wait=False, no_agent_action="hangup")
    await ended(w, call_id)
    attempt = await written(w, call_id, lambda a: a.ended_at is not None)
    assert attempt.outcome is CallOutcome.ABANDONED
    assert (attempt.recording_name, attempt.wait_recording_name) == ("", "")
    assert not await CallEvent.filter(attempt_id=attempt.id, kind__startswith="recording_").exists()
    everything = [*w.fake.pbx.stored_recordings, *w.fake.pbx.live_recordings]
    assert everything and not [name for name in everything if "-wait-" in name], "only the connected call's"
    assert snoops(w) == []


async def test_a_connected_call_gets_its_wait_part_and_its_bridge_part(world) -> None:
    w = world
    agent_id, call_id, first = await a_customer_waits(w, hold_message="pls-hold-while-try", max_wait_s=60,
                                                      wrap_up_s=0)
    await w.until(lambda: bool(w.engine.s.calls[call_id].wait_recording_name))
    wait_name = w.engine.s.calls[call_id].wait_recording_name
    await w.until(lambda: wait_name in w.fake.pbx.live_recordings)
    assert len(snoops(w)) == 1
    await asyncio.sleep(0.75)  # 3 simulated seconds of hold message and music
    await w.engine.agent_hangup(agent_id)  # the agent's first call ends: the waiting customer is next
    await w.until(lambda: w.engine.s.calls[call_id].state is CallState.BRIDGED)
    await w.until(lambda: bool(w.engine.s.calls[call_id].recording_name))
    call_name = w.engine.s.calls[call_id].recording_name
    await w.until(lambda: wait_name in stops(w), timeout=3)
    assert stops(w)[wait_name] is True, "stopped by the engine as the bridge took over"
    await w.until(lambda: snoops(w) == [], timeout=3)
    assert call_name in w.fake.pbx.live_recordings
    await asyncio.sleep(0.5)  # 2 simulated seconds of talk
    await w.engine.agent_hangup(agent_id)
    await ended(w, call_id)
    attempt = await written(w, call_id, lambda a: a.recording_duration_s is not None
                            and a.wait_recording_duration_s is not None)
    assert attempt.outcome is CallOutcome.ANSWERED
    assert ari_name(attempt.wait_recording_name)[0] == wait_name
    assert ari_name(attempt.recording_name)[0] == call_name
    # Each file holds its part: the wait up to the bridge, the call from it.
    assert attempt.wait_s is not None and attempt.talk_s is not None
    assert abs(attempt.wait_recording_duration_s - attempt.wait_s * SCALE) <= 1.5, \
        (attempt.wait_recording_duration_s, attempt.wait_s * SCALE)
    assert abs(attempt.recording_duration_s - attempt.talk_s * SCALE) <= 1.0
    assert abs(wav_seconds(w, attempt.wait_recording_name) - attempt.wait_recording_duration_s) <= 1
    assert abs(wav_seconds(w, attempt.recording_name) - attempt.recording_duration_s) <= 1
    finished = {e.payload["part"]: e.payload for e in await CallEvent.filter(attempt_id=attempt.id,
                                                                            kind="recording_finished")}
    assert set(finished) == {"wait", "call"} and "cut" not in finished["wait"]
    straight = await written(w, first, lambda a: a.recording_duration_s is not None)
    assert straight.wait_recording_name == "", "put straight through: no wait to record"


async def test_a_per_call_agents_ringing_is_part_of_the_wait(world) -> None:
    w = world
    campaign, (agent_id,) = await w.campaign("progressive", [STAYS], agents=1, record_calls=True, record_wait=True,
                                             regulatory_profile="none")
    await Agent.filter(id=agent_id).update(connection=AgentConnection.PER_CALL, extension="Local/agent7@agents")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: any(c.bridged_at for c in w.engine.s.calls.values()))
    call = next(c for c in w.engine.s.calls.values() if c.bridged_at)
    assert call.wait_recording_name, "the customer waited while the agent's phone rang"
    await w.until(lambda: bool(call.recording_name))
    await w.until(lambda: call.wait_recording_name in stops(w), timeout=3)
    await w.engine.agent_hangup(agent_id)
    attempt = await written(w, call.call_id, lambda a: a.recording_duration_s is not None
                            and a.wait_recording_duration_s is not None)
    assert attempt.wait_recording_name and attempt.recording_name
    await w.until(lambda: snoops(w) == [], timeout=3)


async def test_the_customer_hanging_up_while_waiting_ends_the_wait_recording(world) -> None:
    w = world
    _, call_id, _ = await a_customer_waits(w, max_wait_s=60)
    await w.until(lambda: bool(w.engine.s.calls[call_id].wait_recording_name))
    wait_name = w.engine.s.calls[call_id].wait_recording_name
    await w.until(lambda: wait_name in w.fake.pbx.live_recordings)
    await asyncio.sleep(0.5)
    w.fake.request_hangup(call_id + ";2")  # the customer gives up
    await ended(w, call_id)
    attempt = await written(w, call_id, lambda a: a.wait_recording_duration_s is not None)
    assert attempt.outcome is CallOutcome.ABANDONED
    assert ari_name(attempt.wait_recording_name)[0] == wait_name and attempt.wait_recording_duration_s >= 1
    assert abs(wav_seconds(w, attempt.wait_recording_name) - attempt.wait_recording_duration_s) <= 1
    assert wait_name not in w.fake.pbx.live_recordings and snoops(w) == []


async def _kill(w: EngineWorld) -> None:
    """kill -9: no cleanup; the ARI connection dies with the process."""
    assert w.engine._task is not None and w.engine.s.writer._task is not None
    await w.engine.s.writer.flush()  # the attempt row and its wait recording's name were written
    await kill_9(w.engine, w.client)


async def test_a_restart_stops_a_wait_recording_left_running(world) -> None:
    w = world
    _, call_id, _ = await a_customer_waits(w, max_wait_s=60)
    await w.until(lambda: bool(w.engine.s.calls[call_id].wait_recording_name))
    wait_name = w.engine.s.calls[call_id].wait_recording_name
    await w.until(lambda: wait_name in w.fake.pbx.live_recordings)
    await asyncio.sleep(0.5)
    await _kill(w)
    assert wait_name in w.fake.pbx.live_recordings and len(snoops(w)) == 1, "the customer waits on, recorded"
    engine, client = await restarted(w.fake.base_url, _engine)
    w2 = EngineWorld(engine, w.fake, client)
    try:
        attempt = await written(w2, call_id, lambda a: a.wait_recording_duration_s is not None)
        assert stops(w2).get(wait_name) is True, "stopped by the restarted engine, not ended by the hang-up"
        assert attempt.wait_recording_duration_s >= 2
        assert abs(wav_seconds(w2, attempt.wait_recording_name) - attempt.wait_recording_duration_s) <= 1
        cut = await CallEvent.get(attempt_id=attempt.id, kind="recording_cut")
        assert cut.payload["part"] == "wait" and cut.payload["reason"] == "dialer restarted"
        done = await CallEvent.get(attempt_id=attempt.id, kind="recording_finished")
        assert done.payload["cut"] == "dialer restarted" and done.payload["part"] == "wait"
        await w2.until(lambda: snoops(w2) == [] and wait_name not in w.fake.pbx.live_recordings, timeout=5)
    finally:
        await engine.stop()
        await client.close()
