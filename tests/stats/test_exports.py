"""Exports open in pandas and openpyxl as a call centre opens them: CSV for Excel (BOM, the
locale's delimiter, no float noise, formulas defused), XLSX with typed cells (phones as text
without an apostrophe, durations as Excel time, rates as percentages, dates as dates) and
the report's chart."""

from __future__ import annotations

import argparse
import asyncio
import codecs
import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dialer.stats.calls import Access, CallQuery
from dialer.cli import build_parser
from dialer.stats.calls_export import ExportTooLarge, export_calls
from dialer.stats.cli import run_stats_command
from dialer.stats.csv_format import FORMATS
from dialer.stats.export import defuse, write_csv, write_xlsx
from dialer.stats.period import parse_filter
from dialer.stats.reports import run_report
from stats.world import NOW, World, at


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_defused(text: str) -> None:
    assert defuse(text) == "'" + text


def test_plain_text_is_left_alone() -> None:
    assert defuse("Sale") == "Sale" and defuse("") == ""


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "who": ["=cmd|' /C calc'!A0", "bob", None],
        "when": pd.to_datetime(["2026-03-02 09:00:00+00:00", "2026-07-01 12:30:00+00:00", None], utc=True),
        "answer_rate": [0.25, None, 1.0],
        "n": [1, 2, 3],
    })


def test_csv_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_csv(_frame(), path, "Europe/Prague")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)  # Excel's cue that the file is UTF-8
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back.who[0] == "'=cmd|' /C calc'!A0" and back.who[1] == "bob"
    # Winter time +1, summer time +2: local wall-clock time, no zone suffix.
    assert list(back["when"][:2]) == ["2026-03-02 10:00:00", "2026-07-01 14:30:00"]
    assert back.n.tolist() == [1, 2, 3]


def test_xlsx_opens_in_openpyxl_and_pandas(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_xlsx({"main": _frame(), "second: sheet?": pd.DataFrame({"x": [1]})}, path, "Europe/Prague")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["main", "second_ sheet_"]
    sheet = book["main"]
    assert [c.value for c in sheet[1]] == ["who", "when", "answer_rate", "n"]
    # A typed text cell is never a formula: no apostrophe in the workbook (the CSV keeps it).
    assert sheet["A2"].value == "=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == datetime(2026, 3, 2, 10, 0) and sheet["B2"].value.tzinfo is None
    assert sheet["C2"].number_format == "0.00%" and sheet["C3"].value is None
    assert sheet["A4"].value is None and sheet["D4"].value == 3
    frame = pd.read_excel(path, sheet_name="main")
    assert len(frame) == 3 and frame.n.tolist() == [1, 2, 3]


async def test_report_tables_export_to_xlsx(world: World, tmp_path: Path) -> None:
    report = await run_report("campaigns", parse_filter("2026-03-02", "2026-03-03"), now=NOW)
    path = tmp_path / "c.xlsx"
    write_xlsx(report.tables, path)
    frame = pd.read_excel(path, sheet_name="campaigns")
    assert frame.set_index("campaign").loc["Spring", "attempts"] == 7
    assert "hangup causes" in openpyxl.load_workbook(path).sheetnames


async def test_raw_attempts_csv_has_every_call_escaped_and_local(world: World, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    q = CallQuery(start=at(1, 0), end=at(3, 0))
    assert await export_calls(q, Access(everything=True), path, "csv", tz="Europe/Prague", raw=True) == 10
    frame = pd.read_csv(path, keep_default_na=False)
    first = frame[frame.id == world.attempts[0].id].iloc[0]
    assert first.notes == "'=HYPERLINK(\"http://evil\")"
    assert first.originated_at == "2026-03-02 10:00:00" and first.campaign == "Spring" and first.agent == "alice"
    assert first.external_id == "CRM-1" and first.disposition == "Sale"


async def test_calls_xlsx_export_and_size_limit(world: World, tmp_path: Path) -> None:
    path = tmp_path / "calls.xlsx"
    q = CallQuery(start=at(2, 0), end=at(3, 0), campaign_ids=(world.campaigns["Spring"].id,))
    assert await export_calls(q, Access(everything=True), path, "xlsx") == 7
    sheet = openpyxl.load_workbook(path)["calls"]
    assert sheet.max_row == 8 and sheet["B2"].value == datetime(2026, 3, 2, 9, 0)
    with pytest.raises(ExportTooLarge):
        await export_calls(q, Access(everything=True), tmp_path / "x.xlsx", "xlsx", max_xlsx_rows=3)


async def test_cli_export(world: World, db: str, tmp_path: Path, monkeypatch, capsys) -> None:
    from dialer.db import close_db, init_db

    await close_db()  # the command opens the database itself, in its own event loop
    monkeypatch.setenv("DIALER_DB_URL", db)
    out = tmp_path / "agents.xlsx"
    args = argparse.Namespace(stats_command="export", report="agents", date_from="2026-03-02", date_to="2026-03-03",
                              format="xlsx", output=str(out), campaign=None, team="Sales", timezone="UTC")
    assert await asyncio.to_thread(run_stats_command, args) == 0
    frame = pd.read_excel(out)
    assert sorted(frame.agent) == ["alice", "bob"]
    args.team, args.campaign = None, "Nope"
    assert await asyncio.to_thread(run_stats_command, args) == 2
    assert "no campaign named 'Nope'" in capsys.readouterr().err
    await init_db(db)


def _rows(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8), data[:20]
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=delimiter))


