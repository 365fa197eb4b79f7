"""The pacer's answer: how many calls to launch now, and why, in a form a wallboard can show.

A decision carries the pacer's next learned state (None for stateless pacers) so that the
engine can persist it and hand it back on the next tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Mapping


class Reason(Enum):
    """Why this many calls (and not more). The first that applies wins."""

    FORECAST = "forecast"
    """The pacer's own rule decided; `detail` says with which numbers."""
    NO_ACTIVE_AGENTS = "no_active_agents"
    """Every agent is paused or logged out: never dial for them."""
    NO_READY_AGENTS = "no_ready_agents"
    """Nobody is ready and the pacer does not dial ahead of agents on calls."""
    CUSTOMERS_WAITING = "customers_waiting"
    """Answered customers already wait for an agent: dialing more would only make it worse."""
    ENOUGH_IN_FLIGHT = "enough_in_flight"
    """Calls already ringing cover the agents expected to be free."""
    WARMING_UP = "warming_up"
    """Too little measured yet: the pacer dials one call per ready agent."""
    ABANDON_CAP = "abandon_cap"
    """The rolling abandon rate reached the cap: progressive until it is below again."""
    TRUNK_LIMIT = "trunk_limit"
    """The campaign's lines are all in use."""
    RATE_LIMIT = "rate_limit"
    """The maximum originates per 5 seconds was reached."""


@dataclass(frozen=True)
class Decision:
    """Launch `calls` customer calls now, `launch_spacing_s` apart."""

    calls: int
    reason: Reason
    detail: Mapping[str, float] = field(default_factory=dict)
    """Numbers behind the reason: forecast free agents, dial level, margin, ..."""
    launch_spacing_s: float = 0.05
    state: Any = None
    """The pacer's state after this decision; pass it back on the next call."""
    release: int = 0
    """Hang up this many of the longest-ringing unanswered calls, among those that have rung
    `release_after_s`: if they answered now, no agent would almost surely be free for them."""

    def with_calls(self, calls: int, reason: Reason) -> Decision:
        return replace(self, calls=calls, reason=reason)

    def explain(self) -> str:
        """One line for a wallboard: "forecast: 3 calls (free_agents=2.4, margin=0.8)"."""
        numbers = ", ".join(f"{name}={value:.3g}" for name, value in self.detail.items())
        text = f"{self.reason.value}: {self.calls} call{'s' if self.calls != 1 else ''}"
        if self.release:
            text += f", {self.release} released"
        return f"{text} ({numbers})" if numbers else text
