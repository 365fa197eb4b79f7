"""Our predictive pacer: launch each call whose cost in abandons per answer is within a learned bound.

Each tick it forecasts, every half second over the ring timeout, the surplus of agents: those
free by then (ready now; on a call, from the learned talk time given the call's age; in wrap-up,
a known end) minus the answers expected from calls already ringing (answer rate and ring time
given each call's age); see `forecast.py`. The k-th new call is launched if the abandons it adds
(its own, and those it causes among calls already ringing), per answer it brings, stay under
`risk`. A call that has rung the legal minimum (15 s) is hung up when its answer would almost
surely be abandoned (`RELEASE_ABOVE`): the law counts the abandon, not the unanswered call, and
most such calls would not have answered anyway. The bound is learned: a Robbins-Monro step on
each answered call moves it toward the abandon rate the budget allows, and the budget is a count
over the compliance window, so a shift that already spent its abandons turns cautious and one
that saved them spends a little more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from dialer.pacing.decision import Decision, Reason
from dialer.pacing.forecast import Forecast, ForecastModels
from dialer.pacing.limits import progressive_calls, releasable_ages, room_for_calls, within_limits
from dialer.pacing.pacer import saved_number
from dialer.pacing.snapshot import Learned, Snapshot

HEADROOM = 2.0
"""Abandons left before the cap below which the pacer takes less than its learned risk."""
RELEASE_ABOVE = 0.8
"""A ringing call is hung up when the abandons it would add per answer it brings exceed this.
A released call that would have answered costs a later retry and a missed call, so the pacer
trades one only for an abandon it is nearly sure of (4 in 5). Even odds (0.5) give about half a
point more utilisation and lose two to three times as many answers (S20: 5 % instead of 2 %)."""
BATCH = 32
"""Candidate calls evaluated at once (more are tried only if all of these fit)."""


def abandons_to_spare(snapshot: Snapshot) -> float:
    """Abandons the compliance window still allows before its rate passes the cap."""
    learned = snapshot.learned
    return snapshot.settings.abandon_cap * learned.live_answers_in_window - learned.abandons_in_window


@dataclass(frozen=True)
class AdaptiveState:
    """What the adaptive pacer has learned: a few numbers the engine can persist as JSON."""

    log_risk: float = math.log(0.04)
    """log of the most abandons a new call may add per answer it brings."""
    answers_seen: int = 0
    """`learned.live_answers_total` at the last update: answers since then are news."""
    abandons_seen: int = 0
    experience: int = 0
    """Answers learned from, across engine restarts: the step size shrinks with it."""

    @property
    def risk(self) -> float:
        return math.exp(self.log_risk)


class AdaptivePacer:
    """Keep one instance per campaign: it memoises models built from that campaign's samples.

    The memo is not state (a fresh instance decides the same); the state is `AdaptiveState`, of
    which the engine stores the learned bound so that a restart does not learn it again.
    """

    name = "adaptive"

    def __init__(
        self,
        first_step: float = 0.01,
        step_floor: float = 0.0015,
        rate_reserve: float = 0.06,
        count_reserve: float = 1.0,
        risk_bounds: tuple[float, float] = (0.002, 0.6),
    ) -> None:
        # None of these is tuned per scenario: they are the controller's gains and the reserve
        # kept against bad luck, the same for every campaign.
        self.first_step = first_step
        self.step_floor = step_floor
        self.rate_reserve = rate_reserve
        self.count_reserve = count_reserve
        self.risk_bounds = risk_bounds
        self.models = ForecastModels()

    def initial_state(self) -> AdaptiveState:
        return AdaptiveState()

    def saved(self, state: AdaptiveState) -> dict[str, Any]:
        return {"risk": state.risk, "experience": state.experience}

    def resumed(self, saved: Mapping[str, Any], learned: Learned) -> AdaptiveState:
        """The learned bound and experience; counting of news starts again from `learned`'s totals."""
        risk, experience = saved_number(saved, "risk"), saved.get("experience", 0)
        if risk <= 0:
            raise ValueError(f"risk must be a positive number, not {risk!r}")
        if isinstance(experience, bool) or not isinstance(experience, int) or experience < 0:
            raise ValueError(f"experience must be a whole number of answers, not {experience!r}")
        low, high = self.risk_bounds
        return AdaptiveState(math.log(min(max(risk, low), high)), learned.live_answers_total,
                             learned.abandons_total, experience)

    def calls_to_launch(self, snapshot: Snapshot, state: Any = None) -> Decision:
        state = self.learned_from(snapshot, state or self.initial_state())
        if snapshot.agents_active == 0:
            return within_limits(snapshot, 0, Reason.NO_ACTIVE_AGENTS, state=state)
        most = room_for_calls(snapshot)
        forecast = self.models.forecast(snapshot)
        risk = state.risk * self.headroom_factor(snapshot)
        release, forecast = self.calls_to_release(snapshot, forecast)
        calls = 0
        answers_per_call = float(forecast.new_call_answers[-1])
        batch_size = 4  # most ticks launch a few calls: try a few first
        while calls < most and answers_per_call > 0:
            batch = np.arange(calls, min(most, calls + batch_size) + 1, dtype=float)
            batch_size = BATCH
            marginal = np.diff(forecast.expected_abandons(batch)) / answers_per_call
            fits = marginal <= risk
            if not fits.all():
                calls += int(np.argmin(fits))
                break
            calls += len(fits)
        detail = {
            "risk_bound": risk,
            "answer_rate": forecast.answer_rate,
            "agents_free_soon": float(forecast.surplus[-1]),
            "target_abandon": self.target_abandon_rate(snapshot),
        }
        if release:
            detail["released"] = release
        if calls > 0:
            reason = Reason.FORECAST
        elif snapshot.customers_waiting_s:
            reason = Reason.CUSTOMERS_WAITING
        elif snapshot.agents_ready == 0 and not snapshot.calls_ringing_s:
            reason = Reason.NO_READY_AGENTS
        else:
            reason = Reason.ENOUGH_IN_FLIGHT
        calls, reason = self.no_abandon_to_spare(snapshot, calls, reason)
        return within_limits(snapshot, calls, reason, detail, state, release)

    def no_abandon_to_spare(self, snapshot: Snapshot, calls: int, reason: Reason) -> tuple[int, Reason]:
        """One call per ready agent, no more, while one more abandon would put the window's rate
        over the cap.

        The law counts the rate over the window from its first call, so a campaign's first
        answers are where an abandon weighs most (1 in 33 is 3 %), and where the forecast knows
        least (ring and talk times still the priors'): at a cold start the pacer launched a
        burst whose answers came together and 6 of the first 62 waited over 2 s
        (bench/faults.py, 9.7 %). Progressive until about 1/cap answers are in costs the first
        minute or so of a shift; later the same rule only binds when the budget is spent.
        """
        if abandons_to_spare(snapshot) >= 1:
            return calls, reason
        progressive = progressive_calls(snapshot)
        if calls <= progressive:
            return calls, reason
        warming = snapshot.settings.abandon_cap * snapshot.learned.live_answers_in_window < 1
        return progressive, Reason.WARMING_UP if warming else Reason.ABANDON_CAP

    def calls_to_release(self, snapshot: Snapshot, forecast: Forecast) -> tuple[int, Forecast]:
        """How many of the longest-ringing calls to hang up, and the forecast without them.

        Longest-ringing first (the least likely to answer): each goes while the abandons it would
        add, its own and those it causes among the others, per answer it would bring exceed
        `RELEASE_ABOVE`. The first worth keeping stops the search: younger calls answer more.
        """
        ages = releasable_ages(snapshot)
        if not ages:
            return 0, forecast
        abandons = forecast.ringing_abandons()
        released = 0
        for age in ages:
            answers, variance = self.models.ringing_call(age, forecast)
            without = forecast.without_ringing(answers, variance)
            abandons_without = without.ringing_abandons()
            if answers[-1] <= 0 or (abandons - abandons_without) / float(answers[-1]) <= RELEASE_ABOVE:
                break
            released += 1
            forecast, abandons = without, abandons_without
        return released, forecast

    def headroom_factor(self, snapshot: Snapshot) -> float:
        """How much of the learned risk to take now, from the abandons left before the hard cap.

        The cap turns the campaign progressive the moment the window's rate reaches it, and early
        in a window one abandon is enough (1 in 30 answers). Each progressive minute costs far more
        talk time than a little caution, so with less than `HEADROOM` abandons to go the risk
        falls in proportion; the learned bound itself is left alone (this is not news about it).
        """
        return min(max(abandons_to_spare(snapshot) / HEADROOM, 0.05), 1.0)

    def target_abandon_rate(self, snapshot: Snapshot) -> float:
        """The abandon rate to aim at now, from the count of abandons left in the window's budget.

        The budget is `cap x answers` less a reserve (a share of it and a call, so that bad luck
        late in a window does not cross the cap). With abandons to spare the target is the cap;
        with none it is half the cap, and it falls to a tenth of it as the budget is overspent.
        """
        cap = snapshot.settings.abandon_cap
        learned = snapshot.learned
        spare = cap * learned.live_answers_in_window * (1 - self.rate_reserve) - self.count_reserve
        spare -= learned.abandons_in_window
        # Measured in the Poisson noise of the abandons allowed, so that a big campaign's target
        # does not swing from cap to a tenth of it on a handful of abandons.
        scale = 2.0 + math.sqrt(cap * learned.live_answers_in_window) / 2
        share = 0.5 + spare / (2 * scale)
        return cap * min(max(share, 0.1), 1.0)

    def learned_from(self, snapshot: Snapshot, state: AdaptiveState) -> AdaptiveState:
        """Robbins-Monro on log(risk): each abandon lowers it, each served answer raises it a little.

        Steps shrink as answers accumulate (fast start, steady later) but not below a floor, so
        that a drifting answer rate or talk time is still followed.
        """
        learned = snapshot.learned
        answers = learned.live_answers_total - state.answers_seen
        abandons = learned.abandons_total - state.abandons_seen
        if answers <= 0 and abandons <= 0:
            return state
        cap = snapshot.settings.abandon_cap
        target = self.target_abandon_rate(snapshot)
        experience = state.experience + max(answers, 0)
        step = max(self.step_floor, self.first_step / math.sqrt(1 + experience / 20))
        change = step * (target * answers - abandons) / cap
        log_risk = state.log_risk + min(max(change, -0.7), 0.7)
        low, high = self.risk_bounds
        log_risk = min(max(log_risk, math.log(low)), math.log(high))
        return AdaptiveState(log_risk, learned.live_answers_total, learned.abandons_total, experience)
