"""The report's chart as a native Excel chart in its workbook (XlsxWriter), drawn from the
same `ChartSpec` as the page's SVG and over the cells of the report's own sheet, so a
supervisor who edits a number sees the chart follow. The heat map, which Excel has no chart
for, is the grid of the page with a colour scale.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dialer.stats.report_charts import ChartSpec, heat_grid
from dialer.stats.timeseries import DAY_NAMES

_AXIS_FORMAT = {"hours": "[h]:mm", "percent": "0%", "count": "#,##0"}
_COLOURS = ["#1f6feb", "#1a7f37", "#b35900", "#8250df", "#c62828", "#0e7490", "#6e7781", "#bf8700"]


def add_chart(workbook: Any, chart_sheet: Any, spec: ChartSpec, data_sheet: str, frame: pd.DataFrame) -> None:
    """Draw `spec` on `chart_sheet` from `frame`, which is written on `data_sheet` with its
    header on row 1 (durations as Excel time, rates as fractions: the axis formats agree)."""
    bold = workbook.add_format({"bold": True, "font_size": 13})
    chart_sheet.write_string(0, 0, spec.title, bold)
    if spec.kind == "heat":
        _heat_map(workbook, chart_sheet, spec, frame)
        return
    columns = list(frame.columns)
    rows = len(frame)
    cat = columns.index(spec.category)
    if spec.kind == "line":
        chart = workbook.add_chart({"type": "line"})
    else:
        stacked = len(spec.series) > 1
        chart = workbook.add_chart({"type": "bar", **({"subtype": "stacked"} if stacked else {})})
    series = list(spec.series)
    if spec.marker is not None:
        series.append((spec.marker_label or spec.marker, spec.marker))
    for i, (name, column) in enumerate(series):
        col = columns.index(column)
        colour = _COLOURS[i % len(_COLOURS)]
        options: dict[str, Any] = {"name": name, "categories": [data_sheet, 1, cat, rows, cat],
                                   "values": [data_sheet, 1, col, rows, col]}
        if spec.kind == "line":
            options |= {"line": {"color": colour, "width": 2}, "marker": {"type": "circle", "size": 4,
                                                                         "fill": {"color": colour},
                                                                         "border": {"color": colour}}}
        else:
            options |= {"fill": {"color": colour}, "border": {"none": True}}
            if column == spec.marker:  # the limit: an outline beside each campaign's bar
                options |= {"fill": {"none": True}, "border": {"color": "#c62828", "dash_type": "dash", "width": 1.5}}
        chart.add_series(options)
    value_axis = {"num_format": _AXIS_FORMAT.get(spec.unit, "General"), "major_gridlines": {"visible": True}}
    if spec.kind == "bar":
        chart.set_x_axis(value_axis)
        chart.set_y_axis({"reverse": True})  # the table's first row at the top, as on the page
    else:
        chart.set_y_axis(value_axis)
        chart.set_x_axis({"date_axis": False, "num_format": "dd.mm", "num_font": {"rotation": -45}})
    chart.set_title({"none": True})
    chart.set_legend({"position": "bottom"} if len(series) > 1 else {"none": True})
    height = max(320, 24 * rows + 120) if spec.kind == "bar" else 360
    chart.set_size({"width": 900, "height": min(height, 4000)})
    chart_sheet.insert_chart(2, 0, chart)


def _heat_map(workbook: Any, sheet: Any, spec: ChartSpec, frame: pd.DataFrame) -> None:
    grid = heat_grid(spec, frame)
    head = workbook.add_format({"bold": True, "align": "center"})
    sheet.write_string(2, 0, "", head)
    for c, hour in enumerate(grid.columns, start=1):
        sheet.write_number(2, c, int(hour), head)
        sheet.set_column(c, c, 5)
    for r, (dow, values) in enumerate(grid.iterrows(), start=3):
        sheet.write_string(r, 0, DAY_NAMES[int(dow) - 1], head)
        for c, value in enumerate(values, start=1):
            sheet.write_number(r, c, 0 if value != value else float(value))
    last_row, last_col = 2 + len(grid), len(grid.columns)
    sheet.conditional_format(3, 1, last_row, last_col, {"type": "2_color_scale", "min_color": "#FFFFFF",
                                                        "max_color": "#1F6FEB"})
