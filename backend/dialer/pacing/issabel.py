"""Issabel CallCenter's predictor (Predictor.class.php / CampaignProcess.class.php), a baseline.

Busy agents count as "about to be free" when an exponential call length says they are done
with probability `qos` by the time a new call would answer; the result is divided by the answer
rate when overcommit is on. Agents in wrap-up show "Not in use" to Asterisk's queue during
`wrapuptime`, so the original counts them as free members; so do we.
"""

from __future__ import annotations

import math
from typing import Any

from dialer.pacing.decision import Decision, Reason
from dialer.pacing.limits import within_limits
from dialer.pacing.snapshot import Snapshot

DEFAULT_TIME_TO_ANSWER_S = 8.0
MIN_COMPLETED_CALLS = 10


class IssabelPacer:
    name = "issabel"

    def __init__(self, qos: float = 0.97, overcommit: bool = True, force_overcommit: int = 0) -> None:
        self.qos = qos
        self.overcommit = overcommit
        self.force_overcommit = force_overcommit

    def initial_state(self) -> None:
        return None

    def calls_to_launch(self, snapshot: Snapshot, state: Any = None) -> Decision:
        learned = snapshot.learned
        free = snapshot.agents_ready + len(snapshot.agents_in_wrap_up)
        soon = 0
        if len(learned.talk_s) >= MIN_COMPLETED_CALLS:
            mean_call = learned.mean_talk_s or snapshot.settings.predicted_talk_s
            t_answer = learned.mean_time_to_answer_s or DEFAULT_TIME_TO_ANSWER_S
            soon = sum(
                1
                for age in snapshot.agents_on_call_s
                if 1 - math.exp(-(t_answer + age) / mean_call) >= self.qos
            )
        waiting = len(snapshot.customers_waiting_s)
        max_channels = snapshot.settings.max_lines
        wanted = min(max_channels, free + soon - waiting) + self.force_overcommit - len(snapshot.calls_ringing_s)
        detail = {"free": free, "soon_free": soon}
        if self.overcommit and learned.recent_attempts >= MIN_COMPLETED_CALLS and wanted > 0:
            asr = max(learned.answer_rate or 0.0, 0.20)
            wanted = round(wanted / asr)
            detail["asr"] = asr
        if free + soon == 0:
            return within_limits(snapshot, 0, Reason.NO_READY_AGENTS, detail)
        reason = Reason.FORECAST if wanted > 0 else Reason.ENOUGH_IN_FLIGHT
        return within_limits(snapshot, wanted, reason, detail)
