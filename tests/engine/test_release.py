"""The engine hangs up the ringing calls the pacer releases: only after 15 s of ringing by the
PBX's clock, the longest-ringing first, recorded as unanswered with the reason, learned from."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from dialer.engine.call_flow import RELEASED_TEXT, CallFlow
from dialer.engine.campaign_runtime import CampaignConfig, CampaignRuntime, LearnedCounters
from dialer.engine.calls import CallState, CustomerCall
from dialer.engine.records import RecordWriter
from dialer.engine.state import EngineState
from dialer.hub import MemoryHub
from dialer.models import Campaign, DialProfile
from dialer.models.enums import CallOutcome, CampaignMode
from dialer.telephony.port import FailReason, LegAnswered, LegFailed, LegHungUp

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


class HangupPort:
    def __init__(self) -> None:
        self.hung_up: list[str] = []

    async def hangup(self, leg_id: str) -> None:
        self.hung_up.append(leg_id)


def ringing_call(call_id: str, rung_s: float, dialed_s_before: float = 2.0) -> CustomerCall:
    ringing_at = NOW - timedelta(seconds=rung_s)
    return CustomerCall(call_id=call_id, attempt_id=hash(call_id) % 10_000, campaign_id=1, contact_id=1,
                        phone="+420601000118", phone_index=0, caller_id="+420221000100", attempt_no=1,
                        state=CallState.RINGING, originated_at=ringing_at - timedelta(seconds=dialed_s_before),
                        ringing_at=ringing_at)


async def world(*calls: CustomerCall, release_ringing: bool = True) -> tuple[EngineState, CallFlow, HangupPort]:
    port = HangupPort()
    state = EngineState(port=port, hub=MemoryHub(), writer=RecordWriter(), engine_id="t", clock=lambda: NOW)
    profile = await DialProfile.create(name="p", calling_windows={}, ring_timeout_s=25)
    campaign = await Campaign.create(id=1, name="c", mode=CampaignMode.PREDICTIVE, dial_profile=profile,
                                     caller_id="+420221000100", release_ringing=release_ringing)
    state.campaigns[1] = CampaignRuntime(await CampaignConfig.load(campaign), LearnedCounters())
    for call in calls:
        state.calls[call.call_id] = call
    return state, CallFlow(state), port


async def test_the_longest_ringing_calls_past_fifteen_seconds_are_hung_up(sqlite_db: str) -> None:
    state, flow, port = await world(ringing_call("young", 5.0), ringing_call("old", 19.0),
                                    ringing_call("older", 22.0), ringing_call("just", 15.5))
    assert flow.release_ringing(state.campaigns[1], 2, NOW) == 2
    await asyncio.sleep(0)
    assert port.hung_up == ["older", "old"]
    older = state.calls["older"]
    assert older.outcome is CallOutcome.NO_ANSWER and older.released_at == NOW
    assert older.cause_text.startswith(f"{RELEASED_TEXT} after 22 s ringing")
    assert state.calls["just"].released_at is None


async def test_ring_time_counts_from_the_pbx_ringing_not_from_the_originate(sqlite_db: str) -> None:
    # Dialed 20 s ago, but ringing for only 14 s: the law's 15 s are not up.
    state, flow, port = await world(ringing_call("slow", 14.0, dialed_s_before=6.0))
    assert flow.release_ringing(state.campaigns[1], 1, NOW) == 0
    await asyncio.sleep(0)
    assert port.hung_up == []


async def test_a_campaign_that_does_not_release_lets_calls_ring_out(sqlite_db: str) -> None:
    state, flow, port = await world(ringing_call("old", 20.0), release_ringing=False)
    assert state.campaigns[1].config.settings.release_after_s is None
    assert flow.release_ringing(state.campaigns[1], 1, NOW) == 0
    await asyncio.sleep(0)
    assert port.hung_up == []


async def test_a_released_call_ends_unanswered_with_its_reason_and_is_learned_from(sqlite_db: str) -> None:
    state, flow, _ = await world(ringing_call("old", 18.0, dialed_s_before=2.0))
    flow.release_ringing(state.campaigns[1], 1, NOW)
    flow.on_failed(LegFailed("old", NOW + timedelta(seconds=0.1), FailReason.CANCELLED, 16, "Normal Clearing"))
    call = state.calls.get("old")
    assert call is None  # ended and rescheduled
    counters = state.campaigns[1].counters
    assert list(counters.recent) == [False]
    learned = counters.learned(NOW)
    assert learned.released_ages_s == (20.0,)  # from the originate, as the pacer counts ages


async def test_a_person_who_answered_as_the_hang_up_went_out_is_an_abandon(sqlite_db: str) -> None:
    state, flow, _ = await world(ringing_call("race", 18.0))
    flow.release_ringing(state.campaigns[1], 1, NOW)
    flow.on_answered(LegAnswered("race", NOW + timedelta(seconds=0.01)))
    call = state.calls["race"]
    assert call.outcome is None and call.released_at is None
    flow.on_hung_up(LegHungUp("race", NOW + timedelta(seconds=0.05), 16, "Normal Clearing"))
    assert call.outcome is CallOutcome.ABANDONED
    counters = state.campaigns[1].counters
    assert counters.abandons_total == 1 and list(counters.recent) == [True]
