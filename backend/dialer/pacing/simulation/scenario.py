"""Scenarios as data: one shift of one campaign, read from JSON, checked key by key.

The format is the one in issue 5 (agents, hours, warm-up, seeds, answer probability constant or
piecewise linear over the shift, time to answer, ring timeout, talk, wrap-up, optional patience
and pauses, lines per agent, abandon cap and delay). `max_attempts_per_5s` and
`release_after_s` (how long a call rings before the pacer may hang it up: at least the law's
15 s, or null for never; 15 by default, as the engine) are optional extras.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialer.pacing.simulation.distributions import Distribution, ScenarioError, parse_distribution
from dialer.pacing.snapshot import LEGAL_MIN_RING_S

_REQUIRED = (
    "name", "agents", "hours", "warmup_min", "seeds", "answer_prob", "time_to_answer_s",
    "ring_timeout_s", "talk_s", "wrap_s", "max_lines_per_agent", "abandon_cap", "abandon_after_s",
)
_OPTIONAL = ("patience_s", "pauses", "max_attempts_per_5s", "release_after_s")


@dataclass(frozen=True)
class Pauses:
    every_min: float
    length_min: float


@dataclass(frozen=True)
class AnswerCurve:
    """Probability that a person answers, by hour into the shift (warm-up included)."""

    points: tuple[tuple[float, float], ...]

    def at(self, hour: float) -> float:
        points = self.points
        if hour <= points[0][0]:
            return points[0][1]
        for (h0, p0), (h1, p1) in zip(points, points[1:]):
            if hour <= h1:
                return p0 + (p1 - p0) * (hour - h0) / (h1 - h0) if h1 > h0 else p1
        return points[-1][1]


@dataclass(frozen=True)
class Scenario:
    name: str
    agents: int
    hours: float
    warmup_min: float
    seeds: tuple[int, ...]
    answer_prob: AnswerCurve
    time_to_answer_s: Distribution
    ring_timeout_s: float
    talk_s: Distribution
    wrap_s: Distribution
    max_lines_per_agent: float
    abandon_cap: float
    abandon_after_s: float
    patience_s: Distribution | None = None
    pauses: Pauses | None = None
    max_attempts_per_5s: int | None = None
    release_after_s: float | None = LEGAL_MIN_RING_S

    @property
    def duration_s(self) -> float:
        return self.warmup_min * 60 + self.hours * 3600


def _number(data: dict[str, Any], key: str, where: str, low: float = 0.0, high: float = math.inf,
            integer: bool = False, low_open: bool = False) -> float:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScenarioError(f"{where}.{key}: expected a number, got {value!r}")
    if integer and value != int(value):
        raise ScenarioError(f"{where}.{key}: expected a whole number, got {value!r}")
    if value < low or value > high or (low_open and value == low):
        bound = f"> {low}" if low_open else f">= {low}"
        upper = f" and <= {high}" if high < math.inf else ""
        raise ScenarioError(f"{where}.{key}: must be {bound}{upper}, got {value!r}")
    return value


def _answer_curve(value: Any, where: str) -> AnswerCurve:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        p = _number({"answer_prob": value}, "answer_prob", where, high=1.0)
        return AnswerCurve(((0.0, float(p)),))
    if not isinstance(value, list) or not value:
        raise ScenarioError(f"{where}.answer_prob: expected a probability or a list of [hour, p]")
    points = []
    for i, point in enumerate(value):
        if not isinstance(point, list) or len(point) != 2:
            raise ScenarioError(f"{where}.answer_prob[{i}]: expected [hour, p], got {point!r}")
        hour = _number({"hour": point[0]}, "hour", f"{where}.answer_prob[{i}]")
        p = _number({"p": point[1]}, "p", f"{where}.answer_prob[{i}]", high=1.0)
        if points and hour < points[-1][0]:
            raise ScenarioError(f"{where}.answer_prob[{i}]: hours must not decrease")
        points.append((float(hour), float(p)))
    return AnswerCurve(tuple(points))


def scenario_from_dict(data: Any) -> Scenario:
    """A scenario from its JSON object; raises ScenarioError naming the first wrong key."""
    if not isinstance(data, dict):
        raise ScenarioError(f"scenario: expected an object, got {type(data).__name__}")
    where = str(data.get("name", "scenario"))
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ScenarioError(f"{where}.{unknown[0]}: unknown key; known: {', '.join(_REQUIRED + _OPTIONAL)}")
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise ScenarioError(f"{where}.{missing[0]}: missing")
    if not isinstance(data["name"], str) or not data["name"]:
        raise ScenarioError(f"{where}.name: expected a non-empty string")
    seeds = data["seeds"]
    if not isinstance(seeds, list) or not seeds or any(isinstance(s, bool) or not isinstance(s, int) for s in seeds):
        raise ScenarioError(f"{where}.seeds: expected a non-empty list of integers, got {seeds!r}")
    pauses = None
    if "pauses" in data:
        spec = data["pauses"]
        if not isinstance(spec, dict) or set(spec) != {"every_min", "length_min"}:
            raise ScenarioError(f"{where}.pauses: expected {{\"every_min\": ..., \"length_min\": ...}}, got {spec!r}")
        pauses = Pauses(
            float(_number(spec, "every_min", f"{where}.pauses", low_open=True)),
            float(_number(spec, "length_min", f"{where}.pauses", low_open=True)),
        )
    max_attempts = None
    if "max_attempts_per_5s" in data:
        max_attempts = int(_number(data, "max_attempts_per_5s", where, low=1, integer=True))
    release_after: float | None = LEGAL_MIN_RING_S
    if "release_after_s" in data:
        release_after = None if data["release_after_s"] is None else float(
            _number(data, "release_after_s", where, low=LEGAL_MIN_RING_S))
    return Scenario(
        name=data["name"],
        agents=int(_number(data, "agents", where, low=1, integer=True)),
        hours=float(_number(data, "hours", where, low_open=True)),
        warmup_min=float(_number(data, "warmup_min", where)),
        seeds=tuple(seeds),
        answer_prob=_answer_curve(data["answer_prob"], where),
        time_to_answer_s=parse_distribution(data["time_to_answer_s"], f"{where}.time_to_answer_s"),
        ring_timeout_s=float(_number(data, "ring_timeout_s", where, low_open=True)),
        talk_s=parse_distribution(data["talk_s"], f"{where}.talk_s"),
        wrap_s=parse_distribution(data["wrap_s"], f"{where}.wrap_s"),
        max_lines_per_agent=float(_number(data, "max_lines_per_agent", where, low=1)),
        abandon_cap=float(_number(data, "abandon_cap", where, high=1.0, low_open=True)),
        abandon_after_s=float(_number(data, "abandon_after_s", where)),
        patience_s=parse_distribution(data["patience_s"], f"{where}.patience_s") if "patience_s" in data else None,
        pauses=pauses,
        max_attempts_per_5s=max_attempts,
        release_after_s=release_after,
    )


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Scenarios from a JSON file holding a list of scenario objects (or a single one)."""
    try:
        data = json.loads(Path(path).read_text())
    except json.JSONDecodeError as error:
        raise ScenarioError(f"{path}: not valid JSON: {error}") from None
    items = data if isinstance(data, list) else [data]
    scenarios = [scenario_from_dict(item) for item in items]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ScenarioError(f"{path}: scenario names must be unique, got {names}")
    return scenarios
