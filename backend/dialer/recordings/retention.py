"""Retention: a stored recording whose call is older than its campaign's `recording_retention_days`
is deleted from storage; its row stays (state deleted, when and why) as the record that it was.
A recording on legal hold is never touched. Run by the fetcher's loop every hour.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q

from dialer.models import Campaign, Recording, RecordingState
from dialer.recordings.storage import RecordingStore

log = logging.getLogger(__name__)

DEFAULT_DAYS = 90  # a recording whose campaign is gone


@dataclass(frozen=True)
class RetentionResult:
    deleted: int
    held: int  # past retention, kept for a legal hold


async def apply_retention(store: RecordingStore, now: datetime, *, batch: int = 500) -> RetentionResult:
    deleted = held = 0
    campaigns = {c["id"]: c["recording_retention_days"]
                 for c in await Campaign.all().values("id", "recording_retention_days")}
    for campaign_id, days in [*campaigns.items(), (None, DEFAULT_DAYS)]:
        cutoff = now - timedelta(days=max(1, int(days or DEFAULT_DAYS)))
        scope = Q(campaign_id=campaign_id) if campaign_id is not None else Q(campaign_id__isnull=True)
        old = Recording.filter(scope, state=RecordingState.STORED, attempt__originated_at__lt=cutoff)
        held += await old.filter(legal_hold=True).count()
        while True:
            rows = await old.filter(legal_hold=False).order_by("id").limit(batch)
            if not rows:
                break
            for rec in rows:
                deleted += await delete_recording(store, rec, now, f"retention: call older than {days} days")
    if deleted:
        log.info("retention deleted %d recording(s); %d kept on legal hold", deleted, held)
    return RetentionResult(deleted, held)


async def delete_recording(store: RecordingStore, rec: Recording, now: datetime, reason: str) -> bool:
    """Delete the file and keep the row as the record of it (never for a call on legal hold)."""
    # Re-read the hold under the same condition as the update: a hold set a moment ago wins.
    if not await Recording.filter(id=rec.id, legal_hold=False, state=RecordingState.STORED).update(
            state=RecordingState.DELETED, deleted_at=now, deleted_reason=reason[:200]):
        return False
    await store.delete(rec.path)
    return True
