"""From Asterisk to the supervisor's ears: the engine records a call on the fake Asterisk (x4),
the recording ends and its duration is written, the fetcher takes the file over ARI into the data
directory and removes it from Asterisk, and an admin plays it from the call's page: the bytes
served are the WAV Asterisk wrote, as long as the call."""

from __future__ import annotations

import io
import wave
from typing import AsyncIterator

import httpx
import pytest

from dialer.accounts.users import Actor, create_user
from dialer.ari.client import AriClient
from dialer.config import Settings
from dialer.engine.engine import Engine
from dialer.models import CallAttempt, Recording, RecordingState
from dialer.models.enums import Role
from dialer.recordings.fetcher import RecordingFetcher
from dialer.recordings.sources import AriSource
from dialer.recordings.storage import RecordingStore
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.telephony.ari_port import AriPort
from dialer.web.app import create_app
from engine.conftest import EngineWorld
from web.forms import form_on

LEAVES = "+420601000113"  # answers after 1 s, hangs up about a second later


@pytest.fixture
async def world(sqlite_db: str, tmp_path) -> AsyncIterator[EngineWorld]:
    fake = FakeAsterisk(seed=5, time_scale=4.0, spool_dir=tmp_path / "spool")
    await fake.start("127.0.0.1", 0)
    client = AriClient(fake.base_url, "dialer", "dialer", app="dialer")
    engine = Engine(AriPort(client), engine_id="e2e", dial_template="Local/{digits}@customers", tick_s=0.05)
    async with client:
        await client.wait_connected(5)
        await engine.start()
        yield EngineWorld(engine, fake, client)
        await engine.stop()
    await fake.stop()


async def test_a_recorded_call_reaches_the_supervisors_ears(world, sqlite_db, tmp_path) -> None:
    w = world
    campaign, (agent_id,) = await w.campaign("progressive", [LEAVES], agents=1, record_calls=True,
                                             regulatory_profile="none")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: CallAttempt.filter(phone=LEAVES, recording_duration_s__not_isnull=True).exists(),
                  timeout=20)
    attempt = await CallAttempt.get(phone=LEAVES)
    ari = attempt.recording_name.rsplit(".", 1)[0]
    assert [r.name for r in await w.client.recordings.list_stored()] == [ari]

    settings = Settings(data_dir=tmp_path / "data", db_url=sqlite_db, secret_key="k")
    fetcher = RecordingFetcher(AriSource(w.client.recordings), RecordingStore(settings.recordings_path),
                               engine_id="e2e")
    assert await fetcher.run_once() == 1
    rec = await Recording.get(attempt_id=attempt.id)
    assert rec.state is RecordingState.STORED, rec.error
    assert await w.client.recordings.list_stored() == []  # Asterisk's spool is clean

    await create_user("boss", "test-password-1", Role.ADMIN, actor=Actor.system("test"))
    app = create_app(settings, manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await (await form_on(client, "/login", action="/login")).fill(username="boss",
                                                                      password="test-password-1").submit()
        page = await client.get(f"/calls/{attempt.id}")
        assert f'src="/calls/{attempt.id}/recording"' in page.text
        r = await client.get(f"/calls/{attempt.id}/recording")
    assert r.status_code == 200 and r.content == (settings.recordings_path / rec.path).read_bytes()
    with wave.open(io.BytesIO(r.content)) as audio:
        assert (audio.getframerate(), audio.getnchannels()) == (8000, 1)
        seconds = audio.getnframes() / audio.getframerate()
    assert seconds > 0.5 and abs(seconds - attempt.recording_duration_s) <= 1.0


async def test_an_abandoned_customers_wait_and_message_reach_the_supervisors_ears(world, sqlite_db, tmp_path) -> None:
    """A campaign that records the wait: two customers answer for one agent, the one no agent
    takes hears the abandon message and is hung up; that wait, recorded from a snoop on their
    leg, is fetched like any recording and plays from the call's page."""
    from dialer.models.enums import CallOutcome
    from dialer.models.recordings import RecordingPart

    w = world
    stayers = ["+420601000118", "+420601000218"]  # answer after 1 s and stay
    campaign, (agent_id,) = await w.campaign("predictive", stayers, agents=1, pacer="ratio", calls_per_agent=2.0,
                                             record_calls=True, record_wait=True, no_agent_action="hangup",
                                             abandon_message="sorry&please-try-call-later", regulatory_profile="none")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)

    async def abandoned_and_recorded() -> bool:
        await w.engine.s.writer.flush()
        return await CallAttempt.filter(outcome=CallOutcome.ABANDONED, wait_recording_duration_s__not_isnull=True)\
            .exists()
    await w.until(abandoned_and_recorded, timeout=20)
    attempt = await CallAttempt.get(outcome=CallOutcome.ABANDONED)

    settings = Settings(data_dir=tmp_path / "data", db_url=sqlite_db, secret_key="k")
    fetcher = RecordingFetcher(AriSource(w.client.recordings), RecordingStore(settings.recordings_path),
                               engine_id="e2e")
    await fetcher.run_once()
    rec = await Recording.get(attempt_id=attempt.id, part=RecordingPart.WAIT)
    assert rec.state is RecordingState.STORED, rec.error
    assert not await Recording.filter(attempt_id=attempt.id, part=RecordingPart.CALL).exists()
    assert rec.name.rsplit(".", 1)[0] not in [r.name for r in await w.client.recordings.list_stored()]

    await create_user("boss", "test-password-1", Role.ADMIN, actor=Actor.system("test"))
    app = create_app(settings, manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await (await form_on(client, "/login", action="/login")).fill(username="boss",
                                                                      password="test-password-1").submit()
        page = await client.get(f"/calls/{attempt.id}")
        assert f'src="/calls/{attempt.id}/recording?part=wait"' in page.text and "Waiting for an agent" in page.text
        r = await client.get(f"/calls/{attempt.id}/recording?part=wait")
    assert r.status_code == 200 and r.content == (settings.recordings_path / rec.path).read_bytes()
    with wave.open(io.BytesIO(r.content)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert seconds >= 3, "the whole message (3.4 s) is in it"
