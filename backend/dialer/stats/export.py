"""Exports of report tables: CSV through pyarrow, XLSX through XlsxWriter row by row.

Two traps (DATA-LAYER.md): pandas' ExcelWriter with `constant_memory` silently drops
cells, so the workbook is written cell by cell in row order with XlsxWriter itself; and
Excel refuses time-zone-aware datetimes, so datetimes become naive local time of the
report's zone. Text that a spreadsheet would run as a formula is defused with a quote.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import IO, Iterable, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import xlsxwriter

# OWASP's list for CSV injection: these starts make Excel, LibreOffice or Sheets evaluate.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_COLUMNS = ("_rate", "_rate_24h", "_rate_30d", "occupancy", "abandon_cap")


def defuse(value: str) -> str:
    """`=1+2` becomes `'=1+2`: shown as text, never evaluated."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def defuse_series(values: pd.Series) -> pd.Series:
    text = values.astype("string")
    risky = text.str.startswith(FORMULA_STARTS).fillna(False)
    if risky.any():
        text = text.where(~risky, "'" + text)
    return text


def prepare(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """A copy fit for a file: text defused, aware datetimes as naive local time of `tz`."""
    out = {}
    for name, col in frame.items():
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[name] = col.dt.tz_convert(tz).dt.tz_localize(None)
        elif pd.api.types.is_datetime64_any_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
            out[name] = col
        elif col.dtype == object and len(col) and col.map(lambda v: isinstance(v, datetime)).any():
            out[name] = pd.to_datetime(col, utc=True).dt.tz_convert(tz).dt.tz_localize(None)
        else:
            out[name] = defuse_series(col)
    return pd.DataFrame(out, index=frame.index)


def _arrow(frame: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Whole seconds read better in a spreadsheet than pyarrow's microsecond default.
    fields = [pa.field(f.name, pa.timestamp("s")) if pa.types.is_timestamp(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields), safe=False)


def write_csv(frame: pd.DataFrame, target: str | Path | IO[bytes], tz: str = "UTC") -> None:
    pacsv.write_csv(_arrow(prepare(frame, tz)), target)


class CsvStream:
    """CSV written chunk by chunk (the raw attempts: a million rows never sit in memory)."""

    def __init__(self, target: str | Path | IO[bytes], tz: str = "UTC") -> None:
        self.target = target
        self.tz = tz
        self._writer: pacsv.CSVWriter | None = None

    def write(self, frame: pd.DataFrame) -> None:
        table = _arrow(prepare(frame, self.tz))
        if self._writer is None:
            self._writer = pacsv.CSVWriter(self.target, table.schema)
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in taken:
        candidate = f"{clean[:28]}_{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def write_xlsx(tables: Mapping[str, pd.DataFrame] | Iterable[tuple[str, pd.DataFrame]],
               target: str | Path | IO[bytes], tz: str = "UTC") -> None:
    """One sheet per table, written row by row in constant memory."""
    items = tables.items() if isinstance(tables, Mapping) else tables
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    try:
        bold = workbook.add_format({"bold": True})
        when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        percent = workbook.add_format({"num_format": "0.00%"})
        taken: set[str] = set()
        for name, frame in items:
            sheet = workbook.add_worksheet(sheet_name(name, taken))
            _write_sheet(sheet, prepare(frame, tz), bold, when, percent)
    finally:
        workbook.close()


EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _excel_serial(col: pd.Series) -> list[float | None]:
    """Naive datetimes as Excel day numbers, vectorised: XlsxWriter's per-cell conversion
    is a tenth of the write time otherwise."""
    days = (col - EXCEL_EPOCH) / pd.Timedelta(days=1)
    return days.astype(object).where(col.notna(), None).tolist()


def _write_sheet(sheet, frame: pd.DataFrame, bold, when, percent) -> None:  # type: ignore[no-untyped-def]
    columns = list(frame.columns)
    for c, name in enumerate(columns):
        sheet.write_string(0, c, str(name), bold)
        sheet.set_column(c, c, max(10, min(40, len(str(name)) + 2)))
    writers = []
    values = []
    for name, col in frame.items():
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            writers.append((sheet.write_number, when))
            values.append(_excel_serial(col))
        elif pd.api.types.is_bool_dtype(col.dtype):
            writers.append((sheet.write_boolean, None))
            values.append(col.astype(object).where(col.notna(), None).tolist())
        elif pd.api.types.is_numeric_dtype(col.dtype):
            fmt = percent if str(name).endswith(PERCENT_COLUMNS) else None
            writers.append((sheet.write_number, fmt))
            numbers = col.astype(float)
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
