"""Tariff rates from CSV records: good lines kept, every bad one reported with its line."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from dialer.billing.tariff_csv import HeaderError, parse_rates
from dialer.billing.tariffs import Increments


def records(*rows: list[str] | None, first_line: int = 2):
    return [(first_line + i, row, "" if row is not None else "unclosed quote") for i, row in enumerate(rows)]


def test_good_lines_are_kept_and_bad_ones_reported_by_line() -> None:
    header = ["Prefix", "Destination", "Peak", "Off-peak", "Weekend", "Fee", "Increments"]
    parsed = parse_rates(header, records(
        ["+420", "Czechia", "0,50", "0.30", "", "", "60/60"],
        ["4206", "Czech mobile", "1.20", "", "", "0.10", "30/6"],
        ["42x", "bad prefix", "1", "", "", "", ""],
        ["44", "UK", "cheap", "", "", "", ""],
        ["45", "Denmark", "-1", "", "", "", ""],
        ["46", "Sweden", "1", "", "", "", "30-6"],
        None,
        ["0049", "Germany", "0.9", "", "", "", ""],
        ["420", "again", "0.1", "", "", "", ""],
        ["", "", "", "", "", "", ""],
        ["47", "Norway", "0.12345", "", "", "", ""],
    ))
    assert [(r.prefix, r.per_minute) for r in parsed.rates] == [("420", D("0.50")), ("4206", D("1.20")),
                                                                 ("49", D("0.9"))]
    assert parsed.rates[0].off_peak == D("0.30") and parsed.rates[1].increments == Increments(30, 6)
    assert parsed.rates[1].connection_fee == D("0.10")
    lines = dict(parsed.errors)
    assert sorted(lines) == [4, 5, 6, 7, 8, 10, 12]
    assert "prefix" in lines[4] and "price" in lines[5] and "negative" in lines[6]
    assert "increments" in lines[7] or "30-6" in lines[7]
    assert lines[8] == "unclosed quote" and "line 2" in lines[10] and "four decimal" in lines[12]
    assert parsed.rows == 10


def test_a_header_without_prefix_or_price_is_refused() -> None:
    with pytest.raises(HeaderError, match="price"):
        parse_rates(["prefix", "destination"], [])
    with pytest.raises(HeaderError, match="twice"):
        parse_rates(["prefix", "price", "peak"], [])
