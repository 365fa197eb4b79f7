"""The pure parts on their own: Ofcom's adjustment, best hours, local-time pieces, charts."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from dialer.stats.abandon import abandon_rate, adjusted_abandoned
from dialer.stats.campaigns import best_hours
from dialer.stats.charts import bar_chart, heat_map, line_chart
from dialer.stats.period import PeriodError, parse_filter
from dialer.stats.query import LocalBucket, offset_segments


def test_ofcom_adjustment_by_hand() -> None:
    # 10 abandoned; agents met 90 people and 10 machines: a tenth of the abandoned were
    # machines too. D' = 10 - 10*10/100 = 9; rate 9 / (90 + 9).
    assert adjusted_abandoned(10.0, 90.0, 10.0) == pytest.approx(9.0)
    assert abandon_rate(10.0, 90.0, 10.0) == pytest.approx(9 / 99)
    assert abandon_rate(2.0, 0.0, 0.0) == 1.0  # no agent calls: nothing to adjust
    assert math.isnan(abandon_rate(0.0, 0.0, 0.0))
    rates = abandon_rate(pd.Series([1.0, 0.0]), pd.Series([3.0, 5.0]), pd.Series([1.0, 0.0]))
    assert list(rates) == [pytest.approx(0.2), 0.0]


def test_best_hours_need_enough_attempts() -> None:
    hours = pd.DataFrame({"campaign_id": [1, 1, 1, 1], "bucket": ["09", "10", "11", "14"],
                          "attempts": [20, 20, 3, 20], "connects": [5, 10, 3, 10]})
    # 11:00 is perfect on 3 calls: too few to say. 10 and 14 tie on rate and attempts: earlier first.
    assert best_hours(hours, min_attempts=10).to_dict() == {1: "10:00, 14:00, 09:00"}


def test_offset_segments_split_at_daylight_saving() -> None:
    prague = ZoneInfo("Europe/Prague")
    segments = offset_segments(prague, datetime(2026, 3, 28, tzinfo=timezone.utc),
                               datetime(2026, 3, 31, tzinfo=timezone.utc))
    assert segments == [(datetime(2026, 3, 28, tzinfo=timezone.utc), 60),
                        (datetime(2026, 3, 29, 1, tzinfo=timezone.utc), 120)]


def test_utc_hours_become_local_buckets_across_daylight_saving() -> None:
    values = pd.Series(["2026-03-29 00", "2026-03-29 01", "2026-10-25 00", "2026-10-25 01"])
    hours = LocalBucket("x", "hour_of_day", "Europe/Prague", utc_hours=True).to_local(values)
    assert list(hours) == ["01", "03", "02", "02"]  # 02:00 is skipped in spring, repeated in autumn
    days = LocalBucket("x", "day", "America/New_York", utc_hours=True).to_local(pd.Series(["2026-03-02 03"]))
    assert list(days) == ["2026-03-01"]


def test_period_parsing() -> None:
    f = parse_filter("2026-03-01", "2026-03-01", "Europe/Prague")
    assert f.start == datetime(2026, 2, 28, 23, tzinfo=timezone.utc)
    assert f.end == datetime(2026, 3, 1, 23, tzinfo=timezone.utc)
    with pytest.raises(PeriodError, match="Unknown time zone"):
        parse_filter("2026-03-01", "2026-03-02", "Mars/Olympus")
    with pytest.raises(PeriodError, match="after from"):
        parse_filter("2026-03-02", "2026-03-01")


def test_charts_are_self_contained_svg_with_escaped_text() -> None:
    svg = bar_chart(["<b>x</b>", "y"], {"talk": [1.0, 2.0], "wait": [0.5, float("nan")]}, title="T & U", marker=1.5)
    assert svg.startswith("<svg") and "&lt;b&gt;" in svg and "T &amp; U" in svg and "http" not in svg.replace(
        "http://www.w3.org/2000/svg", "")
    assert "style=" not in svg  # the pages' CSP allows no inline styles
    assert "<polyline" in line_chart(["1", "2"], {"a": [1, 2]}, title="t")
    assert heat_map(["Mon"], ["0", "1"], [[0, 5]], title="h").count("<rect") == 2
