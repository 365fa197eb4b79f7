from __future__ import annotations

import dataclasses
import json
import math

from dialer.pacing.adaptive import AdaptivePacer, AdaptiveState
from dialer.pacing.decision import Reason
from dialer.pacing.snapshot import Learned, WrapUp

from .worlds import learned, snapshot

SETTLED = AdaptiveState(log_risk=math.log(0.08), answers_seen=1000, abandons_seen=0)


def calls(world, state: AdaptiveState = SETTLED) -> int:
    return AdaptivePacer().calls_to_launch(world, state).calls


def test_more_ready_agents_more_calls() -> None:
    counts = [calls(snapshot(ready=ready, on_call=[60.0] * 10)) for ready in range(0, 6)]
    assert counts == sorted(counts) and counts[-1] > counts[1] > 0


def test_an_agent_ending_wrap_up_is_dialed_for_before_being_ready() -> None:
    assert calls(snapshot(on_call=[30.0] * 9, wrap_up=[8.5])) > 0
    assert calls(snapshot(on_call=[30.0] * 9, wrap_up=[0.0])) <= calls(snapshot(on_call=[30.0] * 9, wrap_up=[8.5]))


def test_calls_ringing_cover_ready_agents() -> None:
    assert calls(snapshot(ready=2, ringing=[2.0] * 12)) == 0


def test_customers_waiting_stop_dialing() -> None:
    decision = AdaptivePacer().calls_to_launch(snapshot(ready=0, on_call=[30.0] * 5, waiting=[1.0]), SETTLED)
    assert (decision.calls, decision.reason) == (0, Reason.CUSTOMERS_WAITING)


def test_a_young_campaign_is_cautious() -> None:
    young = Learned()
    assert calls(snapshot(ready=1, knowledge=young), AdaptiveState()) <= 2
    assert calls(snapshot(ready=1, knowledge=young), AdaptiveState()) >= 1


def test_an_abandon_lowers_the_risk_bound_and_served_answers_raise_it() -> None:
    pacer = AdaptivePacer()
    start = AdaptiveState(log_risk=math.log(0.05), answers_seen=1000, abandons_seen=10)
    after_abandon = pacer.learned_from(snapshot(knowledge=learned(answers_in_window=1001, abandons_in_window=11)),
                                       start)
    after_answers = pacer.learned_from(snapshot(knowledge=learned(answers_in_window=1020, abandons_in_window=10)),
                                       start)
    assert after_abandon.risk < start.risk < after_answers.risk
    assert after_answers.answers_seen == 1020


def test_the_budget_is_a_count_the_target_falls_as_it_is_spent() -> None:
    pacer = AdaptivePacer()
    targets = [
        pacer.target_abandon_rate(snapshot(knowledge=learned(answers_in_window=1000, abandons_in_window=spent)))
        for spent in (0, 15, 24, 27, 33)
    ]
    assert targets == sorted(targets, reverse=True)
    assert targets[0] == 0.03 and targets[-1] <= 0.006


def test_the_state_persists_as_json() -> None:
    decision = AdaptivePacer().calls_to_launch(snapshot(ready=2), SETTLED)
    restored = AdaptiveState(**json.loads(json.dumps(dataclasses.asdict(decision.state))))
    assert restored == decision.state


def test_decisions_do_not_depend_on_the_memo() -> None:
    world = snapshot(ready=1, on_call=[20.0, 80.0, 200.0], wrap_up=[3.0], ringing=[2.0, 9.0])
    warm = AdaptivePacer()
    warm.calls_to_launch(snapshot(ready=3), SETTLED)
    assert warm.calls_to_launch(world, SETTLED).calls == AdaptivePacer().calls_to_launch(world, SETTLED).calls


def test_a_window_one_abandon_from_the_cap_dials_more_cautiously_without_unlearning() -> None:
    # 1000 answers allow 30 abandons: with 29.5 spent the next one would turn the campaign
    # progressive, so fewer calls go out, but the learned bound is not lowered for it.
    world = dict(ready=2, on_call=[60.0] * 10, wrap_up=[6.0, 8.0])
    roomy = snapshot(**world, knowledge=learned(answers_in_window=1000, abandons_in_window=10))
    tight = snapshot(**world, knowledge=learned(answers_in_window=1000, abandons_in_window=29))
    pacer = AdaptivePacer()
    assert pacer.headroom_factor(roomy) == 1.0 and pacer.headroom_factor(tight) < 1.0
    state = AdaptiveState(log_risk=math.log(0.08), answers_seen=1000, abandons_seen=29)
    assert calls(tight, state) < calls(roomy, dataclasses.replace(state, abandons_seen=10))
    assert pacer.calls_to_launch(tight, state).state.log_risk == state.log_risk


def test_no_call_beyond_one_per_ready_agent_while_one_abandon_would_cross_the_cap() -> None:
    # A cold start: 20 answers in the window, where one abandon is 5 %. The forecast would
    # dial ahead for the agents on calls; the rule keeps it to the ready agents.
    world = dict(ready=3, on_call=[110.0] * 20, wrap_up=[8.0] * 5)
    cold = AdaptivePacer().calls_to_launch(snapshot(**world, knowledge=learned(answers_in_window=20)), SETTLED)
    assert (cold.calls, cold.reason) == (3, Reason.WARMING_UP)
    # 90 answers allow 2.7 abandons and 2 are spent (2.2 %): one more would cross the cap.
    spent = AdaptivePacer().calls_to_launch(
        snapshot(**world, knowledge=learned(answers_in_window=90, abandons_in_window=2)), SETTLED)
    assert (spent.calls, spent.reason) == (3, Reason.ABANDON_CAP)
    # With an abandon to spare the forecast decides, and dials ahead.
    roomy = AdaptivePacer().calls_to_launch(snapshot(**world, knowledge=learned(answers_in_window=1000)), SETTLED)
    assert roomy.calls > 3 and roomy.reason is Reason.FORECAST


def test_an_agent_who_cannot_end_their_wrap_up_is_counted_on_only_when_its_time_runs_out() -> None:
    # Wrap-ups usually end in about a second; this agent's screen is gone 6 s into one, so only
    # the set 20 s frees them. The learned law alone sees them as free any moment.
    quick = dataclasses.replace(learned(), wrap_up_s=tuple(0.5 + i / 50 for i in range(50)))
    world = snapshot(on_call=[30.0] * 9, knowledge=quick)
    stuck = WrapUp(elapsed_s=6.0, expected_s=20.0)
    at_screen = dataclasses.replace(world, agents_in_wrap_up=(stuck,))
    unattended = dataclasses.replace(world, agents_in_wrap_up=(dataclasses.replace(stuck, by_timer_only=True),))
    assert calls(unattended) < calls(at_screen)
    nearly_over = dataclasses.replace(world, agents_in_wrap_up=(WrapUp(19.5, 20.0, by_timer_only=True),))
    assert calls(nearly_over) > calls(unattended)