def _report_frame() -> pd.DataFrame:
    return pd.DataFrame({"team": ["Léto", "Zima"], "aht_s": [28.597125000000002, 61.25],
                         "answer_rate": [0.123456789, None], "calls_per_hour": [2.0 / 3.0, 4.0], "calls": [3, 4]})


@pytest.mark.parametrize("name, delimiter, aht, rate, per_hour", [
    ("comma", ",", "28.6", "0.1235", "0.67"),
    ("semicolon", ";", "28,6", "0,1235", "0,67"),  # where `;` separates, the decimal mark is a comma
    ("tab", "\t", "28.6", "0.1235", "0.67"),
])
def test_csv_for_excel_has_a_bom_the_locales_delimiter_and_no_float_noise(
        name: str, delimiter: str, aht: str, rate: str, per_hour: str) -> None:
    out = io.BytesIO()
    write_csv(_report_frame(), out, "UTC", FORMATS[name])
    data = out.getvalue()
    rows = _rows(data, delimiter)
    assert rows[0] == ["team", "aht_s", "answer_rate", "calls_per_hour", "calls"]
    assert rows[1] == ["Léto", aht, rate, per_hour, "3"]
    # 61.25 rounds half away from zero, as Excel does; an empty rate stays empty.
    assert rows[2] == ["Zima", "61,3" if name == "semicolon" else "61.3", "", "4", "4"]
    assert b"28.597125" not in data and b"0.6666" not in data
    assert "Léto".encode() in data  # UTF-8 after the BOM, not a code page


