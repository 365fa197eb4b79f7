"""The contract every pacer keeps, whatever its rule."""

from __future__ import annotations

import pytest

from dialer.pacing.decision import Reason
from dialer.pacing.pacer import pacer_named
from dialer.pacing.snapshot import CampaignSettings

from .worlds import learned, snapshot

REAL_PACERS = ["preview", "progressive", "ratio", "vicidial", "issabel", "omnidialer", "adaptive"]


def decide(name: str, world):  # one decision from a fresh pacer
    pacer = pacer_named(name)
    return pacer.calls_to_launch(world, pacer.initial_state())


@pytest.mark.parametrize("name", REAL_PACERS)
def test_no_agent_ready_and_none_busy_means_no_call(name: str) -> None:
    assert decide(name, snapshot(ready=0)).calls == 0


@pytest.mark.parametrize("name", REAL_PACERS)
def test_paused_agents_are_never_dialed_for(name: str) -> None:
    decision = decide(name, snapshot(ready=0, paused=6))
    assert (decision.calls, decision.reason) == (0, Reason.NO_ACTIVE_AGENTS)


@pytest.mark.parametrize("name", REAL_PACERS)
def test_paused_agents_do_not_add_calls(name: str) -> None:
    alone = decide(name, snapshot(ready=1, on_call=[30.0]))
    with_paused = decide(name, snapshot(ready=1, on_call=[30.0], paused=8))
    assert with_paused.calls == alone.calls


@pytest.mark.parametrize("name", REAL_PACERS)
def test_rate_limit_is_respected(name: str) -> None:
    settings = CampaignSettings(max_lines=200, max_attempts_per_5s=4)
    decision = decide(name, snapshot(ready=20, attempts_last_5s=3, settings=settings))
    assert decision.calls <= 1


@pytest.mark.parametrize("name", REAL_PACERS)
def test_trunk_limit_is_respected(name: str) -> None:
    settings = CampaignSettings(max_lines=12)
    decision = decide(name, snapshot(ready=10, on_call=[5.0] * 8, ringing=[2.0], settings=settings))
    assert decision.calls <= 3


@pytest.mark.parametrize("name", REAL_PACERS)
def test_at_the_abandon_cap_no_pacer_dials_more_than_progressive(name: str) -> None:
    world = snapshot(ready=4, on_call=[100.0] * 6, ringing=[3.0],
                     knowledge=learned(answers_in_window=200, abandons_in_window=9))
    decision = decide(name, world)
    assert decision.calls <= 3


@pytest.mark.parametrize("name", REAL_PACERS)
def test_decisions_explain_themselves(name: str) -> None:
    decision = decide(name, snapshot(ready=3, on_call=[40.0, 200.0]))
    assert decision.reason.value in decision.explain()


def test_unknown_pacer_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown pacer 'turbo'"):
        pacer_named("turbo")
