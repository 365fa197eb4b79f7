"""The reports by name: load what each needs (loaders), compute it (pure modules), and
return titled tables ready for the page, the charts and the exports.

`run_report("agents", filter, now=...)` is all the web layer and the CLI call.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from dialer.campaigns.regulation import deployment_regulation
from dialer.compliance.profiles import regulation_named
from dialer.stats import loaders
from dialer.stats.agents import agents_table, order_agents, teams_table
from dialer.stats.campaigns import campaigns_table, hangup_causes_table
from dialer.stats.compliance import compliance_table
from dialer.stats.costs import cost_tables, rated_calls
from dialer.stats.period import ReportFilter
from dialer.stats.query import StatsDb
from dialer.stats.report_charts import ChartSpec, chart_for
from dialer.stats.timeseries import daily_trend, heat_map

TITLES = {
    "agents": "Agents",
    "teams": "Teams",
    "campaigns": "Campaigns",
    "hourly": "Hour of day × day of week",
    "daily": "Trend by day",
    "costs": "Call costs",
}
REPORTS = tuple(TITLES)


@dataclass
class Report:
    """A report's tables, the first one being the report itself (the one CSV exports)."""

    name: str
    filter: ReportFilter
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return TITLES.get(self.name, self.name)

    @property
    def main(self) -> pd.DataFrame:
        return next(iter(self.tables.values()))

    @property
    def charts(self) -> tuple[ChartSpec, ...]:
        """The charts its page shows (and its workbook draws)."""
        spec = chart_for(self.name)
        return (spec,) if spec is not None else ()


def _machine_ids(dispositions: pd.DataFrame) -> tuple[int, ...]:
    return tuple(int(i) for i in dispositions.loc[dispositions["is_machine"], "disposition_id"])


async def _agent_ids(db: StatsDb, f: ReportFilter) -> tuple[pd.DataFrame, tuple[int, ...]]:
    directory = await loaders.agent_directory(db)
    if f.agent_ids:
        directory = directory[directory["agent_id"].isin(f.agent_ids)]
    if f.team_ids:
        directory = directory[directory["team_id"].isin(f.team_ids)]
    return directory, tuple(int(i) for i in directory["agent_id"])


async def agents_report(db: StatsDb, f: ReportFilter, now: datetime) -> pd.DataFrame:
    directory, ids = await _agent_ids(db, f)
    dispositions = await loaders.disposition_directory(db)
    # Calls are the agent's own: the team filter picks agents, not the campaigns' other calls.
    # Without an agent or team filter, no id list: the database then scans by time.
    everyone = not f.agent_ids and not f.team_ids
    scope = loaders.Scope(campaign_ids=f.campaign_ids or None, agent_ids=None if everyone else ids,
                          team_campaign_ids=None, team_agent_ids=None)
    # Independent queries run side by side: PostgreSQL serves each on its own connection
    # (and core); SQLite's single connection takes them in turn.
    calls, states, sessions = await asyncio.gather(
        loaders.attempt_facts(db, f, scope, ["agent_id", "disposition_id", "system_disposition"],
                              _machine_ids(dispositions),
                              where="a.bridged_at IS NOT NULL AND a.agent_id IS NOT NULL"),
        loaders.state_durations(db, f, None if everyone else ids, now, f.campaign_ids or None),
        loaders.session_durations(db, f, ids, now))
    return order_agents(agents_table(directory, sessions, states, calls, dispositions))


async def run_report(name: str, f: ReportFilter, *, now: datetime, db: StatsDb | None = None) -> Report:
    """Run one of REPORTS over the filter; `now` ends open sessions and rolling windows."""
    if name not in REPORTS:
        raise ValueError(f"unknown report {name!r}; choose from {', '.join(REPORTS)}")
    db = db or StatsDb()
    report = Report(name=name, filter=f)
    if name == "agents":
        report.tables["agents"] = await agents_report(db, f, now)
    elif name == "teams":
        report.tables["teams"] = teams_table(await agents_report(db, f, now))
    elif name == "campaigns":
        report.tables.update(await _campaigns(db, f, now))
    elif name == "costs":
        report.tables.update(cost_tables(await rated_calls(f), f.tz))
    else:
        dispositions = await loaders.disposition_directory(db)
        scope = await loaders.resolve_scope(db, f)
        buckets = await loaders.attempt_facts(db, f, scope, [], _machine_ids(dispositions), bucket="hour")
        if name == "hourly":
            report.tables["hourly"] = heat_map(buckets)
        else:
            report.tables["daily"] = daily_trend(buckets, f.local_dates())
    return report


