"""The engine's billing meter on its own: queued calls rated in one flush, a tariff edit
picked up at the next refresh, unpriceable calls left unpriced, prepaid stop reasons."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from dialer.accounts.users import Actor
from dialer.billing.service.meter import BillingMeter
from dialer.billing.service.tariffs import save_rate
from dialer.models import BillingAccount, CallAttempt
from dialer.models.billing import AccountMode

from billing_world import DAY


async def test_the_meter_rates_queued_calls_and_follows_tariff_edits(billing_world) -> None:
    w = billing_world
    published: list[tuple] = []
    meter = BillingMeter(lambda: DAY, publish=lambda event, *topics: published.append((event, topics)))
    first, unknown = await w.answered(61), await w.answered(30, phone="+15551234567")
    for a in (first, unknown):
        meter.call_ended(a.id, a.phone, a.answered_at, a.ended_at, w.team.id, a.caller_id)
    await meter.flush()
    assert (await CallAttempt.get(id=first.id)).price == Decimal("4.0000")
    assert (await CallAttempt.get(id=unknown.id)).price is None and meter.unrated == 1

    await save_rate(w.tariff, {"prefix": "4206", "price": "3.00"}, actor=Actor.system(),
                    record=await w.tariff.rates.filter(prefix="4206").first())
    await meter.refresh()
    second = await w.answered(61, at=DAY + timedelta(hours=1))
    meter.call_ended(second.id, second.phone, second.answered_at, second.ended_at, w.team.id, second.caller_id)
    await meter.flush()
    assert (await CallAttempt.get(id=second.id)).price == Decimal("6.0000")

    assert meter.stop_reason(w.team.id) is None, "no prepaid account: never stopped"
    await BillingAccount.create(team=w.team, mode=AccountMode.PREPAID, currency="CZK", balance=Decimal("2.99"))
    await meter.refresh()
    assert "cannot pay the next minute (3.0000 CZK)" in meter.stop_reason(w.team.id)
    assert meter.stop_reason(None) is None
