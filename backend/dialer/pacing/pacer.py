"""What a pacer is, and how to get one by name (campaign settings, benchmark command line).

A pacer is a small object holding its tuning parameters; its learned state travels in the
decision (`decision.state`) and comes back as the `state` argument, so the engine can persist it.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Protocol, runtime_checkable

from dialer.pacing.decision import Decision
from dialer.pacing.snapshot import Learned, Snapshot


class Pacer(Protocol):
    name: str

    def initial_state(self) -> Any:
        """The state to pass on the first call (None for stateless pacers)."""

    def calls_to_launch(self, snapshot: Snapshot, state: Any = None) -> Decision:
        """How many customer calls to launch now; `decision.state` is the next state."""


@runtime_checkable
class Resumable(Protocol):
    """A pacer whose learning is worth keeping across an engine restart.

    `saved` keeps only what was learned (never the cursors over `Learned`'s running totals, which
    restart at zero with the engine); `resumed` rebuilds a state from it, taking the cursors from
    the `learned` figures of the first snapshot, and raises ValueError on anything it cannot trust.
    """

    def saved(self, state: Any) -> dict[str, Any]: ...

    def resumed(self, saved: Mapping[str, Any], learned: Learned) -> Any: ...


def saved_number(saved: Mapping[str, Any], key: str) -> float:
    """A finite number from a saved state; ValueError for anything else (a damaged or foreign row)."""
    value = saved.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{key} must be a number, not {value!r}")
    return float(value)


def saved_state(pacer: Pacer, state: Any) -> dict[str, Any] | None:
    """What to store of `state` (JSON-ready), or None for a pacer with nothing worth keeping."""
    if state is None or not isinstance(pacer, Resumable):
        return None
    return pacer.saved(state)


def resumed_state(pacer: Pacer, saved: Mapping[str, Any] | None, learned: Learned) -> Any:
    """The state to start from: the saved one when the pacer can take it back, else its initial one."""
    if saved is None or not isinstance(pacer, Resumable):
        return pacer.initial_state()
    return pacer.resumed(saved, learned)


def pacer_named(name: str) -> Pacer:
    """A pacer with default parameters: preview, progressive, ratio, vicidial, issabel, ..."""
    factories = _factories()
    try:
        return factories[name]()
    except KeyError:
        raise ValueError(f"unknown pacer {name!r}; known: {', '.join(sorted(factories))}") from None


def _factories() -> dict[str, Callable[[], Pacer]]:
    # Imported here: the pacer modules import this module for the Protocol.
    from dialer.pacing.adaptive import AdaptivePacer
    from dialer.pacing.issabel import IssabelPacer
    from dialer.pacing.omnidialer import OmniDialerPacer
    from dialer.pacing.oracle import OraclePacer
    from dialer.pacing.preview import PreviewPacer
    from dialer.pacing.progressive import ProgressivePacer
    from dialer.pacing.ratio import RatioPacer
    from dialer.pacing.vicidial import VicidialPacer

    return {
        "preview": PreviewPacer,
        "progressive": ProgressivePacer,
        "ratio": RatioPacer,
        "vicidial": VicidialPacer,
        "issabel": IssabelPacer,
        "omnidialer": OmniDialerPacer,
        "adaptive": AdaptivePacer,
        "oracle": OraclePacer,
    }
