"""Re-rating a period after a tariff fix: every answered call of the period is priced again
with today's tariffs (each as in force when the call was answered); what changed is written,
prepaid branches get the difference as an adjustment, and the report says what changed.
Invoiced calls keep their price: an issued invoice never changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pandas as pd

from dialer.billing.bulk_rating import rate_calls
from dialer.billing.money import ZERO
from dialer.billing.rating import Rating, Unrated
from dialer.billing.service.accounts import Charge, deduct, prepaid_balances
from dialer.billing.service.prices import clear_prices, store_ratings
from dialer.billing.service.tariffs import load_tariffs
from dialer.billing.tariffs import Tariff
from dialer.models import CallAttempt
from dialer.models.billing import EntryKind

SHOWN = 20


@dataclass(frozen=True)
class PriceChange:
    attempt_id: int
    old: Decimal | None
    new: Decimal | None
    currency: str
    why: str = ""


@dataclass
class RerateReport:
    start: datetime
    end: datetime
    examined: int = 0
    changed: int = 0
    newly_rated: int = 0
    unrated: int = 0  # no tariff prices them now
    invoiced: int = 0  # left alone
    difference: dict[str, Decimal] = field(default_factory=dict)  # by currency, new - old
    examples: list[PriceChange] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "examined": self.examined,
                "changed": self.changed, "newly_rated": self.newly_rated, "unrated": self.unrated,
                "invoiced": self.invoiced, "dry_run": self.dry_run,
                "difference": {c: str(d) for c, d in self.difference.items()},
                "examples": [{"attempt_id": e.attempt_id, "old": None if e.old is None else str(e.old),
                              "new": None if e.new is None else str(e.new), "currency": e.currency, "why": e.why}
                             for e in self.examples]}

    def text(self) -> str:
        lines = [f"re-rated {self.examined:,} answered calls from {self.start:%Y-%m-%d %H:%M} "
                 f"to {self.end:%Y-%m-%d %H:%M} UTC" + (" (dry run: nothing written)" if self.dry_run else ""),
                 f"  changed: {self.changed:,} (of which newly rated: {self.newly_rated:,}); "
                 f"no tariff now: {self.unrated:,}; invoiced, kept: {self.invoiced:,}"]
        for currency, diff in sorted(self.difference.items()):
            lines.append(f"  difference: {diff:+} {currency}")
        for e in self.examples:
            lines.append(f"  attempt {e.attempt_id}: {e.old if e.old is not None else '-'} -> "
                         f"{e.new if e.new is not None else '-'} {e.currency} {e.why}".rstrip())
        return "\n".join(lines)


async def rerate(start: datetime, end: datetime, *, at: datetime, dry_run: bool = False) -> RerateReport:
    """Price again the answered calls originated in [start, end)."""
    report = RerateReport(start=start, end=end, dry_run=dry_run)
    rows = await (CallAttempt.filter(originated_at__gte=start, originated_at__lt=end, answered_at__not_isnull=True,
                                     ended_at__not_isnull=True)
                  .values_list("id", "phone", "answered_at", "ended_at", "campaign__team_id", "caller_id", "price",
                               "price_currency", "rate_per_min", "tariff_id", "invoice_id"))
    results = _rate(rows, await load_tariffs())
    changed: list[Rating] = []
    cleared: list[int] = []
    charges: list[Charge] = []
    for (attempt_id, phone, answered, ended, team_id, line, old, old_currency, old_rate, old_tariff,
         invoice_id) in rows:
        report.examined += 1
        if invoice_id is not None:
            report.invoiced += 1
            continue
        result = results[attempt_id]
        if isinstance(result, Unrated):
            report.unrated += 1
            if old is not None:
                cleared.append(attempt_id)
                _note(report, PriceChange(attempt_id, old, None, old_currency, result.reason))
                if team_id is not None:
                    charges.append(Charge(team_id, attempt_id, -old, old_currency, at))
            continue
        if (old == result.price and old_currency == result.currency and old_rate == result.rate_per_min
                and old_tariff == result.tariff_id):
            continue
        changed.append(result)
        if old is None:
            report.newly_rated += 1
        _note(report, PriceChange(attempt_id, old, result.price, result.currency))
        if team_id is not None:
            if old is not None and old_currency and old_currency != result.currency:
                charges.append(Charge(team_id, attempt_id, -old, old_currency, at))
                old = None
            charges.append(Charge(team_id, attempt_id, result.price - (old or ZERO), result.currency, at))
    report.changed = len(changed) + len(cleared)
    if not dry_run:
        await store_ratings(changed, at, parallel=True)
        await clear_prices(cleared)
        prepaid = await prepaid_balances()
        await deduct([c for c in charges if c.team_id in prepaid], kind=EntryKind.ADJUSTMENT, note="re-rating")
    return report


def _rate(rows: list[tuple], tariffs: list[Tariff]) -> dict[int, Rating | Unrated]:
    """The period's calls not invoiced, rated at once (bulk_rating: a month is a million calls)."""
    open_rows = [row[:6] for row in rows if row[10] is None]
    frame = pd.DataFrame(open_rows, columns=["attempt_id", "number", "answered_at", "ended_at", "team_id", "line"])
    frame["line"] = frame["line"].fillna("")
    rated = rate_calls(frame, tariffs)
    results: dict[int, Rating | Unrated] = {r.attempt_id: r for r in rated}
    results.update((u.attempt_id, u) for u in rated.unrated)
    return results


def _note(report: RerateReport, change: PriceChange) -> None:
    diff = (change.new or ZERO) - (change.old or ZERO)
    report.difference[change.currency] = report.difference.get(change.currency, ZERO) + diff
    if len(report.examples) < SHOWN:
        report.examples.append(change)
