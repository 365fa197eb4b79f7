"""The engine's billing meter on its own: queued calls rated in one flush, a tariff edit
picked up at the next refresh, unpriceable calls left unpriced, prepaid stop reasons, and the
calls a crash left unrated priced at the next start, each once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from dialer.accounts.users import Actor
from dialer.billing.service.meter import BillingMeter
from dialer.billing.service.tariffs import save_rate
from dialer.models import AccountEntry, BillingAccount, CallAttempt
from dialer.models.billing import AccountMode, EntryKind
from dialer.models.enums import CallOutcome

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


async def test_calls_a_crash_left_unrated_are_rated_once_at_the_next_start(billing_world) -> None:
    # kill -9 takes the meter's queue with it (rated every half second): those calls ended
    # answered in the database and were never priced or deducted.
    w = billing_world
    account = await BillingAccount.create(team=w.team, mode=AccountMode.PREPAID, currency="CZK",
                                          balance=Decimal("100"))
    lost = [await w.answered(61), await w.answered(30, phone="+420221000000")]  # 4.00 and 1.00
    other_engine = await w.answered(61)
    ringing = await CallAttempt.create(campaign=w.campaign, phone="+420601000015", originated_at=DAY,
                                       outcome=CallOutcome.NO_ANSWER, ended_at=DAY + timedelta(seconds=20))
    await CallAttempt.filter(id__in=[a.id for a in (*lost, ringing)]).update(engine_id="dialer-1")
    await CallAttempt.filter(id=other_engine.id).update(engine_id="dialer-2")
    started = DAY + timedelta(hours=1)

    meter = BillingMeter(lambda: started)
    meter.call_ended(lost[0].id, lost[0].phone, lost[0].answered_at, lost[0].ended_at, w.team.id, lost[0].caller_id)
    await meter.catch_up("dialer-1", started)
    assert [(await CallAttempt.get(id=a.id)).price for a in lost] == [Decimal("4.0000"), Decimal("1.0000")]
    assert (await CallAttempt.get(id=other_engine.id)).price is None, "another engine's: its own start rates it"
    assert (await CallAttempt.get(id=ringing.id)).price is None
    assert await AccountEntry.filter(kind=EntryKind.CALL).count() == 2, "queued and found: deducted once"
    assert (await BillingAccount.get(id=account.id)).balance == Decimal("95")

    # Started again (or a retry): nothing is priced or deducted twice, even a call queued
    # again with a later end (a restart closing a call the meter priced before the crash).
    again = BillingMeter(lambda: started)
    again.call_ended(lost[0].id, lost[0].phone, lost[0].answered_at, lost[0].ended_at + timedelta(minutes=5),
                     w.team.id, lost[0].caller_id)
    again.call_ended(lost[0].id, lost[0].phone, lost[0].answered_at, lost[0].ended_at, w.team.id, lost[0].caller_id)
    await again.catch_up("dialer-1", started + timedelta(minutes=10))
    await again.flush()
    assert (await CallAttempt.get(id=lost[0].id)).price == Decimal("4.0000")
    assert await AccountEntry.filter(kind=EntryKind.CALL).count() == 2
    assert (await BillingAccount.get(id=account.id)).balance == Decimal("95")
    assert again.rated == 0
