"""Progressive (power) dialing: exactly one call per ready agent, never more.

It cannot abandon a customer unless an agent pauses while their call rings; it is also what
every other pacer falls back to at the abandon cap.
"""

from __future__ import annotations

from typing import Any

from dialer.pacing.decision import Decision, Reason
from dialer.pacing.limits import progressive_calls, within_limits
from dialer.pacing.snapshot import Snapshot


class ProgressivePacer:
    name = "progressive"

    def initial_state(self) -> None:
        return None

    def calls_to_launch(self, snapshot: Snapshot, state: Any = None) -> Decision:
        if snapshot.agents_ready == 0:
            return within_limits(snapshot, 0, Reason.NO_READY_AGENTS)
        wanted = progressive_calls(snapshot)
        reason = Reason.FORECAST if wanted else Reason.ENOUGH_IN_FLIGHT
        return within_limits(snapshot, wanted, reason, {"ready": snapshot.agents_ready})
