"""A campaign's abandon count over the rule's rolling window (30 days for the FCC, 24 hours for
Ofcom), as the engine keeps it while it runs for weeks.

Calls are counted in the slot of the minute (or half hour, for 30 days) they were answered, so
a call leaves the window whole, with its abandon or machine mark, and a late mark (a customer
past 2 s, an agent's machine disposition minutes later) joins the call's own slot. The window
starts from the record and then follows the engine's calls; today's counts, for the wallboard,
restart at local midnight.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

from dialer.stats.query import StatsDb

FCC_WINDOW = timedelta(days=30)
OFCOM_WINDOW = timedelta(hours=24)
"""Ofcom's rule, which alone takes the answering-machine adjustment."""

SLOTS = 1440
"""Slots per window: a minute of a 24 h window, half an hour of 30 days (the edge is that exact)."""


@dataclass(frozen=True)
class WindowCounts:
    live: int = 0
    """Answered by a person: handled by an agent or abandoned."""
    abandons: int = 0
    machines: int = 0
    """Connected to an agent, who marked the call as an answering machine (Ofcom's AM)."""


class ComplianceWindow:
    def __init__(self, length: timedelta, zone: tzinfo = timezone.utc) -> None:
        self.length = length
        self.zone = zone
        self.slot_s = max(60, int(length.total_seconds()) // SLOTS)
        self._slots: dict[int, list[int]] = {}
        self._order: list[int] = []  # a heap of slot numbers: the oldest leaves first
        self._totals = [0, 0, 0]
        self._day: date | None = None
        self._today = [0, 0]  # live, abandons

    def add(self, answered_at: datetime, *, live: int = 0, abandons: int = 0, machines: int = 0) -> None:
        """Count a call answered at `answered_at` (or a mark on it) in its slot."""
        slot = int(answered_at.timestamp()) // self.slot_s
        counts = self._slots.get(slot)
        if counts is None:
            counts = self._slots[slot] = [0, 0, 0]
            heapq.heappush(self._order, slot)
        for i, n in enumerate((live, abandons, machines)):
            counts[i] += n
            self._totals[i] += n
        day = answered_at.astimezone(self.zone).date()
        if self._day is None or day > self._day:
            self._day, self._today = day, [0, 0]
        if day == self._day:
            self._today[0] += live
            self._today[1] += abandons

    def counts(self, now: datetime) -> WindowCounts:
        """Calls answered within the window that ends `now` (those older leave it)."""
        first = int((now - self.length).timestamp()) // self.slot_s
        while self._order and self._order[0] < first:
            for i, n in enumerate(self._slots.pop(heapq.heappop(self._order))):
                self._totals[i] -= n
        return WindowCounts(*self._totals)

    def today(self, now: datetime) -> tuple[int, int]:
        """(live answers, abandons) of calls answered since local midnight."""
        if self._day != now.astimezone(self.zone).date():
            return 0, 0
        return self._today[0], self._today[1]

    def start_today(self, day: date, live: int, abandons: int) -> None:
        """Today's counts as the record has them, when the engine takes the campaign on."""
        self._day, self._today = day, [live, abandons]


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
