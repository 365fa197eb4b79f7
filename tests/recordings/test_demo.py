"""The demo records: a minute after `dialer demo` starts, a newcomer logged in as admin finds a
call with a player on its page, and it plays (the simulated PBX's WAV, fetched into the demo's
data directory)."""

from __future__ import annotations

import asyncio
import json

import httpx

from dialer.config import Settings
from dialer.db import close_db, init_db, migrate
from dialer.demo.app import build_demo_app
from dialer.demo.seed import seed
from dialer.models import Recording, RecordingState
from dialer.models.recordings import RecordingPart
from web.forms import form_on


async def test_the_demo_records_and_a_call_plays_within_a_minute(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DIALER_SIM_SPOOL", str(tmp_path / "spool"))
    url = f"sqlite://{(tmp_path / 'demo.sqlite3').as_posix()}"
    await migrate(url)
    await init_db(url)
    try:
        passwords = await seed(tmp_path / "pw.json", contacts=60)
    finally:
        await close_db()
    settings = Settings(data_dir=tmp_path, db_url=url, secret_key="k")
    app = build_demo_app(settings, time_scale=10)
    async with app.router.lifespan_context(app):
        rec = None
        for _ in range(600):  # at most a minute
            rec = await Recording.filter(state=RecordingState.STORED, part=RecordingPart.CALL).first()
            if rec is not None:
                break
            await asyncio.sleep(0.1)
        assert rec is not None, "no recording stored a minute into the demo"
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            form = await form_on(client, "/login", action="/login")
            await form.fill(username="admin", password=passwords["admin"]).submit()
            page = await client.get(f"/calls/{rec.attempt_id}")
            assert f'src="/calls/{rec.attempt_id}/recording"' in page.text
            r = await client.get(f"/calls/{rec.attempt_id}/recording", headers={"Range": "bytes=0-43"})
    assert r.status_code == 206 and r.content[:4] == b"RIFF" and r.content[8:12] == b"WAVE"
    assert json.loads((tmp_path / "pw.json").read_text())["admin"] == passwords["admin"]
