"""A recorded campaign of N calls, from Asterisk to the dialer's storage: the engine dials N
customers of the test world ("...5": a person who talks 5-20 s) on the fake Asterisk with
simulated agents, records every connected call, and the fetcher (polling as in `dialer run`)
takes each finished file over ARI. Prints the files, their total size and length, the fetch time
per file (p50/p95/max), how long after its call ended each file was stored (p95), and what is
left on Asterisk.

    .venv/bin/python bench/recordings_run.py                # 100 calls, 10 agents, fake at x10

Durations in the files are simulated seconds (the fake's clock runs --scale times the wall
clock); fetch times and "stored after" are wall-clock. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from dialer.accounts.users import Actor, create_user  # noqa: E402
from dialer.ari.client import AriClient  # noqa: E402
from dialer.db import close_db, init_db, migrate  # noqa: E402
from dialer.demo.agents import MIX, AgentBot, BotProfile  # noqa: E402
from dialer.engine.engine import Engine  # noqa: E402
from dialer.models import (CallAttempt, Campaign, Contact, ContactList, DialProfile, Disposition,  # noqa: E402
                           Recording, RecordingState)
from dialer.models.enums import CampaignMode, CampaignStatus, Role  # noqa: E402
from dialer.recordings.fetcher import RecordingFetcher  # noqa: E402
from dialer.recordings.sources import AriSource  # noqa: E402
from dialer.recordings.storage import RecordingStore  # noqa: E402
from dialer.sim.fake_asterisk import FakeAsterisk  # noqa: E402
from dialer.telephony.ari_port import AriPort  # noqa: E402

ALWAYS = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


async def seed(calls: int, agents: int) -> tuple[Campaign, list[int]]:
    profile = await DialProfile.create(name="bench", calling_windows=ALWAYS, ring_timeout_s=20, max_attempts=1)
    clist = await ContactList.create(name="bench")
    for n in range(calls):
        await Contact.create(contact_list=clist, phone=f"+420601{n:05d}5", name=f"Customer {n}")
    campaign = await Campaign.create(name="bench", mode=CampaignMode.PROGRESSIVE, dial_profile=profile,
                                     caller_id="+420221000100", record_calls=True, regulatory_profile="none",
                                     wrap_up_s=30, max_lines=agents * 2)
    await campaign.contact_lists.add(clist)
    for code, _ in MIX:
        await Disposition.get_or_create(campaign=None, code=code, defaults={"name": code, "is_final": True})
    ids = []
    for i in range(agents):
        user = await create_user(f"bench{i}", "password-123", Role.AGENT, actor=Actor.system(),
                                 extension=f"Local/agent{i}@agents")
        ids.append((await user.agent).id)
    return campaign, ids


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


async def run(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="recrun-"))
    db = f"sqlite://{(work / 'bench.sqlite3').as_posix()}"
    await migrate(db)
    await init_db(db)
    fake = FakeAsterisk(seed=args.seed, time_scale=args.scale, spool_dir=work / "spool")
    await fake.start("127.0.0.1", 0)
    client = AriClient(fake.base_url, "dialer", "dialer", app="dialer")
    engine = Engine(AriPort(client), engine_id="bench", dial_template="Local/{digits}@customers", tick_s=0.1)
    store = RecordingStore(work / "recordings")
    fetcher = RecordingFetcher(AriSource(client.recordings), store, engine_id="bench", poll_s=args.poll)
    bots: list[AgentBot] = []
    stored_after: dict[int, float] = {}  # attempt id -> s from the call's end (wall) to stored
    try:
        await client.start()
        await client.wait_connected(5)
        await engine.start()
        campaign, agent_ids = await seed(args.calls, args.agents)
        rng = random.Random(args.seed)
        for agent_id in agent_ids:
            bot = AgentBot(engine, agent_id, {campaign.id}, rng,
                           BotProfile(wrap_up_s=(0.2, 0.6), break_every=10**9, longest_call_s=60))
            bot.start()
            bots.append(bot)
        await asyncio.sleep(0.5)
        campaign.status = CampaignStatus.RUNNING
        await campaign.save()
        await engine.sync_campaigns()
        fetcher.start()
        started = time.monotonic()
        ended_seen: dict[int, float] = {}
        while time.monotonic() - started < args.deadline:
            await asyncio.sleep(0.2)
            now = time.monotonic()
            for attempt_id in await CallAttempt.filter(ended_at__not_isnull=True).values_list("id", flat=True):
                ended_seen.setdefault(attempt_id, now)
            for attempt_id in await Recording.filter(state=RecordingState.STORED).values_list("attempt_id",
                                                                                                flat=True):
                stored_after.setdefault(attempt_id, now - ended_seen.get(attempt_id, now))
            done = await CallAttempt.filter(ended_at__not_isnull=True).count()
            recorded = await CallAttempt.exclude(recording_name="").count()
            if done >= args.calls and len(stored_after) >= recorded:
                break
        wall = time.monotonic() - started
        rows = await Recording.filter(state=RecordingState.STORED).values("size_bytes", "duration_s")
        attempts = await CallAttempt.all().count()
        recorded = await CallAttempt.exclude(recording_name="").count()
        left = [r.name for r in await client.recordings.list_stored()]
        return {
            "calls_placed": attempts, "calls_recorded": recorded, "files_stored": len(rows),
            "files_failed_or_pending": recorded - len(rows), "left_on_asterisk": len(left),
            "total_mb": round(sum(r["size_bytes"] for r in rows) / 1e6, 2),
            "recorded_s_total": sum(r["duration_s"] or 0 for r in rows),
            "fetch_ms_p50": round((pct(fetcher.figures.seconds, 0.5) or 0) * 1000, 1),
            "fetch_ms_p95": round((pct(fetcher.figures.seconds, 0.95) or 0) * 1000, 1),
            "fetch_ms_max": round((pct(fetcher.figures.seconds, 1.0) or 0) * 1000, 1),
            "stored_after_end_s_p95": round(pct(list(stored_after.values()), 0.95) or 0, 2),
            "failed_tries": fetcher.figures.failed_tries, "wall_s": round(wall, 1),
            "agents": args.agents, "time_scale": args.scale,
        }
    finally:
        for bot in bots:
            await bot.stop()
        await fetcher.stop()
        await engine.stop()
        await client.close()
        await fake.stop()
        await close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--scale", type=float, default=10.0, help="the fake Asterisk's time scale")
    parser.add_argument("--poll", type=float, default=3.0, help="the fetcher's poll interval (dialer run: 3 s)")
    parser.add_argument("--deadline", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    for key, value in result.items():
        print(f"  {key:<26} {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
