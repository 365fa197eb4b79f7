"""One number onto the do-not-call list, with where it came from and who put it there.

Used by the engine when an agent saves a call with a disposition that adds to the list, by the
agent's DNC button and by the admin page. A number listed again in the same scope is not an
error: the entry stays, and its expiry is pushed out when the new one lasts longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from dialer.models import Contact, Disposition, DncEntry
from dialer.models.enums import ContactStatus, DncScope, DncSource


@dataclass(frozen=True)
class DncRule:
    """Where and for how long a number goes on the list (from a disposition's settings)."""

    scope: DncScope = DncScope.GLOBAL
    expires_days: int | None = None

    @classmethod
    def of(cls, disposition: Disposition) -> DncRule:
        return cls(disposition.dnc_scope, disposition.dnc_expires_days)

    def campaign_for(self, campaign_id: int | None) -> int | None:
        return campaign_id if self.scope is DncScope.CAMPAIGN and campaign_id else None

    def expiry(self, now: datetime) -> datetime | None:
        return now + timedelta(days=self.expires_days) if self.expires_days else None


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two expiries, None (never) being the latest."""
    return None if a is None or b is None else max(a, b)


async def add_number(phone: str, *, source: DncSource, added_by: str = "", campaign_id: int | None = None,
                     expires_at: datetime | None = None, reason: str = "") -> tuple[DncEntry, bool]:
    """(entry, created) for an E.164 `phone`. A global entry marks the number's pending
    contacts `dnc` at once (the lease checks the list anyway)."""
    for _ in range(2):  # a second try when another writer listed it between our look and our insert
        try:
            async with in_transaction():
                existing = await DncEntry.get_or_none(phone=phone, campaign_id=campaign_id)
                if existing is not None:
                    longer = _later(existing.expires_at, expires_at)
                    if existing.expires_at is not None and longer != existing.expires_at:
                        existing.expires_at = longer
                        await existing.save(update_fields=["expires_at"])
                    return existing, False
                entry = await DncEntry.create(phone=phone, campaign_id=campaign_id, reason=reason[:200],
                                              added_by=added_by[:64], expires_at=expires_at, source=source)
                if campaign_id is None and expires_at is None:
                    await Contact.filter(phone=phone, status=ContactStatus.PENDING).update(status=ContactStatus.DNC)
                return entry, True
        except IntegrityError:
            continue
    entry = await DncEntry.get(phone=phone, campaign_id=campaign_id)
    return entry, False


async def listed(phone: str, campaign_id: int | None, now: datetime) -> DncEntry | None:
    """The entry that bars `phone` in that campaign now (a global one first), if any."""
    rows = await DncEntry.filter(phone=phone).order_by("id")
    live = [e for e in rows if (e.campaign_id is None or e.campaign_id == campaign_id)
            and (e.expires_at is None or e.expires_at > now)]
    live.sort(key=lambda e: e.campaign_id is not None)
    return live[0] if live else None


async def agent_rule(campaign_id: int | None) -> DncRule:
    """Where the agent's DNC button bars a number: as the campaign's own "do not call"
    disposition does (a campaign's disposition before a global one); without one, everywhere
    and for good."""
    rows = await Disposition.filter(adds_dnc=True, active=True).order_by("sort_order", "id")
    own = [d for d in rows if d.campaign_id is not None and d.campaign_id == campaign_id]
    shared = [d for d in rows if d.campaign_id is None]
    chosen = (own or shared or [None])[0]
    return DncRule.of(chosen) if chosen is not None else DncRule()


def entry_json(entry: DncEntry) -> dict:
    """An entry as the agent's call form shows it."""
    return {"phone": entry.phone, "scope": DncScope.CAMPAIGN.value if entry.campaign_id else DncScope.GLOBAL.value,
            "campaign_id": entry.campaign_id, "source": entry.source.value, "added_by": entry.added_by,
            "added_at": entry.added_at.isoformat() if entry.added_at else None,
            "expires_at": entry.expires_at.isoformat() if entry.expires_at else None}
