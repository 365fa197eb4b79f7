"""ARI load benchmark: one client process originates calls against the fake Asterisk running in
another process, handles every event, and reports sustained originations/s, peak concurrent
channels and event-handling lag (the event's `timestamp`, written by the PBX, to the handler).

    .venv/bin/python bench/ari_load.py                 # spawns `python -m dialer sim-pbx`
    .venv/bin/python bench/ari_load.py --rate 300 --calls 3000
    .venv/bin/python bench/ari_load.py --url http://127.0.0.1:8088/ari   # an existing PBX

Numbers end in "18": ring 1 s, answer, stay until we hang up, so channels accumulate. The run
is bounded (--deadline, default 110 s). The last line of output is one JSON object.

The fake runs at time scale 1 here: it stamps events with *simulated* time, which equals the
wall clock only then. Asterisk's stamps are truncated to the millisecond, so the lag reads up
to 1 ms high (0.5 ms on average).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from dialer.ari import AriClient, AriError, ChannelDestroyed, Event, StasisStart

APP = "bench"


@dataclass
class Tally:
    """Everything the handlers and the launcher count; handlers only append and add."""

    lags_ms: list[float] = field(default_factory=list)
    wire_ms: list[float] = field(default_factory=list)    # PBX timestamp -> read off the socket
    queue_ms: list[float] = field(default_factory=list)   # read off the socket -> handler runs
    events: int = 0
    originated: set[str] = field(default_factory=set)   # ;1 ids sent (minus refused ones)
    accepted: int = 0
    answered: set[str] = field(default_factory=set)     # in Stasis, not yet destroyed
    live: set[str] = field(default_factory=set)         # every channel seen alive (both halves)
    peak_answered: int = 0
    peak_live: int = 0
    destroyed_ours: int = 0
    originate_ms: list[float] = field(default_factory=list)
    hangup_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    max_pending: int = 0

    def error(self, exc: BaseException) -> None:
        key = type(exc).__name__ + (f" {exc.status}" if hasattr(exc, "status") else "")
        self.errors[key] = self.errors.get(key, 0) + 1


# What a dialer engine listens to; the rest (ChannelDialplan, ChannelVarset, ...) it ignores,
# and the client then skips those events without typing them.
ENGINE_EVENTS = ("StasisStart", "StasisEnd", "ChannelStateChange", "ChannelHangupRequest",
                 "ChannelDestroyed", "Dial", "ChannelEnteredBridge", "ChannelLeftBridge",
                 "PlaybackFinished", "RecordingFinished")


def attach_handlers(client: AriClient, tally: Tally, only: tuple[str, ...] | None) -> None:
    """Count and time every event (`only` None), or just the types in `only`."""
    def on_any(event: Event) -> None:
        # The lag: from the PBX stamping the event to this handler running (same host clock).
        if event.timestamp is not None:
            now = time.time()
            stamped = event.timestamp.timestamp()
            tally.lags_ms.append((now - stamped) * 1000.0)
            tally.wire_ms.append((event.received_at - stamped) * 1000.0)
            tally.queue_ms.append((now - event.received_at) * 1000.0)
        tally.events += 1
        channel = getattr(event, "channel", None)
        if channel is not None and event.type != "ChannelDestroyed":
            tally.live.add(channel.id)
            tally.peak_live = max(tally.peak_live, len(tally.live))
        pending = client.events.pending
        if pending > tally.max_pending:
            tally.max_pending = pending

    def on_stasis_start(event: StasisStart) -> None:
        if event.channel is not None and event.channel.id in tally.originated:
            tally.answered.add(event.channel.id)
            tally.peak_answered = max(tally.peak_answered, len(tally.answered))

    def on_destroyed(event: ChannelDestroyed) -> None:
        if event.channel is None:
            return
        tally.live.discard(event.channel.id)
        if event.channel.id in tally.originated:
            tally.answered.discard(event.channel.id)
            tally.destroyed_ours += 1

    client.on("StasisStart", on_stasis_start)
    client.on("ChannelDestroyed", on_destroyed)
    if only is None:
        client.on_any(on_any)
    else:
        for event_type in only:
            client.on(event_type, on_any)


async def originate_all(client: AriClient, tally: Tally, *, calls: int, rate: float,
                        in_flight: int, ring_digit: int) -> tuple[float, float]:
    """Launch `calls` originates at `rate`/s with at most `in_flight` outstanding."""
    gate = asyncio.Semaphore(in_flight)
    tasks: list[asyncio.Task[None]] = []
    first_sent = time.monotonic()
    last_done = first_sent

    async def one(i: int) -> None:
        nonlocal last_done
        channel_id = uuid.uuid4().hex  # fixed length: Asterisk refuses ids that prefix others
        # Known before the request: the channel's first events often beat the response.
        tally.originated.add(channel_id)
        started = time.monotonic()
        try:
            await client.channels.originate(
                f"Local/555{i:05d}{ring_digit}8@customers", channel_id=channel_id, timeout=30,
                app_args="bench",
            )
            tally.accepted += 1
            tally.originate_ms.append((time.monotonic() - started) * 1000.0)
            last_done = time.monotonic()
        except AriError as exc:
            tally.originated.discard(channel_id)
            tally.error(exc)
        finally:
            gate.release()

    for i in range(calls):
        due = first_sent + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await gate.acquire()
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    return first_sent, last_done


async def hang_up_all(client: AriClient, tally: Tally, *, rate: float, in_flight: int) -> None:
    """Hang every call up at `rate`/s: a dialer ends calls about as fast as it starts them."""
    gate = asyncio.Semaphore(in_flight)
    tasks: list[asyncio.Task[None]] = []

    async def one(channel_id: str) -> None:
        started = time.monotonic()
        try:
            await client.channels.hangup(channel_id, missing_ok=True)
            tally.hangup_ms.append((time.monotonic() - started) * 1000.0)
        except AriError as exc:
            tally.error(exc)
        finally:
            gate.release()

    start = time.monotonic()
    for i, channel_id in enumerate(list(tally.originated)):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await gate.acquire()
        tasks.append(asyncio.create_task(one(channel_id)))
    await asyncio.gather(*tasks)


async def until(predicate, timeout: float, step: float = 0.05) -> bool:
    # Polling is fine here: the bench watches counters that many handlers move.
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            return False
        await asyncio.sleep(step)
    return True


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds_of(pid: int) -> float:
    """User+system CPU of another process (Linux), to see which side the time goes to."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


