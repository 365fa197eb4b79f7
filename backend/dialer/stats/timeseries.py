"""Calls over time: the hour-of-day by day-of-week heat map and trends by day.

Pure arithmetic on attempt measures per local hour bucket ('YYYY-MM-DD HH'), so one load
serves both reports. Every cell and every day of the period is present, zero when quiet.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dialer.stats.abandon import rule_abandon_rate
from dialer.stats.agents import _ratio

DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
COUNTS = ["attempts", "answered", "connects", "abandoned", "machines", "connected_late"]


def _split(buckets: pd.DataFrame) -> pd.DataFrame:
    frame = buckets.copy()
    text = frame["bucket"].astype(str)
    frame["date"] = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d").dt.date
    frame["hour"] = text.str.slice(11, 13).astype(int)
    frame["dow"] = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d").dt.day_of_week + 1  # 1 = Monday
    return frame


def heat_map(buckets: pd.DataFrame) -> pd.DataFrame:
    """7 x 24 rows (dow 1 = Monday .. 7, hour 0..23) with counts and the connect rate."""
    frame = _split(buckets) if not buckets.empty else buckets.assign(dow=[], hour=[])
    grid = pd.MultiIndex.from_product([range(1, 8), range(24)], names=["dow", "hour"])
    sums = frame.groupby(["dow", "hour"])[COUNTS + ["talk_s"]].sum().reindex(grid).fillna(0)
    table = sums[COUNTS].astype(int)
    table["connect_rate"] = _ratio(table["connects"], table["attempts"])
    table["talk_s"] = sums["talk_s"].round(3)
    table = table.reset_index()
    table.insert(1, "day", table["dow"].map(lambda d: DAY_NAMES[d - 1]))
    return table


def daily_trend(buckets: pd.DataFrame, dates: list[date]) -> pd.DataFrame:
    """One row per local date of the period with counts, rates and handle time."""
    frame = _split(buckets) if not buckets.empty else buckets.assign(date=[])
    sums = frame.groupby("date")[COUNTS + ["talk_s", "wrap_up_s"]].sum().reindex(pd.Index(dates, name="date")).fillna(0)
    table = sums[COUNTS].astype(int)
    table["answer_rate"] = _ratio(table["answered"], table["attempts"])
    table["connect_rate"] = _ratio(table["connects"], table["attempts"])
    table["abandon_rate"] = rule_abandon_rate(table["abandoned"], table["connected_late"], table["connects"],
                                              table["machines"])
    table["talk_s"] = sums["talk_s"].round(3)
    table["aht_s"] = _ratio(sums["talk_s"] + sums["wrap_up_s"], table["connects"])
    return table.reset_index()
