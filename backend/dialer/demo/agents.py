"""Simulated agents for the demo: they log in, go ready, take the calls the engine connects,
wrap up, set a disposition (a realistic mix, with callbacks), and take the odd break.

They drive the engine through the same calls the agent panel makes, and hear about their
calls through the same hub events, so the demo exercises the real paths. They live with the
demo, not in `dialer.sim`: the simulated PBX must not know the engine.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dialer.engine.engine import AgentError, Engine
from dialer.models import Disposition

log = logging.getLogger(__name__)

# (disposition code, weight): what agents of an outbound sales team typically record.
MIX = [("not_interested", 40), ("interested", 15), ("sale", 15), ("callback_me", 5), ("wrong_number", 5),
       ("machine", 5), ("dnc", 2)]


@dataclass
class BotProfile:
    wrap_up_s: tuple[float, float] = (3.0, 9.0)
    longest_call_s: float = 150.0  # the agent ends a call that runs longer
    break_every: int = 12  # calls between breaks, on average
    break_s: tuple[float, float] = (20.0, 60.0)


class AgentBot:
    def __init__(self, engine: Engine, agent_id: int, campaign_ids: set[int], rng: random.Random,
                 profile: BotProfile | None = None) -> None:
        self.engine = engine
        self.agent_id = agent_id
        self.campaign_ids = campaign_ids
        self.rng = rng
        self.profile = profile or BotProfile()
        self.calls_taken = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"agent-bot-{self.agent_id}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self.engine.agent_screen_closed(self.agent_id)
        try:
            await self.engine.agent_logout(self.agent_id)
        except AgentError:
            pass

    async def _run(self) -> None:
        dispositions = {d.code: d for d in await Disposition.filter(campaign=None, active=True)}
        sub = self.engine.hub.subscribe(f"agent:{self.agent_id}")
        await self.engine.agent_login(self.agent_id, self.campaign_ids)
        # A bot is its own screen: without one it would be "not ready (disconnected)" after the grace.
        self.engine.agent_screen_opened(self.agent_id)
        await self.engine.agent_ready(self.agent_id)
        hang_up: asyncio.Task[None] | None = None
        async with sub:
            async for _, event in sub:
                try:
                    if event["type"] == "call.connected":
                        self.calls_taken += 1
                        hang_up = asyncio.create_task(self._end_long_call(event["call_id"]))
                    elif event["type"] == "call.ended":
                        if hang_up is not None:
                            hang_up.cancel()
                        await asyncio.sleep(self.rng.uniform(*self.profile.wrap_up_s))
                        await self._dispose(event["call_id"], dispositions)
                        if self.rng.random() < 1 / self.profile.break_every:
                            await self.engine.agent_pause(self.agent_id, "Break")
                            await asyncio.sleep(self.rng.uniform(*self.profile.break_s))
                            await self.engine.agent_ready(self.agent_id)
                except AgentError as exc:
                    log.debug("agent bot %s: %s", self.agent_id, exc)

    async def _end_long_call(self, call_id: str) -> None:
        await asyncio.sleep(self.profile.longest_call_s)
        try:
            await self.engine.agent_hangup(self.agent_id)
        except AgentError:
            pass

    async def _dispose(self, call_id: str, dispositions: dict[str, Disposition]) -> None:
        choices = [(code, w) for code, w in MIX if code in dispositions]
        if not choices:
            return
        code = self.rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]
        d = dispositions[code]
        callback_at = None
        if d.is_callback:
            callback_at = datetime.now(timezone.utc) + timedelta(hours=self.rng.choice([2, 4, 24, 48]))
        await self.engine.save_disposition(self.agent_id, call_id, d.id, notes="(simulated agent)",
                                           callback_at=callback_at)
