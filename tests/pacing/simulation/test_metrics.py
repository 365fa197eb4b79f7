from __future__ import annotations

from dialer.pacing.simulation.metrics import RunMetrics, Summary, percentile


def run(utilisation: float, abandon: float) -> RunMetrics:
    return RunMetrics(utilisation, 10.0, 20.0, abandon, 0.0, 1.0, 25.0, 1000, int(abandon * 1000), 3000)


def test_percentile_interpolates() -> None:
    assert percentile([], 90) == 0.0
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([0, 10], 90) == 9


def test_summary_json_is_the_issue_format() -> None:
    summary = Summary.of([run(0.8, 0.02), run(0.9, 0.03)])
    assert summary.as_json() == {
        "utilisation": 0.85, "abandon_mean": 0.025, "abandon_max": 0.03, "idle_p90_s": 20.0, "wait_p95_s": 1.0,
    }
    assert (summary.utilisation.low, summary.utilisation.high) == (0.8, 0.9)
