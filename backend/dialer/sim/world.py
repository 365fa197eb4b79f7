"""How the simulated outside world behaves: distributions of outcomes and durations, agents'
phones, and the per-call random draws that keep a world deterministic for a seed.

The number convention (see numbers.py) fixes most customer numbers' behaviour; a
`WorldConfig` supplies the weighted "world" draw (numbers ending in 9, or every number with
`every_number=True`) and the phones of PJSIP agents. It knows nothing of ARI or events.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

# The weights of the test-world dialplan's "...9" draw, in the order of its GotoIf chain.
WORLD_BRANCHES = ("person", "no_answer", "busy", "machine", "congestion", "rejected",
                  "unallocated")
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "person": 35, "no_answer": 25, "busy": 12, "machine": 10, "congestion": 6,
    "rejected": 6, "unallocated": 6,
}


@dataclass(frozen=True)
class Span:
    """A uniform draw between `low` and `high` seconds (integers, like RAND(), if both are)."""

    low: float
    high: float

    def draw(self, rng: random.Random) -> float:
        if isinstance(self.low, int) and isinstance(self.high, int):
            return rng.randint(self.low, self.high)
        return round(rng.uniform(self.low, self.high), 3)

    @classmethod
    def of(cls, value: Any) -> Span:
        if isinstance(value, Span):
            return value
        if isinstance(value, (int, float)):
            return cls(value, value)
        low, high = value
        return cls(low, high)


@dataclass(frozen=True)
class Phone:
    """An agent's auto-answer phone: answers after `answer_after` s, or never if None."""

    answer_after: float | None = 0.0


@dataclass(frozen=True)
class WorldConfig:
    """Distributions of the simulated world (all durations in simulated seconds).

    `every_number`: every `Local/<n>@customers` number takes the weighted draw, whatever its
    last digit (for demos and benchmarks); otherwise only numbers ending in 9 do.
    `patience`: sim-only, off by default. An answered person who is not talking to anybody
    (bridged with another channel) this long after answering hangs up: a customer giving up
    while waiting for an agent. The real test-world dialplan cannot do this.
    `phones`: PJSIP agents' phones by device (`"PJSIP/1001"`); others use `default_phone`.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    person_ring: Span = Span(2, 15)
    person_talk: Span = Span(10, 90)
    machine_ring: Span = Span(2, 12)
    reject_ring: Span = Span(2, 10)
    patience: Span | None = None
    every_number: bool = False
    stasis_app: str = "dialer"
    phones: Mapping[str, Phone] = field(default_factory=dict)
    default_phone: Phone = Phone(answer_after=1.0)

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(WORLD_BRANCHES)
        if unknown:
            raise ValueError(f"unknown world outcomes: {sorted(unknown)}")
        if sum(self.weights.values()) <= 0:
            raise ValueError("world weights must not all be zero")

    def thresholds(self) -> list[tuple[str, int]]:
        """Cumulative DRAW thresholds (0..100) of the GotoIf chain, like the dialplan's."""
        total = float(sum(self.weights.values()))
        out: list[tuple[str, int]] = []
        acc = 0.0
        for branch in WORLD_BRANCHES:
            acc += self.weights.get(branch, 0.0)
            out.append((branch, round(100 * acc / total)))
        return out

    def phone(self, device: str) -> Phone:
        return self.phones.get(device, self.default_phone)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> WorldConfig:
        """Build from plain data (TOML/JSON): spans as [low, high], phones as {dev: s|null}."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown world settings: {sorted(unknown)}")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("person_ring", "person_talk", "machine_ring", "reject_ring"):
                kwargs[key] = Span.of(value)
            elif key == "patience":
                kwargs[key] = None if value is None else Span.of(value)
            elif key == "phones":
                kwargs[key] = {dev: Phone(v) for dev, v in value.items()}
            elif key == "default_phone":
                kwargs[key] = Phone(value)
            elif key == "weights":
                kwargs[key] = {**{b: 0 for b in WORLD_BRANCHES}, **value}
            else:
                kwargs[key] = value
        return cls(**kwargs)


class CallDice:
    """Per-call random streams: the n-th call to an endpoint draws the same in every run.

    Keying on (seed, endpoint, n) rather than one shared stream keeps outcomes stable when
    calls interleave differently (timers, network), which is what makes a seed reproducible.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._counts: dict[str, int] = {}

    def for_call(self, endpoint: str) -> random.Random:
        n = self._counts.get(endpoint, 0)
        self._counts[endpoint] = n + 1
        return random.Random(f"{self.seed}/{endpoint}/{n}")

    def reset(self) -> None:
        self._counts.clear()
