from __future__ import annotations

import random

import pytest

from dialer.pacing.simulation.distributions import ScenarioError, parse_distribution

SPECS = [
    ({"dist": "constant", "value": 10}, 10.0),
    ({"dist": "uniform", "low": 3, "high": 20}, 11.5),
    ({"dist": "exponential", "mean": 120}, 120.0),
    ({"dist": "lognormal", "median": 90, "sigma": 0.5}, 90 * 2.718281828 ** (0.125)),
    ({"dist": "gamma", "mean": 60, "shape": 4}, 60.0),
    ({"dist": "mixture", "parts": [[1, {"dist": "constant", "value": 10}], [3, {"dist": "constant", "value": 30}]]},
     25.0),
    ({"dist": "empirical", "values": [1, 2, 3, 10]}, 4.0),
]


@pytest.mark.parametrize(("spec", "mean"), SPECS, ids=[s["dist"] for s, _ in SPECS])
def test_each_distribution_samples_around_its_mean(spec: dict, mean: float) -> None:
    dist = parse_distribution(spec, "talk_s")
    assert dist.mean == pytest.approx(mean, rel=1e-6)
    rng = random.Random(7)
    draws = [dist.sample(rng) for _ in range(20000)]
    assert sum(draws) / len(draws) == pytest.approx(mean, rel=0.05)
    assert min(draws) >= 0


def test_same_seed_same_draws() -> None:
    dist = parse_distribution({"dist": "gamma", "mean": 60, "shape": 2}, "talk_s")
    assert [dist.sample(random.Random(3)) for _ in range(3)] == [dist.sample(random.Random(3)) for _ in range(3)]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("fast", r"talk_s: expected an object"),
        ({"dist": "weibull", "k": 2}, r"talk_s\.dist: unknown distribution 'weibull'"),
        ({"dist": "exponential"}, r"talk_s\.mean: missing"),
        ({"dist": "exponential", "mean": 120, "sd": 3}, r"talk_s\.sd: unknown key"),
        ({"dist": "exponential", "mean": -1}, r"talk_s\.mean: must be > 0"),
        ({"dist": "exponential", "mean": "long"}, r"talk_s\.mean: expected a number"),
        ({"dist": "uniform", "low": 20, "high": 3}, r"talk_s\.high: must be >= low"),
        ({"dist": "lognormal", "median": 0, "sigma": 1}, r"talk_s\.median: must be > 0"),
        ({"dist": "gamma", "mean": 10, "shape": 0}, r"talk_s\.shape: must be > 0"),
        ({"dist": "mixture", "parts": []}, r"talk_s\.parts: expected a non-empty list"),
        ({"dist": "mixture", "parts": [[1]]}, r"talk_s\.parts\[0\]: expected \[weight, distribution\]"),
        ({"dist": "mixture", "parts": [[1, {"dist": "constant"}]]}, r"talk_s\.parts\[0\]\.value: missing"),
        ({"dist": "empirical", "values": []}, r"talk_s\.values: expected a non-empty list"),
        ({"dist": "empirical", "values": [1, "x"]}, r"talk_s\.values\[1\]\.value: expected a number"),
    ],
)
def test_bad_specs_name_the_key(spec, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_distribution(spec, "talk_s")
