"""The tariff model: price lists as frozen data, looked up by destination prefix and time band.

A `Tariff` holds its rates by E.164 prefix (longest prefix wins), its default billing
increments and connection fee, its time bands (peak, off-peak, weekend) and its validity;
it is assigned to a branch (team) and/or a line (the caller ID a call used). Built by the
service from the database; rating reads it, nothing here writes anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time
from datetime import timezone as dt_timezone
from decimal import Decimal
from enum import Enum
from zoneinfo import ZoneInfo

from dialer.billing.money import ZERO

_INCREMENTS = re.compile(r"^\s*(\d{1,4})\s*/\s*(\d{1,4})\s*$")


class Band(str, Enum):
    PEAK = "peak"
    OFF_PEAK = "off_peak"
    WEEKEND = "weekend"


@dataclass(frozen=True)
class Increments:
    """Billing increments "first/next": 60/60 bills whole minutes, 30/6 a first 30 s then 6 s
    steps, 1/1 every second."""

    first: int = 60
    next: int = 60

    def __post_init__(self) -> None:
        if self.first < 1 or self.next < 1:
            raise ValueError("increments are whole seconds of at least 1")

    @classmethod
    def parse(cls, text: str) -> Increments:
        match = _INCREMENTS.match(text or "")
        if not match:
            raise ValueError(f"{text!r}: write increments as first/next seconds, like 60/60, 30/6 or 1/1")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.first}/{self.next}"


@dataclass(frozen=True)
class TimeBands:
    """Peak on working days between `peak_start` and `peak_end` (the tariff's local time),
    off-peak the rest of a working day, weekend on Saturday and Sunday."""

    peak_start: time = time(8, 0)
    peak_end: time = time(18, 0)
    timezone: str = "UTC"
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone", ZoneInfo(self.timezone))

    def band_at(self, at: datetime) -> Band:
        local = at if self.timezone == "UTC" and at.tzinfo is dt_timezone.utc else at.astimezone(self.zone)
        if local.weekday() >= 5:
            return Band.WEEKEND
        t = local.time()
        return Band.PEAK if self.peak_start <= t < self.peak_end else Band.OFF_PEAK


@dataclass(frozen=True)
class Rate:
    """The price of a destination: per minute in each band (off-peak and weekend fall back to
    the band above when not set), and optionally its own fee and increments."""

    prefix: str  # digits of the E.164 number without "+"
    per_minute: Decimal
    destination: str = ""
    off_peak: Decimal | None = None
    weekend: Decimal | None = None
    connection_fee: Decimal | None = None
    increments: Increments | None = None

    def per_minute_in(self, band: Band) -> Decimal:
        if band is Band.WEEKEND:
            if self.weekend is not None:
                return self.weekend
            band = Band.OFF_PEAK
        if band is Band.OFF_PEAK and self.off_peak is not None:
            return self.off_peak
        return self.per_minute

    @property
    def dearest_per_minute(self) -> Decimal:
        return max(p for p in (self.per_minute, self.off_peak, self.weekend) if p is not None)


def prefix_digits(number: str) -> str:
    """The digits rating looks up: "+420 601-000 015" -> "420601000015"."""
    if number[:1] == "+" and number[1:].isdigit():
        return number[1:]  # E.164 as stored: the common case, kept fast
    return "".join(ch for ch in number if ch.isdigit())


@dataclass(frozen=True)
class Tariff:
    id: int
    name: str
    currency: str
    rates: tuple[Rate, ...] = ()
    increments: Increments = Increments()
    connection_fee: Decimal = ZERO
    bands: TimeBands = TimeBands()
    valid_from: datetime | None = None  # inclusive
    valid_to: datetime | None = None  # exclusive
    team_id: int | None = None  # the branch it applies to; None: any branch
    line: str = ""  # the caller ID (line) it applies to; "": any line
    _by_prefix: dict[str, Rate] = field(init=False, repr=False, compare=False)
    _longest: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_prefix = {r.prefix: r for r in self.rates}
        object.__setattr__(self, "_by_prefix", by_prefix)
        object.__setattr__(self, "_longest", max((len(p) for p in by_prefix), default=0))

    def in_force(self, at: datetime) -> bool:
        return ((self.valid_from is None or self.valid_from <= at)
                and (self.valid_to is None or at < self.valid_to))

    def rate_for(self, digits: str) -> Rate | None:
        """The rate of the longest prefix that starts `digits` (E.164 digits, no "+")."""
        by_prefix = self._by_prefix
        for n in range(min(len(digits), self._longest), 0, -1):
            rate = by_prefix.get(digits[:n])
            if rate is not None:
                return rate
        return None

    def distinct_rates(self) -> tuple[Rate, ...]:
        """One rate per prefix: the one `rate_for` finds (of two lines with one prefix, the later)."""
        return tuple(self._by_prefix.values())

    def specificity(self) -> int:
        """Line and branch: 3; line only: 2; branch only: 1; neither: 0."""
        return (2 if self.line else 0) + (1 if self.team_id is not None else 0)

    def applies_to(self, team_id: int | None, line: str) -> bool:
        return ((self.team_id is None or self.team_id == team_id)
                and (not self.line or self.line == line))
