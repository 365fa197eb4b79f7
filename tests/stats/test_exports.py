"""Exports open in pandas and openpyxl, formulas defused, datetimes naive local time."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dialer.stats.calls import Access, CallQuery
from dialer.stats.calls_export import ExportTooLarge, export_calls
from dialer.stats.cli import run_stats_command
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
    back = pd.read_csv(path)
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
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"
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
    assert await asyncio.to_thread(run_stats_command, args) == 2 and "no campaign named 'Nope'" in capsys.readouterr().err
    await init_db(db)
