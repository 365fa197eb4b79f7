"""Postpaid invoices: the totals are the sum of the rated calls, numbers follow each other,
an issued invoice and its calls never change."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from dialer.accounts.users import Actor
from dialer.billing.invoices import month_period
from dialer.billing.service.invoices import calls_frame, issue, lines_frame
from dialer.billing.service.rerate import rerate
from dialer.campaigns.saving import SaveError
from dialer.models import BillingAccount, CallAttempt, Campaign, Invoice, TariffRate, Team
from dialer.models.billing import AccountMode, ImmutableInvoice
from dialer.models.enums import CallOutcome

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


async def test_invoices_issued_at_the_same_moment_get_consecutive_numbers(billing_world) -> None:
    # Two branches' month-end invoices issued at once (two admins, or the web app and the CLI):
    # both read "one invoice so far this year" and took the same number; the second failed.
    w = billing_world
    other = await Team.create(name="Ostrava")
    other_campaign = await Campaign.create(name="Winter", team=other)
    accounts = [await BillingAccount.create(team=team, mode=AccountMode.POSTPAID, currency="CZK")
                for team in (w.team, other)]
    await w.answered(61)
    await CallAttempt.create(campaign=other_campaign, phone="+420601000015", caller_id="+420221000100",
                             originated_at=DAY, answered_at=DAY, ended_at=DAY + timedelta(seconds=30),
                             outcome=CallOutcome.ANSWERED)
    start, end = month_period(DAY.date())
    await rerate(start, end, at=NOW)
    issued = await asyncio.gather(*(issue(account, start, end, actor=SYSTEM, at=NOW) for account in accounts))
    assert sorted(i.number for i in issued) == ["2026-00001", "2026-00002"]

    # The same branch's period issued twice at once: one invoice, the other finds nothing left.
    await w.answered(10, at=DAY + timedelta(days=1))
    await rerate(start, end, at=NOW)
    results = await asyncio.gather(*(issue(accounts[0], start, end, actor=SYSTEM, at=NOW) for _ in range(2)),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Invoice", "SaveError"]
    assert [i.number for i in results if isinstance(i, Invoice)] == ["2026-00003"]
    assert await CallAttempt.filter(invoice_id__isnull=True).count() == 0


async def test_on_sqlite_an_issue_waits_for_another_process_issuing(billing_world, db: str) -> None:
    # Another process (the CLI beside the web app) holds SQLite's write lock while it issues
    # invoice 2026-00001: this one waits for it, then takes the next number.
    if not db.startswith("sqlite://"):
        pytest.skip("a second process on SQLite; on PostgreSQL the test above uses two connections")
    account = await BillingAccount.create(team=billing_world.team, mode=AccountMode.POSTPAID, currency="CZK")
    await billing_world.answered(61)
    start, end = month_period(DAY.date())
    await rerate(start, end, at=NOW)
    holding, done = threading.Event(), threading.Event()

    def other_process() -> None:
        other = sqlite3.connect(db[len("sqlite://"):], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO invoice (number, account_id, period_start, period_end, issued_at, currency, "
                      "calls, billable_s, net, vat_pct, vat, total, lines) VALUES ('2026-00001', ?, ?, ?, ?, "
                      "'CZK', 0, 0, 0, 0, 0, 0, '[]')",
                      (account.id, str(start), str(end), str(NOW)))
        holding.set()
        done.wait(0.5)  # the issue below starts meanwhile
        other.execute("COMMIT")
        other.close()

    other = asyncio.ensure_future(asyncio.to_thread(other_process))
    await asyncio.to_thread(holding.wait)
    invoice = await issue(account, start, end, actor=SYSTEM, at=NOW)
    await other
    assert invoice.number == "2026-00002"
