"""When to call an agent's phone again after it was lost: at once, then with a growing pause,
and never more than `MAX_TRIES` times in a row (the agent's "call my phone" button always
works). A phone that answers and drops again within `STABLE_S` is one more failed try, so a
broken softphone is not rung in a loop. Pure: the caller passes `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FIRST_DELAY_S = 2.0
MAX_DELAY_S = 60.0
MAX_TRIES = 6
STABLE_S = 30.0


def delay_s(tries: int) -> float:
    """The pause before try number `tries + 1` (0, 2, 4, 8 … 60 s)."""
    return 0.0 if tries == 0 else min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (tries - 1))


@dataclass
class _Plan:
    due: datetime | None  # None: called, the outcome not known yet
    tries: int = 0
    answered_at: datetime | None = None


class Redials:
    """The phones to call again, and when."""

    def __init__(self) -> None:
        self._plans: dict[int, _Plan] = {}

    def _stable(self, plan: _Plan, now: datetime) -> bool:
        return plan.answered_at is not None and (now - plan.answered_at).total_seconds() >= STABLE_S

    def plan(self, agent_id: int, now: datetime) -> None:
        """Call this agent's phone again (after a recent failed try, later than the last time)."""
        old = self._plans.get(agent_id)
        tries = old.tries if old is not None and not self._stable(old, now) else 0
        if tries >= MAX_TRIES:
            self._plans.pop(agent_id, None)
            return
        self._plans[agent_id] = _Plan(now + timedelta(seconds=delay_s(tries)), tries)

    def due(self, now: datetime) -> list[int]:
        """Agents whose phone should be called now; each counts as one more try."""
        ready = [agent_id for agent_id, p in self._plans.items() if p.due is not None and p.due <= now]
        for agent_id in ready:
            plan = self._plans[agent_id]
            plan.tries, plan.due, plan.answered_at = plan.tries + 1, None, None
        return ready

    def answered(self, agent_id: int, now: datetime) -> None:
        if (plan := self._plans.get(agent_id)) is not None:
            plan.answered_at = now

    def cancel(self, agent_id: int) -> None:
        self._plans.pop(agent_id, None)

    def pending(self, agent_id: int, now: datetime) -> bool:
        """Being called again, or answered so recently that a drop continues the same series."""
        plan = self._plans.get(agent_id)
        return plan is not None and not self._stable(plan, now)

    def tries(self, agent_id: int) -> int:
        plan = self._plans.get(agent_id)
        return plan.tries if plan else 0
