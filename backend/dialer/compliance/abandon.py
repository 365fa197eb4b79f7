"""The abandoned-call rate as the rules count it, and the rolling window it is counted over.

D: answered calls abandoned for want of an agent (or connected after the legal 2 s); AH: calls an
agent got and found a person; AM: calls an agent got and marked as an answering machine. The
FCC's rate is D/(AH+D) over 30 days. Ofcom's, over 24 h, estimates out the abandoned calls that
were probably machines: D' = D - D*AM/(AH+AM), rate D'/(AH+D'). Pure: counts in, counts out.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import Enum
from typing import Any, TypeVar

import numpy as np

from dialer.compliance.law import MESSAGE_WITHIN_S, OFCOM_WINDOW

N = TypeVar("N", float, Any)  # a float, or a pandas Series of them (statistics)

SLOTS = 1440
"""Slots per window: a minute of a 24 h window, half an hour of 30 days (the edge is that exact)."""


def is_late(wait_s: float, abandon_after_s: float = MESSAGE_WITHIN_S) -> bool:
    """A person who reached an agent only after the legal wait was abandoned all the same: both
    rules count from the end of the greeting, not from whether an agent came at last."""
    return wait_s > abandon_after_s


def adjusted_abandoned(abandoned: N, humans: N, machines: N) -> N:
    """D' — abandoned calls less the share that were probably answering machines (Ofcom)."""
    d = np.asarray(abandoned, dtype=float)
    ah = np.asarray(humans, dtype=float)
    am = np.asarray(machines, dtype=float)
    agent_calls = ah + am
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(agent_calls > 0, d - d * am / np.where(agent_calls > 0, agent_calls, 1), d)
    return _like(abandoned, result)


def abandon_rate(abandoned: N, humans: N, machines: N) -> N:
    """D'/(AH+D') as a fraction; NaN when nobody was reached (no rate to speak of)."""
    d_adj = np.asarray(adjusted_abandoned(abandoned, humans, machines), dtype=float)
    denominator = np.asarray(humans, dtype=float) + d_adj
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(denominator > 0, d_adj / np.where(denominator > 0, denominator, 1), np.nan)
    return _like(abandoned, result)


def rule_abandon_rate(abandoned: N, connected_late: N, connects: N, machines: N, *, ofcom: bool = True) -> N:
    """The rate from the record's counts: released calls plus people connected after the legal
    wait are D; agent-handled in time (connects less machines less the late ones) is AH.
    Ofcom's machine adjustment applies to its own rule only: the FCC's is D/(AH+D)."""
    return abandon_rate(abandoned + connected_late, connects - machines - connected_late,
                        machines if ofcom else machines * 0)


def _like(template: object, values: np.ndarray) -> Any:
    if hasattr(template, "index"):  # a pandas Series: keep its index
        return type(template)(values, index=template.index)  # type: ignore[call-arg]
    return float(values)


@dataclass(frozen=True)
class WindowCounts:
    live: int = 0
    """Answered by a person: handled by an agent or abandoned."""
    abandons: int = 0
    machines: int = 0
    """Connected to an agent, who marked the call as an answering machine (Ofcom's AM)."""


def rule_counts(counts: WindowCounts, *, ofcom: bool) -> tuple[float, float]:
    """(live answers, abandons) as the rule counts them: the FCC's as they are; Ofcom's with
    D' for D and AH + D' for the live answers."""
    d = float(counts.abandons)
    if not ofcom:
        return float(counts.live), d
    ah = float(max(0, counts.live - counts.abandons))
    d_adj = float(adjusted_abandoned(d, ah, float(counts.machines)))
    return ah + d_adj, d_adj


def over_cap(live: float, abandons: float, cap: float) -> bool:
    """True when the abandons already exceed the cap's share of the live answers."""
    return live > 0 and abandons / live > cap


NEAR_CAP_SHARE = 0.8
"""A rate at this share of its cap or more is shown as near the cap: a supervisor sees red before
the cap is reached, while the pacer still has room to slow down."""


class CapStanding(str, Enum):
    """Where a window's abandon rate stands against the campaign's cap (the wallboard, the report)."""

    UNDER = "under"
    NEAR = "near"
    OVER = "over"


def cap_standing(rate: float | None, cap: float | None) -> CapStanding | None:
    """Over when the rate exceeds the cap (the law says "at most"), near from NEAR_CAP_SHARE of
    it; None when there is no rate (nobody reached) or no cap (a campaign outside the law)."""
    if rate is None or cap is None or cap <= 0 or np.isnan(rate):
        return None
    if rate > cap:
        return CapStanding.OVER
    return CapStanding.NEAR if rate >= NEAR_CAP_SHARE * cap else CapStanding.UNDER


class ComplianceWindow:
    """A campaign's counts over the rule's rolling window (30 days for the FCC, 24 hours for
    Ofcom), as the engine keeps them while it runs for weeks.

    Calls are counted in the slot of the minute (or half hour, for 30 days) they were answered,
    so a call leaves the window whole, with its abandon or machine mark, and a late mark (a
    customer past 2 s, an agent's machine disposition minutes later) joins the call's own slot.
    Today's counts, for the wallboard, restart at local midnight.
    """

    def __init__(self, length: timedelta, zone: tzinfo = timezone.utc) -> None:
        self.length = length
        self.zone = zone
        self.slot_s = max(60, int(length.total_seconds()) // SLOTS)
        self._slots: dict[int, list[int]] = {}
        self._order: list[int] = []  # a heap of slot numbers: the oldest leaves first
        self._totals = [0, 0, 0]
        self._day: date | None = None
        self._today = [0, 0]  # live, abandons

    @property
    def ofcom(self) -> bool:
        """Ofcom's 24 h rule, which alone takes the answering-machine adjustment."""
        return self.length == OFCOM_WINDOW

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

    def rule_counts(self, now: datetime) -> tuple[float, float]:
        """(live answers, abandons) in the window ending `now`, as its rule counts them."""
        return rule_counts(self.counts(now), ofcom=self.ofcom)

    def today(self, now: datetime) -> tuple[int, int]:
        """(live answers, abandons) of calls answered since local midnight."""
        if self._day != now.astimezone(self.zone).date():
            return 0, 0
        return self._today[0], self._today[1]

    def start_today(self, day: date, live: int, abandons: int) -> None:
        """Today's counts as the record has them, when the engine takes the campaign on."""
        self._day, self._today = day, [live, abandons]
