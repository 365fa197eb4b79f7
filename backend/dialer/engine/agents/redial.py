"""When to call an agent's phone again after it was lost: at once after an Asterisk restart,
then with a growing pause, and never more than `MAX_TRIES` times in a row (the agent's
"call my phone" button always works). Pure: the caller passes `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FIRST_DELAY_S = 2.0
MAX_DELAY_S = 60.0
MAX_TRIES = 6


def delay_s(tries: int) -> float:
    """The pause before try number `tries + 1` (0, 2, 4, 8 … 60 s)."""
    return 0.0 if tries == 0 else min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (tries - 1))


@dataclass
class _Plan:
    due: datetime
    tries: int = 0


class Redials:
    """The phones to call again, and when."""

    def __init__(self) -> None:
        self._plans: dict[int, _Plan] = {}

    def plan(self, agent_id: int, now: datetime) -> None:
        """Call this agent's phone again (a retry of an earlier plan backs off further)."""
        tries = self._plans[agent_id].tries if agent_id in self._plans else 0
        if tries >= MAX_TRIES:
            self._plans.pop(agent_id, None)
            return
        self._plans[agent_id] = _Plan(now + timedelta(seconds=delay_s(tries)), tries)

    def due(self, now: datetime) -> list[int]:
        """Agents whose phone should be called now; each counts as one more try."""
        ready = [agent_id for agent_id, p in self._plans.items() if p.due <= now]
        for agent_id in ready:
            plan = self._plans[agent_id]
            plan.tries += 1
            plan.due = datetime.max.replace(tzinfo=now.tzinfo)  # until the outcome re-plans it
        return ready

    def succeeded(self, agent_id: int) -> None:
        self._plans.pop(agent_id, None)

    def cancel(self, agent_id: int) -> None:
        self._plans.pop(agent_id, None)

    def pending(self, agent_id: int) -> bool:
        return agent_id in self._plans

    def tries(self, agent_id: int) -> int:
        plan = self._plans.get(agent_id)
        return plan.tries if plan else 0
