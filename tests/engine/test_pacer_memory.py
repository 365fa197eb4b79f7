"""The engine keeps what a campaign's pacer learned: through an engine restart, a campaign
stopped and started again, and a switch to another pacer and back; a switch takes effect at
once while the campaign runs."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta, timezone

import pytest

from dialer.engine.campaign_runtime import CampaignConfig, CampaignRuntime, LearnedCounters
from dialer.engine.engine import Engine
from dialer.engine.pacer_memory import load_saved, resume_pacer, save_pacer
from dialer.models import Campaign, PacerState
from dialer.models.enums import CampaignMode, CampaignStatus
from dialer.pacing.adaptive import AdaptiveState
from dialer.pacing.vicidial import VicidialState

LEARNED = AdaptiveState(math.log(0.123), answers_seen=0, abandons_seen=0, experience=4000)


async def _predictive(w, pacer: str = "adaptive"):
    campaign, _ = await w.campaign("predictive", [], agents=0, pacer=pacer)
    await w.run(campaign)
    return campaign, w.engine.s.campaigns[campaign.id]


async def _stored(campaign_id: int, pacer: str) -> dict:
    return (await PacerState.get(campaign_id=campaign_id, pacer=pacer)).state


async def test_a_restarted_engine_resumes_the_learned_risk_bound(engine_world) -> None:
    w = engine_world
    campaign, rt = await _predictive(w)
    rt.pacer_state = LEARNED
    await w.engine.stop()
    assert await _stored(campaign.id, "adaptive") == {"risk": pytest.approx(0.123), "experience": 4000}

    second = Engine(w.engine.s.port, engine_id="second-engine", dial_template="Local/{digits}@customers", tick_s=0.05)
    await second.start()
    try:
        state = second.s.campaigns[campaign.id].pacer_state
        assert state.risk == pytest.approx(0.123) and state.experience == 4000
        assert (state.answers_seen, state.abandons_seen) == (0, 0)  # counted from this engine's totals
    finally:
        await second.stop()
        await w.engine.start()  # the fixture stops it


async def test_the_learning_is_saved_every_half_minute(engine_world) -> None:
    w = engine_world
    campaign, rt = await _predictive(w)
    rt.pacer_state = LEARNED
    w.engine._last_slow = w.engine.s.clock() - timedelta(seconds=31)
    await w.engine.tick()
    assert (await _stored(campaign.id, "adaptive"))["risk"] == pytest.approx(0.123)
    first = await PacerState.get(campaign_id=campaign.id)
    rt.pacer_state = AdaptiveState(math.log(0.05), experience=4100)
    w.engine._last_slow = w.engine.s.clock() - timedelta(seconds=31)
    await w.engine.tick()
    again = await PacerState.get(campaign_id=campaign.id)
    assert again.id == first.id and again.state["risk"] == pytest.approx(0.05)


async def test_a_campaign_stopped_and_started_again_resumes(engine_world) -> None:
    w = engine_world
    campaign, rt = await _predictive(w)
    rt.pacer_state = LEARNED
    campaign.status = CampaignStatus.STOPPED
    await campaign.save()
    await w.engine.sync_campaigns()
    assert campaign.id not in w.engine.s.campaigns
    await w.run(campaign)
    assert w.engine.s.campaigns[campaign.id].pacer_state.risk == pytest.approx(0.123)


async def test_a_pacer_switch_takes_effect_at_once_and_switching_back_resumes(engine_world) -> None:
    w = engine_world
    campaign, rt = await _predictive(w)
    rt.pacer_state = LEARNED
    campaign.pacer = "vicidial"
    await campaign.save()
    await w.engine.sync_campaigns()
    assert rt.pacer.name == "vicidial" and isinstance(rt.pacer_state, VicidialState)
    assert (await _stored(campaign.id, "adaptive"))["risk"] == pytest.approx(0.123)

    rt.pacer_state = VicidialState(dial_level=2.5)
    campaign.pacer = "adaptive"
    await campaign.save()
    await w.engine.sync_campaigns()
    assert rt.pacer.name == "adaptive" and rt.pacer_state.risk == pytest.approx(0.123)
    assert await _stored(campaign.id, "vicidial") == {"dial_level": 2.5}

    campaign.mode = CampaignMode.PROGRESSIVE
    await campaign.save()
    await w.engine.sync_campaigns()
    assert rt.pacer.name == "progressive"


async def test_a_damaged_saved_state_is_dropped_and_the_pacer_starts_afresh(engine_world, caplog) -> None:
    w = engine_world
    campaign, _ = await w.campaign("predictive", [], agents=0)
    await PacerState.create(campaign=campaign, pacer="adaptive", state={"risk": "high"},
                            saved_at=w.engine.s.clock())
    with caplog.at_level(logging.WARNING):
        await w.run(campaign)
    rt = w.engine.s.campaigns[campaign.id]
    assert rt.pacer_state == rt.pacer.initial_state()
    assert "not usable" in caplog.text
    # The next save replaces the damaged row with a good one.
    rt.pacer_state = LEARNED
    await w.engine.stop()
    assert (await _stored(campaign.id, "adaptive"))["risk"] == pytest.approx(0.123)
    await w.engine.start()


async def test_the_store_writes_one_row_per_campaign_and_pacer_on_both_databases(db) -> None:
    campaign = await Campaign.create(name="c", mode=CampaignMode.PREDICTIVE, caller_id="+420221000100")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    rt = CampaignRuntime(await CampaignConfig.load(campaign), LearnedCounters())
    await resume_pacer(rt, "adaptive", now)
    assert rt.pacer_state == rt.pacer.initial_state()
    rt.pacer_state = LEARNED
    await save_pacer(rt, now)
    rt.pacer_state = AdaptiveState(math.log(0.07), experience=4200)
    await save_pacer(rt, now + timedelta(seconds=30))
    # Another engine saved first: its row is updated, not duplicated.
    other = CampaignRuntime(rt.config, LearnedCounters())
    await resume_pacer(other, "adaptive", now)
    assert other.pacer_state.risk == pytest.approx(0.07)
    other.pacer_state, other.pacer_saved = LEARNED, None
    await save_pacer(other, now + timedelta(seconds=60))
    rows = await PacerState.filter(campaign_id=campaign.id).values("pacer", "state", "saved_at")
    assert [(r["pacer"], r["state"]["risk"], r["state"]["experience"]) for r in rows] == \
        [("adaptive", pytest.approx(0.123), 4000)]
    assert rows[0]["saved_at"] == now + timedelta(seconds=60)
    assert await load_saved(campaign.id, "vicidial") is None
