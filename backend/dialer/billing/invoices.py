"""A postpaid invoice's arithmetic: the billing period, the calls grouped by line and
destination, the net total, VAT and the total. Pure: the service loads the rated calls and
stores what this returns (an issued invoice never changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Iterable
from zoneinfo import ZoneInfo

from dialer.billing.money import ZERO, cents, price


@dataclass(frozen=True)
class InvoicedCall:
    attempt_id: int
    line: str
    destination: str
    prefix: str
    billable_s: int
    price: Decimal


@dataclass(frozen=True)
class InvoiceLine:
    line: str
    destination: str
    prefix: str
    calls: int
    billable_s: int
    net: Decimal


@dataclass(frozen=True)
class InvoiceTotals:
    lines: tuple[InvoiceLine, ...]
    calls: int
    billable_s: int
    net: Decimal  # the sum of the calls' prices, rounded to cents
    vat_pct: Decimal
    vat: Decimal
    total: Decimal
    currency: str


def month_period(day: date, tz: str = "UTC") -> tuple[datetime, datetime]:
    """The calendar month containing `day`, [start, end) as instants of the zone."""
    zone = ZoneInfo(tz)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (datetime.combine(first, time(), zone), datetime.combine(following, time(), zone))


def invoice_totals(calls: Iterable[InvoicedCall], vat_pct: Decimal, currency: str) -> InvoiceTotals:
    groups: dict[tuple[str, str, str], list[InvoicedCall]] = {}
    for call in calls:
        groups.setdefault((call.line, call.destination, call.prefix), []).append(call)
    lines = tuple(
        InvoiceLine(line, destination, prefix, len(group), sum(c.billable_s for c in group),
                    price(sum((c.price for c in group), ZERO)))
        for (line, destination, prefix), group in sorted(groups.items()))
    exact = sum((c.price for group in groups.values() for c in group), ZERO)
    net = cents(exact)
    vat = cents(net * vat_pct / Decimal(100))
    return InvoiceTotals(lines=lines, calls=sum(ln.calls for ln in lines),
                         billable_s=sum(ln.billable_s for ln in lines), net=net, vat_pct=vat_pct, vat=vat,
                         total=net + vat, currency=currency)


def invoice_number(year: int, issued_this_year: int) -> str:
    """"2026-00042": the year and a sequence without gaps, as accounting laws ask."""
    return f"{year}-{issued_this_year + 1:05d}"
