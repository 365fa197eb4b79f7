"""Who heard a call: every play and download of a recording is written down (who, when, which
call and which of its files, from where), listed on the call's page and in the admin's report;
and the legal hold, which is the call's (all its files) and whose changes go to the audit log.

A player asks for the file in pieces (Range) while it plays and seeks. A request from the start
(no Range, or `bytes=0-`) is one listen and always written; a piece from elsewhere is written only
when the same person has no listen of that file in the last half hour, so seeking does not flood
the log, yet a download made of pieces is still on record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from tortoise.expressions import Subquery

from dialer.models import CallAttempt, Recording, RecordingAccess, RecordingAction, User

SEEK_WINDOW = timedelta(minutes=30)
_FROM_START = re.compile(r"^\s*bytes\s*=\s*0\s*-")


def from_start(range_header: str | None) -> bool:
    return not range_header or bool(_FROM_START.match(range_header))


async def record_access(*, user: User | None, attempt_id: int, recording: Recording | None,
                        action: RecordingAction, ip: str, now: datetime,
                        range_header: str | None = None, username: str = "") -> RecordingAccess | None:
    """Write the access down; None when it is a seek within a listen already written."""
    if not from_start(range_header):
        recent = RecordingAccess.filter(attempt_id=attempt_id, action=action, at__gte=now - SEEK_WINDOW)
        recent = recent.filter(user_id=user.id) if user is not None else recent.filter(user_id=None, ip=ip)
        if await recent.exists():
            return None
    return await RecordingAccess.create(at=now, user=user, username=(user.username if user else username)[:100],
                                        attempt_id=attempt_id, recording=recording, action=action, ip=ip[:64])


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    username: str
    attempt_id: int
    action: str
    ip: str
    part: str = ""  # which of the call's files (call, wait); "" when its row is gone


_ROW = ("at", "username", "attempt_id", "action", "ip", "recording__part")


def _row(r: dict) -> AccessRow:
    action = r["action"]
    part = r["recording__part"]
    return AccessRow(r["at"], r["username"], r["attempt_id"], getattr(action, "value", action), r["ip"],
                     getattr(part, "value", part) or "")


async def accesses_of_call(attempt_id: int, limit: int = 200) -> list[AccessRow]:
    rows = await RecordingAccess.filter(attempt_id=attempt_id).order_by("-at", "-id").limit(limit).values(*_ROW)
    return [_row(r) for r in rows]


async def access_report(*, username: str = "", attempt_id: int | None = None, phone: str = "",
                        since: datetime | None = None, until: datetime | None = None, page: int = 1,
                        per_page: int = 100) -> tuple[list[AccessRow], int]:
    """The admin's report: newest first, by person, call, the number called (a data subject's
    "who listened to my calls") and period."""
    query = RecordingAccess.all()
    if username:
        query = query.filter(username=username)
    if attempt_id is not None:
        query = query.filter(attempt_id=attempt_id)
    if phone:
        query = query.filter(attempt_id__in=Subquery(CallAttempt.filter(phone=phone).values("id")))
    if since is not None:
        query = query.filter(at__gte=since)
    if until is not None:
        query = query.filter(at__lt=until)
    total = await query.count()
    rows = await query.order_by("-at", "-id").offset((page - 1) * per_page).limit(per_page).values(*_ROW)
    return [_row(r) for r in rows], total


async def set_legal_hold(attempt_id: int, hold: bool, *, actor: Actor) -> int:
    """Hold (or release) every recording file of the call; returns how many changed. A file of
    the call enlisted later takes the hold from its siblings (recordings/fetcher.py)."""
    changed = await Recording.filter(attempt_id=attempt_id).exclude(legal_hold=hold).update(legal_hold=hold)
    if changed:
        await record_audit(actor, "recording.legal_hold", "call", attempt_id, {"legal_hold": [not hold, hold]})
    return changed
