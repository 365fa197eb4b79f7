from __future__ import annotations

from dialer.pacing.issabel import IssabelPacer

from .worlds import learned, snapshot


def test_free_agents_divided_by_the_answer_rate() -> None:
    assert IssabelPacer().calls_to_launch(snapshot(ready=3, knowledge=learned(answer_rate=0.3))).calls == 10


def test_a_long_call_counts_as_about_to_be_free() -> None:
    # 1 - exp(-(t_ans + t)/mu) >= 0.97 needs t >= 3.5 mu - t_ans: about 409 s with mu 120 s.
    short = IssabelPacer(overcommit=False).calls_to_launch(snapshot(on_call=[300.0]))
    long = IssabelPacer(overcommit=False).calls_to_launch(snapshot(on_call=[420.0]))
    assert (short.calls, long.calls) == (0, 1)


def test_ringing_calls_are_subtracted_before_dividing() -> None:
    assert IssabelPacer().calls_to_launch(snapshot(ready=3, ringing=[2.0, 3.0, 4.0])).calls == 0
