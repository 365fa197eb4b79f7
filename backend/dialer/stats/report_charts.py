"""Which chart each report shows, said once: the report page draws it as SVG (`svg`), the
report's workbook as a native Excel chart (`workbook_charts`). Pure: a spec and a frame in,
markup out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from dialer.stats import charts
from dialer.stats.timeseries import DAY_NAMES


@dataclass(frozen=True)
class ChartSpec:
    """A chart of one report table.

    kind: "bar" (horizontal bars, stacked when there are several series), "line" (over the
    category axis) or "heat" (rows by `category`, columns by `across`, shaded by the series).
    unit: "hours" (series are seconds), "percent" (series are fractions) or "count".
    marker: a column whose largest value is a limit drawn across the bars (the abandon cap).
    """

    kind: str
    title: str
    table: str
    category: str
    series: tuple[tuple[str, str], ...]  # (name shown, column)
    unit: str = "count"
    marker: str | None = None
    marker_label: str = ""
    across: str | None = None


_STATES = (("talk", "talk_s"), ("wrap-up", "wrap_up_s"), ("ready", "ready_s"), ("ringing", "ringing_s"),
           ("paused", "paused_s"))

SPECS: dict[str, ChartSpec] = {
    "agents": ChartSpec("bar", "Hours by state", "agents", "agent", _STATES, unit="hours"),
    "teams": ChartSpec("bar", "Hours by state", "teams", "team", _STATES, unit="hours"),
    "campaigns": ChartSpec("bar", "Abandon rate over the period (Ofcom-adjusted)", "campaigns", "campaign",
                           (("abandon rate", "abandon_rate"),), unit="percent", marker="abandon_cap",
                           marker_label="cap"),
    "hourly": ChartSpec("heat", "Attempts by hour of day and day of week", "hourly", "dow",
                        (("attempts", "attempts"),), across="hour"),
    "daily": ChartSpec("line", "Calls by day", "daily", "date",
                       (("attempts", "attempts"), ("answered", "answered"), ("connects", "connects"))),
}


def chart_for(report_name: str) -> ChartSpec | None:
    return SPECS.get(report_name)


def heat_grid(spec: ChartSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """The heat map's grid: one row per day of the week (Monday first), one column per hour."""
    return frame.pivot(index=spec.category, columns=spec.across, values=spec.series[0][1]).sort_index()


def category_labels(spec: ChartSpec, frame: pd.DataFrame) -> list[str]:
    values = frame[spec.category]
    if spec.kind == "line" and len(values) and hasattr(values.iloc[0], "strftime"):
        return [d.strftime("%d.%m") for d in values]
    return values.astype(str).tolist()


def _scaled(spec: ChartSpec, values: pd.Series) -> list[float]:
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    if spec.unit == "hours":
        numbers = numbers / 3600.0
    elif spec.unit == "percent":
        numbers = numbers * 100.0
    return [0.0 if v != v else float(v) for v in numbers]


def _fmt(spec: ChartSpec) -> Callable[[float], str]:
    if spec.unit == "hours":
        return lambda v: f"{v:.1f} h"
    if spec.unit == "percent":
        return lambda v: f"{v:.1f} %"
    return lambda v: f"{v:,.0f}"


def svg(spec: ChartSpec | None, frame: pd.DataFrame) -> str | None:
    """The chart as the page shows it; None when there is nothing to draw."""
    if spec is None or frame.empty:
        return None
    fmt = _fmt(spec)
    if spec.kind == "heat":
        grid = heat_grid(spec, frame)
        return charts.heat_map(DAY_NAMES, [str(h) for h in grid.columns], grid.values.tolist(), title=spec.title,
                               fmt=fmt)
    series = {name: _scaled(spec, frame[col]) for name, col in spec.series}
    labels = category_labels(spec, frame)
    if spec.kind == "line":
        return charts.line_chart(labels, series, title=spec.title, fmt=fmt)
    marker = None
    if spec.marker is not None and frame[spec.marker].notna().any():
        marker = max(_scaled(spec, frame[spec.marker]))
    return charts.bar_chart(labels, series, title=spec.title, fmt=fmt, marker=marker, marker_label=spec.marker_label)
