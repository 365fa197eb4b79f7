from __future__ import annotations

import pytest

from dialer.pacing.oracle import Foresight, OraclePacer

from .worlds import snapshot


def contacts(*delays):
    def upcoming(index: int, launch_at: float):
        return (delays[index] if index < len(delays) else None), 100.0, 10.0
    return upcoming


def test_launches_the_next_answering_contact_when_an_agent_will_be_free_for_it() -> None:
    future = Foresight(0.0, [0.0], [], [], contacts(None, None, 8.0, 5.0))
    assert OraclePacer().calls_to_launch(snapshot(ready=1), future).calls == 3  # two duds, then the answer


def test_waits_while_the_answer_would_come_before_any_agent_is_free() -> None:
    future = Foresight(0.0, [30.0], [], [], contacts(8.0))
    assert OraclePacer().calls_to_launch(snapshot(on_call=[10.0]), future).calls == 0


def test_counts_agents_taken_by_calls_that_will_answer() -> None:
    future = Foresight(0.0, [0.0], [(4.0, 100.0, 10.0)], [], contacts(6.0))
    assert OraclePacer().calls_to_launch(snapshot(ready=1, ringing=[3.0]), future).calls == 0


def test_needs_the_simulators_foresight() -> None:
    with pytest.raises(TypeError):
        OraclePacer().calls_to_launch(snapshot(ready=1))
