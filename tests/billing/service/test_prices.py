"""Writing ratings: what rate_calls priced lands on the attempts to the ten-thousandth, on
each database, in one transaction or two halves side by side; invoiced calls are left alone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from dialer.billing.bulk_rating import calls_frame, rate_calls
from dialer.billing.rating import CallToRate, Rating, rate_call
from dialer.billing.service.prices import store_ratings
from dialer.billing.service.tariffs import load_tariffs
from dialer.models import CallAttempt
from dialer.models.enums import CallOutcome

from billing_world import DAY

NOW = datetime(2026, 12, 5, tzinfo=timezone.utc)


async def test_prices_written_are_the_ratings(billing_world, monkeypatch) -> None:
    monkeypatch.setattr("dialer.billing.service.prices.PARALLEL_FROM", 100)  # the two-connection write
    monkeypatch.setattr("dialer.billing.service.prices.LARGE", 50)  # analysed temporary tables
    w = billing_world
    await w.tariff.rates.filter(prefix="4206").update(peak=Decimal("0.0150"))  # 0.00025 a second
    await w.tariff.__class__.filter(id=w.tariff.id).update(first_increment_s=1, next_increment_s=1,
                                                           connection_fee=Decimal("0.0001"))
    phones = ["+420601000015", "+420221000000", "+15551234567"]  # mobile, fixed, no rate
    await CallAttempt.bulk_create([
        CallAttempt(campaign=w.campaign, phone=phones[i % 3], originated_at=DAY, answered_at=DAY,
                    ended_at=DAY + timedelta(seconds=1 + i * 1.37), outcome=CallOutcome.ANSWERED,
                    invoice_id=7 if i == 4 else None)
        for i in range(240)])
    attempts = await CallAttempt.all().order_by("id")
    calls = [CallToRate(a.id, a.phone, a.answered_at, a.ended_at, w.team.id, a.caller_id) for a in attempts]
    tariffs = await load_tariffs()
    rated = rate_calls(calls_frame(calls), tariffs)
    assert len(rated) == 160 and len(rated.unrated) == 80

    written = await store_ratings(rated, NOW, parallel=True)
    expected = {r.attempt_id: r for c in calls if isinstance(r := rate_call(c, tariffs), Rating)}
    stored = {a.id: a for a in await CallAttempt.filter(price__not_isnull=True)}
    invoiced = attempts[4]
    # PostgreSQL counts the rows it updated; SQLite's executemany, the rows it was given.
    assert written in (159, 160) and invoiced.id not in stored, "an invoiced call keeps its price"
    assert set(stored) == set(expected) - {invoiced.id}
    for attempt_id, a in stored.items():
        r = expected[attempt_id]
        assert (a.price, a.price_currency, a.rate_per_min, a.rate_prefix, a.rate_destination, a.billable_s,
                a.tariff_id) == (r.price, r.currency, r.rate_per_min, r.prefix, r.destination, r.billable_s,
                                 r.tariff_id), attempt_id
    assert any(a.price != a.price.quantize(Decimal("0.01")) for a in stored.values()), "four places kept"
