"""What a report column holds, read from its name: seconds, a rate (a fraction), or a plain
number. One rule for the pages (h:mm:ss, "12.5 %"), the workbooks (Excel time and percent
formats) and CSV (the precision a number is written with).

Names, not types: the tables are plain pandas frames and their columns say what they are
(`talk_s`, `abandon_rate_24h`, `paused: lunch`).
"""

from __future__ import annotations

from enum import Enum

RATE_ENDINGS = ("_rate", "_rate_24h", "_rate_30d", "occupancy", "abandon_cap")
# A call's price and its rate per minute are kept to four places (billing/money.py): a 1/1
# increment at 0.0150 a minute prices a 7 s call at 0.0018, which two places write as 0.00.
PRICE_COLUMNS = ("price", "rate_per_min")


class Unit(str, Enum):
    SECONDS = "seconds"
    RATE = "rate"  # a fraction: 0.25 is 25 %
    PRICE = "price"  # money to four places
    NUMBER = "number"


def unit_of(column: str) -> Unit:
    name = str(column)
    if name.endswith(RATE_ENDINGS):
        return Unit.RATE
    if name.endswith("_s") or name.startswith("paused: "):
        return Unit.SECONDS
    if name in PRICE_COLUMNS:
        return Unit.PRICE
    return Unit.NUMBER


# Decimal places a fractional number keeps in CSV: a tenth of a second, a hundredth of a
# percent, a price's four, two places for the rest (calls per hour, attempts per contact).
CSV_DECIMALS = {Unit.SECONDS: 1, Unit.RATE: 4, Unit.PRICE: 4, Unit.NUMBER: 2}


def csv_decimals(column: str) -> int:
    return CSV_DECIMALS[unit_of(column)]
