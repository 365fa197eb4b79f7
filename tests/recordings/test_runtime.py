"""The fetcher runs where the engine runs: `EngineRuntime` (what `dialer run` and the demo start)
starts it beside the engine on the fake Asterisk, takes finished recordings of its own calls into
the data directory, gives `call.ended` webhooks their signed links, and stops it with the engine."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timezone

from dialer.config import Settings
from dialer.models import Recording, RecordingState
from dialer.recordings import links
from dialer.runtime import EngineRuntime
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.web.app import create_app
from recordings.world import recorded_call, wav


async def test_the_engine_runtime_fetches_recordings_and_signs_links(sqlite_db, tmp_path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    settings = Settings(data_dir=tmp_path / "data", db_url=sqlite_db, secret_key="k", recordings_spool_dir=str(spool),
                        public_url="https://dialer.example.com")
    fake = FakeAsterisk(seed=3)
    await fake.start()
    app = create_app(settings, manage_db=False)
    runtime = EngineRuntime(dataclasses.replace(settings, ari_url=fake.base_url, engine_id="rt"), tick_s=0.1)
    try:
        await runtime.start(app)
        assert runtime.fetcher is not None and runtime.fetcher.engine_id == "rt"
        runtime.fetcher.poll_s = 0.05
        (spool / "77-abc.wav").write_bytes(wav(1))
        call = await recorded_call(None, "77-abc", engine_id="rt", when=datetime.now(timezone.utc))
        for _ in range(100):
            rec = await Recording.get_or_none(attempt_id=call.id)
            if rec is not None and rec.state is RecordingState.STORED:
                break
            await asyncio.sleep(0.05)
        assert rec is not None and rec.state is RecordingState.STORED
        assert (settings.data_dir / "recordings" / rec.path).is_file() and not (spool / "77-abc.wav").exists()
        signer = links.link_signer()
        assert signer is not None and signer.base_url == "https://dialer.example.com"
        assert signer.secret_key == "k"
    finally:
        await runtime.stop(app)
        await fake.stop()
    assert links.link_signer() is None and runtime.fetcher._task is None
