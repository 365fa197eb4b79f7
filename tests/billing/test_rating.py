"""Pure rating: longest prefix, increments, time bands, validity, Decimal rounding."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from dialer.billing.rating import (CallToRate, Rater, Rating, Unrated, billable_seconds, choose_tariff, price_of,
                                   rate_call)
from dialer.billing.tariffs import Band, Increments, Rate, Tariff, TimeBands, prefix_digits

UTC = timezone.utc
TUESDAY_9 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def call(seconds: float, number: str = "+420601000015", at: datetime = TUESDAY_9, team: int | None = None,
         line: str = "") -> CallToRate:
    return CallToRate(1, number, at, at + timedelta(seconds=seconds), team, line)


def tariff(**kw) -> Tariff:
    base = dict(id=1, name="std", currency="CZK", increments=Increments(60, 60),
                rates=(Rate("420", D("0.50"), "Czechia"), Rate("4206", D("1.20"), "Czech mobile"),
                       Rate("42060", D("2.00"), "Premium mobile"), Rate("44", D("0.80"), "UK")))
    base.update(kw)
    return Tariff(**base)


@pytest.mark.parametrize("number,prefix", [("+420601000015", "42060"), ("+420701000015", "420"),
                                           ("+420 611 000 015", "4206"), ("+442071234567", "44")])
def test_the_longest_matching_prefix_wins(number: str, prefix: str) -> None:
    result = rate_call(call(10, number), [tariff()])
    assert isinstance(result, Rating) and result.prefix == prefix


def test_a_number_without_a_rate_is_unrated_not_free() -> None:
    result = rate_call(call(30, "+15551234567"), [tariff()])
    assert isinstance(result, Unrated) and "no rate" in result.reason


@pytest.mark.parametrize("seconds,increments,billable", [
    (0, "60/60", 0), (1, "60/60", 60), (60, "60/60", 60), (61, "60/60", 120),
    (1, "30/6", 30), (30, "30/6", 30), (31, "30/6", 36), (36.2, "30/6", 42),
    (1, "1/1", 1), (59.4, "1/1", 60), (60.0000001, "1/1", 60),
])
def test_billable_seconds_round_up_by_the_increments(seconds: float, increments: str, billable: int) -> None:
    assert billable_seconds(seconds, Increments.parse(increments)) == billable


def test_increments_are_written_first_slash_next() -> None:
    assert Increments.parse(" 30 / 6 ") == Increments(30, 6)
    with pytest.raises(ValueError):
        Increments.parse("30-6")
    with pytest.raises(ValueError):
        Increments.parse("0/6")


def test_price_is_fee_plus_minutes_rounded_half_up_to_four_places() -> None:
    assert price_of(1, D("0.0150"), D("0")) == D("0.0003")  # 0.00025 rounds half up
    assert price_of(7, D("1.00"), D("0.50")) == D("0.6167")
    assert price_of(90, D("1.20"), D("0")) == D("1.8000")
    total = sum(price_of(1, D("0.0150"), D("0")) for _ in range(3))
    assert isinstance(total, D) and total == D("0.0009")


def test_a_rate_may_have_its_own_increments_and_fee() -> None:
    t = tariff(connection_fee=D("0.10"),
               rates=(Rate("420", D("0.60"), increments=Increments(1, 1), connection_fee=D("0")),
                      Rate("44", D("0.60"))))
    own = rate_call(call(10), [t])
    default = rate_call(call(10, "+442071234567"), [t])
    assert (own.billable_s, own.price) == (10, D("0.1000"))
    assert (default.billable_s, default.price) == (60, D("0.7000"))


def test_time_bands_peak_off_peak_weekend_by_the_answer_time() -> None:
    bands = TimeBands(timezone="Europe/Prague")  # peak 08:00-18:00 local
    t = tariff(bands=bands, rates=(Rate("420", D("1.00"), off_peak=D("0.40"), weekend=D("0.20")),))
    prague_1759 = datetime(2026, 12, 1, 16, 59, tzinfo=UTC)  # 17:59 in Prague (UTC+1)
    across = rate_call(call(180, at=prague_1759), [t])
    assert across.band is Band.PEAK and across.price == D("3.0000"), "answered in peak: peak for the whole call"
    after = rate_call(call(180, at=prague_1759 + timedelta(minutes=1)), [t])
    assert after.band is Band.OFF_PEAK and after.price == D("1.2000")
    saturday = rate_call(call(60, at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC)), [t])
    assert saturday.band is Band.WEEKEND and saturday.price == D("0.2000")


def test_weekend_falls_back_to_off_peak_then_peak() -> None:
    r = Rate("420", D("1.00"), off_peak=D("0.50"))
    assert r.per_minute_in(Band.WEEKEND) == D("0.50")
    assert Rate("420", D("1.00")).per_minute_in(Band.WEEKEND) == D("1.00")


def test_the_tariff_in_force_when_the_call_was_answered() -> None:
    old = tariff(id=1, name="2026", valid_to=datetime(2027, 1, 1, tzinfo=UTC))
    new = tariff(id=2, name="2027", valid_from=datetime(2027, 1, 1, tzinfo=UTC),
                 rates=(Rate("420", D("0.30")),))
    before_midnight = datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC)
    result = rate_call(call(120, "+420221000000", at=before_midnight), [old, new])
    assert result.tariff_id == 1 and result.price == D("1.0000"), "the start decides, not the end"
    assert rate_call(call(60, "+420221000000", at=datetime(2027, 1, 1, tzinfo=UTC)), [old, new]).tariff_id == 2
    assert isinstance(rate_call(call(60, at=datetime(2026, 1, 1, tzinfo=UTC)),
                                [tariff(valid_from=datetime(2026, 6, 1, tzinfo=UTC))]), Unrated)


def test_the_most_specific_assignment_wins() -> None:
    general = tariff(id=1)
    branch = tariff(id=2, team_id=7)
    line = tariff(id=3, line="+420221000100")
    both = tariff(id=4, team_id=7, line="+420221000100")
    every = [general, branch, line, both]
    assert choose_tariff(every, 7, "+420221000100", TUESDAY_9).id == 4
    assert choose_tariff(every, 8, "+420221000100", TUESDAY_9).id == 3
    assert choose_tariff(every, 7, "+420221999999", TUESDAY_9).id == 2
    assert choose_tariff(every, None, "", TUESDAY_9).id == 1
    assert choose_tariff([branch], 8, "", TUESDAY_9) is None


def test_the_rater_gives_what_rate_call_gives() -> None:
    shared = (Rate("420", D("1.00"), off_peak=D("0.50")),)
    tariffs = [tariff(id=1, valid_to=datetime(2026, 12, 1, 12, tzinfo=UTC), rates=shared, connection_fee=D("0.10")),
               tariff(id=2, valid_from=datetime(2026, 12, 1, 12, tzinfo=UTC), rates=shared),
               tariff(id=3, team_id=5, rates=(Rate("420", D("9")),), bands=TimeBands(timezone="Europe/Prague"))]
    rater = Rater(tariffs)
    for team in (None, 5):
        for minute in (9 * 60, 11 * 60 + 59, 12 * 60, 16 * 60 + 59, 17 * 60, 17 * 60 + 59, 18 * 60):
            c = call(75, at=TUESDAY_9.replace(hour=minute // 60, minute=minute % 60), team=team)
            assert rater.rate(c) == rate_call(c, tariffs), (team, minute)


def test_prefix_digits() -> None:
    assert prefix_digits("+420601000015") == "420601000015"
    assert prefix_digits("+420 601-000 015") == "420601000015"
