"""Billing pages as their users work them: an admin makes a tariff, adds and imports rates,
opens and tops up a prepaid account, issues and exports an invoice; supervisors see the cost
report of their own branch only and none of the billing settings."""

from __future__ import annotations

import csv as std_csv
import io
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import openpyxl

from admin_fixtures import *  # noqa: F401,F403
from dialer.billing.service.rerate import rerate
from dialer.models import AccountEntry, AuditLog, BillingAccount, CallAttempt, Invoice, Tariff, TariffRate
from dialer.models.billing import AccountMode, EntryKind
from dialer.models.enums import CallOutcome

TARIFF = {"name": "Standard", "currency": "CZK", "increments": "30/6", "connection_fee": "0,10",
          "timezone": "Europe/Prague", "peak_start": "08:00", "peak_end": "18:00", "active": True}


async def _answered(campaign, seconds: float, at: datetime, phone: str = "+420601000015") -> CallAttempt:
    return await CallAttempt.create(campaign=campaign, phone=phone, caller_id="+420221000100", originated_at=at,
                                    answered_at=at, ended_at=at + timedelta(seconds=seconds),
                                    outcome=CallOutcome.ANSWERED)


async def test_an_admin_makes_a_tariff_with_rates_and_an_import(admin, world) -> None:
    r = await admin.submit("/tariffs/new", **{**TARIFF, "increments": "30-6", "valid_to": "2026-13-01"})
    assert r.status_code == 400 and "first/next" in r.text and "YYYY-MM-DD" in r.text
    r = await admin.submit(r, increments="30/6", valid_to="", team=world.team.id)
    assert r.status_code == 303, r.text
    tariff = await Tariff.get(name="Standard")
    assert (tariff.first_increment_s, tariff.next_increment_s, tariff.connection_fee, tariff.team_id) == (
        30, 6, Decimal("0.1"), world.team.id)
    edit = f"/tariffs/{tariff.id}/edit"

    r = await admin.submit(edit, action=f"/tariffs/{tariff.id}/rates", prefix="+420", destination="Czechia",
                           price="abc")
    assert r.status_code == 400 and "not an amount" in r.text and "+420" in r.text
    r = await admin.submit(r, action=f"/tariffs/{tariff.id}/rates", price="0.50", weekend="0.20")
    assert r.status_code == 303
    rate = await TariffRate.get(tariff=tariff)
    assert (rate.prefix, rate.peak, rate.weekend) == ("420", Decimal("0.5"), Decimal("0.2"))

    form = await admin.form(edit, action=f"/tariffs/{tariff.id}/import")
    form.attach("file", "rates.csv", b"prefix;destination;price\n4206;Mobile;1,20\n44;UK;cheap\n;;\n49;DE;0.9\n")
    r = await form.submit()
    assert r.status_code == 200 and "Imported 2 rate(s) from 3 line(s)" in r.text
    assert "<td class=\"r\">3</td>" in r.text and "cheap" in r.text
    assert sorted(await TariffRate.filter(tariff=tariff).values_list("prefix", flat=True)) == ["420", "4206", "49"]
    form = await admin.form(edit, action=f"/tariffs/{tariff.id}/import")
    form.attach("file", "bad.csv", b"number,cost\n1,2\n")
    r = await form.submit()
    assert r.status_code == 400 and "Not imported" in r.text and "prefix" in r.text
    listing = await admin.get("/tariffs")
    assert "Standard" in listing.text and "30/6" in listing.text and world.team.name in listing.text


async def test_prepaid_account_top_up_says_who_and_when(admin, world, people) -> None:
    r = await admin.submit("/billing", action=f"/billing/teams/{world.team.id}/account", mode="prepaid",
                           currency="czk", vat_pct="21", low_credit="100")
    assert r.status_code == 303, r.text
    account = await BillingAccount.get(team=world.team)
    assert account.mode is AccountMode.PREPAID and account.currency == "CZK"
    r = await admin.submit("/billing", action=f"/billing/teams/{world.team.id}/top-up", amount="-5")
    assert r.status_code == 400 and "negative" in r.text.lower()
    r = await admin.submit(r, action=f"/billing/teams/{world.team.id}/top-up", amount="500", note="bank 2211")
    assert r.status_code == 303
    page = await admin.get("/billing")
    assert "500.00 CZK" in page.text and "bank 2211" in page.text and "admin" in page.text
    entry = await AccountEntry.get(account=account)
    assert entry.kind is EntryKind.TOP_UP and entry.user_id == people.admin.id
    assert await AuditLog.filter(action="billing_account.top_up").exists()


