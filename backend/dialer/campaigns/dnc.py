"""The do-not-call list: numbers never dialed, everywhere or in one campaign.

Adding a number everywhere marks its pending contacts `dnc` at once (the scheduler also
checks the list before dialing); removing it returns those contacts to pending.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from dialer.campaigns.fields import Invalid, normalise_phone
from dialer.campaigns.saving import SaveError
from dialer.models import Campaign, Contact, DncEntry
from dialer.models.enums import ContactStatus, DncSource


async def add_dnc(phone: str, *, actor: Actor, region: str | None = None, campaign_id: int | None = None,
                  reason: str = "", expires_at: datetime | None = None) -> tuple[DncEntry, bool]:
    """(entry, created). Adding a number already listed in that scope is not an error."""
    try:
        number = normalise_phone(phone, region)
    except Invalid as exc:
        raise SaveError({"phone": str(exc)}) from None
    if campaign_id is not None and (not 1 <= campaign_id <= 2**31 - 1
                                    or not await Campaign.filter(id=campaign_id).exists()):
        raise SaveError({"campaign_id": "No such campaign."})
    if len(reason) > 200:
        raise SaveError({"reason": "At most 200 characters."})
    if expires_at is not None and expires_at <= datetime.now(timezone.utc):
        raise SaveError({"expires_at": "Must be in the future."})
    async with in_transaction():
        existing = await DncEntry.get_or_none(phone=number, campaign_id=campaign_id)
        if existing is not None:
            return existing, False
        entry = await DncEntry.create(phone=number, campaign_id=campaign_id, reason=reason,
                                      added_by=actor.label[:64], expires_at=expires_at, source=DncSource.MANUAL)
        marked = 0
        if campaign_id is None and expires_at is None:  # barred for a while, it is dialed again after
            marked = await Contact.filter(phone=number, status=ContactStatus.PENDING).update(status=ContactStatus.DNC)
        await record_audit(actor, "dnc.add", "dnc", number,
                           {"campaign_id": campaign_id, "reason": reason, "contacts_marked": marked})
    return entry, True


async def remove_dnc(entry: DncEntry, *, actor: Actor) -> int:
    """Delete the entry; returns how many contacts went back to pending."""
    async with in_transaction():
        await entry.delete()
        restored = 0
        if entry.campaign_id is None:
            restored = await Contact.filter(phone=entry.phone, status=ContactStatus.DNC).update(
                status=ContactStatus.PENDING)
        await record_audit(actor, "dnc.remove", "dnc", entry.phone,
                           {"campaign_id": entry.campaign_id, "contacts_restored": restored})
    return restored


async def find_dnc(text: str = "", *, limit: int = 50, offset: int = 0) -> tuple[list[DncEntry], int]:
    query = DncEntry.all()
    text = text.strip()
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        cond = Q(reason__icontains=text)
        if digits:
            cond |= Q(phone__contains=digits)
        query = query.filter(cond)
    return await query.order_by("-added_at").offset(offset).limit(limit), await query.count()


def parse_phone_query(raw: Any, region: str | None) -> str:
    """A phone given to look up or remove, in E.164; SaveError on the `phone` field."""
    try:
        return normalise_phone(str(raw or ""), region)
    except Invalid as exc:
        raise SaveError({"phone": str(exc)}) from None
