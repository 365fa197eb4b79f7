"""Prepaid credit: the next minute's cost and whether a balance covers it."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal as D

from dialer.billing.credit import covers, next_minute_cost
from dialer.billing.tariffs import Increments, Rate, Tariff


def test_the_next_minute_is_the_dearest_one_minute_call() -> None:
    t = Tariff(1, "t", "CZK", rates=(Rate("420", D("1.00"), weekend=D("0.10")), Rate("44", D("0.50"),
               connection_fee=D("0.80"), increments=Increments(1, 1))), connection_fee=D("0.20"))
    at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert next_minute_cost([t], None, (), at) == D("1.3000")
    assert covers(D("1.30"), D("1.30")) and not covers(D("1.29"), D("1.30")) and not covers(D("0"), D("0"))
