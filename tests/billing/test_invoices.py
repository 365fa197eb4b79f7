"""Invoice arithmetic: lines by line and destination, net = the calls' prices, VAT, numbering."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from dialer.billing.invoices import InvoicedCall, invoice_number, invoice_totals, month_period


def test_totals_are_the_sum_of_the_calls_with_vat_rounded_to_cents() -> None:
    calls = [InvoicedCall(1, "+420221000100", "Czechia", "420", 60, D("0.5000")),
             InvoicedCall(2, "+420221000100", "Czechia", "420", 120, D("1.0033")),
             InvoicedCall(3, "+420221000200", "UK", "44", 36, D("0.4817"))]
    totals = invoice_totals(calls, D("21"), "CZK")
    assert totals.net == D("1.99") and totals.vat == D("0.42") and totals.total == D("2.41")
    assert [(ln.line, ln.destination, ln.calls, ln.net) for ln in totals.lines] == [
        ("+420221000100", "Czechia", 2, D("1.5033")), ("+420221000200", "UK", 1, D("0.4817"))]
    assert totals.calls == 3 and totals.billable_s == 216


def test_an_empty_period_is_zero() -> None:
    totals = invoice_totals([], D("21"), "EUR")
    assert (totals.net, totals.vat, totals.total, totals.lines) == (D("0.00"), D("0.00"), D("0.00"), ())


def test_month_period_and_numbers() -> None:
    start, end = month_period(date(2026, 12, 15), "Europe/Prague")
    assert start.isoformat() == "2026-12-01T00:00:00+01:00" and end.isoformat() == "2027-01-01T00:00:00+01:00"
    assert invoice_number(2026, 41) == "2026-00042"
