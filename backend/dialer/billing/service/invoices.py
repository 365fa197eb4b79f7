"""Postpaid invoices: a draft of a branch's period (its rated calls not yet invoiced), issuing
it (numbered, the calls marked so that nothing changes them again), and the invoice's lines
and calls as tables for the printable page and the CSV/XLSX exports.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from dialer.billing.invoices import InvoicedCall, InvoiceTotals, invoice_number, invoice_totals
from dialer.campaigns.saving import SaveError
from dialer.models import BillingAccount, CallAttempt, Invoice
from dialer.models.billing import AccountMode

_CALL_COLUMNS = ("id", "originated_at", "answered_at", "ended_at", "phone", "caller_id", "rate_destination",
                 "rate_prefix", "billable_s", "rate_per_min", "price", "campaign__name")


def _open_calls(account: BillingAccount, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    return CallAttempt.filter(campaign__team_id=account.team_id, originated_at__gte=start, originated_at__lt=end,
                              price__not_isnull=True, price_currency=account.currency, invoice_id__isnull=True)


async def draft(account: BillingAccount, start: datetime, end: datetime) -> tuple[InvoiceTotals, list[int]]:
    """What an invoice of the period would say, and the attempts it would list."""
    rows = await _open_calls(account, start, end).values_list("id", "caller_id", "rate_destination", "rate_prefix",
                                                                "billable_s", "price")
    calls = [InvoicedCall(i, line or "", dest or "", prefix or "", billable or 0, price)
             for i, line, dest, prefix, billable, price in rows]
    return invoice_totals(calls, account.vat_pct, account.currency), [c.attempt_id for c in calls]


# Any constant: the key of the PostgreSQL advisory lock that makes issuing one at a time.
_ISSUING_LOCK = 0x1D1A1E7_1A5E


async def _issue_one_at_a_time(conn: BaseDBAsyncClient, account: BillingAccount) -> None:
    """Hold the issuing lock until the transaction ends: a second issue (another admin, the
    CLI, another process) waits here, then reads the numbers and calls this one took.

    Without it two invoices issued at once both read "n issued this year", took the same
    number and the second failed on its unique constraint; two of one branch's period both
    listed the same calls. PostgreSQL: a transaction-scoped advisory lock. SQLite: a write as
    the first statement takes the database's write lock, as BEGIN IMMEDIATE would (Tortoise
    begins deferred; a deferred transaction that read first cannot take the lock later once
    another process has written: "database is locked")."""
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [_ISSUING_LOCK])
    else:
        await conn.execute_query("UPDATE billing_account SET team_id = team_id WHERE id = ?", [account.id])


async def _issued_in(year: int) -> int:
    """The sequence of the year's last invoice number (numbers are never deleted)."""
    last = await Invoice.filter(number__startswith=f"{year}-").order_by("-number").limit(1).values_list(
        "number", flat=True)
    return int(str(last[0]).rsplit("-", 1)[1]) if last else 0


def _lines_json(totals: InvoiceTotals) -> list[dict[str, object]]:
    return [{"line": ln.line, "destination": ln.destination, "prefix": ln.prefix, "calls": ln.calls,
             "billable_s": ln.billable_s, "net": str(ln.net)} for ln in totals.lines]


async def issue(account: BillingAccount, start: datetime, end: datetime, *, actor: Actor,
                at: datetime) -> Invoice:
    """Issue the period's invoice; SaveError when there is nothing to invoice."""
    if account.mode is not AccountMode.POSTPAID:
        raise SaveError({"form": "Only a postpaid branch is invoiced; a prepaid one pays by its credit."})
    if end <= start:
        raise SaveError({"period_end": "The period ends after it starts."})
    async with in_transaction() as conn:
        await _issue_one_at_a_time(conn, account)
        totals, ids = await draft(account, start, end)
        if not ids:
            raise SaveError({"form": "No rated calls of this branch in the period are left to invoice."})
        invoice = await Invoice.create(
            number=invoice_number(at.year, await _issued_in(at.year)), account=account, period_start=start,
            period_end=end,
            issued_at=at, issued_by=actor.user, currency=totals.currency, calls=totals.calls,
            billable_s=totals.billable_s, net=totals.net, vat_pct=totals.vat_pct, vat=totals.vat,
            total=totals.total, lines=_lines_json(totals))
        for i in range(0, len(ids), 10_000):
            await CallAttempt.filter(id__in=ids[i:i + 10_000]).update(invoice_id=invoice.id)
        await record_audit(actor, "invoice.issue", "invoice", invoice.id,
                           {"number": invoice.number, "total": str(invoice.total), "calls": invoice.calls})
    return invoice


def lines_frame(invoice: Invoice) -> pd.DataFrame:
    frame = pd.DataFrame(invoice.lines, columns=["line", "destination", "prefix", "calls", "billable_s", "net"])
    frame["net"] = frame["net"].map(Decimal).astype(float) if len(frame) else frame["net"]
    frame["billable_min"] = (frame["billable_s"] / 60).round(2) if len(frame) else frame["billable_s"]
    return frame[["line", "destination", "prefix", "calls", "billable_min", "net"]]


def totals_frame(invoice: Invoice) -> pd.DataFrame:
    return pd.DataFrame([{"invoice": invoice.number, "period_start": invoice.period_start,
                          "period_end": invoice.period_end, "currency": invoice.currency, "calls": invoice.calls,
                          "net": float(invoice.net), "vat_pct": float(invoice.vat_pct), "vat": float(invoice.vat),
                          "total": float(invoice.total)}])


def csv_frame(invoice: Invoice, calls: pd.DataFrame) -> pd.DataFrame:
    """The invoice as one CSV table: its calls, then the Net, VAT and Total rows the printed
    invoice ends with (the XLSX has them on its `invoice` sheet; a CSV has one table)."""
    totals = pd.DataFrame({"destination": ["Net", f"VAT {invoice.vat_pct} %", f"Total {invoice.currency}"],
                           "billable_s": [invoice.billable_s, None, None],
                           "price": [float(invoice.net), float(invoice.vat), float(invoice.total)]})
    frame = pd.concat([calls, totals], ignore_index=True)  # an issued invoice has calls
    for column in ("attempt_id", "billable_s"):
        frame[column] = frame[column].astype("Int64")
    return frame


async def calls_frame(invoice: Invoice) -> pd.DataFrame:
    rows = await CallAttempt.filter(invoice_id=invoice.id).order_by("originated_at").values_list(*_CALL_COLUMNS)
    frame = pd.DataFrame(rows, columns=["attempt_id", "originated_at", "answered_at", "ended_at", "number", "line",
                                        "destination", "prefix", "billable_s", "rate_per_min", "price", "campaign"])
    for column in ("rate_per_min", "price"):
        frame[column] = frame[column].astype(float)
    return frame
