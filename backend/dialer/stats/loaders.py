"""Loading for the reports: small aggregated frames straight from the database.

Loading dominates report time (DATA-LAYER.md), so every loader asks only for the columns
and the period it needs and lets the database GROUP BY; pandas then does the arithmetic on
frames of a few thousand rows at most. Not here: any rate, ratio or adjustment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dialer.compliance.skips import RuleSkip
from dialer.pacing.snapshot import LEGAL_WAIT_S
from dialer.stats.period import ReportFilter
from dialer.stats.query import Sql, StatsDb

MEASURES = ["attempts", "answered", "connects", "abandoned", "machines", "connected_late", "talk_s", "wrap_up_s",
            "wait_s"]
GROUP_KEYS = {"campaign_id", "agent_id", "outcome", "disposition_id", "system_disposition", "hangup_cause",
              "hangup_cause_text"}


@dataclass(frozen=True)
class Scope:
    """A filter resolved to ids: None means all. Teams become the campaigns and agents in them."""

    campaign_ids: tuple[int, ...] | None
    agent_ids: tuple[int, ...] | None
    team_campaign_ids: tuple[int, ...] | None
    team_agent_ids: tuple[int, ...] | None

    def attempt_where(self, alias: str = "a") -> str:
        parts = []
        if self.campaign_ids is not None:
            parts.append(Sql.ids(f"{alias}.campaign_id", self.campaign_ids))
        if self.agent_ids is not None:
            parts.append(Sql.ids(f"{alias}.agent_id", self.agent_ids))
        if self.team_campaign_ids is not None:
            # A team owns its campaigns' calls and its agents' calls (even in other campaigns).
            parts.append(f"({Sql.ids(f'{alias}.campaign_id', self.team_campaign_ids or ())} OR "
                         f"{Sql.ids(f'{alias}.agent_id', self.team_agent_ids or ())})")
        return " AND ".join(parts) if parts else "1=1"


async def agent_directory(db: StatsDb) -> pd.DataFrame:
    sql = db.sql()
    frame = await db.frame(sql, 'SELECT ag.id, u.username, u.full_name, u.team_id, t.name FROM agent ag '
                                'JOIN "user" u ON u.id = ag.user_id LEFT JOIN team t ON t.id = u.team_id',
                           ["agent_id", "username", "full_name", "team_id", "team"])
    return frame.sort_values("username", kind="stable").reset_index(drop=True)


async def campaign_directory(db: StatsDb) -> pd.DataFrame:
    sql = db.sql()
    frame = await db.frame(sql, "SELECT id, name, team_id, status, archived, abandon_cap_pct, abandon_window, "
                                "regulatory_profile FROM campaign",
                           ["campaign_id", "name", "team_id", "status", "archived", "abandon_cap_pct",
                            "abandon_window", "regulatory_profile"])
    frame["archived"] = frame["archived"].astype(bool)
    return frame.sort_values("name", kind="stable").reset_index(drop=True)


async def disposition_directory(db: StatsDb) -> pd.DataFrame:
    sql = db.sql()
    frame = await db.frame(sql, "SELECT id, campaign_id, code, name, is_machine, is_success, sort_order "
                                "FROM disposition", ["disposition_id", "campaign_id", "code", "name",
                                                     "is_machine", "is_success", "sort_order"])
    for col in ("is_machine", "is_success"):
        frame[col] = frame[col].astype(bool)
    return frame.sort_values(["sort_order", "name"], kind="stable").reset_index(drop=True)


async def resolve_scope(db: StatsDb, f: ReportFilter) -> Scope:
    team_campaigns = team_agents = None
    if f.team_ids:
        sql = db.sql()
        rows = await db.rows(sql, f"SELECT id FROM campaign WHERE {Sql.ids('team_id', f.team_ids)}")
        team_campaigns = tuple(r[0] for r in rows)
        sql = db.sql()
        rows = await db.rows(sql, 'SELECT ag.id FROM agent ag JOIN "user" u ON u.id = ag.user_id '
                                  f"WHERE {Sql.ids('u.team_id', f.team_ids)}")
        team_agents = tuple(r[0] for r in rows)
    return Scope(campaign_ids=f.campaign_ids or None, agent_ids=f.agent_ids or None,
                 team_campaign_ids=team_campaigns, team_agent_ids=team_agents)


WINDOW_MEASURES = ["abandoned", "connects", "machines", "connected_late"]  # what an abandon rate needs


def connected_late(machine_ids: tuple[int, ...]) -> str:
    """A person given an agent after the legal wait: abandoned as the rules count (the engine too)."""
    not_machine = f"NOT ({Sql.ids('COALESCE(a.disposition_id, 0)', machine_ids)})"
    return (f"a.outcome = 'answered' AND a.bridged_at IS NOT NULL AND a.wait_s > {LEGAL_WAIT_S} "
            f"AND {not_machine}")


def measures_sql(machine_ids: tuple[int, ...], when: str = "") -> str:
    """The MEASURES as aggregates, counting only rows that meet `when` (if given)."""
    only = f"{when} AND " if when else ""
    connected = "a.bridged_at IS NOT NULL AND a.agent_id IS NOT NULL"

    def count(condition: str) -> str:
        return f"SUM(CASE WHEN {only}{condition} THEN 1 ELSE 0 END)"

    def total(column: str) -> str:
        return f"SUM(CASE WHEN {when} THEN COALESCE({column}, 0) ELSE 0 END)" if when else f"SUM(COALESCE({column}, 0))"

    return ", ".join([
        count("1=1") if when else "COUNT(*)", count("a.answered_at IS NOT NULL"), count(connected),
        count("a.outcome = 'abandoned'"), count(f"{connected} AND {Sql.ids('a.disposition_id', machine_ids)}"),
        count(connected_late(machine_ids)), total("a.talk_s"), total("a.wrap_up_s"), total("a.wait_s"),
    ])


def _window_sql(sql: Sql, machine_ids: tuple[int, ...], start: datetime, end: datetime) -> str:
    inside = f"a.originated_at >= {sql.ts(start)} AND a.originated_at < {sql.ts(end)}"
    connected = "a.bridged_at IS NOT NULL AND a.agent_id IS NOT NULL"
    return ", ".join(f"SUM(CASE WHEN {inside} AND {c} THEN 1 ELSE 0 END)" for c in (
        "a.outcome = 'abandoned'", connected, f"{connected} AND {Sql.ids('a.disposition_id', machine_ids)}",
        connected_late(machine_ids)))


async def attempt_facts(db: StatsDb, f: ReportFilter, scope: Scope, by: list[str], machine_ids: tuple[int, ...],
                        *, bucket: str | None = None, start: datetime | None = None,
                        end: datetime | None = None, where: str = "",
                        windows: dict[str, tuple[datetime, datetime]] | None = None) -> pd.DataFrame:
    """Attempt counts and sums (MEASURES) over [start, end) — the filter's period unless
    given — grouped by `by` (+ a local-time `bucket`). Each of `windows` adds the columns
    `<name>_abandoned`, `<name>_connects`, `<name>_machines` for attempts in that window:
    the rolling abandon rates then come from the same scan of the table (one scan of 1M
    rows is what a report costs, and SQLite's GROUP BY sorts: few, narrow keys)."""
    unknown = set(by) - GROUP_KEYS
    if unknown:
        raise ValueError(f"cannot group attempts by {sorted(unknown)}")
    period = (start or f.start, end or f.end)
    windows = windows or {}
    scan = (min([period[0]] + [w[0] for w in windows.values()]), max([period[1]] + [w[1] for w in windows.values()]))
    sql = db.sql()
    keys = [f"a.{k}" for k in by]
    local = sql.local("a.originated_at", f.tz, scan[0], scan[1], bucket) if bucket else None
    if local:
        keys.append(local.expression)
    when = "" if scan == period else f"a.originated_at >= {sql.ts(period[0])} AND a.originated_at < {sql.ts(period[1])}"
    columns = [measures_sql(machine_ids, when)] + [_window_sql(sql, machine_ids, *w) for w in windows.values()]
    extra = [f"{name}_{m}" for name in windows for m in WINDOW_MEASURES]
    lo, hi = sql.ts(scan[0]), sql.ts(scan[1])
    group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}" if keys else ""
    query = (f"SELECT {', '.join(keys + columns)} FROM call_attempt a WHERE a.originated_at >= {lo} "
             f"AND a.originated_at < {hi} AND {scope.attempt_where()}{' AND ' + where if where else ''}{group}")
    names = by + (["bucket"] if bucket else []) + MEASURES + extra
    frame = await db.frame(sql, query, names)
    for col in MEASURES + extra:
        frame[col] = pd.to_numeric(frame[col]).fillna(0)
    if local:
        frame["bucket"] = local.to_local(frame["bucket"])
        if local.regroup:  # several UTC hours became one local bucket
            frame = frame.groupby(by + ["bucket"], dropna=False, as_index=False, sort=False)[MEASURES + extra].sum()
    return frame


