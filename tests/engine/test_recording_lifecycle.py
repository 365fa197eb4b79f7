"""One call, one file (issue 20): the engine records a call from the customer joining the agent's
bridge to the customer leaving it, stops the recording itself on every path, and writes its
duration from RecordingFinished; a restart stops and keeps what a crashed run left recording.

Through the fake Asterisk at x4: a bridge recording there ends by itself 4 simulated seconds
(1 s of wall clock) after its last audio frame, as Asterisk's does, so "stopped by the engine"
is told apart from "ended by itself" by the stop request finding it live. The engine measures
talk time on the wall clock, the fake's durations are simulated seconds: x4 between them.
"""

from __future__ import annotations

import asyncio
import wave
from typing import AsyncIterator

import pytest

from crash import kill_9, restarted
from dialer.ari.client import AriClient
from dialer.engine.engine import Engine
from dialer.engine.recording import ari_name
from dialer.models import Agent, CallAttempt, CallEvent
from dialer.models.enums import AgentConnection, AgentState
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.telephony.ari_port import AriPort

from engine.conftest import EngineWorld

SCALE = 4.0
STAYS = "+420601000118"  # a person who answers after 1 s and stays until hung up
LEAVES = "+420601000113"  # a person who answers after 1 s and hangs up about a second later


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
    return Engine(SpyPort(client), engine_id="test-engine", dial_template="Local/{digits}@customers", tick_s=0.05)


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


def stops(w: EngineWorld) -> list[tuple[str, bool]]:
    port = w.engine.s.port
    assert isinstance(port, SpyPort)
    return port.stops


async def agent_on(w: EngineWorld, numbers: list[str], *, per_call: bool = False, wrap_up_s: int = 600,
                   phone: str = "") -> int:
    campaign, (agent_id,) = await w.campaign("progressive", numbers, agents=1, record_calls=True,
                                             wrap_up_s=wrap_up_s)
    if phone:
        await Agent.filter(id=agent_id).update(extension=phone)
    if per_call:
        await Agent.filter(id=agent_id).update(connection=AgentConnection.PER_CALL, extension="Local/agent7@agents")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    return agent_id


async def recorded_call(w: EngineWorld, agent_id: int) -> tuple[str, str]:
    """Once the agent talks to a customer and the recording runs: (customer leg, ARI name)."""
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    call_id = w.engine.s.agents[agent_id].call_id or ""
    await w.until(lambda: bool(w.engine.s.calls[call_id].recording_name))
    name = w.engine.s.calls[call_id].recording_name
    assert name in w.fake.pbx.live_recordings
    return call_id, name


async def finished(w: EngineWorld, phone: str) -> CallAttempt:
    async def done() -> bool:
        await w.engine.s.writer.flush()
        return await CallAttempt.filter(phone=phone, recording_duration_s__not_isnull=True).exists()
    await w.until(done, timeout=10)
    return await CallAttempt.get(phone=phone)


