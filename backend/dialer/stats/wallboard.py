"""The wallboard's starting picture, from the database: agents' current states, each
campaign's counters for today and its compliance figures, and the calls still in progress.

After this snapshot the wallboard follows hub events (`dialer/hub/events.md`); the
snapshot uses the same shapes as those events, so the page has one way to draw either.
What only the running engine knows (dial level, the pacer's reason) starts empty. The
compliance figures come from the record alone; `compliance_update` reads them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from dialer.campaigns.regulation import deployment_regulation
from dialer.compliance.profiles import Regulation, regulation_named
from dialer.stats import loaders
from dialer.stats.abandon import rule_abandon_rate
from dialer.billing.service.accounts import low_credit_accounts
from dialer.stats.compliance import campaign_compliance, skips_by_campaign
from dialer.stats.period import ReportFilter
from dialer.stats.query import Sql, StatsDb

# Attempts older than this without an end are stale (a crash), not calls in progress.
IN_PROGRESS_WINDOW = timedelta(hours=2)


@dataclass(frozen=True)
class BoardScope:
    """Which teams' agents and campaigns a viewer sees (None: all)."""

    team_ids: tuple[int, ...] | None = None


def _iso(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return pd.Timestamp(value).tz_convert("UTC").isoformat() if pd.Timestamp(value).tzinfo else \
        pd.Timestamp(value).tz_localize("UTC").isoformat()


async def _campaigns(db: StatsDb, scope: BoardScope) -> pd.DataFrame:
    campaigns = await loaders.campaign_directory(db)
    campaigns = campaigns[~campaigns["archived"]]
    if scope.team_ids is not None:
        campaigns = campaigns[campaigns["team_id"].isin(scope.team_ids)]
    return campaigns


@dataclass(frozen=True)
class _Today:
    """Today's counts per campaign (with both rolling abandon windows ending now) and its skips."""

    counts: pd.DataFrame  # indexed by campaign_id: loaders.MEASURES, day_* and month_*
    skips: pd.DataFrame  # loaders.rule_skips' rows since local midnight
    midnight: datetime


async def _today(db: StatsDb, now: datetime, tz: str, campaign_ids: tuple[int, ...]) -> _Today:
    dispositions = await loaders.disposition_directory(db)
    machines = tuple(int(i) for i in dispositions.loc[dispositions["is_machine"], "disposition_id"])
    zone = ZoneInfo(tz)
    midnight = datetime.combine(now.astimezone(zone).date(), time(0), zone)
    f = ReportFilter(start=midnight, end=now + timedelta(seconds=1), tz=tz, campaign_ids=campaign_ids)
    scope_ids = loaders.Scope(campaign_ids=campaign_ids, agent_ids=None, team_campaign_ids=None, team_agent_ids=None)
    # Today's counts and both rolling abandon windows in one scan.
    counts = (await loaders.attempt_facts(db, f, scope_ids, ["campaign_id"], machines, windows={
        "day": (now - timedelta(hours=24), now), "month": (now - timedelta(days=30), now)})).set_index("campaign_id")
    skips = await loaders.rule_skips(db, campaign_ids, midnight, now + timedelta(seconds=1))
    return _Today(counts, skips, midnight)


def _compliance(campaigns: pd.DataFrame, today: _Today, now: datetime) -> dict[int, dict[str, Any]]:
    """Per campaign: the abandon rate over each window its profile measures (ending now), and the
    contacts a rule kept from being dialed since local midnight."""
    deployment: Regulation = deployment_regulation()
    skips = skips_by_campaign(today.skips)
    figures = {}
    for c in campaigns.itertuples():
        cid = int(c.campaign_id)
        counts = today.counts.loc[cid].to_dict() if cid in today.counts.index else {}
        cap = float(c.abandon_cap_pct) / 100.0
        figures[cid] = campaign_compliance(regulation_named(c.regulatory_profile, deployment), str(c.abandon_window),
                                           cap, counts, skips.get(cid, {})).as_json() | {
            "since": today.midnight.isoformat(), "at": now.isoformat()}
    return figures


async def compliance_update(now: datetime, tz: str = "UTC", scope: BoardScope = BoardScope(),
                            db: StatsDb | None = None) -> dict[str, Any]:
    """The compliance figures again, for a wallboard that has been open a while: the engine's
    events carry the capped window's rate live, but not the other windows nor today's skips."""
    db = db or StatsDb()
    campaigns = await _campaigns(db, scope)
    today = await _today(db, now, tz, tuple(int(i) for i in campaigns["campaign_id"]))
    return {"type": "campaign.compliance", "now": now.isoformat(),
            "campaigns": [{"campaign_id": cid, "compliance": figures}
                          for cid, figures in _compliance(campaigns, today, now).items()]}


async def snapshot(now: datetime, tz: str = "UTC", scope: BoardScope = BoardScope(),
                   db: StatsDb | None = None) -> dict[str, Any]:
    db = db or StatsDb()
    agents = await loaders.agent_directory(db)
    campaigns = await _campaigns(db, scope)
    if scope.team_ids is not None:
        agents = agents[agents["team_id"].isin(scope.team_ids)]
    agent_ids = tuple(int(i) for i in agents["agent_id"])
    campaign_ids = tuple(int(i) for i in campaigns["campaign_id"])

    sql = db.sql()
    latest = await db.frame(sql, "SELECT s.agent_id, s.state, s.reason, s.at, s.campaign_id "
                                 "FROM agent_state_change s WHERE s.id IN (SELECT (SELECT y.id "
                                 "FROM agent_state_change y WHERE y.agent_id = ag.id "
                                 "ORDER BY y.at DESC, y.id DESC LIMIT 1) FROM agent ag "
                                 f"WHERE {Sql.ids('ag.id', agent_ids)})",
                            ["agent_id", "state", "reason", "at", "campaign_id"])
    latest = latest.set_index("agent_id")
    agent_rows = []
    for a in agents.itertuples():
        st = latest.loc[a.agent_id] if a.agent_id in latest.index else None
        agent_rows.append({
            "type": "agent.state", "agent_id": int(a.agent_id), "username": a.username,
            "name": a.full_name or a.username, "team_id": None if pd.isna(a.team_id) else int(a.team_id),
            "team": a.team if isinstance(a.team, str) else "",
            "state": st["state"] if st is not None else "logged_out", "reason": st["reason"] if st is not None else "",
            "since": _iso(st["at"]) if st is not None else None,
            "campaign_ids": [int(st["campaign_id"])] if st is not None and not pd.isna(st["campaign_id"]) else [],
        })

    day = await _today(db, now, tz, campaign_ids)
    today = day.counts
    compliance = _compliance(campaigns, day, now)
    contacts = await loaders.contact_status_counts(db, campaign_ids)
    remaining = contacts[contacts["status"].isin(["pending", "leased"])].groupby("campaign_id")["contacts"].sum()

    sql = db.sql()
    live = await db.frame(sql, "SELECT a.id, a.channel_id, a.campaign_id, a.phone, a.agent_id, a.originated_at, "
                               "a.answered_at, a.bridged_at FROM call_attempt a WHERE a.ended_at IS NULL AND "
                               f"a.originated_at >= {sql.ts(now - IN_PROGRESS_WINDOW)} AND "
                               f"{Sql.ids('a.campaign_id', campaign_ids)} ORDER BY a.originated_at",
                          ["attempt_id", "channel_id", "campaign_id", "phone", "agent_id", "originated_at",
                           "answered_at", "bridged_at"])
    for col in ("originated_at", "answered_at", "bridged_at"):
        live[col] = pd.to_datetime(live[col], utc=True, format="ISO8601")
    calls = [call_row(r) for r in live.to_dict("records")]

    campaign_rows = []
    for c in campaigns.itertuples():
        cid = int(c.campaign_id)
        window = "month" if c.abandon_window == "30d" else "day"
        w = today.loc[cid] if cid in today.index else None
        mine = [x for x in calls if x["campaign_id"] == cid]
        waits = [(now - datetime.fromisoformat(x["since"])).total_seconds() for x in mine if x["state"] == "waiting"]
        # As the engine counts it for the cap: people connected late were abandoned too.
        rate = float(rule_abandon_rate(*(float(w[f"{window}_{m}"]) for m in ("abandoned", "connected_late",
                                                                              "connects", "machines")),
                                       ofcom=window == "day")) if w is not None else float("nan")
        campaign_rows.append({
            "type": "campaign.stats", "campaign_id": cid, "name": c.name, "status": c.status,
            "team_id": None if pd.isna(c.team_id) else int(c.team_id),
            "ringing": sum(1 for x in mine if x["state"] == "ringing"), "waiting": len(waits),
            "longest_wait_s": max(waits) if waits else 0.0,
            "answered_today": int(today.loc[cid, "answered"]) if cid in today.index else 0,
            "abandoned_today": int(today.loc[cid, "abandoned"] + today.loc[cid, "connected_late"])
            if cid in today.index else 0,
            "abandon_rate": None if pd.isna(rate) else rate, "abandon_cap": float(c.abandon_cap_pct) / 100.0,
            "abandon_window": c.abandon_window, "dial_level": None, "pacer_reason": "",
            # The engine's reasons (dialer.not_dialing) arrive with its first tick.
            "contacts_remaining": int(remaining.get(cid, 0)), "not_dialing": [],
            "compliance": compliance[cid],
        })
    return {"type": "snapshot", "now": now.isoformat(), "agents": agent_rows, "campaigns": campaign_rows,
            "calls": calls, "low_credit": await low_credit_accounts(scope.team_ids)}


def call_row(r: dict[str, Any]) -> dict[str, Any]:
    """A call in progress as a `call.state` event: connected, waiting for an agent, or ringing."""
    if not pd.isna(r["bridged_at"]):
        state, since = "connected", r["bridged_at"]
    elif not pd.isna(r["answered_at"]):
        state, since = "waiting", r["answered_at"]
    else:
        state, since = "ringing", r["originated_at"]
    # The engine names a call by its customer leg (the attempt's channel id): use the same key.
    call_id = r["channel_id"] or str(int(r["attempt_id"]))
    return {"type": "call.state", "call_id": call_id, "attempt_id": int(r["attempt_id"]),
            "campaign_id": int(r["campaign_id"]), "phone": r["phone"], "state": state,
            "agent_id": None if pd.isna(r["agent_id"]) else int(r["agent_id"]), "since": since.isoformat()}
