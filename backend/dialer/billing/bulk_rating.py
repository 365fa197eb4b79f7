"""Rating many calls at once, as columns (numpy): what `rerate` and the benchmark use for a
period's calls. The results are exactly `rating.rate_call`'s, call by call (a test compares
them); only the arithmetic is done on arrays instead of one Python object per call.

How: the tariff per (branch, line) and validity, the longest prefix per distinct (tariff,
number), the time band per call from its local time, the billable seconds and the price in
whole ten-thousandths (prices keep four places: fee + per-minute x seconds / 60, half up, is
integer arithmetic). The rare call whose length is a tie when rounded to the millisecond is
done by `billable_seconds` itself, and tariffs with amounts finer than four places (none from
the database) by `rate_call`. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from dialer.billing.rating import CallToRate, Rating, Unrated, billable_seconds, rate_call, tariff_rank
from dialer.billing.tariffs import Band, Increments, Rate, Tariff, prefix_digits

BANDS = (Band.PEAK, Band.OFF_PEAK, Band.WEEKEND)
_NO_TARIFF = "no tariff in force for this branch and line"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US_PER_DAY = 86_400_000_000
_E4 = Decimal("0.0001")
_MAX_DIGITS = 18  # int64 holds them


@dataclass(frozen=True)
class RateUsed:
    """How a call was priced, shared by all the calls priced the same way (few thousand)."""

    tariff_id: int
    prefix: str
    destination: str
    band: Band
    rate_per_min: Decimal
    currency: str


@dataclass(frozen=True)
class RatedCalls:
    """The calls priced, as columns in input order (`used[k]` says how the k-th was priced,
    `price_e4` is the price in ten-thousandths), and the calls not priced, with why."""

    attempt_id: np.ndarray  # int64
    used: np.ndarray  # int32 index into `rates`
    billable_s: np.ndarray  # int64
    price_e4: np.ndarray  # int64
    rates: tuple[RateUsed, ...]
    unrated: tuple[Unrated, ...] = ()

    def __len__(self) -> int:
        return len(self.attempt_id)

    def __iter__(self) -> Iterator[Rating]:
        """Each as a `Rating` (for the few callers that want objects)."""
        rates = self.rates
        for attempt_id, k, billable, e4 in zip(self.attempt_id.tolist(), self.used.tolist(),
                                                self.billable_s.tolist(), self.price_e4.tolist()):
            r = rates[k]
            yield Rating(attempt_id, r.tariff_id, r.prefix, r.destination, r.band, billable, r.rate_per_min,
                         Decimal(e4).scaleb(-4).quantize(_E4), r.currency)

    def total_e4(self) -> int:
        return int(self.price_e4.sum())

    @classmethod
    def of(cls, ratings: Sequence[Rating]) -> RatedCalls:
        """A handful of `Rating`s (the meter's batch) in the same columns."""
        keys: dict[RateUsed, int] = {}
        used = []
        for r in ratings:
            key = RateUsed(r.tariff_id, r.prefix, r.destination, r.band, r.rate_per_min, r.currency)
            used.append(keys.setdefault(key, len(keys)))
        return cls(np.fromiter((r.attempt_id for r in ratings), np.int64, len(ratings)),
                   np.asarray(used, np.int32), np.fromiter((r.billable_s for r in ratings), np.int64, len(ratings)),
                   np.asarray([_e4(r.price) for r in ratings], np.int64), tuple(keys))


def calls_frame(calls: Iterable[CallToRate]) -> pd.DataFrame:
    """`CallToRate`s as the frame `rate_calls` reads (a period's rows load straight into one)."""
    calls = list(calls)
    return pd.DataFrame({
        "attempt_id": np.fromiter((c.attempt_id for c in calls), np.int64, len(calls)),
        "number": [c.number for c in calls],
        "answered_at": _us([c.answered_at for c in calls]),
        "ended_at": _us([c.ended_at for c in calls]),
        "team_id": pd.array([c.team_id for c in calls], dtype="Int64"),
        "line": [c.line or "" for c in calls],
    })


def _us(times: Sequence[datetime]) -> np.ndarray:
    """Aware datetimes as microseconds since the epoch (exact: a datetime holds microseconds)."""
    return np.fromiter(((t - _EPOCH) // _ONE_US for t in times), np.int64, len(times))


_ONE_US = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=timezone.utc) - _EPOCH


def _micros(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_integer_dtype(column.dtype):
        return column.to_numpy(np.int64)
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        times = column if isinstance(column.dtype, pd.DatetimeTZDtype) else column.dt.tz_localize("UTC")
        return times.dt.as_unit("us").astype("int64").to_numpy()
    return _us(list(column))


def rate_calls(frame: pd.DataFrame, tariffs: Sequence[Tariff]) -> RatedCalls:
    """Price every call of the frame: columns attempt_id, number (E.164), answered_at and
    ended_at (aware datetimes, or microseconds since the epoch as int64), team_id (the
    campaign's branch, may be missing) and line (the caller ID, "" for none)."""
    tariffs = tuple(tariffs)
    n = len(frame)
    ids = frame["attempt_id"].to_numpy(np.int64)
    answered = _micros(frame["answered_at"])
    ended = _micros(frame["ended_at"])
    numbers = frame["number"].to_numpy(object)
    if not _in_ten_thousandths(tariffs):
        return _one_by_one(frame, tariffs)

    chosen = _choose(frame, tariffs, answered)  # index into tariffs, -1: none
    slots = _Slots(tariffs)
    slot = np.full(n, -1, np.int64)
    has_tariff = np.flatnonzero(chosen >= 0)
    if len(has_tariff):
        slot[has_tariff] = slots.find(chosen[has_tariff], numbers[has_tariff])

    rated = np.flatnonzero(slot >= 0)
    band = _bands(tariffs, chosen[rated], answered[rated])
    s = slot[rated]
    billable = _billable(ended[rated] - answered[rated], slots.first[s], slots.next[s])
    per_min = slots.per_min_e4[s, band]
    price = slots.fee_e4[s] + _half_up_div(per_min * billable, 60)

    # How each was priced: (slot, band) pairs, numbered in order of first use.
    pair = s * len(BANDS) + band
    unique, used = np.unique(pair, return_inverse=True)
    rates = tuple(slots.rate_used(int(p) // len(BANDS), int(p) % len(BANDS)) for p in unique)

    unrated = []
    for i in np.flatnonzero(slot < 0).tolist():
        t = int(chosen[i])
        unrated.append(Unrated(int(ids[i]), _NO_TARIFF if t < 0 else
                               f"tariff {tariffs[t].name} has no rate for {numbers[i]}"))
    return RatedCalls(ids[rated], used.astype(np.int32), billable, price, rates, tuple(unrated))


# -- the tariff of each call -----------------------------------------------------------------

def _choose(frame: pd.DataFrame, tariffs: tuple[Tariff, ...], at: np.ndarray) -> np.ndarray:
    """Per call, the index of its tariff: the most specific that applies to its branch and
    line and is in force when it was answered (`rating.choose_tariff`); -1 when none."""
    n = len(frame)
    chosen = np.full(n, -1, np.int64)
    if not tariffs or not n:
        return chosen
    team = frame["team_id"]
    team_codes, team_values = pd.factorize(team, use_na_sentinel=False)
    line_codes, line_values = pd.factorize(frame["line"].fillna(""), use_na_sentinel=False)
    combo = team_codes.astype(np.int64) * len(line_values) + line_codes
    combos, combo_of = np.unique(combo, return_inverse=True)
    candidates = []
    for c in combos.tolist():
        team_value = team_values[c // len(line_values)]
        team_id = None if team_value is None or pd.isna(team_value) else int(team_value)
        line = str(line_values[c % len(line_values)])
        ordered = sorted((i for i, t in enumerate(tariffs) if t.applies_to(team_id, line)),
                         key=lambda i: tariff_rank(tariffs[i]), reverse=True)
        candidates.append(ordered)
    width = max((len(c) for c in candidates), default=0)
    if not width:
        return chosen
    table = np.full((len(candidates), width), -1, np.int64)
    for row, ordered in enumerate(candidates):
        table[row, :len(ordered)] = ordered
    lo = np.array([_micro(t.valid_from, np.iinfo(np.int64).min) for t in tariffs], np.int64)
    hi = np.array([_micro(t.valid_to, np.iinfo(np.int64).max) for t in tariffs], np.int64)
    for k in range(width):  # best first: the first in force is the one
        t = table[combo_of, k]
        free = (chosen < 0) & (t >= 0)
        tk = np.where(t >= 0, t, 0)
        take = free & (lo[tk] <= at) & (at < hi[tk])
        chosen[take] = t[take]
    return chosen


def _micro(dt: datetime | None, missing: int) -> int:
    return missing if dt is None else (dt - _EPOCH) // _ONE_US


# -- the rate of each call: longest prefix ---------------------------------------------------

class _Slots:
    """Every (tariff, rate) as a numbered slot with its per-minute prices by band, fee and
    increments resolved (a rate's own, else its tariff's), all in ten-thousandths."""

    def __init__(self, tariffs: tuple[Tariff, ...]) -> None:
        self.tariffs = tariffs
        self.slots: list[tuple[int, Rate]] = []
        self.slot_of: dict[tuple[int, int], int] = {}  # (tariff, id(rate)) -> slot
        self.by_length: list[dict[int, tuple[np.ndarray, np.ndarray]]] = []  # per tariff
        per_min, fee, first, nxt = [], [], [], []
        for ti, tariff in enumerate(tariffs):
            lengths: dict[int, list[tuple[int, int]]] = {}
            for rate in tariff.distinct_rates():
                slot = self.slot_of[(ti, id(rate))] = len(self.slots)
                self.slots.append((ti, rate))
                per_min.append([_e4(rate.per_minute_in(b)) for b in BANDS])
                fee.append(_e4(rate.connection_fee if rate.connection_fee is not None else tariff.connection_fee))
                increments: Increments = rate.increments or tariff.increments
                first.append(increments.first)
                nxt.append(increments.next)
                # A prefix of other characters or of more digits than int64 holds matches no
                # number that is plain digits: those numbers are left to `rate_for` (below).
                if rate.prefix.isdigit() and len(rate.prefix) <= _MAX_DIGITS:
                    lengths.setdefault(len(rate.prefix), []).append((int(rate.prefix), slot))
            table = {}
            for length, pairs in lengths.items():
                pairs.sort()
                table[length] = (np.array([p for p, _ in pairs], np.int64), np.array([s for _, s in pairs], np.int64))
            self.by_length.append(table)
        self.per_min_e4 = np.array(per_min, np.int64).reshape(-1, len(BANDS))
        self.fee_e4 = np.array(fee, np.int64)
        self.first = np.array(first, np.int64)
        self.next = np.array(nxt, np.int64)

    def find(self, chosen: np.ndarray, numbers: np.ndarray) -> np.ndarray:
        """The slot of each call's longest matching prefix in its tariff; -1 when none."""
        number_codes, distinct = pd.factorize(numbers, use_na_sentinel=False)
        pairs, pair_of = np.unique(chosen * len(distinct) + number_codes, return_inverse=True)
        tariff_of = pairs // len(distinct)
        digits = [prefix_digits(str(distinct[i])) for i in (pairs % len(distinct)).tolist()]
        found = np.full(len(pairs), -1, np.int64)
        length = np.fromiter((len(d) for d in digits), np.int64, len(digits))
        plain = (length > 0) & (length <= _MAX_DIGITS)
        value = np.fromiter((int(d) if 0 < len(d) <= _MAX_DIGITS else 0 for d in digits), np.int64, len(digits))
        for ti in np.unique(tariff_of).tolist():
            mine = (tariff_of == ti) & plain
            for n in sorted(self.by_length[ti], reverse=True):  # longest first
                todo = np.flatnonzero(mine & (found < 0) & (length >= n))
                if not len(todo):
                    continue
                prefixes, slots = self.by_length[ti][n]
                head = value[todo] // (10 ** (length[todo] - n))
                pos = np.minimum(np.searchsorted(prefixes, head), len(prefixes) - 1)
                hit = prefixes[pos] == head
                found[todo[hit]] = slots[pos[hit]]
        for i in np.flatnonzero(~plain & (length > 0)).tolist():  # longer than int64 holds
            ti = int(tariff_of[i])
            rate = self.tariffs[ti].rate_for(digits[i])
            if rate is not None:
                found[i] = self.slot_of[(ti, id(rate))]
        return found[pair_of]

    def rate_used(self, slot: int, band: int) -> RateUsed:
        ti, rate = self.slots[slot]
        tariff = self.tariffs[ti]
        return RateUsed(tariff.id, rate.prefix, rate.destination, BANDS[band], rate.per_minute_in(BANDS[band]),
                        tariff.currency)


# -- the time band, the billable seconds, the price ------------------------------------------

def _bands(tariffs: tuple[Tariff, ...], chosen: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Per call, 0 peak, 1 off-peak, 2 weekend in its tariff's zone (`TimeBands.band_at`)."""
    band = np.zeros(len(at), np.int64)
    groups: dict[tuple[str, int, int], list[int]] = {}
    for ti, tariff in enumerate(tariffs):
        b = tariff.bands
        groups.setdefault((b.timezone, _time_us(b.peak_start), _time_us(b.peak_end)), []).append(ti)
    for (zone, peak_start, peak_end), members in groups.items():
        rows = np.flatnonzero(np.isin(chosen, members))
        if not len(rows):
            continue
        local = _local_us(at[rows], zone)
        day, moment = np.divmod(local, _US_PER_DAY)
        weekday = (day + 3) % 7  # 1 January 1970 was a Thursday; Monday is 0
        band[rows] = np.where(weekday >= 5, 2, np.where((peak_start <= moment) & (moment < peak_end), 0, 1))
    return band


def _time_us(t) -> int:  # type: ignore[no-untyped-def]
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _local_us(utc_us: np.ndarray, zone: str) -> np.ndarray:
    """Wall-clock microseconds of `zone` (as `astimezone` gives them)."""
    if zone == "UTC":
        return utc_us
    times = pd.DatetimeIndex(utc_us.astype("datetime64[us]")).tz_localize("UTC").tz_convert(zone)
    return times.tz_localize(None).as_unit("us").asi8


def _billable(length_us: np.ndarray, first: np.ndarray, step: np.ndarray) -> np.ndarray:
    """`billable_seconds` on arrays: whole seconds after rounding to the millisecond, then up
    by the increments; 0 for a call of no length."""
    ms, below = np.divmod(length_us, 1000)
    ms = ms + (below > 500)
    seconds = -(-ms // 1000)
    billable = np.where(seconds <= first, first, first + -(-(seconds - first) // step) * step)
    billable = np.where(length_us <= 0, 0, billable)
    # A tie at the half millisecond: Python's round() decides it on the float, as the reference.
    for i in np.flatnonzero((below == 500) & (length_us > 0)).tolist():
        billable[i] = billable_seconds(int(length_us[i]) / 1_000_000, Increments(int(first[i]), int(step[i])))
    return billable


def _half_up_div(numerator: np.ndarray, divisor: int) -> np.ndarray:
    """numerator / divisor rounded half up (numerator >= 0), as `price_of`'s quantize."""
    quotient, remainder = np.divmod(numerator, divisor)
    return quotient + (2 * remainder >= divisor)


def _e4(amount: Decimal) -> int:
    return int(amount.scaleb(4))


def _in_ten_thousandths(tariffs: tuple[Tariff, ...]) -> bool:
    """Every amount a whole number of ten-thousandths and not negative (the database's are)."""
    amounts = [a for t in tariffs for a in (t.connection_fee, *(x for r in t.rates for x in
               (r.per_minute, r.off_peak, r.weekend, r.connection_fee)))]
    return all(a is None or (a >= 0 and a == a.quantize(_E4)) for a in amounts)


def _one_by_one(frame: pd.DataFrame, tariffs: tuple[Tariff, ...]) -> RatedCalls:
    """The reference, call by call: for tariffs with finer amounts than the arrays carry."""
    ratings, unrated = [], []
    for row in frame.itertuples(index=False):
        team = None if pd.isna(row.team_id) else int(row.team_id)
        call = CallToRate(int(row.attempt_id), row.number, _aware(row.answered_at), _aware(row.ended_at), team,
                          row.line or "")
        result = rate_call(call, tariffs)
        (ratings if isinstance(result, Rating) else unrated).append(result)
    rated = RatedCalls.of(ratings)
    return RatedCalls(rated.attempt_id, rated.used, rated.billable_s, rated.price_e4, rated.rates, tuple(unrated))


def _aware(value) -> datetime:  # type: ignore[no-untyped-def]
    if isinstance(value, (int, np.integer)):
        return _EPOCH + int(value) * _ONE_US
    return pd.Timestamp(value).to_pydatetime()
