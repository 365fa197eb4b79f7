"""Statistics benchmark: seed N call attempts (with their events, agent states and sessions)
into PostgreSQL and SQLite, then time every report and the exports from the database.

    .venv/bin/python bench/stats.py                  # 1,000,000 attempts (PostgreSQL from
    .venv/bin/python bench/stats.py --attempts 50000 #   DIALER_TEST_POSTGRES or --postgres)

Targets: each report <= 2 s on PostgreSQL and <= 4 s on SQLite over the whole 30-day period,
a 50,000-row call list as XLSX <= 4 s, the raw 1M attempts as CSV <= 5 s. The last line is
one JSON object. Nothing is timed on a warm in-memory frame: each run reads the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from dialer.db import close_db, init_db, migrate  # noqa: E402
from dialer.models import Agent, Campaign, ContactList, Disposition, Team, User  # noqa: E402
from dialer.models.enums import CampaignStatus, Role  # noqa: E402
from dialer.stats.calls import Access, CallQuery  # noqa: E402
from dialer.stats.calls_export import export_calls  # noqa: E402
from dialer.stats.period import ReportFilter  # noqa: E402
from dialer.stats.reports import REPORTS, run_report  # noqa: E402

START = datetime(2026, 2, 1, tzinfo=timezone.utc)
DAYS = 30
TEAMS, AGENTS_PER_TEAM = 10, 10
OUTCOMES = np.array(["answered", "abandoned", "machine", "busy", "no_answer", "congestion", "failed", "cancelled"])
OUTCOME_P = [0.35, 0.015, 0.05, 0.10, 0.40, 0.03, 0.02, 0.035]
CAUSES = {"answered": (16, "Normal Clearing"), "abandoned": (16, "Normal Clearing"), "machine": (16, "Normal Clearing"),
          "busy": (17, "User busy"), "no_answer": (19, "No answer"), "congestion": (34, "Circuit congestion"),
          "failed": (41, "Temporary failure"), "cancelled": (16, "Normal Clearing")}


def log(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------- the data, as numpy columns

def generate(n: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    contacts_n = max(n // 4, 10)
    campaign = rng.integers(1, TEAMS + 1, n)  # campaign i belongs to team i
    # Working hours 08-20 UTC over 30 days, whole seconds (SQLite text then has no fraction).
    day = rng.integers(0, DAYS, n)
    second = rng.integers(8 * 3600, 20 * 3600, n)
    originated = pd.to_datetime(START) + pd.to_timedelta(day * 86400 + second, unit="s")
    order = np.argsort(originated.values, kind="stable")
    campaign, originated = campaign[order], originated[order]
    outcome = rng.choice(OUTCOMES, n, p=OUTCOME_P)
    answered = np.isin(outcome, ["answered", "abandoned", "machine"])
    connected = outcome == "answered"
    agent = np.where(connected, (campaign - 1) * AGENTS_PER_TEAM + rng.integers(1, AGENTS_PER_TEAM + 1, n), 0)
    ring = pd.to_timedelta(rng.integers(3, 25, n), unit="s")
    talk = np.where(connected, np.round(rng.exponential(120, n)) + 5, np.nan)
    wrap = np.where(connected, rng.integers(5, 30, n), np.nan)
    wait = np.where(connected, rng.integers(0, 3, n), np.where(outcome == "abandoned", 15, np.nan))
    answered_at = pd.Series(originated + ring).where(answered)
    bridged_at = pd.Series(answered_at + pd.to_timedelta(np.nan_to_num(wait), unit="s")).where(connected)
    ended_at = pd.Series(originated + ring + pd.to_timedelta(np.nan_to_num(wait) + np.nan_to_num(talk), unit="s"))
    disposition = np.where(connected, rng.integers(1, 7, n), 0)  # 6: answering machine
    causes = pd.Series(outcome).map(CAUSES)
    attempts = pd.DataFrame({
        "id": np.arange(1, n + 1), "campaign_id": campaign, "contact_id": rng.integers(1, contacts_n + 1, n),
        "agent_id": pd.array(np.where(agent > 0, agent, 0), dtype="Int64"),
        "phone": pd.Series(rng.integers(420_600_000_000, 420_799_999_999, n)).map(lambda v: f"+{v}"),
        "originated_at": originated, "answered_at": answered_at, "bridged_at": bridged_at, "ended_at": ended_at,
        "outcome": outcome, "hangup_cause": causes.map(lambda c: c[0]), "hangup_cause_text": causes.map(lambda c: c[1]),
        "wait_s": wait, "talk_s": talk, "wrap_up_s": wrap,
        "disposition_id": pd.array(disposition, dtype="Int64"),
    })
    attempts.loc[attempts["agent_id"] == 0, "agent_id"] = pd.NA
    attempts.loc[attempts["disposition_id"] == 0, "disposition_id"] = pd.NA
    # Events: originate + hangup for every call, answered / bridged where they happened.
    parts = [pd.DataFrame({"at": attempts["originated_at"], "kind": "originate", "attempt_id": attempts["id"],
                           "campaign_id": campaign, "agent_id": pd.NA})]
    a = attempts[answered]
    parts.append(pd.DataFrame({"at": a["answered_at"], "kind": "answered", "attempt_id": a["id"],
                               "campaign_id": a["campaign_id"], "agent_id": pd.NA}))
    c = attempts[connected]
    parts.append(pd.DataFrame({"at": c["bridged_at"], "kind": "bridged", "attempt_id": c["id"],
                               "campaign_id": c["campaign_id"], "agent_id": c["agent_id"]}))
    parts.append(pd.DataFrame({"at": attempts["ended_at"], "kind": "hangup", "attempt_id": attempts["id"],
                               "campaign_id": campaign, "agent_id": attempts["agent_id"]}))
    # Written in time order, as the engine appends them (row order matters to SQLite's scans).
    events = pd.concat(parts, ignore_index=True).sort_values("at", kind="stable", ignore_index=True)
    events["agent_id"] = events["agent_id"].astype("Int64")
    # Agent states around each handled call; a session per agent per day, 08:00-20:00.
    c_end = c["ended_at"]
    states = pd.concat([
        pd.DataFrame({"agent_id": c["agent_id"], "state": "on_call", "at": c["bridged_at"],
                      "campaign_id": c["campaign_id"]}),
        pd.DataFrame({"agent_id": c["agent_id"], "state": "wrap_up", "at": c_end, "campaign_id": c["campaign_id"]}),
        pd.DataFrame({"agent_id": c["agent_id"], "state": "ready",
                      "at": c_end + pd.to_timedelta(c["wrap_up_s"], unit="s"), "campaign_id": c["campaign_id"]}),
    ], ignore_index=True).sort_values("at", kind="stable", ignore_index=True)
    # As the engine's record writer stores them: each ends where the agent's next one begins.
    states["ended_at"] = states.groupby("agent_id")["at"].shift(-1)
    agents = np.arange(1, TEAMS * AGENTS_PER_TEAM + 1)
    days = pd.to_datetime(START) + pd.to_timedelta(np.arange(DAYS), unit="D")
    grid = pd.MultiIndex.from_product([agents, days], names=["agent_id", "day"]).to_frame(index=False)
    sessions = pd.DataFrame({"agent_id": grid["agent_id"], "started_at": grid["day"] + pd.Timedelta(hours=8),
                             "ended_at": grid["day"] + pd.Timedelta(hours=20)})
    contacts = pd.DataFrame({"id": np.arange(1, contacts_n + 1),
                             "contact_list_id": rng.integers(1, TEAMS + 1, contacts_n),
                             "status": rng.choice(["pending", "done", "exhausted", "failed"], contacts_n,
                                                  p=[0.5, 0.3, 0.15, 0.05])})
    contacts["phone"] = contacts["id"].map(lambda i: f"+42070{i:07d}")
    contacts["external_id"] = contacts["id"].map(lambda i: f"CRM-{i}")
    return {"call_attempt": attempts, "call_event": events, "agent_state_change": states, "agent_session": sessions,
            "contact": contacts}


async def seed_small_tables() -> None:
    """Teams, users, agents, campaigns, lists and dispositions through the ORM (a few hundred rows)."""
    teams = [await Team.create(name=f"Team {t}") for t in range(1, TEAMS + 1)]
    for t, team in enumerate(teams, start=1):
        for a in range(1, AGENTS_PER_TEAM + 1):
            user = await User.create(username=f"agent{t:02d}{a:02d}", password_hash="x", role=Role.AGENT, team=team)
            await Agent.create(user=user)
        campaign = await Campaign.create(name=f"Campaign {t}", team=team, status=CampaignStatus.RUNNING)
        lst = await ContactList.create(name=f"List {t}", team=team)
        await campaign.contact_lists.add(lst)
    for i, (code, machine) in enumerate([("SALE", False), ("NO", False), ("CB", False), ("WRONG", False),
                                         ("DNC", False), ("AM", True)], start=1):
        await Disposition.create(code=code, name=code.title(), is_machine=machine, sort_order=i)


# ---------------------------------------------------------------- bulk loading per engine

def _text_ts(col: pd.Series) -> pd.Series:
    # Tortoise's SQLite format for whole seconds: "YYYY-MM-DD HH:MM:SS+00:00".
    return (col.dt.strftime("%Y-%m-%d %H:%M:%S") + "+00:00").where(col.notna(), None)


def sqlite_load(path: str, data: dict[str, pd.DataFrame]) -> None:
    now = "2026-01-01 00:00:00+00:00"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    with conn:
        c = data["contact"]
        conn.executemany("INSERT INTO contact (id, contact_list_id, phone, external_id, status, alt_phones, "
                         "custom_fields, created_at, updated_at) VALUES (?,?,?,?,?,'[]','{}',?,?)",
                         zip(c["id"].tolist(), c["contact_list_id"].tolist(), c["phone"], c["external_id"],
                             c["status"], [now] * len(c), [now] * len(c)))
        a = data["call_attempt"]
        cols = [a["id"].tolist(), a["campaign_id"].tolist(), a["contact_id"].tolist(),
                a["agent_id"].astype(object).where(a["agent_id"].notna(), None).tolist(), a["phone"].tolist(),
                _text_ts(a["originated_at"]).tolist(), _text_ts(a["answered_at"]).tolist(),
                _text_ts(a["bridged_at"]).tolist(), _text_ts(a["ended_at"]).tolist(), a["outcome"].tolist(),
                a["hangup_cause"].tolist(), a["hangup_cause_text"].tolist(),
                *[a[k].astype(object).where(a[k].notna(), None).tolist() for k in ("wait_s", "talk_s", "wrap_up_s")],
                a["disposition_id"].astype(object).where(a["disposition_id"].notna(), None).tolist()]
        conn.executemany("INSERT INTO call_attempt (id, campaign_id, contact_id, agent_id, phone, originated_at, "
                         "answered_at, bridged_at, ended_at, outcome, hangup_cause, hangup_cause_text, wait_s, "
                         "talk_s, wrap_up_s, disposition_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", zip(*cols))
        e = data["call_event"]
        agent_ids = e["agent_id"].astype(object).where(e["agent_id"].notna(), None).tolist()
        conn.executemany("INSERT INTO call_event (at, kind, attempt_id, campaign_id, agent_id, payload) "
                         "VALUES (?,?,?,?,?,'{}')",
                         zip(_text_ts(e["at"]).tolist(), e["kind"].tolist(), e["attempt_id"].tolist(),
                             e["campaign_id"].tolist(), agent_ids))
        s = data["agent_state_change"]
        conn.executemany("INSERT INTO agent_state_change (agent_id, state, at, ended_at, campaign_id) "
                         "VALUES (?,?,?,?,?)",
                         zip(s["agent_id"].astype(int).tolist(), s["state"].tolist(), _text_ts(s["at"]).tolist(),
                             _text_ts(s["ended_at"]).tolist(), s["campaign_id"].tolist()))
        z = data["agent_session"]
        conn.executemany("INSERT INTO agent_session (agent_id, started_at, ended_at) VALUES (?,?,?)",
                         zip(z["agent_id"].tolist(), _text_ts(z["started_at"]).tolist(),
                             _text_ts(z["ended_at"]).tolist()))
    conn.execute("ANALYZE")
    conn.close()


async def postgres_load(url: str, data: dict[str, pd.DataFrame]) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async def copy(table: str, frame: pd.DataFrame) -> None:
                path = Path(tmp) / f"{table}.csv"
                frame.to_csv(path, index=False, header=False, date_format="%Y-%m-%d %H:%M:%S+00")
                await conn.copy_to_table(table, source=str(path), columns=list(frame.columns), format="csv")

            c = data["contact"].assign(alt_phones="[]", custom_fields="{}", created_at=START, updated_at=START)
            await copy("contact", c)
            await copy("call_attempt", data["call_attempt"])
            await copy("call_event", data["call_event"].assign(payload="{}"))
            await copy("agent_state_change", data["agent_state_change"])
            await copy("agent_session", data["agent_session"])
        for seq_table in ("contact", "call_attempt"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{seq_table}', 'id'), "
                               f"(SELECT MAX(id) FROM {seq_table}))")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


# ---------------------------------------------------------------- timing

async def time_everything(label: str, n: int, t50k: datetime, out: Path) -> tuple[dict[str, float], float, float]:
    f = ReportFilter(start=START, end=START + timedelta(days=DAYS), tz="UTC")
    now = START + timedelta(days=DAYS, hours=1)
    reports: dict[str, float] = {}
    for name in REPORTS:
        started = time.perf_counter()
        report = await run_report(name, f, now=now)
        reports[name] = round(time.perf_counter() - started, 3)
        log(f"  {label} report {name:<10} {reports[name]:6.2f} s  ({len(report.main)} rows)")
    started = time.perf_counter()
    rows = await export_calls(CallQuery(start=START, end=t50k), Access(everything=True), out / f"{label}-50k.xlsx",
                              "xlsx")
    xlsx = round(time.perf_counter() - started, 3)
    log(f"  {label} XLSX of {rows:,} calls {xlsx:6.2f} s")
    started = time.perf_counter()
    rows = await export_calls(CallQuery(start=START, end=START + timedelta(days=DAYS)), Access(everything=True),
                              out / f"{label}-all.csv", "csv", raw=True)
    csv = round(time.perf_counter() - started, 3)
    log(f"  {label} CSV of {rows:,} raw attempts {csv:6.2f} s")
    return reports, xlsx, csv


async def run_engine(label: str, url: str, data: dict[str, pd.DataFrame], n: int, t50k: datetime, out: Path,
                     load, seeded: bool = False) -> tuple[dict[str, float], float, float]:  # type: ignore[no-untyped-def]
    if not seeded:
        await migrate(url)
        await init_db(url)
        await seed_small_tables()
        await close_db()
        started = time.perf_counter()
        await load()
        log(f"  {label} bulk load {time.perf_counter() - started:6.1f} s")
    await init_db(url)
    try:
        return await time_everything(label, n, t50k, out)
    finally:
        await close_db()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url.replace("postgresql://", "postgres://", 1))
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("DIALER_TEST_POSTGRES"),
                        help="a PostgreSQL server URL; a throw-away database is made there "
                             "(default DIALER_TEST_POSTGRES)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="(developers) keep the seeded databases (bench_stats_N) and reuse them on the next run")
    args = parser.parse_args()
    n = args.attempts
    started = time.perf_counter()
    data = generate(n)
    t50k = data["call_attempt"]["originated_at"].iloc[min(50_000, n) - 1].to_pydatetime() + timedelta(microseconds=1)
    log(f"generated {n:,} attempts, {len(data['call_event']):,} events, {len(data['agent_state_change']):,} "
        f"agent states in {time.perf_counter() - started:.1f} s")
    result: dict[str, object] = {"attempts": n}
    with tempfile.TemporaryDirectory(prefix="dialer-bench-") as tmp:
        out = Path(tmp)
        if args.postgres and not args.skip_postgres:
            import asyncpg

            admin = args.postgres.replace("postgres://", "postgresql://", 1)
            name = f"bench_stats_{n}" if args.keep else f"dialer_bench_{uuid.uuid4().hex[:10]}"
            conn = await asyncpg.connect(admin)
            seeded = bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
            if not seeded:
                await conn.execute(f'CREATE DATABASE "{name}"')
            await conn.close()
            url = _with_database(args.postgres, name)
            try:
                reports, xlsx, csv = await run_engine("postgres", url, data, n, t50k, out,
                                                      lambda: postgres_load(url, data), seeded)
                result.update(postgres_report_s=reports, xlsx_50k_s=xlsx, csv_1m_s=csv)
            finally:
                if not args.keep:
                    conn = await asyncpg.connect(admin)
                    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    await conn.close()
        elif not args.skip_postgres:
            log("no PostgreSQL (set DIALER_TEST_POSTGRES or --postgres): skipped")
        if not args.skip_sqlite:
            path = Path(tempfile.gettempdir()) / f"bench_stats_{n}.sqlite3" if args.keep else out / "bench.sqlite3"
            seeded = path.exists()
            url = f"sqlite://{path.as_posix()}"
            reports, xlsx, csv = await run_engine("sqlite", url, data, n, t50k, out,
                                                  lambda: asyncio.to_thread(sqlite_load, str(path), data), seeded)
            result["sqlite_report_s"] = reports
            result.setdefault("xlsx_50k_s", xlsx)
            result.setdefault("csv_1m_s", csv)
            result.update(sqlite_xlsx_50k_s=xlsx, sqlite_csv_1m_s=csv)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
