"""`dialer dnc import FILE` and `dialer dnc export`: the do-not-call list from the shell.

Arguments are parsed in dialer/cli.py. Import prints a summary and every bad line with its
number and reason (one JSON object with --json); exit 0 when it ran (bad lines may have been
reported), 1 when the file was refused, 2 for bad settings (no such campaign, bad expiry).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # the rest is imported when a command runs: `dialer --help` stays quick
    from dialer.dnc.importing import DncImportResult


class _BadSetting(ValueError):
    pass


async def _campaign_id(name: str | None) -> int | None:
    from dialer.models import Campaign

    if not name:
        return None
    campaign = await Campaign.get_or_none(name=name)
    if campaign is None:
        raise _BadSetting(f"no campaign named {name!r}")
    return campaign.id


def _print_text(result: DncImportResult, out: TextIO) -> None:
    print(result.summary(), file=out)
    print(f"  lines {result.lines:,}   numbers {result.numbers:,}   column {result.column}   "
          f"encoding {result.encoding}   {result.seconds:.1f} s", file=out)
    if result.contacts_closed:
        print(f"  {result.contacts_closed:,} pending contact(s) closed as DNC", file=out)
    for error in result.errors:
        print(f"  line {error['line']}: {error['reason']}", file=out)
    if result.invalid > len(result.errors):
        print(f"  ... {result.invalid - len(result.errors):,} more bad lines", file=out)


async def _import(args: argparse.Namespace, db_url: str, region: str) -> DncImportResult:
    from dialer.db import database
    from dialer.dnc.importing import import_dnc_file

    async with database(db_url):
        campaign_id = await _campaign_id(args.campaign)
        expires = None
        if args.expires_days is not None:
            if not 1 <= args.expires_days <= 36500:
                raise _BadSetting("--expires-days: from 1 to 36500")
            expires = datetime.now(timezone.utc) + timedelta(days=args.expires_days)
        return await import_dnc_file(Path(args.file), campaign_id=campaign_id, expires_at=expires, region=region,
                                     encoding=args.encoding or "", column=args.column or "",
                                     added_by="cli", reason=args.reason or "")


async def _export(args: argparse.Namespace, db_url: str) -> None:
    from dialer.db import database
    from dialer.dnc.export import export_rows

    async with database(db_url):
        campaign_id = await _campaign_id(args.campaign)
        target = sys.stdout if args.file in (None, "-") else open(args.file, "w", encoding="utf-8", newline="")
        try:
            async for chunk in export_rows(campaign_id=campaign_id):
                target.write(chunk if target is not sys.stdout else chunk.lstrip("\ufeff"))
        finally:
            if target is not sys.stdout:
                target.close()


def run_dnc_command(args: argparse.Namespace) -> int:
    from dialer.config import load_settings
    from dialer.dnc.importing import DncFileRefused
    from dialer.importer.plan import DEFAULT_REGION

    settings = load_settings()  # a ConfigError goes up to dialer.cli, which prints it (exit 2)
    try:
        if args.dnc_command == "export":
            asyncio.run(_export(args, settings.database_url))
            return 0
        if not Path(args.file).is_file():
            raise _BadSetting(f"no such file: {args.file}")
        region = (args.region or str(settings.extra.get("default_region", "") or DEFAULT_REGION)).upper()
        result = asyncio.run(_import(args, settings.database_url, region))
    except _BadSetting as exc:
        print(f"dialer dnc: {exc}", file=sys.stderr)
        return 2
    except DncFileRefused as exc:
        if getattr(args, "json", False):
            print(json.dumps({"status": "refused", "error": str(exc), "field": exc.field}, ensure_ascii=False))
        else:
            hint = " Name it with --encoding (e.g. --encoding cp1252)." if exc.field == "encoding" else ""
            print(f"dialer dnc import: {exc}{hint}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"status": "done", **result.as_dict()}, ensure_ascii=False))
    else:
        _print_text(result, sys.stdout)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("dnc", help="the do-not-call list: import a file of numbers, export the list",
                       description="Bulk do-not-call: import a national registry or a customer's list (CSV or "
                       "TXT, one number per line or a column), export the list as CSV.")
    dsub = p.add_subparsers(dest="dnc_command", metavar="ACTION", required=True)
    i = dsub.add_parser("import", help="add every number of a file (bad lines are reported with their number)")
    i.add_argument("file", help="CSV or TXT: one number per line, or a CSV with a phone column")
    i.add_argument("--campaign", default=None, metavar="NAME", help="bar the numbers in this campaign only")
    i.add_argument("--expires-days", type=int, default=None, metavar="N", help="the bar ends after N days")
    i.add_argument("--column", default=None, help="the phone column: a header name or a number (1 = first)")
    i.add_argument("--region", default=None, help="country of national numbers (default: default_region, CZ)")
    i.add_argument("--encoding", default=None, help="the file's encoding when the guess is wrong (e.g. cp1250)")
    i.add_argument("--reason", default=None, help="why, kept with each entry (default: the file's name)")
    i.add_argument("--json", action="store_true", help="print one JSON object")
    e = dsub.add_parser("export", help="write the list as CSV (UTF-8 with BOM)")
    e.add_argument("file", nargs="?", default="-", help="where to write (default: standard output)")
    e.add_argument("--campaign", default=None, metavar="NAME", help="what applies in this campaign only")
    return p
