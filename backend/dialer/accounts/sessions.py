"""Web sessions kept on the server: a login is a row, and ending the row ends the session.

The signed cookie alone cannot be taken back (a copy made before logout would work until it
expires), so the cookie carries only a random key and this table says whether it still
counts. Logout, "log out everywhere", a password change, deactivation and an admin's "end
this user's sessions" all end rows here, and take effect on the next request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dialer.models import User, WebSession

# Writing "last seen" on every request would make every page a database write.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Opened:
    key: str  # goes into the cookie, never stored
    session: WebSession


async def open_session(user: User, *, max_age_s: int, ip: str = "", user_agent: str = "",
                       now: datetime | None = None) -> Opened:
    now = now or datetime.now(timezone.utc)
    key = secrets.token_urlsafe(32)
    row = await WebSession.create(key_hash=_hash(key), user=user, last_seen_at=now,
                                  expires_at=now + timedelta(seconds=max_age_s), ip=ip[:64],
                                  user_agent=user_agent[:200])
    return Opened(key, row)


async def live_session(key: str, now: datetime | None = None) -> WebSession | None:
    """The open session this key names, with its active user; None when it was ended or expired."""
    if not key:
        return None
    now = now or datetime.now(timezone.utc)
    row = await WebSession.get_or_none(key_hash=_hash(key), ended_at=None).select_related("user", "user__team")
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        await WebSession.filter(id=row.id).update(last_seen_at=now)
    return row


async def end_session_key(key: str, reason: str = "logout") -> None:
    await WebSession.filter(key_hash=_hash(key), ended_at=None).update(
        ended_at=datetime.now(timezone.utc), end_reason=reason[:32])


async def end_user_sessions(user: User | int, reason: str, *, keep_key: str = "") -> int:
    """End every open session of the user (but the one `keep_key` names); how many ended."""
    user_id = user if isinstance(user, int) else user.id
    query = WebSession.filter(user_id=user_id, ended_at=None)
    if keep_key:
        query = query.exclude(key_hash=_hash(keep_key))
    return await query.update(ended_at=datetime.now(timezone.utc), end_reason=reason[:32])


async def open_sessions(user: User) -> list[WebSession]:
    now = datetime.now(timezone.utc)
    return await WebSession.filter(user=user, ended_at=None, expires_at__gt=now).order_by("-last_seen_at")


def is_key_of(key: str, row: WebSession) -> bool:
    return secrets.compare_digest(_hash(key), row.key_hash)
