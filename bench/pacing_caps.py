"""What each point of abandon buys: one pacer on the built-in scenarios under several abandon caps.

    python bench/pacing_caps.py                          # adaptive, S20, caps 1 2 3 4 5 %
    python bench/pacing_caps.py --only S5,S100 --caps 2,3
    python bench/pacing_caps.py --scenarios FILE --pacer vicidial --quick

The cap is the campaign's setting (FCC and Ofcom use 3 %; many centres set a house rule below
it); everything else is the scenario as written. The table gives, per cap, the utilisation and
the abandon rate (mean and worst seed) the pacer reaches, so an admin sees what a tighter cap
costs in talk time, and a pacer's curve shows whether a utilisation target is a matter of
pacing or of the abandons it would take. The last line is one JSON object:
`{scenario: {cap %: {"utilisation", "abandon_mean", "abandon_max", "idle_p90_s", "wait_p95_s",
"within_cap"}}}` (the figures of `bench/pacing.py`, and whether the worst seed kept the cap).
"""

from __future__ import annotations

import argparse
import dataclasses
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
from dialer.pacing.simulation.scenario import load_scenarios

BUILTIN = Path(__file__).parent / "scenarios" / "builtin.json"


def parse_caps(text: str) -> list[float]:
    """Caps in percent, '1,2,3' -> [0.01, 0.02, 0.03]; each must lie in (0, 100)."""
    caps = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"cap {part.strip()!r} is not a number") from None
        if not 0 < value < 100:
            raise ValueError(f"cap {value:g} % is outside (0, 100)")
        caps.append(value / 100)
    return sorted(set(caps))


def cap_key(cap: float) -> str:
    return f"{100 * cap:g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", type=Path, default=BUILTIN, help="JSON file with a list of scenarios")
    parser.add_argument("--only", default="S20", help="comma-separated scenario names ('all' for every one)")
    parser.add_argument("--caps", default="1,2,3,4,5", help="abandon caps in percent, comma-separated")
    parser.add_argument("--pacer", default="adaptive")
    parser.add_argument("--quick", action="store_true", help=f"only the first {QUICK_SEEDS} seeds of each scenario")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    try:
        scenarios = load_scenarios(args.scenarios)
        caps = parse_caps(args.caps)
        pacer_named(args.pacer)  # fail early on a typo
    except (ScenarioError, OSError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.only != "all":
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = sorted(set(wanted) - {s.name for s in scenarios})
        if unknown:
            print(f"error: no scenario named {', '.join(unknown)} in {args.scenarios}", file=sys.stderr)
            return 2
        scenarios = [s for s in scenarios if s.name in wanted]
    started = time.perf_counter()
    tasks = [
        (dataclasses.replace(scenario, abandon_cap=cap), args.pacer, seed)
        for scenario in scenarios
        for cap in caps
        for seed in seeds_of(scenario, args.quick)
    ]
    runs: dict[str, dict[float, list[RunMetrics]]] = defaultdict(lambda: defaultdict(list))
    for scenario, _pacer, _seed, metrics, _seconds in run_all(tasks, args.workers):
        runs[scenario.name][scenario.abandon_cap].append(metrics)
    header = f"{'scenario':<16} {'cap %':>5} {'util %':>6} {'(min-max)':>11} {'abandon %':>9} {'max':>5} {'within':>6}"
    print(f"pacer: {args.pacer}")
    print(header)
    print("-" * len(header))
    figures: dict[str, dict[str, dict[str, float | bool]]] = {}
    for scenario in scenarios:
        figures[scenario.name] = {}
        for cap in caps:
            s = Summary.of(runs[scenario.name][cap])
            # The cap is a limit on every shift, so the worst seed is what is judged.
            within = s.abandon.high <= cap + 1e-12
            print(f"{scenario.name:<16} {100 * cap:>5.1f} {100 * s.utilisation.mean:>6.1f} "
                  f"{f'({100 * s.utilisation.low:.1f}-{100 * s.utilisation.high:.1f})':>11} "
                  f"{100 * s.abandon.mean:>9.2f} {100 * s.abandon.high:>5.2f} {'yes' if within else 'NO':>6}")
            figures[scenario.name][cap_key(cap)] = {**s.as_json(), "within_cap": within}
        print()
    print(f"{len(tasks)} runs in {time.perf_counter() - started:.0f} s wall ({args.workers} workers)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
