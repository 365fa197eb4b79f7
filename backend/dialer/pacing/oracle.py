"""The clairvoyant pacer: the ceiling a real pacer aims at, for the benchmark only.

It sees what no engine can: which contacts will answer and when, each talk and wrap-up length,
and when each agent will be free. It dials contacts in their order (skipping none) and launches
the next one that will answer only when an agent will be free within a tick of its answer.
It still obeys the shared limits. Agents' future pauses are the one thing it does not foresee.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from dialer.pacing.decision import Decision, Reason
from dialer.pacing.limits import within_limits
from dialer.pacing.snapshot import Snapshot

UpcomingContact = Callable[[int, float], "tuple[float | None, float, float]"]
"""(index among the next contacts, launch time) -> (answer delay or None, talk, wrap-up)."""


@dataclass(frozen=True)
class Foresight:
    """The simulator's future, in seconds of simulated time."""

    now_s: float
    agents_free_at: Sequence[float]
    """When each logged-in agent is next free (now for ready agents, pause end for paused ones)."""
    answering: Sequence[tuple[float, float, float]]
    """Ringing calls that will answer: (answer time, talk, wrap-up), by answer time."""
    waiting: Sequence[tuple[float, float]]
    """Answered customers waiting for an agent: (talk, wrap-up)."""
    upcoming: UpcomingContact


class OraclePacer:
    name = "oracle"
    clairvoyant = True
    """The simulator passes a `Foresight` as the state argument."""

    def __init__(self, tick_s: float = 1.0) -> None:
        self.tick_s = tick_s

    def initial_state(self) -> None:
        return None

    def calls_to_launch(self, snapshot: Snapshot, state: Any = None) -> Decision:
        if not isinstance(state, Foresight):
            raise TypeError("the oracle needs the simulator's Foresight as its state")
        future = state
        grace = snapshot.settings.abandon_after_s
        free_at = list(future.agents_free_at)
        heapq.heapify(free_at)
        if not free_at:
            return within_limits(snapshot, 0, Reason.NO_ACTIVE_AGENTS)
        now = future.now_s
        for talk, wrap in future.waiting:
            start = max(heapq.heappop(free_at), now)
            heapq.heappush(free_at, start + talk + wrap)
        for answer_at, talk, wrap in future.answering:
            if free_at[0] <= answer_at + grace:
                start = max(heapq.heappop(free_at), answer_at)
                heapq.heappush(free_at, start + talk + wrap)
        allowed = within_limits(snapshot, 10**6, Reason.FORECAST).calls
        spacing = within_limits(snapshot, 1, Reason.FORECAST).launch_spacing_s
        calls = 0
        while calls < allowed:
            # Find the next contact that will answer; the ones before it are dialed with it.
            index = calls
            while index < allowed:
                delay, talk, wrap = future.upcoming(index, now + index * spacing)
                if delay is not None:
                    break
                index += 1
            else:
                # Only non-answering contacts fit in the lines left: dial them to get past them,
                # if an agent will want a customer soon.
                if free_at[0] <= now + snapshot.settings.ring_timeout_s:
                    calls = allowed
                break
            answer_at = now + index * spacing + delay
            if free_at[0] > answer_at + min(self.tick_s, grace):
                break  # launching next tick still lands in time: wait, an agent would idle less
            start = max(heapq.heappop(free_at), answer_at)
            heapq.heappush(free_at, start + talk + wrap)
            calls = index + 1
        reason = Reason.FORECAST if calls else Reason.ENOUGH_IN_FLIGHT
        return within_limits(snapshot, calls, reason, {"next_free_in_s": free_at[0] - now})