def wav_seconds(w: EngineWorld, name: str) -> float:
    stored = w.fake.pbx.stored_recordings[name]
    assert stored.path is not None and stored.path.exists(), "a real file in the spool"
    with wave.open(str(stored.path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        return wav.getnframes() / 8000


def assert_one_call_one_file(w: EngineWorld, attempt: CallAttempt, name: str) -> None:
    assert attempt.recording_name == f"{name}.wav"
    assert attempt.talk_s is not None
    bridged_s = attempt.talk_s * SCALE
    assert abs(attempt.recording_duration_s - bridged_s) <= 1.0, (attempt.recording_duration_s, bridged_s)
    assert abs(wav_seconds(w, name) - bridged_s) <= 1.0


@pytest.mark.parametrize("per_call", [False, True], ids=["persistent", "per-call"])
async def test_the_customer_hanging_up_stops_the_recording(world, per_call: bool) -> None:
    w = world
    agent_id = await agent_on(w, [LEAVES], per_call=per_call)
    call_id, name = await recorded_call(w, agent_id)
    await w.until(lambda: call_id not in w.engine.s.calls or w.engine.s.calls[call_id].ended_at is not None)
    await w.until(lambda: name in dict(stops(w)), timeout=2)
    if not per_call:
        # The agent stays in their bridge: only the engine's stop ends the recording this soon.
        assert dict(stops(w))[name] is True, "stopped by the engine while still recording"
    attempt = await finished(w, LEAVES)
    assert_one_call_one_file(w, attempt, name)
    assert await CallEvent.filter(attempt_id=attempt.id, kind="recording_finished").exists()
    assert name not in w.fake.pbx.live_recordings


@pytest.mark.parametrize("per_call", [False, True], ids=["persistent", "per-call"])
@pytest.mark.parametrize("how", ["panel", "phone"])
async def test_the_agent_hanging_up_stops_the_recording(world, per_call: bool, how: str) -> None:
    w = world
    agent_id = await agent_on(w, [STAYS], per_call=per_call)
    call_id, name = await recorded_call(w, agent_id)
    await asyncio.sleep(0.5)  # 2 simulated seconds of talk
    if how == "panel":
        await w.engine.agent_hangup(agent_id)
    else:  # the agent puts the phone down
        w.fake.request_hangup((w.engine.s.agents[agent_id].leg_id or "") + ";2")
    await w.until(lambda: name in dict(stops(w)), timeout=2)
    if not per_call and how == "panel":
        assert dict(stops(w))[name] is True, "stopped by the engine while still recording"
    attempt = await finished(w, STAYS)
    assert_one_call_one_file(w, attempt, name)
    assert attempt.recording_duration_s >= 1


@pytest.mark.parametrize("phone", ["Local/agent0@agents", "PJSIP/1001"])
async def test_two_calls_of_one_persistent_agent_give_two_files_of_their_lengths(world, phone: str) -> None:
    """A PJSIP phone sends audio (RTP) while alone in its bridge: a recording not stopped runs
    on into the agent's next call, as on the real Asterisk of issue 20 (one 15 s call, 478 s)."""
    w = world
    second = "+420601000218"
    agent_id = await agent_on(w, [STAYS, second], wrap_up_s=1, phone=phone)
    names = []
    for talk in (0.5, 1.25):  # 2 and 5 simulated seconds
        call_id, name = await recorded_call(w, agent_id)
        names.append(name)
        await asyncio.sleep(talk)
        await w.engine.agent_hangup(agent_id)
        await w.until(lambda: call_id not in w.engine.s.calls or w.engine.s.calls[call_id].ended_at is not None)
    assert names[0] != names[1]
    first, last = await finished(w, STAYS), await finished(w, second)
    assert_one_call_one_file(w, first, names[0])
    assert_one_call_one_file(w, last, names[1])
    assert last.recording_duration_s >= first.recording_duration_s + 2
    assert [dict(stops(w)).get(n) for n in names] == [True, True], "each stopped as its customer left"


async def test_an_engine_stop_stops_the_recording_and_flags_it_cut(world) -> None:
    w = world
    agent_id = await agent_on(w, [STAYS])
    _, name = await recorded_call(w, agent_id)
    await asyncio.sleep(0.5)
    await w.engine.stop()
    assert dict(stops(w)).get(name) is True
    attempt = await CallAttempt.get(phone=STAYS)
    assert attempt.recording_duration_s is not None and attempt.recording_duration_s >= 1
    cut = await CallEvent.get(attempt_id=attempt.id, kind="recording_cut")
    assert cut.payload["reason"] == "dialer stopped"
    done = await CallEvent.get(attempt_id=attempt.id, kind="recording_finished")
    assert done.payload["cut"] == "dialer stopped"
    await w.engine.start()  # for the fixture's own stop


async def _kill(w: EngineWorld) -> None:
    """kill -9: no cleanup; the ARI connection dies with the process."""
    assert w.engine._task is not None and w.engine.s.writer._task is not None
    await w.engine.s.writer.flush()  # the attempt row and its recording name were written
    await kill_9(w.engine, w.client)


async def test_a_restart_stops_a_recording_left_running_keeps_it_and_flags_it_cut(world) -> None:
    w = world
    agent_id = await agent_on(w, [STAYS])
    _, name = await recorded_call(w, agent_id)
    await asyncio.sleep(0.5)
    await _kill(w)
    assert name in w.fake.pbx.live_recordings, "the customer and the agent talk on, recorded"
    engine, client = await restarted(w.fake.base_url, _engine)
    w2 = EngineWorld(engine, w.fake, client)
    try:
        attempt = await finished(w2, STAYS)
        assert (name, True) in engine.s.port.stops  # type: ignore[attr-defined]
        assert ari_name(attempt.recording_name) == (name, "wav")
        assert attempt.recording_duration_s >= 2
        assert await CallEvent.filter(attempt_id=attempt.id, kind="recording_cut").exists()
        done = await CallEvent.get(attempt_id=attempt.id, kind="recording_finished")
        assert done.payload["cut"] == "dialer restarted"
        assert abs(wav_seconds(w2, name) - attempt.recording_duration_s) <= 1
    finally:
        await engine.stop()
        await client.close()


async def test_a_recording_that_ended_while_the_dialer_was_down_gets_its_length_from_the_file(world) -> None:
    w = world
    agent_id = await agent_on(w, [STAYS])
    call_id, name = await recorded_call(w, agent_id)
    await asyncio.sleep(0.5)
    await _kill(w)
    w.fake.request_hangup(call_id + ";2")  # the customer leaves; the agent's line is silent
    await w.until(lambda: name not in w.fake.pbx.live_recordings, timeout=5)  # ended by itself, unheard
    engine, client = await restarted(w.fake.base_url, _engine)
    w2 = EngineWorld(engine, w.fake, client)
    try:
        attempt = await finished(w2, STAYS)
        assert (name, False) in engine.s.port.stops  # type: ignore[attr-defined]
        assert abs(attempt.recording_duration_s - wav_seconds(w2, name)) <= 1
        done = await CallEvent.get(attempt_id=attempt.id, kind="recording_finished")
        assert done.payload["cut"] == "ended while the dialer was down"
    finally:
        await engine.stop()
        await client.close()


async def test_a_recording_whose_end_was_lost_in_a_websocket_drop_gets_its_length_from_the_file(world) -> None:
    w = world
    agent_id = await agent_on(w, [STAYS])
    call_id, name = await recorded_call(w, agent_id)
    await asyncio.sleep(0.5)
    # Down for 2.5 s of wall clock: longer than the 4 simulated seconds (1 s) the recording
    # takes to end by itself once the customer has gone.
    w.client.events._backoff = type(w.client.events._backoff)(initial=2.5, maximum=2.5, jitter=0.0)
    await w.fake.drop_websockets()
    w.fake.request_hangup(call_id + ";2")  # unheard: the customer leaves, the recording ends alone
    await w.until(lambda: name not in w.fake.pbx.live_recordings, timeout=5)
    assert not w.client.connected, "its RecordingFinished was lost"
    attempt = await finished(w, STAYS)  # after the reconnect: the call ended unseen, its stop 404s
    assert (name, False) in stops(w)
    assert abs(attempt.recording_duration_s - wav_seconds(w, name)) <= 1
    done = await CallEvent.get(attempt_id=attempt.id, kind="recording_finished")
    assert done.payload["unheard"] is True
