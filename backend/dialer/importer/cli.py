"""`dialer import FILE --list NAME ...`: import a CSV file from the command line.

Arguments are parsed in dialer/cli.py; this turns them into import options, runs the job in
this process and prints a summary (one JSON object with --json). Exit status: 0 imported
(bad rows may have been reported), 1 the import failed or was refused, 2 bad settings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from dialer.config import Settings, load_settings
from dialer.db import database
from dialer.importer import columns as c
from dialer.importer.jobs import import_file
from dialer.importer.pipeline import ImportSummary
from dialer.importer.plan import DEFAULT_REGION, ImportOptions, ImportRefused


def options_from_args(args: argparse.Namespace, settings: Settings) -> ImportOptions:
    """--mapping is a saved mapping's name, or COLUMN=FIELD pairs."""
    spec = (getattr(args, "mapping", None) or "").strip()
    mapping: dict[str, str] = {}
    mapping_name = ""
    if spec:
        if "=" in spec:
            try:
                mapping = c.parse_mapping_spec(spec)
            except c.MappingError as exc:
                raise ImportRefused(f"--mapping: {exc}", "mapping") from None
        else:
            mapping_name = spec
    region = getattr(args, "region", None) or str(settings.extra.get("default_region", "") or DEFAULT_REGION)
    return ImportOptions(
        region=region.upper(), encoding=getattr(args, "encoding", None) or "",
        delimiter=getattr(args, "delimiter", None) or "", mapping=mapping, mapping_name=mapping_name,
        caller_id=getattr(args, "caller_id", None) or "", caller_id_pool=getattr(args, "caller_id_pool", None) or "",
        dial_profile=getattr(args, "dial_profile", None) or "",
    )


def _print_text(summary: ImportSummary) -> None:
    print(summary.message)
    print(f"  imported {summary.imported:,}   duplicates {summary.duplicates:,}   invalid {summary.invalid:,}"
          f"   DNC {summary.dnc:,}   rows {summary.rows:,}   {summary.seconds:.1f} s")
    for error in summary.errors[:20]:
        print(f"  line {error['line']}: {error['reason']}")
    if summary.invalid > 20:
        print(f"  ... {summary.invalid - 20:,} more")
    if summary.errors_file:
        print(f"  every bad row: {summary.errors_file}")
    for dup in summary.duplicate_rows[:20]:
        print(f"  line {dup['line']}: duplicate {dup['phone']}, {dup['reason']}")
    if summary.duplicates > 20:
        print(f"  ... {summary.duplicates - 20:,} more duplicates")
    if summary.duplicates_file:
        print(f"  every duplicate: {summary.duplicates_file}")


async def _run(args: argparse.Namespace, settings: Settings) -> tuple[int, dict[str, Any]]:
    options = options_from_args(args, settings)
    path = Path(args.file)
    async with database(settings.database_url):
        summary = await import_file(path, args.list_name, options, settings.data_dir, source="cli")
    if not args.json:
        _print_text(summary)
    return (0 if summary.status == "done" else 1), summary.as_json()


def run_import_command(args: argparse.Namespace) -> int:
    settings = load_settings()  # a ConfigError goes up to dialer.cli, which prints it (exit 2)
    try:
        status, body = asyncio.run(_run(args, settings))
    except ImportRefused as exc:
        if args.json:
            print(json.dumps({"imported": 0, "duplicates": 0, "invalid": 0, "errors": [],
                              "status": "refused", "error": str(exc), "field": exc.field}, ensure_ascii=False))
        else:
            hint = " Name it with --encoding (e.g. --encoding cp1252)." if exc.field == "encoding" else ""
            print(f"dialer import: {exc}{hint}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(body, ensure_ascii=False))
    return status
