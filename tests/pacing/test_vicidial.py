from __future__ import annotations

from datetime import timedelta

from dialer.pacing.vicidial import VicidialPacer, VicidialState

from .worlds import NOW, learned, snapshot


def run(pacer: VicidialPacer, seconds: int, **world) -> VicidialState:
    state = pacer.initial_state()
    for second in range(seconds):
        state = pacer.calls_to_launch(snapshot(now=NOW + timedelta(seconds=second), **world), state).state
    return state


def test_goal_is_dial_level_times_agents_minus_calls_in_progress() -> None:
    pacer = VicidialPacer(initial_dial_level=2.0)
    decision = pacer.calls_to_launch(snapshot(ready=2, on_call=[30.0, 40.0], ringing=[1.0]), pacer.initial_state())
    assert decision.calls == round(2.0 * 4) - 3  # two live calls and one ringing are in progress


def test_ready_agents_raise_the_dial_level_every_15_seconds() -> None:
    state = run(VicidialPacer(), 16, ready=2, on_call=[30.0] * 8)
    assert abs(state.dial_level - 1.2) < 1e-9  # (2 ready - 0 waiting) / 10 logged in = +20 %


def test_dial_level_is_clamped_to_the_maximum() -> None:
    assert run(VicidialPacer(maximum_level=3.0), 400, ready=10).dial_level == 3.0


def test_tapered_drop_limit_cuts_the_level_late_in_the_day() -> None:
    late = NOW.replace(hour=15, minute=30)
    pacer = VicidialPacer(initial_dial_level=2.0)
    over = learned(answers_in_window=100, abandons_in_window=5)
    state = pacer.initial_state()
    for second in range(16):
        world = snapshot(on_call=[30.0] * 10, now=late + timedelta(seconds=second), knowledge=over)
        state = pacer.calls_to_launch(world, state).state
    assert abs(state.dial_level - 2.0 * 0.57) < 1e-9  # (2100 - 1530) / 1000
