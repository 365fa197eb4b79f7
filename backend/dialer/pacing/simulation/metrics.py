"""Figures of one simulated shift, and their summary over seeds.

Everything is measured after the warm-up: utilisation is talk time over logged-in time, the
abandon rate is abandoned over person-answered calls, idle gaps run from an agent becoming
ready to their next customer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class RunMetrics:
    utilisation: float
    idle_mean_s: float
    idle_p90_s: float
    abandon_rate: float
    wait_p50_s: float
    wait_p95_s: float
    calls_per_agent_hour: float
    answered: int
    abandoned: int
    attempts: int
    released: int = 0
    """Calls the pacer hung up while they rang (after the legal minimum ring)."""
    answers_forgone: int = 0
    """Of those, the ones that would have answered (only a simulation knows)."""

    @property
    def forgone_share(self) -> float:
        """Answers lost to releasing, as a share of the answers there would have been."""
        would_have = self.answered + self.answers_forgone
        return self.answers_forgone / would_have if would_have else 0.0


@dataclass(frozen=True)
class Spread:
    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(sum(values) / len(values), min(values), max(values))


@dataclass(frozen=True)
class Summary:
    """One pacer on one scenario, over its seeds."""

    runs: int
    utilisation: Spread
    abandon: Spread
    idle_mean_s: Spread
    idle_p90_s: Spread
    wait_p95_s: Spread
    calls_per_agent_hour: Spread
    forgone: Spread

    @classmethod
    def of(cls, runs: Sequence[RunMetrics]) -> Summary:
        return cls(
            runs=len(runs),
            utilisation=Spread.of([r.utilisation for r in runs]),
            abandon=Spread.of([r.abandon_rate for r in runs]),
            idle_mean_s=Spread.of([r.idle_mean_s for r in runs]),
            idle_p90_s=Spread.of([r.idle_p90_s for r in runs]),
            wait_p95_s=Spread.of([r.wait_p95_s for r in runs]),
            calls_per_agent_hour=Spread.of([r.calls_per_agent_hour for r in runs]),
            forgone=Spread.of([r.forgone_share for r in runs]),
        )

    def as_json(self) -> dict[str, float]:
        """The benchmark's per-pacer JSON entry (issue 5)."""
        return {
            "utilisation": round(self.utilisation.mean, 4),
            "abandon_mean": round(self.abandon.mean, 4),
            "abandon_max": round(self.abandon.high, 4),
            "idle_p90_s": round(self.idle_p90_s.mean, 2),
            "wait_p95_s": round(self.wait_p95_s.mean, 2),
        }


RUN_METRIC_NAMES = tuple(f.name for f in fields(RunMetrics))
