"""Short shifts in virtual time: bounds loose enough to hold for any seed, tight enough to catch a broken pacer."""

from __future__ import annotations

import pytest

from dialer.pacing.pacer import pacer_named
from dialer.pacing.simulation.scenario import scenario_from_dict
from dialer.pacing.simulation.simulator import Simulation, _Call, simulate

BASE = {
    "name": "SHORT_SHIFT", "agents": 12, "hours": 1.5, "warmup_min": 10, "seeds": [1],
    "answer_prob": 0.3,
    "time_to_answer_s": {"dist": "uniform", "low": 3, "high": 20},
    "ring_timeout_s": 25,
    "talk_s": {"dist": "exponential", "mean": 120},
    "wrap_s": {"dist": "constant", "value": 10},
    "max_lines_per_agent": 3, "abandon_cap": 0.03, "abandon_after_s": 2,
}

# (pacer, utilisation low, utilisation high, abandon high)
BOUNDS = [
    ("progressive", 0.45, 0.72, 0.0),
    ("preview", 0.45, 0.72, 0.0),
    ("ratio", 0.50, 0.90, 0.08),
    ("vicidial", 0.45, 0.90, 0.08),
    ("issabel", 0.45, 0.90, 0.08),
    ("omnidialer", 0.45, 0.90, 0.08),
    ("adaptive", 0.70, 0.92, 0.045),
    ("oracle", 0.85, 0.93, 0.0),
]


@pytest.mark.parametrize(("name", "low", "high", "abandon"), BOUNDS, ids=[b[0] for b in BOUNDS])
def test_each_pacer_on_a_short_shift(name: str, low: float, high: float, abandon: float) -> None:
    metrics = simulate(scenario_from_dict(BASE), 2, pacer_named(name))
    assert low <= metrics.utilisation <= high
    assert metrics.abandon_rate <= abandon
    assert metrics.answered > 250 and metrics.attempts >= metrics.answered
    assert metrics.wait_p50_s <= metrics.wait_p95_s


def test_a_seed_gives_the_same_shift_every_time() -> None:
    scenario = scenario_from_dict({**BASE, "hours": 0.5})
    assert simulate(scenario, 5, pacer_named("adaptive")) == simulate(scenario, 5, pacer_named("adaptive"))
    assert simulate(scenario, 5, pacer_named("adaptive")) != simulate(scenario, 6, pacer_named("adaptive"))


def test_every_pacer_meets_the_same_callees() -> None:
    scenario = scenario_from_dict({**BASE, "hours": 0.3, "warmup_min": 0})
    first = Simulation(scenario, 3, pacer_named("progressive"))
    second = Simulation(scenario, 3, pacer_named("ratio"))
    assert [first._draw_contact().talk for _ in range(5)] == [second._draw_contact().talk for _ in range(5)]


def test_an_answer_with_no_agent_for_two_seconds_is_abandoned() -> None:
    # Ten calls per ready agent and nobody to take the extras: most answers must be abandoned.
    scenario = scenario_from_dict({**BASE, "agents": 2, "hours": 0.5, "max_lines_per_agent": 10})
    metrics = simulate(scenario, 1, _Flood())
    assert metrics.abandon_rate > 0.3


def test_a_free_agent_goes_to_a_customer_still_inside_the_legal_wait_first() -> None:
    # As the engine dispatches: the one past 2 s is counted already, the other can still be saved.
    simulation = Simulation(scenario_from_dict({**BASE, "agents": 1, "warmup_min": 0}), 1, pacer_named("progressive"))
    del simulation.ready[0]
    simulation.now = 10.0
    late, fresh = (_Call(simulation._draw_contact(), 0.0, at) for at in (5.0, 9.5))
    late.answered_at, late.abandoned, fresh.answered_at = 5.0, True, 9.5
    simulation.waiting = {late: None, fresh: None}
    simulation._become_ready(0, simulation.agents[0])
    assert fresh.done and not late.done
    assert list(simulation.waiting) == [late]


def test_pauses_and_patience_are_played() -> None:
    scenario = scenario_from_dict({
        **BASE, "hours": 1, "pauses": {"every_min": 20, "length_min": 5},
        "patience_s": {"dist": "exponential", "mean": 5},
    })
    simulation = Simulation(scenario, 4, pacer_named("adaptive"))
    seen_paused = []
    pacer_decide = simulation.pacer.calls_to_launch

    def spy(snapshot, state):
        seen_paused.append(snapshot.agents_paused)
        return pacer_decide(snapshot, state)

    simulation.pacer.calls_to_launch = spy  # type: ignore[method-assign]
    metrics = simulation.run()
    assert max(seen_paused) >= 1
    assert metrics.utilisation < 0.85  # pauses take about a fifth of the shift


def test_eight_hours_of_twenty_agents_run_in_seconds() -> None:
    import time

    started = time.process_time()
    simulate(scenario_from_dict({**BASE, "agents": 20, "hours": 8}), 1, pacer_named("progressive"))
    assert time.process_time() - started < 10


class _Flood:
    """Ten calls per ready agent, always: a pacer built to abandon."""

    name = "flood"

    def initial_state(self) -> None:
        return None

    def calls_to_launch(self, snapshot, state=None):
        from dialer.pacing.decision import Reason
        from dialer.pacing.limits import lines_free
        from dialer.pacing.decision import Decision

        return Decision(min(10 * snapshot.agents_ready, lines_free(snapshot)), Reason.FORECAST)


def test_the_adaptive_pacer_releases_calls_only_after_the_legal_ring_and_says_what_it_cost() -> None:
    scenario = scenario_from_dict({**BASE, "hours": 1})
    metrics = simulate(scenario, 2, pacer_named("adaptive"))
    assert metrics.released > 0
    assert 0 < metrics.answers_forgone < metrics.released  # most released calls would not have answered
    assert metrics.forgone_share < 0.15
    never = simulate(scenario_from_dict({**BASE, "hours": 1, "release_after_s": None}), 2, pacer_named("adaptive"))
    assert never.released == never.answers_forgone == 0
    # Nothing else releases: a progressive shift rings every call out.
    assert simulate(scenario, 2, pacer_named("progressive")).released == 0


def test_a_released_call_never_answers_afterwards() -> None:
    scenario = scenario_from_dict({**BASE, "hours": 0.5, "warmup_min": 0})
    simulation = Simulation(scenario, 4, _ReleaseAll())
    metrics = simulation.run()
    assert metrics.released > 100
    ages = simulation._recent_released_ages()
    assert ages and all(15.0 <= age < 16.0 for age in ages)  # at the first tick past the legal 15 s
    # Answers come up to 20 s after the launch in this world; none may come from a released call.
    assert max(simulation.samples["tta"]) < 16.0


class _ReleaseAll:
    """Progressive, and every call that has rung 15 s is hung up at once."""

    name = "release-all"

    def initial_state(self) -> None:
        return None

    def calls_to_launch(self, snapshot, state=None):
        from dialer.pacing.decision import Reason
        from dialer.pacing.limits import progressive_calls, releasable_ages, within_limits

        return within_limits(snapshot, progressive_calls(snapshot), Reason.FORECAST,
                             release=len(releasable_ages(snapshot)))
