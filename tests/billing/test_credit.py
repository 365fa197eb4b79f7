"""Prepaid credit: the next minute's cost and whether a balance covers it."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal as D

from dialer.billing.credit import covers, next_minute_cost, stop_text
from dialer.billing.tariffs import Increments, Rate, Tariff


def test_the_next_minute_is_the_dearest_one_minute_call() -> None:
    t = Tariff(1, "t", "CZK", rates=(Rate("420", D("1.00"), weekend=D("0.10")), Rate("44", D("0.50"),
               connection_fee=D("0.80"), increments=Increments(1, 1))), connection_fee=D("0.20"))
    at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert next_minute_cost([t], None, (), at) == D("1.3000")
    assert covers(D("1.30"), D("1.30")) and not covers(D("1.29"), D("1.30"))


def test_a_prepaid_branch_stops_at_zero_credit_even_with_no_priced_calls() -> None:
    assert next_minute_cost([], 7, (), datetime(2026, 12, 1, tzinfo=timezone.utc)) == D("0")
    assert covers(D("0.01"), D("0")), "some credit and nothing priced: it dials"
    assert not covers(D("0"), D("0")) and not covers(D("-0.40"), D("0")), "used up: it stops"
    assert not covers(D("-0.40"), D("1.00"))


def test_the_stop_sentence_says_what_to_do() -> None:
    # "cannot pay the next minute (0 CZK)" read as a contradiction when nothing is priced.
    assert stop_text(D("0"), D("0"), "CZK") == "the branch's prepaid credit is used up (0.00 CZK): top it up"
    assert stop_text(D("-0.4"), D("1.0000"), "CZK") == "the branch's prepaid credit is used up (-0.40 CZK): top it up"
    assert stop_text(D("0.5"), D("1.0000"), "CZK") == (
        "the branch's prepaid credit (0.50 CZK) cannot pay the next minute (1.0000 CZK): top it up")
