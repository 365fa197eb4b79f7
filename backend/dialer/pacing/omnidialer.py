"""OMniDialer's predictive pacer (OMniLeads, predictive_pacer.py, 1 s tick), a baseline.

EWMAs of the human-connect rate and of abandons per connect drive a forecast of agents about
to be free (exponential in the remaining handle time); aggressiveness falls linearly from
`boost` to 0.2 as the abandon EWMA climbs to its maximum; five ticks at the maximum switch to
strict progressive until it is back under 80 % of it; the first 50 agent-answered calls are
dialed at ratio 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from dialer.pacing.decision import Decision, Reason
from dialer.pacing.limits import within_limits
from dialer.pacing.snapshot import Snapshot

ALPHA = 0.1
CONNECT_RATE_FLOOR = 0.05
WARMUP_AGENT_ANSWERS = 50
DEFAULT_RING_S = 15.0


@dataclass(frozen=True)
class OmniDialerState:
    connect_rate: float = 0.5
    """P: EWMA of human connects per finished attempt."""
    abandon_rate: float = 0.0
    """D: EWMA of abandons per connect."""
    attempts_seen: int = 0
    answers_seen: int = 0
    abandons_seen: int = 0
    ticks_at_max: int = 0
    strict_progressive: bool = False


def _ewma_of_counts(value: float, events: int, hits: int) -> float:
    """The EWMA after `events` updates of which `hits` were 1 (order unknown: spread evenly)."""
    if events <= 0:
        return value
    keep = (1 - ALPHA) ** events
    return value * keep + (hits / events) * (1 - keep)


class OmniDialerPacer:
    name = "omnidialer"

    def __init__(self, boost: float = 1.0, max_abandon: float = 0.03, amd_latency_s: float = 5.0) -> None:
        self.boost = boost
        self.max_abandon = max_abandon
        self.amd_latency_s = amd_latency_s

    def initial_state(self) -> OmniDialerState:
        return OmniDialerState()

    def calls_to_launch(self, snapshot: Snapshot, state: Any = None) -> Decision:
        state = self._updated(snapshot, state or self.initial_state())
        free = snapshot.agents_ready
        in_flight = snapshot.calls_in_flight
        agent_answers = snapshot.learned.live_answers_total - snapshot.learned.abandons_total
        if state.strict_progressive or agent_answers < WARMUP_AGENT_ANSWERS:
            reason = Reason.ABANDON_CAP if state.strict_progressive else Reason.WARMING_UP
            wanted = free - in_flight
            return within_limits(snapshot, wanted, reason, {"abandon_ewma": state.abandon_rate}, state)
        learned, settings = snapshot.learned, snapshot.settings
        talk = learned.mean_talk_s or settings.predicted_talk_s
        wrap = learned.mean_wrap_up_s or settings.default_wrap_up_s
        t_ring = (learned.mean_time_to_answer_s or DEFAULT_RING_S) + self.amd_latency_s
        expected = sum(1 - math.exp(-t_ring / max(1.0, talk + wrap - age)) for age in snapshot.agents_on_call_s)
        expected += sum(
            1 - math.exp(-t_ring / max(1.0, wrap - w.elapsed_s)) for w in snapshot.agents_in_wrap_up
        )
        p = max(state.connect_rate, CONNECT_RATE_FLOOR)
        gamma = self._aggressiveness(state.abandon_rate)
        wanted = max(0, math.floor((free + expected - len(snapshot.calls_ringing_s) * p) / p * gamma))
        detail = {"free": free, "expected_free": expected, "connect_rate": p, "gamma": gamma}
        reason = Reason.FORECAST if wanted > 0 else Reason.ENOUGH_IN_FLIGHT
        return within_limits(snapshot, wanted, reason, detail, state)

    def _aggressiveness(self, abandon_rate: float) -> float:
        low = 0.5 * self.max_abandon
        if abandon_rate <= low:
            return self.boost
        if abandon_rate >= self.max_abandon:
            return 0.2
        return self.boost + (0.2 - self.boost) * (abandon_rate - low) / (self.max_abandon - low)

    def _updated(self, snapshot: Snapshot, state: OmniDialerState) -> OmniDialerState:
        learned = snapshot.learned
        attempts = learned.attempts_total - state.attempts_seen
        answers = learned.live_answers_total - state.answers_seen
        abandons = learned.abandons_total - state.abandons_seen
        # Answers counted as attempts' outcomes; abandons per connect.
        connect_rate = _ewma_of_counts(state.connect_rate, attempts, min(answers, attempts))
        # An abandon is known 2 s after its answer, so the two may fall in different ticks.
        abandon_rate = _ewma_of_counts(state.abandon_rate, max(answers, abandons), abandons)
        ticks_at_max = state.ticks_at_max + 1 if abandon_rate >= self.max_abandon else 0
        strict = state.strict_progressive
        if ticks_at_max >= 5:
            strict = True
        elif strict and abandon_rate < 0.8 * self.max_abandon:
            strict = False
        return replace(
            state,
            connect_rate=connect_rate,
            abandon_rate=abandon_rate,
            attempts_seen=learned.attempts_total,
            answers_seen=learned.live_answers_total,
            abandons_seen=learned.abandons_total,
            ticks_at_max=ticks_at_max,
            strict_progressive=strict,
        )
