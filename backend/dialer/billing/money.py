"""Money as `Decimal` with a currency, never float: the amounts rating and invoices work in.

Prices of calls keep four decimal places (a 1/1 increment at 0.0150 a minute is 0.00025 a
second); amounts a person pays (invoice totals, VAT, top-ups) are rounded to cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PRICE_PLACES = Decimal("0.0001")
CENTS = Decimal("0.01")
ZERO = Decimal("0")


def price(value: Decimal) -> Decimal:
    """A call's price as stored: four places, half up."""
    return value.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)


def cents(value: Decimal) -> Decimal:
    """An amount a person pays: two places, half up."""
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


def parse_amount(text: str | int | Decimal, *, allow_negative: bool = False) -> Decimal:
    """A decimal amount from a form or a CSV cell ("0,015" as in Czech spreadsheets too).

    ValueError with a sentence when it is not one.
    """
    if isinstance(text, Decimal):
        value = text
    else:
        raw = str(text).strip().replace(" ", "").replace(",", ".")
        if not raw:
            raise ValueError("an amount is required")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"{text!r} is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not an amount")
    if value < 0 and not allow_negative:
        raise ValueError(f"{text!r} is negative")
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValueError(f"{text!r} has more than four decimal places")
    return value


def check_currency(code: str) -> str:
    """An ISO 4217 code ("CZK", "EUR"); ValueError otherwise."""
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError("a currency is three letters, like CZK or EUR")
    return code


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
