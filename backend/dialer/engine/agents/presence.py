"""Whether anybody is at an agent's screens: the panel's and the extension's websockets
(each open socket counts; the socket route closes one whose heartbeat stops), and the agent's
own requests. Pure: the caller passes `now`.

VICIdial logs out agents whose screen stops answering ("lagged"); here the agent becomes
`not ready (disconnected)` after the grace period and resumes with one click when back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class _Screens:
    open: int = 0
    last_seen: datetime | None = None  # the last sign of life: a socket closing, a request


class Presence:
    def __init__(self) -> None:
        self._agents: dict[int, _Screens] = {}

    def opened(self, agent_id: int, now: datetime) -> None:
        screens = self._agents.setdefault(agent_id, _Screens())
        screens.open += 1
        screens.last_seen = now

    def closed(self, agent_id: int, now: datetime) -> None:
        screens = self._agents.setdefault(agent_id, _Screens())
        screens.open = max(0, screens.open - 1)
        screens.last_seen = now

    def seen(self, agent_id: int, now: datetime) -> None:
        """The agent did something (logged in, clicked ready): they are there now."""
        self._agents.setdefault(agent_id, _Screens()).last_seen = now

    def connected(self, agent_id: int) -> bool:
        screens = self._agents.get(agent_id)
        return screens is not None and screens.open > 0

    def screens_closed(self, agent_id: int) -> bool:
        """The agent had a screen and none is open now (within the grace or past it)."""
        screens = self._agents.get(agent_id)
        return screens is not None and screens.last_seen is not None and screens.open == 0

    def gone(self, agent_id: int, now: datetime, grace_s: float) -> bool:
        """No screen open, and no sign of life for `grace_s`."""
        screens = self._agents.get(agent_id)
        if screens is None or screens.last_seen is None:
            return True
        return screens.open == 0 and (now - screens.last_seen).total_seconds() >= grace_s
