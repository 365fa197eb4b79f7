from __future__ import annotations

from dialer.pacing.decision import Reason
from dialer.pacing.ratio import RatioPacer
from dialer.pacing.snapshot import CampaignSettings, Learned

from .worlds import learned, snapshot


def test_k_calls_per_ready_agent() -> None:
    assert RatioPacer(calls_per_agent=2.0).calls_to_launch(snapshot(ready=3)).calls == 6


def test_overdial_percent_comes_from_the_campaign() -> None:
    settings = CampaignSettings(max_lines=60, calls_per_agent=1.5)
    assert RatioPacer().calls_to_launch(snapshot(ready=4, settings=settings)).calls == 6


def test_calls_in_flight_count_against_the_goal_so_a_failed_call_is_replaced() -> None:
    pacer = RatioPacer(calls_per_agent=2.0)
    assert pacer.calls_to_launch(snapshot(ready=2, ringing=[4.0, 6.0, 8.0, 9.0])).calls == 0
    assert pacer.calls_to_launch(snapshot(ready=2, ringing=[4.0, 6.0, 8.0])).calls == 1


def test_no_more_calls_while_answered_customers_wait() -> None:
    decision = RatioPacer().calls_to_launch(snapshot(ready=3, waiting=[0.4]))
    assert (decision.calls, decision.reason) == (0, Reason.CUSTOMERS_WAITING)


def test_before_any_talk_ends_the_predicted_talk_time_decides_when_to_dial_ahead() -> None:
    fresh = Learned(time_to_answer_s=(10.0,) * 5, recent_attempts=10, recent_answers=3)
    settings = CampaignSettings(max_lines=60, predicted_talk_s=60.0, calls_per_agent=2.0)
    # predicted 60 + wrap-up 10 - answer 10 = 60 s into the call
    assert RatioPacer().calls_to_launch(snapshot(on_call=[59.0], settings=settings, knowledge=fresh)).calls == 0
    assert RatioPacer().calls_to_launch(snapshot(on_call=[61.0], settings=settings, knowledge=fresh)).calls == 2


def test_after_talks_are_measured_their_mean_replaces_the_prediction() -> None:
    settings = CampaignSettings(max_lines=60, predicted_talk_s=60.0, calls_per_agent=2.0)
    measured = learned()  # talks average 120 s, answers 11.5 s, wrap-up 10 s
    assert RatioPacer().calls_to_launch(snapshot(on_call=[61.0], settings=settings, knowledge=measured)).calls == 0
    assert RatioPacer().calls_to_launch(snapshot(on_call=[119.0], settings=settings, knowledge=measured)).calls == 2
