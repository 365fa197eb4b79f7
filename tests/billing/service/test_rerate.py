"""Re-rating a period after a tariff fix: what changed is written and reported, prepaid credit
is adjusted by the difference, invoiced calls keep their price."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from dialer.billing.service.rerate import rerate
from dialer.models import AccountEntry, BillingAccount, CallAttempt, TariffRate
from dialer.models.billing import AccountMode, EntryKind

from billing_world import DAY

NOW = datetime(2026, 12, 5, tzinfo=timezone.utc)


async def test_rerate_prices_fixes_and_reports(billing_world, monkeypatch) -> None:
    monkeypatch.setattr("dialer.billing.service.prices.PARALLEL_FROM", 2)  # PostgreSQL: the two-connection write
    w = billing_world
    mobile = await w.answered(61)  # 120 billable s at 2.00
    fixed = await w.answered(30, phone="+420221000000")  # 60 s at 1.00
    outside = await w.answered(30, at=DAY + timedelta(days=40))
    first = await rerate(DAY, DAY + timedelta(days=1), at=NOW)
    assert (first.examined, first.changed, first.newly_rated) == (2, 2, 2)
    assert first.difference == {"CZK": Decimal("5.0000")}
    assert (await CallAttempt.get(id=mobile.id)).price == Decimal("4.0000")
    assert (await CallAttempt.get(id=outside.id)).price is None, "outside the period: untouched"

    again = await rerate(DAY, DAY + timedelta(days=1), at=NOW)
    assert again.changed == 0, "nothing changed, nothing written"

    await TariffRate.filter(prefix="4206").update(peak=Decimal("1.50"))  # the fix
    dry = await rerate(DAY, DAY + timedelta(days=1), at=NOW, dry_run=True)
    assert dry.changed == 1 and (await CallAttempt.get(id=mobile.id)).price == Decimal("4.0000")
    fix = await rerate(DAY, DAY + timedelta(days=1), at=NOW)
    assert fix.changed == 1 and fix.difference == {"CZK": Decimal("-1.0000")}
    assert [(e.attempt_id, e.old, e.new) for e in fix.examples] == [(mobile.id, Decimal("4.0000"), Decimal("3.0000"))]
    assert "changed: 1" in fix.text() and fix.as_dict()["difference"] == {"CZK": "-1.0000"}
    assert (await CallAttempt.get(id=fixed.id)).price == Decimal("1.0000")


async def test_rerate_adjusts_prepaid_credit_and_keeps_invoiced_calls(billing_world) -> None:
    w = billing_world
    account = await BillingAccount.create(team=w.team, mode=AccountMode.PREPAID, currency="CZK",
                                          balance=Decimal("10"))
    call = await w.answered(61)
    invoiced = await w.answered(61, phone="+420602000015")
    await CallAttempt.filter(id=invoiced.id).update(price=Decimal("9.9"), price_currency="CZK", invoice_id=1)
    await CallAttempt.filter(id=call.id).update(price=Decimal("5.0000"), price_currency="CZK",
                                               rate_per_min=Decimal("2.5"))
    report = await rerate(DAY, DAY + timedelta(days=1), at=NOW)
    assert (report.changed, report.invoiced) == (1, 1)
    assert (await CallAttempt.get(id=invoiced.id)).price == Decimal("9.9000")
    account = await BillingAccount.get(id=account.id)
    assert account.balance == Decimal("11.0000"), "charged 5.00, now 4.00: one back"
    entry = await AccountEntry.get(account=account)
    assert entry.kind is EntryKind.ADJUSTMENT and entry.amount == Decimal("1.0000")
