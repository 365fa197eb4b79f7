"""A campaign's abandon window as the record has it, when the engine takes the campaign on.

The window itself and its arithmetic are the law's (`dialer.compliance.abandon`); this module
is the one query that fills it from the call record, and then the engine follows its calls.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

from dialer.compliance.abandon import SLOTS, ComplianceWindow, WindowCounts
from dialer.compliance.law import FCC_WINDOW, OFCOM_WINDOW
from dialer.stats.query import StatsDb

__all__ = ["FCC_WINDOW", "OFCOM_WINDOW", "SLOTS", "ComplianceWindow", "WindowCounts", "load_compliance_window"]


async def load_compliance_window(campaign_id: int, length: timedelta, abandon_after_s: float, now: datetime,
                                 zone: tzinfo = timezone.utc, db: StatsDb | None = None) -> ComplianceWindow:
    """The window as the record has it: one grouped query, a row per slot that had answers.

    Counted as the engine counts: live, a person answered (an agent-marked machine is not one;
    a call still in progress is); abandoned, no agent took the call (the record's `abandoned`,
    which includes a customer who hung up inside the 2 s) or one took it after the legal wait.
    """
    window = ComplianceWindow(length, zone)
    db = db or StatsDb()
    sql = db.sql()
    if sql.sqlite:
        seconds = "CAST(strftime('%s', a.answered_at) AS INTEGER)"
    else:
        seconds = "CAST(FLOOR(EXTRACT(EPOCH FROM a.answered_at)) AS BIGINT)"
    midnight = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    person = "COALESCE(a.outcome, '') <> 'machine'"
    abandoned = f"(a.outcome = 'abandoned' OR (a.outcome = 'answered' AND a.wait_s > {sql.p(abandon_after_s)}))"
    today = f"a.answered_at >= {sql.ts(midnight)}"
    query = (f"SELECT {seconds} / {window.slot_s}, "
             f"SUM(CASE WHEN {person} THEN 1 ELSE 0 END), SUM(CASE WHEN {abandoned} THEN 1 ELSE 0 END), "
             "SUM(CASE WHEN a.outcome = 'machine' AND a.bridged_at IS NOT NULL THEN 1 ELSE 0 END), "
             f"SUM(CASE WHEN {today} AND {person} THEN 1 ELSE 0 END), "
             f"SUM(CASE WHEN {today} AND {abandoned} THEN 1 ELSE 0 END) "
             f"FROM call_attempt a WHERE a.campaign_id = {sql.p(campaign_id)} "
             # originated_at first: it is the indexed column, and a call answers within minutes of it.
             f"AND a.originated_at >= {sql.ts(now - length - timedelta(hours=1))} "
             f"AND a.answered_at >= {sql.ts(now - length)} GROUP BY 1")
    live_today = abandons_today = 0
    for slot, live, abandons, machines, t_live, t_abandons in await db.rows(sql, query):
        at = datetime.fromtimestamp(int(slot) * window.slot_s, timezone.utc)
        window.add(at, live=int(live or 0), abandons=int(abandons or 0), machines=int(machines or 0))
        live_today += int(t_live or 0)
        abandons_today += int(t_abandons or 0)
    window.start_today(now.astimezone(zone).date(), live_today, abandons_today)
    return window
