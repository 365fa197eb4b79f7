"""Connect latency: how fast an answered customer reaches an agent.

1,000 answered calls over 100 agents kept connected in their own bridges (persistent mode),
the engine in this process (SQLite, the real engine code), the fake Asterisk in another
process at real time. For each customer: the PBX's timestamp of StasisStart (the answered
customer handed to the app) to its ChannelEnteredBridge (in the agent's bridge). Both
timestamps are written by the PBX, so the figure includes the event's trip to the engine,
the engine's decision, and the bridge request's trip back.

    .venv/bin/python bench/connect_latency.py [--calls 1000] [--agents 100]

Last line: {"connect_p50_ms": …, "connect_p99_ms": …, "calls": …}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dialer.accounts.passwords import hash_password
from dialer.ari.client import AriClient
from dialer.ari.events import Event
from dialer.db import close_db, init_db, migrate
from dialer.engine.engine import Engine
from dialer.models import Agent, Campaign, Contact, ContactList, DialProfile, User
from dialer.models.enums import CampaignMode, CampaignStatus, Role
from dialer.telephony.ari_port import AriPort

ALWAYS = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def seed(calls: int, agents: int) -> list[int]:
    profile = await DialProfile.create(name="bench", calling_windows=ALWAYS, max_attempts=1)
    clist = await ContactList.create(name="bench")
    # "...13": rings 1 s, answers, hangs up about 1 s later: many short answered calls.
    await Contact.bulk_create([Contact(contact_list=clist, phone=f"+42060{i:06d}13") for i in range(calls)],
                              batch_size=1000)
    campaign = await Campaign.create(name="bench", mode=CampaignMode.PROGRESSIVE, dial_profile=profile,
                                     wrap_up_s=0, auto_end_wrap_up=True, max_lines=agents * 2,
                                     max_attempts_per_5s=1000, status=CampaignStatus.RUNNING)
    await campaign.contact_lists.add(clist)
    pw = hash_password("bench-password")
    ids = []
    for i in range(agents):
        user = await User.create(username=f"bench{i}", password_hash=pw, role=Role.AGENT)
        ids.append((await Agent.create(user=user, extension=f"Local/agent{i}@agents")).id)
    return ids


async def run(calls: int, agents: int, deadline_s: float) -> dict:
    port = free_port()
    pbx = subprocess.Popen([sys.executable, "-m", "dialer", "sim-pbx", "--port", str(port), "--time-scale", "1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tmp = tempfile.mkdtemp(prefix="dialer-bench-")
    db_url = f"sqlite://{Path(tmp, 'bench.sqlite3').as_posix()}"
    await migrate(db_url)
    await init_db(db_url)
    answered: dict[str, float] = {}
    entered: dict[str, float] = {}

    def observe(event: Event) -> None:
        channel = event.data.get("channel") or {}
        cid = channel.get("id", "")
        if event.timestamp is None or not cid or cid.endswith(";2"):
            return
        if event.type == "StasisStart" and not event.data.get("args"):
            answered.setdefault(cid, event.timestamp.timestamp())
        elif event.type == "ChannelEnteredBridge":
            entered.setdefault(cid, event.timestamp.timestamp())

    try:
        agent_ids = await seed(calls, agents)
        client = AriClient(f"http://127.0.0.1:{port}/ari", "dialer", "dialer", app="dialer")
        client.on_any(observe)
        engine = Engine(AriPort(client), engine_id="bench", dial_template="Local/{digits}@customers", tick_s=0.05)
        for _ in range(100):
            try:
                async with AriClient(f"http://127.0.0.1:{port}/ari", "dialer", "dialer", app="probe") as probe:
                    await probe.asterisk.ping()
                break
            except Exception:
                await asyncio.sleep(0.1)
        started = time.monotonic()
        async with client:
            await client.wait_connected(10)
            campaign = await Campaign.get(name="bench")
            for agent_id in agent_ids:
                await engine.agent_login(agent_id, {campaign.id})
                await engine.agent_ready(agent_id)
            await engine.start()
            customers: set[str] = set()
            while time.monotonic() - started < deadline_s:
                customers |= {c.call_id for c in engine.s.calls.values()}
                done = sum(1 for c in customers if c in entered)
                if done >= calls:
                    break
                await asyncio.sleep(0.1)
            elapsed = time.monotonic() - started
            await engine.stop()
        latencies = sorted((entered[c] - answered[c]) * 1000 for c in customers if c in entered and c in answered)
    finally:
        await close_db()
        pbx.terminate()
        pbx.wait(10)
    if not latencies:
        raise SystemExit("no call was connected: is the fake Asterisk starting?")
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"calls": len(latencies), "elapsed_s": round(elapsed, 1), "p50": q[49], "p90": q[89], "p99": q[98],
            "max": latencies[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--deadline", type=float, default=240.0, help="stop after this many seconds")
    args = parser.parse_args()
    r = asyncio.run(run(args.calls, args.agents, args.deadline))
    print(f"answered customers connected : {r['calls']} in {r['elapsed_s']} s over {args.agents} agents")
    print(f"answer -> in agent's bridge  : p50 {r['p50']:.1f} ms   p90 {r['p90']:.1f} ms   "
          f"p99 {r['p99']:.1f} ms   max {r['max']:.1f} ms   (target p99 <= 20 ms)")
    print(json.dumps({"connect_p50_ms": round(r["p50"], 2), "connect_p99_ms": round(r["p99"], 2),
                      "calls": r["calls"]}))


if __name__ == "__main__":
    main()
