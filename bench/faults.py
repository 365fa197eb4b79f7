"""Faults: a predictive campaign through every fault issue #19 names, counted from the PBX's side.

A fresh PostgreSQL database (`faults_<pid>`, dropped afterwards) is migrated with `dialer
migrate`; contacts come in with `dialer import`, the campaign starts with `dialer campaign
start` (users, team, dial profile, campaign and disposition are made with the product's own
functions and models: the CLI has no command for a campaign, and one `dialer user create` per
agent is a process each). The fake Asterisk (`dialer sim-pbx`, its world from a file: short
rings and talks) and the dialer (`dialer run`) run in their own processes. The agents are
`faults_agents.SimAgent`s: agent API with a token and the agent websocket with its heartbeat,
phones `Local/agentN@agents` (persistent mode), a disposition a moment after every call.

Injected: 3x `kill -9` of the dialer (restarted at once, same engine id), 2x the fake Asterisk
killed and restarted on the same port (SIGTERM = `core stop now`, then SIGKILL), 5 agents'
phone legs hung up from the PBX side (the fake's control route), 3 agents whose websocket is
cut (no request from them until the presence grace has passed, then back and "Ready").

The counts, at the end: the campaign is paused (`dialer campaign pause`) once no contact is
due or leased (or at --deadline), then SETTLE_S pass, then:
- contacts_lost: contacts still `leased`, in no known status, or with an attempt row that has
  no end while the fake holds no such call.
- dialed_twice: contacts whose customer legs in the fake's record overlap in time, or that
  have more legs in the record than CallAttempt rows, or than their `attempts` counter.
- attempts_not_dialed: CallAttempt rows of the campaign (dropped attempts have no row) whose
  channel id the fake never accepted in an originate.
- leaked_channels / leaked_bridges: channels / bridges the fake holds at the end that are not
  the newest phone leg (both halves) of a logged-in agent, nor a call whose attempt row is
  still open; a bridge is kept if it holds such a channel.
- agents_stuck: agents (distinct) who, while the dialer and the fake were both up, were seen
  `ready` with no answered phone leg in the fake (or with the engine's own phone state not
  "up") for more than PHONE_DOWN_S, or `ready` and offered nothing for more than IDLE_S
  counted only while contacts were due and the campaign's abandon rate was under its cap.
  Agents kept out of work (phone down, paused) for OUT_S while contacts were due are shown
  beside it, not counted.
- resume_after_pbx_restart_s: max over the fake's restarts of (the first customer originate
  it accepted after the restart - the moment it listened again), both from its own record.
- abandon_max: the campaign's highest abandon rate in percent (abandoned, or answered and
  bridged after 2 s, over answered by a person), sampled every 5 s once MIN_LIVE answers were
  in (before that one abandon is several percent); printed beside the campaign's cap.
  abandon_final: the same rate over the whole run (the law's window holds all of it).
- abandon_max_pbx / abandon_final_pbx: the same two from the fake's own record (who answered,
  when each customer entered an agent's bridge), which also holds the people who answered while
  the dialer was dead: Asterisk hangs them up at once ("Stasis app doesn't exist") and no
  dialer can know of them. The gap to the dialer's figures is that blind spot.

    .venv/bin/python bench/faults.py [--contacts 2000] [--agents 30] [--quick]

Last line: {"contacts_lost": 0, "dialed_twice": 0, "attempts_not_dialed": 0, "leaked_channels": 0,
"leaked_bridges": 0, "agents_stuck": 0, "resume_after_pbx_restart_s": ..., "abandon_max": ...,
"abandon_final": ..., "abandon_max_pbx": ..., "abandon_final_pbx": ...}
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faults_agents import SimAgent  # noqa: E402
from faults_count import (  # noqa: E402
    attempts_not_dialed, contacts_lost, customer_digits, dialed_twice, leaks, pbx_answers, read_legs,
    running_abandon_max,
)

from dialer.accounts.users import Actor, create_user, get_or_create_team  # noqa: E402
from dialer.db import close_db, init_db  # noqa: E402
from dialer.models import CallAttempt, Campaign, Contact, ContactList, DialProfile, Disposition  # noqa: E402
from dialer.models.enums import CampaignMode, ContactStatus, Role  # noqa: E402
from dialer.sim.control import read_record  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432"
ALWAYS = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
# Every number takes the world draw: short rings and talks, so a few minutes hold thousands of calls.
WORLD = {"every_number": True, "person_ring": [1, 3], "person_talk": [2, 5], "machine_ring": [1, 3],
         "reject_ring": [1, 3],
         "weights": {"person": 60, "no_answer": 7, "busy": 12, "machine": 0, "congestion": 7, "rejected": 7,
                     "unallocated": 7}}
PASSWORD = "bench-password-1"
PRESENCE_GRACE_S = 6
AWAY_S = PRESENCE_GRACE_S + 4
PHONE_DOWN_S = 5.0
IDLE_S = 30.0
OUT_S = 60.0  # not counted, shown: an agent kept out of work this long (phone down, paused...)
SETTLE_S = 25.0
MIN_LIVE = 50
ABANDON_CAP = 3.0
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rel(t: float, t0: float) -> str:
    return f"+{t - t0:.1f}s"


@dataclass
class Proc:
    """A child process the bench kills and starts again; its output goes to a log file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None
    up: bool = False

    def start(self) -> None:
        out = self.log.open("ab")
        self.popen = subprocess.Popen(self.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        out.close()

    def kill(self, sig: int) -> None:
        self.up = False
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(sig)

    def wait(self, timeout: float = 10.0) -> None:
        if self.popen is None:
            return
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)


