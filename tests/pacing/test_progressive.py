from __future__ import annotations

from dialer.pacing.decision import Reason
from dialer.pacing.preview import PreviewPacer
from dialer.pacing.progressive import ProgressivePacer

from .worlds import snapshot


def test_one_call_per_ready_agent_counting_calls_already_out() -> None:
    assert ProgressivePacer().calls_to_launch(snapshot(ready=4, ringing=[3.0])).calls == 3


def test_never_dials_ahead_of_busy_agents() -> None:
    decision = ProgressivePacer().calls_to_launch(snapshot(ready=0, on_call=[300.0] * 5, wrap_up=[9.9]))
    assert (decision.calls, decision.reason) == (0, Reason.NO_READY_AGENTS)


def test_preview_presents_one_contact_per_ready_agent_agent_first() -> None:
    decision = PreviewPacer().calls_to_launch(snapshot(ready=2))
    assert decision.calls == 2
    assert decision.detail["agent_first"] == 1.0
