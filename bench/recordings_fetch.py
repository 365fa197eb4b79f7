"""Recording fetch benchmark: N finished call recordings (8 kHz mono WAV, talk 5-120 s as the
simulated callees talk) served by an Asterisk-like `/recordings/stored` resource in another
thread, fetched by the dialer's fetcher over ARI into its storage, and the figures the issue asks
for: files, total size, fetch time per file (p50/p95/max), the run's wall time, and the worst
event-loop lag seen meanwhile (the fetch must not stall the engine's loop).

    .venv/bin/python bench/recordings_fetch.py               # 100 calls, SQLite in a temp dir
    .venv/bin/python bench/recordings_fetch.py --calls 500 --db postgres://postgres@127.0.0.1:5432/bench

The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sys
import tempfile
import threading
import time
import wave
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from dialer.ari.media import Recordings  # noqa: E402
from dialer.ari.transport import Transport  # noqa: E402
from dialer.db import close_db, init_db, migrate  # noqa: E402
from dialer.models import CallAttempt, Campaign, Recording, RecordingState  # noqa: E402
from dialer.recordings.fetcher import RecordingFetcher  # noqa: E402
from dialer.recordings.sources import AriSource  # noqa: E402
from dialer.recordings.storage import RecordingStore  # noqa: E402


def wav(seconds: float, rng: random.Random) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(rng.randbytes(int(seconds * 8000) * 2))
    return out.getvalue()


def serve_in_thread(files: dict[str, bytes]) -> tuple[int, threading.Event]:
    """The stored-recordings resource on its own loop and thread (as Asterisk is another process)."""
    ready, stop, port = threading.Event(), threading.Event(), [0]

    async def get(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in files:
            return web.json_response({"message": "Recording not found"}, status=404)
        return web.json_response({"name": name, "format": "wav"})

    async def get_file(request: web.Request) -> web.Response:
        data = files.get(request.match_info["name"])
        if data is None:
            return web.json_response({"message": "Recording not found"}, status=404)
        return web.Response(body=data, content_type="audio/wav")

    async def delete(request: web.Request) -> web.Response:
        if files.pop(request.match_info["name"], None) is None:
            return web.json_response({"message": "Recording not found"}, status=404)
        return web.Response(status=204)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/ari/recordings/stored/{name}", get)
        app.router.add_get("/ari/recordings/stored/{name}/file", get_file)
        app.router.add_delete("/ari/recordings/stored/{name}", delete)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port[0] = runner.addresses[0][1]
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.05)
        await runner.cleanup()

    threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
    ready.wait(10)
    return port[0], stop


async def run(args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="recbench-"))
    db = args.db or f"sqlite://{(work / 'bench.sqlite3').as_posix()}"
    await migrate(db)
    await init_db(db)
    try:
        files: dict[str, bytes] = {}
        now = datetime.now(timezone.utc)
        campaign = await Campaign.create(name=f"bench-{int(time.time())}")
        for n in range(args.calls):
            talk = rng.uniform(5, 120)
            attempt = await CallAttempt.create(campaign=campaign, phone="+420601000000", originated_at=now,
                                               recording_name="", engine_id="bench")
            name = f"{attempt.id}-{rng.getrandbits(32):08x}"
            files[name] = wav(talk, rng)
            await CallAttempt.filter(id=attempt.id).update(recording_name=name, recording_duration_s=int(talk))
        total_bytes = sum(len(d) for d in files.values())
        port, stop = serve_in_thread(files)

        lag = [0.0]

        async def watch_loop() -> None:
            while True:
                t = time.perf_counter()
                await asyncio.sleep(0.01)
                lag[0] = max(lag[0], time.perf_counter() - t - 0.01)

        watcher = asyncio.create_task(watch_loop())
        async with aiohttp.ClientSession() as session:
            source = AriSource(Recordings(Transport(f"http://127.0.0.1:{port}/ari", lambda: session,
                                                    timeout=aiohttp.ClientTimeout(total=60))))
            fetcher = RecordingFetcher(source, RecordingStore(work / "store"), engine_id="bench", batch=50)
            started = time.perf_counter()
            while await Recording.filter(state=RecordingState.STORED).count() < args.calls:
                await fetcher.run_once(datetime.now(timezone.utc) + timedelta(seconds=1))
            wall = time.perf_counter() - started
        watcher.cancel()
        stop.set()
        times = sorted(fetcher.figures.seconds)

        def pct(p: float) -> float:
            return round(times[min(len(times) - 1, int(round(p * (len(times) - 1))))] * 1000, 1)

        stored = await Recording.filter(state=RecordingState.STORED).count()
        return {"calls": args.calls, "files_stored": stored, "left_on_asterisk": len(files),
                "total_mb": round(total_bytes / 1e6, 1), "stored_mb": round(fetcher.figures.bytes / 1e6, 1),
                "fetch_ms_p50": pct(0.5), "fetch_ms_p95": pct(0.95), "fetch_ms_max": pct(1.0),
                "wall_s": round(wall, 2), "mb_per_s": round(fetcher.figures.bytes / 1e6 / wall, 1),
                "loop_lag_max_ms": round(lag[0] * 1000, 1), "db": db.split(":", 1)[0]}
    finally:
        await close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--db", default="", help="database URL (default: SQLite in a temp dir)")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    for key, value in result.items():
        print(f"  {key:<20} {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
