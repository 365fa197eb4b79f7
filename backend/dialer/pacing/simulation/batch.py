"""Many shifts at once, for the benchmarks: (scenario, pacer name, seed) runs on worker processes.

Pacers are named, not passed, so a task pickles to a worker and each run gets a fresh pacer.
"""

from __future__ import annotations

import time
from multiprocessing import Pool
from typing import Iterable, Iterator

from dialer.pacing.pacer import pacer_named
from dialer.pacing.simulation.metrics import RunMetrics
from dialer.pacing.simulation.scenario import Scenario
from dialer.pacing.simulation.simulator import simulate

QUICK_SEEDS = 3
"""Seeds per scenario in a quick run: the first ones, for tuning."""

Task = tuple[Scenario, str, int]
Result = tuple[Scenario, str, int, RunMetrics, float]
"""The task's scenario, pacer and seed, the run's figures and its seconds of wall time."""

_COST = {"adaptive": 4.0, "oracle": 1.5}
"""Rough run time of a pacer relative to the simple ones."""


def seeds_of(scenario: Scenario, quick: bool) -> tuple[int, ...]:
    return scenario.seeds[:QUICK_SEEDS] if quick else scenario.seeds


def run_task(task: Task) -> Result:
    scenario, pacer, seed = task
    started = time.perf_counter()
    metrics = simulate(scenario, seed, pacer_named(pacer))
    return scenario, pacer, seed, metrics, time.perf_counter() - started


def run_all(tasks: Iterable[Task], workers: int) -> Iterator[Result]:
    """Results in the order they finish; the longest runs start first so that workers end together."""
    ordered = sorted(tasks, key=lambda t: -t[0].agents ** 0.5 * t[0].hours * _COST.get(t[1], 1.0))
    if workers <= 1:
        yield from map(run_task, ordered)
        return
    with Pool(workers) as pool:
        yield from pool.imap_unordered(run_task, ordered)
