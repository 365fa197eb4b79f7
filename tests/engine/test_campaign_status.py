"""What the engine tells the wallboard about a running campaign, beyond the abandon counts
(those are in test_compliance_window.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dialer.engine.campaign_runtime import CampaignConfig, CampaignRuntime, LearnedCounters
from dialer.models import Campaign
from dialer.models.enums import CampaignMode
from dialer.pacing.snapshot import Snapshot, WrapUp

T0 = datetime(2026, 11, 20, 9, 0, 30, tzinfo=timezone.utc)


async def test_the_dial_level_shown_is_the_pacers_own_or_the_one_in_effect(sqlite_db) -> None:
    campaign = await Campaign.create(name="c", mode=CampaignMode.PREDICTIVE, caller_id="+420221000100")
    rt = CampaignRuntime(await CampaignConfig.load(campaign), LearnedCounters())
    now = T0 + timedelta(hours=1)
    # Two agents talking, one ready, one in wrap-up, one paused; five calls ringing, one waiting:
    # 2 + 5 + 1 customer lines for 4 agents dialed for.
    world = Snapshot(now=now, agents_ready=1, agents_on_call_s=(30.0, 60.0), agents_in_wrap_up=(WrapUp(2.0, 10.0),),
                     agents_paused=1, calls_ringing_s=(1.0,) * 5, customers_waiting_s=(0.5,), attempts_last_5s=0)
    rt.decide(world)
    assert rt.status_event(now, world)["dial_level"] == 2.0
    nobody = Snapshot(now=now, agents_ready=0, agents_on_call_s=(), agents_in_wrap_up=(), agents_paused=2,
                      calls_ringing_s=(), customers_waiting_s=(), attempts_last_5s=0)
    assert rt.status_event(now, nobody)["dial_level"] is None
    rt.use_pacer("vicidial", {"dial_level": 2.7}, now)
    rt.decide(world)
    assert rt.status_event(now, world)["dial_level"] == 2.7