async def _cause_names(db: StatsDb, facts: pd.DataFrame) -> pd.DataFrame:
    """Attempts by campaign and cause with the cause's text: the text is looked up once per
    cause rather than carried through the big GROUP BY (a wide sort key on SQLite)."""
    sql = db.sql()
    known = sorted({int(c) for c in facts["hangup_cause"].dropna()})
    # One probe per cause (each stops at its first match) rather than a scan for DISTINCT.
    probes = " UNION ALL ".join(f"SELECT {c}, (SELECT a.hangup_cause_text FROM call_attempt a "
                                f"WHERE a.hangup_cause = {c} LIMIT 1)" for c in known)
    texts = await db.frame(sql, probes, ["hangup_cause", "hangup_cause_text"]) if known else pd.DataFrame(
        {"hangup_cause": pd.Series(dtype=float), "hangup_cause_text": pd.Series(dtype=object)})
    by_cause = facts[facts["attempts"] > 0].groupby(["campaign_id", "hangup_cause"], dropna=False,
                                                    as_index=False)["attempts"].sum()
    # One key type on both sides: a period without calls leaves the facts' column untyped
    # (object), and the probes give integers where the empty frame above has floats.
    by_cause["hangup_cause"] = pd.to_numeric(by_cause["hangup_cause"]).astype(float)
    texts["hangup_cause"] = pd.to_numeric(texts["hangup_cause"]).astype(float)
    return by_cause.merge(texts, on="hangup_cause", how="left").fillna({"hangup_cause_text": ""})


async def _campaigns(db: StatsDb, f: ReportFilter, now: datetime) -> dict[str, pd.DataFrame]:
    campaigns = await loaders.campaign_directory(db)
    if f.campaign_ids:
        campaigns = campaigns[campaigns["campaign_id"].isin(f.campaign_ids)]
    if f.team_ids:
        campaigns = campaigns[campaigns["team_id"].isin(f.team_ids)]
    dispositions = await loaders.disposition_directory(db)
    machines = _machine_ids(dispositions)
    ids = tuple(int(i) for i in campaigns["campaign_id"])
    scope = loaders.Scope(campaign_ids=ids, agent_ids=f.agent_ids or None, team_campaign_ids=None,
                          team_agent_ids=None)
    stop = min(f.end, now)
    windows = {"day": (stop - timedelta(hours=24), stop), "month": (stop - timedelta(days=30), stop)}
    keys = ["campaign_id", "outcome", "disposition_id", "system_disposition", "hangup_cause"]
    rows, contacts, skips = await asyncio.gather(
        loaders.attempt_facts(db, f, scope, keys, machines, bucket="hour_of_day", windows=windows),
        loaders.contact_status_counts(db, ids), loaders.rule_skips(db, ids, f.start, stop))
    measures = loaders.MEASURES
    facts = rows.groupby(keys, dropna=False, as_index=False)[measures].sum()
    hours = rows.groupby(["campaign_id", "bucket"], as_index=False)[measures].sum()
    counts = rows[["campaign_id"] + [f"{w}_{m}" for w in windows for m in loaders.WINDOW_MEASURES]]
    # A campaign shows when it is live or had calls in the period; archived idle ones do not.
    campaigns = campaigns[~campaigns["archived"] | campaigns["campaign_id"].isin(facts.loc[facts["attempts"] > 0,
                                                                                          "campaign_id"])]
    causes = await _cause_names(db, facts)
    deployment = deployment_regulation()
    regulations = {int(c.campaign_id): regulation_named(c.regulatory_profile, deployment)
                   for c in campaigns.itertuples(index=False)}
    compliance = compliance_table(campaigns, counts, skips, regulations)
    main = campaigns_table(campaigns, facts, compliance, contacts, hours, dispositions)
    causes = hangup_causes_table(causes[causes["campaign_id"].isin(campaigns["campaign_id"])], campaigns)
    return {"campaigns": main, "hangup causes": causes}
