"""What a pacer keeps across an engine restart, and how it takes it back.

The engine's running totals (`Learned.*_total`) restart at zero with it: a resumed state must
count news from the new totals, keep what was learned, and refuse what it cannot trust.
"""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from dialer.pacing.adaptive import AdaptivePacer, AdaptiveState
from dialer.pacing.pacer import pacer_named, resumed_state, saved_state
from dialer.pacing.snapshot import Learned
from dialer.pacing.vicidial import VicidialPacer, VicidialState

from .worlds import learned, snapshot

FRESH_ENGINE = Learned()
"""What an engine that just started counts: nothing yet (the window comes from the record)."""


def experienced(risk: float = 0.09, answers: int = 5000) -> AdaptiveState:
    return AdaptiveState(math.log(risk), answers_seen=answers, abandons_seen=120, experience=answers)


def test_the_adaptive_pacer_keeps_its_bound_and_experience_not_its_cursors() -> None:
    pacer = AdaptivePacer()
    saved = saved_state(pacer, experienced())
    assert json.loads(json.dumps(saved)) == saved
    assert set(saved) == {"risk", "experience"}
    resumed = resumed_state(pacer, saved, learned(answers_in_window=7, abandons_in_window=1))
    assert resumed.risk == pytest.approx(0.09)
    assert resumed.experience == 5000
    assert (resumed.answers_seen, resumed.abandons_seen) == (7, 1)


def test_a_resumed_bound_learns_on_at_the_pace_of_its_experience() -> None:
    pacer = AdaptivePacer()
    resumed = resumed_state(pacer, saved_state(pacer, experienced()), FRESH_ENGINE)
    beginner = AdaptiveState(math.log(0.09))
    news = snapshot(knowledge=learned(answers_in_window=10, abandons_in_window=0))
    after = pacer.learned_from(news, resumed)
    # Cursors from the old engine's totals (5000) would have frozen it until 5000 new answers.
    assert after.risk > resumed.risk
    assert after.experience == 5010 and after.answers_seen == 10
    # An experienced bound moves less on the same news than a beginner's does.
    assert after.risk / resumed.risk < pacer.learned_from(news, beginner).risk / beginner.risk


def test_a_bound_beyond_the_pacer_limits_is_brought_within_them() -> None:
    pacer = AdaptivePacer(risk_bounds=(0.002, 0.6))
    assert resumed_state(pacer, {"risk": 5.0, "experience": 10}, FRESH_ENGINE).risk == pytest.approx(0.6)
    assert resumed_state(pacer, {"risk": 1e-9}, FRESH_ENGINE).risk == pytest.approx(0.002)


@pytest.mark.parametrize("saved", [
    {}, {"risk": "high"}, {"risk": -0.1}, {"risk": 0}, {"risk": float("nan")}, {"risk": True},
    {"risk": 0.05, "experience": -3}, {"risk": 0.05, "experience": 2.5}, {"risk": 0.05, "experience": "many"},
])
def test_a_damaged_adaptive_state_is_refused(saved: dict) -> None:
    with pytest.raises(ValueError):
        resumed_state(AdaptivePacer(), saved, FRESH_ENGINE)


def test_a_run_from_scratch_counts_experience_as_its_answers() -> None:
    # The simulator's runs (and so the benchmark figures) are those of the pacer before
    # experience was kept apart from the engine's totals.
    pacer, state = AdaptivePacer(), AdaptiveState()
    for answers in (3, 40, 41, 300):
        state = pacer.learned_from(snapshot(knowledge=learned(answers_in_window=answers)), state)
        assert state.experience == state.answers_seen == answers


def test_vicidial_keeps_its_dial_level_as_its_campaign_row_does() -> None:
    pacer = VicidialPacer(maximum_level=3.0)
    state = dataclasses.replace(pacer.initial_state(), dial_level=2.4, ready_samples=(1.0, 2.0),
                                minute_counts=((500, 10),), last_sample_at=1.0e9)
    saved = saved_state(pacer, state)
    assert saved == {"dial_level": 2.4}
    assert resumed_state(pacer, saved, FRESH_ENGINE) == VicidialState(dial_level=2.4)
    assert resumed_state(pacer, {"dial_level": 9}, FRESH_ENGINE).dial_level == 3.0
    assert resumed_state(pacer, {"dial_level": 0.2}, FRESH_ENGINE).dial_level == 1.0
    with pytest.raises(ValueError):
        resumed_state(pacer, {"dial_level": None}, FRESH_ENGINE)


@pytest.mark.parametrize("name", ["preview", "progressive", "ratio", "issabel", "omnidialer"])
def test_other_pacers_keep_nothing_and_start_afresh(name: str) -> None:
    pacer = pacer_named(name)
    assert saved_state(pacer, pacer.initial_state()) is None
    assert resumed_state(pacer, {"anything": 1}, FRESH_ENGINE) == pacer.initial_state()
