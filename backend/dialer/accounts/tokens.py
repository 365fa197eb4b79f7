"""API bearer tokens: scoped, expiring, revocable. Only a SHA-256 of each secret is stored.

A token reads `dlr_<prefix>_<secret>`; the prefix lets people tell tokens apart in lists
without the secret ever being shown again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum

from dialer.models import ApiToken, User


class Scope(str, Enum):
    """What a token may do. Admin tokens need scopes too: least privilege for integrations."""

    CONTACTS_READ = "contacts:read"
    CONTACTS_WRITE = "contacts:write"
    CALLS_READ = "calls:read"
    CAMPAIGNS_READ = "campaigns:read"
    CAMPAIGNS_CONTROL = "campaigns:control"
    AGENT = "agent"  # the agent panel's browser extension
    STATS_READ = "stats:read"


ALL_SCOPES = frozenset(s.value for s in Scope)


class TokenError(Exception):
    """The token is unknown, expired, revoked, or its user is inactive."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, to the person who asked for it


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _parse_scopes(scopes: list[str] | tuple[str, ...]) -> list[str]:
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(sorted(ALL_SCOPES))}")
    return sorted(set(scopes))


async def issue_token(user: User, scopes: list[str] | tuple[str, ...], *, name: str = "",
                      ttl: timedelta | None = timedelta(days=90),
                      now: datetime | None = None) -> IssuedToken:
    now = now or datetime.now(timezone.utc)
    prefix = secrets.token_hex(4)
    secret = f"dlr_{prefix}_{secrets.token_urlsafe(32)}"
    token = await ApiToken.create(
        user=user, name=name, prefix=prefix, token_hash=_hash(secret), scopes=_parse_scopes(scopes),
        expires_at=(now + ttl) if ttl else None,
    )
    return IssuedToken(token=token, secret=secret)


async def authenticate_token(secret: str, now: datetime | None = None) -> ApiToken:
    """The live token for a secret, with its user loaded; raises TokenError otherwise."""
    now = now or datetime.now(timezone.utc)
    if not secret.startswith("dlr_") or len(secret) > 200:
        raise TokenError("malformed token")
    token = await ApiToken.get_or_none(token_hash=_hash(secret)).select_related("user", "user__team")
    if token is None:
        raise TokenError("unknown token")
    if token.revoked_at is not None:
        raise TokenError("token revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenError("token expired")
    if not token.user.active:
        raise TokenError("user deactivated")
    # Touch last_used_at at most once a minute: a busy integration must not write per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        await ApiToken.filter(id=token.id).update(last_used_at=now)
    return token


async def revoke_token(token_id: int, now: datetime | None = None) -> bool:
    now = now or datetime.now(timezone.utc)
    return bool(await ApiToken.filter(id=token_id, revoked_at=None).update(revoked_at=now))


async def revoke_user_tokens(user: User, scope: str | None = None, now: datetime | None = None) -> int:
    """Revoke a user's live tokens (all, or those carrying `scope`): logout, deactivation."""
    now = now or datetime.now(timezone.utc)
    live = await ApiToken.filter(user=user, revoked_at=None)
    ids = [t.id for t in live if scope is None or scope in t.scopes]
    if ids:
        await ApiToken.filter(id__in=ids).update(revoked_at=now)
    return len(ids)
