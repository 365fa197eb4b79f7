"""The agents and teams reports: pure arithmetic on the frames `loaders` returns.

Time in states comes from the state history (ready, ringing/reserved, paused by reason; not
ready, with its phone down or nobody at the screen, counts as paused, by its reason too),
logged-in time from sessions, talk and wrap-up from the calls themselves (what handle time
is made of). Occupancy is handle time over handle time plus time ready or being offered a
call; pauses are left out, as is usual in contact centres.
"""

from __future__ import annotations

import pandas as pd

from dialer.stats.dispositions import name_order
from dialer.stats.dispositions import named as named_dispositions

SECONDS = ["logged_in_s", "ready_s", "ringing_s", "paused_s", "talk_s", "wrap_up_s"]
STATE_COLUMN = {"ready": "ready_s", "reserved": "ringing_s", "ringing": "ringing_s", "paused": "paused_s",
                "not_ready": "paused_s"}
NO_TEAM = "(no team)"


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num = num.astype(float)
    den = den.astype(float)
    return (num / den.where(den > 0)).astype(float)


def add_derived(table: pd.DataFrame) -> pd.DataFrame:
    """Handle time, occupancy and calls per hour from the summed columns (agents and teams)."""
    busy = table["talk_s"] + table["wrap_up_s"]
    table["aht_s"] = _ratio(busy, table["calls_handled"])
    table["occupancy"] = _ratio(busy, busy + table["ready_s"] + table["ringing_s"])
    table["calls_per_hour"] = _ratio(table["calls_handled"], table["logged_in_s"] / 3600.0)
    return table


def agents_table(directory: pd.DataFrame, sessions: pd.DataFrame, states: pd.DataFrame, calls: pd.DataFrame,
                 dispositions: pd.DataFrame) -> pd.DataFrame:
    """One row per agent with any session, state or handled call in the period.

    directory: agent_id, username, full_name, team_id, team (already filtered);
    sessions: agent_id, seconds; states: agent_id, state, reason, seconds;
    calls: handled calls, agent_id, disposition_id (system_disposition), attempts, talk_s, wrap_up_s;
    dispositions: disposition_id, name.
    """
    ids = pd.Index(directory["agent_id"])
    active = pd.Index(pd.concat([sessions["agent_id"], states["agent_id"], calls["agent_id"]]).unique())
    agents = directory[ids.isin(active)].set_index("agent_id")
    table = pd.DataFrame(index=agents.index)
    table["agent"] = agents["username"]
    table["name"] = agents["full_name"]
    table["team"] = agents["team"].fillna(NO_TEAM)
    table["logged_in_s"] = sessions.groupby("agent_id")["seconds"].sum()
    mapped = states.assign(column=states["state"].map(STATE_COLUMN)).dropna(subset=["column"])
    by_state = mapped.pivot_table(index="agent_id", columns="column", values="seconds", aggfunc="sum")
    for col in ("ready_s", "ringing_s", "paused_s"):
        table[col] = by_state[col] if col in by_state else 0.0
    table["talk_s"] = calls.groupby("agent_id")["talk_s"].sum()
    table["wrap_up_s"] = calls.groupby("agent_id")["wrap_up_s"].sum()
    table["calls_handled"] = calls.groupby("agent_id")["attempts"].sum()
    table = table.fillna({c: 0 for c in SECONDS + ["calls_handled"]})
    table[SECONDS] = table[SECONDS].astype(float).round(3)
    table["calls_handled"] = table["calls_handled"].astype(int)
    table = add_derived(table)
    pauses = states[states["state"].isin(["paused", "not_ready"])]
    if not pauses.empty:
        reason = pauses["reason"].replace("", "(no reason)")
        reason = reason.where(pauses["state"] == "paused", "not ready (" + pauses["reason"] + ")")
        reasons = pauses.assign(reason=reason).pivot_table(
            index="agent_id", columns="reason", values="seconds", aggfunc="sum")
        for reason in sorted(reasons.columns):
            table[f"paused: {reason}"] = reasons[reason].reindex(table.index).fillna(0).round(3)
    table = _add_dispositions(table, calls, dispositions, "agent_id")
    return table.reset_index().rename(columns={"index": "agent_id"})


def _add_dispositions(table: pd.DataFrame, calls: pd.DataFrame, dispositions: pd.DataFrame,
                      key: str) -> pd.DataFrame:
    with_name = named_dispositions(calls, dispositions)
    if with_name.empty:
        return table
    counts = with_name.pivot_table(index=key, columns="name", values="attempts", aggfunc="sum")
    for name in name_order(dispositions, counts.columns):
        table[f"disposition: {name}"] = counts[name].reindex(table.index).fillna(0).astype(int)
    return table


def teams_table(agents: pd.DataFrame) -> pd.DataFrame:
    """The agents table summed per team, with the ratios computed again from the sums."""
    summed = [c for c in agents.columns
              if c in SECONDS or c == "calls_handled" or c.startswith(("paused: ", "disposition: "))]
    grouped = agents.groupby("team", sort=True)
    table = grouped[summed].sum()
    table.insert(0, "agents", grouped.size())
    table = add_derived(table)
    extra = [c for c in table.columns if c.startswith(("paused: ", "disposition: "))]
    ordered = ["agents"] + SECONDS + ["calls_handled", "aht_s", "occupancy", "calls_per_hour"] + extra
    return table[ordered].reset_index()


def agent_columns(table: pd.DataFrame) -> list[str]:
    """The agents table's columns in reading order (breakdowns last)."""
    head = ["agent_id", "agent", "name", "team"] + SECONDS + ["calls_handled", "aht_s", "occupancy",
                                                              "calls_per_hour"]
    return head + [c for c in table.columns if c not in head]


def order_agents(table: pd.DataFrame) -> pd.DataFrame:
    return table[agent_columns(table)] if not table.empty else table

