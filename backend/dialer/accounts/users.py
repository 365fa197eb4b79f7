"""Creating users, changing passwords, checking logins: the rules, with the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
import re

from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.passwords import (
    DUMMY_HASH,
    check_password_rules,
    hash_password_off_loop,
    needs_rehash,
    verify_password_off_loop,
)
from dialer.accounts.sessions import end_user_sessions
from dialer.accounts.tokens import revoke_user_tokens
from dialer.models import Agent, Team, User
from dialer.models.enums import Role

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")


class UserError(ValueError):
    """A request about users that cannot be done; the message is for a person."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Actor:
    """Who does something, for the audit log: a user, or the system (CLI, demo, engine)."""

    user: User | None
    label: str
    ip: str = ""

    @classmethod
    def system(cls, label: str = "system") -> "Actor":
        return cls(user=None, label=label)

    @classmethod
    def of(cls, user: User, ip: str = "") -> "Actor":
        return cls(user=user, label=user.username, ip=ip)


async def get_or_create_team(name: str) -> Team:
    team, _ = await Team.get_or_create(name=name.strip())
    return team


async def create_user(username: str, password: str, role: Role, *, actor: Actor,
                      full_name: str = "", team: Team | None = None,
                      extension: str | None = None) -> User:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise UserError("A user name has 2-64 letters, digits or . _ @ - and starts with a letter or digit.",
                        "username")
    try:
        check_password_rules(password, username)
    except ValueError as exc:
        raise UserError(str(exc), "password") from None
    password_hash = await hash_password_off_loop(password)  # before the transaction: it takes a while
    async with in_transaction():
        if await User.filter(username__iexact=username).exists():
            raise UserError(f"The user name {username!r} is taken.", "username")
        user = await User.create(username=username, password_hash=password_hash, role=role,
                                 full_name=full_name, team=team,
                                 password_changed_at=datetime.now(timezone.utc))
        if role is Role.AGENT:
            await Agent.create(user=user, extension=extension or "")
        await record_audit(actor, "user.create", "user", user.id,
                           {"username": username, "role": role.value, "team": team.name if team else None})
    return user


async def set_password(user: User, password: str, *, actor: Actor) -> None:
    try:
        check_password_rules(password, user.username)
    except ValueError as exc:
        raise UserError(str(exc), "password") from None
    user.password_hash = await hash_password_off_loop(password)
    user.password_changed_at = datetime.now(timezone.utc)
    await user.save(update_fields=["password_hash", "password_changed_at"])
    # A password change ends every token and web session begun before it: the old password
    # may have leaked. (The web page then opens a new session for the browser that changed it.)
    await revoke_user_tokens(user)
    await end_user_sessions(user, "password changed")
    await record_audit(actor, "user.password", "user", user.id, {})


async def deactivate_user(user: User, *, actor: Actor) -> None:
    user.active = False
    await user.save(update_fields=["active"])
    await revoke_user_tokens(user)
    await end_user_sessions(user, "deactivated")
    await record_audit(actor, "user.deactivate", "user", user.id, {})


async def check_login(username: str, password: str) -> User | None:
    """The active user with these credentials, or None. Takes as long for unknown names."""
    user = await User.get_or_none(username__iexact=username.strip()).select_related("team")
    if user is None:
        await verify_password_off_loop(DUMMY_HASH, password)
        return None
    if not await verify_password_off_loop(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password_off_loop(password)
    user.last_login_at = datetime.now(timezone.utc)
    await user.save(update_fields=["password_hash", "last_login_at"])
    return user
