"""Everything the engine writes, batched off the event path: attempt updates, the event
database, agent state changes and contact reschedules go into a queue that one task
flushes in a single transaction every `interval` seconds (or sooner when it fills up).

A handler never awaits the database: it calls `write.*` and goes on. `flush()` is awaited at
shutdown and by tests; a failed flush is retried, not dropped, because the record is the
product ("keeps every call on record").
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from dialer.models import AgentStateChange, CallAttempt, CallEvent, Contact
from dialer.stopping import let_finish

log = logging.getLogger(__name__)


@dataclass
class _Batch:
    attempts: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> fields, merged
    events: list[CallEvent] = field(default_factory=list)
    states: list[AgentStateChange] = field(default_factory=list)
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)
    dropped: set[int] = field(default_factory=set)  # attempts that never were: rows to delete

    def __len__(self) -> int:
        return (len(self.attempts) + len(self.events) + len(self.states) + len(self.contacts)
                + len(self.dropped))


async def _close_and_chain(states: list[AgentStateChange]) -> None:
    """Give every change its `ended_at`: the next change of the same agent in this batch, or
    none for each agent's latest; and end each agent's open change in the database where the
    batch's first one begins. So at most one change per agent is open, the latest."""
    by_agent: dict[int, list[AgentStateChange]] = {}
    for state in sorted(states, key=lambda s: s.at):
        by_agent.setdefault(state.agent_id, []).append(state)
    for agent_id, chain in by_agent.items():
        for state, following in zip(chain, chain[1:] + [None]):
            state.ended_at = following.at if following is not None else None
        # The latest stored change, by the (agent_id, at) index: one probe, not a scan.
        latest = AgentStateChange.filter(agent_id=agent_id).order_by("-at", "-id").limit(1).values("id")
        await AgentStateChange.filter(id=Subquery(latest), ended_at__isnull=True,
                                      at__lte=chain[0].at).update(ended_at=chain[0].at)


class RecordWriter:
    def __init__(self, interval: float = 0.2, max_batch: int = 500) -> None:
        self.interval = interval
        self.max_batch = max_batch
        self._batch = _Batch()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._flush_lock = asyncio.Lock()
        self._stopping = False
        self.flushes = 0

    # -- what handlers call (never awaits) -------------------------------------------------

    def attempt(self, attempt_id: int, **fields: Any) -> None:
        self._batch.attempts.setdefault(attempt_id, {}).update(fields)
        self._maybe_wake()

    def event(self, at: datetime, kind: str, *, attempt_id: int | None = None, campaign_id: int | None = None,
              agent_id: int | None = None, channel_id: str = "", **payload: Any) -> None:
        self._batch.events.append(CallEvent(at=at, kind=kind, attempt_id=attempt_id, campaign_id=campaign_id,
                                            agent_id=agent_id, channel_id=channel_id, payload=payload))
        self._maybe_wake()

    def agent_state(self, agent_id: int, state: Any, at: datetime, reason: str = "",
                    campaign_id: int | None = None, session_id: int | None = None) -> None:
        self._batch.states.append(AgentStateChange(agent_id=agent_id, state=state, at=at, reason=reason,
                                                   campaign_id=campaign_id, session_id=session_id))
        self._maybe_wake()

    def contact(self, contact_id: int, **fields: Any) -> None:
        self._batch.contacts.setdefault(contact_id, {}).update(fields)
        self._maybe_wake()

    def drop_attempt(self, attempt_id: int) -> None:
        """The attempt never was (the PBX refused the originate): its row goes, and events
        that named it stay in the record without it."""
        self._batch.attempts.pop(attempt_id, None)
        for event in self._batch.events:
            if event.attempt_id == attempt_id:
                event.attempt_id = None
        self._batch.dropped.add(attempt_id)
        self._maybe_wake()

    def _maybe_wake(self) -> None:
        if len(self._batch) >= self.max_batch:
            self._wake.set()

    # -- the flusher -----------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="record-writer")

    async def stop(self) -> None:
        if self._task is not None:
            # Asked, not cancelled, as a flush may be inside its transaction (dialer/stopping.py).
            self._stopping = True
            self._wake.set()
            await let_finish(self._task)
            self._task = None
        await self.flush()

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            if self._stopping:
                return  # stop() writes what is left
            try:
                await self.flush()
            except Exception:
                log.exception("writing call records failed; keeping them for the next try")
                await asyncio.sleep(1.0)

    async def flush(self) -> None:
        async with self._flush_lock:
            batch, self._batch = self._batch, _Batch()
            if not len(batch):
                return
            try:
                async with in_transaction():
                    for attempt_id, fields in batch.attempts.items():
                        await CallAttempt.filter(id=attempt_id).update(**fields)
                    for contact_id, fields in batch.contacts.items():
                        await Contact.filter(id=contact_id).update(**fields)
                    if batch.events:
                        await CallEvent.bulk_create(batch.events)
                    if batch.states:
                        await _close_and_chain(batch.states)
                        await AgentStateChange.bulk_create(batch.states)
                    if batch.dropped:
                        await CallEvent.filter(attempt_id__in=batch.dropped).update(attempt_id=None)
                        await CallAttempt.filter(id__in=batch.dropped).delete()
            except BaseException:  # also a cancel: the records go back, to be written later
                self._restore(batch)
                raise
            self.flushes += 1

    def _restore(self, failed: _Batch) -> None:
        """Put a failed batch back in front of what arrived meanwhile (newer fields win)."""
        newer = self._batch
        for attempt_id, fields in newer.attempts.items():
            failed.attempts.setdefault(attempt_id, {}).update(fields)
        for contact_id, fields in newer.contacts.items():
            failed.contacts.setdefault(contact_id, {}).update(fields)
        failed.events.extend(newer.events)
        failed.states.extend(newer.states)
        failed.dropped |= newer.dropped
        for attempt_id in failed.dropped:
            failed.attempts.pop(attempt_id, None)
        self._batch = failed
