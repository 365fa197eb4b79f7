"""The do-not-call list as CSV: every entry with its scope, source, who added it, when, and
until when; read in pages of ids so a registry of a million numbers never sits in memory.

UTF-8 with a BOM (Excel's cue), cells escaped against formula injection; the phone column
is what `dialer dnc import --column phone` reads back.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import AsyncIterator

from tortoise.expressions import Q

from dialer.importer.escape import escape_cell
from dialer.models import Campaign, DncEntry

HEADER = ["phone", "campaign", "source", "added_by", "added_at", "expires_at", "reason"]
PAGE = 20_000


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


async def export_rows(*, campaign_id: int | None = None, delimiter: str = ",") -> AsyncIterator[str]:
    """CSV text in chunks (the header first, with the BOM); `campaign_id` keeps one campaign's
    own entries and the global ones, as they apply there."""
    names = dict(await Campaign.all().values_list("id", "name"))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield "\ufeff" + out.getvalue()
    last = 0
    while True:
        query = DncEntry.filter(id__gt=last)
        if campaign_id is not None:
            query = query.filter(Q(campaign_id=None) | Q(campaign_id=campaign_id))
        rows = await query.order_by("id").limit(PAGE)
        if not rows:
            return
        out.seek(0)
        out.truncate()
        for e in rows:
            where = names.get(e.campaign_id, f"campaign #{e.campaign_id}") if e.campaign_id else ""
            writer.writerow([e.phone, escape_cell(where), e.source.value, escape_cell(e.added_by),
                             _when(e.added_at), _when(e.expires_at), escape_cell(e.reason)])
        yield out.getvalue()
        last = rows[-1].id
