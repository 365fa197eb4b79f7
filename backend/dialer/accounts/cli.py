"""`dialer user create | passwd | list | deactivate`: account management from the shell."""

from __future__ import annotations

import argparse
import getpass
import sys

from dialer.accounts.passwords import generate_password
from dialer.accounts.users import Actor, UserError, create_user, deactivate_user, get_or_create_team, set_password
from dialer.config import load_settings
from dialer.db import database
from dialer.models import User
from dialer.models.enums import Role


def _password_from(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated?) from --password, --generate, or a prompt asked twice."""
    if args.password:
        return args.password, False
    if args.generate or not sys.stdin.isatty():
        return generate_password(), True
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise UserError("The two passwords differ.")
    return first, False


async def dispatch(args: argparse.Namespace) -> int:
    settings = load_settings()
    actor = Actor.system("cli")
    async with database(settings.database_url):
        try:
            if args.user_command == "create":
                password, generated = _password_from(args)
                team = await get_or_create_team(args.team) if args.team else None
                user = await create_user(args.username, password, Role(args.role), actor=actor,
                                         full_name=args.full_name, team=team, extension=args.extension)
                print(f"created {user.role.value} {user.username}"
                      + (f" with password {password}" if generated else ""))
            elif args.user_command == "passwd":
                user = await User.get_or_none(username__iexact=args.username)
                if user is None:
                    raise UserError(f"No user named {args.username!r}.")
                password, generated = _password_from(args)
                await set_password(user, password, actor=actor)
                print(f"password of {user.username} changed" + (f" to {password}" if generated else ""))
            elif args.user_command == "deactivate":
                user = await User.get_or_none(username__iexact=args.username)
                if user is None:
                    raise UserError(f"No user named {args.username!r}.")
                await deactivate_user(user, actor=actor)
                print(f"{user.username} deactivated")
            elif args.user_command == "list":
                query = User.all().select_related("team").order_by("username")
                if args.role:
                    query = query.filter(role=args.role)
                users = await query
                print(f"{'USER':<24} {'ROLE':<11} {'TEAM':<20} {'ACTIVE':<6} LAST LOGIN")
                for u in users:
                    last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "-"
                    print(f"{u.username:<24} {u.role.value:<11} {(u.team.name if u.team else '-'):<20} "
                          f"{'yes' if u.active else 'no':<6} {last}")
        except UserError as exc:
            print(f"dialer: {exc}", file=sys.stderr)
            return 2
    return 0
