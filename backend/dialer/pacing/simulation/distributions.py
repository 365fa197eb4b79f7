"""Random durations for scenarios, parsed from JSON specs such as {"dist": "uniform", "low": 3, "high": 20}.

Sampling uses `random.Random` (fast scalar draws, deterministic for a seed); not for numpy arrays.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Protocol


class ScenarioError(ValueError):
    """A scenario file is wrong; the message names the key and what is wrong with it."""


class Distribution(Protocol):
    def sample(self, rng: random.Random) -> float: ...

    @property
    def mean(self) -> float: ...


@dataclass(frozen=True)
class Constant:
    value: float

    def sample(self, rng: random.Random) -> float:
        return self.value

    @property
    def mean(self) -> float:
        return self.value


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float

    def sample(self, rng: random.Random) -> float:
        return self.low + (self.high - self.low) * rng.random()

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Exponential:
    mean_value: float

    def sample(self, rng: random.Random) -> float:
        return rng.expovariate(1.0 / self.mean_value)

    @property
    def mean(self) -> float:
        return self.mean_value


@dataclass(frozen=True)
class LogNormal:
    median: float
    sigma: float

    def sample(self, rng: random.Random) -> float:
        return rng.lognormvariate(math.log(self.median), self.sigma)

    @property
    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


@dataclass(frozen=True)
class Gamma:
    mean_value: float
    shape: float

    def sample(self, rng: random.Random) -> float:
        return rng.gammavariate(self.shape, self.mean_value / self.shape)

    @property
    def mean(self) -> float:
        return self.mean_value


@dataclass(frozen=True)
class Mixture:
    weights: tuple[float, ...]
    parts: tuple[Distribution, ...]

    def sample(self, rng: random.Random) -> float:
        pick = rng.random() * sum(self.weights)
        for weight, part in zip(self.weights, self.parts):
            pick -= weight
            if pick < 0:
                return part.sample(rng)
        return self.parts[-1].sample(rng)

    @property
    def mean(self) -> float:
        total = sum(self.weights)
        return sum(w * p.mean for w, p in zip(self.weights, self.parts)) / total


@dataclass(frozen=True)
class Empirical:
    values: tuple[float, ...]

    def sample(self, rng: random.Random) -> float:
        return self.values[int(rng.random() * len(self.values))]

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values)


_PARAMETERS: dict[str, tuple[str, ...]] = {
    "constant": ("value",),
    "uniform": ("low", "high"),
    "exponential": ("mean",),
    "lognormal": ("median", "sigma"),
    "gamma": ("mean", "shape"),
    "mixture": ("parts",),
    "empirical": ("values",),
}


def _number(spec: dict[str, Any], key: str, where: str, positive: bool = False) -> float:
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScenarioError(f"{where}.{key}: expected a number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ScenarioError(f"{where}.{key}: must be {'> 0' if positive else '>= 0'}, got {value!r}")
    return float(value)


def parse_distribution(spec: Any, where: str) -> Distribution:
    """A distribution from its JSON spec; `where` names the key for error messages."""
    if not isinstance(spec, dict):
        raise ScenarioError(f"{where}: expected an object like {{\"dist\": \"constant\", \"value\": 10}}, got {spec!r}")
    kind = spec.get("dist")
    if kind not in _PARAMETERS:
        raise ScenarioError(f"{where}.dist: unknown distribution {kind!r}; known: {', '.join(_PARAMETERS)}")
    expected = set(_PARAMETERS[kind])
    unknown = sorted(set(spec) - expected - {"dist"})
    if unknown:
        raise ScenarioError(f"{where}.{unknown[0]}: unknown key for a {kind} distribution")
    missing = sorted(expected - set(spec))
    if missing:
        raise ScenarioError(f"{where}.{missing[0]}: missing for a {kind} distribution")
    if kind == "constant":
        return Constant(_number(spec, "value", where))
    if kind == "uniform":
        low, high = _number(spec, "low", where), _number(spec, "high", where)
        if high < low:
            raise ScenarioError(f"{where}.high: must be >= low ({low}), got {high}")
        return Uniform(low, high)
    if kind == "exponential":
        return Exponential(_number(spec, "mean", where, positive=True))
    if kind == "lognormal":
        return LogNormal(_number(spec, "median", where, positive=True), _number(spec, "sigma", where))
    if kind == "gamma":
        return Gamma(_number(spec, "mean", where, positive=True), _number(spec, "shape", where, positive=True))
    if kind == "mixture":
        return _parse_mixture(spec["parts"], f"{where}.parts")
    return _parse_empirical(spec["values"], f"{where}.values")


def _parse_mixture(parts: Any, where: str) -> Mixture:
    if not isinstance(parts, list) or not parts:
        raise ScenarioError(f"{where}: expected a non-empty list of [weight, distribution]")
    weights, dists = [], []
    for i, part in enumerate(parts):
        if not isinstance(part, list) or len(part) != 2:
            raise ScenarioError(f"{where}[{i}]: expected [weight, distribution], got {part!r}")
        weights.append(_number({"weight": part[0]}, "weight", f"{where}[{i}]", positive=True))
        dists.append(parse_distribution(part[1], f"{where}[{i}]"))
    return Mixture(tuple(weights), tuple(dists))


def _parse_empirical(values: Any, where: str) -> Empirical:
    if not isinstance(values, list) or not values:
        raise ScenarioError(f"{where}: expected a non-empty list of numbers")
    return Empirical(tuple(_number({"value": v}, "value", f"{where}[{i}]") for i, v in enumerate(values)))
