"""A campaign's pacer learning kept in the database (`PacerState`), so that a restart resumes it.

The per-call samples (answer rate, ring, talk and wrap-up times) and the compliance window are
read back from the call record; what a pacer learned on top of them (the adaptive pacer's risk
bound, VICIdial's dial level) is in no record, and without this a restarted engine would pace
from the start value until it had learned again: hundreds of answers of too cautious, or too
bold, dialing. The engine stores it every 30 s, when a campaign stops or switches pacer, and
when the engine stops.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from dialer.engine.campaign_runtime import CampaignRuntime
from dialer.models import PacerState
from dialer.pacing.pacer import saved_state

log = logging.getLogger(__name__)


async def load_saved(campaign_id: int, pacer: str) -> dict[str, Any] | None:
    """What `pacer` had learned for the campaign, or None (never run, or nothing worth keeping)."""
    row = await PacerState.get_or_none(campaign_id=campaign_id, pacer=pacer)
    if row is None:
        return None
    return row.state if isinstance(row.state, dict) else {}


async def resume_pacer(rt: CampaignRuntime, pacer: str, now: datetime) -> None:
    """Switch `rt` to `pacer` with what it had learned for this campaign."""
    rt.use_pacer(pacer, await load_saved(rt.campaign_id, pacer), now)


async def save_pacer(rt: CampaignRuntime, now: datetime) -> None:
    """Store the pacer's learning if it changed since the last time. Failures are logged, not
    raised: a missed save costs a little learning after a restart, a crashed tick costs calls."""
    data = saved_state(rt.pacer, rt.pacer_state)
    if data is None or data == rt.pacer_saved:
        return
    key = {"campaign_id": rt.campaign_id, "pacer": rt.pacer.name}
    try:
        try:
            await PacerState.update_or_create(defaults={"state": data, "saved_at": now}, **key)
        except IntegrityError:
            # Another engine inserted the row between our look and our insert: update it.
            await PacerState.filter(**key).update(state=data, saved_at=now)
    except Exception:
        log.exception("saving the %s pacer state of campaign %s failed", rt.pacer.name, rt.config.name)
        return
    rt.pacer_saved = data


async def save_pacers(runtimes: list[CampaignRuntime], now: datetime) -> None:
    for rt in runtimes:
        await save_pacer(rt, now)
