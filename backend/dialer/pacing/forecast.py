"""Forecasts for the adaptive pacer: when busy agents will be free, when ringing calls will answer.

Learned samples are used as empirical distributions once there are enough; before that a prior
(the campaign's predicted talk time as an exponential, a uniform ring time up to the timeout, a
pessimistic answer rate) keeps a young campaign cautious. Vectorised with numpy: one call per
pacer tick covers every agent and call at every horizon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from dialer.pacing.snapshot import Learned, Snapshot

MIN_SAMPLES = 20
"""Below this many talk samples, talk time is an exponential with a blended mean."""
PRIOR_WEIGHT = 5.0
"""Pseudo-samples given to priors (answer rate, ring time, talk time)."""
TAIL_SAMPLES = 40
"""Beyond the age where fewer samples remain, the remaining time is exponential."""
HORIZON_STEP_S = 0.5
"""Answer times are forecast on this grid, up to the ring timeout (1 s measured a little worse)."""
TALK_STEP_S = 0.5
RING_STEP_S = 0.25
"""Resolution of the age tables: a call's age is rounded down to it."""
REFRESH_ANSWERS = 50
"""Once samples are plenty, models are rebuilt every this many answers, not on each sample."""
MIN_VARIANCE = 0.02
"""Floor of the surplus variance: a sure surplus of one agent must not look risky."""
PRIOR_ANSWER_RATE = 0.5
"""Deliberately high: believing more calls will answer launches fewer of them."""


RATE_ITERATIONS = 4
"""Fixed-point steps of the answer rate with released calls (it moves < 0.1 % after the fourth)."""


def answer_rate(recent_answers: int, recent_attempts: int, later_share: np.ndarray | None = None) -> float:
    """Answer rate shrunk towards a pessimistic prior while few attempts have finished.

    `later_share`: for each recent call the dialer hung up while it rang, the share of answers
    that come after the time it had rung. Counting those calls as unanswered would understate
    the rate (and make the pacer bolder); each counts instead as the chance it would still have
    answered, `rate x later / (1 - rate x (1 - later))`, which depends on the rate: a few
    fixed-point steps, from below.
    """
    rate = (recent_answers + PRIOR_ANSWER_RATE * PRIOR_WEIGHT) / (recent_attempts + PRIOR_WEIGHT)
    if later_share is None or not len(later_share):
        return rate
    for _ in range(RATE_ITERATIONS):
        would_have = rate * later_share / np.maximum(1.0 - rate * (1.0 - later_share), 1e-9)
        rate = (recent_answers + float(would_have.sum()) + PRIOR_ANSWER_RATE * PRIOR_WEIGHT) / (
            recent_attempts + PRIOR_WEIGHT)
    return rate


