"""A tariff's rates from CSV records, checked line by line as the contact importer does: every
bad line is reported with its number and the reason, the good ones are kept. Pure: it takes
the importer's records (line, fields, error) and returns rates and errors.

Columns (header names, any order, case-insensitive): prefix, price (or peak) required;
destination, off_peak, weekend, connection_fee, increments optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from dialer.billing.money import parse_amount
from dialer.billing.tariffs import Increments, Rate

REQUIRED = ("prefix", "price")
OPTIONAL = ("destination", "off_peak", "weekend", "connection_fee", "increments")
ALIASES = {"peak": "price", "per_minute": "price", "offpeak": "off_peak", "off-peak": "off_peak",
           "fee": "connection_fee", "increment": "increments", "name": "destination"}
MAX_PREFIX = 15  # E.164 numbers have at most 15 digits


class HeaderError(ValueError):
    """The header lacks a required column: nothing can be read."""


@dataclass
class ParsedRates:
    rates: list[Rate] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    rows: int = 0


def header_columns(header: Sequence[str]) -> dict[str, int]:
    """Column name -> index; HeaderError naming what is missing or repeated."""
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff").lower().replace(" ", "_")
        name = ALIASES.get(name, name)
        if name in REQUIRED + OPTIONAL:
            if name in columns:
                raise HeaderError(f"the column {name!r} appears twice")
            columns[name] = i
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise HeaderError(f"the header needs the column(s) {', '.join(missing)} "
                          f"(found: {', '.join(h.strip() for h in header) or 'nothing'})")
    return columns


def parse_rate(values: Sequence[str], columns: dict[str, int]) -> Rate:
    """One rate from a row; ValueError with the reason."""
    def cell(name: str) -> str:
        i = columns.get(name)
        return values[i].strip() if i is not None and i < len(values) else ""

    prefix = cell("prefix").replace(" ", "")
    if prefix.startswith("+"):
        prefix = prefix[1:]
    elif prefix.startswith("00"):
        prefix = prefix[2:]
    if not prefix.isdigit() or not prefix.isascii():
        raise ValueError(f"prefix {cell('prefix')!r}: digits of an international number expected, like 420 or +4206")
    if len(prefix) > MAX_PREFIX:
        raise ValueError(f"prefix {prefix}: longer than an E.164 number")
    try:
        price = parse_amount(cell("price"))
    except ValueError as exc:
        raise ValueError(f"price: {exc}") from None

    def optional_amount(name: str) -> object:
        text = cell(name)
        if not text:
            return None
        try:
            return parse_amount(text)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None

    increments = None
    if cell("increments"):
        increments = Increments.parse(cell("increments"))
    return Rate(prefix=prefix, per_minute=price, destination=cell("destination")[:100],
                off_peak=optional_amount("off_peak"), weekend=optional_amount("weekend"),  # type: ignore[arg-type]
                connection_fee=optional_amount("connection_fee"), increments=increments)  # type: ignore[arg-type]


def parse_rates(header: Sequence[str], records: Iterable[tuple[int, list[str] | None, str]]) -> ParsedRates:
    """Rates from the records after the header; a prefix given twice keeps its first line."""
    columns = header_columns(header)
    result = ParsedRates()
    seen: dict[str, int] = {}
    for line, values, error in records:
        result.rows += 1
        if values is None:
            result.errors.append((line, error))
            continue
        if not any(v.strip() for v in values):
            result.rows -= 1  # a blank line is no row
            continue
        try:
            rate = parse_rate(values, columns)
        except ValueError as exc:
            result.errors.append((line, str(exc)))
            continue
        if rate.prefix in seen:
            result.errors.append((line, f"prefix {rate.prefix} was already given on line {seen[rate.prefix]}"))
            continue
        seen[rate.prefix] = line
        result.rates.append(rate)
    return result
