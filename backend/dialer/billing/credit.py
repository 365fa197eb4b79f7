"""Prepaid credit: what the next minute of a branch's calls costs, and whether its balance
covers it. Pure; the engine asks the billing meter, which keeps these figures current."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Sequence

from dialer.billing.money import ZERO
from dialer.billing.rating import billable_seconds, choose_tariff, price_of
from dialer.billing.tariffs import Tariff


def next_minute_cost(tariffs: Sequence[Tariff], team_id: int | None, lines: Sequence[str], at: datetime) -> Decimal:
    """The dearest one-minute call the branch could make now on any of its lines: the amount
    its credit must cover before another call is dialed. 0 when no tariff prices its calls."""
    dearest = ZERO
    for line in (*lines, ""):
        tariff = choose_tariff(tariffs, team_id, line, at)
        if tariff is None:
            continue
        for rate in tariff.rates:
            increments = rate.increments or tariff.increments
            fee = rate.connection_fee if rate.connection_fee is not None else tariff.connection_fee
            cost = price_of(billable_seconds(60, increments), rate.dearest_per_minute, fee)
            dearest = max(dearest, cost)
    return dearest


def covers(balance: Decimal, next_minute: Decimal) -> bool:
    """Can the credit pay the next minute? Never at zero or below: a prepaid branch stops when
    its credit is used up, as a prepaid exchange does, even when no tariff prices its calls
    (next minute 0: a tariff added later would find nothing to deduct from)."""
    return balance > 0 and balance >= next_minute


def stop_text(balance: Decimal, next_minute: Decimal, currency: str) -> str:
    """The campaign page's sentence when a prepaid branch cannot dial."""
    credit = f"{balance.quantize(Decimal('0.01'))} {currency}"
    if balance <= 0:
        return f"the branch's prepaid credit is used up ({credit}): top it up"
    return f"the branch's prepaid credit ({credit}) cannot pay the next minute ({next_minute} {currency}): top it up"


def is_low(balance: Decimal, threshold: Decimal) -> bool:
    return balance < threshold
