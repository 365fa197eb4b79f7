"""The `dialer` command: run, demo, migrate, user management, and the simulated PBX.

Each subcommand parses its arguments here and hands over to the module that owns the work;
errors meant for a person (bad settings, bad arguments) print one line and exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Callable, Sequence

from dialer.config import ConfigError

Handler = Callable[[argparse.Namespace], int]


def _cmd_run(args: argparse.Namespace) -> int:
    from dialer.server import serve

    return serve(host=args.host, port=args.port, migrate_first=not args.no_migrate)


def _cmd_demo(args: argparse.Namespace) -> int:
    from dialer.demo import run_demo

    return run_demo(host=args.host, port=args.port, data_dir=args.data_dir, reset=args.reset,
                    time_scale=args.time_scale)


def _cmd_migrate(args: argparse.Namespace) -> int:
    from dialer.db import migrate_command

    return asyncio.run(migrate_command(target=args.target, show_plan=args.plan))


def _cmd_makemigrations(args: argparse.Namespace) -> int:
    from dialer.db import makemigrations_command

    return asyncio.run(makemigrations_command(name=args.name, check=args.check))


def _cmd_user(args: argparse.Namespace) -> int:
    from dialer.accounts import cli as user_cli

    return asyncio.run(user_cli.dispatch(args))


def _cmd_import(args: argparse.Namespace) -> int:
    from dialer.importer.cli import run_import_command

    return run_import_command(args)


def _cmd_stats(args: argparse.Namespace) -> int:
    from dialer.stats.cli import run_stats_command

    return run_stats_command(args)


def _cmd_billing(args: argparse.Namespace) -> int:
    from dialer.billing.service.cli import run_billing_command

    return run_billing_command(args)


def _cmd_campaign(args: argparse.Namespace) -> int:
    from dialer.campaigns.cli import dispatch

    return asyncio.run(dispatch(args))


def _cmd_dnc(args: argparse.Namespace) -> int:
    from dialer.dnc.cli import run_dnc_command

    return run_dnc_command(args)


def _cmd_doctor(args: argparse.Namespace) -> int:
    from dialer.config import load_settings
    from dialer.doctor import run_doctor

    return run_doctor(load_settings(), args.call, args.timeout)


def _cmd_sim_pbx(args: argparse.Namespace) -> int:
    from dialer.sim.server import run_standalone

    return run_standalone(
        host=args.host, port=args.port, seed=args.seed, time_scale=args.time_scale,
        app_user=args.user, app_password=args.password,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialer",
        description="Predictive dialer and call-centre suite for Asterisk.",
        epilog="Settings come from DIALER_* environment variables or a TOML file named by "
        "DIALER_CONFIG; see the README.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="serve the web app (and the engine) using the configured database",
                       description="Serve the web app on DIALER_HOST:DIALER_PORT. Applies pending "
                       "migrations first unless --no-migrate.")
    p.add_argument("--host", default=None, help="listen address (default DIALER_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="TCP port (default DIALER_PORT or 8000)")
    p.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("demo", help="create a demo database with users and a campaign, and serve it",
                       description="Creates (or reuses) a SQLite database in the data directory, "
                       "applies migrations, creates demo users with printed passwords and a sample "
                       "campaign with contacts, then serves the web app.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data-dir", default="data/demo", help="where the demo database lives")
    p.add_argument("--reset", action="store_true", help="delete the demo database first")
    p.add_argument("--time-scale", type=float, default=1.0,
                   help="run the simulated world this much faster than real time (e.g. 5)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("migrate", help="apply database migrations",
                       description="Apply pending migrations to the configured database "
                       "(DIALER_DB_URL). The same history serves SQLite and PostgreSQL.")
    p.add_argument("target", nargs="?", default=None,
                   help="migrate to this migration name (forwards or backwards); default: latest")
    p.add_argument("--plan", action="store_true", help="only print what would be applied")
    p.set_defaults(func=_cmd_migrate)

    p = sub.add_parser("makemigrations", help="(developers) write a migration for model changes",
                       description="Compare the models with the migration history and write a new "
                       "migration file into migrations/. With --check, write nothing and exit 1 "
                       "when the models have changes that no migration covers.")
    p.add_argument("--name", default=None, help="a short name for the migration file")
    p.add_argument("--check", action="store_true", help="fail if a migration is missing")
    p.set_defaults(func=_cmd_makemigrations)

    p = sub.add_parser("user", help="create users, reset passwords, list users",
                       description="Manage user accounts.")
    usub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    c = usub.add_parser("create", help="create a user (prompts for the password unless --password)")
    c.add_argument("username")
    c.add_argument("--role", choices=["admin", "supervisor", "agent"], default="agent")
    c.add_argument("--password", default=None, help="the password (default: ask, or generate with --generate)")
    c.add_argument("--generate", action="store_true", help="generate a password and print it")
    c.add_argument("--team", default=None, help="team name (created if missing)")
    c.add_argument("--full-name", default="", help="display name")
    c.add_argument("--extension", default=None, help="for agents: dial string such as PJSIP/1001")
    c = usub.add_parser("passwd", help="set a user's password")
    c.add_argument("username")
    c.add_argument("--password", default=None)
    c.add_argument("--generate", action="store_true")
    c = usub.add_parser("list", help="list users")
    c.add_argument("--role", choices=["admin", "supervisor", "agent"], default=None)
    c = usub.add_parser("deactivate", help="deactivate a user (keeps their history)")
    c.add_argument("username")
    p.set_defaults(func=_cmd_user)

    p = sub.add_parser("import", help="import contacts from a CSV file into a list",
                       description="Import contacts from a CSV file (any common encoding and delimiter) "
                       "into a contact list, created when missing. Bad rows are reported with their "
                       "line number (the header is line 1) and reason; good rows are imported.")
    p.add_argument("file", help="the CSV file")
    p.add_argument("--list", required=True, dest="list_name", help="contact list name")
    p.add_argument("--region", default=None, help="default region for national numbers, e.g. CZ")
    p.add_argument("--mapping", default=None,
                   help="column mapping: a saved mapping's name, or COLUMN=FIELD pairs separated by commas "
                   "(fields: phone, alt_phone, name, external_id, timezone, caller_id, caller_id_pool, "
                   "dial_profile, custom:NAME, ignore)")
    p.add_argument("--encoding", default=None, help="override the detected encoding")
    p.add_argument("--delimiter", default=None, help="override the detected delimiter")
    p.add_argument("--caller-id", default=None, help="default caller ID for the imported contacts")
    p.add_argument("--caller-id-pool", default=None, help="default caller-ID pool (name)")
    p.add_argument("--dial-profile", default=None, help="default dial profile (name)")
    p.add_argument("--json", action="store_true", help="print one JSON summary instead of text")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("stats", help="statistics reports and exports",
                       description="Run a statistics report and export it.")
    ssub = p.add_subparsers(dest="stats_command", metavar="ACTION", required=True)
    e = ssub.add_parser("export", help="export a report as CSV or XLSX")
    e.add_argument("--report", required=True, help="agents, teams, campaigns, hourly, daily, attempts")
    e.add_argument("--from", dest="date_from", required=True, help="start date/time (ISO, inclusive)")
    e.add_argument("--to", dest="date_to", required=True, help="end date/time (ISO, exclusive)")
    e.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    e.add_argument("--output", "-o", default=None, help="output file (default: a name from the report)")
    e.add_argument("--campaign", default=None, help="campaign name to filter by")
    e.add_argument("--team", default=None, help="team name to filter by")
    e.add_argument("--timezone", default="UTC", help="time zone of the report's dates and hours")
    e.add_argument("--delimiter", default="comma",
                   help="CSV for Excel in your language: semicolon (; with decimal commas: Excel in Czech, "
                   "German, Polish...), comma (, with decimal points: Excel in English; the default) or tab")
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("campaign", help="list campaigns; check, start, pause, resume, stop or clear one",
                       description="Campaign control from the shell, with the same rules as the web UI and "
                       "the API. A running engine follows the change within a second.")
    csub = p.add_subparsers(dest="campaign_command", metavar="ACTION", required=True)
    csub.add_parser("list", help="campaigns with their status and contacts left")
    for action, text in (("start", "start a draft or stopped campaign"), ("pause", "pause a running campaign"),
                         ("resume", "resume a paused campaign"), ("stop", "stop a running or paused campaign")):
        c = csub.add_parser(action, help=text)
        c.add_argument("name", help="the campaign's name")
    c = csub.add_parser("check", help="preflight: every compliance rule with pass / fail / n/a and why",
                        description="Check a campaign against its regulatory profile before it dials: hours, "
                        "holidays, message timing, ring time, abandon cap and window, caller ID, DNC scrub, the "
                        "72 h rule, limits. Exit code 1 when any rule fails.")
    c.add_argument("name", help="the campaign's name")
    c.add_argument("--json", action="store_true",
                   help='print {"campaign": ..., "ok": bool, "rules": [{"rule", "status", "detail"}]}')
    c = csub.add_parser("clear", help="reset a paused or stopped campaign's contacts")
    c.add_argument("name", help="the campaign's name")
    c.add_argument("--mode", required=True, choices=["pending", "attempts"],
                   help="pending: every contact back to pending; attempts: attempt counters to zero")
    p.set_defaults(func=_cmd_campaign)

    from dialer.dnc.cli import add_parser as add_dnc_parser

    add_dnc_parser(sub).set_defaults(func=_cmd_dnc)

    p = sub.add_parser("doctor", help="check the connection to Asterisk (ARI, version, app, a test call)",
                       description="Check that Asterisk's ARI answers with the configured credentials, "
                       "its version, whether a dialer engine holds the Stasis app, and optionally place "
                       "a test call into a separate app.")
    p.add_argument("--call", default=None, metavar="ENDPOINT",
                   help="place a test call, e.g. Local/5550000018@customers (test world) or PJSIP/1001")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the test call's answer")
    p.set_defaults(func=_cmd_doctor)

    p = sub.add_parser("sim-pbx", help="run the simulated PBX: a fake Asterisk speaking ARI",
                       description="Serve ARI (REST + events websocket) backed by the simulated "
                       "world, so any ARI client can talk to it.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8088)
    p.add_argument("--seed", type=int, default=1, help="seed of the simulated world")
    p.add_argument("--time-scale", type=float, default=1.0,
                   help="how much faster than real time the world runs (e.g. 10)")
    p.add_argument("--user", default="dialer", help="ARI user name")
    p.add_argument("--password", default="dialer", help="ARI password")
    p.set_defaults(func=_cmd_sim_pbx)

    p = sub.add_parser("billing", help="billing: re-rate calls after a tariff fix",
                       description="Billing tasks; tariffs, accounts and invoices are managed in the web app.")
    bsub = p.add_subparsers(dest="billing_command", metavar="ACTION", required=True)
    r = bsub.add_parser("rerate", help="price a period's answered calls again with the current tariffs")
    r.add_argument("--from", dest="date_from", required=True, help="start: YYYY-MM-DD or an instant")
    r.add_argument("--to", dest="date_to", required=True,
                   help="end, not included (a day equal to --from means that whole day)")
    r.add_argument("--timezone", default="UTC", help="the zone the days are in (default UTC)")
    r.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    r.add_argument("--json", action="store_true", help="print one JSON object")
    i = bsub.add_parser("import-rates", help="import a tariff's rates from a CSV file (bad lines are reported)")
    i.add_argument("file", help="CSV with columns prefix, price; optional destination, off_peak, weekend, "
                                "connection_fee, increments")
    i.add_argument("--tariff", required=True, help="the tariff's name (create it in the web app first)")
    i.add_argument("--replace", action="store_true", help="the tariff's rates become the file's")
    i.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_cmd_billing)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"dialer: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
