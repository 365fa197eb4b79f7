"""VICIdial's ADAPT_TAPERED dial level (AST_VDadapt.pl v2.14) driving its RATIO launcher.

A faithful baseline, not ours: every second it samples ready agents, customers waiting and
logged-in agents; every 15 s it moves the dial level by the relative surplus of ready agents;
it halves on a bad minute and tapers towards the campaign's latest time once today's drop
rate passes the limit. Agents in disposition (our wrap-up) are PAUSED in VICIdial and are not
counted, which is what the original does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from dialer.pacing.decision import Decision, Reason
from dialer.pacing.limits import within_limits
from dialer.pacing.pacer import saved_number
from dialer.pacing.snapshot import Learned, Snapshot

SAMPLES = 15
ADAPT_EVERY_S = 15.0


@dataclass(frozen=True)
class VicidialState:
    """The dial level and the samples AST_VDadapt.pl keeps in memory; persistable as is."""

    dial_level: float = 1.0
    ready_samples: tuple[float, ...] = ()
    waiting_samples: tuple[float, ...] = ()
    logged_in_samples: tuple[float, ...] = ()
    last_sample_at: float | None = None
    """Epoch seconds of the last 1-second sample."""
    last_adapt_at: float | None = None
    minute_counts: tuple[tuple[int, int], ...] = ()
    """(live answers, abandons) totals at each of the last 60 samples, for the "last minute" rule."""


class VicidialPacer:
    name = "vicidial"

    def __init__(
        self,
        initial_dial_level: float = 1.0,
        maximum_level: float = 3.0,
        intensity: float = 0.0,
        dl_diff_target: float = 0.0,
        drop_limit_pct: float = 3.0,
        latest_server_time_hhmm: int = 2100,
        dial_level_threshold: int = 0,
    ) -> None:
        self.initial_dial_level = initial_dial_level
        self.maximum_level = maximum_level
        self.intensity = intensity / 100.0 if abs(intensity) > 1 else intensity
        self.dl_diff_target = dl_diff_target
        self.drop_limit_pct = drop_limit_pct
        self.latest_server_time_hhmm = latest_server_time_hhmm
        self.dial_level_threshold = dial_level_threshold

    def initial_state(self) -> VicidialState:
        return VicidialState(dial_level=self.initial_dial_level)

    # VICIdial keeps the dial level in its campaign row (auto_dial_level), so it survives a
    # restart; the samples live in AST_VDadapt's memory and start again.
    def saved(self, state: VicidialState) -> dict[str, Any]:
        return {"dial_level": state.dial_level}

    def resumed(self, saved: Mapping[str, Any], learned: Learned) -> VicidialState:
        level = saved_number(saved, "dial_level")
        return VicidialState(dial_level=min(max(level, 1.0), self.maximum_level))

    def calls_to_launch(self, snapshot: Snapshot, state: Any = None) -> Decision:
        state = self._sampled(snapshot, state or self.initial_state())
        agents = snapshot.agents_ready + len(snapshot.agents_on_call_s)
        dial_level = state.dial_level
        if agents < self.dial_level_threshold:
            dial_level = 1.0
        goal = round(dial_level * (agents + self.dl_diff_target))
        # "Calls in progress" in VICIdial include live calls bridged to agents.
        wanted = goal - snapshot.lines_in_use
        detail = {"dial_level": dial_level, "agents": agents, "goal": goal}
        if agents == 0:
            return within_limits(snapshot, 0, Reason.NO_READY_AGENTS, detail, state)
        reason = Reason.FORECAST if wanted > 0 else Reason.ENOUGH_IN_FLIGHT
        return within_limits(snapshot, wanted, reason, detail, state)

    def _sampled(self, snapshot: Snapshot, state: VicidialState) -> VicidialState:
        now = snapshot.now.timestamp()
        if state.last_sample_at is not None and now - state.last_sample_at < 1.0:
            return state
        learned = snapshot.learned
        state = replace(
            state,
            ready_samples=(state.ready_samples + (float(snapshot.agents_ready),))[-SAMPLES:],
            waiting_samples=(state.waiting_samples + (float(len(snapshot.customers_waiting_s)),))[-SAMPLES:],
            logged_in_samples=(state.logged_in_samples
                               + (float(snapshot.agents_active + snapshot.agents_paused),))[-SAMPLES:],
            last_sample_at=now,
            minute_counts=(state.minute_counts + ((learned.live_answers_total, learned.abandons_total),))[-60:],
            last_adapt_at=now if state.last_adapt_at is None else state.last_adapt_at,
        )
        if now - state.last_adapt_at < ADAPT_EVERY_S:
            return state
        return replace(state, dial_level=self._adapted_level(snapshot, state), last_adapt_at=now)

    def _adapted_level(self, snapshot: Snapshot, state: VicidialState) -> float:
        def average(values: tuple[float, ...]) -> float:
            return sum(values) / len(values)

        logged_in = average(state.logged_in_samples)
        level = state.dial_level
        if logged_in > 0:
            diff = average(state.ready_samples) - average(state.waiting_samples)
            pct = 100.0 * (diff + self.dl_diff_target) / logged_in
            pct = pct * abs(self.intensity - 1) if pct < 0 else pct * (1 + self.intensity)
            level = level * (1 + pct / 100.0)
        level = min(max(level, 1.0), self.maximum_level)
        answers_then, abandons_then = state.minute_counts[0]
        answers_minute = snapshot.learned.live_answers_total - answers_then
        abandons_minute = snapshot.learned.abandons_total - abandons_then
        if answers_minute > 20 and abandons_minute > 0.5 * answers_minute:
            level /= 2
        learned = snapshot.learned
        if learned.live_answers_in_window > 50 and 100 * learned.abandon_rate_in_window > self.drop_limit_pct:
            # TAPERED: both times as HHMM numbers, as the original subtracts them (2100 - 1530 = 570).
            hhmm = snapshot.now.hour * 100 + snapshot.now.minute
            if hhmm >= self.latest_server_time_hhmm:
                level = 1.0
            else:
                level *= min(1.0, (self.latest_server_time_hhmm - hhmm) / 1000)
        return min(max(level, 1.0), self.maximum_level)