async def test_calls_csv_speaks_words_in_the_chosen_format(world: World, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    q = CallQuery(start=at(2, 0), end=at(3, 0), campaign_ids=(world.campaigns["Spring"].id,))
    assert await export_calls(q, Access(everything=True), path, "csv", csv=FORMATS["semicolon"]) == 7
    rows = _rows(path.read_bytes(), ";")
    head = rows[0]
    by_id = {int(r[0]): dict(zip(head, r)) for r in rows[1:]}
    no_answer = by_id[world.attempts[5].id]
    assert no_answer["outcome"] == "No answer"  # the search list's export is for people
    assert no_answer["phone"] == "'+42020000005"  # CSV keeps the formula guard
    assert by_id[world.attempts[0].id]["talk_s"] == "100" and by_id[world.attempts[0].id]["wait_s"] == "1"
    raw = tmp_path / "raw.csv"
    await export_calls(q, Access(everything=True), raw, "csv", raw=True)
    frame = pd.read_csv(raw, encoding="utf-8-sig", keep_default_na=False)
    assert "no_answer" in set(frame.outcome)  # the raw attempts keep the stored values


async def test_calls_xlsx_has_typed_cells(world: World, tmp_path: Path) -> None:
    path = tmp_path / "calls.xlsx"
    q = CallQuery(start=at(2, 0), end=at(3, 0), campaign_ids=(world.campaigns["Spring"].id,))
    await export_calls(q, Access(everything=True), path, "xlsx", tz="Europe/Prague")
    sheet = openpyxl.load_workbook(path)["calls"]
    head = [c.value for c in sheet[1]]
    rows = {r[0].value: dict(zip(head, r)) for r in sheet.iter_rows(min_row=2)}
    first = rows[world.attempts[0].id]
    assert first["phone"].value == "+42020000001" and first["phone"].data_type == "s"  # text, no apostrophe
    # Excel time (openpyxl reads a duration format back as a timedelta).
    assert first["talk_s"].number_format == "[h]:mm:ss" and first["talk_s"].value == timedelta(seconds=100)
    assert first["started"].value == datetime(2026, 3, 2, 10, 0) and first["started"].value.tzinfo is None
    assert rows[world.attempts[5].id]["outcome"].value == "No answer"


async def test_report_workbook_has_typed_cells_and_the_pages_chart(world: World, tmp_path: Path) -> None:
    f = parse_filter("2026-03-02", "2026-03-04")
    report = await run_report("agents", f, now=NOW)
    path = tmp_path / "agents.xlsx"
    write_xlsx(report.tables, path, charts=report.charts)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["agents", "chart"]
    sheet = book["agents"]
    head = [c.value for c in sheet[1]]
    alice = next(dict(zip(head, r)) for r in sheet.iter_rows(min_row=2) if r[head.index("agent")].value == "alice")
    assert alice["logged_in_s"].number_format == "[h]:mm:ss" and alice["logged_in_s"].value == timedelta(hours=4)
    assert alice["occupancy"].number_format == "0.00%"
    (chart,) = book["chart"]._charts
    assert chart.tagname == "barChart" and chart.grouping == "stacked" and len(chart.series) == 5

    daily = await run_report("daily", f, now=NOW)
    write_xlsx(daily.tables, path, charts=daily.charts)
    book = openpyxl.load_workbook(path)
    sheet = book["daily"]
    assert sheet["A2"].value == datetime(2026, 3, 2) and sheet["A2"].number_format == "yyyy-mm-dd"
    (chart,) = book["chart"]._charts
    assert chart.tagname == "lineChart" and len(chart.series) == 3

    hourly = await run_report("hourly", f, now=NOW)
    write_xlsx(hourly.tables, path, charts=hourly.charts)
    grid = openpyxl.load_workbook(path)["chart"]
    # Monday, from 09:00 to 10:00 four calls, from 10:00 three (column B is 00:00, K is 09:00).
    assert grid["A4"].value == "Mon" and grid["B3"].value == 0 and grid["K4"].value == 4 and grid["L4"].value == 3
    assert grid.conditional_formatting


async def test_cli_exports_csv_for_the_chosen_excel(world: World, db: str, tmp_path: Path, monkeypatch, capsys) -> None:
    from dialer.db import close_db, init_db

    await close_db()  # the command opens the database itself, in its own event loop
    monkeypatch.setenv("DIALER_DB_URL", db)
    out = tmp_path / "agents.csv"
    args = build_parser().parse_args(["stats", "export", "--report", "agents", "--from", "2026-03-02", "--to",
                                      "2026-03-03", "--output", str(out), "--delimiter", "semicolon"])
    assert await asyncio.to_thread(run_stats_command, args) == 0
    rows = _rows(out.read_bytes(), ";")
    assert rows[0][:2] == ["agent_id", "agent"] and any("," in value for row in rows[1:] for value in row)
    calls = tmp_path / "calls.csv"
    args = build_parser().parse_args(["stats", "export", "--report", "calls", "--from", "2026-03-02", "--to",
                                      "2026-03-03", "--output", str(calls), "--delimiter", "tab"])
    assert await asyncio.to_thread(run_stats_command, args) == 0
    assert _rows(calls.read_bytes(), "\t")[0][:3] == ["id", "started", "campaign"]
    args.delimiter = "pipe"
    assert await asyncio.to_thread(run_stats_command, args) == 2 and "unknown CSV delimiter" in capsys.readouterr().err
    await init_db(db)