class AgeTable:
    """Probabilities by age (rows, `step` apart) and horizon (columns); older ages use the last row.

    The last row is right beyond the samples, where the model is an exponential tail and so does
    not depend on age any more.
    """

    def __init__(self, step: float, rows: np.ndarray) -> None:
        self.step = step
        self.rows = rows
        self.variances = rows * (1 - rows)

    def sums(self, ages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sum over ages of the probabilities and of their Bernoulli variances, per horizon."""
        index = np.minimum((ages / self.step).astype(np.intp), len(self.rows) - 1)
        return self.rows[index].sum(axis=0), self.variances[index].sum(axis=0)


class DurationModel:
    """A duration (talk time) learned from samples: P(done within h | already lasted a)."""

    def __init__(self, samples: tuple[float, ...], prior_mean: float) -> None:
        n = len(samples)
        self.sorted = np.sort(np.asarray(samples, dtype=float))
        if n < MIN_SAMPLES:
            total = float(self.sorted.sum()) + PRIOR_WEIGHT * prior_mean
            self.exponential_mean: float | None = max(1.0, total / (n + PRIOR_WEIGHT))
            self.tail_mean = self.exponential_mean
            return
        self.exponential_mean = None
        self.tail_count = min(TAIL_SAMPLES, n // 3)
        top = self.sorted[-self.tail_count:]
        # Mean residual life beyond the last well-populated age: the tail's own scale.
        self.tail_mean = max(1.0, float(np.mean(top - self.sorted[-self.tail_count - 1])))

    def table(self, horizons: np.ndarray, step: float) -> AgeTable:
        """`done_within` tabulated on ages 0, step, 2 step, ...: one gather per tick instead of searches."""
        if self.exponential_mean is not None:
            return AgeTable(step, self.done_within(np.zeros(1), horizons))
        ages = np.arange(0.0, float(self.sorted[-1]) + step, step)
        return AgeTable(step, self.done_within(ages, horizons))

    def done_within(self, ages: np.ndarray, horizons: np.ndarray) -> np.ndarray:
        """Matrix [age, horizon]: probability the duration ends within `horizon` after `age`."""
        positive = np.maximum(horizons, 0.0)[None, :]
        if self.exponential_mean is not None:
            shape = (len(ages), len(horizons))
            return np.broadcast_to(1.0 - np.exp(-positive / self.exponential_mean), shape).copy()
        s, n = self.sorted, len(self.sorted)
        above_age = n - np.searchsorted(s, ages, side="right")
        above_later = n - np.searchsorted(s, ages[:, None] + positive, side="right")
        with np.errstate(divide="ignore", invalid="ignore"):
            empirical = 1.0 - above_later / np.maximum(above_age, 1)[:, None]
        tail = 1.0 - np.exp(-positive / self.tail_mean)
        result = np.where((above_age >= self.tail_count)[:, None], empirical, tail)
        return np.where(horizons[None, :] > 0, result, 0.0)


class RingModel:
    """Time to answer (cdf), learned from answered calls, with a uniform prior up to the timeout."""

    def __init__(self, samples: tuple[float, ...], ring_timeout_s: float) -> None:
        self.sorted = np.sort(np.asarray(samples, dtype=float))
        self.timeout = ring_timeout_s
        n = len(samples)
        self.prior_share = PRIOR_WEIGHT / (n + PRIOR_WEIGHT)
        self._cdf_memo: tuple[np.ndarray, np.ndarray] | None = None
        self._table: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def cdf(self, t: np.ndarray) -> np.ndarray:
        # The horizons grid is the same array every tick: remember its cdf.
        memo = self._cdf_memo
        if memo is not None and memo[0] is t:
            return memo[1]
        values = self.unmemoised_cdf(t)
        self._cdf_memo = (t, values)
        return values

    def unmemoised_cdf(self, t: np.ndarray) -> np.ndarray:
        prior = np.clip(t / self.timeout, 0.0, 1.0)
        n = len(self.sorted)
        if n == 0:
            return prior
        empirical = np.searchsorted(self.sorted, t, side="right") / n
        return self.prior_share * prior + (1 - self.prior_share) * empirical

    def answer_sums(self, ages: np.ndarray, horizons: np.ndarray, rate: float) -> tuple[np.ndarray, np.ndarray]:
        """Expected answers of calls ringing for `ages`, and their variance, by each horizon."""
        if self._table is None or self._table[0] is not horizons:
            grid = np.arange(0.0, self.timeout + RING_STEP_S, RING_STEP_S)
            before = self.unmemoised_cdf(grid)
            self._table = (horizons, before, self.unmemoised_cdf(grid[:, None] + horizons[None, :]) - before[:, None])
        _, before, gained = self._table
        index = np.minimum((ages / RING_STEP_S).astype(np.intp), len(before) - 1)
        answers = rate * gained[index] / np.maximum(1.0 - rate * before[index], 1e-9)[:, None]
        return answers.sum(axis=0), (answers * (1 - answers)).sum(axis=0)


class WrapUpModel:
    """Remaining wrap-up: the set time until enough wrap-ups are measured, then their empirical law."""

    def __init__(self, samples: tuple[float, ...]) -> None:
        self.learned = DurationModel(samples, 1.0) if len(samples) >= MIN_SAMPLES else None

    def done_within(self, elapsed: np.ndarray, expected: np.ndarray, horizons: np.ndarray) -> np.ndarray:
        if self.learned is None:
            remaining = np.maximum(expected - elapsed, 0.0)
            return (remaining[:, None] <= horizons[None, :]).astype(float)
        return self.learned.done_within(elapsed, horizons)


def normal_below(x: np.ndarray) -> np.ndarray:
    """Standard normal cdf (tanh approximation, error < 3e-4: plenty for a pacing margin)."""
    return 0.5 * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


def no_agent_left(left: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """Probability that no agent is left, the expected count being `left` with `variance`: normal
    with a continuity correction (agents are whole), the variance floored at `MIN_VARIANCE`."""
    return normal_below((0.5 - left) / np.sqrt(np.maximum(variance, MIN_VARIANCE)))


@dataclass(frozen=True)
class Forecast:
    """Agents' surplus at each horizon a new call could answer at, and what one new call adds."""

    horizons: np.ndarray
    surplus: np.ndarray
    """Expected agents free by horizon + grace, minus expected answers of ringing calls by horizon."""
    variance: np.ndarray
    new_call_answers: np.ndarray
    """Probability a call launched now has answered by each horizon."""
    answer_rate: float
    demand: np.ndarray
    """Expected answers by each horizon of the calls ringing now."""

    def without_ringing(self, answers: np.ndarray, variance: np.ndarray) -> Forecast:
        """The forecast had one ringing call (its expected answers and their variance by each
        horizon, from `ForecastModels.ringing_call`) been hung up."""
        return Forecast(self.horizons, self.surplus + answers, np.maximum(self.variance - variance, 0.0),
                        self.new_call_answers, self.answer_rate, self.demand - answers)

    def ringing_abandons(self) -> float:
        """`expected_abandons` of no new call: those among the calls ringing now (half the work)."""
        demand = self.demand
        demand_before = np.concatenate(([0.0], demand[:-1]))
        lost = no_agent_left(self.surplus + demand - demand_before, self.variance)
        return float(((demand - demand_before) * lost).sum())

    def expected_abandons(self, calls: np.ndarray) -> np.ndarray:
        """Expected abandons over the horizon among all calls if `calls` more are launched now.

        Each second's answers (ringing calls' and the new calls') are abandoned with the
        probability that no agent is left for them: the surplus, a sum of Bernoulli frees and
        answers, taken as normal with a continuity correction (it counts whole agents; an
        Edgeworth skew term was tried and changed nothing measurable). Its increase per new call
        counts the harm a call does to the calls already ringing, not only its own risk.
        """
        r, demand = self.new_call_answers, self.demand
        r_before = np.concatenate(([0.0], r[:-1]))
        demand_before = np.concatenate(([0.0], demand[:-1]))
        agents = self.surplus + demand  # free by each horizon (+ grace), before any answer
        k = calls[:, None]
        # One of the k new calls answering in a second finds the answers of ringing calls and
        # of the k - 1 others before it; a ringing call's answer finds those of all k.
        others = np.maximum(k - 1, 0)
        new_left = agents - demand_before - others * r_before
        old_left = new_left - np.minimum(k, 1) * r_before
        one = r_before * (1 - r_before)
        new_lost = no_agent_left(new_left, self.variance + others * one)
        old_lost = no_agent_left(old_left, self.variance + k * one)
        return (k * (r - r_before) * new_lost + (demand - demand_before) * old_lost).sum(axis=1)


class ForecastModels:
    """The models built from the learned samples, and their age tables, rebuilt only when needed.

    While samples are few, a model is rebuilt whenever its sample tuple changes (the engine and
    the simulator hand over the same tuple object until a new sample arrives); once they are
    plenty, every `REFRESH_ANSWERS` answers, as one more sample barely moves the law.
    """

    def __init__(self) -> None:
        self._talk: tuple[Any, DurationModel, dict[Any, AgeTable]] | None = None
        self._wrap: tuple[Any, WrapUpModel, dict[Any, AgeTable]] | None = None
        self._ring: tuple[Any, RingModel] | None = None
        self._horizons: tuple[float, np.ndarray] | None = None
        self._rate: tuple[Any, float] | None = None

    @staticmethod
    def _key(samples: tuple[float, ...], answers: int) -> Any:
        return ("few", id(samples), samples) if len(samples) < 50 else ("plenty", answers // REFRESH_ANSWERS)

    def talk_table(self, samples: tuple[float, ...], prior_mean: float, answers: int, horizons: np.ndarray) -> AgeTable:
        key = (self._key(samples, answers), prior_mean)
        if self._talk is None or self._talk[0] != key:
            self._talk = (key, DurationModel(samples, prior_mean), {})
        tables = self._talk[2]
        # Horizons are shifted by the mean wrap-up, which moves with each sample: round it.
        shift = round(float(horizons[0]) * 4) / 4
        if shift not in tables:
            tables.clear()
            tables[shift] = self._talk[1].table(horizons - float(horizons[0]) + shift, TALK_STEP_S)
        return tables[shift]

    def wrap(self, samples: tuple[float, ...], answers: int) -> tuple[WrapUpModel, dict[Any, AgeTable]]:
        key = self._key(samples, answers)
        if self._wrap is None or self._wrap[0] != key:
            self._wrap = (key, WrapUpModel(samples), {})
        return self._wrap[1], self._wrap[2]

    def ring(self, samples: tuple[float, ...], timeout: float, answers: int) -> RingModel:
        key = (self._key(samples, answers), timeout)
        if self._ring is None or self._ring[0] != key:
            self._ring = (key, RingModel(samples, timeout))
        return self._ring[1]

    def answer_rate(self, learned: Learned, ring: RingModel) -> float:
        """`answer_rate` of the recent attempts, remembered while the same released ages come in
        (the simulator hands over the same tuple until one changes)."""
        released = learned.released_ages_s
        if not released:
            return answer_rate(learned.recent_answers, learned.recent_attempts)
        key = (id(released), released, learned.recent_answers, learned.recent_attempts, id(ring))
        if self._rate is None or self._rate[0] != key:
            later = 1.0 - ring.unmemoised_cdf(np.asarray(released, dtype=float))
            self._rate = (key, answer_rate(learned.recent_answers, learned.recent_attempts, later))
        return self._rate[1]

    def ringing_call(self, age_s: float, forecast: Forecast) -> tuple[np.ndarray, np.ndarray]:
        """Expected answers by each horizon of one call ringing for `age_s`, and their variance,
        with the models of the last `forecast`."""
        assert self._ring is not None, "forecast() first"
        return self._ring[1].answer_sums(np.asarray([age_s], dtype=float), forecast.horizons, forecast.answer_rate)

    def horizons(self, ring_timeout_s: float) -> np.ndarray:
        """The grid of times at which a call launched now could answer."""
        if self._horizons is None or self._horizons[0] != ring_timeout_s:
            step = HORIZON_STEP_S
            self._horizons = (ring_timeout_s, np.arange(step, math.ceil(ring_timeout_s) + step, step))
        return self._horizons[1]

    def forecast(self, snapshot: Snapshot) -> Forecast:
        settings, learned = snapshot.settings, snapshot.learned
        # A customer answering at t is served by an agent free by t + grace; half a second is
        # kept back because the next look at the world is up to a tick away.
        grace = max(0.0, settings.abandon_after_s - 0.5)
        horizons = self.horizons(settings.ring_timeout_s)
        wrap_mean = learned.mean_wrap_up_s or settings.default_wrap_up_s
        surplus = np.full(len(horizons), float(snapshot.agents_ready - len(snapshot.customers_waiting_s)))
        variance = np.zeros(len(horizons))
        answered = learned.live_answers_total
        if snapshot.agents_on_call_s:
            # Free = the rest of the talk, then a wrap-up (its mean: the two are not convolved).
            table = self.talk_table(learned.talk_s, settings.predicted_talk_s, answered, horizons + grace - wrap_mean)
            done, spread = table.sums(np.asarray(snapshot.agents_on_call_s))
            surplus += done
            variance += spread
        timed = [w for w in snapshot.agents_in_wrap_up if w.by_timer_only]
        if timed:
            # The learned law (wrap-ups of agents at their screens) would see such an agent,
            # already past most wrap-ups, as free any moment: the set time is what frees them.
            remaining = np.asarray([w.remaining_s for w in timed])
            surplus += (remaining[:, None] <= (horizons + grace)[None, :]).sum(axis=0)
        wrapping = [w for w in snapshot.agents_in_wrap_up if not w.by_timer_only]
        if wrapping:
            wrap, tables = self.wrap(learned.wrap_up_s, answered)
            elapsed = np.asarray([w.elapsed_s for w in wrapping])
            if wrap.learned is None:
                expected = np.asarray([w.expected_s for w in wrapping])
                surplus += wrap.done_within(elapsed, expected, horizons + grace).sum(axis=0)
            else:
                if "table" not in tables:
                    tables["table"] = wrap.learned.table(horizons + grace, RING_STEP_S)
                done, spread = tables["table"].sums(elapsed)
                surplus += done
                variance += spread
        ring = self.ring(learned.time_to_answer_s, settings.ring_timeout_s, answered)
        rate = self.answer_rate(learned, ring)
        demand = np.zeros(len(horizons))
        if snapshot.calls_ringing_s:
            answers, spread = ring.answer_sums(np.asarray(snapshot.calls_ringing_s), horizons, rate)
            demand += answers
            variance += spread
        # Calls launched later that answer sooner are not modelled as a stream: tried, it made
        # the pacer shyer for no fewer abandons at equal utilisation.
        surplus -= demand
        return Forecast(horizons, surplus, variance, rate * ring.cdf(horizons), rate, demand)