@dataclass
class Observed:
    """What the monitor saw during the run."""

    t0: float = 0.0
    faults: list[tuple[float, str]] = field(default_factory=list)
    stuck: dict[str, list[str]] = field(default_factory=dict)
    abandon_samples: list[tuple[float, float, int]] = field(default_factory=list)
    due: int = 1
    leased: int = 0
    pending: int = 1
    phone_down_s: dict[str, float] = field(default_factory=dict)
    idle_s: dict[str, float] = field(default_factory=dict)
    legs_up: set[str] = field(default_factory=set)
    out_s: dict[str, float] = field(default_factory=dict)
    out: dict[str, str] = field(default_factory=dict)


class Bench:
    def __init__(self, contacts: int, agents: int, quick: bool, deadline_s: float, seed: int) -> None:
        self.n_contacts = contacts
        self.n_agents = agents
        self.quick = quick
        self.deadline_s = deadline_s
        self.rng = random.Random(seed)
        self.seed = seed
        self.db_name = f"faults_{os.getpid()}"
        self.db_url = f"{PG}/{self.db_name}"
        self.tmp = Path(tempfile.mkdtemp(prefix="dialer-faults-"))
        self.record_path = self.tmp / "pbx-record.jsonl"
        self.pbx_port, self.web_port = free_port(), free_port()
        self.ari = f"http://127.0.0.1:{self.pbx_port}/ari"
        self.web = f"http://127.0.0.1:{self.web_port}"
        self.auth = {"Authorization": "Basic " + base64.b64encode(b"dialer:dialer").decode()}
        self.obs = Observed()
        self.agents: list[SimAgent] = []
        self.campaign_id = 0
        self.list_id = 0
        self.keep_db = False
        env = {k: v for k, v in os.environ.items() if not k.startswith("DIALER_")}
        world = self.tmp / "world.json"
        world.write_text(json.dumps(WORLD))
        self.fake = Proc("fake", [PY, "-m", "dialer", "sim-pbx", "--port", str(self.pbx_port), "--seed", str(seed)],
                         {**env, "DIALER_SIM_WORLD": str(world), "DIALER_SIM_CHANNEL_RECORD": str(self.record_path)},
                         self.tmp / "fake.log")
        self.dialer_env = {**env, "DIALER_DB_URL": self.db_url, "DIALER_ARI_URL": self.ari,
                           "DIALER_ARI_USER": "dialer", "DIALER_ARI_PASSWORD": "dialer",
                           "DIALER_DIAL_TEMPLATE": "Local/{digits}@customers", "DIALER_ENGINE": "true",
                           "DIALER_ENGINE_ID": "faults", "DIALER_PRESENCE_GRACE_S": str(PRESENCE_GRACE_S),
                           "DIALER_DATA_DIR": str(self.tmp / "data"), "DIALER_SECRET_KEY": "faults-bench-secret",
                           "DIALER_PORT": str(self.web_port), "DIALER_LOG_LEVEL": "info"}
        self.dialer = Proc("dialer", [PY, "-m", "dialer", "run", "--no-migrate"], self.dialer_env,
                           self.tmp / "dialer.log")

    # -- set-up as an admin would --------------------------------------------------------------

    def cli(self, *args: str) -> str:
        done = subprocess.run([PY, "-m", "dialer", *args], env=self.dialer_env, capture_output=True, text=True,
                              timeout=300)
        if done.returncode != 0:
            raise SystemExit(f"dialer {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    async def create_db(self) -> None:
        conn = await asyncpg.connect(f"{PG}/postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{self.db_name}"')
        finally:
            await conn.close()

    async def drop_db(self) -> None:
        conn = await asyncpg.connect(f"{PG}/postgres")
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        finally:
            await conn.close()

    async def seed_data(self) -> None:
        self.cli("migrate")
        await init_db(self.db_url)
        actor = Actor.system("faults-bench")
        team = await get_or_create_team("Faults")
        for i in range(self.n_agents):
            await create_user(f"agent{i}", PASSWORD, Role.AGENT, actor=actor, team=team,
                              extension=f"Local/agent{i}@agents")
        profile = await DialProfile.create(name="faults", calling_windows=ALWAYS, max_attempts=2,
                                           ring_timeout_s=15,
                                           retry_intervals={k: 20 for k in ("busy", "no_answer", "congestion", "failed",
                                                                            "machine", "abandoned", "cancelled")})
        campaign = await Campaign.create(name="faults", team=team, mode=CampaignMode.PREDICTIVE, dial_profile=profile,
                                         abandon_cap_pct=ABANDON_CAP, max_lines=self.n_agents * 3,
                                         max_attempts_per_5s=max(60, self.n_agents * 3), predicted_talk_s=6,
                                         wrap_up_s=20, auto_end_wrap_up=True, max_wait_s=15)
        self.campaign_id = campaign.id
        disposition = await Disposition.create(campaign=campaign, code="done", name="Done", is_final=True)
        self.disposition_id = disposition.id
        csv = self.tmp / "contacts.csv"
        numbers = self.rng.sample(range(1_000_000, 9_000_000), self.n_contacts)  # +42060[1-8]: CZ mobiles
        csv.write_text("phone,name\n" + "".join(f"+42060{n:07d},Bench {i}\n" for i, n in enumerate(numbers)))
        summary = json.loads(self.cli("import", str(csv), "--list", "faults", "--json").strip().splitlines()[-1])
        if summary.get("imported") != self.n_contacts:
            raise SystemExit(f"import: {summary}")
        contact_list = await ContactList.get(name="faults")
        self.list_id = contact_list.id
        await campaign.contact_lists.add(contact_list)
        for i in range(self.n_agents):
            self.agents.append(SimAgent(i, f"agent{i}", PASSWORD, f"Local/agent{i}@agents", self.web,
                                        campaign.id, disposition.id, self.seed * 1000 + i))

    # -- processes -----------------------------------------------------------------------------

    async def _wait_up(self, session: aiohttp.ClientSession, url: str, proc: Proc, headers: dict | None = None,
                       limit_s: float = 60.0) -> float:
        started = time.time()
        while time.time() - started < limit_s:
            if proc.popen is not None and proc.popen.poll() is not None:
                raise SystemExit(f"{proc.name} exited with {proc.popen.returncode}; see {proc.log}")
            try:
                async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=2)) as r:
                    if r.status == 200:
                        proc.up = True
                        return time.time()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.1)
        raise SystemExit(f"{proc.name} did not come up in {limit_s:.0f} s; see {proc.log}")

    async def start_fake(self, session: aiohttp.ClientSession) -> None:
        self.fake.start()
        await self._wait_up(session, f"{self.ari}/asterisk/ping", self.fake, self.auth)

    async def start_dialer(self, session: aiohttp.ClientSession) -> None:
        self.dialer.start()
        await self._wait_up(session, f"{self.web}/health", self.dialer)

    def note(self, what: str) -> None:
        self.obs.faults.append((time.time(), what))
        print(f"  {rel(time.time(), self.obs.t0)}  {what}", flush=True)

    # -- faults --------------------------------------------------------------------------------

    async def kill_dialer(self, session: aiohttp.ClientSession, n: int) -> None:
        self.note(f"kill -9 dialer ({n})")
        self.dialer.kill(signal.SIGKILL)
        self.dialer.wait()
        await asyncio.sleep(1.0)
        await self.start_dialer(session)
        self.note(f"dialer back ({n})")

    async def restart_fake(self, session: aiohttp.ClientSession, n: int, sig: int) -> None:
        self.note(f"fake Asterisk {'SIGTERM (core stop now)' if sig == signal.SIGTERM else 'SIGKILL'} ({n})")
        self.fake.kill(sig)
        self.fake.wait(15)
        await asyncio.sleep(3.0)
        await self.start_fake(session)
        self.note(f"fake Asterisk back ({n})")

    async def drop_phones(self, session: aiohttp.ClientSession, count: int) -> None:
        channels = await self.fake_get(session, "/channels") or []
        legs = {}
        for ch in channels:
            name = ch.get("name", "")
            if name.startswith("Local/agent") and "@agents-" in name and name.endswith(";2") and ch["state"] == "Up":
                legs.setdefault(name[len("Local/"):].split("@")[0], ch["id"])
        for resource in self.rng.sample(sorted(legs), min(count, len(legs))):
            url = self.ari.removesuffix("/ari") + f"/sim/channels/{legs[resource]}/hangup"
            async with session.post(url, headers=self.auth) as r:
                self.note(f"phone of {resource} hung up by the PBX ({legs[resource]}): {r.status}")

    async def cut_sockets(self, count: int) -> None:
        for agent in self.rng.sample(self.agents, count):
            self.note(f"websocket of {agent.username} cut for {AWAY_S} s (was {agent.view.state})")
            await agent.go_away(AWAY_S)

    # -- watching ------------------------------------------------------------------------------

    async def fake_get(self, session: aiohttp.ClientSession, path: str) -> Any:
        try:
            async with session.get(self.ari + path, headers=self.auth, timeout=aiohttp.ClientTimeout(total=3)) as r:
                return await r.json() if r.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return None

    async def abandon_rate(self) -> tuple[float, int]:
        rows = CallAttempt.filter(campaign_id=self.campaign_id, answered_at__isnull=False)
        live = await rows.exclude(outcome="machine").count()
        abandoned = await rows.filter(outcome="abandoned").count()
        late = await rows.filter(outcome="answered", wait_s__gt=2.0).count()
        return (100.0 * (abandoned + late) / live if live else 0.0), live

    async def monitor(self, session: aiohttp.ClientSession) -> None:
        tick = 0
        last = time.monotonic()
        while True:
            await asyncio.sleep(1.0)
            now_m = time.monotonic()
            dt, last = now_m - last, now_m
            tick += 1
            try:
                if tick % 2 == 0:
                    now = datetime.now(timezone.utc)
                    pending = Contact.filter(contact_list_id=self.list_id, status=ContactStatus.PENDING)
                    self.obs.due = (await pending.filter(next_attempt_at__isnull=True).count()
                                    + await pending.filter(next_attempt_at__lte=now).count())
                    self.obs.leased = await Contact.filter(contact_list_id=self.list_id,
                                                           status=ContactStatus.LEASED).count()
                    self.obs.pending = await pending.count()
                if tick % 20 == 0:
                    await self.progress()
                if tick % 5 == 0:
                    rate, live = await self.abandon_rate()
                    if live >= MIN_LIVE:
                        self.obs.abandon_samples.append((time.time(), rate, live))
            except Exception as exc:  # noqa: BLE001 - the database is busy: look again next tick
                print(f"  monitor: {exc}", file=sys.stderr)
            if not (self.fake.up and self.dialer.up):
                continue
            channels = await self.fake_get(session, "/channels")
            if channels is None:
                continue
            self.obs.legs_up = {ch["name"][len("Local/"):].split("@")[0] for ch in channels
                                if ch.get("name", "").startswith("Local/agent") and ch["name"].endswith(";1")
                                and ch.get("state") == "Up"}
            capped = bool(self.obs.abandon_samples) and self.obs.abandon_samples[-1][1] >= ABANDON_CAP
            for agent in self.agents:
                v, name = agent.view, agent.username
                working = v.state in ("ready", "reserved", "ringing", "on_call", "wrap_up")
                if v.connected and not working and self.obs.due > 0:
                    self.obs.out_s[name] = self.obs.out_s.get(name, 0.0) + dt
                    if self.obs.out_s[name] > OUT_S and name not in self.obs.out:
                        self.obs.out[name] = f"{v.state} ({v.reason}, phone {v.phone}) for {OUT_S:.0f} s"
                else:
                    self.obs.out_s[name] = 0.0
                if not v.connected or v.state != "ready":
                    self.obs.phone_down_s[name] = self.obs.idle_s[name] = 0.0
                    continue
                if name not in self.obs.legs_up or v.phone != "up":
                    self.obs.phone_down_s[name] = self.obs.phone_down_s.get(name, 0.0) + dt
                    if self.obs.phone_down_s[name] > PHONE_DOWN_S:
                        self._stuck(name, f"ready, phone {v.phone!r} in the engine, "
                                          f"{'a' if name in self.obs.legs_up else 'no'} leg up in the fake")
                else:
                    self.obs.phone_down_s[name] = 0.0
                if self.obs.due > 0 and not capped:
                    self.obs.idle_s[name] = self.obs.idle_s.get(name, 0.0) + dt
                    if self.obs.idle_s[name] > IDLE_S:
                        self._stuck(name, f"ready, offered nothing for {IDLE_S:.0f} s with {self.obs.due} due")

    async def progress(self) -> None:
        rows = await CallAttempt.filter(campaign_id=self.campaign_id).count()
        states: dict[str, int] = {}
        for agent in self.agents:
            key = agent.view.state if agent.view.connected else "away"
            states[key] = states.get(key, 0) + 1
        rate = self.obs.abandon_samples[-1][1] if self.obs.abandon_samples else 0.0
        print(f"  {rel(time.time(), self.obs.t0)}  {rows} attempts, {self.obs.pending} pending "
              f"({self.obs.due} due), {self.obs.leased} leased, abandon {rate:.1f} %, agents {states}", flush=True)

    def _stuck(self, name: str, why: str) -> None:
        seen = self.obs.stuck.setdefault(name, [])
        if why not in seen:
            seen.append(why)
            print(f"  {rel(time.time(), self.obs.t0)}  STUCK {name}: {why}", flush=True)

    # -- the run -------------------------------------------------------------------------------

    def schedule(self) -> list[tuple[float, str]]:
        """Faults at fractions of the expected length of the campaign."""
        expected = max(90.0, self.n_contacts * 3.2 / self.n_agents)
        plan = [(0.10, "phones 2"), (0.15, "dialer 1"), (0.25, "sockets 3"), (0.33, "fake 1 term"),
                (0.45, "dialer 2"), (0.52, "phones 3"), (0.60, "fake 2 kill"), (0.72, "dialer 3")]
        return [(f * expected, what) for f, what in plan]

    async def run(self) -> dict[str, Any]:
        print(f"faults: {self.n_contacts} contacts, {self.n_agents} agents, database {self.db_name}, "
              f"logs in {self.tmp}", flush=True)
        await self.create_db()
        try:
            await self.seed_data()
            async with aiohttp.ClientSession() as session:
                try:
                    return await self._run(session)
                finally:
                    self.dialer.kill(signal.SIGTERM)
                    self.fake.kill(signal.SIGTERM)
                    self.dialer.wait(20)
                    self.fake.wait(10)
        finally:
            await close_db()
            if self.keep_db:
                print(f"database kept: {self.db_url}")
            else:
                await self.drop_db()

    async def _run(self, session: aiohttp.ClientSession) -> dict[str, Any]:
        await self.start_fake(session)
        await self.start_dialer(session)
        self.cli("campaign", "start", "faults")
        self.obs.t0 = time.time()
        agent_tasks = [asyncio.ensure_future(a.run()) for a in self.agents]
        monitor = asyncio.ensure_future(self.monitor(session))
        started = time.monotonic()
        try:
            for at, what in self.schedule():
                await asyncio.sleep(max(0.0, at - (time.monotonic() - started)))
                kind, n = what.split()[0], int(what.split()[1])
                if kind == "phones":
                    await self.drop_phones(session, n)
                elif kind == "dialer":
                    await self.kill_dialer(session, n)
                elif kind == "sockets":
                    await self.cut_sockets(n)
                elif kind == "fake":
                    await self.restart_fake(session, n, signal.SIGTERM if "term" in what else signal.SIGKILL)
            quiet_since = None
            while time.monotonic() - started < self.deadline_s:
                await asyncio.sleep(2.0)
                if self.obs.due or self.obs.leased:
                    quiet_since = None
                    continue
                quiet_since = quiet_since or time.monotonic()
                # Retries due within the profile's 20 s are waited for; later ones stay pending.
                if self.obs.pending == 0 or time.monotonic() - quiet_since > 30:
                    break
            elapsed = time.monotonic() - started
            self.note(f"campaign over (due {self.obs.due}, leased {self.obs.leased}): pausing it, "
                      f"settling {SETTLE_S:.0f} s")
            self.cli("campaign", "pause", "faults")
            await asyncio.sleep(SETTLE_S)
            return await self.count(session, elapsed)
        finally:
            monitor.cancel()
            for task in agent_tasks:
                task.cancel()
            await asyncio.gather(monitor, *agent_tasks, return_exceptions=True)

    # -- counting ------------------------------------------------------------------------------

    async def count(self, session: aiohttp.ClientSession, elapsed: float) -> dict[str, Any]:
        now = time.time()
        rec = read_legs(read_record(self.record_path))
        attempts = await CallAttempt.filter(campaign_id=self.campaign_id).values(
            "id", "contact_id", "channel_id", "originated_at", "ended_at", "outcome", "hangup_cause_text",
            "engine_id", "answered_at", "bridged_at", "disposition_id", "system_disposition", "agent_id", "wait_s")
        contacts = await Contact.filter(contact_list_id=self.list_id).values(
            "id", "phone", "status", "attempts", "lease_owner", "lease_expires_at", "next_attempt_at", "last_outcome")
        channels = await self.fake_get(session, "/channels") or []
        bridges = await self.fake_get(session, "/bridges") or []
        live_calls = {a["channel_id"] for a in attempts if a["ended_at"] is None}
        in_fake = {ch["id"] for ch in channels}
        logged_in = {a.extension[len("Local/"):].split("@")[0] for a in self.agents
                     if a.view.state not in ("logged_out", "unknown")}
        lost = contacts_lost(contacts, attempts, in_fake)
        twice = dialed_twice(rec, attempts, contacts, now)
        not_dialed = attempts_not_dialed(rec, attempts)
        leaked_ch, leaked_br = leaks(channels, bridges, logged_in, live_calls & in_fake)
        resumes = []
        for start in rec.starts[1:]:
            first = min((leg.start for leg in rec.legs.values()
                         if leg.start >= start and customer_digits(leg.endpoint)), default=None)
            first_agent = min((leg.start for leg in rec.legs.values()
                               if leg.start >= start and "@agents" in leg.endpoint), default=None)
            resumes.append((start, first, first_agent))
        rate, live = await self.abandon_rate()
        samples = self.obs.abandon_samples
        abandon_max = max((r for _, r, _ in samples), default=rate)
        customer_legs = sum(1 for leg in rec.legs.values() if customer_digits(leg.endpoint))
        no_disposition = [a for a in attempts if a["bridged_at"] is not None and a["disposition_id"] is None
                          and a["system_disposition"] is None]
        self.report(elapsed, attempts, contacts, customer_legs, lost, twice, not_dialed, leaked_ch, leaked_br,
                    resumes, samples, rate, live, no_disposition)
        pbx = self.report_pbx_abandons(rec, rate, live)
        resume_s = [first - start for start, first, _ in resumes if first is not None]
        return {"contacts_lost": len(lost), "dialed_twice": len(twice), "attempts_not_dialed": len(not_dialed),
                "leaked_channels": len(leaked_ch), "leaked_bridges": len(leaked_br),
                "agents_stuck": len(self.obs.stuck),
                "resume_after_pbx_restart_s": (round(max(resume_s), 2) if len(resume_s) == len(resumes) and resume_s
                                               else None),
                "abandon_max": round(abandon_max, 2), "abandon_final": round(rate, 2),
                "abandon_max_pbx": round(pbx[0], 2), "abandon_final_pbx": round(pbx[1], 2)}

    def report(self, elapsed: float, attempts: list, contacts: list, customer_legs: int, lost: list, twice: list,
               not_dialed: list, leaked_ch: list, leaked_br: list, resumes: list, samples: list, rate: float,
               live: int, no_disposition: list) -> None:
        t0 = self.obs.t0
        statuses: dict[str, int] = {}
        for c in contacts:
            statuses[c["status"].value] = statuses.get(c["status"].value, 0) + 1
        outcomes: dict[str, int] = {}
        for a in attempts:
            key = a["outcome"].value if a["outcome"] else "open"
            outcomes[key] = outcomes.get(key, 0) + 1
        print(f"ran {elapsed:.0f} s: {len(attempts)} attempt rows, {customer_legs} customer legs in the fake's "
              f"record, contacts {dict(sorted(statuses.items()))}")
        print(f"outcomes {dict(sorted(outcomes.items()))}; calls taken by agents "
              f"{sum(a.calls_taken for a in self.agents)}")
        print(f"bridged calls with no disposition at all: {len(no_disposition)}")
        later: dict[str, int] = {}
        for c in contacts:
            if c["status"].value == "pending" and c["next_attempt_at"] is not None:
                due_in = c["next_attempt_at"].timestamp() - time.time()
                key = f"{c['last_outcome'] or '-'}, attempts {c['attempts']}, due in {due_in / 3600:.0f} h"
                later[key] = later.get(key, 0) + 1
        if later:
            print(f"pending contacts due later (settled: a retry is scheduled): {later}")
        for what, rows in (("contacts_lost", lost), ("dialed_twice", twice)):
            print(f"{what}: {len(rows)}")
            for row in rows[:15]:
                print(f"    contact {row['contact_id']} {row['phone']}: {'; '.join(row['why'])}")
        print(f"attempts_not_dialed: {len(not_dialed)}")
        for a in not_dialed[:15]:
            at = a["originated_at"].timestamp() if a["originated_at"] else t0
            print(f"    attempt {a['id']} contact {a['contact_id']} channel {a['channel_id']} at {rel(at, t0)} "
                  f"outcome {a['outcome'].value if a['outcome'] else None} {a['hangup_cause_text']!r} "
                  f"engine {a['engine_id']}")
        print(f"leaked_channels: {len(leaked_ch)}   leaked_bridges: {len(leaked_br)}")
        for ch in leaked_ch[:20]:
            print(f"    channel {ch['id']} {ch['name']} {ch['state']} created {ch.get('creationtime')} "
                  f"in {ch.get('dialplan', {}).get('app_name', '')}")
        for b in leaked_br[:20]:
            print(f"    bridge {b['id']} {b.get('bridge_type')} channels {b.get('channels')} "
                  f"created {b.get('creationtime')}")
        print(f"agents_stuck: {len(self.obs.stuck)}")
        for name, why in sorted(self.obs.stuck.items()):
            print(f"    {name}: {'; '.join(why)}")
        for name, what in sorted(self.obs.out.items()):
            print(f"    (not counted) {name} out of work while contacts were due: {what}")
        errors = [(a.username, e) for a in self.agents for e in a.errors]
        if errors:
            print(f"agent requests refused: {len(errors)}, e.g. {errors[:3]}")
        for start, first, first_agent in resumes:
            print(f"fake back at {rel(start, t0)}: first agent phone originate "
                  f"{'+%.2f s' % (first_agent - start) if first_agent else 'never'}, first customer originate "
                  f"{'+%.2f s' % (first - start) if first else 'never'}")
        self.report_abandons(attempts)
        peak = max(samples, key=lambda s: s[1]) if samples else None
        print(f"abandon rate: max {peak[1]:.2f} % at {rel(peak[0], t0)} over {peak[2]} live answers; "
              f"final {rate:.2f} % over {live}; cap {ABANDON_CAP} %" if peak else
              f"abandon rate: final {rate:.2f} % over {live} live answers (fewer than {MIN_LIVE} sampled); "
              f"cap {ABANDON_CAP} %")


    def fault_before(self, at: float) -> str | None:
        """The latest fault in the 20 s before an answer at `at` (or up to 1 s after): the
        abandons a fault made are answered while the dialer is dead or agents are leaving."""
        before = [what for t, what in sorted(self.obs.faults) if t <= at + 1.0 and at - t <= 20.0]
        return before[-1] if before else None

    def bin_of(self, at: float) -> int:
        """The 20 s bin of the run an answer at `at` falls in, in seconds from the start."""
        return int((at - self.obs.t0) // 20) * 20

    def report_pbx_abandons(self, rec: Any, db_rate: float, db_live: int) -> tuple[float, float]:
        """The abandons as the PBX saw them, beside the dialer's own count: (highest running
        rate once MIN_LIVE answers were in, final rate)."""
        answers = pbx_answers(rec)
        lost = [at for at, gone in answers if gone]
        peak, peak_at, peak_n = running_abandon_max(answers, MIN_LIVE)
        rate = 100.0 * len(lost) / len(answers) if answers else 0.0
        print(f"abandons as the PBX saw them: {len(lost)} of {len(answers)} person answers ({rate:.2f} %), "
              f"max {peak:.2f} % at {rel(peak_at, self.obs.t0) if peak_at else '-'} over {peak_n}; "
              f"the dialer's rows: {db_rate:.2f} % over {db_live}")
        bins: dict[int, list[str]] = {}
        for at in lost:
            bins.setdefault(self.bin_of(at), []).append(self.fault_before(at) or "-")
        for start, whats in sorted(bins.items()):
            print(f"    +{start}-{start + 20}s: {len(whats)}: after {', '.join(sorted(set(whats)))}")
        return peak, rate

    def report_abandons(self, attempts: list) -> None:
        """When the abandoned calls were answered, in 20 s bins, and which fault (if any) came
        in the 20 s before: a call answered while the dialer was dead or agents were leaving
        is an abandon the faults made; one far from any fault is the pacer's."""
        bins: dict[int, list[str]] = {}
        for a in attempts:
            outcome = a["outcome"].value if a["outcome"] else ""
            late = outcome == "answered" and a["wait_s"] is not None and a["wait_s"] > 2.0
            if not a["answered_at"] or not (outcome == "abandoned" or late):
                continue
            at = a["answered_at"].timestamp()
            before = self.fault_before(at)
            bins.setdefault(self.bin_of(at), []).append(
                f"{a['contact_id']}{' bridged after %.1f s' % a['wait_s'] if late else ''}"
                f"{' [after ' + before + ']' if before else ''}")
        total = sum(len(v) for v in bins.values())
        print(f"abandoned calls (incl. bridged after 2 s): {total}, by when they were answered:")
        for start, rows in sorted(bins.items()):
            print(f"    +{start}-{start + 20}s: {len(rows)}: contacts {', '.join(rows[:6])}"
                  f"{' ...' if len(rows) > 6 else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=None, help="contacts (default 2000, --quick 400)")
    parser.add_argument("--agents", type=int, default=None, help="agents (default 30, --quick 10)")
    parser.add_argument("--quick", action="store_true", help="a smaller campaign, the same faults")
    parser.add_argument("--deadline", type=float, default=900.0, help="pause the campaign after this many seconds")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--keep-db", action="store_true", help="keep the database for a look afterwards")
    args = parser.parse_args()
    contacts = args.contacts or (400 if args.quick else 2000)
    agents = args.agents or (10 if args.quick else 30)
    bench = Bench(contacts, agents, args.quick, args.deadline, args.seed)
    bench.keep_db = args.keep_db
    result = asyncio.run(bench.run())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
