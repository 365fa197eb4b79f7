"""`dialer sim-pbx`: the fake Asterisk served standalone until it is told to stop.

It stops as Asterisk does: SIGTERM (and Ctrl-C) is `core stop now` (every call hung up, a
second of 503 pages, the websockets dropped); SIGUSR1 is `core stop gracefully` (originates
refused with 500 until the last call ends, then the same). A second signal stops it at once.
The world's distributions can come from a JSON or TOML file named by the environment
variable DIALER_SIM_WORLD (keys of `WorldConfig.from_mapping`); DIALER_SIM_CHANNEL_RECORD names
a file where every channel accepted and gone is appended (control.py), across restarts;
DIALER_SIM_SPOOL the directory recordings are written to (default: a temp dir).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import sys
import tomllib
from pathlib import Path

from dialer.sim.control import RECORD_ENV, ChannelRecord
from dialer.sim.fake_asterisk import FakeAsterisk
from dialer.sim.world import WorldConfig


def load_world(path: str | None) -> WorldConfig:
    if not path:
        return WorldConfig()
    text = Path(path).read_text(encoding="utf-8")
    data = tomllib.loads(text) if path.endswith(".toml") else json.loads(text)
    return WorldConfig.from_mapping(data.get("world", data))


async def serve(host: str, port: int, seed: int, time_scale: float, app_user: str,
                app_password: str, world: WorldConfig) -> None:
    fake = FakeAsterisk(seed=seed, time_scale=time_scale, username=app_user,
                        password=app_password, world=world)
    record_path = os.environ.get(RECORD_ENV)
    if record_path:
        fake.pbx.record = ChannelRecord(record_path)
    await fake.start(host=host, port=port)
    if fake.pbx.record is not None:
        fake.pbx.record.started(fake.base_url)
    # Start-up objects never die: keep them out of the collector's full passes, which with
    # thousands of live channels paused event delivery for 34-84 ms (bench/ari_load.py).
    gc.freeze()
    print(f"fake Asterisk: ARI on {fake.base_url} (user {app_user}), seed {seed}, "
          f"time x{time_scale:g}; Ctrl-C stops it", flush=True)
    asked: asyncio.Queue[str] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    for sig, how in ((signal.SIGINT, "now"), (signal.SIGTERM, "now"),
                     (signal.SIGUSR1, "gracefully")):
        loop.add_signal_handler(sig, asked.put_nowait, how)
    try:
        how = await asked.get()
        print(f"fake Asterisk: core stop {how}", flush=True)
        stopping = asyncio.ensure_future(fake.stop_now() if how == "now" else fake.stop_gracefully())
        again = asyncio.ensure_future(asked.get())
        await asyncio.wait({stopping, again}, return_when=asyncio.FIRST_COMPLETED)
        again.cancel()
        if not stopping.done():
            stopping.cancel()
    finally:
        await fake.stop()


def run_standalone(*, host: str = "127.0.0.1", port: int = 8088, seed: int = 1,
                   time_scale: float = 1.0, app_user: str = "dialer",
                   app_password: str = "dialer") -> int:
    """Serve until Ctrl-C / SIGTERM; returns the exit status (0)."""
    try:
        world = load_world(os.environ.get("DIALER_SIM_WORLD"))
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        print(f"dialer sim-pbx: bad DIALER_SIM_WORLD: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(host, port, seed, time_scale, app_user, app_password, world))
    except OSError as exc:
        print(f"dialer sim-pbx: {exc}", file=sys.stderr)
        return 1
    return 0