async def wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> None:
    """Until the spawned PBX accepts connections (so the client does not start by failing)."""
    end = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"the simulated PBX exited with status {proc.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        except OSError:
            if time.monotonic() > end:
                raise SystemExit("the simulated PBX did not open its port in time")
            await asyncio.sleep(0.1)


async def run(args: argparse.Namespace) -> dict[str, float]:
    # Other processes on the host take CPU from both sides and show up as lag: say how busy.
    load_before = os.getloadavg()[0]
    proc: subprocess.Popen | None = None
    url = args.url
    if url is None:
        port = free_port()
        url = f"http://127.0.0.1:{port}/ari"
        proc = subprocess.Popen(
            [sys.executable, "-m", "dialer", "sim-pbx", "--host", "127.0.0.1", "--port", str(port),
             "--seed", "1", "--time-scale", "1",
             "--user", args.user, "--password", args.password],
            stdout=subprocess.DEVNULL, stderr=open(args.pbx_log, "w") if args.pbx_log else subprocess.DEVNULL,
        )
    if proc is not None:
        await wait_for_port(port, proc, 20.0)
    tally = Tally()
    client = AriClient(url, args.user, args.password, app=APP, max_connections=args.in_flight,
                       request_timeout=30.0)
    attach_handlers(client, tally, ENGINE_EVENTS if args.handle == "engine" else None)
    result: dict[str, float] = {}
    try:
        async with asyncio.timeout(args.deadline):
            async with client:
                await client.asterisk.ping()
                await client.wait_connected(10.0)
                # What a long-running engine should do too: move the objects of start-up
                # (modules, classes, aiohttp internals) out of the collector's sight, so
                # that full collections during the run scan only what the run created.
                gc.collect()
                gc.freeze()
                cpu_client0, cpu_pbx0 = time.process_time(), cpu_seconds_of(proc.pid) if proc else float("nan")
                wall0 = time.monotonic()

                first, last = await originate_all(client, tally, calls=args.calls, rate=args.rate,
                                                  in_flight=args.in_flight, ring_digit=args.ring_digit)
                orig_rate = tally.accepted / max(last - first, 1e-9)
                lags_originating = len(tally.lags_ms)
                # Ring time plus slack: every accepted call should be answered and in Stasis.
                await until(lambda: len(tally.answered) >= len(tally.originated),
                            timeout=args.ring_digit + 15)
                answered_at_peak = len(tally.answered)

                hang0 = time.monotonic()
                await hang_up_all(client, tally, rate=args.hangup_rate or args.rate,
                                  in_flight=args.in_flight)
                all_gone = await until(lambda: tally.destroyed_ours >= len(tally.originated), timeout=30)
                hang_s = time.monotonic() - hang0
                wall = time.monotonic() - wall0
                cpu_client = time.process_time() - cpu_client0
                cpu_pbx = (cpu_seconds_of(proc.pid) - cpu_pbx0) if proc else float("nan")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    lags = tally.lags_ms
    rows = [
        ("calls requested / accepted", f"{args.calls} / {len(tally.originated)}"),
        ("target rate", f"{args.rate:.0f}/s, {args.in_flight} requests in flight at most"),
        ("sustained originations", f"{orig_rate:.1f}/s"),
        ("originate latency p50 / p99", f"{percentile(tally.originate_ms, .5):.1f} / "
                                        f"{percentile(tally.originate_ms, .99):.1f} ms"),
        ("peak answered channels in Stasis", f"{tally.peak_answered} (at end of ringing: {answered_at_peak})"),
        ("peak live channels (both Local halves)", str(tally.peak_live)),
        ("hang-up of all calls", f"{hang_s:.1f} s, latency p50 {percentile(tally.hangup_ms, .5):.1f} ms,"
                                 f" all destroyed: {all_gone}"),
        ("events handled" + (" (engine's types)" if args.handle == "engine" else ""),
         f"{tally.events} ({tally.events / wall:.0f}/s over {wall:.1f} s)"),
        ("event lag p50 / p99 / max", f"{percentile(lags, .5):.1f} / {percentile(lags, .99):.1f} / "
                                      f"{max(lags, default=float('nan')):.1f} ms"),
        ("event lag p99 while originating", f"{percentile(lags[:lags_originating], .99):.1f} ms"),
        ("  of which PBX stamp -> socket read", f"p50 {percentile(tally.wire_ms, .5):.1f} / "
                                                f"p99 {percentile(tally.wire_ms, .99):.1f} ms"),
        ("  of which socket read -> handler", f"p50 {percentile(tally.queue_ms, .5):.1f} / "
                                              f"p99 {percentile(tally.queue_ms, .99):.1f} ms"),
        ("max events queued in the client", str(tally.max_pending)),
        ("CPU client / PBX", f"{cpu_client:.1f} s / {cpu_pbx:.1f} s over {wall:.1f} s wall"),
        ("load average (1 min) before / after", f"{load_before:.2f} / {os.getloadavg()[0]:.2f}"
                                                f" on {os.cpu_count()} CPUs"),
        ("errors", ", ".join(f"{k}: {v}" for k, v in tally.errors.items()) or "none"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"ARI load against {url}")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    result = {
        "originations_per_s": round(orig_rate, 1),
        "concurrent_channels": tally.peak_answered,
        "lag_p50_ms": round(percentile(lags, .5), 2),
        "lag_p99_ms": round(percentile(lags, .99), 2),
    }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2500, help="calls to originate (default 2500)")
    parser.add_argument("--rate", type=float, default=250.0, help="originations per second to aim at")
    parser.add_argument("--hangup-rate", type=float, help="hang-ups per second (default: --rate)")
    parser.add_argument("--in-flight", type=int, default=64, help="max concurrent REST requests")
    parser.add_argument("--ring-digit", type=int, default=1, help="ring seconds of the numbers (0-9)")
    parser.add_argument("--handle", choices=("all", "engine"), default="all",
                        help="handle (and time) every event, or only the types an engine uses")
    parser.add_argument("--url", help="use a running ARI server instead of spawning the fake")
    parser.add_argument("--user", default="dialer")
    parser.add_argument("--password", default="dialer")
    parser.add_argument("--deadline", type=float, default=110.0, help="hard limit of the run, s")
    parser.add_argument("--pbx-log", help="write the spawned PBX's stderr to this file")
    args = parser.parse_args()
    try:
        result = asyncio.run(run(args))
    except TimeoutError:
        print(json.dumps({"error": f"run exceeded its {args.deadline:.0f} s deadline"}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
