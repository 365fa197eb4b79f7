from __future__ import annotations

from dialer.pacing.decision import Reason
from dialer.pacing.omnidialer import OmniDialerPacer, OmniDialerState

from .worlds import learned, snapshot


def test_warm_up_dials_at_ratio_one() -> None:
    decision = OmniDialerPacer().calls_to_launch(snapshot(ready=3, knowledge=learned(answers_in_window=10)))
    assert (decision.calls, decision.reason) == (3, Reason.WARMING_UP)


def test_predictive_formula_with_learned_connect_rate() -> None:
    state = OmniDialerState(connect_rate=0.25, attempts_seen=1000, answers_seen=1000)
    decision = OmniDialerPacer().calls_to_launch(snapshot(ready=2, ringing=[5.0, 6.0]), state)
    assert decision.calls == 6  # floor((2 + 0 - 2 * 0.25) / 0.25 * 1)


def test_five_ticks_at_the_maximum_switch_to_strict_progressive() -> None:
    pacer = OmniDialerPacer()
    state = OmniDialerState(abandon_rate=0.05, attempts_seen=1000, answers_seen=1000)
    for _ in range(5):
        decision = pacer.calls_to_launch(snapshot(ready=2, ringing=[5.0]), state)
        state = decision.state
    assert state.strict_progressive and decision.calls == 1
