"""Ratio dialing as miniDIALER and UIS do it: k calls per ready agent, plus UIS's timing rules.

- k = `calls_per_agent` (1 + overdial %, so 100 % overdial is 2 calls per agent).
- An agent on a call counts as ready once `talk + wrap-up - time to answer` has elapsed, with the
  campaign's predicted talk time until a talk has been measured, the measured mean afterwards.
- Calls in flight (ringing, waiting) count against the goal, so a failed ringing call is
  replaced at once and a very short call is redialed at once; with customers already waiting
  for an agent, nothing more is dialed.
"""

from __future__ import annotations

import math
from typing import Any

from dialer.pacing.decision import Decision, Reason
from dialer.pacing.limits import within_limits
from dialer.pacing.snapshot import Snapshot


class RatioPacer:
    name = "ratio"

    def __init__(self, calls_per_agent: float | None = None) -> None:
        # None: take the campaign's setting from the snapshot.
        self.calls_per_agent = calls_per_agent

    def initial_state(self) -> None:
        return None

    def calls_to_launch(self, snapshot: Snapshot, state: Any = None) -> Decision:
        if snapshot.customers_waiting_s:
            return within_limits(snapshot, 0, Reason.CUSTOMERS_WAITING)
        settings, learned = snapshot.settings, snapshot.learned
        ratio = self.calls_per_agent or settings.calls_per_agent
        talk = learned.mean_talk_s or settings.predicted_talk_s
        wrap = learned.mean_wrap_up_s or settings.default_wrap_up_s
        answer_after = learned.mean_time_to_answer_s or 0.0
        start_dialing_at = talk + wrap - answer_after
        soon = sum(1 for age in snapshot.agents_on_call_s if age >= start_dialing_at)
        soon += sum(1 for wrap_up in snapshot.agents_in_wrap_up if wrap_up.remaining_s <= answer_after)
        agents = snapshot.agents_ready + soon
        if agents == 0:
            return within_limits(snapshot, 0, Reason.NO_READY_AGENTS)
        wanted = math.floor(ratio * agents + 0.5) - snapshot.calls_in_flight
        detail = {"ratio": ratio, "ready": snapshot.agents_ready, "soon_free": soon}
        reason = Reason.FORECAST if wanted > 0 else Reason.ENOUGH_IN_FLIGHT
        return within_limits(snapshot, wanted, reason, detail)
