"""Postpaid invoices: the totals are the sum of the rated calls, numbers follow each other,
an issued invoice and its calls never change."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from dialer.accounts.users import Actor
from dialer.billing.invoices import month_period
from dialer.billing.service.invoices import calls_frame, issue, lines_frame
from dialer.billing.service.rerate import rerate
from dialer.campaigns.saving import SaveError
from dialer.models import BillingAccount, CallAttempt, Invoice, TariffRate
from dialer.models.billing import AccountMode, ImmutableInvoice

from billing_world import DAY

NOW = datetime(2026, 12, 2, tzinfo=timezone.utc)
SYSTEM = Actor.system("test")


async def test_invoice_totals_equal_the_rated_calls(billing_world) -> None:
    w = billing_world
    account = await BillingAccount.create(team=w.team, mode=AccountMode.POSTPAID, currency="CZK",
                                          vat_pct=Decimal("21"))
    for seconds, phone in ((61, "+420601000015"), (30, "+420221000000"), (200, "+420602000015")):
        await w.answered(seconds, phone=phone)
    await w.answered(10, phone="+420221000001", line="+420221000200")
    start, end = month_period(DAY.date())
    await rerate(start, end, at=NOW)
    prices = [a.price for a in await CallAttempt.all()]
    invoice = await issue(account, start, end, actor=SYSTEM, at=NOW)
    assert invoice.number == "2026-00001" and invoice.calls == 4
    assert invoice.net == sum(prices).quantize(Decimal("0.01"))
    assert invoice.vat == (invoice.net * Decimal("0.21")).quantize(Decimal("0.01"))
    assert invoice.total == invoice.net + invoice.vat
    assert {(ln["line"], ln["destination"]) for ln in invoice.lines} == {
        ("+420221000100", "Czech mobile"), ("+420221000100", "Czechia"), ("+420221000200", "Czechia")}
    assert sum(Decimal(ln["net"]) for ln in invoice.lines) == sum(prices)
    assert len(await calls_frame(invoice)) == 4 and lines_frame(invoice)["calls"].sum() == 4

    # Immutable: no change, no delete, its calls keep their price through a re-rating.
    invoice.total = Decimal("0")
    with pytest.raises(ImmutableInvoice):
        await invoice.save()
    with pytest.raises(ImmutableInvoice):
        await invoice.delete()
    await TariffRate.all().update(peak=Decimal("9"))
    assert (await rerate(start, end, at=NOW)).invoiced == 4
    assert sorted(a.price for a in await CallAttempt.all()) == sorted(prices)

    # Nothing left in the period; a later call makes the next number.
    with pytest.raises(SaveError):
        await issue(account, start, end, actor=SYSTEM, at=NOW)
    await w.answered(10, at=DAY + timedelta(days=1))
    await rerate(start, end, at=NOW)
    assert (await issue(account, start, end, actor=SYSTEM, at=NOW)).number == "2026-00002"
    assert await Invoice.all().count() == 2


async def test_a_prepaid_branch_is_not_invoiced(billing_world) -> None:
    account = await BillingAccount.create(team=billing_world.team, mode=AccountMode.PREPAID, currency="CZK")
    with pytest.raises(SaveError):
        await issue(account, *month_period(DAY.date()), actor=SYSTEM, at=NOW)
