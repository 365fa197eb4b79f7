"""Rating: the price of one answered call from its times, its number and the tariffs.

Billable seconds run from answer to end, rounded up by the increments (first/next); the
tariff is the one in force when the call was answered, its time band too: a call answered
at 17:59 on peak stays at the peak rate after 18:00, as carriers bill it. Pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, NamedTuple, Sequence

from dialer.billing.money import PRICE_PLACES
from dialer.billing.tariffs import Band, Increments, Tariff, prefix_digits

_SIXTY = Decimal(60)


@dataclass(frozen=True)
class CallToRate:
    attempt_id: int
    number: str  # the number dialed, E.164
    answered_at: datetime
    ended_at: datetime
    team_id: int | None = None  # the campaign's branch
    line: str = ""  # the caller ID the call went out with


class Rating(NamedTuple):
    """A call's price and how it was reached (a tuple: a million are made in seconds)."""

    attempt_id: int
    tariff_id: int
    prefix: str
    destination: str
    band: Band
    billable_s: int
    rate_per_min: Decimal
    price: Decimal
    currency: str


@dataclass(frozen=True)
class Unrated:
    """A call no tariff prices: said why, kept unpriced (never priced at zero by mistake)."""

    attempt_id: int
    reason: str


def billable_seconds(duration_s: float, increments: Increments) -> int:
    """Answer-to-end seconds rounded up by the increments; 0 for a call of no length."""
    if duration_s <= 0:
        return 0
    # Whole seconds first (a 60.0000001 s call is a 60 s one: timestamps carry float noise).
    seconds = math.ceil(round(duration_s, 3))
    if seconds <= increments.first:
        return increments.first
    steps = -(-(seconds - increments.first) // increments.next)
    return increments.first + steps * increments.next


def price_of(billable_s: int, per_minute: Decimal, connection_fee: Decimal) -> Decimal:
    """Fee plus the per-minute price of the billable seconds, to four places, half up."""
    return (connection_fee + per_minute * billable_s / _SIXTY).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)


def choose_tariff(tariffs: Iterable[Tariff], team_id: int | None, line: str, at: datetime) -> Tariff | None:
    """The tariff for a branch's call on a line at `at`: among those in force that apply, the
    most specific (line and branch, line, branch, general); the latest valid_from on a tie."""
    best: Tariff | None = None
    for t in tariffs:
        if not t.in_force(at) or not t.applies_to(team_id, line):
            continue
        if best is None or tariff_rank(t) > tariff_rank(best):
            best = t
    return best


def tariff_rank(t: Tariff) -> tuple[int, float, int]:
    """Which of two tariffs that apply wins: the more specific, then the later valid_from."""
    return (t.specificity(), t.valid_from.timestamp() if t.valid_from else float("-inf"), t.id)


def rate_call(call: CallToRate, tariffs: Sequence[Tariff]) -> Rating | Unrated:
    tariff = choose_tariff(tariffs, call.team_id, call.line, call.answered_at)
    if tariff is None:
        return Unrated(call.attempt_id, "no tariff in force for this branch and line")
    return rate_with(call, tariff)


def rate_with(call: CallToRate, tariff: Tariff) -> Rating | Unrated:
    rate = tariff.rate_for(prefix_digits(call.number))
    if rate is None:
        return Unrated(call.attempt_id, f"tariff {tariff.name} has no rate for {call.number}")
    band = tariff.bands.band_at(call.answered_at)
    per_minute = rate.per_minute_in(band)
    increments = rate.increments or tariff.increments
    fee = rate.connection_fee if rate.connection_fee is not None else tariff.connection_fee
    billable = billable_seconds((call.ended_at - call.answered_at).total_seconds(), increments)
    return Rating(call.attempt_id, tariff.id, rate.prefix, rate.destination, band, billable, per_minute,
                  price_of(billable, per_minute, fee), tariff.currency)


class Rater:
    """Rates calls one by one against one set of tariffs: what the engine's meter uses for the
    calls that just ended. It remembers the candidate tariffs per (branch, line) and the price
    of each (rate, band, billable seconds) it met; the results are exactly `rate_call`'s. A
    period's calls are rated on arrays instead (`bulk_rating.rate_calls`: 1M in about 0.6 s,
    against 6-9 s here)."""

    def __init__(self, tariffs: Sequence[Tariff]) -> None:
        self.tariffs = tuple(tariffs)
        self._chosen: dict[tuple[int | None, str], list[Tariff]] = {}
        self._prices: dict[tuple[int, int, int, int], tuple[Decimal, Decimal]] = {}
        self._bands: dict[tuple[int, int], Band] = {}  # (tariff, UTC minute): bands change on whole minutes

    def rate(self, call: CallToRate) -> Rating | Unrated:
        key = (call.team_id, call.line)
        candidates = self._chosen.get(key)
        if candidates is None:
            candidates = sorted((t for t in self.tariffs if t.applies_to(call.team_id, call.line)),
                                key=tariff_rank, reverse=True)
            self._chosen[key] = candidates
        at = call.answered_at
        for tariff in candidates:  # best first: the first in force is the one
            if tariff.in_force(at):
                break
        else:
            return Unrated(call.attempt_id, "no tariff in force for this branch and line")
        rate = tariff.rate_for(prefix_digits(call.number))
        if rate is None:
            return Unrated(call.attempt_id, f"tariff {tariff.name} has no rate for {call.number}")
        minute = (id(tariff), int(at.timestamp()) // 60)
        band = self._bands.get(minute)
        if band is None:
            band = self._bands[minute] = tariff.bands.band_at(at)
        billable = billable_seconds((call.ended_at - at).total_seconds(), rate.increments or tariff.increments)
        # Ids: an Enum hashes in Python, slowly. The tariff too: two tariffs may share a rate
        # and differ in their connection fee.
        price_key = (id(tariff), id(rate), id(band), billable)
        priced = self._prices.get(price_key)
        if priced is None:
            per_minute = rate.per_minute_in(band)
            fee = rate.connection_fee if rate.connection_fee is not None else tariff.connection_fee
            priced = self._prices[price_key] = (per_minute, price_of(billable, per_minute, fee))
        return Rating(call.attempt_id, tariff.id, rate.prefix, rate.destination, band, billable, priced[0],
                      priced[1], tariff.currency)