async def rule_skips(db: StatsDb, campaign_ids: tuple[int, ...], start: datetime, end: datetime) -> pd.DataFrame:
    """Contacts the engine did not dial because a rule kept them, per campaign and rule, within
    [start, end): the events `compliance/skips.py` names (campaign_id, kind, skips)."""
    sql = db.sql()
    kinds = ", ".join(sql.p(rule.value) for rule in RuleSkip)
    query = (f"SELECT e.campaign_id, e.kind, COUNT(*) FROM call_event e WHERE {Sql.ids('e.campaign_id', campaign_ids)} "
             f"AND e.at >= {sql.ts(start)} AND e.at < {sql.ts(end)} AND e.kind IN ({kinds}) GROUP BY 1, 2")
    frame = await db.frame(sql, query, ["campaign_id", "kind", "skips"])
    frame["skips"] = pd.to_numeric(frame["skips"]).fillna(0).astype(int)
    return frame


async def contact_status_counts(db: StatsDb, campaign_ids: tuple[int, ...]) -> pd.DataFrame:
    """Contacts per campaign and status as they stand now (not bound to the period: what is
    left to call), with their own attempt counters (how many tries a contact takes)."""
    sql = db.sql()
    query = ("SELECT ccl.campaign_id, c.status, COUNT(*), SUM(c.attempts), "
             "SUM(CASE WHEN c.attempts > 0 THEN 1 ELSE 0 END) FROM campaign_contact_list ccl "
             "JOIN contact c ON c.contact_list_id = ccl.contactlist_id "
             f"WHERE {Sql.ids('ccl.campaign_id', campaign_ids)} GROUP BY 1, 2")
    frame = await db.frame(sql, query, ["campaign_id", "status", "contacts", "attempts", "tried"])
    for col in ("contacts", "attempts", "tried"):
        frame[col] = pd.to_numeric(frame[col]).fillna(0).astype(int)
    return frame


