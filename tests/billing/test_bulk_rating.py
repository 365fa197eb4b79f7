"""Rating on arrays gives exactly what rating call by call gives: the same tariff, prefix,
band, billable seconds and Decimal price, and the same calls left unpriced for the same
reason, over prefixes, increments, time bands (a band change, a weekend, a DST change),
validity dates, branches and lines, and rounding at the edges."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal as D

import numpy as np

from dialer.billing.bulk_rating import RatedCalls, calls_frame, rate_calls
from dialer.billing.rating import CallToRate, Rater, Rating, Unrated, rate_call
from dialer.billing.tariffs import Increments, Rate, Tariff, TimeBands

UTC = timezone.utc
CHANGE = datetime(2026, 10, 26, 6, 30, tzinfo=UTC)  # a new general tariff; Prague left DST on the 25th
PRAGUE = TimeBands(time(8), time(18), "Europe/Prague")
LINE, OTHER_LINE = "+420221000100", "+420221000200"


def tariffs() -> list[Tariff]:
    rates = (Rate("420", D("0.90"), "Czechia", off_peak=D("0.50")),
             Rate("4206", D("1.50"), "Czech mobile", off_peak=D("0.90"), weekend=D("0.60"),
                  connection_fee=D("0.20"), increments=Increments(30, 6)),
             Rate("42060", D("0.0150"), "M2M", increments=Increments(1, 1)),  # 0.00025 a second: rounding
             Rate("44", D("0.8333"), "UK", weekend=D("0.1234"), connection_fee=D("0")),
             Rate("1", D("0.3333"), "NANP"))
    return [
        Tariff(1, "General", "CZK", rates, Increments(60, 60), D("0.10"), PRAGUE,
               valid_from=datetime(2026, 10, 19, tzinfo=UTC), valid_to=CHANGE),
        Tariff(2, "General 2027", "CZK", rates[:4], Increments(1, 1), D("0.0001"), PRAGUE, valid_from=CHANGE),
        Tariff(3, "Brno", "CZK", (Rate("420", D("0.70"), "Czechia"),), Increments(30, 6), team_id=2,
               bands=TimeBands(time(7, 30), time(19), "UTC")),
        Tariff(4, "Line 2", "EUR", (Rate("4", D("0.05"), "Europe"), Rate("4206", D("0.07"), "CZ mobile")),
               Increments(10, 10), team_id=None, line=OTHER_LINE, bands=TimeBands(time(9), time(17), "Europe/London")),
        Tariff(5, "Line 2 Brno", "EUR", (Rate("420", D("0.04"), "Czechia"),), Increments(60, 1), D("0.01"),
               team_id=2, line=OTHER_LINE, valid_from=datetime(2026, 10, 20, tzinfo=UTC),
               valid_to=datetime(2026, 11, 1, tzinfo=UTC)),
    ]


NUMBERS = ["+420601000015", "+420221000000", "+420606123456", "+420 601-000 015", "+447700900123",
           "+15551234567", "+4930123456", "+33123456789", "+420", "", "+4206011234567890123456", "0042060100"]
EDGES = [CHANGE, CHANGE - timedelta(microseconds=1),
         datetime(2026, 10, 23, 6, 59, 59, 999999, tzinfo=UTC), datetime(2026, 10, 23, 7, tzinfo=UTC),  # 8:00 CEST
         datetime(2026, 10, 26, 7, tzinfo=UTC), datetime(2026, 10, 26, 16, 59, 59, 999999, tzinfo=UTC),
         datetime(2026, 10, 26, 17, tzinfo=UTC),  # 18:00 CET, after the DST change
         datetime(2026, 10, 24, 22, 59, 59, tzinfo=UTC), datetime(2026, 10, 25, 23, tzinfo=UTC),  # weekend ends
         datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)]
LENGTHS = [0, -3, 0.0004, 0.0005, 0.0006, 1, 29.9995, 30.0005, 59.4, 60, 60.0000001, 60.0004, 60.0005,
           60.0006, 61, 3599.9995, 7200.5]


def sample(n: int, seed: int) -> list[CallToRate]:
    rng = random.Random(seed)
    calls = []
    for i in range(1, n + 1):
        at = rng.choice(EDGES) if rng.random() < 0.3 else (
            datetime(2026, 10, 18, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 20 * 86400),
                                                          microseconds=rng.randint(0, 999_999)))
        length = rng.choice(LENGTHS) if rng.random() < 0.4 else rng.randint(1, 900) + rng.random()
        calls.append(CallToRate(i, rng.choice(NUMBERS), at, at + timedelta(seconds=length),
                                rng.choice([None, 1, 2]), rng.choice(["", LINE, OTHER_LINE])))
    return calls


def reference(calls: list[CallToRate], price_lists: list[Tariff]) -> tuple[list[Rating], list[Unrated]]:
    results = [rate_call(c, price_lists) for c in calls]
    return ([r for r in results if isinstance(r, Rating)], [r for r in results if isinstance(r, Unrated)])


def test_arrays_and_call_by_call_agree_on_every_call() -> None:
    calls = sample(6000, seed=26)
    rated = rate_calls(calls_frame(calls), tariffs())
    expected, unrated = reference(calls, tariffs())
    assert list(rated) == expected
    assert [str(r.price) for r in rated] == [str(r.price) for r in expected], "Decimals print alike too"
    assert list(rated.unrated) == unrated
    # The sample reaches what it is meant to.
    assert {r.tariff_id for r in expected} == {1, 2, 3, 4, 5}
    assert {r.band.value for r in expected} == {"peak", "off_peak", "weekend"}
    assert {r.prefix for r in expected} >= {"420", "4206", "42060", "44", "1", "4"}
    reasons = {u.reason.split(" has")[0] for u in unrated}
    assert reasons >= {"tariff General", "no tariff in force for this branch and line"}
    assert 0 in {r.billable_s for r in expected}
    assert rated.total_e4() == sum(int(r.price * 10_000) for r in expected)
    # The per-call Rater the meter uses agrees as well.
    rater = Rater(tariffs())
    assert [r for c in calls if isinstance(r := rater.rate(c), Rating)] == expected


def test_a_tie_at_the_half_millisecond_is_decided_as_python_rounds_it() -> None:
    at = datetime(2026, 10, 21, 9, tzinfo=UTC)
    calls = [CallToRate(i, "+420601000015", at, at + timedelta(microseconds=us), None, "")
             for i, us in enumerate([30_000_500, 30_000_499, 30_000_501, 60_000_500, 500, 1_000_500], start=1)]
    rated = rate_calls(calls_frame(calls), tariffs())
    assert list(rated) == reference(calls, tariffs())[0]


def test_finer_amounts_than_four_places_are_rated_call_by_call() -> None:
    fine = [Tariff(9, "Fine", "CZK", (Rate("420", D("0.123456"), "Czechia"),), Increments(1, 1))]
    calls = sample(300, seed=3)
    rated = rate_calls(calls_frame(calls), fine)
    expected, unrated = reference(calls, fine)
    assert list(rated) == expected and list(rated.unrated) == unrated


def test_ratings_in_columns_and_back() -> None:
    calls = sample(500, seed=5)
    expected, _ = reference(calls, tariffs())
    columns = RatedCalls.of(expected)
    assert list(columns) == expected and len(columns) == len(expected)
    assert columns.attempt_id.dtype == np.int64 and len(columns.rates) < len(expected)


def test_no_tariffs_price_nothing() -> None:
    calls = sample(50, seed=1)
    rated = rate_calls(calls_frame(calls), [])
    assert len(rated) == 0 and [u.attempt_id for u in rated.unrated] == [c.attempt_id for c in calls]