async def test_issue_print_and_export_an_invoice(admin, world) -> None:
    tariff = await Tariff.create(name="T", currency="CZK", first_increment_s=1, next_increment_s=1)
    await TariffRate.create(tariff=tariff, prefix="420", destination="Czechia", peak=Decimal("0.60"))
    await TariffRate.create(tariff=tariff, prefix="4207", destination="M2M", peak=Decimal("0.0150"))
    await BillingAccount.create(team=world.team, mode=AccountMode.POSTPAID, currency="CZK", vat_pct=Decimal("21"))
    nov = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)
    for seconds in (61, 125, 7):
        await _answered(world.campaign, seconds, nov)
    await _answered(world.campaign, 7, nov, phone="+420701000015")  # 0.0018: four places
    await _answered(world.other_campaign, 600, nov)  # another branch's
    await rerate(nov.replace(day=1), nov.replace(month=12, day=1), at=nov)
    r = await admin.submit("/invoices", action="/invoices/issue", team=str(world.team.id), month="2026-11")
    assert r.status_code == 303, r.text
    invoice = await Invoice.get()
    assert invoice.calls == 4 and invoice.net == Decimal("1.93") and invoice.total == Decimal("2.34")
    page = await admin.get(r.headers["location"])
    assert invoice.number in page.text and "2.34 CZK" in page.text and "Czechia" in page.text
    links = dict((fmt, href) for href, fmt in re.findall(r'href="(/invoices/\d+/export\?format=(\w+))"', page.text))

    # The CSV ends as the printed invoice does: net, VAT and total under the calls' prices,
    # which are kept to their four places and add up to the net.
    csv = await admin.get(links["csv"])
    assert csv.status_code == 200 and csv.text.count("+420601000015") == 3
    rows = list(std_csv.DictReader(io.StringIO(csv.text.lstrip("\ufeff"))))
    calls, totals = rows[:-3], rows[-3:]
    prices = sorted(Decimal(row["price"]) for row in calls)
    assert prices == sorted(await CallAttempt.filter(invoice_id=invoice.id).values_list("price", flat=True))
    assert Decimal("0.0018") in prices and sum(prices).quantize(Decimal("0.01")) == invoice.net
    assert [(t["destination"], Decimal(t["price"])) for t in totals] == [
        ("Net", invoice.net), ("VAT 21.00 %", invoice.vat), ("Total CZK", invoice.total)]
    assert totals[0]["billable_s"] == str(invoice.billable_s) and not totals[0]["attempt_id"]

    xlsx = await admin.get(links["xlsx"])
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert {"invoice", "lines", "calls"} <= set(book.sheetnames)
    sheet = list(book["invoice"].values)
    head = dict(zip(sheet[0], sheet[1]))
    assert [Decimal(str(head[k])) for k in ("net", "vat", "total")] == [invoice.net, invoice.vat, invoice.total]
    r = await admin.submit("/invoices", action="/invoices/issue", team=str(world.team.id), month="2026-11")
    assert r.status_code == 400 and "left to invoice" in r.text


async def test_supervisors_see_their_branch_costs_and_no_billing_settings(supervisor, world) -> None:
    tariff = await Tariff.create(name="T", currency="CZK")
    await TariffRate.create(tariff=tariff, prefix="420", destination="Czechia", peak=Decimal("1.00"))
    now = datetime.now(timezone.utc) - timedelta(hours=1)
    await _answered(world.campaign, 60, now)
    await _answered(world.other_campaign, 120, now, phone="+420601999995")
    await rerate(now - timedelta(days=1), now + timedelta(days=1), at=now)
    for page in ("/tariffs", "/billing", "/invoices", "/tariffs/new"):
        assert (await supervisor.get(page)).status_code == 403, page
    r = await supervisor.get(f"/reports?report=costs&team={world.other_team.id}")
    assert r.status_code == 200 and "Call costs" in r.text
    assert world.team.name in r.text and world.other_team.name not in r.text
    export = await supervisor.get(f"/reports/export?report=costs&format=csv&team={world.other_team.id}")
    assert export.status_code == 200 and world.other_team.name not in export.text


async def test_the_campaign_page_says_when_the_credit_cannot_pay_the_next_minute(admin, world) -> None:
    tariff = await Tariff.create(name="T", currency="CZK", connection_fee=Decimal("0.50"))
    await TariffRate.create(tariff=tariff, prefix="420", peak=Decimal("2.00"))
    account = await BillingAccount.create(team=world.team, mode=AccountMode.PREPAID, currency="CZK",
                                          balance=Decimal("2.49"))
    page = await admin.get(f"/campaigns/{world.campaign.id}")
    assert "prepaid credit (2.49 CZK) cannot pay the next minute (2.5000 CZK)" in page.text
    await BillingAccount.filter(id=account.id).update(balance=Decimal("2.50"))
    assert "prepaid credit" not in (await admin.get(f"/campaigns/{world.campaign.id}")).text
    assert "prepaid credit" not in (await admin.get(f"/campaigns/{world.other_campaign.id}")).text
