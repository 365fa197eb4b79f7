"""`dialer stats export`: a report (or the raw attempts) of a period into a CSV or XLSX file.

The parser lives in `dialer.cli`; this module resolves names, runs the report and writes
the file. Mistakes a person can fix (unknown campaign, bad date) print one line, exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timezone
from pathlib import Path

from dialer.config import load_settings
from dialer.db import close_db, init_db
from dialer.models import Campaign, Team
from dialer.stats.calls import Access, CallQuery
from dialer.stats.calls_export import ExportTooLarge, export_calls
from dialer.stats.csv_format import csv_format
from dialer.stats.export import write_csv, write_xlsx
from dialer.stats.period import PeriodError, parse_filter
from dialer.stats.reports import REPORTS, run_report

CALL_REPORTS = ("attempts", "calls")  # row per attempt: every column, or the search list's


class StatsCliError(Exception):
    """A mistake in the command line, said in one line."""


async def _ids(model: type[Campaign] | type[Team], name: str | None, what: str) -> tuple[int, ...]:
    if not name:
        return ()
    found = await model.get_or_none(name=name)
    if found is None:
        raise StatsCliError(f"no {what} named {name!r}")
    return (found.id,)


async def export(args: argparse.Namespace, db_url: str) -> Path:
    report = args.report
    if report not in REPORTS + CALL_REPORTS:
        raise StatsCliError(f"unknown report {report!r}; choose from {', '.join(REPORTS + CALL_REPORTS)}")
    try:
        csv = csv_format(getattr(args, "delimiter", None) or "comma")
    except ValueError as exc:
        raise StatsCliError(str(exc)) from None
    await init_db(db_url)
    try:
        campaign_ids = await _ids(Campaign, args.campaign, "campaign")
        team_ids = await _ids(Team, args.team, "team")
        f = parse_filter(args.date_from, args.date_to, args.timezone or "UTC", campaign_ids=campaign_ids,
                         team_ids=team_ids)
        output = Path(args.output or f"{report}-{args.date_from[:10]}-{args.date_to[:10]}.{args.format}")
        if report in CALL_REPORTS:
            q = CallQuery(start=f.start, end=f.end, campaign_ids=campaign_ids, team_ids=team_ids)
            rows = await export_calls(q, Access(everything=True), output, args.format, tz=f.tz,
                                      raw=report == "attempts", csv=csv)
            print(f"{output}: {rows:,} calls", file=sys.stderr)
            return output
        result = await run_report(report, f, now=datetime.now(timezone.utc))
        if args.format == "csv":
            write_csv(result.main, output, f.tz, csv)
        else:
            write_xlsx(result.tables, output, f.tz, charts=result.charts)
        print(f"{output}: {len(result.main):,} rows", file=sys.stderr)
        return output
    finally:
        await close_db()


def run_stats_command(args: argparse.Namespace) -> int:
    if args.stats_command != "export":
        print(f"dialer: unknown stats action {args.stats_command!r}", file=sys.stderr)
        return 2
    settings = load_settings()
    try:
        output = asyncio.run(export(args, settings.database_url))
    except (StatsCliError, PeriodError, ExportTooLarge) as exc:
        print(f"dialer: {exc}", file=sys.stderr)
        return 2
    print(output)
    return 0
