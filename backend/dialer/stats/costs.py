"""The cost of calls: rated attempts of a period by day, line, branch, campaign, agent and
destination. The loader reads only the rated calls in scope; the tables are plain pandas.

Prices are summed as `Decimal` per group (exact), then shown in the report's numeric columns.
Calls in several currencies make one row per currency: amounts are never added across them.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from dialer.models import CallAttempt
from dialer.stats.period import ReportFilter

COLUMNS = ["originated_at", "line", "campaign_id", "campaign", "team_id", "branch", "agent_id", "agent",
           "destination", "prefix", "billable_s", "price", "currency"]
GROUPINGS = {"by day": "day", "by line": "line", "by branch": "branch", "by campaign": "campaign",
             "by agent": "agent", "by destination": "destination"}


async def rated_calls(f: ReportFilter) -> pd.DataFrame:
    """The rated attempts originated in the filter's period and scope (a supervisor's filter
    is already narrowed to their branch)."""
    query = CallAttempt.filter(originated_at__gte=f.start, originated_at__lt=f.end, price__not_isnull=True)
    if f.team_ids:
        query = query.filter(campaign__team_id__in=list(f.team_ids))
    if f.campaign_ids:
        query = query.filter(campaign_id__in=list(f.campaign_ids))
    if f.agent_ids:
        query = query.filter(agent_id__in=list(f.agent_ids))
    rows = await query.values_list("originated_at", "caller_id", "campaign_id", "campaign__name", "campaign__team_id",
                                   "campaign__team__name", "agent_id", "agent__user__username", "rate_destination",
                                   "rate_prefix", "billable_s", "price", "price_currency")
    return pd.DataFrame(rows, columns=COLUMNS)


def cost_tables(calls: pd.DataFrame, tz: str) -> dict[str, pd.DataFrame]:
    """One table per grouping: calls, billed minutes and cost (and the currency)."""
    frame = calls.copy()
    if len(frame):
        frame["day"] = pd.to_datetime(frame["originated_at"], utc=True).dt.tz_convert(tz).dt.date
    else:
        frame["day"] = pd.Series(dtype=object)
    frame["line"] = frame["line"].fillna("").replace("", "(none)")
    frame["branch"] = frame["branch"].fillna("(no branch)")
    frame["agent"] = frame["agent"].fillna("(no agent)")
    frame["destination"] = frame["destination"].fillna("").replace("", "(unnamed)")
    return {title: _grouped(frame, key) for title, key in GROUPINGS.items()}


def _grouped(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    columns = [key, "currency", "calls", "billed_min", "cost"]
    if not len(frame):
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("billed_min", "cost") else object) for c in columns})
    grouped = frame.groupby([key, "currency"], dropna=False, sort=True)
    out = grouped.agg(calls=("price", "size"), billable_s=("billable_s", "sum"),
                      cost=("price", lambda s: sum(s, Decimal(0)))).reset_index()
    out["billed_min"] = (out["billable_s"] / 60).round(2)
    out["cost"] = out["cost"].map(lambda d: float(d.quantize(Decimal("0.01"))))
    return out.sort_values([key, "currency"], kind="stable").reset_index(drop=True)[columns]
