"""`dialer billing rerate --from --to`: price a period's answered calls again and say what
changed. `dialer billing import-rates FILE --tariff NAME`: a tariff's rates from CSV, each bad
line reported as contact imports report them (exit 0 when it ran, 1 refused, 2 bad settings).
The parser lives in `dialer.cli`; a mistake a person can fix prints one line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from dialer.accounts.users import Actor
from dialer.billing.service.rerate import rerate
from dialer.billing.service.tariffs import import_rates
from dialer.models import Tariff
from dialer.config import load_settings
from dialer.db import close_db, init_db
from dialer.stats.period import PeriodError, parse_filter


async def _rerate(args: argparse.Namespace, db_url: str) -> dict[str, object]:
    f = parse_filter(args.date_from, args.date_to, args.timezone)
    await init_db(db_url)
    try:
        report = await rerate(f.start, f.end, at=datetime.now(timezone.utc), dry_run=args.dry_run)
    finally:
        await close_db()
    if not args.json:
        print(report.text())
    return report.as_dict()


class BillingCliError(Exception):
    """A mistake in the command line, said in one line."""


async def _import_rates(args: argparse.Namespace, db_url: str) -> dict[str, object]:
    path = Path(args.file)
    if not path.is_file():
        raise BillingCliError(f"no file {args.file!r}")
    await init_db(db_url)
    try:
        tariff = await Tariff.get_or_none(name=args.tariff)
        if tariff is None:
            raise BillingCliError(f"no tariff named {args.tariff!r}")
        result = await import_rates(tariff, path, actor=Actor.system("cli"), replace=args.replace)
    finally:
        await close_db()
    report = {"status": "refused" if result.refused else "done", "imported": result.imported, "rows": result.rows,
              "invalid": len(result.errors), "errors": [{"line": ln, "reason": r} for ln, r in result.errors[:100]],
              "error": result.refused or None}
    if not args.json:
        if result.refused:
            print(f"not imported: {result.refused}")
        else:
            print(f"{result.imported} rate(s) imported into {tariff.name} from {result.rows} line(s); "
                  f"{len(result.errors)} bad")
            for line, reason in result.errors[:100]:
                print(f"  line {line}: {reason}")
    return report


def run_billing_command(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.billing_command == "import-rates":
        try:
            report = asyncio.run(_import_rates(args, settings.database_url))
        except BillingCliError as exc:
            print(f"dialer billing: {exc}", file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps(report))
        return 1 if report["status"] == "refused" else 0
    try:
        result = asyncio.run(_rerate(args, settings.database_url))
    except PeriodError as exc:
        print(f"dialer billing: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    return 0
