"""`dialer billing rerate --from --to`: price a period's answered calls again and say what
changed. The parser lives in `dialer.cli`; a mistake a person can fix prints one line, exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime, timezone

from dialer.billing.service.rerate import rerate
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


def run_billing_command(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        result = asyncio.run(_rerate(args, settings.database_url))
    except PeriodError as exc:
        print(f"dialer billing: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    return 0
