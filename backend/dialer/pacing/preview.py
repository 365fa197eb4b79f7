"""Preview: one contact per ready agent, agent first (the agent sees the card, then the call goes out).

The count is the same as progressive; `agent_first` in the detail tells the engine to ring the
agent before the customer, so a preview call can never be abandoned.
"""

from __future__ import annotations

from typing import Any

from dialer.pacing.decision import Decision, Reason
from dialer.pacing.limits import progressive_calls, within_limits
from dialer.pacing.snapshot import Snapshot


class PreviewPacer:
    name = "preview"

    def initial_state(self) -> None:
        return None

    def calls_to_launch(self, snapshot: Snapshot, state: Any = None) -> Decision:
        if snapshot.agents_ready == 0:
            return within_limits(snapshot, 0, Reason.NO_READY_AGENTS, {"agent_first": 1.0})
        wanted = progressive_calls(snapshot)
        reason = Reason.FORECAST if wanted else Reason.ENOUGH_IN_FLIGHT
        return within_limits(snapshot, wanted, reason, {"agent_first": 1.0})
