"""The fetcher against the fake Asterisk (which writes a real WAV per recording, as Asterisk 23
does): a channel recorded for 2 s of simulated time is fetched over ARI with the dialer's own
client, stored as that WAV, and gone from the fake's stored recordings afterwards."""

from __future__ import annotations

import asyncio

from dialer.ari.client import AriClient
from dialer.ari.errors import NotFound
from dialer.models import Recording, RecordingState
from dialer.recordings.fetcher import RecordingFetcher
from dialer.recordings.sources import AriSource
from dialer.recordings.storage import RecordingStore, wav_duration_s
from dialer.sim.fake_asterisk import FakeAsterisk
from recordings.world import T0, recorded_call


async def test_a_recording_made_on_the_fake_asterisk_is_fetched_and_removed(sqlite_db, tmp_path) -> None:
    fake = FakeAsterisk(seed=5, time_scale=20, spool_dir=tmp_path / "spool")
    await fake.start()
    client = AriClient(fake.base_url, "dialer", "dialer", app="dialer")
    try:
        await client.start()
        await client.wait_connected(5)
        await client.channels.originate("Local/5550000008@customers", channel_id="c1")
        for _ in range(200):  # the customer answers and stays
            if any(c.id == "c1" and c.state.value == "Up" for c in await client.channels.list()):
                break
            await asyncio.sleep(0.01)
        await client.channels.record("c1", "42-abcdef", format="wav", max_duration_s=2)
        for _ in range(300):
            try:
                await client.recordings.get_stored("42-abcdef")
                break
            except NotFound:
                await asyncio.sleep(0.01)
        call = await recorded_call(None, "42-abcdef.wav", duration=2)
        store = RecordingStore(tmp_path / "store")
        await RecordingFetcher(AriSource(client.recordings), store).run_once(T0)
        rec = await Recording.get(attempt_id=call.id)
        assert rec.state is RecordingState.STORED, rec.error
        data = (store.root / rec.path).read_bytes()
        assert data[:4] == b"RIFF" and abs(wav_duration_s(data) - 2.0) < 0.3
        assert rec.size_bytes == len(data) and rec.duration_s == 2
        assert [r.name for r in await client.recordings.list_stored()] == []
    finally:
        await client.close()
        await fake.stop()
