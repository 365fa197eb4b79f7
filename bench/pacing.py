"""Pacing benchmark: every pacer on every scenario in virtual time, side by side.

    python bench/pacing.py                     # the built-in scenarios (bench/scenarios/builtin.json)
    python bench/pacing.py --quick             # fewer seeds, for tuning
    python bench/pacing.py --scenarios FILE    # the scenarios in FILE (a JSON list) instead

Prints one table (scenario x pacer: mean over seeds with the spread, adaptive as a share of the
oracle) and, as the very last line, the JSON object described in issue 5. "forgone %" is the
share of answers lost because the pacer hung up calls that had rung the legal 15 s and would
have answered later (only a simulation can know it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

from dialer.pacing.pacer import pacer_named
from dialer.pacing.simulation.batch import QUICK_SEEDS, run_all, seeds_of
from dialer.pacing.simulation.distributions import ScenarioError
from dialer.pacing.simulation.metrics import RunMetrics, Summary
from dialer.pacing.simulation.scenario import Scenario, load_scenarios

PACERS = ("progressive", "ratio", "vicidial", "issabel", "omnidialer", "adaptive", "oracle")
BUILTIN = Path(__file__).parent / "scenarios" / "builtin.json"


def percent(value: float) -> str:
    return f"{100 * value:.1f}"


def table(scenarios: list[Scenario], pacers: tuple[str, ...], summaries: dict[str, dict[str, Summary]]) -> str:
    header = (f"{'scenario':<16} {'pacer':<12} {'util %':>6} {'(min-max)':>11} {'abandon %':>9} {'max':>5} "
              f"{'idle s':>6} {'p90':>6} {'wait95 s':>8} {'calls/ag-h':>10} {'forgone %':>9} {'of oracle':>9}")
    lines = [header, "-" * len(header)]
    for scenario in scenarios:
        by_pacer = summaries[scenario.name]
        oracle = by_pacer.get("oracle")
        for pacer in pacers:
            s = by_pacer[pacer]
            share = f"{100 * s.utilisation.mean / oracle.utilisation.mean:.1f}%" if oracle else "-"
            spread = f"({percent(s.utilisation.low)}-{percent(s.utilisation.high)})"
            lines.append(
                f"{scenario.name:<16} {pacer:<12} {percent(s.utilisation.mean):>6} {spread:>11} "
                f"{100 * s.abandon.mean:>9.2f} {100 * s.abandon.high:>5.2f} {s.idle_mean_s.mean:>6.1f} "
                f"{s.idle_p90_s.mean:>6.1f} {s.wait_p95_s.mean:>8.2f} {s.calls_per_agent_hour.mean:>10.1f} "
                f"{100 * s.forgone.mean:>9.1f} {share:>9}"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", type=Path, default=BUILTIN, help="JSON file with a list of scenarios")
    parser.add_argument("--quick", action="store_true", help=f"only the first {QUICK_SEEDS} seeds of each scenario")
    parser.add_argument("--pacers", default=",".join(PACERS), help="comma-separated pacer names")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    try:
        scenarios = load_scenarios(args.scenarios)
    except (ScenarioError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    pacers = tuple(name.strip() for name in args.pacers.split(",") if name.strip())
    for name in pacers:
        pacer_named(name)  # fail early on a typo
    started = time.perf_counter()
    tasks = [(s, pacer, seed) for s in scenarios for seed in seeds_of(s, args.quick) for pacer in pacers]
    runs: dict[str, dict[str, list[RunMetrics]]] = defaultdict(lambda: defaultdict(list))
    slowest = 0.0
    for scenario, pacer, _seed, metrics, seconds in run_all(tasks, args.workers):
        runs[scenario.name][pacer].append(metrics)
        slowest = max(slowest, seconds)
    summaries = {s.name: {p: Summary.of(runs[s.name][p]) for p in pacers} for s in scenarios}
    print(table(scenarios, pacers, summaries))
    print(f"{len(tasks)} runs in {time.perf_counter() - started:.0f} s wall ({args.workers} workers); "
          f"slowest run {slowest:.1f} s")
    print(json.dumps({s.name: {p: summaries[s.name][p].as_json() for p in pacers} for s in scenarios}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
