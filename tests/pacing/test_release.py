"""Hanging up a ringing call no agent will take: only after the law's 15 s, only when its answer
would almost surely be abandoned, and counted so that the answer rate stays true."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from dialer.pacing.adaptive import AdaptivePacer, AdaptiveState
from dialer.pacing.decision import Reason
from dialer.pacing.forecast import answer_rate
from dialer.pacing.limits import releasable_ages, release_after_s, within_limits
from dialer.pacing.snapshot import LEGAL_MIN_RING_S, CampaignSettings

from .worlds import learned, snapshot

SETTLED = AdaptiveState(log_risk=math.log(0.08), answers_seen=1000, abandons_seen=0)
# Every agent talks (a call of 120 s just begun): nobody is free for the next 25 s.
BUSY = [1.0] * 10


def release(world) -> int:
    return AdaptivePacer().calls_to_launch(world, SETTLED).release


def test_a_call_nobody_will_take_is_released_once_it_has_rung_the_legal_minimum() -> None:
    assert release(snapshot(on_call=BUSY, ringing=[16.0, 4.0])) == 1
    assert release(snapshot(on_call=BUSY, ringing=[14.9, 4.0])) == 0  # 15 s not reached: it rings on


def test_a_call_an_agent_is_free_for_rings_on() -> None:
    assert release(snapshot(ready=2, on_call=BUSY, ringing=[16.0, 18.0])) == 0


def test_the_longest_ringing_go_first_and_only_as_many_as_are_too_many() -> None:
    old = [15.5, 16.5, 17.5, 18.5, 19.5, 20.5]
    # Two agents ready, six old calls and fourteen younger ones (more likely to answer): the
    # longest-ringing old ones go, the others are worth keeping; with fewer younger calls, all are.
    released = release(snapshot(ready=2, on_call=BUSY, ringing=old + [10.0] * 14))
    assert 1 <= released <= 5
    assert release(snapshot(ready=2, on_call=BUSY, ringing=old + [10.0] * 6)) == 0
    assert release(snapshot(on_call=BUSY, ringing=old)) == 6


def test_a_campaign_that_never_releases_lets_every_call_ring_out() -> None:
    never = CampaignSettings(max_lines=60, release_after_s=None)
    assert release(snapshot(on_call=BUSY, ringing=[16.0, 20.0], settings=never)) == 0
    later = CampaignSettings(max_lines=60, release_after_s=20.0)
    assert release(snapshot(on_call=BUSY, ringing=[16.0, 21.0], settings=later)) == 1


def test_no_setting_goes_below_the_law() -> None:
    settings = CampaignSettings(max_lines=60, release_after_s=5.0)
    assert release_after_s(settings) == LEGAL_MIN_RING_S
    assert releasable_ages(snapshot(ringing=[6.0, 16.0, 15.0], settings=settings)) == [16.0, 15.0]


def test_limits_never_release_more_than_may_be_released() -> None:
    world = snapshot(on_call=BUSY, ringing=[16.0, 3.0])
    decision = within_limits(world, 0, Reason.FORECAST, release=5)
    assert decision.release == 1
    assert "1 released" in decision.explain()


def test_the_reason_says_how_many_were_released() -> None:
    decision = AdaptivePacer().calls_to_launch(snapshot(on_call=BUSY, ringing=[16.0, 20.0]), SETTLED)
    assert decision.release == 2 and decision.detail["released"] == 2


def test_released_calls_count_as_the_answers_they_might_have_been() -> None:
    # 1000 attempts, 250 answers, 100 hung up after ringing: counting those as unanswered would
    # understate the rate; each counts as its chance to have answered later.
    naive = answer_rate(250, 1000)
    none_left = answer_rate(250, 1000, np.zeros(100))  # released when no answer could come any more
    some_left = answer_rate(250, 1000, np.full(100, 0.3))
    assert none_left == naive < some_left
    # The fixed point: a released call with 30 % of answers still to come would have answered
    # with probability rate * 0.3 / (1 - rate * 0.7).
    rate = some_left
    expected = (250 + 100 * rate * 0.3 / (1 - rate * 0.7) + 0.5 * 5) / (1000 + 5)
    assert abs(rate - expected) < 1e-4


def test_the_pacer_reads_released_calls_into_its_answer_rate() -> None:
    world = snapshot(ready=3, on_call=BUSY)
    without = AdaptivePacer().calls_to_launch(world, SETTLED).detail["answer_rate"]
    knowledge = dataclasses.replace(learned(), released_ages_s=(16.0,) * 200)
    with_released = AdaptivePacer().calls_to_launch(
        dataclasses.replace(world, learned=knowledge), SETTLED).detail["answer_rate"]
    assert with_released > without
