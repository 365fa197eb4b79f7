from __future__ import annotations

from dialer.pacing.decision import Reason
from dialer.pacing.limits import abandon_cap_reached, room_for_calls, within_limits
from dialer.pacing.snapshot import CampaignSettings

from .worlds import learned, snapshot


def test_nothing_is_dialed_when_every_agent_is_paused() -> None:
    decision = within_limits(snapshot(paused=4), 10, Reason.FORECAST)
    assert (decision.calls, decision.reason) == (0, Reason.NO_ACTIVE_AGENTS)


def test_at_the_abandon_cap_a_pacer_becomes_progressive() -> None:
    world = snapshot(ready=3, ringing=[5.0], knowledge=learned(answers_in_window=100, abandons_in_window=3))
    assert abandon_cap_reached(world)
    decision = within_limits(world, 12, Reason.FORECAST)
    assert (decision.calls, decision.reason) == (2, Reason.ABANDON_CAP)


def test_below_the_cap_the_pacer_decides() -> None:
    world = snapshot(ready=3, knowledge=learned(answers_in_window=100, abandons_in_window=2))
    assert not abandon_cap_reached(world)
    assert within_limits(world, 7, Reason.FORECAST).calls == 7


def test_the_trunk_caps_calls_counting_ringing_waiting_and_talking_lines() -> None:
    world = snapshot(ready=5, on_call=[10, 20], ringing=[1, 2, 3], waiting=[0.5],
                     settings=CampaignSettings(max_lines=10))
    decision = within_limits(world, 9, Reason.FORECAST)
    assert (decision.calls, decision.reason) == (4, Reason.TRUNK_LIMIT)


def test_the_originate_rate_limit_counts_the_last_five_seconds() -> None:
    settings = CampaignSettings(max_lines=100, max_attempts_per_5s=10)
    decision = within_limits(snapshot(ready=10, attempts_last_5s=7, settings=settings), 20, Reason.FORECAST)
    assert (decision.calls, decision.reason) == (3, Reason.RATE_LIMIT)
    assert decision.launch_spacing_s >= 0.5  # ten per 5 s are spread, not sent in a burst


def test_launches_are_spaced() -> None:
    assert within_limits(snapshot(ready=40), 40, Reason.FORECAST).launch_spacing_s > 0


def test_room_for_calls_agrees_with_within_limits() -> None:
    worlds = [
        snapshot(ready=5, on_call=[10, 20], ringing=[1, 2, 3], settings=CampaignSettings(max_lines=10)),
        snapshot(ready=3, ringing=[5.0], knowledge=learned(answers_in_window=100, abandons_in_window=3)),
        snapshot(ready=10, attempts_last_5s=7, settings=CampaignSettings(max_lines=100, max_attempts_per_5s=10)),
        snapshot(paused=2),
    ]
    for world in worlds:
        assert room_for_calls(world) == within_limits(world, 10**6, Reason.FORECAST).calls