async def state_durations(db: StatsDb, f: ReportFilter, agent_ids: tuple[int, ...] | None, now: datetime,
                          campaign_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Seconds per agent, state and reason within the period (states still open run to `now`).

    A state lasts until the agent's next change (`ended_at`). The state in force at the period's start
    began before it, so each agent's last earlier change is taken too (one index probe per
    agent), then every interval is clipped to the period. `agent_ids` None: every agent.
    """
    sql = db.sql()
    stop = min(f.end, now)
    agents = Sql.ids("x.agent_id", agent_ids) if agent_ids is not None else "1=1"
    lo, hi = sql.ts(f.start), sql.ts(f.end)
    # ORDER BY at alone, so both engines walk the (agent_id, at) index backwards one step.
    latest_before = ("SELECT (SELECT y.id FROM agent_state_change y WHERE y.agent_id = ag.id "
                     f"AND y.at < {lo} ORDER BY y.at DESC LIMIT 1) FROM agent ag"
                     + (f" WHERE {Sql.ids('ag.id', agent_ids)}" if agent_ids is not None else ""))
    # A change ends where the agent's next began: `ended_at`, which the engine writes. Rows
    # without it (the agent's latest, or history written by something else) look their
    # successor up in the (agent_id, at) index; COALESCE evaluates that only when needed.
    successor = "(SELECT MIN(y.at) FROM agent_state_change y WHERE y.agent_id = x.agent_id AND y.at > x.at)"
    columns = f"x.agent_id, x.state, x.reason, x.campaign_id, x.at, COALESCE(x.ended_at, {successor}) AS next_at"
    seq = (f"SELECT {columns} FROM agent_state_change x WHERE x.at >= {lo} AND x.at < {hi} AND {agents} "
           f"UNION ALL SELECT {columns} FROM agent_state_change x WHERE x.id IN ({latest_before})")
    began = sql.greatest("at", sql.ts(f.start))
    ended = sql.least(f"COALESCE(next_at, {sql.ts(stop)})", sql.ts(stop))
    campaign = f" AND {Sql.ids('campaign_id', campaign_ids)}" if campaign_ids is not None else ""
    query = (f"SELECT agent_id, state, reason, {sql.sum_seconds(began, ended)} FROM ({seq}) s "
             f"WHERE state <> 'logged_out'{campaign} GROUP BY 1, 2, 3")
    frame = await db.frame(sql, query, ["agent_id", "state", "reason", "seconds"])
    frame["seconds"] = pd.to_numeric(frame["seconds"]).fillna(0).clip(lower=0)
    return frame


async def session_durations(db: StatsDb, f: ReportFilter, agent_ids: tuple[int, ...], now: datetime) -> pd.DataFrame:
    """Logged-in seconds per agent within the period; an open session runs to `now`."""
    sql = db.sql()
    stop = min(f.end, now)
    began = sql.greatest("started_at", sql.ts(f.start))
    ended = sql.least(f"COALESCE(ended_at, {sql.ts(stop)})", sql.ts(stop))
    hi, lo = sql.ts(f.end), sql.ts(f.start)
    query = (f"SELECT agent_id, {sql.sum_seconds(began, ended)} FROM agent_session "
             f"WHERE started_at < {hi} AND (ended_at IS NULL OR ended_at > {lo}) AND {Sql.ids('agent_id', agent_ids)} "
             "GROUP BY 1")
    frame = await db.frame(sql, query, ["agent_id", "seconds"])
    frame["seconds"] = pd.to_numeric(frame["seconds"]).fillna(0).clip(lower=0)
    return frame
