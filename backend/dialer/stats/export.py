"""Exports of report tables: CSV through pyarrow, XLSX through XlsxWriter row by row.

Two traps (DATA-LAYER.md): pandas' ExcelWriter with `constant_memory` silently drops
cells, so the workbook is written cell by cell in row order with XlsxWriter itself; and
Excel refuses time-zone-aware datetimes, so datetimes become naive local time of the
report's zone. CSV is written for Excel in the user's language (`csv_format`), and text
that a spreadsheet would run as a formula is defused with a quote there; a workbook's
cells are typed (text is never a formula), so they keep text as it is: phone numbers
without an apostrophe, durations as Excel time, rates as percentages, dates as dates.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import IO, Iterable, Mapping, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import xlsxwriter

from dialer.labels import label
from dialer.stats.csv_format import DEFAULT, CsvFormat, csv_target, numbers_for_csv
from dialer.stats.report_charts import ChartSpec
from dialer.stats.units import Unit, unit_of
from dialer.stats.workbook_charts import add_chart

# OWASP's list for CSV injection: these starts make Excel, LibreOffice or Sheets evaluate.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Columns that hold an enum's value, and what an empty one means: exports show words.
LABELLED_COLUMNS = {"status": "", "outcome": "In progress", "system_disposition": ""}


def defuse(value: str) -> str:
    """`=1+2` becomes `'=1+2`: shown as text, never evaluated."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def defuse_series(values: pd.Series) -> pd.Series:
    text = values.astype("string")
    risky = text.str.startswith(FORMULA_STARTS).fillna(False)
    if risky.any():
        text = text.where(~risky, "'" + text)
    return text


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Enum values of the human-readable columns as words (`no_answer` -> "No answer")."""
    out = frame.copy()
    for name, empty in LABELLED_COLUMNS.items():
        if name in out.columns and not pd.api.types.is_numeric_dtype(out[name].dtype):
            out[name] = out[name].map(lambda v: label(v, empty) if isinstance(v, str) or v is None else v)
    return out


def _has(col: pd.Series, kind: type) -> bool:
    return col.dtype == object and len(col) > 0 and bool(col.map(lambda v: isinstance(v, kind)).any())


def prepare(frame: pd.DataFrame, tz: str, *, defuse_text: bool = True) -> pd.DataFrame:
    """A copy fit for a file: aware datetimes as naive local time of `tz`, and text defused
    (for CSV; a workbook's typed cells need no guard). Calendar days stay dates."""
    out = {}
    for name, col in frame.items():
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[name] = col.dt.tz_convert(tz).dt.tz_localize(None)
        elif pd.api.types.is_datetime64_any_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
            out[name] = col
        elif _has(col, datetime):
            out[name] = pd.to_datetime(col, utc=True).dt.tz_convert(tz).dt.tz_localize(None)
        elif _has(col, date):  # calendar days (the daily trend): no zone to convert
            out[name] = col
        elif defuse_text:
            out[name] = defuse_series(col)
        else:
            out[name] = col.astype(object).where(col.notna(), None)
    return pd.DataFrame(out, index=frame.index)


def _arrow(frame: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Whole seconds read better in a spreadsheet than pyarrow's microsecond default.
    fields = [pa.field(f.name, pa.timestamp("s")) if pa.types.is_timestamp(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields), safe=False)


def write_csv(frame: pd.DataFrame, target: str | Path | IO[bytes], tz: str = "UTC",
              fmt: CsvFormat = DEFAULT) -> None:
    """The table as CSV for Excel in `fmt`'s locale: BOM, delimiter, rounded numbers."""
    table = numbers_for_csv(_arrow(prepare(labelled(frame), tz)), fmt)
    with csv_target(target) as out:
        pacsv.write_csv(table, out, fmt.write_options())


def sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in taken:
        candidate = f"{clean[:28]}_{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def write_xlsx(tables: Mapping[str, pd.DataFrame] | Iterable[tuple[str, pd.DataFrame]],
               target: str | Path | IO[bytes], tz: str = "UTC", *, charts: Sequence[ChartSpec] = (),
               labels: bool = True) -> None:
    """One sheet per table, written row by row in constant memory; then a sheet per chart,
    drawn from the cells of the table it names. `labels`: enum values as words."""
    items = list(tables.items() if isinstance(tables, Mapping) else tables)
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    try:
        formats = {
            "bold": workbook.add_format({"bold": True}),
            "when": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "day": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "percent": workbook.add_format({"num_format": "0.00%"}),
            "duration": workbook.add_format({"num_format": "[h]:mm:ss"}),
        }
        taken: set[str] = set()
        written: dict[str, tuple[str, pd.DataFrame]] = {}
        for name, frame in items:
            title = sheet_name(name, taken)
            ready = prepare(labelled(frame) if labels else frame, tz, defuse_text=False)
            _write_sheet(workbook.add_worksheet(title), ready, formats)
            written[name] = (title, ready)
        for spec in charts:
            if spec.table in written and not written[spec.table][1].empty:
                title, frame = written[spec.table]
                add_chart(workbook, workbook.add_worksheet(sheet_name("chart", taken)), spec, title, frame)
    finally:
        workbook.close()


EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _excel_serial(col: pd.Series) -> list[float | None]:
    """Naive datetimes as Excel day numbers, vectorised: XlsxWriter's per-cell conversion
    is a tenth of the write time otherwise."""
    days = (col - EXCEL_EPOCH) / pd.Timedelta(days=1)
    return days.astype(object).where(col.notna(), None).tolist()


def _write_sheet(sheet, frame: pd.DataFrame, formats: dict) -> None:  # type: ignore[no-untyped-def]
    columns = list(frame.columns)
    for c, name in enumerate(columns):
        sheet.write_string(0, c, str(name), formats["bold"])
        sheet.set_column(c, c, max(10, min(40, len(str(name)) + 2)))
    writers = []
    values = []
    for name, col in frame.items():
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            writers.append((sheet.write_number, formats["when"]))
            values.append(_excel_serial(col))
        elif _has(col, date):  # calendar days (the daily trend): a date, not midnight
            writers.append((sheet.write_number, formats["day"]))
            values.append(_excel_serial(pd.to_datetime(col)))
        elif pd.api.types.is_bool_dtype(col.dtype):
            writers.append((sheet.write_boolean, None))
            values.append(col.astype(object).where(col.notna(), None).tolist())
        elif pd.api.types.is_numeric_dtype(col.dtype):
            unit = unit_of(str(name))
            numbers = col.astype(float)
            if unit is Unit.SECONDS:  # Excel time is a fraction of a day
                numbers = numbers / 86400.0
            writers.append((sheet.write_number, formats["duration"] if unit is Unit.SECONDS else
                            formats["percent"] if unit is Unit.RATE else None))
            values.append(numbers.astype(object).where(numbers.notna(), None).tolist())
        else:
            writers.append((sheet.write_string, None))
            values.append(col.astype(object).where(col.notna(), None).tolist())
    # Row order matters: constant_memory flushes a row as soon as the next one starts.
    for r, row in enumerate(zip(*values), start=1):
        for c, value in enumerate(row):
            if value is not None:
                write, fmt = writers[c]
                write(r, c, value, fmt)
